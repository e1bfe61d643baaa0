/**
 * A small simulated platform for handler, fault and bundle tests: IONOS servers that
 * carry out requests asynchronously, a Scalelite with its poller and placement, BBB
 * servers that answer only while their VM runs, meetings and recordings, and a
 * Prometheus that scrapes them. Hooks on the fakes record every state-changing call so
 * tests can check safety at the moment it happens, not only afterwards.
 */
import { DEFAULT_BBB_MAINTENANCE, DEFAULT_MAINTENANCE_WINDOW, type ScheduleRule } from '../../../config';
import type { Fetch } from '../../../functions/autoscaler/clients/http';
import type { Inventory } from '../../../functions/autoscaler/inventory';
import type { MaintenanceSettings } from '../../../functions/autoscaler/policy';
import { QUERIES, RECORDINGS_SETTLE_MINUTES } from '../../../functions/autoscaler/queries';
import { FakeBbbFleet, type FakeBbbHost, type FakeMeeting } from './bbb';
import { FakeCoordinationStore } from './coordination';
import { FakeIonos } from './ionos';
import { FakePlatformAgent } from './platform-agent';
import { FakePrometheus, type FakeSeries } from './prometheus';
import { FakeScalelite } from './scalelite';
import { type FakeEndpoint, type LoopbackServer, inProcessFetch, serveOnLoopback } from './transport';

export const IONOS_TOKEN = 'test-ionos-token-not-a-secret';
export const SCALELITE_SECRET = 'scalelite-loadbalancer-secret-0001';
export const DATACENTER_ID = '6f0c7d5e-1b2a-4c3d-8e9f-0a1b2c3d4e5f';

export interface WorldOptions {
  readonly servers: number;
  readonly minRunning: number;
  readonly running?: number;
  readonly cooldownMinutes?: number;
  readonly capacityPerServer?: number;
  readonly verticalEnabled?: boolean;
  readonly schedule?: ScheduleRule[];
  readonly start?: Date;
  readonly keepStartedMinutes?: number;
  readonly shutdownTimeoutMinutes?: number;
  /** The maintenance cycle; by default as deployed: every night 01:00-05:00 in Berlin. */
  readonly maintenance?: Partial<MaintenanceSettings>;
}

/** The lease's time to live in the tests: a few minutes of the World's time. */
export const LEASE_SECONDS = 120;

export type MetricsHealth = 'fresh' | 'stale' | 'missing';

/** One server in one scrape: node_exporter answers while the VM runs, bigbluebutton-exporter while BBB does. */
interface ScrapedServer {
  readonly name: string;
  /** bigbluebutton-exporter answered (BBB is up). */
  readonly bbb: boolean;
  readonly participants: number;
  readonly webcams: number;
  readonly meetings: number;
  /** bbb_platform_recordings_pending: recorded, not yet published. */
  readonly pending: number;
  readonly cpu: number;
  /** node_boot_time_seconds. */
  readonly bootTime: number;
}

interface Scrape {
  readonly atSeconds: number;
  readonly servers: readonly ScrapedServer[];
}

export function serverName(index: number): string {
  return `example-bbb-${String(index).padStart(2, '0')}`;
}

export function hostLabel(index: number): string {
  return `bbb-${String(index).padStart(2, '0')}`;
}

export function ionosId(index: number): string {
  return `00000000-0000-4000-8000-${String(index).padStart(12, '0')}`;
}

export function bbbSecret(index: number): string {
  return `bbb-shared-secret-${String(index).padStart(2, '0')}-xyz`;
}

/** The server's address on the private LAN (the platform agent's). */
export function privateIp(index: number): string {
  return `10.20.1.${index}`;
}

export class World {
  readonly ionos = new FakeIonos(DATACENTER_ID, IONOS_TOKEN);
  /** How far the coordination store's clock is off the World's (a jump of its host's clock). */
  storeSkewMs = 0;
  readonly store = new FakeCoordinationStore(() => new Date(this.now.getTime() + this.storeSkewMs));
  readonly agent = new FakePlatformAgent(
    this.ionos,
    (host) => {
      const index = Number(/^10\.20\.1\.(\d+)$/.exec(host)?.[1]);
      return index >= 1 && index <= this.options.servers ? ionosId(index) : undefined;
    },
    () => this.now,
    Math.random,
    (serverId) => !this.brokenBbb.has(Number(serverId.slice(-12))),
  );
  /** Meetings that ended because their server went off under them (a guest power-off or a forced stop). */
  meetingsLost = 0;
  readonly scalelite = new FakeScalelite(SCALELITE_SECRET);
  readonly bbb = new FakeBbbFleet();
  readonly prometheus = new FakePrometheus(
    (query, time) => this.answer(query, time),
    () => this.now,
  );
  readonly origins = {
    ionos: 'http://ionos.test',
    scalelite: 'http://scalelite.test',
    bbb: 'http://bbb.test',
    prometheus: 'http://prometheus.test',
  };
  now: Date;
  metrics: MetricsHealth = 'fresh';
  private scrape: Scrape | undefined;
  private readonly scrapes: Scrape[] = [];
  private readonly loadHistory: Array<{ atSeconds: number; load: number }> = [];
  /** Servers (by number) whose BBB does not come up while their VM runs. */
  private readonly brokenBbb = new Set<number>();
  private meetingSerial = 0;

