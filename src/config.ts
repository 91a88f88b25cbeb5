/**
 * Configuration, parsed once at start-up with zod. A missing or malformed value fails loudly
 * here, with the variable's name, instead of at the first request that needs it.
 */
import { z } from 'zod';
import { localOrigin } from './domain/shared/public-origin.ts';

const optionalText = z
  .string()
  .trim()
  .transform((v) => (v === '' ? undefined : v))
  .optional();

/** A `;`-separated list of phones; unset or empty means "not overridden". */
const phoneList = z
  .string()
  .trim()
  .transform((v) =>
    v
      .split(/[;；]/)
      .map((s) => s.trim())
      .filter(Boolean),
  )
  .transform((v) => (v.length === 0 ? undefined : v))
  .optional();

export const configSchema = z.object({
  /** `file:…` for the embedded SQLite file, `libsql://…` for Turso, `http(s)://…` for a libSQL server. */
  DATABASE_URL: z
    .string()
    .trim()
    .default('file:data/portal.db')
    .refine((v) => /^(file:|libsql:\/\/|https?:\/\/|wss?:\/\/)/.test(v), {
      message: 'DATABASE_URL must start with file:, libsql://, http(s):// or ws(s)://',
    }),
  DATABASE_AUTH_TOKEN: optionalText,
  /**
   * With a remote DATABASE_URL, the Node server keeps an embedded replica of it in this local file
   * and reads from it (writes still go to the primary); see db/client.ts. Only `npm start` uses it.
   */
  DATABASE_REPLICA: optionalText,
  /** How often the replica pulls the primary's changes, in seconds (it also does after every write of its own). */
  DATABASE_SYNC_SECONDS: z.coerce.number().int().min(1).max(3600).default(15),
  /** 0 picks a free port (tests). */
  PORT: z.coerce.number().int().min(0).max(65535).default(4321),
  HOST: z.string().trim().default('0.0.0.0'),
  /**
   * Public origin of the site, used in QR codes and feeds (no trailing slash). Unset, it is this
   * machine on PORT (see loadConfig), and posters say 样张 (src/domain/shared/public-origin.ts).
   */
  SITE_URL: z
    .string()
    .trim()
    .default('')
    .transform((v) => v.replace(/\/+$/, ''))
    .pipe(z.union([z.literal(''), z.url()])),
  /** Folder the built site is served from in Node mode. */
  SITE_DIR: z.string().trim().default('dist/client'),
  TIANDITU_KEY: optionalText,
  /** 审图号 of the base map in use, shown under the map (copy it from the tile provider's terms). */
  MAP_REVIEW_NUMBER: optionalText,
  /** A tile URL template for OpenStreetMap-style tiles, used when no Tianditu key is set. */
  OSM_TILE_URL: optionalText,
  DEPLOY_HOOK_URL: optionalText,
  /*
   * The county's 公示单位, phones, address and 公示期 live in the database (county_settings, set by
   * `npm run county -- init` and on the staff page); these variables only override them for operations.
   */
  ISSUING_UNIT: optionalText,
  COUNTY_SUPERVISION_PHONES: phoneList,
  SUPERVISION_ADDRESS: optionalText,
  DISCLOSURE_PERIOD_DAYS: z
    .string()
    .trim()
    .optional()
    .transform((v) => (v === undefined || v === '' ? undefined : Number(v)))
    .pipe(z.number().int().min(1).max(60).optional()),
  /**
   * The key the roster's ID-number hashes are made with (HMAC-SHA-256), at least 32 characters;
   * required before a real county uploads its 花名册, and never to be changed afterwards (the
   * stored hashes would no longer match). The sample county uses a public key of its own.
   */
  ROSTER_KEY: optionalText.pipe(z.string().min(32, 'ROSTER_KEY must be at least 32 characters').optional()),
  LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error']).default('info'),
  /**
   * Cloudflare Access team domain, e.g. `https://changning.cloudflareaccess.com`: with ACCESS_AUD,
   * staff may sign in with their Access identity (`Cf-Access-Jwt-Assertion`) instead of a token.
   */
  ACCESS_TEAM_DOMAIN: optionalText.pipe(
    z
      .string()
      .regex(/^https:\/\/[a-z0-9-]+(\.[a-z0-9-]+)+\/?$/i, 'ACCESS_TEAM_DOMAIN must be an https origin such as https://<team>.cloudflareaccess.com')
      .transform((v) => v.replace(/\/+$/, '').toLowerCase())
      .optional(),
  ),
  /** The Access application's audience (AUD) tag; required together with ACCESS_TEAM_DOMAIN. */
  ACCESS_AUD: optionalText,
});

export type Config = z.infer<typeof configSchema>;

/** Thrown at start-up when configuration is invalid; lists every bad variable. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** Parses configuration from an environment object (process.env, or a Worker's env). */
export function loadConfig(env: Record<string, string | undefined>): Config {
  const result = configSchema.safeParse(env);
  const lines = result.success ? [] : result.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
  // A cross-field rule kept out of the schema, so that configSchema.extend() stays a plain object.
  if (result.success && (result.data.ACCESS_TEAM_DOMAIN === undefined) !== (result.data.ACCESS_AUD === undefined)) {
    lines.push('  ACCESS_AUD: ACCESS_TEAM_DOMAIN and ACCESS_AUD must be set together (or neither)');
  }
  if (result.success && result.data.DATABASE_REPLICA !== undefined && !/^(libsql:\/\/|https?:\/\/)/.test(result.data.DATABASE_URL)) {
    lines.push('  DATABASE_REPLICA: a replica needs a remote DATABASE_URL (libsql:// or http(s)://) to copy; the embedded file is read directly');
  }
  if (!result.success || lines.length > 0) throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  return withSiteUrl(result.data);
}

/** Fills an unset SITE_URL with this machine on PORT (so it at least follows the port in use). */
export function withSiteUrl<T extends { SITE_URL: string; PORT: number }>(config: T): T {
  return config.SITE_URL === '' ? { ...config, SITE_URL: localOrigin(config.PORT) } : config;
}
