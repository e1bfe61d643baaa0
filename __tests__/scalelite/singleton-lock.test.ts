/**
 * The singleton script against a fake database session and a fake docker CLI, on
 * this machine only: two nodes contend, one runs the poller and importer, and the
 * other takes over only after the first has stopped them.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { readTemplate, renderTemplate } from '../../constructs/templates';
import { SINGLETON_LOCK_KEY } from '../../constructs/scalelite';
import { describeWithTool } from '../support/tools';

const SINGLETONS = 'scalelite-poller scalelite-recording-importer';
const FAKES = path.join(__dirname, 'fakes');

describeWithTool('flock', 'singleton lock across two nodes', () => {
  const root = mkdtempSync(path.join(tmpdir(), 'singleton-'));
  const dockerLog = path.join(root, 'docker.log');
  const library = path.join(root, 'db-session.sh');
  writeFileSync(library, readTemplate('scalelite/db-session.sh'));
  const running = new Map<string, ChildProcess>();
  const exits = new Map<string, Promise<number | null>>();
  writeFileSync(dockerLog, '');

  function startNode(name: string): void {
    const projectDir = path.join(root, name);
    mkdirSync(projectDir, { recursive: true });
    writeFileSync(path.join(projectDir, 'scalelite.env'), 'DATABASE_URL=postgresql://scalelite:pw@127.0.0.1:5432/scalelite\n');
    const script = path.join(projectDir, 'scalelite-singletons');
    writeFileSync(
      script,
      renderTemplate('scalelite/scalelite-singletons.sh', { projectDir, lockKey: SINGLETON_LOCK_KEY, singletons: SINGLETONS, dbSessionLibrary: library }),
    );
    const child = spawn('bash', [script], {
      detached: true,
      stdio: 'ignore',
      env: { ...process.env, PATH: `${FAKES}:${process.env.PATH}`, NODE_NAME: name, FAKE_PG_DIR: root, FAKE_DOCKER_LOG: dockerLog, SINGLETON_HEARTBEAT_SECONDS: '1' },
    });
    running.set(name, child);
    exits.set(name, new Promise((resolve) => child.on('exit', (code) => resolve(code))));
  }

  const calls = () => readFileSync(dockerLog, 'utf8').trim().split('\n').filter(Boolean);
  const started = (name: string) => calls().filter((call) => call === `${name} compose --profile singleton up --detach ${SINGLETONS}`).length;
  const stops = (name: string) => calls().filter((call) => call === `${name} compose --profile singleton stop ${SINGLETONS}`).length;
  const sessionPid = (name: string) => Number(readFileSync(path.join(root, `session-${name}`), 'utf8'));

  async function until(condition: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!condition()) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; docker calls: ${calls().join(' | ')}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  afterAll(() => {
    for (const name of ['a', 'b']) {
      if (existsSync(path.join(root, `session-${name}`))) {
        try {
          process.kill(sessionPid(name), 'SIGCONT');
        } catch {
          // already gone
        }
      }
    }
    for (const child of running.values()) {
      try {
        if (child.exitCode === null) process.kill(-child.pid!, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    rmSync(root, { recursive: true, force: true });
  });

  it('lets the first node take the lock and start the singletons, leaving migrations to scalelite-migrate', async () => {
    startNode('a');
    await until(() => started('a') === 1, 'node a to start the singletons');
    expect(calls()).toEqual([`a compose --profile singleton stop ${SINGLETONS}`, `a compose --profile singleton up --detach ${SINGLETONS}`]);
  });

  it('keeps the second node waiting while the first holds the lock', async () => {
    startNode('b');
    await until(() => stops('b') === 1, 'node b to clear its own singletons');
    await new Promise((resolve) => setTimeout(resolve, 2500));
    expect(started('b')).toBe(0);
    expect(running.get('a')!.exitCode).toBeNull();
  });

  it('stops the singletons on a node whose database session stops answering, before another node takes over', async () => {
    // A frozen session (network partition): the database still holds a's lock.
    process.kill(sessionPid('a'), 'SIGSTOP');
    expect(await exits.get('a')).toBe(1);
    expect(stops('a')).toBe(2);
    expect(started('b')).toBe(0);
    // The database ends the dead session (keepalive); only now is the lock free.
    process.kill(sessionPid('a'), 'SIGCONT');
    await until(() => started('b') === 1, 'node b to take over');
    const log = calls();
    expect(log.lastIndexOf(`a compose --profile singleton stop ${SINGLETONS}`)).toBeLessThan(log.indexOf(`b compose --profile singleton up --detach ${SINGLETONS}`));
  });

  it('stops the singletons and frees the lock when the service is stopped', async () => {
    process.kill(running.get('b')!.pid!, 'SIGTERM');
    expect(await exits.get('b')).toBe(143);
    expect(stops('b')).toBe(2);
    await until(() => {
      try {
        process.kill(sessionPid('b'), 0);
        return false;
      } catch {
        return true;
      }
    }, "node b's database session to end");
  });
});
