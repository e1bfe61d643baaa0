/**
 * Safety rules that must hold for any observation, checked on random ones. The seed is
 * fixed so a failure reproduces; fast-check prints the counterexample and its path.
 */
import fc from 'fast-check';
import { decide, type Observation, type PolicySettings, type ServerObservation } from '../../functions/autoscaler/policy';
import { WEEKDAYS } from '../../config';

const SEED = 20260310;
const NAMES = ['bbb-01', 'bbb-02', 'bbb-03', 'bbb-04', 'bbb-05', 'bbb-06', 'bbb-07', 'bbb-08'];
const unknown = fc.constantFrom('timeout', 'connection refused').map((error) => ({ known: false as const, error }));

const time = fc.tuple(fc.integer({ min: 0, max: 22 }), fc.integer({ min: 0, max: 59 })).map(([h, m]) => [h, m] as const);
const rule = (poolSize: number) =>
  fc.record({
    days: fc.uniqueArray(fc.constantFrom(...WEEKDAYS), { minLength: 1, maxLength: 7 }),
    start: time,
    lengthMinutes: fc.integer({ min: 1, max: 60 }),
    minRunning: fc.integer({ min: 0, max: poolSize }),
  }).map(({ days, start: [h, m], lengthMinutes, minRunning }) => {
    const to = Math.min(23 * 60 + 59, h * 60 + m + lengthMinutes);
    const pad = (value: number) => String(value).padStart(2, '0');
    return { days, from: `${pad(h)}:${pad(m)}`, to: `${pad(Math.floor(to / 60))}:${pad(to % 60)}`, minRunning };
  });

const settingsArbitrary: fc.Arbitrary<PolicySettings> = fc.integer({ min: 1, max: 8 }).chain((poolSize) =>
  fc.record({
    poolSize: fc.constant(poolSize),
    minRunning: fc.integer({ min: 0, max: poolSize }),
    baseCores: fc.constant(8),
    baseRamGb: fc.constant(16),
    capacityPerServer: fc.integer({ min: 50, max: 400 }),
    targetUtilization: fc.double({ min: 0.3, max: 1, noNaN: true }),
    scaleInCooldownMinutes: fc.integer({ min: 0, max: 60 }),
    keepStartedMinutes: fc.integer({ min: 0, max: 60 }),
    historyWeeks: fc.integer({ min: 0, max: 4 }),
    shutdownTimeoutMinutes: fc.integer({ min: 1, max: 10 }),
    intervalSeconds: fc.constantFrom(30, 60, 120),
    schedule: fc.record({ timezone: fc.constantFrom('Europe/Berlin', 'UTC', 'America/New_York'), rules: fc.array(rule(poolSize), { maxLength: 3 }) }),
    vertical: fc.record({ enabled: fc.boolean(), maxCores: fc.integer({ min: 8, max: 24 }), maxRamGb: fc.integer({ min: 16, max: 48 }) }),
    prewarmMinutes: fc.integer({ min: 0, max: 30 }),
    bootMinutes: fc.integer({ min: 1, max: 10 }),
    bootMarginMinutes: fc.integer({ min: 0, max: 10 }),
    lookaheadMarginMinutes: fc.integer({ min: 0, max: 6 }),
    webcamWeight: fc.constant(3),
    maintenance: fc.record({
      enabled: fc.boolean(),
      window: fc.record({ from: fc.constantFrom('01:00', '10:00', '22:30'), to: fc.constantFrom('05:00', '13:00', '02:00'), timezone: fc.constantFrom('Europe/Berlin', 'UTC') }),
      everyDays: fc.integer({ min: 1, max: 7 }),
      maxParallel: fc.integer({ min: 1, max: 4 }),
      serverMinutes: fc.constantFrom(10, 30),
    }),
  }),
);

const ANY_POWER = ['running', 'running', 'stopped', 'stopped', 'unknown'] as const;

/** A server as observed, its boot time given in minutes before the tick (placed once the tick's time is drawn). */
type DrawnServer = Omit<ServerObservation, 'bootedAt'> & { readonly bootedMinutesAgo?: number };

