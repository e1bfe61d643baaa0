/**
 * A VM's turn in the nightly window (`platform-maintenance-window`), for real (bash)
 * against the stand-ins: alone (TURN, monitoring), and as two Scalelite nodes that
 * take turns through a PostgreSQL advisory lock (the psql stand-in of the singleton
 * tests) and wait for each other's health check.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { MAINTENANCE_COMMANDS, wholeWindow, type WindowTurn } from '../../constructs/maintenance';
import { describeWithTool } from '../support/tools';
import { FakeMachine, SECURITY } from './fake-machine';

const PSQL_FAKES = path.join(__dirname, '..', 'scalelite', 'fakes');
const WINDOW = wholeWindow({ from: '01:00', to: '05:00', timezone: 'Europe/Berlin', minutes: 240 });
const NODES = ['10.20.1.1', '10.20.1.2'];
const healthUrl = (address: string) => `http://${address}/health_check`;

function windowMachine(turn: WindowTurn): FakeMachine {
  const machine = new FakeMachine({ turn });
  machine.packages(['libssl3 3.0.2-0ubuntu1.10'], [`libssl3 3.0.2-0ubuntu1.12 ${SECURITY}`]);
  machine.extraEnv = {
    PLATFORM_UPDATE: path.join(machine.commands, path.basename(MAINTENANCE_COMMANDS.update)),
    PLATFORM_REBOOT_IF_REQUIRED: path.join(machine.commands, path.basename(MAINTENANCE_COMMANDS.rebootIfRequired)),
    PLATFORM_READY_MARKER: '',
  };
  return machine;
}

interface Running {
  readonly child: ChildProcess;
  readonly exited: Promise<number | null>;
  output(): string;
  /** What systemd does when it stops the unit: SIGTERM to every process of it. */
  stop(): void;
}

function start(machine: FakeMachine, env: Record<string, string> = {}): Running {
  const child = spawn('bash', [path.join(machine.commands, path.basename(MAINTENANCE_COMMANDS.window))], { env: { ...machine.env(), ...env }, detached: true });
  let stdout = '';
  child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr?.resume();
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const signal = (name: NodeJS.Signals) => {
    try {
      process.kill(-(child.pid as number), name);
    } catch {
      // already gone
    }
  };
  return { child, exited, output: () => stdout, stop: () => signal('SIGTERM') };
}

