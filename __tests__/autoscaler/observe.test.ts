/** How one tick's raw reads become the policy's observation. */
import type { IonosServer } from '../../functions/autoscaler/clients/ionos';
import type { Sample } from '../../functions/autoscaler/clients/prometheus';
import { type BbbState, type Outcome, type PrometheusState, type RawState, observe } from '../../functions/autoscaler/observe';
import { World, ionosId, serverName } from './fakes/world';

const NOW = new Date('2026-11-23T10:00:00Z');
const nowSeconds = NOW.getTime() / 1000;
const inventory = new World({ servers: 3, minRunning: 1 }).inventory();

const ok = <T>(value: T): Outcome<T> => ({ ok: true, value });
const samples = (values: Record<string, number>): Outcome<Sample[]> =>
  ok(
    Object.entries(values).map(([instance, value]): Sample => ({
      labels: instance ? { instance } : {},
      value,
      timestampSeconds: nowSeconds,
    })),
  );

function vm(index: number, vmState: string, provisioningState = 'AVAILABLE', lastModified?: Date): IonosServer {
  return { id: ionosId(index), name: serverName(index), vmState, provisioningState, cores: 8, ramMb: 16384, ...(lastModified && { lastModified }) };
}

function prometheus(scrapedAgoSeconds: number): PrometheusState {
  const stamp = nowSeconds - scrapedAgoSeconds;
  return {
    load: samples({ '': 40 }),
    loadTimestamp: samples({ '': stamp }),
    peakLoad: samples({ '': 55 }),
    loadTrendPerMinute: samples({ '': 2 }),
    recentTrendPerMinute: samples({ '': 1 }),
    serverLoadTimestamps: samples({ [serverName(1)]: stamp }),
    cpu: samples({ [serverName(1)]: 0.25 }),
    recordingsBacklog: samples({ [serverName(1)]: 1 }),
    recentMeetings: samples({ [serverName(1)]: 1 }),
    bootTime: samples({ [serverName(1)]: nowSeconds - 3600 }),
  };
}

const answering: BbbState = {
  meetings: ok([{ meetingId: 'a', running: true, participantCount: 30, videoCount: 2, voiceParticipantCount: 20, recording: true }]),
  processingRecordings: ok(2),
};

function state(overrides: Partial<RawState> = {}): RawState {
  return {
    ionos: ok([vm(1, 'RUNNING'), vm(2, 'SHUTOFF', 'BUSY'), vm(3, 'CRASHED')]),
    scalelite: ok([]),
    bbb: new Map([[serverName(1), answering]]),
    prometheus: prometheus(20),
    powerOffs: ok(new Map()),
    maintenance: ok({ records: new Map() }),
    errors: [],
    ...overrides,
  };
}

