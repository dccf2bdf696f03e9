/**
 * Which layout a file is in: canonical CSV, a given mapping file, a named
 * built-in profile, or (automatically) whichever of those its header matches.
 * When nothing matches, a starter mapping is written next to the file.
 */
import fs from 'node:fs';
import path from 'node:path';
import { columnsOf, type EntityName } from '../lib/entities.ts';
import { projectFile } from '../lib/paths.ts';
import { type Mapping, readMapping } from './mapping.ts';
import { closestEntity, detectEntity, IngestError, normalizeHeader, type Sniffed } from './sniff.ts';

export type Layout = { kind: 'canonical'; entity: EntityName } | { kind: 'mapped'; name: string; mapping: Mapping };

export interface Profile {
  name: string;
  mapping: Mapping;
}

let profiles: Profile[] | undefined;

/** The built-in profiles, from ingest/profiles/*.yaml. */
export function builtinProfiles(): Profile[] {
  if (profiles) return profiles;
  const dir = projectFile('ingest', 'profiles');
  if (!fs.existsSync(dir)) return [];
  profiles = fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.yaml'))
    .sort()
    .map((f) => ({ name: f.replace(/\.yaml$/, ''), mapping: readMapping(path.join(dir, f)) }));
  return profiles;
}

const norm = (s: string) => s.trim().toLowerCase();

/** Share of a profile's `match` columns present in the header (1 = all). */
function score(p: Profile, header: string[]): number {
  const have = new Set(header.map(norm));
  const { match, exclude } = p.mapping;
  if (exclude.some((e) => have.has(norm(e)))) return 0;
  return match.length === 0 ? 0 : match.filter((m) => have.has(norm(m))).length / match.length;
}

/** The best built-in profile for a header, optionally only within a family ("servicenow", "jira"). */
export function detectProfile(header: string[], family?: string): Profile | undefined {
  const candidates = builtinProfiles().filter((p) => !family || p.name === family || p.name.startsWith(`${family}-`));
  const scored = candidates
    .map((p) => ({ p, s: score(p, header) }))
    .sort((a, b) => b.s - a.s || b.p.mapping.match.length - a.p.mapping.match.length);
  const best = scored[0];
  return best && best.s === 1 ? best.p : undefined;
}

export interface LayoutRequest {
  mappingFile?: string;
  profile?: string;
  entity?: EntityName;
  /** Write a starter mapping next to an unrecognised file (the command line); an upload says what to do instead. */
  starterMapping?: boolean;
}

export function chooseLayout(file: string, label: string, shape: Sniffed, request: LayoutRequest): Layout {
  if (request.mappingFile) {
    return { kind: 'mapped', name: path.basename(request.mappingFile), mapping: readMapping(request.mappingFile) };
  }
  if (request.profile && request.profile !== 'auto' && request.profile !== 'canonical') {
    const found = detectProfile(shape.header, request.profile);
    if (!found) {
      const names = builtinProfiles().map((p) => p.name);
      const exists = names.some((n) => n === request.profile || n.startsWith(`${request.profile}-`));
      throw new IngestError(
        label,
        exists
          ? `the header does not match any ${request.profile} profile (${names.filter((n) => n.startsWith(request.profile ?? '')).join(', ')}). Header: ${shape.header.join(', ')}`
          : `there is no profile '${request.profile}'; there are: canonical, auto, servicenow, jira, ${names.join(', ')}`,
        1,
      );
    }
    return { kind: 'mapped', name: found.name, mapping: found.mapping };
  }
  try {
    return { kind: 'canonical', entity: detectEntity(label, shape, request.entity).entity };
  } catch (canonicalError) {
    if (request.profile === 'canonical') throw canonicalError;
    const found = detectProfile(shape.header);
    if (found && (!request.entity || found.mapping.entity === request.entity)) {
      return { kind: 'mapped', name: found.name, mapping: found.mapping };
    }
    // A canonical file with a column missing: say so, do not suggest a mapping.
    if (!(canonicalError instanceof IngestError) || canonicalError.code !== 'unknown-header') throw canonicalError;
    const reason = (canonicalError as Error).message.replace(`${label}:1: `, '');
    if (request.starterMapping === false) {
      throw new IngestError(
        label,
        `${reason}\nNo built-in profile (ServiceNow, Jira) matches either: describe the export in a mapping file (docs/mappings.md) and load it with that mapping.`,
        1,
      );
    }
    const starter = writeStarterMapping(file, shape.header);
    throw new IngestError(
      label,
      `${reason}\nNo built-in profile (ServiceNow, Jira) matches either. A starter mapping was written to ${starter}: edit it and load with --mapping ${starter}`,
      1,
    );
  }
}

/** A commented YAML mapping listing the file's header, for the user to fill in. */
export function starterMapping(header: string[]): string {
  const entity = closestEntity(header.map(normalizeHeader));
  const lines = [
    '# ReleaseLens mapping (see docs/mappings.md). Fill in the source column for each canonical column.',
    `# The file's header: ${header.map((h) => JSON.stringify(h)).join(', ')}`,
    `entity: ${entity}   # releases | changes | deployments | incidents | freeze_windows`,
    'csv:',
    '  delimiter: auto',
    '  encoding: utf-8     # or windows-1252, latin-1',
    '  null_tokens: []     # e.g. ["?", "NULL", "-"]',
    'timestamps:',
    '  formats: []         # e.g. ["%d/%m/%Y %H:%M", "%Y-%m-%d %H:%M:%S"]; empty = ISO 8601',
    '  timezone: UTC',
    'columns:',
    ...columnsOf(entity).map((c) => {
      const hint = [c.required ? 'required' : 'optional', c.kind, c.values ? `one of ${c.values.join('|')}` : '']
        .filter(Boolean)
        .join(', ');
      return `${c.required ? '' : '# '}  ${c.name}: ""   # ${hint}`;
    }),
  ];
  return `${lines.join('\n')}\n`;
}

function writeStarterMapping(file: string, header: string[]): string {
  const out = `${file.replace(/\.csv$/i, '')}.mapping.yaml`;
  try {
    fs.writeFileSync(out, starterMapping(header), { flag: 'wx' });
  } catch {
    // already there (from an earlier try) or not writable: say where it would be
  }
  return out;
}
