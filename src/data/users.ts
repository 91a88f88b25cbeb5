/** Staff users and their bearer tokens (stored as sha256 hashes only). */
import { and, eq, isNull, or } from 'drizzle-orm';
import type { Database } from '../../db/database.ts';
import { apiTokens, divisions, users } from '../../db/schema.ts';
import { ROLE_SCOPE_LEVEL, type Actor, type Role } from '../domain/access.ts';
import { generateToken, hashToken, looksLikeToken } from '../domain/api-token.ts';
import { appendAudit } from './audit.ts';
import { writeTransaction } from './write-lock.ts';

export class TokenAdminError extends Error {
  override name = 'TokenAdminError';
}

export interface MintedToken {
  token: string;
  tokenId: number;
  userId: number;
  role: Role;
  scopeCode: string;
  scopeName: string;
  label: string;
}

/**
 * Creates a user with a role over a division and mints its token; the token text is returned once
 * and only its hash is stored.
 */
export async function mintToken(db: Database, input: { role: Role; scopeCode: string; name: string; at: string; by?: string }): Promise<MintedToken> {
  const label = input.name.trim();
  if (label === '') throw new TokenAdminError('--name must not be empty');
  const [division] = await db.select().from(divisions).where(eq(divisions.code, input.scopeCode)).limit(1);
  const level = ROLE_SCOPE_LEVEL[input.role];
  if (!division) throw new TokenAdminError(`no division with code ${input.scopeCode} (load the divisions first, e.g. npm run db:seed)`);
  if (division.level !== level) throw new TokenAdminError(`role ${input.role} needs a ${level} code, but ${input.scopeCode} (${division.name}) is a ${division.level}`);
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