  constructor(readonly options: WorldOptions) {
    this.now = options.start ?? new Date('2026-11-23T10:00:00Z');
    this.ionos.now = () => this.now;
    const running = options.running ?? options.minRunning;
    const anHourAgo = new Date(this.now.getTime() - 3600_000);
    for (let i = 1; i <= options.servers; i++) {
      const on = i <= running;
      this.ionos.add({
        id: ionosId(i),
        name: serverName(i),
        vmState: on ? 'RUNNING' : 'SHUTOFF',
        cores: 8,
        ramMb: 16 * 1024,
        publicIp: `198.51.100.${i}`,
        reservedIp: true,
        ...(on && { bootedAt: anHourAgo }),
      });
      this.bbb.addHost({ host: hostLabel(i), secret: bbbSecret(i), reachable: () => this.ionos.guestUp(ionosId(i)) && !this.brokenBbb.has(i) });
      this.scalelite.add({
        url: `${this.origins.bbb}/${hostLabel(i)}/bigbluebutton/api`,
        secret: bbbSecret(i),
        state: on ? 'enabled' : 'disabled',
        load: on ? 0 : null,
        loadMultiplier: 1,
        online: on,
      });
    }
    // Machines in the same data center that are not the autoscaler's to touch.
    this.ionos.add({ id: 'ffffffff-0000-4000-8000-000000000001', name: 'example-scalelite-01', vmState: 'RUNNING', cores: 4, ramMb: 8192 });
    this.ionos.add({ id: 'ffffffff-0000-4000-8000-000000000002', name: 'other-bbb-99', vmState: 'SHUTOFF', cores: 8, ramMb: 16384 });
    this.scalelite.add({ url: 'https://bbb-legacy.example.org/bigbluebutton/api', secret: 'legacy-secret-0001', state: 'disabled', load: null, loadMultiplier: 1, online: false });
    this.takeScrape();
  }

  get endpoints(): Map<string, FakeEndpoint> {
    return new Map<string, FakeEndpoint>([
      [this.origins.ionos, this.ionos],
      [this.origins.scalelite, this.scalelite],
      [this.origins.bbb, this.bbb],
      [this.origins.prometheus, this.prometheus],
    ]);
  }

  fetch(): Fetch {
    return inProcessFetch(this.endpoints);
  }

  /** Serves every fake on 127.0.0.1 and points the world's URLs at the ports. */
  async serveOnLoopback(): Promise<() => Promise<void>> {
    const servers: LoopbackServer[] = [];
    for (const key of ['ionos', 'scalelite', 'bbb', 'prometheus'] as const) {
      const endpoint = this.endpoints.get(this.origins[key]) as FakeEndpoint;
      const server = await serveOnLoopback(endpoint);
      servers.push(server);
      this.rebase(key, server.origin);
    }
    return async () => {
      await Promise.all(servers.map((server) => server.close()));
    };
  }

  private rebase(key: keyof World['origins'], origin: string): void {
    const old = this.origins[key];
    this.origins[key] = origin;
    if (key === 'ionos') this.ionos.origin = origin;
    if (key === 'bbb') {
      this.bbb.origin = origin;
      for (const server of this.scalelite.servers.values()) {
        if (server.url.startsWith(old)) server.url = origin + server.url.slice(old.length);
      }
    }
  }

