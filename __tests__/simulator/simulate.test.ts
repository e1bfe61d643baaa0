import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadEnvironmentFile, type EnvironmentConfig } from '../../config';
import { settingsFromEnvironment } from '../../functions/autoscaler/policy';
import { Cluster } from '../../simulator/cluster';
import { autoscalerPolicy, observe } from '../../simulator/policies/autoscaler';
import { hpiThresholdPolicy, reactiveCpuPolicy, staticPolicy } from '../../simulator/policies/baselines';
import { loadPrices } from '../../simulator/prices';
import { loadPerMinute, oracle, simulate, simulatePolicy } from '../../simulator/simulate';
import { parseTrace } from '../../simulator/trace';

const bench = loadEnvironmentFile(join(__dirname, '../../bench/config.yaml'));
const prices = loadPrices();
const options = { prices };

/** A 3-server pool of 100-participant servers, one always on; no maintenance cycle unless a test asks for it. */
function tinyConfig(overrides: Partial<EnvironmentConfig['autoscaler']> = {}, maintenance: EnvironmentConfig['maintenance'] = { bbb: { enabled: false } }): EnvironmentConfig {
  return {
    ...bench,
    bbb: { ...bench.bbb, pool: { size: 3, minRunning: 1 } },
    autoscaler: { ...bench.autoscaler, capacityPerServer: 100, schedule: { timezone: 'Europe/Berlin', rules: [] }, ...overrides },
    maintenance,
  };
}

const trace = (...rows: string[]) => parseTrace(['start,duration_min,participants,webcams', ...rows].join('\n'));

describe('oracle', () => {
  it('is the sum over the day of max(minRunning, ceil(load / capacity))', () => {
    // 60 minutes of 250 weighted participants (3 servers of 100), the rest of the day at the minimum of 1.
    const day = trace('2026-03-10T08:00:00+01:00,60,100,50');
    expect(oracle(day, tinyConfig(), prices).serverMinutes).toBe(60 * 3 + 1380 * 1);
  });

  it('ends the load at midnight', () => {
    const load = loadPerMinute(trace('2026-03-10T23:50:00+01:00,30,10,1'), 3);
    expect(load.length).toBe(1440);
    expect(load.slice(1430)).toEqual(new Array(10).fill(13));
  });
});

describe('baselines', () => {
  it('static keeps the whole pool on all day', () => {
    const run = simulatePolicy(trace('2026-03-10T08:00:00+01:00,60,50,0'), tinyConfig(), staticPolicy, options);
    expect(run.total).toMatchObject({ serverMinutes: 3 * 1440, overloadedServerMinutes: 0, meetingsKilled: 0, peakRunning: 3, starts: 0, stops: 0 });
    expect(run.policy).toBe('static');
  });

  it('reactive-cpu stops the oldest server even with a meeting on it', () => {
    const day = trace('2026-03-10T08:00:00+01:00,30,75,0', '2026-03-10T08:01:00+01:00,240,10,0');
    const run = simulatePolicy(day, tinyConfig(), reactiveCpuPolicy(), options);
    expect(run.total.meetingsKilled).toBe(1);
  });

  it('hpi-threshold only stops servers without participants', () => {
    const day = trace('2026-03-10T08:00:00+01:00,30,75,0', '2026-03-10T08:01:00+01:00,240,10,0');
    const run = simulatePolicy(day, tinyConfig(), hpiThresholdPolicy, options);
    expect(run.total.meetingsKilled).toBe(0);
    expect(run.total.peakRunning).toBe(2);
  });

  it('a slow baseline overloads servers during a rise', () => {
    const rows = Array.from({ length: 12 }, (_, index) => `2026-03-10T08:${String(index).padStart(2, '0')}:00+01:00,60,20,0`);
    const run = simulatePolicy(trace(...rows), tinyConfig(), hpiThresholdPolicy, options);
    expect(run.total.overloadedServerMinutes).toBeGreaterThan(0);
  });
});

