/**
 * Reads the truth of one tick from every outside system, tolerating partial failure:
 * each source that fails becomes "unknown" (with the reason) instead of failing the tick.
 */
import type { BbbClient, BbbMeeting } from './clients/bbb';
import type { IonosClient, IonosServer } from './clients/ionos';
import type { PlatformAgent } from './clients/platform-agent';
import type { PrometheusClient, Sample } from './clients/prometheus';
import type { ScaleliteClient, ScaleliteServer } from './clients/scalelite';
import { mapLimited } from './concurrency';
import type { CoordinationStore, MaintenanceState } from './coordination';
import { describeError, isServiceError, type Service } from './errors';
import { type Inventory, type InventoryServer, normalizeUrl } from './inventory';
import {
  settingsFromInventoryPolicy,
  type FleetObservation,
  type LoadHistory,
  type MaintenanceRecord,
  type MaintenanceView,
  type Observation,
  type ServerObservation,
} from './policy';
import { endOfLocalDay, historyWindowMinutes, sameTimeWeeksAgo } from './policy/history';
import { FRESHNESS_LIMIT_SECONDS, QUERIES, RECORDINGS_FRESHNESS_SECONDS, RECORDINGS_SETTLE_MINUTES } from './queries';
import { bootedAt, isBusy, powerOf } from './server-state';

export interface Clients {
  readonly prometheus: PrometheusClient;
  readonly ionos: IonosClient;
  readonly scalelite: ScaleliteClient;
  readonly bbb: (server: InventoryServer) => BbbClient;
  readonly coordination: CoordinationStore;
  readonly agent: PlatformAgent;
}

export interface SourceError {
  readonly source: Service;
  readonly server?: string;
  readonly message: string;
}

export type Outcome<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: string };

export interface BbbState {
  readonly meetings: Outcome<BbbMeeting[]>;
  readonly processingRecordings: Outcome<number>;
}

export interface PrometheusState {
  readonly load: Outcome<Sample[]>;
  readonly loadTimestamp: Outcome<Sample[]>;
  readonly peakLoad: Outcome<Sample[]>;
  readonly loadTrendPerMinute: Outcome<Sample[]>;
  readonly recentTrendPerMinute: Outcome<Sample[]>;
  /** The learned timetable; undefined when it is off. */
  readonly history?: Outcome<LoadHistory>;
  readonly serverLoadTimestamps: Outcome<Sample[]>;
  readonly cpu: Outcome<Sample[]>;
  readonly recordingsBacklog: Outcome<Sample[]>;
  readonly recentMeetings: Outcome<Sample[]>;
  readonly bootTime: Outcome<Sample[]>;
}

/** Everything one tick read, before it is shaped for the policy. */
export interface RawState {
  readonly ionos: Outcome<IonosServer[]>;
  readonly scalelite: Outcome<ScaleliteServer[]>;
  readonly bbb: ReadonlyMap<string, BbbState>;
  readonly prometheus: PrometheusState;
  /** Guests told to power off (the coordination store): server name -> when. */
  readonly powerOffs: Outcome<ReadonlyMap<string, Date>>;
  /** Maintenance records and the operator's request (the coordination store). */
  readonly maintenance: Outcome<MaintenanceState>;
  readonly errors: readonly SourceError[];
}

/** Parallel BBB requests per tick: enough for a large pool, few enough for one small VM. */
const BBB_CONCURRENCY = 16;

/** Only the typed failures of an outside system become "unknown"; anything else is a bug and surfaces. */
async function attempt<T>(work: () => Promise<T>, record: (message: string) => void): Promise<Outcome<T>> {
  try {
    return { ok: true, value: await work() };
  } catch (error) {
    if (!isServiceError(error)) throw error;
    const message = describeError(error);
    record(message);
    return { ok: false, error: message };
  }
}

/**
 * The same weekday in recent weeks: per week back, the load from the same local time on,
 * one value a minute over the window the policy looks ahead, and that day's peak.
 */
async function readHistory(inventory: Inventory, clients: Clients, now: Date): Promise<LoadHistory> {
  const settings = settingsFromInventoryPolicy(inventory.policy);
  const window = historyWindowMinutes(settings);
  const weeks = Array.from({ length: settings.historyWeeks }, (_, index) => sameTimeWeeksAgo(now, index + 1, settings.schedule.timezone));
  const answers = await Promise.all(
    weeks.map((then) =>
      Promise.all([
        clients.prometheus.queryRange(QUERIES.history, then, window),
        clients.prometheus.query(QUERIES.dayPeak, endOfLocalDay(then, settings.schedule.timezone)),
      ]),
    ),
  );
  return {
    weeks: answers.map(([series]) => series[0]?.values ?? new Array<number>(window + 1).fill(NaN)),
    dayPeaks: answers.map(([, peak]) => scalar({ ok: true, value: peak })),
  };
}

