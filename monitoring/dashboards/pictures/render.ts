/**
 * `npm run dashboards:pictures`: draws docs/monitoring-<dashboard>.svg from a
 * synthetic school day, with the real Prometheus computing every panel's query:
 * the day's raw series are imported with `promtool tsdb create-blocks-from
 * openmetrics`, the recording rules are backfilled level by level (a rule can only
 * read what earlier levels wrote) with `create-blocks-from rules`, and each panel's
 * PromQL runs as a range query. Needs the Debian prometheus package.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import type { Panel } from '@grafana/grafana-foundation-sdk/dashboard';
import * as yaml from 'js-yaml';
import { loadEnvironmentFile } from '../../../config';
import { analysePromql, expandGrafanaVariables } from '../../promql';
import { ruleFilesFor } from '../../rules';
import { buildDashboards, panelQueries } from '../src';
import { dashboardSvg, type PanelSeries } from './chart';
import { schoolDay } from './school-day';

const ROOT = path.resolve(__dirname, '..', '..', '..');
const STEP_SECONDS = 300;

interface RecordingRule {
  record: string;
  expr: string;
}

function must(command: string, args: string[]): void {
  const result = spawnSync(command, args, { encoding: 'utf8', timeout: 300_000 });
  if (result.status !== 0) throw new Error(`${command} ${args.slice(0, 3).join(' ')} failed:\n${result.stderr}${result.stdout}`);
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** Recording rules grouped so that every rule only reads raw series or rules of earlier levels. */
function ruleLevels(rules: RecordingRule[]): RecordingRule[][] {
  const names = new Set(rules.map((rule) => rule.record));
  const level = new Map<string, number>();
  const levelOf = (rule: RecordingRule): number => {
    const known = level.get(rule.record);
    if (known !== undefined) return known;
    const deps = analysePromql(rule.expr).metrics.filter((metric) => names.has(metric));
    const value = deps.length === 0 ? 0 : 1 + Math.max(...deps.map((dep) => levelOf(rules.find((r) => r.record === dep) as RecordingRule)));
    level.set(rule.record, value);
    return value;
  };
  const levels: RecordingRule[][] = [];
  for (const rule of rules) (levels[levelOf(rule)] ??= []).push(rule);
  return levels;
}

class PrometheusRun {
  private process?: ChildProcess;
  url = '';

  async start(dataDir: string, configFile: string): Promise<void> {
    const port = await freePort();
    this.url = `http://127.0.0.1:${port}`;
    this.process = spawn('prometheus', [`--config.file=${configFile}`, `--storage.tsdb.path=${dataDir}`, `--web.listen-address=127.0.0.1:${port}`], { stdio: 'ignore' });
    for (let attempt = 0; attempt < 120; attempt++) {
      const ready = await fetch(`${this.url}/-/ready`).then((r) => r.ok, () => false);
      if (ready) return;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    throw new Error('Prometheus did not become ready within 30 s');
  }

  async stop(): Promise<void> {
    const child = this.process;
    if (!child || child.exitCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
  }
}

async function main(): Promise<void> {
  const config = loadEnvironmentFile(path.join(ROOT, 'environments', 'example.yaml'));
  const day = schoolDay();
  const work = mkdtempSync(path.join(tmpdir(), 'dashboard-pictures-'));
  const prometheus = new PrometheusRun();
  try {
    const dataDir = path.join(work, 'data');
    const configFile = path.join(work, 'prometheus.yml');
    writeFileSync(configFile, 'global:\n  scrape_interval: 1m\n');
    writeFileSync(path.join(work, 'day.om'), day.openMetrics);
    must('promtool', ['tsdb', 'create-blocks-from', 'openmetrics', path.join(work, 'day.om'), dataDir]);

    const rules = ruleFilesFor(config)
      .flatMap((file) => (yaml.load(file.content) as { groups: Array<{ rules: Array<Partial<RecordingRule>> }> }).groups)
      .flatMap((group) => group.rules)
      .filter((rule): rule is RecordingRule => rule.record !== undefined);
    for (const [index, level] of ruleLevels(rules).entries()) {
      const levelFile = path.join(work, `level-${index}.yml`);
      const blocks = path.join(work, `blocks-${index}`);
      writeFileSync(levelFile, yaml.dump({ groups: [{ name: `level-${index}`, rules: level }] }));
      await prometheus.start(dataDir, configFile);
      must('promtool', ['tsdb', 'create-blocks-from', 'rules', `--start=${day.start}`, `--end=${day.end + 60}`, `--url=${prometheus.url}`, `--output-dir=${blocks}`, '--eval-interval=60s', levelFile]);
      await prometheus.stop();
      for (const block of readdirSync(blocks)) renameSync(path.join(blocks, block), path.join(dataDir, block));
    }

    await prometheus.start(dataDir, configFile);
    mkdirSync(path.join(ROOT, 'docs'), { recursive: true });
    for (const [file, dashboard] of Object.entries(buildDashboards())) {
      const data = new Map<Panel, PanelSeries[]>();
      for (const panel of dashboard.panels ?? []) {
        const series: PanelSeries[] = [];
        for (const query of panelQueries({ ...dashboard, panels: [panel] })) {
          const expr = expandGrafanaVariables(query.expr, { instance: 'example-bbb-01', __rate_interval: '5m' });
          const params = new URLSearchParams({ query: expr, start: String(day.start), end: String(day.end), step: String(STEP_SECONDS) });
          const body = (await (await fetch(`${prometheus.url}/api/v1/query_range?${params}`)).json()) as {
            status: string;
            error?: string;
            data: { result: Array<{ metric: Record<string, string>; values: Array<[number, string]> }> };
          };
          if (body.status !== 'success') throw new Error(`${file} / ${query.panel}: ${body.error}`);
          for (const result of body.data.result) {
            const name = query.legend.replace(/\{\{\s*(\w+)\s*\}\}/g, (_, label: string) => result.metric[label] ?? '');
            series.push({ name, points: result.values.map(([time, value]) => [time, Number(value)] as const) });
          }
        }
        data.set(panel as Panel, series);
      }
      const out = path.join(ROOT, 'docs', `monitoring-${file.replace(/\.json$/, '')}.svg`);
      // 10:00 local time: mid-morning, lessons running.
      const statAt = day.start + (10 - 6) * 3600;
      writeFileSync(out, await dashboardSvg(dashboard, (panel) => data.get(panel) ?? [], { utcOffsetHours: day.utcOffsetHours, statAt }));
      console.log(path.relative(ROOT, out));
    }
  } finally {
    await prometheus.stop();
    rmSync(work, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