describe('observe', () => {
  it('maps IONOS power states, and leaves what it cannot read unknown with the reason', () => {
    const observation = observe(inventory, state(), NOW);
    expect(observation.servers.map((server) => server.power)).toEqual(['running', 'stopped', 'unknown']);
    expect(observation.servers[0]).toMatchObject({
      meetings: { known: true, meetings: 1, participants: 30, webcams: 2 },
      // Two processing (BBB API) are among the pending ones, not on top of them.
      recordings: { known: true, busy: 2 },
      scalelite: { known: false, error: 'not registered in Scalelite' },
      cpuUtilisation: 0.25,
    });
    expect(observation.servers[2].meetings).toEqual({ known: false, error: 'VM is CRASHED' });
    const withoutIonos = observe(inventory, state({ ionos: { ok: false, error: 'ionos /cloudapi/v6: HTTP 503' } }), NOW);
    expect(withoutIonos.servers.map((server) => server.power)).toEqual(['unknown', 'unknown', 'unknown']);
    expect(withoutIonos.servers[1]).toMatchObject({ cores: 8, ramGb: 16, meetings: { known: false, error: 'ionos /cloudapi/v6: HTTP 503' } });
  });

  it('reports a request IONOS still carries out as busy, without guessing a power state from it', () => {
    const raw = state({ ionos: ok([vm(1, 'RUNNING', 'BUSY'), vm(2, 'SHUTOFF', 'BUSY'), vm(3, 'SHUTOFF')]) });
    const servers = observe(inventory, raw, NOW).servers;
    // A hot-plug still being applied, or a stop or restart: the policy tells them apart by
    // whether Scalelite sends the server meetings (policy/classify.ts).
    expect(servers[0]).toMatchObject({ power: 'running', busy: true });
    // Off with a pending request: a start, a stop still finishing or a resize while stopped.
    expect(servers[1]).toMatchObject({ power: 'stopped', busy: true });
    expect(servers[2]).toMatchObject({ power: 'stopped', busy: false });
  });

  it('trusts recent metrics only: stale samples pause scale-in and hide the recording backlog', () => {
    expect(observe(inventory, state(), NOW).fleet).toEqual({ load: 40, peakLoad: 55, loadTrendPerMinute: 2, recentTrendPerMinute: 1, metricsFresh: true });
    const stale = observe(inventory, state({ prometheus: prometheus(240) }), NOW);
    expect(stale.fleet.metricsFresh).toBe(false);
    expect(stale.servers[0].recordings).toEqual({ known: false, error: `metrics of ${serverName(1)} are stale` });
  });

  it('counts recordings only from a sample a few scrapes old: a recorded meeting may have begun and ended since', () => {
    const older = observe(inventory, state({ prometheus: prometheus(100) }), NOW);
    // Fresh enough to scale by, not to power a server off by.
    expect(older.fleet.metricsFresh).toBe(true);
    expect(older.servers[0].recordings).toEqual({ known: false, error: `metrics of ${serverName(1)} are stale` });
    expect(observe(inventory, state({ prometheus: prometheus(40) }), NOW).servers[0].recordings).toMatchObject({ known: true });
  });

  it("judges a sample's age by Prometheus' clock alone, whatever the tick's clock says", () => {
    // The store's clock three hours behind Prometheus' must not make old samples fresh, nor three hours ahead recent ones stale.
    const behind = new Date(NOW.getTime() - 3 * 3600_000);
    const ahead = new Date(NOW.getTime() + 3 * 3600_000);
    const stale = observe(inventory, state({ prometheus: prometheus(240) }), behind);
    expect(stale.fleet.metricsFresh).toBe(false);
    expect(stale.servers[0].recordings).toEqual({ known: false, error: `metrics of ${serverName(1)} are stale` });
    expect(observe(inventory, state(), ahead).fleet.metricsFresh).toBe(true);
  });

  it('counts the pending gauge, of which the recordings the API lists as processing are a part', () => {
    const raw = state({ prometheus: { ...prometheus(20), recordingsBacklog: samples({ [serverName(1)]: 3 }) } });
    expect(observe(inventory, raw, NOW).servers[0].recordings).toEqual({ known: true, busy: 3 });
  });

  it('does not trust the backlog while a meeting ended within the settle window: its recording may not be counted yet', () => {
    const ended = { ...answering, meetings: ok([]), processingRecordings: ok(0) };
    const recently = { ...prometheus(20), recordingsBacklog: samples({ [serverName(1)]: 0 }) };
    const observation = observe(inventory, state({ bbb: new Map([[serverName(1), ended]]), prometheus: recently }), NOW);
    expect(observation.servers[0].recordings).toEqual({
      known: false,
      error: `a meeting on ${serverName(1)} ended less than 3 min ago; its recording may not be counted yet`,
    });
    const quiet = { ...recently, recentMeetings: samples({ [serverName(1)]: 0 }) };
    const settled = observe(inventory, state({ bbb: new Map([[serverName(1), ended]]), prometheus: quiet }), NOW);
    expect(settled.servers[0].recordings).toEqual({ known: true, busy: 0 });
  });

  it('takes the boot time from node_exporter, else from the last change IONOS made to the server', () => {
    const changed = new Date(NOW.getTime() - 60_000);
    const raw = state({ ionos: ok([vm(1, 'RUNNING', 'AVAILABLE', changed), vm(2, 'RUNNING', 'AVAILABLE', changed), vm(3, 'SHUTOFF', 'AVAILABLE', changed)]) });
    const servers = observe(inventory, raw, NOW).servers;
    expect(servers[0].bootedAt).toEqual(new Date((nowSeconds - 3600) * 1000));
    // Up, but node_exporter has not reported yet.
    expect(servers[1].bootedAt).toEqual(changed);
    // Off: it has not booted.
    expect(servers[2].bootedAt).toBeUndefined();
    // Off with a request pending (a start, perhaps): the request's time.
    const starting = observe(inventory, state({ ionos: ok([vm(1, 'RUNNING'), vm(2, 'SHUTOFF', 'BUSY', changed), vm(3, 'SHUTOFF')]) }), NOW).servers;
    expect(starting[1].bootedAt).toEqual(changed);
    // Neither: unknown.
    expect(observe(inventory, state({ ionos: ok([vm(1, 'RUNNING'), vm(2, 'RUNNING'), vm(3, 'SHUTOFF')]) }), NOW).servers[1].bootedAt).toBeUndefined();
  });

  it('counts metrics as stale when a server holding meetings has no sample of its own', () => {
    const second: BbbState = { ...answering };
    const raw = state({
      ionos: ok([vm(1, 'RUNNING'), vm(2, 'RUNNING'), vm(3, 'SHUTOFF')]),
      bbb: new Map([
        [serverName(1), answering],
        [serverName(2), second],
      ]),
    });
    const observation = observe(inventory, raw, NOW);
    expect(observation.fleet.metricsFresh).toBe(false);
    expect(observation.servers[1].recordings).toEqual({ known: false, error: `no bbb_platform_recordings_pending sample for ${serverName(2)}` });
  });

  it('takes the busiest Scalelite entry of a URL, matching without case or trailing slash', () => {
    const url = inventory.servers[0].bbbApiUrl;
    const entry = { secret: 's', load: 0, loadMultiplier: 1, online: true };
    const raw = state({
      scalelite: ok([
        { ...entry, id: 'b', url: `${url.toUpperCase().replace('HTTP://', 'http://')}/`, state: 'disabled' as const },
        { ...entry, id: 'a', url, state: 'cordoned' as const, loadMultiplier: 0.5 },
      ]),
    });
    expect(observe(inventory, raw, NOW).servers[0].scalelite).toEqual({ known: true, state: 'cordoned', online: true, loadMultiplier: 0.5 });
  });
});
