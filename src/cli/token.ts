/**
 * `npm run token -- create --role <county|township|village|inspector> --scope <division code> --name <label>`
 * prints the new token once, on its last line (only its sha256 is stored);
 * `npm run token -- revoke <id|label>`; `npm run token -- list`.
 * Cloudflare Access grants (`npm run access`, src/cli/access.ts) are listed here too, labelled
 * `access:<email>`, and can be revoked here by that label.
 */
import { parseArgs } from 'node:util';
import { migrateDatabase, openDatabase } from '../../db/client.ts';
import { loadConfig } from '../config.ts';
import { ROLE_LABELS, ROLES, type Role } from '../domain/access/access.ts';
import { listTokens, mintToken, revokeToken, TokenAdminError } from '../data/users.ts';

const USAGE = `usage:
  npm run token -- create --role <${ROLES.join('|')}> --scope <division code> --name <label>
  npm run token -- revoke <id|label>
  npm run token -- list`;

const [command, ...rest] = process.argv.slice(2);
const config = loadConfig(process.env);
const { db, close } = await openDatabase({ url: config.DATABASE_URL, authToken: config.DATABASE_AUTH_TOKEN });
await migrateDatabase(db);
const at = new Date().toISOString();
try {
  if (command === 'create') {
    const { values } = parseArgs({ args: rest, options: { role: { type: 'string' }, scope: { type: 'string' }, name: { type: 'string' } } });
    if (!values.role || !ROLES.includes(values.role as Role) || !values.scope || !values.name) {
      console.error(USAGE);
      process.exitCode = 2;
    } else {
      const minted = await mintToken(db, { role: values.role as Role, scopeCode: values.scope, name: values.name, at });
      console.log(`令牌已创建 (token created): id ${minted.tokenId}, ${ROLE_LABELS[minted.role]}, ${minted.scopeName} (${minted.scopeCode}), label "${minted.label}"`);
      console.log('请立即复制保存，令牌只显示这一次 (shown once; only its hash is stored):');
      console.log(minted.token);
    }
  } else if (command === 'revoke' && rest[0]) {
    const n = await revokeToken(db, rest[0], at);
    console.log(n > 0 ? `已停用 ${n} 个令牌 (revoked)` : `没有找到有效的令牌 "${rest[0]}" (nothing revoked)`);
    if (n === 0) process.exitCode = 1;
  } else if (command === 'list') {
    for (const t of await listTokens(db)) console.log(`${t.id}\t${t.role}\t${t.scopeCode}\t${t.label}\t${t.createdAt}${t.revokedAt ? `\trevoked ${t.revokedAt}` : ''}`);
  } else {
    console.error(USAGE);
    process.exitCode = 2;
  }
} catch (e) {
  if (e instanceof TokenAdminError) {
    console.error(`error: ${e.message}`);
    process.exitCode = 1;
  } else throw e;
} finally {
  close();
}
