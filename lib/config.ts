/** The one place configuration is read: environment variables, validated once. */
import path from 'node:path';
import { z } from 'zod';

const envSchema = z.object({
  RELEASELENS_DB: z.string().min(1).default(path.join('data', 'releaselens.duckdb')),
  PORT: z.coerce.number().int().min(1).max(65535).default(3000),
  /** Uploads in single-user local mode (no sign-in): at least 24 characters. */
  RELEASELENS_ADMIN_TOKEN: z.string().min(24, 'must be at least 24 characters (openssl rand -hex 16)').optional(),
  /** Set by `npm start` for the ingest handoff (lib/runningServer.ts); never set by hand. */
  RELEASELENS_INGEST_TOKEN: z.string().min(32).optional(),
  /** DuckDB's memory limit per process; past it, large joins and sorts spill to <database>.tmp. */
  RELEASELENS_MEMORY_LIMIT: z
    .string()
    .regex(/^\d{1,6}(MB|GB|MiB|GiB)$/, 'expected a size such as 448MB or 2GB')
    // commands; the dashboard sets its own default (scripts/server.mjs). Decision 033.
    .default('448MB'),
  RELEASELENS_UPLOAD_MAX_BYTES: z.coerce
    .number()
    .int()
    .positive()
    .default(50 * 1024 * 1024),
  /** Each read of the models stops after this many seconds (DuckDB's interrupt); the dashboard sets 30 (scripts/server.mjs). A window's first fill gets four times as long. */
  RELEASELENS_QUERY_SECONDS: z.coerce.number().positive().max(3600).default(300),
  /** The address the dashboard listens on; another than loopback needs sign-in or RELEASELENS_AUTH=none (docs/security.md). */
  HOST: z.string().min(1).default('127.0.0.1'),
  /** Who may read: none (whoever reaches the port), oidc (OpenID Connect sign-in) or header (a signing-in reverse proxy). */
  RELEASELENS_AUTH: z.enum(['none', 'oidc', 'header']).optional(),
  /** The public base URL people open (oidc: the redirect URI is built from it, never from the Host header). */
  RELEASELENS_URL: z.url({ protocol: /^https?$/ }).optional(),
  OIDC_ISSUER: z.url({ protocol: /^https?$/ }).optional(),
  OIDC_CLIENT_ID: z.string().min(1).optional(),
  OIDC_CLIENT_SECRET: z.string().min(1).optional(),
  /** The ID token or userinfo claim that lists a user's groups. */
  OIDC_GROUPS_CLAIM: z
    .string()
    .regex(/^[\w:./-]{1,100}$/)
    .default('groups'),
  OIDC_SCOPES: z
    .string()
    .regex(/^[\w:./ -]{1,300}$/)
    .default('openid email profile'),
  /** header mode: the header that names the signed-in user, and the one that lists their groups (comma-separated). */
  RELEASELENS_AUTH_HEADER: z
    .string()
    .regex(/^[A-Za-z0-9-]{1,100}$/)
    .default('X-Forwarded-Email'),
  RELEASELENS_GROUPS_HEADER: z
    .string()
    .regex(/^[A-Za-z0-9-]{1,100}$/)
    .optional(),
  /** header mode: the only addresses whose headers are believed (comma-separated IPs). */
  RELEASELENS_TRUSTED_PROXIES: z.string().default('127.0.0.1,::1'),
  /** A YAML file mapping users and groups to roles (lib/access/roles.ts); without it every signed-in user is a viewer. */
  RELEASELENS_ROLES: z.string().min(1).optional(),
  /** Signs session cookies; 32+ characters. Without it a random key per start (everyone signs in again after a restart). */
  RELEASELENS_SESSION_SECRET: z.string().min(32).optional(),
  RELEASELENS_SESSION_HOURS: z.coerce.number().positive().max(720).default(8),
});

export type Config = z.infer<typeof envSchema>;

/** An empty variable (`HOST=`) means unset, as shells and service files often write it. */
const withoutEmpty = (env: NodeJS.ProcessEnv) => Object.fromEntries(Object.entries(env).filter(([, v]) => v !== ''));

let cached: Config | undefined;

export function config(): Config {
  if (cached) return cached;
  const parsed = envSchema.safeParse(withoutEmpty(process.env));
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new Error(`invalid environment: ${issues}`);
  }
  cached = parsed.data;
  return cached;
}

/** Reads the environment again at the next config() (tests that change it). */
export function reloadConfig(): void {
  cached = undefined;
}

/** RELEASELENS_MEMORY_LIMIT in bytes (MB and GB as DuckDB reads them: powers of 1000; MiB and GiB: of 1024). */
export function memoryLimitBytes(): number {
  const m = /^(\d+)(MB|GB|MiB|GiB)$/.exec(config().RELEASELENS_MEMORY_LIMIT);
  if (!m) throw new Error(`RELEASELENS_MEMORY_LIMIT: ${config().RELEASELENS_MEMORY_LIMIT}`);
  const unit = { MB: 1e6, GB: 1e9, MiB: 2 ** 20, GiB: 2 ** 30 }[m[2] as 'MB' | 'GB' | 'MiB' | 'GiB'];
  return Number(m[1]) * unit;
}
