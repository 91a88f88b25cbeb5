/**
 * Staff users and their credentials: bearer tokens (stored as sha256 hashes only) and Cloudflare
 * Access grants.
 *
 * An Access grant is an `api_tokens` row like a token's, so that it has a user (role and scope),
 * an id for the actor, revocation (`revoked_at`) and the same audit entries, without a schema
 * change: its `label` is `access:<email>` and its `token_hash` is `access:<random id>`, which can
 * never equal the sha256 hex of a presented token (so a grant can never be used as a token).
 */
import { and, eq, isNull, like, or } from 'drizzle-orm';
import type { Database } from '../../db/database.ts';
import { apiTokens, divisions, users } from '../../db/schema.ts';
import { ROLE_SCOPE_LEVEL, type Actor, type Role } from '../domain/access/access.ts';
import { generateToken, hashToken, looksLikeToken } from '../domain/access/api-token.ts';
import { appendAudit } from './audit.ts';
import { writeTransaction } from './write-lock.ts';

export class TokenAdminError extends Error {
  override name = 'TokenAdminError';
}

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

/** The division a role's scope names, checked against the role's level. */
async function scopeDivision(db: Database, role: Role, scopeCode: string) {
  const [division] = await db.select().from(divisions).where(eq(divisions.code, scopeCode)).limit(1);
  const level = ROLE_SCOPE_LEVEL[role];
  if (!division) throw new TokenAdminError(`no division with code ${scopeCode} (load the divisions first, e.g. npm run db:seed)`);
  if (division.level !== level) throw new TokenAdminError(`role ${role} needs a ${level} code, but ${scopeCode} (${division.name}) is a ${division.level}`);
  return division;
}

/**
 * Creates a user with a role over a division and mints its token; the token text is returned once
 * and only its hash is stored.
 */
export async function mintToken(db: Database, input: { role: Role; scopeCode: string; name: string; at: string; by?: string }): Promise<MintedToken> {
  const label = input.name.trim();
  if (label === '') throw new TokenAdminError('--name must not be empty');
  if (label.startsWith(ACCESS_PREFIX)) throw new TokenAdminError(`labels starting with "${ACCESS_PREFIX}" are kept for Cloudflare Access grants (npm run access -- grant)`);
  const division = await scopeDivision(db, input.role, input.scopeCode);
  const [taken] = await db.select({ id: apiTokens.id }).from(apiTokens).where(and(eq(apiTokens.label, label), isNull(apiTokens.revokedAt))).limit(1);
  if (taken) throw new TokenAdminError(`an active token is already labelled "${label}"; revoke it or pick another --name`);
  const token = generateToken();
  const tokenHash = await hashToken(token);
  return writeTransaction(db, async (tx) => {
    const [user] = await tx.insert(users).values({ name: label, role: input.role, scopeCode: input.scopeCode, createdAt: input.at }).returning({ id: users.id });
    const [row] = await tx.insert(apiTokens).values({ userId: user!.id, tokenHash, label, createdAt: input.at }).returning({ id: apiTokens.id });
    await appendAudit(tx, {
      at: input.at,
      actorId: null,
      actorLabel: input.by ?? 'cli',
      action: 'token.create',
      subjectType: 'api_token',
      subjectId: String(row!.id),
      detail: { label, role: input.role, scopeCode: input.scopeCode, userId: user!.id },
      requestId: null,
    });
    return { token, tokenId: row!.id, userId: user!.id, role: input.role, scopeCode: input.scopeCode, scopeName: division.name, label };
  });
}

/** Revokes a token by id or label; returns how many were revoked. */
export async function revokeToken(db: Database, idOrLabel: string, at: string, by = 'cli'): Promise<number> {
  const id = /^\d+$/.test(idOrLabel) ? Number(idOrLabel) : -1;
  return writeTransaction(db, async (tx) => {
    const rows = await tx
      .select({ id: apiTokens.id, label: apiTokens.label })
      .from(apiTokens)
      .where(and(or(eq(apiTokens.id, id), eq(apiTokens.label, idOrLabel)), isNull(apiTokens.revokedAt)));
    for (const r of rows) {
      await tx.update(apiTokens).set({ revokedAt: at }).where(eq(apiTokens.id, r.id));
      await appendAudit(tx, { at, actorId: null, actorLabel: by, action: 'token.revoke', subjectType: 'api_token', subjectId: String(r.id), detail: { label: r.label }, requestId: null });
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
  if (!EMAIL_PATTERN.test(email)) throw new TokenAdminError(`--email must be an email address (got "${input.email}")`);
  const name = input.name?.trim() || email;
  const division = await scopeDivision(db, input.role, input.scopeCode);
  const label = ACCESS_PREFIX + email;
  return writeTransaction(db, async (tx) => {
    const [taken] = await tx.select({ id: apiTokens.id }).from(apiTokens).where(and(eq(apiTokens.label, label), isNull(apiTokens.revokedAt))).limit(1);
    if (taken) throw new TokenAdminError(`${email} already has an active grant (id ${taken.id}); revoke it first: npm run access -- revoke --email ${email}`);
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