export async function readState(inventory: Inventory, clients: Clients, now: Date): Promise<RawState> {
  const errors: SourceError[] = [];
  const note = (source: Service, server?: string) => (message: string) => errors.push({ source, server, message });
  const cooldown = inventory.policy.autoscaler.scaleInCooldownMinutes;
  // The present state is asked at Prometheus' own time: asked at this tick's clock, a
  // clock hours behind Prometheus' would read what the servers did hours ago, and find it
  // fresh. How old a sample is comes from the same answer (ageBy), so no clock is compared
  // with another.
  const query = (promql: string) => attempt(() => clients.prometheus.query(promql), note('prometheus'));

  const [ionos, scalelite, powerOffs, maintenance, load, loadTimestamp, peakLoad, loadTrendPerMinute, recentTrendPerMinute, serverLoadTimestamps, cpu, recordingsBacklog, recentMeetings, bootTime, history] =
    await Promise.all([
      attempt(() => clients.ionos.listServers(), note('ionos')),
      attempt(() => clients.scalelite.getServers(), note('scalelite')),
      attempt(() => clients.coordination.powerOffs(), note('redis')),
      attempt(() => clients.coordination.maintenance(), note('redis')),
      query(QUERIES.load),
      query(QUERIES.loadTimestamp),
      query(QUERIES.peakLoad(cooldown)),
      query(QUERIES.loadTrendPerMinute),
      query(QUERIES.recentTrendPerMinute),
      query(QUERIES.serverLoadTimestamps),
      query(QUERIES.cpu),
      query(QUERIES.recordingsBacklog),
      query(QUERIES.recentMeetings),
      query(QUERIES.bootTime),
      inventory.policy.autoscaler.historyWeeks > 0 ? attempt(() => readHistory(inventory, clients, now), note('prometheus')) : undefined,
    ]);

  const ionosById = ionos.ok ? new Map(ionos.value.map((server) => [server.id, server])) : undefined;
  // A server that is off cannot answer, and without IONOS the policy leaves every server
  // alone: asking would only add timeouts.
  const worthAsking = inventory.servers.filter((server) => ionosById?.get(server.ionosServerId)?.vmState === 'RUNNING');
  const answers = await mapLimited(worthAsking, BBB_CONCURRENCY, async (server) => {
    const client = clients.bbb(server);
    const meetings = await attempt(() => client.getMeetings(), note('bbb', server.name));
    const processingRecordings = meetings.ok
      ? await attempt(() => client.countProcessingRecordings(), note('bbb', server.name))
      : ({ ok: false, error: meetings.error } as const);
    return [server.name, { meetings, processingRecordings }] as const;
  });

  return {
    ionos,
    scalelite,
    bbb: new Map(answers),
    prometheus: { load, loadTimestamp, peakLoad, loadTrendPerMinute, recentTrendPerMinute, history, serverLoadTimestamps, cpu, recordingsBacklog, recentMeetings, bootTime },
    powerOffs,
    maintenance,
    errors,
  };
}

function scalar(outcome: Outcome<Sample[]>): number | undefined {
  if (!outcome.ok || outcome.value.length === 0) return undefined;
  const value = outcome.value[0].value;
  return Number.isFinite(value) ? value : undefined;
}

function byInstance(outcome: Outcome<Sample[]>): Map<string, number> {
  const values = new Map<string, number>();
  if (outcome.ok) {
    for (const sample of outcome.value) {
      const instance = sample.labels.instance;
      if (instance !== undefined && Number.isFinite(sample.value)) values.set(instance, sample.value);
    }
  }
  return values;
}

/**
 * The Scalelite entry that stands for an inventory server: among entries with its URL,
 * the one most in use (enabled, then cordoned, then disabled; online first).
 */
export function canonicalEntry(entries: readonly ScaleliteServer[]): ScaleliteServer | undefined {
  const rank = (entry: ScaleliteServer) =>
    ({ enabled: 0, cordoned: 1, disabled: 2 })[entry.state] * 2 + (entry.online ? 0 : 1);
  return [...entries].sort((a, b) => rank(a) - rank(b) || a.id.localeCompare(b.id))[0];
}

export function entriesFor(server: InventoryServer, scalelite: readonly ScaleliteServer[]): ScaleliteServer[] {
  const url = normalizeUrl(server.bbbApiUrl);
  return scalelite.filter((entry) => normalizeUrl(entry.url) === url);
}

/** Sampled recently enough to act on: an age (ageBy) within the limit. */
function isFresh(ageSeconds: number | undefined, limitSeconds = FRESHNESS_LIMIT_SECONDS): boolean {
  return ageSeconds !== undefined && ageSeconds <= limitSeconds;
}

/**
 * The age of each sample a `timestamp(...)` query found, per instance (`''` for one
 * without): the query's evaluation time, which Prometheus sends with each value, less
 * the sample's timestamp, its value. Both are Prometheus' clock.
 */
function ageBy(outcome: Outcome<Sample[]>): Map<string, number> {
  const ages = new Map<string, number>();
  if (outcome.ok) {
    for (const sample of outcome.value) {
      if (Number.isFinite(sample.value)) ages.set(sample.labels.instance ?? '', sample.timestampSeconds - sample.value);
    }
  }
  return ages;
}