async function until(condition: () => boolean, what: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('a VM on its own in the window', () => {
  let machine: FakeMachine;
  beforeEach(() => (machine = windowMachine(WINDOW)));
  afterEach(() => machine.remove());

  it('updates and, with no reboot required, is done', async () => {
    const run = start(machine);
    expect(await run.exited).toBe(0);
    expect(JSON.parse(run.output())).toEqual({ verb: 'maintenance-window', result: 'ok', rebooting: false });
    expect(machine.installedVersion('libssl3')).toBe('3.0.2-0ubuntu1.12');
  });

  it('reboots when an update asks for it, and stays in its turn until the shutdown stops it', async () => {
    machine.write('reboot-packages', ['libssl3']);
    const run = start(machine);
    await until(() => run.output().includes('rebooting'), 'the result line');
    expect(JSON.parse(run.output())).toEqual({ verb: 'maintenance-window', result: 'ok', rebooting: true });
    expect(readFileSync(machine.shutdowns, 'utf8')).toBe('reboot +1 platform maintenance: libssl3\n');
    expect(run.child.exitCode).toBeNull();
    run.stop();
    expect(await run.exited).toBe(0);
  });

  it('fails, and records the failed run, when the update fails', async () => {
    machine.write('failing', ['libssl3']);
    const run = start(machine);
    expect(await run.exited).toBe(1);
    expect(JSON.parse(run.output())).toMatchObject({ verb: 'maintenance-window', result: 'failed' });
    expect(machine.metric('platform_maintenance_last_run_success')).toBe(0);
  });

  it('records a failed run when the window ends first', async () => {
    const hang = path.join(machine.root, 'hang');
    writeFileSync(hang, '#!/bin/sh\nexec sleep 30\n', { mode: 0o755 });
    const run = start(machine, { PLATFORM_UPDATE: hang });
    await new Promise((resolve) => setTimeout(resolve, 300));
    run.stop();
    expect(await run.exited).toBe(1);
    expect(JSON.parse(run.output())).toEqual({ verb: 'maintenance-window', result: 'failed', message: 'the maintenance window ended before this server was done' });
  });
});

describeWithTool('flock', 'Scalelite nodes taking turns in the window', () => {
  const nodes = new Map<string, FakeMachine>();
  const running: Running[] = [];
  let web = '';
  let pgDir = '';

  const setHealthy = (address: string, healthy: boolean) => {
    const file = path.join(web, address, 'health_check');
    mkdirSync(path.dirname(file), { recursive: true });
    if (healthy) writeFileSync(file, 'success');
    else rmSync(file, { force: true });
  };

  function node(name: string, address: string): FakeMachine {
    const machine = windowMachine({
      ...WINDOW,
      tier: { lockKey: 7301, healthUrls: NODES.map(healthUrl), waitHealthy: 'wait-healthy', databaseEnv: 'scalelite.env' },
    });
    web ||= machine.web;
    pgDir ||= machine.root;
    writeFileSync(path.join(machine.root, 'scalelite.env'), 'DATABASE_URL=postgresql://scalelite:pw@10.20.3.10:5432/scalelite\n');
    writeFileSync(
      path.join(machine.root, 'wait-healthy'),
      `#!/bin/bash\nfor i in $(seq 1 100); do [ "$(curl --silent --max-time 5 ${healthUrl(address)} || true)" = success ] && exit 0; sleep 0.1; done; exit 1\n`,
      { mode: 0o755 },
    );
    machine.extraEnv = {
      ...machine.extraEnv,
      PATH: `${PSQL_FAKES}:${machine.env().PATH}`,
      FAKE_CURL_DIR: web,
      FAKE_PG_DIR: pgDir,
      NODE_NAME: name,
      WAIT_HEALTHY: path.join(machine.root, 'wait-healthy'),
      DATABASE_ENV: path.join(machine.root, 'scalelite.env'),
      STABLE_SECONDS: '2',
      CHECK_SECONDS: '1',
      TIER_WAIT_SECONDS: '30',
    };
    nodes.set(name, machine);
    return machine;
  }

  afterEach(() => {
    for (const run of running.splice(0)) run.stop();
    for (const machine of nodes.values()) machine.remove();
    nodes.clear();
    web = '';
    pgDir = '';
  });

  it('patches one node at a time, the second only when the first is healthy again after its reboot', async () => {
    const a = node('a', NODES[0]);
    const b = node('b', NODES[1]);
    NODES.forEach((address) => setHealthy(address, true));
    a.write('reboot-packages', ['libssl3']);

    const runA = start(a);
    running.push(runA);
    await until(() => runA.output().includes('"rebooting":true'), 'node a to schedule its reboot');
    const runB = start(b);
    running.push(runB);
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect(b.calls()).toEqual([]);

    // The reboot: a's service stops (its database session ends) and a is down for a while.
    setHealthy(NODES[0], false);
    runA.stop();
    await runA.exited;
    await new Promise((resolve) => setTimeout(resolve, 2000));
    expect(b.calls()).toEqual([]);

    setHealthy(NODES[0], true);
    expect(await runB.exited).toBe(0);
    expect(JSON.parse(runB.output())).toEqual({ verb: 'maintenance-window', result: 'ok', rebooting: false });
    expect(b.installedVersion('libssl3')).toBe('3.0.2-0ubuntu1.12');
  }, 40_000);

  it('gives up, without touching the node, when the tier does not become healthy', async () => {
    const a = node('a', NODES[0]);
    setHealthy(NODES[0], true);
    a.extraEnv = { ...a.extraEnv, TIER_WAIT_SECONDS: '3' };
    const run = start(a);
    running.push(run);
    expect(await run.exited).toBe(1);
    expect(JSON.parse(run.output())).toEqual({
      verb: 'maintenance-window',
      result: 'failed',
      message: 'the tier was not healthy for 2 s within 3 s; not updating this node',
    });
    expect(a.calls().filter((call) => !call.includes(' -s '))).toEqual([]);
    expect(existsSync(path.join(a.stateDir, 'last-run'))).toBe(true);
  }, 20_000);
});
