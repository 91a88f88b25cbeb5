/**
 * Staff users and their credentials: bearer tokens (stored as sha256 hashes only) and Cloudflare
 * Access grants.
 *
 * An Access grant is an `api_tokens` row like a token's, so that it has a user (role and scope),
 * an id for the actor, revocation (`revoked_at`) and the same audit entries, without a schema
 * change: its `label` is `access:<email>` and its `token_hash` is `access:<random id>`, which can
 * never equal the sha256 hex of a presented token (so a grant can never be used as a token).
 */
import { and, desc, eq, isNull, like, or, sql, type SQL } from 'drizzle-orm';
import type { Database } from '../../db/database.ts';
import { apiTokens, divisions, users } from '../../db/schema.ts';
import { INSPECTOR_SCOPE_LEVELS, ROLE_SCOPE_LEVEL, type Actor, type Role } from '../domain/access/access.ts';
import { generateToken, hashToken, looksLikeToken } from '../domain/access/api-token.ts';
import { appendAudit } from './audit.ts';
import { writeTransaction } from './write-lock.ts';
import { codeStartsWith } from './code-prefix.ts';

/**
 * Why a new token or grant was refused, for callers that say it in their own words (the staff
 * page's API says it in Chinese; the CLI prints TokenAdminError's English message).
 */
export type TokenProblem =
  | { field: 'name'; reason: 'empty' }
  | { field: 'name'; reason: 'reserved'; received: string }
  | { field: 'name'; reason: 'too_long'; received: string; limit: number }
  | { field: 'name'; reason: 'taken'; received: string }
  | { field: 'scopeCode'; reason: 'unknown'; received: string }
  | { field: 'scopeCode'; reason: 'wrong_level'; received: string; divisionName: string; level: string; needed: 'county' | 'township' | 'village'; role: Role }
  | { field: 'email'; reason: 'invalid'; received: string }
  | { field: 'email'; reason: 'granted'; received: string; tokenId: number };

export class TokenAdminError extends Error {
  override name = 'TokenAdminError';
  /** The problem behind the message, for callers that say it in their own words. */
  readonly problem: TokenProblem | undefined;
  constructor(message: string, problem?: TokenProblem) {
    super(message);
    this.problem = problem;
  }
}

/** Longest name (label) of a token, in characters. */
export const MAX_TOKEN_NAME = 40;

/**
 * Who is making a change, for the audit entry: a plain label (the CLI: `cli`, `e2e`…) or a
 * signed-in user (the staff page: the county user's name and id, and the request).
 */
export type ActingAs = string | { label: string; actorId: number | null; requestId?: string | null };

const actingFields = (by: ActingAs | undefined) =>
  typeof by === 'object' ? { actorId: by.actorId, actorLabel: by.label, requestId: by.requestId ?? null } : { actorId: null, actorLabel: by ?? 'cli', requestId: null };

/** Prefix of an Access grant's label and token_hash. */
export const ACCESS_PREFIX = 'access:';

export interface MintedToken {
  token: string;
  tokenId: number;
  userId: number;
  role: Role;
  scopeCode: string;
  scopeName: string;
  label: string;
}

/** The CLI's words for a problem (TokenAdminError's message). */
export function tokenProblemMessage(p: TokenProblem): string {
  switch (p.reason) {
    case 'empty':
      return '--name must not be empty';
    case 'reserved':
      return `labels starting with "${ACCESS_PREFIX}" are kept for Cloudflare Access grants (npm run access -- grant)`;
    case 'too_long':
      return `--name must be at most ${p.limit} characters (got ${[...p.received].length})`;
    case 'taken':
      return `an active token is already labelled "${p.received}"; revoke it or pick another --name`;
    case 'unknown':
      return `no division with code ${p.received} (load the divisions first, e.g. npm run db:seed)`;
    case 'wrong_level':
      return `role ${p.role} needs a ${p.needed} code, but ${p.received} (${p.divisionName}) is a ${p.level}`;
    case 'invalid':
      return `--email must be an email address (got "${p.received}")`;
    case 'granted':
      return `${p.received} already has an active grant (id ${p.tokenId}); revoke it first: npm run access -- revoke --email ${p.received}`;
  }
}

