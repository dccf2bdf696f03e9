/**
 * Targets: per KPI a minimum or maximum (config/targets.yaml, or the file
 * RELEASELENS_TARGETS names), optionally per team or service. Read and
 * validated once per file; a bad file is an error naming the file and the key.
 *
 *   status(target, value, interval)  met | close | missed
 *     met     the value is on the right side of the target
 *     close   it is not, but the 95% interval still reaches the target (a rate
 *             whose miss may be noise), or, without an interval, it misses by
 *             less than a tenth
 *     missed  beyond that
 */
import { z } from 'zod';
import { configFilePath, readConfigFile } from './configFile.ts';

export const targetKeys = [
  'success_rate',
  'change_failure_rate',
  'rollback_rate',
  'schedule_adherence',
  'post_release_incident_rate',
  'lead_time_hours',
  'recovery_time_hours',
  'deployment_frequency_per_week',
] as const;
export type TargetKey = (typeof targetKeys)[number];

const bound = z.union([
  z.object({ min: z.number().finite() }).strict(),
  z.object({ max: z.number().finite() }).strict(),
]);
export type Target = z.infer<typeof bound>;

const perKpi = z.object(Object.fromEntries(targetKeys.map((k) => [k, bound.optional()]))).strict() as z.ZodType<
  Partial<Record<TargetKey, Target>>
>;

const fileSchema = z
  .object({
    targets: perKpi.default({}),
    teams: z.record(z.string().min(1), perKpi).nullable().default({}),
    services: z.record(z.string().min(1), perKpi).nullable().default({}),
  })
  .strict();

type PerKpi = Partial<Record<TargetKey, Target>>;
export interface TargetsFile {
  targets: PerKpi;
  teams: Record<string, PerKpi>;
  services: Record<string, PerKpi>;
}

export class TargetsError extends Error {}

/** The targets file in force: RELEASELENS_TARGETS, else config/targets.yaml; null when there is none. */
export function targetsPath(): string | null {
  return configFilePath('RELEASELENS_TARGETS', 'targets.yaml');
}

/** Reads and validates a targets file (cached until it changes). */
export function readTargets(file: string | null = targetsPath()): TargetsFile {
  if (file === null) return { targets: {}, teams: {}, services: {} };
  const read = readConfigFile(file, fileSchema, {
    what: 'the targets file',
    rule: `each target is { min: N } or { max: N } under targets, teams.<team> or services.<service>; KPIs: ${targetKeys.join(', ')}`,
    Failure: TargetsError,
  });
  return { targets: read.targets, teams: read.teams ?? {}, services: read.services ?? {} };
}

/** The target of one KPI for a page's filters: a single team's or service's own, else the organisation's. */
export function targetFor(
  file: TargetsFile,
  key: TargetKey,
  filters: { team: string[]; service: string[] },
): { target: Target; scope: string } | null {
  const team = filters.team.length === 1 && filters.service.length === 0 ? filters.team[0] : undefined;
  const service = filters.service.length === 1 ? filters.service[0] : undefined;
  const own = service ? file.services[service]?.[key] : team ? file.teams[team]?.[key] : undefined;
  if (own) return { target: own, scope: service ? `service ${service}` : `team ${team}` };
  const org = file.targets[key];
  return org ? { target: org, scope: 'organisation' } : null;
}

export type TargetStatus = 'met' | 'close' | 'missed';

export function status(target: Target, value: number, interval: [number, number] | null = null): TargetStatus {
  if ('min' in target) {
    if (value >= target.min) return 'met';
    if (interval ? interval[1] >= target.min : value >= target.min - Math.abs(target.min) / 10) return 'close';
    return 'missed';
  }
  if (value <= target.max) return 'met';
  if (interval ? interval[0] <= target.max : value <= target.max + Math.abs(target.max) / 10) return 'close';
  return 'missed';
}
