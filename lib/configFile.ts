/**
 * The dashboard's YAML configuration files (config/targets.yaml,
 * config/links.yaml): where one is, and reading it validated, cached until the
 * file changes. Every problem is an error naming the file (and the key).
 */
import fs from 'node:fs';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
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
