/**
 * Who the generated organisation is: its teams and services, the scales it is
 * made at, and the words its records are written with. Pure data, read by the
 * generator (generate.ts) and by the tests that look for its planted patterns.
 */
export const SAMPLE_SEED = 20240101;

/** "Today" of the sample: records after it are scheduled, records before it may still be open. */
export const GENERATED_AT = Date.UTC(2026, 0, 6);

const teams = {
  'Team Ledger': ['payments', 'billing', 'invoicing'],
  'Team Find': ['search', 'catalog', 'recommendations'],
  'Team Edge': ['checkout', 'mobile-api', 'web-frontend'],
  'Team Core': ['identity', 'notifications', 'inventory'],
} as const;

/** The released services of the sample organisation. */
export const sampleServices = Object.values(teams).flat();

/**
 * How big an organisation to generate. The sample is the committed data set;
 * large and huge keep its planted patterns (the same teams and services among
 * more) at the sizes the benchmark needs, and are written as they are made.
 */
export interface Scale {
  name: 'sample' | 'large' | 'huge';
  teams: Record<string, readonly string[]>;
  years: number[];
  releasesPerWeekday: number;
  releasesPerWeekendDay: number;
  /** Production deployments of each change (regions after the first follow it by 20 minutes). */
  productionPerChange: number;
  backgroundPerDay: number;
  /** Share of background incidents on released services (the rest on ITSM noise services). */
  backgroundOnApp: number;
}

const moreTeams: Record<string, readonly string[]> = {
  'Team Atlas': ['maps', 'geo-search', 'routing', 'places'],
  'Team Beacon': ['alerts', 'push', 'email-gateway', 'sms-gateway'],
  'Team Cargo': ['shipping', 'warehouse', 'returns', 'tracking'],
  'Team Delta': ['pricing', 'promotions', 'loyalty', 'gift-cards'],
  'Team Echo': ['chat', 'support-portal', 'knowledge-base', 'feedback'],
  'Team Forge': ['build-api', 'artifact-store', 'feature-flags', 'config'],
  'Team Grove': ['analytics', 'reporting-api', 'data-export', 'tax'],
};

const large: Scale = {
  name: 'large',
  teams: { ...teams, ...moreTeams },
  years: [2023, 2024, 2025],
  releasesPerWeekday: 61,
  releasesPerWeekendDay: 8,
  productionPerChange: 2,
  backgroundPerDay: 900,
  backgroundOnApp: 0.6,
};

export const scales: Record<Scale['name'], Scale> = {
  sample: {
    name: 'sample',
    teams,
    years: [2024, 2025],
    releasesPerWeekday: 3.9,
    releasesPerWeekendDay: 0.5,
    productionPerChange: 1,
    backgroundPerDay: 19.5,
    backgroundOnApp: 0.015,
  },
  large,
  // The same organisation with ten times the incidents.
  huge: { ...large, name: 'huge', backgroundPerDay: 9000 },
};
export const HOT_SERVICE = 'checkout';
/** The team that often skips rollback tests (it owns checkout: it fails more often). */
export const UNTESTED_TEAM = 'Team Edge';
/** The team that deploys by canary from 2025: it fails less often. */
export const CANARY_TEAM = 'Team Find';
export const CANARY_FROM = Date.UTC(2025, 0, 1);
/** ITSM noise: services that are never released through this process. */
export const noiseServices = ['workplace', 'network', 'email', 'vpn', 'printing', 'telephony'];
export const categories = ['software', 'database', 'network', 'hardware', 'access', 'performance', 'user'];
export const verbs = ['Add', 'Improve', 'Fix', 'Rework', 'Speed up', 'Harden', 'Simplify', 'Extend'];
export const nouns = [
  'refund flow',
  'search ranking',
  'session handling',
  'invoice export',
  'audit log',
  'rate limits',
  'cache layer',
  'onboarding',
  'price rules',
  'notifications',
  'API pagination',
  'retry policy',
  'reporting',
];
export const symptoms = [
  'errors after deploy',
  'slow responses',
  'timeouts',
  'wrong totals',
  'login failures',
  'missing data',
  'stale results',
  '500 errors',
  'queue backlog',
  'high CPU',
];
export const owners = ['ana', 'bo', 'chen', 'dara', 'eli', 'fay', 'gus', 'hana'];
