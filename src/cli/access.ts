/**
 * Cloudflare Access grants: which Access identity (email) may act as which staff user.
 *
 * `npm run access -- grant --email <address> --role <county|township|village|inspector> --scope <division code> [--name <label>]`
 * `npm run access -- revoke --email <address>`; `npm run access -- list`.
 *
 * A grant only matters when the app is configured for Access (ACCESS_TEAM_DOMAIN, ACCESS_AUD);
 * Access itself decides who may reach the site at all, the grant decides role and scope here.
 */
import { parseArgs } from 'node:util';
import { migrateDatabase, openDatabase } from '../../db/client.ts';
import { loadConfig } from '../config.ts';
import { ROLE_LABELS, ROLES, type Role } from '../domain/access/access.ts';
import { ACCESS_PREFIX, grantAccess, listTokens, revokeAccess, TokenAdminError } from '../data/users.ts';

const USAGE = `usage:
  npm run access -- grant --email <address> --role <${ROLES.join('|')}> --scope <division code> [--name <label>]
  npm run access -- revoke --email <address>
  npm run access -- list`;

const [command, ...rest] = process.argv.slice(2);
const config = loadConfig(process.env);
const { db, close } = await openDatabase({ url: config.DATABASE_URL, authToken: config.DATABASE_AUTH_TOKEN });
await migrateDatabase(db);
const at = new Date().toISOString();
try {
  if (command === 'grant') {
    const { values } = parseArgs({ args: rest, options: { email: { type: 'string' }, role: { type: 'string' }, scope: { type: 'string' }, name: { type: 'string' } } });
    if (!values.email || !values.role || !ROLES.includes(values.role as Role) || !values.scope) {
      console.error(USAGE);
      process.exitCode = 2;
    } else {
      const g = await grantAccess(db, { email: values.email, role: values.role as Role, scopeCode: values.scope, name: values.name, at });
      console.log(`已开通 (granted): ${g.email} → ${ROLE_LABELS[g.role]}, ${g.scopeName} (${g.scopeCode}), id ${g.tokenId}`);
      if (!config.ACCESS_TEAM_DOMAIN) console.log('注意 (note): ACCESS_TEAM_DOMAIN / ACCESS_AUD are not set here; the server needs them to accept Access sign-ins.');
    }
  } else if (command === 'revoke') {
    const { values } = parseArgs({ args: rest, options: { email: { type: 'string' } } });
    if (!values.email) {
      console.error(USAGE);
      process.exitCode = 2;
    } else {
      const n = await revokeAccess(db, values.email, at);
      console.log(n > 0 ? `已停用 (revoked): ${values.email}` : `没有找到有效的授权 "${values.email}" (nothing revoked)`);
      if (n === 0) process.exitCode = 1;
    }
  } else if (command === 'list') {
    for (const t of await listTokens(db)) {
      if (!t.label.startsWith(ACCESS_PREFIX)) continue;
      console.log(`${t.id}\t${t.label.slice(ACCESS_PREFIX.length)}\t${t.role}\t${t.scopeCode}\t${t.createdAt}${t.revokedAt ? `\trevoked ${t.revokedAt}` : ''}`);
    }
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