const refuse = (p: TokenProblem): never => {
  throw new TokenAdminError(tokenProblemMessage(p), p);
};

type Division = typeof divisions.$inferSelect;

/** The division a role's scope names (when there is one), checked against the role's level. */
async function checkScope(db: Database, role: Role, scopeCode: string): Promise<{ division: Division | undefined; problem: TokenProblem | undefined }> {
  const [division] = await db.select().from(divisions).where(eq(divisions.code, scopeCode)).limit(1);
  const needed = ROLE_SCOPE_LEVEL[role];
  if (!division) return { division, problem: { field: 'scopeCode', reason: 'unknown', received: scopeCode } };
  const allowed: readonly string[] = role === 'inspector' ? INSPECTOR_SCOPE_LEVELS : [needed];
  if (!allowed.includes(division.level)) return { division, problem: { field: 'scopeCode', reason: 'wrong_level', received: scopeCode, divisionName: division.name, level: division.level, needed, role } };
  return { division, problem: undefined };
}

async function scopeDivision(db: Database, role: Role, scopeCode: string): Promise<Division> {
  const { division, problem } = await checkScope(db, role, scopeCode);
  return problem || !division ? refuse(problem!) : division;
}

/**
 * Everything wrong with a token about to be minted, in the order the CLI reports the first: the
 * name (empty, reserved for Access grants, too long), the scope (unknown, wrong level for the
 * role), then a name already used by an active token. `division` is the scope's row when it exists.
 */
export async function checkNewToken(
  db: Database,
  input: { role: Role; scopeCode: string; name: string },
): Promise<{ label: string; division: Division | undefined; problems: TokenProblem[] }> {
  const label = input.name.trim();
  const problems: TokenProblem[] = [];
  if (label === '') problems.push({ field: 'name', reason: 'empty' });
  else if (label.startsWith(ACCESS_PREFIX)) problems.push({ field: 'name', reason: 'reserved', received: label });
  else if ([...label].length > MAX_TOKEN_NAME) problems.push({ field: 'name', reason: 'too_long', received: label, limit: MAX_TOKEN_NAME });
  const nameOk = problems.length === 0;
  const scope = await checkScope(db, input.role, input.scopeCode);
  if (scope.problem) problems.push(scope.problem);
  if (nameOk) {
    const [taken] = await db.select({ id: apiTokens.id }).from(apiTokens).where(and(eq(apiTokens.label, label), isNull(apiTokens.revokedAt))).limit(1);
    if (taken) problems.push({ field: 'name', reason: 'taken', received: label });
  }
  return { label, division: scope.division, problems };
}

/**
 * Creates a user with a role over a division and mints its token; the token text is returned once
 * and only its hash is stored. A refusal throws TokenAdminError with the first problem of
 * checkNewToken. `by` is who minted it, for the audit entry (default `cli`).
 */
export async function mintToken(db: Database, input: { role: Role; scopeCode: string; name: string; at: string; by?: ActingAs }): Promise<MintedToken> {
  const { label, division, problems } = await checkNewToken(db, input);
  if (problems[0] || !division) return refuse(problems[0]!);
  const token = generateToken();
  const tokenHash = await hashToken(token);
  return writeTransaction(db, async (tx) => {
    const [user] = await tx.insert(users).values({ name: label, role: input.role, scopeCode: input.scopeCode, createdAt: input.at }).returning({ id: users.id });
    const [row] = await tx.insert(apiTokens).values({ userId: user!.id, tokenHash, label, createdAt: input.at }).returning({ id: apiTokens.id });
    await appendAudit(tx, {
      at: input.at,
      ...actingFields(input.by),
      action: 'token.create',
      subjectType: 'api_token',
      subjectId: String(row!.id),
      detail: { label, role: input.role, scopeCode: input.scopeCode, userId: user!.id },
    });
    return { token, tokenId: row!.id, userId: user!.id, role: input.role, scopeCode: input.scopeCode, scopeName: division.name, label };
  });
}