describe('the maintenance cycle in the simulator', () => {
  const patching = (overrides: Partial<EnvironmentConfig['autoscaler']> = {}) => tinyConfig(overrides, {});
  const twoDays = trace('2026-03-10T08:00:00+01:00,60,120,10', '2026-03-11T08:00:00+01:00,60,120,10');

  it('patches every server each night, and bills each server\u2019s boot, update, reboot, check and power-off', () => {
    const run = simulatePolicy(twoDays, patching(), autoscalerPolicy(), options);
    expect(run.cycles).toEqual([
      { cycle: '2026-03-10', servers: { patched: 3, failed: 0, skipped: 0, inProgress: 0, pending: 0, missed: 0, notDue: 0 } },
      { cycle: '2026-03-11', servers: { patched: 3, failed: 0, skipped: 0, inProgress: 0, pending: 0, missed: 0, notDue: 0 } },
    ]);
    // Each night one stopped server is started for it and stopped again, the other is started to
    // stand in for the running one (and patched itself) and one of the two stopped again once
    // done: counted apart from the starts and stops for the load.
    expect(run.total).toMatchObject({ meetingsKilled: 0, meetingsRejected: 0, maintenanceOverloadedServerMinutes: 0, maintenanceStartsStops: 2 * 4 });
    // Two nights: the two stopped servers a boot (4) and their maintenance (10) each, the running one its maintenance.
    expect(run.total.maintenanceServerMinutes).toBeGreaterThanOrEqual(2 * (2 * 14 + 10));
    expect(run.total.maintenanceServerMinutes).toBeLessThan(2 * 3 * 30);
    const longer = simulatePolicy(twoDays, patching(), autoscalerPolicy(), { ...options, maintenanceMinutes: 30 });
    expect(longer.total.maintenanceServerMinutes - run.total.maintenanceServerMinutes).toBeGreaterThanOrEqual(2 * 3 * 20);
    // Without the cycle the same days cost those minutes less, and those of the server started
    // to take the running one's place while it was patched (one a night, kept a while).
    const without = simulatePolicy(twoDays, tinyConfig(), autoscalerPolicy(), options);
    expect(without.total.maintenanceServerMinutes).toBe(0);
    const extra = run.total.serverMinutes - without.total.serverMinutes - run.total.maintenanceServerMinutes;
    expect(extra).toBeGreaterThan(0);
    expect(extra).toBeLessThanOrEqual(2 * 30);
  });

  it('takes no capacity a night\u2019s load needs: the running server\u2019s meeting stays, another takes new ones, nothing is overloaded', () => {
    const night = trace('2026-03-10T01:30:00+01:00,150,60,4', '2026-03-10T02:30:00+01:00,60,30,0');
    const run = simulatePolicy(night, patching(), autoscalerPolicy(), options);
    expect(run.total).toMatchObject({ meetingsKilled: 0, meetingsRejected: 0, overloadedServerMinutes: 0, maintenanceOverloadedServerMinutes: 0 });
    // The running server's meeting outlasts its drain: it is skipped tonight, the stopped ones are patched.
    expect(run.cycles).toEqual([{ cycle: '2026-03-10', servers: { patched: 2, failed: 0, skipped: 1, inProgress: 0, pending: 0, missed: 0, notDue: 0 } }]);
  });
});

