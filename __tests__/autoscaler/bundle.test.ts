/**
 * The deliverable: `npm run bundle` makes ONE file that runs with plain node, without
 * node_modules next to it, against loopback fakes and the real Redis as the coordination
 * store: dry runs, the registration, the lease (an acting command waits for it or exits
 * naming its holder), serve, and the Lambda-style `handler` it exports.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { RedisCoordinationStore } from '../../functions/autoscaler/clients/redis';
import { bundleAutoscaler } from '../../scripts/bundle-autoscaler';
import { runScript } from '../support/run-script';
import { type RedisServer, startRedis } from '../support/redis';
import { describeWithTool } from '../support/tools';
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

describeWithTool('redis-server', 'bundle', () => {
  // Built into a temp dir and run from another one, so nothing resolves from the project.
  const buildDir = mkdtempSync(path.join(tmpdir(), 'autoscaler-build-'));
  const runDir = mkdtempSync(path.join(tmpdir(), 'autoscaler-run-'));
  const bundle = path.join(runDir, 'autoscaler.js');
  let redis: RedisServer;
  let environmentSerial = 0;

  beforeAll(async () => {
    [redis] = await Promise.all([startRedis(), bundleAutoscaler(path.join(buildDir, 'autoscaler.js'))]);
    copyFileSync(path.join(buildDir, 'autoscaler.js'), bundle);
  }, 60_000);

  afterAll(async () => {
    await redis?.stop();
    rmSync(buildDir, { recursive: true, force: true });
    rmSync(runDir, { recursive: true, force: true });
  });

  /** The World's inventory with the real Redis as coordination store, each test in an environment of its own. */
  function writeInventory(world: World): { file: string; environment: string } {
    const environment = `bundle${++environmentSerial}`;
    const file = path.join(runDir, 'inventory.json');
    writeFileSync(file, JSON.stringify({ ...world.inventory(), environment, coordination: { redis: redis.address } }));
    return { file, environment };
  }

  /** The World on loopback, its inventory, and another client of the same Redis store, for one test; closed after it. */
  async function withWorld(
    options: ConstructorParameters<typeof World>[0],
    body: (world: World, file: string, store: RedisCoordinationStore) => Promise<void>,
  ): Promise<void> {
    const world = new World(options);
    const close = await world.serveOnLoopback();
    const { file, environment } = writeInventory(world);
    const store = new RedisCoordinationStore({ ...redis.address, environment });
    try {
      world.now = new Date();
      world.advance(0);
      await body(world, file, store);
    } finally {
      await store.close();
      await close();
    }
  }

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


  it('takes an operator\u2019s maintenance request, release and forgotten host key into the store, and names a server that is not the pool\u2019s', async () => {
    await withWorld({ servers: 2, minRunning: 1, running: 1 }, async (_world, file, store) => {
      const env = { IONOS_TOKEN };
      const asked = await runNode(bundle, ['maintain', 'example-bbb-02', '--now', '--inventory', file], env);
      expect({ status: asked.status, stdout: asked.stdout }).toEqual({ status: 0, stdout: expect.stringMatching(/^maintenance asked for example-bbb-02 at once \(.+Z\); `status` shows its progress\n$/) });
      expect((await store.maintenance()).request).toMatchObject({ servers: ['example-bbb-02'], now: true });
      expect((await runNode(bundle, ['maintain', '--all', '--inventory', file], env)).stdout).toMatch(/^maintenance asked for every pool server in the next window/);

      const stranger = await runNode(bundle, ['maintain', 'example-bbb-09', '--inventory', file], env);
      expect({ status: stranger.status, stderr: stranger.stderr }).toEqual({ status: 2, stderr: 'maintain: example-bbb-09: not an inventory server (the pool: example-bbb-01, example-bbb-02)\n' });
      for (const [args, message] of [
        [['maintain'], 'maintain: name the servers, or give --all'],
        [['maintain', '--all', 'example-bbb-01'], 'maintain: name the servers, or give --all'],
        [['release'], 'release: name one server'],
        [['tick', '--now'], '--all and --now belong to maintain'],
      ] as const) {
        const refused = await runNode(bundle, [...args, '--inventory', file], env);
        expect({ args, status: refused.status, stderr: refused.stderr.split('\n')[0] }).toEqual({ args, status: 2, stderr: message });
      }

      const notHeld = await runNode(bundle, ['release', 'example-bbb-01', '--inventory', file], env);
      expect({ status: notHeld.status, stderr: notHeld.stderr }).toEqual({ status: 1, stderr: 'release: example-bbb-01 is not held after a failed maintenance\n' });
      const taken = await store.acquire('test', 60_000);
      const token = taken.acquired ? taken.token : -1;
      await store.recordMaintenance(token, 'example-bbb-01', { cycle: '2026-11-24', phase: 'failed', since: new Date(), wasStopped: true, message: 'update: broken' });
      await store.pinHostKey(token, 'example-bbb-01', 'vm-1', 'SHA256:pinned');
      await store.release(token);
      expect((await runNode(bundle, ['release', 'example-bbb-01', '--inventory', file], env)).stdout).toBe(
        'example-bbb-01 given back: the autoscaler uses it again, and patches it in the next cycle\n',
      );
      expect((await store.maintenance()).records.get('example-bbb-01')).toMatchObject({ phase: 'skipped', message: expect.stringMatching(/^released by hand at /) });
      expect((await runNode(bundle, ['forget-host-key', 'example-bbb-01', '--inventory', file], env)).stdout).toBe(
        'example-bbb-01: its host key is forgotten; the next connection pins the key it offers\n',
      );
      expect((await store.hostKeys()).size).toBe(0);
    });
  }, 30_000);

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
    const { file } = writeInventory(new World({ servers: 1, minRunning: 1 }));
    const tokenless = await runNode(bundle, ['tick', '--inventory', file]);
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
      const { file } = writeInventory(world);
      const run = await runNode(bundle, ['tick', '--dry-run', '--inventory', file], { IONOS_TOKEN });
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
      const { file } = writeInventory(world);
      const args = ['register', '--inventory', file];
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
      const { file } = writeInventory(world);
      writeFileSync(path.join(runDir, 'hold'), '# rebuild\nexample-bbb-01\nexample-bbb-9\n');
      const args = ['status', '--inventory', file];
      const run = await runNode(bundle, [...args, '--hold', path.join(runDir, 'hold')], { IONOS_TOKEN });
      expect(run.status).toBe(0);
      const lines = run.stdout.split('\n').map((line) => line.split(/\s{2,}/));
      expect(lines[0]).toEqual(['SERVER', 'POWER', 'SCALELITE', 'MEETINGS', 'PARTICIPANTS', 'RECORDINGS BUSY', 'HELD', 'MAINTENANCE']);
      expect(lines[1]).toEqual(['example-bbb-01', 'running', 'enabled', '0', '0', '0', 'yes', '-']);
      expect(lines[2]).toEqual(['example-bbb-02', 'stopped', 'disabled (offline)', '?', '?', '?', 'no', '-']);
      expect(run.stdout).toContain(`note: ${path.join(runDir, 'hold')}: example-bbb-9 is not an inventory server, ignored`);
      expect(run.stdout).toContain('note: lease: free');
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

  it('serves metrics and health once it holds the lease, waiting while another autoscaler does, and exits cleanly on SIGTERM', async () => {
    await withWorld({ servers: 2, minRunning: 1, running: 1 }, async (_world, file, other) => {
      // Another autoscaler holds the lease, and crashes: its lease runs out in Redis.
      expect(await other.acquire('other-host:1:serve', 2_000)).toMatchObject({ acquired: true });
      const port = await freePort();
      let child: ChildProcess | undefined;
      const finished = runNode(bundle, ['serve', '--host', '127.0.0.1', '--port', String(port), '--inventory', file], { IONOS_TOKEN }, (c) => (child = c));
      // A tick succeeds once the other lease has run out and serve took it.
      const deadline = Date.now() + 20_000;
      let ticked = false;
      while (!ticked && Date.now() < deadline) {
        ticked = await fetch(`http://127.0.0.1:${port}/metrics`).then(async (r) => /^bbb_autoscaler_last_success_timestamp_seconds [1-9]/m.test(await r.text()), () => false);
        if (!ticked) await new Promise((resolve) => setTimeout(resolve, 100));
      }
      expect(ticked).toBe(true);
      expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(200);
      expect(await other.holder()).toMatchObject({ holder: expect.stringMatching(/:serve$/) });
      child?.kill('SIGTERM');
      const run = await finished;
      expect(run.status).toBe(0);
      const events = run.stdout.trim().split('\n').map((line) => JSON.parse(line) as { event?: string; msg?: string; holder?: string });
      expect(events).toContainEqual(expect.objectContaining({ event: 'lease', holder: 'other-host:1:serve', msg: expect.stringMatching(/^waiting: another autoscaler holds the lease \(other-host:1:serve\)/) }));
      expect(events).toContainEqual(expect.objectContaining({ event: 'lease', msg: 'holds the lease: acting' }));
      expect(events.at(-1)).toMatchObject({ event: 'serve', msg: 'stopped' });
      // It gave the lease back on its way out.
      expect(await other.holder()).toBeUndefined();
    });
  }, 40_000);

  it('exits 3 naming the holder when an acting command finds the lease taken; a dry run needs none', async () => {
    await withWorld({ servers: 2, minRunning: 1, running: 1 }, async (world, file, other) => {
      await other.acquire('monitoring-vm:7:serve', 60_000);
      const refused = await runNode(bundle, ['tick', '--inventory', file], { IONOS_TOKEN });
      expect(refused.status).toBe(3);
      expect(refused.stderr).toMatch(/^another autoscaler holds the lease \(monitoring-vm:7:serve\) for (59|60) s more; it acts, this one does not\n$/);
      const register = await runNode(bundle, ['register', '--inventory', file], { IONOS_TOKEN });
      expect(register.status).toBe(3);
      const dryRun = await runNode(bundle, ['tick', '--dry-run', '--inventory', file], { IONOS_TOKEN });
      expect(dryRun.status).toBe(0);
      expect(world.ionos.calls.filter((call) => call.action !== 'list')).toEqual([]);
    });
  }, 30_000);

  it('exports the Lambda-style handler, which takes the lease to act and gives it back', async () => {
    await withWorld({ servers: 3, minRunning: 2, running: 1 }, async (world, file, store) => {
      const call = path.join(runDir, 'call-handler.js');
      writeFileSync(
        call,
        "require('./autoscaler.js').handler(JSON.parse(process.argv[2])).then((result) => console.log(JSON.stringify(result)), (error) => { console.error(`${error.name}: ${error.message}`); process.exitCode = 1; });\n",
      );
      const env = { IONOS_TOKEN, INVENTORY_PATH: file, HOLD_PATH: path.join(runDir, 'no-hold'), LOG_LEVEL: 'silent' };
      const planned = await runNode(call, [JSON.stringify({ dryRun: true })], env);
      expect(planned.stderr).toBe('');
      expect(JSON.parse(planned.stdout)).toMatchObject({ dryRun: true, actions: [{ step: { kind: 'start', server: 'example-bbb-02' }, status: 'planned' }] });
      const acted = await runNode(call, ['{}'], env);
      expect(JSON.parse(acted.stdout)).toMatchObject({ dryRun: false, actions: [{ step: { kind: 'start', server: 'example-bbb-02' }, status: 'done' }] });
      expect(world.ionos.calls.filter((c) => c.action === 'start')).toHaveLength(1);
      expect(await store.holder()).toBeUndefined();

      await store.acquire('someone-else', 60_000);
      const refused = await runNode(call, ['{}'], env);
      expect(refused.status).toBe(1);
      expect(refused.stderr).toMatch(/^LeaseHeldError: another autoscaler holds the lease \(someone-else\)/);
    });
  }, 30_000);
});