/**
 * Revokes active tokens (or Access grants) by id or label (a string, as the CLI takes it: digits
 * match an id or a label), or by id alone (a number); returns how many were revoked.
 */
export async function revokeToken(db: Database, idOrLabel: string | number, at: string, by: ActingAs = 'cli'): Promise<number> {
  const which =
    typeof idOrLabel === 'number' ? eq(apiTokens.id, idOrLabel) : or(eq(apiTokens.id, /^\d+$/.test(idOrLabel) ? Number(idOrLabel) : -1), eq(apiTokens.label, idOrLabel));
  return writeTransaction(db, async (tx) => {
    const rows = await tx
      .select({ id: apiTokens.id, label: apiTokens.label })
      .from(apiTokens)
      .where(and(which, isNull(apiTokens.revokedAt)));
    for (const r of rows) {
      await tx.update(apiTokens).set({ revokedAt: at }).where(eq(apiTokens.id, r.id));
      await appendAudit(tx, { at, ...actingFields(by), action: 'token.revoke', subjectType: 'api_token', subjectId: String(r.id), detail: { label: r.label } });
    }
    return rows.length;
  });
}

export async function listTokens(db: Database) {
  return db
    .select({ id: apiTokens.id, label: apiTokens.label, role: users.role, scopeCode: users.scopeCode, createdAt: apiTokens.createdAt, revokedAt: apiTokens.revokedAt })
    .from(apiTokens)
    .innerJoin(users, eq(users.id, apiTokens.userId))
    .orderBy(apiTokens.id);
}

/** A token or Access grant with its user, as the staff page lists it (never the hash). */
export interface StaffAccount {
  id: number;
  userId: number;
  name: string;
  label: string;
  role: Role;
  scopeCode: string;
  /** The scope's division name; null if the division row is missing. */
  scopeName: string | null;
  kind: 'token' | 'access';
  createdAt: string;
  revokedAt: string | null;
}

async function selectAccounts(db: Database, where: SQL | undefined): Promise<StaffAccount[]> {
  const rows = await db
    .select({
      id: apiTokens.id,
      userId: users.id,
      name: users.name,
      label: apiTokens.label,
      role: users.role,
      scopeCode: users.scopeCode,
      scopeName: divisions.name,
      // Whether it is an Access grant, worked out in SQL so that the hash never leaves the database.
      access: sql<number>`${apiTokens.tokenHash} like ${`${ACCESS_PREFIX}%`}`,
      createdAt: apiTokens.createdAt,
      revokedAt: apiTokens.revokedAt,
    })
    .from(apiTokens)
    .innerJoin(users, eq(users.id, apiTokens.userId))
    .leftJoin(divisions, eq(divisions.code, users.scopeCode))
    .where(where)
    .orderBy(desc(apiTokens.id));
  return rows.map(({ access, ...r }) => ({ ...r, kind: Number(access) === 1 ? ('access' as const) : ('token' as const) }));
}

/** The tokens and Access grants of users whose scope lies within `scopeCode`, newest first, revoked ones included. */
export function listAccounts(db: Database, scopeCode: string): Promise<StaffAccount[]> {
  return selectAccounts(db, codeStartsWith(users.scopeCode, scopeCode));
}

/** One token or Access grant by id, or undefined. */
export async function findAccount(db: Database, id: number): Promise<StaffAccount | undefined> {
  return (await selectAccounts(db, eq(apiTokens.id, id)))[0];
}

/** The actor behind a presented token, or null (unknown, malformed or revoked). */
export async function findActorByToken(db: Database, token: string): Promise<Actor | null> {
  if (!looksLikeToken(token)) return null;
  const tokenHash = await hashToken(token);
  const [row] = await db
    .select({ tokenId: apiTokens.id, userId: users.id, role: users.role, scopeCode: users.scopeCode, name: users.name })
    .from(apiTokens)
    .innerJoin(users, eq(users.id, apiTokens.userId))
    .where(and(eq(apiTokens.tokenHash, tokenHash), isNull(apiTokens.revokedAt)))
    .limit(1);
  return row ?? null;
}

