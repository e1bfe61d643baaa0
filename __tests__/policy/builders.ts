/** Observations and settings for policy tests, with the example environment's numbers. */
import { DEFAULT_BBB_MAINTENANCE, DEFAULT_MAINTENANCE_WINDOW } from '../../config';
import type {
  MeetingsView,
  Observation,
  PolicySettings,
  ServerObservation,
} from '../../functions/autoscaler/policy';

export const SETTINGS: PolicySettings = {
  poolSize: 6,
  minRunning: 2,
  baseCores: 8,
  baseRamGb: 16,
  capacityPerServer: 200,
  targetUtilization: 0.8,
  scaleInCooldownMinutes: 15,
  keepStartedMinutes: 20,
  historyWeeks: 3,
  shutdownTimeoutMinutes: 5,
  intervalSeconds: 60,
  schedule: { timezone: 'Europe/Berlin', rules: [] },
  vertical: { enabled: false, maxCores: 16, maxRamGb: 32 },
  prewarmMinutes: 10,
  bootMinutes: 4,
  bootMarginMinutes: 6,
  lookaheadMarginMinutes: 0,
  webcamWeight: 3,
  maintenance: {
    ...DEFAULT_BBB_MAINTENANCE,
    window: { ...DEFAULT_MAINTENANCE_WINDOW, timezone: 'Europe/Berlin' },
  },
};

export function settings(overrides: Partial<PolicySettings> = {}): PolicySettings {
  return { ...SETTINGS, ...overrides };
}

export const meetings = (count: number, participants: number, webcams = 0): MeetingsView => ({
  known: true,
  meetings: count,
  participants,
  webcams,
});

/** A running, enabled, online base-size server with no meetings. */
export function server(name: string, overrides: Partial<ServerObservation> = {}): ServerObservation {
  return {
    name,
    power: 'running',
    cores: 8,
    ramGb: 16,
    baseCores: 8,
    baseRamGb: 16,
    scalelite: { known: true, state: 'enabled', online: true, loadMultiplier: 1 },
    meetings: meetings(0, 0),
    recordings: { known: true, busy: 0 },
    ...overrides,
  };
}

export function stopped(name: string, overrides: Partial<ServerObservation> = {}): ServerObservation {
  return server(name, {
    power: 'stopped',
    scalelite: { known: true, state: 'disabled', online: false, loadMultiplier: 1 },
    meetings: { known: false, error: 'connection refused' },
    recordings: { known: false, error: 'connection refused' },
    ...overrides,
  });
}

export function cordoned(name: string, overrides: Partial<ServerObservation> = {}): ServerObservation {
  return server(name, { scalelite: { known: true, state: 'cordoned', online: true, loadMultiplier: 1 }, ...overrides });
}

/** Tuesday 2026-03-10, 12:00 in Berlin (UTC+1). */
export const NOON = new Date('2026-03-10T11:00:00Z');

/**
 * The fleet load defaults to the sum of the servers' meetings, the cooldown peak to
 * that load, metrics fresh, no trend: a steady state.
 */
export function observation(servers: ServerObservation[], overrides: Partial<Omit<Observation, 'fleet'>> & { fleet?: Partial<Observation['fleet']> } = {}): Observation {
  const load = servers.reduce((total, s) => total + (s.meetings.known ? s.meetings.participants + 3 * s.meetings.webcams : 0), 0);
  return {
    now: overrides.now ?? NOON,
    pool: overrides.pool ?? servers.map((s) => s.name),
    servers,
    fleet: { load, peakLoad: load, loadTrendPerMinute: 0, metricsFresh: true, ...overrides.fleet },
    ...(overrides.maintenance && { maintenance: overrides.maintenance }),
  };
}

export function kinds(actions: readonly { kind: string; server: string }[]): string[] {
  return actions.map((action) => `${action.kind} ${action.server}`);
}