const serverArbitrary = (name: string, powers: readonly ServerObservation['power'][] = ANY_POWER): fc.Arbitrary<DrawnServer> =>
  fc.record({
    name: fc.constant(name),
    power: fc.constantFrom(...powers),
    cores: fc.constantFrom(8, 8, 12, 16),
    ramGb: fc.constantFrom(16, 16, 24, 32),
    baseCores: fc.constant(8),
    baseRamGb: fc.constant(16),
    busy: fc.option(fc.boolean(), { nil: undefined }),
    // Mostly within a boot and its margin, sometimes long ago, sometimes unknown.
    bootedMinutesAgo: fc.option(fc.oneof(fc.integer({ min: 0, max: 20 }), fc.integer({ min: 21, max: 600 })), { nil: undefined, freq: 3 }),
    scalelite: fc.oneof(
      fc.record({
        known: fc.constant(true as const),
        state: fc.constantFrom('enabled', 'cordoned', 'disabled'),
        online: fc.boolean(),
        loadMultiplier: fc.constantFrom(0.5, 1),
      }),
      unknown,
    ),
    meetings: fc.oneof(
      fc.record({
        known: fc.constant(true as const),
        meetings: fc.integer({ min: 0, max: 12 }),
        participants: fc.integer({ min: 0, max: 150 }),
        webcams: fc.integer({ min: 0, max: 20 }),
      }),
      unknown,
    ),
    recordings: fc.oneof(fc.record({ known: fc.constant(true as const), busy: fc.integer({ min: 0, max: 2 }) }), unknown),
    cpuUtilisation: fc.option(fc.double({ min: 0, max: 1, noNaN: true }), { nil: undefined, freq: 2 }),
    // One server in six held by an operator.
    held: fc.oneof({ arbitrary: fc.constant(undefined), weight: 5 }, { arbitrary: fc.constant(true as const), weight: 1 }),
  });

const observationArbitrary = (powers: readonly ServerObservation['power'][] = ANY_POWER): fc.Arbitrary<Observation> => fc
  .record({
    observed: fc.subarray(NAMES, { minLength: 1 }),
    pool: fc.subarray(NAMES),
    stranger: fc.boolean(),
  })
  .chain(({ observed, pool, stranger }) =>
    fc.record({
      now: fc.date({ min: new Date('2026-01-01T00:00:00Z'), max: new Date('2026-12-31T23:59:59Z'), noInvalidDate: true }),
      pool: fc.constant(pool),
      drawn: fc.tuple(...[...observed, ...(stranger ? ['other-01'] : [])].map((name) => serverArbitrary(name, powers))),
      // Mostly fresh, steady and light, so that scale-in paths are exercised as often as scale-out.
      fleet: fc.record({
        load: fc.option(fc.integer({ min: 0, max: 2000 }), { nil: undefined, freq: 3 }),
        peakLoad: fc.option(fc.integer({ min: 0, max: 2000 }), { nil: undefined, freq: 5 }),
        loadTrendPerMinute: fc.option(fc.integer({ min: -100, max: 200 }), { nil: undefined, freq: 2 }),
        metricsFresh: fc.oneof({ arbitrary: fc.constant(true), weight: 4 }, { arbitrary: fc.constant(false), weight: 1 }),
      }),
    }),
  )
  .map(({ drawn, ...rest }) => ({
    ...rest,
    servers: drawn.map(({ bootedMinutesAgo, ...server }) =>
      bootedMinutesAgo === undefined ? server : { ...server, bootedAt: new Date(rest.now.getTime() - bootedMinutesAgo * 60_000) },
    ),
  }));


