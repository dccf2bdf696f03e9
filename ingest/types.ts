/** What an ingest is asked to do and what it reports: the shapes every phase of a load shares. */
import type { EntityName } from '../lib/entities.ts';
import type { Encoding } from './encoding.ts';

/** What a pulled batch (pull/) records in the same transaction as its records. */
export interface PullMark {
  /** The source's name in the pull configuration (also the records' source). */
  source: string;
  /** The ServiceNow table or Jira entity pulled. */
  target: string;
  /** The newest update time the batch held, as the API writes it: the next pull starts there, less the overlap. */
  watermark: string;
  /** Records fetched for this batch. */
  fetched: number;
  /** The pull this batch belongs to (one run of one target; a random id). */
  session: string;
  /** Part of a whole re-read (--full). */
  full?: boolean;
  /** The last batch of a whole re-read: the target's stored records no batch of it fetched are noted as gone upstream. */
  last?: boolean;
}

export interface IngestOptions {
  source?: string;
  timezone?: string;
  entity?: EntityName;
  delimiter?: string;
  /** Name used in messages and ingest_runs (default: the path as given). */
  displayName?: string;
  /** A mapping file (YAML or JSON) describing the export's layout. */
  mappingFile?: string;
  /** canonical | auto (default) | servicenow | jira | a profile name from ingest/profiles. */
  profile?: string;
  /** Check the first N records (or all) in a scratch database and return a preview; nothing is written. */
  dryRun?: number | 'all';
  /**
   * A canonical file larger than this (bytes; default: DuckDB's memory limit)
   * is counted first and, when clean and new, inserted straight into its raw
   * table (decision 027).
   */
  countFirstAboveBytes?: number;
  /** Called with 0..100 while DuckDB reads a large file. */
  onProgress?: (percent: number) => void;
  /** Write a starter mapping beside an unrecognised file (default true; uploads: false). */
  starterMapping?: boolean;
  /** Keep a copy of each loaded file in the database's archive (default true; a rebuild replays it). */
  archive?: boolean;
  /** The file is a pulled batch: its watermark commits with it (pull/). */
  pull?: PullMark;
}

export interface Reject {
  line: number | null;
  column: string | null;
  value: string | null;
  reason: string;
}

export interface UnknownValue {
  column: string;
  value: string;
  count: number;
  resolution: 'rejected' | 'null' | 'default';
}

export interface Preview {
  header: string[];
  /** The header cells the mapping reads (all, for a canonical file). */
  used: number[];
  rows: { line: number; source: (string | null)[]; mapped: Record<string, unknown> | null; rejects: Reject[] }[];
  /** Rejects of every checked row by column and reason (the value taken out of the reason). */
  tally: { column: string; reason: string; count: number }[];
  /** Whether every row was checked (`--dry-run all`) or the first N. */
  checked: 'all' | number;
}

export interface IngestSummary {
  runId: number;
  file: string;
  entity: EntityName;
  source: string;
  /** "canonical", a profile name, or the mapping file's name. */
  layout: string;
  encoding: Encoding;
  sha256: string;
  bytes: number;
  rowsRead: number;
  /** Records after merging versions (latest_by) or rows of one record (collect). */
  records: number;
  /** Rows folded into another row's record (older versions, further CIs of one change). */
  merged: number;
  /** Rows left out because the mapping's skip_empty columns were all empty (e.g. issues without a rating). */
  skipped: number;
  rowsLoaded: number;
  /** Of the loaded records: not stored before; stored with some other value; stored exactly so. */
  newRecords: number;
  changedRecords: number;
  unchangedRecords: number;
  rowsRejected: number;
  seconds: number;
  /** Of those seconds, the model build (0 for a dry run). */
  modelSeconds: number;
  firstRejects: Reject[];
  unknownValues: UnknownValue[];
  /** How the mapping read the file where it had to choose (e.g. the go-live from 'Resolved'). */
  notes: string[];
  /** The further entities loaded from the same file (the mapping's `also`), one run each. */
  also: IngestSummary[];
  preview?: Preview;
}