  inventory(overrides: { minRunning?: number; enabled?: boolean } = {}): Inventory {
    const { servers, minRunning } = this.options;
    return {
      environment: 'example',
      datacenterId: DATACENTER_ID,
      prometheusUrl: this.origins.prometheus,
      ionosApiUrl: `${this.origins.ionos}/cloudapi/v6`,
      scalelite: { apiUrl: `${this.origins.scalelite}/scalelite/api`, secret: SCALELITE_SECRET },
      coordination: { redis: { host: '10.20.3.20', port: 6379, username: 'scalelite', password: 'coordination-password' } },
      policy: {
        poolSize: servers,
        minRunning: overrides.minRunning ?? minRunning,
        baseCores: 8,
        baseRamGb: 16,
        autoscaler: {
          enabled: overrides.enabled ?? true,
          intervalSeconds: 60,
          capacityPerServer: this.options.capacityPerServer ?? 200,
          targetUtilization: 0.6,
          scaleInCooldownMinutes: this.options.cooldownMinutes ?? 5,
          keepStartedMinutes: this.options.keepStartedMinutes ?? 0,
          historyWeeks: 0,
          shutdownTimeoutMinutes: this.options.shutdownTimeoutMinutes ?? 3,
          leaseSeconds: LEASE_SECONDS,
          schedule: { timezone: 'Europe/Berlin', rules: this.options.schedule ?? [] },
          vertical: { enabled: this.options.verticalEnabled ?? false, maxCores: 16, maxRamGb: 32 },
        },
        maintenance: {
          ...DEFAULT_BBB_MAINTENANCE,
          window: { ...DEFAULT_MAINTENANCE_WINDOW, timezone: 'Europe/Berlin' },
          ...this.options.maintenance,
        },
      },
      servers: Array.from({ length: servers }, (_, i) => ({
        name: serverName(i + 1),
        ionosServerId: ionosId(i + 1),
        hostname: `${hostLabel(i + 1)}.bbb.example.org`,
        privateIp: privateIp(i + 1),
        bbbApiUrl: `${this.origins.bbb}/${hostLabel(i + 1)}/bigbluebutton/api`,
        bbbSecret: bbbSecret(i + 1),
        baseCores: 8,
        baseRamGb: 16,
      })),
    };
  }

  host(index: number): FakeBbbHost {
    return this.bbb.hosts.get(hostLabel(index)) as FakeBbbHost;
  }

  /** BBB on the server stops answering (or never comes up) while its VM runs. */
  breakBbb(index: number): void {
    this.brokenBbb.add(index);
  }

  hostOf(serverNameOrUrl: string): FakeBbbHost | undefined {
    for (const host of this.bbb.hosts.values()) {
      if (serverNameOrUrl.endsWith(host.host) || serverNameOrUrl.toLowerCase().includes(`/${host.host}/`)) return host;
    }
    return undefined;
  }

  /** Scalelite's placement: a new meeting goes to the enabled, online server with the lowest load. */
  startMeeting(meeting: Omit<FakeMeeting, 'meetingId'>): FakeBbbHost | undefined {
    const candidates = [...this.scalelite.servers.values()]
      .filter((server) => server.state === 'enabled' && server.online)
      .map((server) => ({ server, host: this.hostOf(server.url) }))
      .filter((entry) => entry.host?.reachable())
      .sort((a, b) => (a.server.load ?? 0) - (b.server.load ?? 0));
    const target = candidates[0];
    if (!target?.host) return undefined;
    this.meetingSerial++;
    target.host.meetings.push({ ...meeting, meetingId: `m${this.meetingSerial}` });
    // Scalelite counts a fresh meeting at once (at least 15 users) so placement spreads.
    target.server.load = (target.server.load ?? 0) + Math.max(15, meeting.participantCount) * target.server.loadMultiplier;
    return target.host;
  }

  /** Ends a meeting; a recorded one leaves a raw recording queued for processing. */
  endMeeting(host: FakeBbbHost, index = 0): void {
    const [ended] = host.meetings.splice(index, 1);
    if (ended?.recording) host.queuedRecordings++;
  }

  /** Recording pipeline: queued raw recordings start processing, processed ones are published. */
  advanceRecordings(): void {
    for (const host of this.bbb.hosts.values()) {
      if (!host.reachable()) continue;
      if (host.processingRecordings > 0) {
        host.processingRecordings--;
        host.publishedRecordings++;
      }
      if (host.queuedRecordings > 0) {
        host.queuedRecordings--;
        host.processingRecordings++;
      }
    }
  }

  /** Time passes: IONOS gets on with its requests, Scalelite polls, Prometheus scrapes (unless metrics are broken). */
  advance(seconds: number): void {
    this.now = new Date(this.now.getTime() + seconds * 1000);
    this.ionos.advance();
    this.loseMeetingsOfDownServers();
    this.scalelite.poll((server) => {
      const host = this.hostOf(server.url);
      if (!host || !host.reachable() || server.secret !== host.secret) return undefined;
      return host.meetings.filter((m) => !m.isBreakout).reduce((sum, m) => sum + m.participantCount, 0);
    });
    if (this.metrics === 'fresh') this.takeScrape();
  }

  /** Meetings on a server whose operating system is gone end with it. */
  loseMeetingsOfDownServers(): void {
    for (let i = 1; i <= this.options.servers; i++) {
      const host = this.host(i);
      if (host.meetings.length > 0 && !this.ionos.guestUp(ionosId(i))) {
        this.meetingsLost += host.meetings.length;
        host.meetings.length = 0;
      }
    }
  }

