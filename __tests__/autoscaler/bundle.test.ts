/**
 * The deliverable: `npm run bundle` makes ONE file that runs with plain node, without
 * node_modules next to it, and does a dry-run tick against loopback fakes.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { bundleAutoscaler } from '../../scripts/bundle-autoscaler';
import { runScript } from '../support/run-script';
import { IONOS_TOKEN, World } from './fakes/world';
import { freePort } from './support';

interface Run {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

function runNode(script: string, args: string[], env: NodeJS.ProcessEnv = {}, started?: (child: ChildProcess) => void): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [script, ...args], {
      cwd: path.dirname(script),
      env: { PATH: process.env.PATH, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: 30_000,
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.once('error', reject);
    child.once('close', (status) => resolve({ status, stdout, stderr }));
    started?.(child);
  });
}

describe('bundle', () => {
  // Built into a temp dir and run from another one, so nothing resolves from the project.
  const buildDir = mkdtempSync(path.join(tmpdir(), 'autoscaler-build-'));
  const runDir = mkdtempSync(path.join(tmpdir(), 'autoscaler-run-'));
  const bundle = path.join(runDir, 'autoscaler.js');

  beforeAll(async () => {
    await bundleAutoscaler(path.join(buildDir, 'autoscaler.js'));
    copyFileSync(path.join(buildDir, 'autoscaler.js'), bundle);
  }, 60_000);

  afterAll(() => {
    rmSync(buildDir, { recursive: true, force: true });
    rmSync(runDir, { recursive: true, force: true });
  });

  it('is one self-contained file', () => {
    expect(readdirSync(buildDir)).toEqual(['autoscaler.js']);
  });

  it('npm run bundle says what it wrote, or that nothing changed, and how long it took', () => {
    const file = path.join(runDir, 'said.js');
    const first = runScript('scripts/bundle-autoscaler.ts', [file], { cwd: runDir });
    expect(first.stderr).toBe('');
    expect(first.stdout).toMatch(/^bundle: wrote said\.js \(\d+ KB\) in \d+\.\d s\n$/);
    // The same bytes from another directory: the bundle's hash keys its push to the
    // monitoring VM, so a deploy started elsewhere must not push it again.
    expect(readFileSync(file).equals(readFileSync(bundle))).toBe(true);
    expect(runScript('scripts/bundle-autoscaler.ts', [file], { cwd: runDir }).stdout).toMatch(/^bundle: unchanged: said\.js \(\d+ KB\) in \d+\.\d s\n$/);
  });


  it('prints its usage with --help and rejects an unknown command', async () => {
    const help = await runNode(bundle, ['--help']);
    expect(help.status).toBe(0);
    expect(help.stdout).toMatch(/^Usage: autoscaler <command>/);
    expect(help.stdout).toContain('tick [--dry-run]');
    expect(help.stdout).toContain('--hold <path>');
    const wrong = await runNode(bundle, ['scale']);
    expect(wrong.status).toBe(2);
    expect(wrong.stderr).toMatch(/^unknown command: scale/);
  });

  it('names a broken inventory and a missing token without a stack trace', async () => {
    writeFileSync(path.join(runDir, 'broken.json'), '{"environment": "example"}');
    const broken = await runNode(bundle, ['tick', '--inventory', path.join(runDir, 'broken.json')], { IONOS_TOKEN });
    expect(broken.status).toBe(1);
    expect(broken.stderr).toMatch(/broken\.json: \d+ problems\n {2}datacenterId: /);
    expect(broken.stderr).not.toMatch(/\n\s+at /);
    writeFileSync(path.join(runDir, 'inventory.json'), JSON.stringify(new World({ servers: 1, minRunning: 1 }).inventory()));
    const tokenless = await runNode(bundle, ['tick', '--inventory', path.join(runDir, 'inventory.json')]);
    expect(tokenless.status).toBe(1);
    expect(tokenless.stderr).toContain('IONOS_TOKEN: must be set');
  });

  it('runs a dry-run tick against loopback fakes and changes nothing', async () => {
    const world = new World({ servers: 3, minRunning: 3, running: 1 });
    world.advance(60);
    const close = await world.serveOnLoopback();
    try {
      world.now = new Date();
      world.advance(0);
      writeFileSync(path.join(runDir, 'inventory.json'), JSON.stringify(world.inventory()));
      const run = await runNode(bundle, ['tick', '--dry-run', '--inventory', path.join(runDir, 'inventory.json')], { IONOS_TOKEN });
      expect(run.status).toBe(0);
      // Logs on stderr, one JSON object per line; the result alone on stdout.
      const logLines = run.stderr.trim().split('\n').map((line) => JSON.parse(line) as { event?: string; dryRun?: boolean });
      expect(logLines.filter((line) => line.event === 'decision')).toHaveLength(1);
      expect(logLines.filter((line) => line.event === 'action' && line.dryRun)).toHaveLength(2);
      expect(run.stderr).not.toContain(IONOS_TOKEN);
      const result = JSON.parse(run.stdout) as { dryRun: boolean; decision: { actions: Array<{ kind: string; server: string }> }; actions: Array<{ status: string }>; errors: unknown[] };
      expect(result.dryRun).toBe(true);
      expect(result.errors).toEqual([]);
      expect(result.decision.actions).toEqual([
        expect.objectContaining({ kind: 'start', server: 'example-bbb-02' }),
        expect.objectContaining({ kind: 'start', server: 'example-bbb-03' }),
      ]);
      expect(result.actions.map((outcome) => outcome.status)).toEqual(['planned', 'planned']);
      expect(world.ionos.calls.filter((call) => call.action !== 'list')).toEqual([]);
      expect(world.scalelite.calls.filter((call) => call.action !== 'getServers')).toEqual([]);
    } finally {
      await close();
    }
  }, 30_000);

  it('reconciles the registration with `register`, planning only under --dry-run', async () => {
    const world = new World({ servers: 2, minRunning: 1, running: 1 });
    const entry = world.scalelite.byUrl(world.inventory().servers[1].bbbApiUrl)[0];
    world.scalelite.servers.delete(entry.id);
    const close = await world.serveOnLoopback();
    try {
      writeFileSync(path.join(runDir, 'inventory.json'), JSON.stringify(world.inventory()));
      const args = ['register', '--inventory', path.join(runDir, 'inventory.json')];
      const planned = await runNode(bundle, [...args, '--dry-run'], { IONOS_TOKEN });
      expect(planned.status).toBe(0);
      expect(JSON.parse(planned.stdout)).toMatchObject({ registration: [{ step: { kind: 'add', server: 'example-bbb-02' }, status: 'planned' }], errors: [] });
      expect(world.scalelite.byUrl(world.inventory().servers[1].bbbApiUrl)).toHaveLength(0);
      const applied = await runNode(bundle, args, { IONOS_TOKEN });
      expect(applied.status).toBe(0);
      expect(JSON.parse(applied.stdout)).toMatchObject({ registration: [{ step: { kind: 'add' }, status: 'done' }] });
      expect(world.scalelite.byUrl(world.inventory().servers[1].bbbApiUrl)).toMatchObject([{ state: 'disabled' }]);
    } finally {
      await close();
    }
  }, 30_000);

  it('prints the pool with `status`, held servers marked, and names an unreadable hold file', async () => {
    const world = new World({ servers: 2, minRunning: 1, running: 1 });
    const close = await world.serveOnLoopback();
    try {
      world.now = new Date();
      world.advance(0);
      writeFileSync(path.join(runDir, 'inventory.json'), JSON.stringify(world.inventory()));
      writeFileSync(path.join(runDir, 'hold'), '# rebuild\nexample-bbb-01\nexample-bbb-9\n');
      const args = ['status', '--inventory', path.join(runDir, 'inventory.json')];
      const run = await runNode(bundle, [...args, '--hold', path.join(runDir, 'hold')], { IONOS_TOKEN });
      expect(run.status).toBe(0);
      const lines = run.stdout.split('\n').map((line) => line.split(/\s{2,}/));
      expect(lines[0]).toEqual(['SERVER', 'POWER', 'SCALELITE', 'MEETINGS', 'PARTICIPANTS', 'RECORDINGS BUSY', 'HELD']);
      expect(lines[1]).toEqual(['example-bbb-01', 'running', 'enabled', '0', '0', '0', 'yes']);
      expect(lines[2]).toEqual(['example-bbb-02', 'stopped', 'disabled (offline)', '?', '?', '?', 'no']);
      expect(run.stdout).toContain(`note: ${path.join(runDir, 'hold')}: example-bbb-9 is not an inventory server, ignored`);
      // Read-only.
      expect(world.ionos.calls.filter((call) => call.action !== 'list')).toEqual([]);
      expect(world.scalelite.calls.filter((call) => call.action !== 'getServers')).toEqual([]);

      const unreadable = await runNode(bundle, [...args, '--hold', runDir], { IONOS_TOKEN });
      expect(unreadable.status).toBe(1);
      expect(unreadable.stderr).toBe(`${runDir}: cannot read the hold file: EISDIR\n`);
    } finally {
      await close();
    }
  }, 30_000);

  it('serves metrics and health, and exits cleanly on SIGTERM', async () => {
    const world = new World({ servers: 2, minRunning: 1, running: 1 });
    const close = await world.serveOnLoopback();
    try {
      world.now = new Date();
      world.advance(0);
      writeFileSync(path.join(runDir, 'inventory.json'), JSON.stringify(world.inventory()));
      const port = await freePort();
      let child: ChildProcess | undefined;
      const finished = runNode(bundle, ['serve', '--host', '127.0.0.1', '--port', String(port), '--inventory', path.join(runDir, 'inventory.json')], { IONOS_TOKEN }, (c) => (child = c));
      const deadline = Date.now() + 15_000;
      let healthy = false;
      while (!healthy && Date.now() < deadline) {
        healthy = await fetch(`http://127.0.0.1:${port}/healthz`).then((r) => r.ok, () => false);
        if (!healthy) await new Promise((resolve) => setTimeout(resolve, 100));
      }
      expect(healthy).toBe(true);
      expect(await (await fetch(`http://127.0.0.1:${port}/metrics`)).text()).toMatch(/^bbb_autoscaler_last_success_timestamp_seconds \d/m);
      child?.kill('SIGTERM');
      const run = await finished;
      expect(run.status).toBe(0);
      const events = run.stdout.trim().split('\n').map((line) => JSON.parse(line) as { event?: string; msg?: string });
      expect(events.at(-1)).toMatchObject({ event: 'serve', msg: 'stopped' });
    } finally {
      await close();
    }
  }, 30_000);
});