describe('autoscaler in the simulator', () => {
  const rise = Array.from({ length: 12 }, (_, index) => `2026-03-10T08:${String(index * 2).padStart(2, '0')}:00+01:00,60,20,0`);

  it('runs the real policy: scales out for a rise and drains without killing meetings', () => {
    const decisions: string[] = [];
    const run = simulatePolicy(trace(...rise), tinyConfig(), autoscalerPolicy({ onDecision: (_, d) => decisions.push(...d.actions.map((a) => a.kind)) }), options);
    expect(run.total.meetingsKilled).toBe(0);
    expect(run.total.peakRunning).toBe(3);
    // Gently: the guest powers off, then IONOS releases it.
    expect(decisions).toEqual(expect.arrayContaining(['start', 'enable', 'cordon', 'powerOff', 'stop']));
    expect(run.total.starts).toBe(2);
    expect(run.total.stops).toBe(2);
    // Back to the minimum at the end of the day.
    expect(run.minutes[1439].poweredOn).toBe(1);
  });

  it('honours the schedule: servers are up before the rule starts', () => {
    const scheduled = tinyConfig({ schedule: { timezone: 'Europe/Berlin', rules: [{ days: ['tue'], from: '07:30', to: '09:00', minRunning: 3 }] } });
    const run = simulatePolicy(trace('2026-03-10T08:00:00+01:00,10,5,0'), scheduled, autoscalerPolicy(), options);
    // Pre-warm 10 minutes before 07:30, plus the boot: answering at 07:30.
    const minute = 7 * 60 + 30;
    expect(run.minutes[minute].capacity).toBe(300);
    expect(run.minutes[minute - 11].poweredOn).toBe(1);
  });

  it('observes power states the way the handler does: a start or stop in progress is BUSY in the old state', () => {
    const config = tinyConfig();
    const cluster = new Cluster(['s1', 's2'], { bootDelayMinutes: 4, resizeDelayMinutes: 2, shutdownMinutes: 1, maintenanceMinutes: 10, capacityPerServer: 100, baseCores: 8, baseRamGb: 16, webcamWeight: 3 });
    cluster.bootInstantly(cluster.servers[1]);
    const dayStart = new Date('2026-03-10T00:00:00+01:00');
    const context = { config, dayStart, loadHistory: [0] };
    const settings = settingsFromEnvironment(config);
    cluster.start(cluster.servers[0], 0);
    cluster.servers[1].scalelite = 'disabled';
    cluster.stop(cluster.servers[1], 0);
    const [starting, stopping] = observe(0, cluster, context, settings).servers;
    expect(starting).toMatchObject({ power: 'stopped', busy: true, bootedAt: dayStart });
    expect(stopping).toMatchObject({ power: 'running', busy: true });
    cluster.advance(1);
    const [booting, stopped] = observe(1, cluster, context, settings).servers;
    expect(booting).toMatchObject({ power: 'running', busy: false, bootedAt: dayStart, meetings: { known: false } });
    expect(stopped).toMatchObject({ power: 'stopped', busy: false });
    expect(stopped.bootedAt).toBeUndefined();
  });

  it('reports every policy and the packer against the oracle, in euros too', () => {
    const simulation = simulate(trace(...rise), tinyConfig(), options);
    expect(simulation.runs.map((run) => run.policy)).toEqual(['autoscaler', 'packer', 'static', 'hpi-threshold', 'reactive-cpu']);
    expect(simulation.oracle.serverMinutes).toBe(oracle(trace(...rise), tinyConfig(), prices).serverMinutes);
    const staticRun = simulation.runs[2];
    // Three 8-core, 16 GB servers all day at the configured prices.
    const perDay = 3 * 24 * (8 * prices.dedicatedCorePerHour + 16 * prices.ramGbPerHour);
    expect(staticRun.total.costEuros).toBeCloseTo(perDay, 1);
    for (const run of simulation.runs) expect(run.total.costEuros).toBeLessThanOrEqual(staticRun.total.costEuros);
  });
});

describe('autoscaler on the benchmark days', () => {
  it.each([2, 4, 8])('never kills or rejects a meeting with a %d minute boot', (bootDelayMinutes) => {
    for (const day of ['weekday', 'friday']) {
      const traceFile = join(__dirname, `../../bench/traces/${day}.csv`);
      const run = simulatePolicy(parseTrace(readFileSync(traceFile, 'utf8')), bench, autoscalerPolicy(), { prices, bootDelayMinutes });
      expect({ day, killed: run.total.meetingsKilled, rejected: run.total.meetingsRejected }).toEqual({ day, killed: 0, rejected: 0 });
    }
  });
});
