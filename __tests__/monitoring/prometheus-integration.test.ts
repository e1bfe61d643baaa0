/**
 * Runs the real Prometheus on loopback with the rendered prometheus.yml and rule
 * files. Discovery reads a file of targets shaped like ionos_sd_configs' output
 * (the same relabelling applies), and fake exporters serve the metrics. Checks that
 * relabelling keeps the right servers, that the recording rules compute the load
 * the autoscaler reads, and that every dashboard query returns what it should.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import * as path from 'node:path';
import { RECORDING_METRICS_SCRIPT } from '../../constructs/bbb-pool/bbb-services';
import { AutoscalerMetrics } from '../../functions/autoscaler/metrics';
import { buildDashboards, panelQueries as queriesOf } from '../../monitoring/dashboards/src';
import { renderPrometheusConfig } from '../../monitoring/prometheus/config';
import { expandGrafanaVariables } from '../../monitoring/promql';
import { ruleFilesFor } from '../../monitoring/rules';
import { deliveredFile, recordingCountText } from '../bbb-pool/recording-tree';
import { patchStateText, type PatchState } from '../maintenance/patch-state-text';
import { describeWithTool } from '../support/tools';
import { bbbExporterText, freePort, nodeExporterText, serveMetrics, type FakeServerSpec } from './fake-exporters';
import { exampleConfig, scratchDir } from './fixtures';

const GiB = 1024 ** 3;

interface FakeServer {
  readonly name: string;
  readonly state: 'RUNNING' | 'SHUTOFF';
  readonly publicIp: string;
  readonly spec: FakeServerSpec;
  /** Recordings on disk, counted by the BBB server's own script into node_exporter's textfile directory. */
  readonly recordings?: { readonly pending: number; readonly failed: number };
  /** Its packages, as the maintenance commands report them into the same directory. */
  readonly patchState?: PatchState;
}

const BBB_01: FakeServer = {
  name: 'example-bbb-01',
  state: 'RUNNING',
  publicIp: '198.51.100.11',
  spec: {
    address: '127.0.0.11',
    idleShare: 0.25,
    memAvailableBytes: 4 * GiB,
    memTotalBytes: 16 * GiB,
    rootAvailBytes: 50 * GiB,
    rootSizeBytes: 200 * GiB,
    receiveBytesPerSecond: 1_000_000,
    bbb: { meetings: 3, participants: 40, listeners: 15, voice: 20, video: 10, recordingsProcessing: 1, recordingsUnprocessed: 2, apiUp: true },
  },
  recordings: { pending: 3, failed: 1 },
  patchState: { pending: 3, security: 2, rebootRequired: true, lastRunSucceeded: true },
};
const BBB_02: FakeServer = {
  name: 'example-bbb-02',
  state: 'RUNNING',
  publicIp: '198.51.100.12',
  spec: {
    ...BBB_01.spec,
    address: '127.0.0.12',
    idleShare: 0.9,
    bbb: { meetings: 1, participants: 25, listeners: 5, voice: 10, video: 0, recordingsProcessing: 0, recordingsUnprocessed: 0, apiUp: true },
  },
  recordings: { pending: 0, failed: 0 },
  patchState: { pending: 0, security: 0, rebootRequired: false, lastRunSucceeded: false },
};
/** Stopped by the autoscaler: IONOS still lists it; its numbers must not count. */
const BBB_03_STOPPED: FakeServer = {
  name: 'example-bbb-03',
  state: 'SHUTOFF',
  publicIp: '198.51.100.13',
  spec: { ...BBB_02.spec, address: '127.0.0.13', bbb: { ...BBB_02.spec.bbb!, participants: 1000 } },
};
/** Another environment sharing the datacenter. */
const FOREIGN: FakeServer = {
  name: 'staging-bbb-01',
  state: 'RUNNING',
  publicIp: '198.51.100.14',
  spec: { ...BBB_02.spec, address: '127.0.0.14', bbb: { ...BBB_02.spec.bbb!, participants: 500 } },
};
const SCALELITE_01: FakeServer = {
  name: 'example-scalelite-01',
  state: 'RUNNING',
  publicIp: '10.99.0.21',
  spec: { ...BBB_02.spec, address: '127.0.0.21', idleShare: 0.5, bbb: undefined },
};
const SERVERS = [BBB_01, BBB_02, BBB_03_STOPPED, FOREIGN, SCALELITE_01];

/** One discovered server as ionos_sd_configs reports it: address = first IP, NIC IPs per NIC name. */
function discovered(server: FakeServer) {
  return {
    targets: [`${server.publicIp}:80`],
    labels: {
      __meta_ionos_server_name: server.name,
      __meta_ionos_server_state: server.state,
      __meta_ionos_server_lifecycle: 'AVAILABLE',
      __meta_ionos_server_type: 'ENTERPRISE',
      __meta_ionos_server_ip: `,${server.publicIp},${server.spec.address},`,
      __meta_ionos_server_nic_ip_public: `,${server.publicIp},`,
      __meta_ionos_server_nic_ip_private: `,${server.spec.address},`,
    },
  };
}