/** How emails are compared: trimmed and lower-cased (identity providers differ in case). */
export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

const EMAIL_PATTERN = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export interface AccessGrant {
  tokenId: number;
  userId: number;
  email: string;
  role: Role;
  scopeCode: string;
  scopeName: string;
  name: string;
}

/**
 * Lets the Cloudflare Access identity `email` act as a new user with a role over a division. One
 * active grant per email: revoke the old one to change role or scope.
 */
export async function grantAccess(
  db: Database,
  input: { email: string; role: Role; scopeCode: string; name?: string | undefined; at: string; by?: string },
): Promise<AccessGrant> {
  const email = normalizeEmail(input.email);
  if (!EMAIL_PATTERN.test(email)) refuse({ field: 'email', reason: 'invalid', received: input.email });
  const name = input.name?.trim() || email;
  const division = await scopeDivision(db, input.role, input.scopeCode);
  const label = ACCESS_PREFIX + email;
  return writeTransaction(db, async (tx) => {
    const [taken] = await tx.select({ id: apiTokens.id }).from(apiTokens).where(and(eq(apiTokens.label, label), isNull(apiTokens.revokedAt))).limit(1);
    if (taken) refuse({ field: 'email', reason: 'granted', received: email, tokenId: taken.id });
    const [user] = await tx.insert(users).values({ name, role: input.role, scopeCode: input.scopeCode, createdAt: input.at }).returning({ id: users.id });
    const [row] = await tx
      .insert(apiTokens)
      .values({ userId: user!.id, tokenHash: ACCESS_PREFIX + crypto.randomUUID(), label, createdAt: input.at })
      .returning({ id: apiTokens.id });
    await appendAudit(tx, {
      at: input.at,
      actorId: null,
      actorLabel: input.by ?? 'cli',
      action: 'access.grant',
      subjectType: 'api_token',
      subjectId: String(row!.id),
      detail: { email, role: input.role, scopeCode: input.scopeCode, userId: user!.id },
      requestId: null,
    });
    return { tokenId: row!.id, userId: user!.id, email, role: input.role, scopeCode: input.scopeCode, scopeName: division.name, name };
  });
}

/** Revokes the active Access grant of an email; returns how many were revoked (0 or 1). */
export async function revokeAccess(db: Database, email: string, at: string, by = 'cli'): Promise<number> {
  const label = ACCESS_PREFIX + normalizeEmail(email);
  return writeTransaction(db, async (tx) => {
    const rows = await tx
      .select({ id: apiTokens.id })
      .from(apiTokens)
      .where(and(eq(apiTokens.label, label), like(apiTokens.tokenHash, `${ACCESS_PREFIX}%`), isNull(apiTokens.revokedAt)));
    for (const r of rows) {
      await tx.update(apiTokens).set({ revokedAt: at }).where(eq(apiTokens.id, r.id));
      await appendAudit(tx, { at, actorId: null, actorLabel: by, action: 'access.revoke', subjectType: 'api_token', subjectId: String(r.id), detail: { label }, requestId: null });
    }
    return rows.length;
  });
}

/** The actor behind a verified Access email, or null when the email has no active grant. */
export async function findActorByAccessEmail(db: Database, email: string): Promise<Actor | null> {
  const [row] = await db
    .select({ tokenId: apiTokens.id, userId: users.id, role: users.role, scopeCode: users.scopeCode, name: users.name })
    .from(apiTokens)
    .innerJoin(users, eq(users.id, apiTokens.userId))
    .where(and(eq(apiTokens.label, ACCESS_PREFIX + normalizeEmail(email)), like(apiTokens.tokenHash, `${ACCESS_PREFIX}%`), isNull(apiTokens.revokedAt)))
    .limit(1);
  return row ?? null;
}