/** `held`: the servers an operator holds (the hold file); they are marked for the policy. */
export function observe(inventory: Inventory, state: RawState, now: Date, held: ReadonlySet<string> = new Set()): Observation {
  const ionosById = state.ionos.ok ? new Map(state.ionos.value.map((vm) => [vm.id, vm])) : undefined;
  const cpu = byInstance(state.prometheus.cpu);
  const backlog = byInstance(state.prometheus.recordingsBacklog);
  const recentMeetings = byInstance(state.prometheus.recentMeetings);
  const sampleAges = ageBy(state.prometheus.serverLoadTimestamps);
  const bootTimes = byInstance(state.prometheus.bootTime);
  const powerOffs = state.powerOffs.ok ? state.powerOffs.value : new Map<string, Date>();
  const records = state.maintenance.ok ? state.maintenance.value.records : new Map<string, MaintenanceRecord>();

  const servers: ServerObservation[] = inventory.servers.map((server) => {
    const vm = ionosById?.get(server.ionosServerId);
    const unknown = (error: string) => ({ known: false, error }) as const;
    const ionosProblem = state.ionos.ok ? `${server.ionosServerId} not in the data center` : state.ionos.error;

    let scalelite: ServerObservation['scalelite'];
    if (!state.scalelite.ok) scalelite = unknown(state.scalelite.error);
    else {
      const entry = canonicalEntry(entriesFor(server, state.scalelite.value));
      scalelite = entry
        ? { known: true, state: entry.state, online: entry.online, loadMultiplier: entry.loadMultiplier }
        : unknown('not registered in Scalelite');
    }

    const bbb = state.bbb.get(server.name);
    const notAsked = unknown(vm ? `VM is ${vm.vmState}` : ionosProblem);
    let meetings: ServerObservation['meetings'] = notAsked;
    let recordings: ServerObservation['recordings'] = notAsked;
    if (bbb) {
      meetings = bbb.meetings.ok
        ? {
            known: true,
            meetings: bbb.meetings.value.length,
            participants: bbb.meetings.value.reduce((sum, m) => sum + m.participantCount, 0),
            webcams: bbb.meetings.value.reduce((sum, m) => sum + m.videoCount, 0),
          }
        : unknown(bbb.meetings.error);
      const pending = backlog.get(server.name);
      // The API lists recordings being processed; only the server's pending gauge also sees
      // those recorded and still queued, and it counts only while this server's metrics are
      // recent and no meeting ended too recently for the gauge to show its recording.
      if (!bbb.processingRecordings.ok) recordings = unknown(bbb.processingRecordings.error);
      else if (pending === undefined) recordings = unknown(`no bbb_platform_recordings_pending sample for ${server.name}`);
      else if (!isFresh(sampleAges.get(server.name), RECORDINGS_FRESHNESS_SECONDS)) recordings = unknown(`metrics of ${server.name} are stale`);
      else if ((recentMeetings.get(server.name) ?? Infinity) > (bbb.meetings.ok ? bbb.meetings.value.length : 0)) {
        recordings = unknown(`a meeting on ${server.name} ended less than ${RECORDINGS_SETTLE_MINUTES} min ago; its recording may not be counted yet`);
      }
      // Recordings being processed are among the pending ones: the larger figure, not the sum.
      else recordings = { known: true, busy: Math.max(bbb.processingRecordings.value, pending) };
    }

    return {
      name: server.name,
      power: powerOf(vm),
      cores: vm?.cores || server.baseCores,
      ramGb: vm?.ramMb ? vm.ramMb / 1024 : server.baseRamGb,
      baseCores: server.baseCores,
      baseRamGb: server.baseRamGb,
      busy: isBusy(vm),
      bootedAt: bootedAt(vm, bootTimes.get(server.name)),
      scalelite,
      meetings,
      recordings,
      cpuUtilisation: cpu.get(server.name),
      ...(held.has(server.name) && { held: true }),
      ...(powerOffs.has(server.name) && { powerOffRequestedAt: powerOffs.get(server.name) }),
      ...(records.has(server.name) && { maintenance: records.get(server.name) }),
    };
  });

  const loadAge = ageBy(state.prometheus.loadTimestamp).get('');
  const load = scalar(state.prometheus.load);
  // A server that holds meetings but has no recent load sample makes the total an undercount.
  const everyAnsweringServerSampled = servers.every(
    (server) => !(server.power === 'running' && server.meetings.known) || isFresh(sampleAges.get(server.name)),
  );
  const fleet: FleetObservation = {
    load,
    peakLoad: scalar(state.prometheus.peakLoad),
    loadTrendPerMinute: scalar(state.prometheus.loadTrendPerMinute),
    recentTrendPerMinute: scalar(state.prometheus.recentTrendPerMinute),
    metricsFresh: load !== undefined && isFresh(loadAge) && everyAnsweringServerSampled,
    ...(state.prometheus.history?.ok && { history: state.prometheus.history.value }),
  };

  const maintenance: MaintenanceView = state.maintenance.ok
    ? { known: true, ...(state.maintenance.value.request && { request: state.maintenance.value.request }) }
    : { known: false, error: state.maintenance.error };
  return { now, pool: inventory.servers.map((server) => server.name), servers, fleet, maintenance };
}