interface PromResponse<T> {
  status: string;
  data: T;
  error?: string;
}
type Vector = Array<{ metric: Record<string, string>; value: [number, string] }>;

async function waitFor<T>(what: string, attempt: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await attempt();
      if (value !== undefined) return value;
    } catch (error) {
      lastError = error;
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`timed out waiting for ${what}${lastError ? `: ${String(lastError)}` : ''}`);
}

describeWithTool('prometheus', 'Prometheus with the rendered configuration', () => {
  const config = exampleConfig();
  const scratch = scratchDir('prometheus-run');
  const servers: Server[] = [];
  const started = Date.now();
  const autoscaler = new AutoscalerMetrics();
  let ticker: NodeJS.Timeout | undefined;
  let prometheus: ChildProcess | undefined;
  let prometheusLog = '';
  let baseUrl = '';

  async function query(expr: string): Promise<Vector> {
    const response = await fetch(`${baseUrl}/api/v1/query?query=${encodeURIComponent(expr)}`);
    const body = (await response.json()) as PromResponse<{ resultType: string; result: Vector }>;
    if (body.status !== 'success') throw new Error(`${expr}: ${body.error}`);
    return body.data.result;
  }

  async function valueOf(expr: string): Promise<Record<string, number>> {
    const result = await query(expr);
    return Object.fromEntries(result.map((sample) => [sample.metric.instance ?? '', Number(sample.value[1])]));
  }

  beforeAll(async () => {
    const nodePort = await freePort();
    const bbbPort = await freePort();
    const autoscalerPort = await freePort();
    const prometheusPort = await freePort();
    const elapsed = () => (Date.now() - started) / 1000;

    const recordingCountScript = deliveredFile(RECORDING_METRICS_SCRIPT).content;
    for (const server of SERVERS) {
      const textfiles = [
        server.recordings ? recordingCountText(recordingCountScript, server.recordings) : '',
        server.patchState ? patchStateText(server.patchState) : '',
      ].join('');
      servers.push(await serveMetrics(server.spec.address, nodePort, () => nodeExporterText(server.spec, elapsed(), textfiles)));
      const bbb = server.spec.bbb;
      if (bbb) servers.push(await serveMetrics(server.spec.address, bbbPort, () => bbbExporterText(bbb)));
    }
    autoscaler.desiredServers.set(5);
    autoscaler.runningServers.set(6);
    autoscaler.capacity.set(1200);
    autoscaler.load.set(95);
    // Last night's cycle: bbb-01 patched, bbb-02 held after its update failed.
    const lastNight = new Date(Date.now() - 6 * 3600_000);
    autoscaler.recordMaintenance(
      {
        cycle: '2026-11-24',
        open: false,
        active: false,
        halted: false,
        endsAt: new Date(Date.now() - 3600_000),
        servers: { patched: 1, failed: 1, skipped: 0, inProgress: 0, pending: 0, missed: 0, notDue: 0 },
        byServer: { 'example-bbb-01': 'patched', 'example-bbb-02': 'failed' },
      },
      [
        { name: 'example-bbb-01', maintenance: { cycle: '2026-11-24', phase: 'done', since: lastNight, wasStopped: true, patchedAt: lastNight, patchedCycle: '2026-11-24' } },
        { name: 'example-bbb-02', maintenance: { cycle: '2026-11-24', phase: 'failed', since: lastNight, wasStopped: true, message: 'update: broken', patchedAt: new Date(lastNight.getTime() - 86_400_000), patchedCycle: '2026-11-23' } },
      ],
    );
    ticker = setInterval(() => {
      autoscaler.tickDuration.observe(0.3);
      autoscaler.decisions.inc({ action: 'start' });
      autoscaler.lastSuccess.set(Date.now() / 1000);
    }, 200);
    servers.push(await serveMetrics('127.0.0.1', autoscalerPort, () => autoscaler.registry.metrics()));

    const rulesDir = path.join(scratch.dir, 'rules');
    mkdirSync(rulesDir);
    for (const file of ruleFilesFor(config)) writeFileSync(path.join(rulesDir, file.name), file.content);
    const targetsFile = path.join(scratch.dir, 'ionos-targets.json');
    writeFileSync(targetsFile, JSON.stringify(SERVERS.map(discovered)));
    const configFile = path.join(scratch.dir, 'prometheus.yml');
    const closedPort = await freePort();
    writeFileSync(
      configFile,
      renderPrometheusConfig({
        config,
        discovery: { kind: 'file', file: targetsFile },
        rulesDir,
        services: { alertmanager: `127.0.0.1:${closedPort}`, blackbox: `127.0.0.1:${closedPort}`, autoscaler: `127.0.0.1:${autoscalerPort}` },
        exporterPorts: { node: nodePort, bbb: bbbPort },
        scrapeIntervalSeconds: 1,
      }),
    );

    baseUrl = `http://127.0.0.1:${prometheusPort}`;
    prometheus = spawn(
      'prometheus',
      [`--config.file=${configFile}`, `--storage.tsdb.path=${path.join(scratch.dir, 'data')}`, `--web.listen-address=127.0.0.1:${prometheusPort}`],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    prometheus.stderr?.on('data', (chunk: Buffer) => (prometheusLog = (prometheusLog + chunk.toString()).slice(-4000)));
    await waitFor('Prometheus to become ready', async () => ((await fetch(`${baseUrl}/-/ready`)).ok ? true : undefined)).catch((error: Error) => {
      throw new Error(`${error.message}\n${prometheusLog}`);
    });
    // Rates need two scrapes and recorded series one evaluation after them.
    await waitFor('recorded CPU and load', async () => {
      const cpu = await query('instance:cpu_utilisation:rate1m');
      const load = await query('bbb:load:total');
      return cpu.length >= 3 && load.length === 1 ? true : undefined;
    });
    // rate(...[1m]) divides by the whole minute, so it is exact only once a minute of samples exists.
    const firstScrape = Date.now();
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, firstScrape + 62_000 - Date.now())));
  }, 120_000);

  afterAll(async () => {
    if (ticker) clearInterval(ticker);
    if (prometheus && prometheus.exitCode === null) {
      const exited = new Promise((resolve) => prometheus?.once('exit', resolve));
      prometheus.kill('SIGTERM');
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([exited, new Promise((resolve) => (timer = setTimeout(resolve, 5000)))]);
      clearTimeout(timer);
      if (prometheus.exitCode === null) prometheus.kill('SIGKILL');
    }
    await Promise.all(
      servers.map((server) => {
        const closed = new Promise((resolve) => server.close(resolve));
        server.closeAllConnections();
        return closed;
      }),
    );
    scratch.remove();
  });

  it('scrapes running servers of this environment at their private address, named after the server', async () => {
    const response = await fetch(`${baseUrl}/api/v1/targets?state=active`);
    const body = (await response.json()) as PromResponse<{ activeTargets: Array<{ labels: Record<string, string>; scrapeUrl: string; health: string }> }>;
    const serverTargets = body.data.activeTargets
      .filter((target) => ['node', 'bbb'].includes(target.labels.job))
      .map((target) => ({ job: target.labels.job, instance: target.labels.instance, role: target.labels.role, host: new URL(target.scrapeUrl).hostname, health: target.health }))
      .sort((a, b) => `${a.job}${a.instance}`.localeCompare(`${b.job}${b.instance}`));
    expect(serverTargets).toEqual([
      { job: 'bbb', instance: 'example-bbb-01', role: 'bbb', host: '127.0.0.11', health: 'up' },
      { job: 'bbb', instance: 'example-bbb-02', role: 'bbb', host: '127.0.0.12', health: 'up' },
      { job: 'node', instance: 'example-bbb-01', role: 'bbb', host: '127.0.0.11', health: 'up' },
      { job: 'node', instance: 'example-bbb-02', role: 'bbb', host: '127.0.0.12', health: 'up' },
      { job: 'node', instance: 'example-scalelite-01', role: 'scalelite', host: '127.0.0.21', health: 'up' },
    ]);
  });

  it('records the load the autoscaler reads', async () => {
    expect(await valueOf('bbb:participants:by_server')).toEqual({ 'example-bbb-01': 40, 'example-bbb-02': 25 });
    expect(await valueOf('bbb:webcams:by_server')).toEqual({ 'example-bbb-01': 10, 'example-bbb-02': 0 });
    expect(await valueOf('bbb:meetings:by_server')).toEqual({ 'example-bbb-01': 3, 'example-bbb-02': 1 });
    expect(await valueOf('bbb:load:by_server')).toEqual({ 'example-bbb-01': 70, 'example-bbb-02': 25 });
    expect(await valueOf('bbb:load:total')).toEqual({ '': 95 });
  });

  it('labels the recording count of each running BBB server with the server name, as the autoscaler reads it', async () => {
    expect(await valueOf('sum by (instance) (bbb_platform_recordings_pending)')).toEqual({ 'example-bbb-01': 3, 'example-bbb-02': 0 });
    expect(await valueOf('sum by (instance) (bbb_platform_recordings_failed)')).toEqual({ 'example-bbb-01': 1, 'example-bbb-02': 0 });
  });

  it('records CPU utilisation per server from node_exporter counters', async () => {
    const cpu = await valueOf('instance:cpu_utilisation:rate1m');
    expect(Object.keys(cpu).sort()).toEqual(['example-bbb-01', 'example-bbb-02', 'example-scalelite-01']);
    expect(cpu['example-bbb-01']).toBeCloseTo(0.75, 1);
    expect(cpu['example-bbb-02']).toBeCloseTo(0.1, 1);
    expect(cpu['example-scalelite-01']).toBeCloseTo(0.5, 1);
  });

  const dashboards = buildDashboards();
  const panelQueries = Object.entries(dashboards).flatMap(([file, dashboard]) =>
    queriesOf(dashboard).map((query) => ({
      name: `${file} / ${query.panel} / ${query.legend}`,
      expr: expandGrafanaVariables(query.expr, { instance: 'example-bbb-01' }),
    })),
  );
  // Nothing runs blackbox_exporter here; the probe panels are covered by the rule unit tests.
  const needsProbes = (expr: string) => expr.includes('probe_');

  it('answers every dashboard query with data', async () => {
    const empty: string[] = [];
    for (const panel of panelQueries.filter((candidate) => !needsProbes(candidate.expr))) {
      if ((await query(panel.expr)).length === 0) empty.push(`${panel.name}: ${panel.expr}`);
    }
    expect(empty).toEqual([]);
  });

  it.each([
    ['Concurrent users', 'bbb:participants:total', 65],
    ['Meetings', 'bbb:meetings:total', 4],
    ['Webcams', 'bbb:webcams:total', 10],
    ['BBB servers running', 'bbb:servers:running', 2],
    ['BBB servers stopped', 'platform:bbb_pool_size - bbb:servers:running', 18],
    ['Cordoned / draining', 'clamp_min(max(bbb_autoscaler_running_servers) - max(bbb_autoscaler_desired_servers), 0)', 1],
    ['Servers with security updates', 'count(last_over_time(platform_security_updates_pending[7d]) > 0) or vector(0)', 1],
    ['Servers waiting for a reboot', 'count(last_over_time(platform_reboot_required[7d]) == 1) or vector(0)', 1],
    ['Failed maintenance runs', 'count(last_over_time(platform_maintenance_last_run_success[7d]) == 0) or vector(0)', 1],
  ])('the platform panel "%s" shows the expected number', async (title, expr, expected) => {
    expect(queriesOf(dashboards['platform.json']).find((query) => query.panel === title)?.expr).toBe(expr);
    expect(Object.values(await valueOf(expr))).toEqual([expected]);
  });

  it('the server dashboard shows the chosen server only, with the values its exporters report', async () => {
    expect(await fetch(`${baseUrl}/api/v1/label/instance/values?match[]=${encodeURIComponent('up{job="node"}')}`).then((r) => r.json())).toEqual({
      status: 'success',
      data: ['example-bbb-01', 'example-bbb-02', 'example-scalelite-01'],
    });
    const byLegend = new Map(
      panelQueries.filter((panel) => panel.name.startsWith('server.json')).map((panel) => [panel.name.replace('server.json / ', ''), panel.expr]),
    );
    const single = async (name: string) => {
      const expr = byLegend.get(name);
      if (!expr) throw new Error(`no server panel ${name}; have ${[...byLegend.keys()].join(', ')}`);
      const values = Object.values(await valueOf(expr));
      expect(values).toHaveLength(1);
      return values[0];
    };
    expect(await single('Participants / participants')).toBe(40);
    expect(await single('Memory and load / memory used')).toBe(0.75);
    expect(await single('Free disk / {{mountpoint}}')).toBe(0.25);
    expect(await single('Recordings unfinished / unfinished')).toBe(3);
    expect(await single('Recordings failed / failed')).toBe(1);
    // Bits, ens6 only (lo would add 8e9). The exporter counts when it answers and Prometheus
    // stamps the scrape's start, so on a busy machine the rate strays by a percent or so.
    expect(await single('Network / in')).toBeCloseTo(8_000_000, -6);
    expect(await single('CPU / busy')).toBeCloseTo(0.75, 1);
  });

  it('the autoscaler dashboard reads the autoscaler`s own metrics', async () => {
    expect(Object.values(await valueOf('max(bbb_autoscaler_desired_servers)'))).toEqual([5]);
    const p95 = Object.values(await valueOf('histogram_quantile(0.95, sum by (le) (rate(bbb_autoscaler_tick_duration_seconds_bucket[1m])))'));
    expect(p95).toHaveLength(1);
    expect(p95[0]).toBeGreaterThan(0.25);
    expect(p95[0]).toBeLessThanOrEqual(0.5);
  });
});
