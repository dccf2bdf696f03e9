/** Helpers shared by the command-line entry points: usage errors exit 2, logs go to stderr. */
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

/** Exits once stdout and stderr are flushed, so output piped to a file or `less` is never cut short. */
export async function exit(code: number): Promise<never> {
  const drain = (stream: NodeJS.WriteStream) => new Promise<void>((resolve) => stream.write('', () => resolve()));
  await Promise.all([drain(process.stdout), drain(process.stderr)]);
  process.exit(code);
}
