/**
 * The dashboard's YAML configuration files (config/targets.yaml,
 * config/links.yaml): where one is, and reading it validated, cached until the
 * file changes. Every problem is an error naming the file (and the key).
 */
import fs from 'node:fs';
import path from 'node:path';
import { LineCounter, parseDocument, parse as parseYaml } from 'yaml';
import type { z } from 'zod';
import { projectFile } from './paths.ts';

/** The file in force: the one the environment variable names, else config/<name>; null when there is none. */
export function configFilePath(envVariable: string, name: string): string | null {
  const named = process.env[envVariable];
  if (named) return path.resolve(named);
  const file = projectFile('config', name);
  return fs.existsSync(file) ? file : null;
}

const cache = new Map<string, { mtimeMs: number; value: unknown }>();

/**
 * Reads and validates one file. `what` names it in messages ("the targets
 * file"), `rule` ends a validation message with what a valid entry looks like,
 * and `Failure` is the error class callers catch.
 */
export function readConfigFile<S extends z.ZodType>(
  file: string,
  schema: S,
  options: { what: string; rule: string; Failure: new (message: string) => Error },
): z.output<S> {
  const { what, rule, Failure } = options;
  let stat: fs.Stats;
  try {
    stat = fs.statSync(file);
  } catch {
    throw new Failure(`${file}: ${what} does not exist`);
  }
  const key = `${what}|${file}`;
  const kept = cache.get(key);
  if (kept && kept.mtimeMs === stat.mtimeMs) return kept.value as z.output<S>;
  let raw: unknown;
  try {
    raw = parseYaml(fs.readFileSync(file, 'utf8')) ?? {};
  } catch (err) {
    throw new Failure(`${file}: not valid YAML: ${(err as Error).message}`);
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join('.') || '(top)'}: ${i.message}`);
    throw new Failure(`${file}: ${issues.join('; ')} (${rule})`);
  }
  cache.set(key, { mtimeMs: stat.mtimeMs, value: parsed.data });
  return parsed.data;
}

/**
 * Parses a YAML text and validates it; every problem is a line naming the
 * file, the line and the key (`sources.yaml: line 4: sources.0.url: ...`).
 * Returns the value and where a key path is, for checks made afterwards.
 */
export function parseYamlWithLines<S extends z.ZodType>(
  file: string,
  text: string,
  schema: S,
  Failure: new (message: string) => Error,
): { value: z.output<S>; lineOf: (at: PropertyKey[]) => string } {
  const counter = new LineCounter();
  const doc = parseDocument(text, { lineCounter: counter, uniqueKeys: true });
  const lineOf = (at: PropertyKey[]) => {
    for (let n = at.length; n >= 0; n--) {
      const node = doc.getIn(at.slice(0, n) as (string | number)[], true) as { range?: [number, number] } | undefined;
      if (node?.range) return `line ${counter.linePos(node.range[0]).line}`;
    }
    return 'line 1';
  };
  if (doc.errors.length > 0) {
    const e = doc.errors[0];
    const where = e?.linePos?.[0] ? `line ${e.linePos[0].line}, column ${e.linePos[0].col}` : 'line ?';
    throw new Failure(`${file}: ${where}: not valid YAML: ${e?.message.split('\n')[0]}`);
  }
  let raw: unknown;
  try {
    raw = doc.toJS({ maxAliasCount: 100 }) ?? {};
  } catch (err) {
    throw new Failure(`${file}: not valid YAML: ${(err as Error).message}`);
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    throw new Failure(
      parsed.error.issues
        .map((i) => `${file}: ${lineOf(i.path)}: ${i.path.join('.') || '(top)'}: ${i.message}`)
        .join('\n'),
    );
  }
  return { value: parsed.data, lineOf };
}

/** Reads a configuration file of at most 1 MiB, or says why it cannot. */
export function readSmallFile(file: string, Failure: new (message: string) => Error): string {
  try {
    if (fs.statSync(file).size > 1024 * 1024) throw new Failure(`${file}: larger than 1 MiB`);
    return fs.readFileSync(file, 'utf8');
  } catch (err) {
    if (err instanceof Failure) throw err;
    throw new Failure(`${file}: cannot be read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
}
