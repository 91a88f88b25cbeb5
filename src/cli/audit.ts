/** `npm run audit:verify`: recomputes the audit log's hash chain and names the first broken link. */
import { openDatabase } from '../../db/client.ts';
import { loadConfig } from '../config.ts';
import { verifyAuditLog } from '../data/audit.ts';

const config = loadConfig(process.env);
const { db, close } = await openDatabase({ url: config.DATABASE_URL, authToken: config.DATABASE_AUTH_TOKEN });
const result = await verifyAuditLog(db);
close();
if (result.ok) {
  console.log(`审计日志完整 (audit chain intact): ${result.checked} entries checked`);
} else {
  console.error(result.message);
  console.error(`first broken link: id ${result.broken.id} (${result.broken.at}, ${result.broken.action}): ${result.broken.problem}; ${result.checked} entries before it are intact`);
  process.exitCode = 1;
}
