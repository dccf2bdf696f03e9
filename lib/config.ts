/** The one place configuration is read: environment variables, validated once. */
import path from 'node:path';
import { z } from 'zod';

const envSchema = z.object({
  RELEASELENS_DB: z.string().min(1).default(path.join('data', 'releaselens.duckdb')),
  PORT: z.coerce.number().int().min(1).max(65535).default(3000),
  RELEASELENS_ADMIN_TOKEN: z.string().min(8).optional(),
  /** Set by `npm start` for the ingest handoff (lib/handoff.ts); never set by hand. */
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
});

export type Config = z.infer<typeof envSchema>;

let cached: Config | undefined;

export function config(): Config {
  if (cached) return cached;
  const parsed = envSchema.safeParse(process.env);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new Error(`invalid environment: ${issues}`);
  }
  cached = parsed.data;
  return cached;
}

/** RELEASELENS_MEMORY_LIMIT in bytes (MB and GB as DuckDB reads them: powers of 1000; MiB and GiB: of 1024). */
export function memoryLimitBytes(): number {
  const m = /^(\d+)(MB|GB|MiB|GiB)$/.exec(config().RELEASELENS_MEMORY_LIMIT);
  if (!m) throw new Error(`RELEASELENS_MEMORY_LIMIT: ${config().RELEASELENS_MEMORY_LIMIT}`);
  const unit = { MB: 1e6, GB: 1e9, MiB: 2 ** 20, GiB: 2 ** 30 }[m[2] as 'MB' | 'GB' | 'MiB' | 'GiB'];
  return Number(m[1]) * unit;
}