  private takeScrape(): void {
    const atSeconds = this.now.getTime() / 1000;
    const servers: ScrapedServer[] = [];
    for (let i = 1; i <= this.options.servers; i++) {
      const host = this.host(i);
      const vm = this.ionos.servers.get(ionosId(i));
      if (!vm || vm.vmState !== 'RUNNING') continue;
      const participants = host.meetings.reduce((sum, m) => sum + m.participantCount, 0);
      const webcams = host.meetings.reduce((sum, m) => sum + m.videoCount, 0);
      const capacity = ((this.options.capacityPerServer ?? 200) * vm.cores) / 8;
      servers.push({
        name: serverName(i),
        bbb: host.reachable(),
        participants,
        webcams,
        meetings: host.meetings.length,
        pending: host.processingRecordings + host.queuedRecordings,
        cpu: Math.min(1, (participants + 3 * webcams) / capacity / 1.2),
        bootTime: (vm.bootedAt ?? this.now).getTime() / 1000,
      });
    }
    this.scrape = { atSeconds, servers };
    this.scrapes.push(this.scrape);
    const load = servers.filter((s) => s.bbb).reduce((sum, s) => sum + s.participants + 3 * s.webcams, 0);
    this.loadHistory.push({ atSeconds, load });
  }

  /**
   * The autoscaler's queries answered as Prometheus would from the scrapes so far
   * (the end-to-end test checks the same queries against the real Prometheus).
   */
  private answer(query: string, timeSeconds: number): FakeSeries[] | undefined {
    const scrape = this.scrape;
    // Prometheus forgets a series 5 minutes after its last sample (lookback delta).
    const visible = this.metrics !== 'missing' && scrape !== undefined && timeSeconds - scrape.atSeconds <= 300;
    const nodes = visible ? scrape.servers : [];
    const servers = nodes.filter((s) => s.bbb);
    const total = servers.reduce((sum, s) => sum + s.participants + 3 * s.webcams, 0);
    const perServer = (value: (s: ScrapedServer) => number) => servers.map((s) => ({ labels: { instance: s.name }, value: value(s) }));
    const perNode = (value: (s: ScrapedServer) => number) => nodes.map((s) => ({ labels: { instance: s.name }, value: value(s) }));
    const window = (minutes: number) => this.loadHistory.filter((h) => h.atSeconds > timeSeconds - minutes * 60 && h.atSeconds <= timeSeconds);
    const scrapedAt = scrape?.atSeconds ?? 0;
    switch (query) {
      case QUERIES.load:
        return visible && servers.length > 0 ? [{ labels: {}, value: total }] : [];
      case QUERIES.loadTimestamp:
        return visible && servers.length > 0 ? [{ labels: {}, value: scrapedAt }] : [];
      case QUERIES.loadTrendPerMinute: {
        const points = window(5);
        if (!visible || points.length < 2) return [];
        const first = points[0];
        const last = points[points.length - 1];
        return [{ labels: {}, value: ((last.load - first.load) / (last.atSeconds - first.atSeconds)) * 60 }];
      }
      case QUERIES.recentTrendPerMinute: {
        // min_over_time of the two-minute slope, at now and the two minutes before.
        const at = (seconds: number) => [...this.loadHistory].reverse().find((h) => h.atSeconds <= seconds);
        const slopes: number[] = [];
        for (let back = 0; back < 3; back++) {
          const end = at(timeSeconds - back * 60);
          const start = at(timeSeconds - back * 60 - 120);
          if (!end || !start || end.atSeconds === start.atSeconds) continue;
          slopes.push(((end.load - start.load) / (end.atSeconds - start.atSeconds)) * 60);
        }
        return visible && slopes.length > 0 ? [{ labels: {}, value: Math.min(...slopes) }] : [];
      }
      case QUERIES.serverLoadTimestamps:
        return perServer(() => scrapedAt);
      case QUERIES.cpu:
        return perNode((s) => s.cpu);
      case QUERIES.recordingsBacklog:
        return perNode((s) => s.pending);
      case QUERIES.bootTime:
        return perNode((s) => s.bootTime);
      case QUERIES.recentMeetings: {
        // max_over_time over the settle window: every server some scrape in it saw BBB answer on.
        if (this.metrics === 'missing') return [];
        const most = new Map<string, number>();
        for (const past of this.scrapes.filter((p) => p.atSeconds > timeSeconds - RECORDINGS_SETTLE_MINUTES * 60 && p.atSeconds <= timeSeconds)) {
          for (const s of past.servers.filter((candidate) => candidate.bbb)) most.set(s.name, Math.max(most.get(s.name) ?? 0, s.meetings));
        }
        return [...most].map(([instance, value]) => ({ labels: { instance }, value }));
      }
      default: {
        const peak = /^max_over_time\(bbb:load:total\[(\d+)m\]\)$/.exec(query);
        if (!peak) return undefined;
        const points = window(Number(peak[1]));
        return visible && points.length > 0 ? [{ labels: {}, value: Math.max(...points.map((p) => p.load)) }] : [];
      }
    }
  }
}
