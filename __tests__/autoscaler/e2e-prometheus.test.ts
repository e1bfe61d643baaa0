/**
 * One tick end to end: the real Prometheus (Debian package) scrapes fake exporters of
 * the BBB servers and evaluates the monitoring part's recording rules; the autoscaler
 * reads it over HTTP, talks to loopback fakes of IONOS, Scalelite and BBB, and acts.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { PrometheusClient } from '../../functions/autoscaler/clients/prometheus';
import { describeWithTool } from '../support/tools';
import { FakeExporters } from './fakes/exporter';
import { type LoopbackServer, serveOnLoopback } from './fakes/transport';
import { World, hostLabel, ionosId } from './fakes/world';
import { freePort, tick } from './support';

const RULES_DIR = path.resolve(__dirname, '../../monitoring/rules');

async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError = '';
  while (Date.now() < deadline) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (error) {
      lastError = (error as Error).message;
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`timed out waiting for ${what}${lastError ? `: ${lastError}` : ''}`);
}

describeWithTool('prometheus', 'end-to-end tick against a real Prometheus', () => {
  const world = new World({ servers: 3, minRunning: 1, running: 2, cooldownMinutes: 1 });
  let dir = '';
  let prometheus: ChildProcess | undefined;
  let prometheusLog = '';
  let prometheusUrl = '';
  let exporters: LoopbackServer | undefined;
  let closeFakes: (() => Promise<void>) | undefined;

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'autoscaler-e2e-'));
    // 288 weighted participants (240 + 3 x 16 webcams) on two servers: more than 60% of their 400.
    for (let i = 0; i < 8; i++) world.startMeeting({ participantCount: 30, videoCount: 2, voiceParticipantCount: 20, recording: false });
    // Recordings published long ago, still on disk: bigbluebutton-exporter counts them, the backlog does not.
    world.host(1).publishedRecordings = 4;
    // Its count file was last written ten minutes ago: the writer stopped, the count is no count.
    world.host(2).recordingCountWrittenAt = Date.now() / 1000 - 600;
    world.advance(60);
    closeFakes = await world.serveOnLoopback();
    exporters = await serveOnLoopback(new FakeExporters(world));
    const exporterAddress = exporters.origin.replace('http://', '');

    const ruleFiles = readdirSync(RULES_DIR, { withFileTypes: true })
      .filter((entry) => entry.isFile() && entry.name.endsWith('.yml'))
      .map((entry) => path.join(RULES_DIR, entry.name));
    if (ruleFiles.length === 0) throw new Error(`no rule files in ${RULES_DIR}`);
    const targets = [1, 2, 3]
      .map(
        (i) => `      - targets: ['${exporterAddress}']
        labels: { instance: example-bbb-0${i}, role: bbb, __metrics_path__: /${hostLabel(i)}/metrics }`,
      )
      .join('\n');
    writeFileSync(
      path.join(dir, 'prometheus.yml'),
      `global:
  scrape_interval: 1s
  evaluation_interval: 1s
rule_files:
${ruleFiles.map((file) => `  - ${file}`).join('\n')}
scrape_configs:
  - job_name: bbb
    static_configs:
${targets}
`,
    );
    const port = await freePort();
    prometheusUrl = `http://127.0.0.1:${port}`;
    prometheus = spawn(
      'prometheus',
      [
        `--config.file=${path.join(dir, 'prometheus.yml')}`,
        `--storage.tsdb.path=${path.join(dir, 'data')}`,
        `--web.listen-address=127.0.0.1:${port}`,
        '--log.level=warn',
      ],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    prometheus.stderr?.on('data', (chunk: Buffer) => {
      prometheusLog = (prometheusLog + chunk.toString()).slice(-4000);
    });
    await waitFor('Prometheus to become ready', async () => ((await fetch(`${prometheusUrl}/-/ready`)).ok ? true : undefined)).catch((error: Error) => {
      throw new Error(`${error.message}\n${prometheusLog}`);
    });
    // Two scrapes and rule evaluations give every series, and rate() a second point.
    const query = async (promql: string) => {
      const response = await fetch(`${prometheusUrl}/api/v1/query?query=${encodeURIComponent(promql)}`);
      const body = (await response.json()) as { data?: { result?: Array<{ value: [number, string] }> } };
      return body.data?.result?.[0]?.value[1];
    };
    const expect = (promql: string, wanted: string) => async () => {
      const value = await query(promql);
      if (value !== wanted) throw new Error(`${promql} is ${value ?? 'absent'}, want ${wanted}; up: ${await query('count(up == 1)')}`);
      return true;
    };
    await waitFor('the load recording rule', expect('bbb:load:total', '288'));
    await waitFor('CPU utilisation of both running servers', expect('count(instance:cpu_utilisation:rate1m)', '2'));
  }, 60_000);

  afterAll(async () => {
    if (prometheus && prometheus.exitCode === null) {
      const exited = new Promise((resolve) => prometheus?.once('exit', resolve));
      prometheus.kill('SIGTERM');
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([exited, new Promise((resolve) => (timer = setTimeout(resolve, 5_000)))]);
      clearTimeout(timer);
      if (prometheus.exitCode === null) prometheus.kill('SIGKILL');
    }
    await exporters?.close();
    await closeFakes?.();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('reads load, freshness, recording backlog and boot times from Prometheus and starts a server', async () => {
    world.now = new Date();
    const base = world.inventory();
    // The learned timetable asks for the same weekday two weeks back; this Prometheus has no such past.
    const inventory = { ...base, prometheusUrl, policy: { ...base.policy, autoscaler: { ...base.policy.autoscaler, historyWeeks: 2 } } };
    const result = await tick(world, { inventory, fetch: (input, init) => fetch(input, init) });

    expect(result.errors).toEqual([]);
    expect(result.observation.fleet).toMatchObject({ load: 288, peakLoad: 288, metricsFresh: true });
    expect(result.observation.fleet.history?.dayPeaks).toEqual([undefined, undefined]);
    expect(result.observation.fleet.history?.weeks.map((week) => week.every(Number.isNaN))).toEqual([true, true]);
    const [first, second, third] = result.observation.servers;
    expect(first.recordings).toEqual({ known: true, busy: 0 });
    expect(first.bootedAt).toEqual(world.ionos.servers.get(ionosId(1))?.bootedAt);
    expect(second.meetings).toMatchObject({ known: true, meetings: 4, participants: 120, webcams: 8 });
    expect(second.recordings).toMatchObject({ known: false });
    expect(first.cpuUtilisation).toBeGreaterThan(0);
    expect(third).toMatchObject({ power: 'stopped', meetings: { known: false } });

    expect(result.decision.actions).toContainEqual(expect.objectContaining({ kind: 'start', server: 'example-bbb-03' }));
    expect(result.actions).toContainEqual(expect.objectContaining({ step: expect.objectContaining({ kind: 'start' }), status: 'done' }));
    expect(world.ionos.pendingActions(ionosId(3))).toEqual(['start']);
  }, 30_000);

  it('answers the learned timetable\u2019s range query one value a minute', async () => {
    const client = new PrometheusClient(prometheusUrl);
    const [series] = await client.queryRange('bbb:load:total', new Date(Date.now() - 120_000), 2);
    expect(series.values).toHaveLength(3);
    expect(series.values.at(-1)).toBe(288);
  }, 30_000);
});
