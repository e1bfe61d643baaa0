import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runSimulate } from '../../simulator/cli';
import { runScript } from '../support/run-script';

const ROOT = join(__dirname, '../..');

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'simulate-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** As a separate process: the chart needs vega, an ES module only Node itself can load. */
function simulateProcess(args: string[]) {
  return runScript('simulator/cli.ts', args, { timeoutMs: 60_000 });
}

async function simulate(args: string[]) {
  let stdout = '';
  let stderr = '';
  const status = await runSimulate(args, { write: (text: string) => (stdout += text) }, { write: (text: string) => (stderr += text) });
  return { status, stdout, stderr };
}

function writeTrace(name: string, rows: string[]): string {
  const file = join(dir, name);
  writeFileSync(file, ['start,duration_min,participants,webcams', ...rows].join('\n'));
  return file;
}

describe('npm run simulate', () => {
  it('prints one JSON object with the oracle and every policy, and writes the chart', () => {
    const trace = writeTrace('tiny.csv', ['2026-03-10T08:00:00+01:00,45,21,2', '2026-03-10T08:01:00+01:00,90,300,20']);
    const svg = join(dir, 'day.svg');
    const result = simulateProcess(['--trace', trace, '--config', join(ROOT, 'bench/config.yaml'), '--json', '--svg', svg]);
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    const report = JSON.parse(result.stdout);
    expect(Object.keys(report)).toEqual(['days', 'oracleServerMinutes', 'oracleCostEuros', 'policies']);
    expect(report.days).toBe(1);
    expect(report.oracleServerMinutes).toBe(4 * 1440);
    expect(report.policies.map((p: { policy: string }) => p.policy)).toEqual(['autoscaler', 'packer', 'static', 'hpi-threshold', 'reactive-cpu']);
    const keys = [
      'serverMinutes',
      'costEuros',
      'overloadedServerMinutes',
      'meetingsKilled',
      'meetingsRejected',
      'starts',
      'stops',
      'peakRunning',
      'maintenanceServerMinutes',
      'maintenanceOverloadedServerMinutes',
      'maintenanceStartsStops',
    ];
    for (const policy of report.policies) {
      // Only the autoscaler patches: its maintenance cycles come with it.
      expect(Object.keys(policy)).toEqual(['policy', ...keys, 'costEurosPerDay', 'perDay', ...(policy.policy === 'autoscaler' ? ['maintenanceCycles'] : [])]);
      for (const key of [...keys, 'costEurosPerDay']) expect(typeof policy[key]).toBe('number');
      expect(policy.perDay).toHaveLength(1);
    }
    expect(report.policies[2]).toMatchObject({ policy: 'static', serverMinutes: 20 * 1440, peakRunning: 20, starts: 0, stops: 0 });
    expect(report.policies[0]).toMatchObject({ maintenanceOverloadedServerMinutes: 0, maintenanceCycles: [{ cycle: '2026-03-10', servers: { patched: 20 } }] });
    const chart = readFileSync(svg, 'utf8');
    expect(chart).toMatch(/^<svg/);
    expect(chart).toContain('reactive-cpu');
    expect(chart).toContain(`configuration ${join(ROOT, 'bench/config.yaml')}`);
    // The unit once, as the subtitle: a title per panel ran into its neighbours'.
    expect(chart.match(/>[^<]*weighted participants[^<]*</g)).toEqual(['>weighted participants: load and the capacity of running servers, one panel per policy<']);
  });

  it('prints a table by default', async () => {
    const trace = writeTrace('table.csv', ['2026-03-10T08:00:00+01:00,45,21,2']);
    const result = await simulate(['--trace', trace, '--config', join(ROOT, 'bench/config.yaml'), '--boot-delay', '6']);
    expect(result.status).toBe(0);
    const config = join(ROOT, 'bench/config.yaml');
    const escapedConfig = config.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    expect(result.stdout).toMatch(
      new RegExp(`^table\\.csv \\(1 meetings, boot delay 6 min, configuration ${escapedConfig}\\), 1 day: oracle 5760 server-minutes, €[\\d.]+/day\\npolicy +server-min +€/day +x oracle +x packer`),
    );
    expect(result.stdout).toMatch(/^packer +5760 +[\d.]+ +1\.00 +1\.00 +0 +0\.00% +0 +0 +0 +0 +4 +0$/m);
    expect(result.stdout).toMatch(/^static +28800 +[\d.]+ +5\.00 +5\.00 +0 +0\.00% +0 +0 +0 +0 +20 +0$/m);
    // The night's cycle: the pool of 20 patched, at a server's boot, update, reboot, check and power-off each.
    expect(result.stdout).toMatch(/^maintenance: 1 of 1 night\(s\) patched every server due, \d+ server-minutes, 0 overloaded server-minutes while a running server was out for it$/m);
    expect(result.stdout).toMatch(/^autoscaler saves €[\d.]+\/day over static, (saves|costs) €[\d.]+\/day (over|more than) hpi-threshold$/m);
  });

  it('names the line of a bad row', async () => {
    const trace = writeTrace('bad.csv', ['2026-03-10T08:00:00+01:00,45,21,2', '2026-03-10T08:00:00+01:00,forty,21,2']);
    const result = await simulate(['--trace', trace, '--config', join(ROOT, 'bench/config.yaml')]);
    expect(result.status).toBe(1);
    expect(result.stderr).toBe(`error: ${trace}: 1 problem\n  line 3: duration_min must be a whole number >= 1, got "forty"\n`);
  });

  it('explains its usage', async () => {
    const result = await simulate(['--config', join(ROOT, 'bench/config.yaml')]);
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/^error: --trace <file.csv> is required\n\nusage: npm run simulate/);
    expect((await simulate(['--trace', 'x.csv', '--boot-delay', '0'])).stderr).toMatch(/--boot-delay must be a whole number of minutes from 1 to 60, got "0"/);
    expect((await simulate(['--trace', 'x.csv', '--maintenance-minutes', '3'])).stderr).toMatch(/--maintenance-minutes must be a whole number of minutes from 4 to 120, got "3"/);
  });
});

describe('npm run simulate input errors', () => {
  it('names an unreadable trace and a bad environment file', async () => {
    const missing = await simulate(['--trace', join(dir, 'missing.csv'), '--config', join(ROOT, 'bench/config.yaml')]);
    expect(missing).toMatchObject({ status: 1, stderr: `error: ${join(dir, 'missing.csv')}: 1 problem\n  cannot read file: ENOENT\n` });
    const config = join(dir, 'env.yaml');
    writeFileSync(config, readFileSync(join(ROOT, 'bench/config.yaml'), 'utf8').replace('minRunning: 4', 'minRunning: 25'));
    const trace = writeTrace('ok.csv', ['2026-03-10T08:00:00+01:00,45,21,2']);
    const bad = await simulate(['--trace', trace, '--config', config]);
    expect(bad.status).toBe(1);
    expect(bad.stderr).toContain('bbb.pool.minRunning: must be <= bbb.pool.size (20), got 25');
  });
});