function checkInvariants(observation: Observation, settings: PolicySettings): void {
  const decision = decide(observation, settings);
  const pool = new Set(observation.pool);
  const observed = new Map(observation.servers.filter((s) => pool.has(s.name)).map((s) => [s.name, s]));

  for (const action of decision.actions) {
    // Only servers of the pool that were observed, never one in flux or unknown.
    const target = observed.get(action.server);
    expect(target).toBeDefined();
    if (!target) continue;
    // A held server is only ever cordoned, and only while Scalelite has it enabled.
    if (target.held) expect([action.kind, target.scalelite]).toMatchObject(['cordon', { known: true, state: 'enabled' }]);
    else expect(target.power).not.toBe('unknown');
    // While IONOS carries out a request (it may be a stop), a server is at most cordoned.
    if (target.busy) expect(action.kind).toBe('cordon');

    const shrinks = action.kind === 'resize' && (action.cores < target.cores || action.ramGb < target.ramGb);
    if ((action.kind === 'stop' || shrinks) && target.power !== 'stopped') {
      // Never with meetings, unknown meetings, or unfinished or unknown recordings.
      expect(target.meetings).toMatchObject({ known: true, meetings: 0 });
      expect(target.recordings).toMatchObject({ known: true, busy: 0 });
    }
    if (action.kind === 'resize') {
      expect(action.cores).toBeLessThanOrEqual(Math.max(target.cores, settings.vertical.maxCores));
      expect(action.ramGb).toBeLessThanOrEqual(Math.max(target.ramGb, settings.vertical.maxRamGb));
      // Cores and RAM change only while a server is stopped: IONOS would restart a running one.
      expect(target.power).toBe('stopped');
    }
    // Enabled only once its BBB API answers.
    if (action.kind === 'enable') expect(target.meetings.known).toBe(true);
  }
  const named = (kind: string) => decision.actions.filter((a) => a.kind === kind).map((a) => a.server);
  const starts = new Set(named('start'));
  const stops = new Set(named('stop'));
  expect(starts.size).toBe(named('start').length);
  expect(stops.size).toBe(named('stop').length);

  // Never cordons the last server Scalelite can place a meeting on, whatever the minimum.
  const serving = (s: ServerObservation) =>
    s.power === 'running' && s.scalelite.known && s.scalelite.state === 'enabled' && (s.scalelite.online || s.meetings.known);
  const servingBefore = [...observed.values()].filter(serving).length;
  const cordoned = named('cordon').map((name) => observed.get(name) as ServerObservation).filter(serving);
  const scaleInCordons = cordoned.filter((s) => !s.held).length;
  if (scaleInCordons > 0) expect(servingBefore - scaleInCordons).toBeGreaterThanOrEqual(1);
  // A held server's cordon may rely on a server enabled earlier in the same tick.
  if (cordoned.length > 0) expect(servingBefore + named('enable').length - cordoned.length).toBeGreaterThanOrEqual(1);

  // Never more powered on than the pool size (unobserved pool servers may be on, and so may
  // a powered-off server IONOS carries out a request on: it may be starting).
  const unobserved = [...pool].filter((name) => !observed.has(name)).length;
  const poweredBefore = [...observed.values()].filter((s) => s.power !== 'stopped' || s.busy).length + unobserved;
  if (starts.size > 0) expect(poweredBefore - stops.size + starts.size).toBeLessThanOrEqual(settings.poolSize);

  // Never below the effective minimum because of a power-off or a stop, counting running
  // servers that are not held and not possibly stopping already (busy while Scalelite sends
  // them no meetings), and not the servers this tick starts: a start takes minutes and may fail.
  const staying = (s: ServerObservation) =>
    s.power === 'running' && (!s.busy || (s.scalelite.known && s.scalelite.state === 'enabled'));
  const runningBefore = [...observed.values()].filter((s) => !s.held && staying(s)).length;
  const takenAway = [...new Set([...named('powerOff'), ...stops])].filter((name) => {
    const target = observed.get(name);
    return target !== undefined && !target.held && staying(target);
  }).length;
  if (takenAway > 0) expect(runningBefore - takenAway).toBeGreaterThanOrEqual(decision.effectiveMinimum);
  expect(decision.effectiveMinimum).toBeLessThanOrEqual(settings.poolSize);
}

describe('policy invariants', () => {
  it('hold for any observation', () => {
    fc.assert(fc.property(observationArbitrary(), settingsArbitrary, checkInvariants), { seed: SEED, numRuns: 500 });
  });

  // Random fleets are mostly short of servers, so scale-out dominates; a powered-on
  // fleet exercises the drain and stop paths.
  it('hold for a powered-on fleet', () => {
    fc.assert(fc.property(observationArbitrary(['running', 'running', 'running']), settingsArbitrary, checkInvariants), { seed: SEED, numRuns: 500 });
  });
});
