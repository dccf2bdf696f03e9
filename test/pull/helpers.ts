/** Shared by the pull tests: a configuration file for the in-process servers, and reading what a pull stored. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { stringify } from 'yaml';
import { withConnection } from '../../lib/db.ts';
import { readPullConfig } from '../../pull/config.ts';
import { type PullOptions, pullOnce } from '../../pull/run.ts';

export function writeConfig(config: unknown): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'releaselens-pull-config-'));
  const file = path.join(dir, 'sources.yaml');
  fs.writeFileSync(file, typeof config === 'string' ? config : stringify(config));
  return file;
}

/** Pulls with this configuration in this process; returns how many targets failed and what was logged. */
export async function pull(config: unknown, options: PullOptions = {}): Promise<{ failed: number; log: string }> {
  const lines: string[] = [];
  const write = process.stderr.write.bind(process.stderr);
  process.stderr.write = ((chunk: string | Uint8Array) => {
    lines.push(String(chunk));
    return true;
  }) as typeof process.stderr.write;
  try {
    const failed = await pullOnce(readPullConfig(writeConfig(config)), { backoffMs: 50, ...options });
    return { failed, log: lines.join('') };
  } finally {
    process.stderr.write = write;
  }
}

export function rows(sql: string): Promise<Record<string, unknown>[]> {
  return withConnection(async (conn) => (await conn.runAndReadAll(sql)).getRowObjectsJS() as Record<string, unknown>[]);
}
