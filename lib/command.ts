/** Helpers shared by the command-line entry points: usage errors exit 2, logs go to stderr. */
import { type ParseArgsConfig, parseArgs } from 'node:util';

type ParseArgsOptionsConfig = NonNullable<ParseArgsConfig['options']>;

import { writesSettled } from './db.ts';

export class UsageError extends Error {}

export function fail(err: unknown): never {
  const message = err instanceof Error ? err.message : String(err);
  if (err instanceof UsageError) {
    process.stderr.write(`error: ${message}\n`);
    process.exit(2);
  }
  process.stderr.write(`error: ${message}\n`);
  process.exit(1);
}

export const log = (line: string) => process.stderr.write(`${line}\n`);

/**
 * Exits once this process's writes are checkpointed into the database file
 * (else the next process to open it replays them) and stdout and stderr are
 * flushed, so output piped to a file or `less` is never cut short.
 */
export async function exit(code: number): Promise<never> {
  await writesSettled();
  const drain = (stream: NodeJS.WriteStream) => new Promise<void>((resolve) => stream.write('', () => resolve()));
  await Promise.all([drain(process.stdout), drain(process.stderr)]);
  process.exit(code);
}

/**
 * A command's options (no positionals): an unknown or malformed one is a usage
 * error that ends with the usage; --help (declared by the command) prints the
 * usage and exits 0.
 */
export function parseOptions<O extends ParseArgsOptionsConfig>(
  options: O,
  usage: string,
): ReturnType<typeof parseArgs<{ options: O }>>['values'] {
  let values: ReturnType<typeof parseArgs<{ options: O }>>['values'];
  try {
    values = parseArgs({ options }).values;
  } catch (err) {
    throw new UsageError(`${(err as Error).message}\n${usage}`);
  }
  if ((values as { help?: boolean }).help) {
    process.stdout.write(`${usage}\n`);
    process.exit(0);
  }
  return values;
}
