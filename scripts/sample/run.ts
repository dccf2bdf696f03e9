/**
 * What the generator's parts share: the rows' cell type and sinks, one
 * generation's running state (its random streams and record numbers), a
 * release's decisions, and the formatting of ids and times.
 */
import type { Freeze } from './freezes.ts';
import type { Scale } from './organisation.ts';
import type { Random } from './random.ts';

export type Cell = string | number | boolean | null;
export type Entity = 'releases' | 'changes' | 'deployments' | 'incidents' | 'freeze_windows' | 'surveys';
/** Where generated rows go: arrays for the sample, file writers for the large scales. */
export type Sinks = Record<Entity, { push(row: Cell[]): void }>;

export const HOUR_MS = 3_600_000;
export const DAY_MS = 24 * HOUR_MS;

export const iso = (ms: number) => new Date(Math.round(ms / 60_000) * 60_000).toISOString().replace('.000Z', 'Z');
export const isoOrNull = (ms: number | null) => (ms === null ? null : iso(ms));
export const cis = (service: string) => [`${service}-api`, `${service}-db`, `${service}-worker`];
export const padded = (prefix: string, n: number, width: number) => `${prefix}${String(n).padStart(width, '0')}`;

export interface ServiceOfTeam {
  team: string;
  service: string;
}

/** One generation: its streams, sinks and the running record numbers. */
export interface Run {
  scale: Scale;
  rnd: Random;
  /** Governance columns and surveys. */
  gov: Random;
  sinks: Sinks;
  services: ServiceOfTeam[];
  freezes: Freeze[];
  /** The end of the generated years (exclusive). */
  end: number;
  next: { change: number; deployment: number; incident: number; survey: number };
  planted: { violations: number; dataQuality: number };
}

/** What one release decided, read by its changes, deployments, surveys and incidents. */
export interface Release {
  index: number;
  id: string;
  service: string;
  team: string;
  type: 'minor' | 'patch' | 'major' | 'emergency';
  version: string;
  plannedStart: number;
  plannedEnd: number;
  requestedAt: number;
  approvedAt: number | null;
  actualStart: number;
  actualEnd: number;
  plantViolation: boolean;
  cancelled: boolean;
  live: boolean;
  canary: boolean;
  rolledBack: boolean;
  deployFailed: boolean;
  bad: boolean;
  noisy: boolean;
  status: string;
  /** rollback_tested, service_desk_briefed_at, post_review_at: the same on the release and its changes. */
  governance: Cell[];
}

export interface ProductionDeployment {
  id: string;
  changeId: string;
  ci: string;
}
