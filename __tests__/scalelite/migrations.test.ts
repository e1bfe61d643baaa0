/**
 * Database migrations on the Scalelite nodes: the containers only start their
 * servers, and scalelite-migrate runs the migrations under an advisory lock before
 * they start. Two nodes booting together run the script here against the fake
 * database session and docker CLI: their migrations never overlap.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import * as yaml from 'js-yaml';
import { MIGRATION_LOCK_KEY, SINGLETON_LOCK_KEY } from '../../constructs/scalelite';
import { readTemplate, renderTemplate } from '../../constructs/templates';
import { exampleConfig, synthEnvironment } from '../../testing/synth';
import { parseUnit } from '../bbb-pool/systemd-units';
import { describeWithTool } from '../support/tools';

const FAKES = path.join(__dirname, 'fakes');
const SCALELITE_MIGRATION = 'compose run --rm --no-deps scalelite-api bin/rake db:prepare';
const GREENLIGHT_MIGRATION = 'compose run --rm --no-deps --entrypoint rails greenlight db:migrate:with_data';

const { platform } = synthEnvironment(exampleConfig());
const files = Object.fromEntries(platform.frontend.scalelite.nodeFiles[0].map((file) => [file.path, file.content]));

describe('the containers of a node', () => {
  const compose = yaml.load(files['/opt/scalelite/docker-compose.yml']) as Record<string, any>;
  const greenlight = yaml.load(files['/opt/scalelite/compose.greenlight.yml']) as Record<string, any>;

  it('start Scalelite\u2019s API server without the image\u2019s bin/start, which migrates first', () => {
    expect(compose.services['scalelite-api'].command).toEqual(['tini', '--', 'bundle', 'exec', 'puma', '-C', 'config/puma.rb']);
  });

  it('start Greenlight\u2019s server without the image\u2019s bin/start, which migrates first', () => {
    const entrypoint = greenlight.services.greenlight.entrypoint as string[];
    expect(entrypoint.slice(0, 2)).toEqual(['bash', '-c']);
    expect(entrypoint[2]).toBe('rails assets:precompile && exec rails server --binding 0.0.0.0 --port "$$PORT"');
    expect(entrypoint[2]).not.toMatch(/db:|bin\/start/);
  });

  it('are started, and recreated on a configuration push, only after the migrations ran', () => {
    const unit = parseUnit(files['/etc/systemd/system/scalelite.service']);
    expect(unit.Service.ExecStartPre.at(-1)).toBe('/usr/local/sbin/scalelite-migrate');
    expect(unit.Service.ExecStart).toEqual(['/usr/bin/docker compose up --detach']);
    expect(unit.Service.ExecReload).toEqual(['/usr/local/sbin/scalelite-migrate', '/usr/bin/docker compose up --detach']);
  });

  it('migrate under a lock of their own, not the singletons\u2019 lock another node may hold for days', () => {
    expect(MIGRATION_LOCK_KEY).not.toBe(SINGLETON_LOCK_KEY);
    expect(files['/usr/local/sbin/scalelite-migrate']).toContain(`readonly LOCK_KEY='${MIGRATION_LOCK_KEY}'`);
  });
});

describeWithTool('flock', 'scalelite-migrate on two nodes booting together', () => {
  const root = mkdtempSync(path.join(tmpdir(), 'migrate-'));
  const dockerLog = path.join(root, 'docker.log');
  const library = path.join(root, 'db-session.sh');
  writeFileSync(library, readTemplate('scalelite/db-session.sh'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  const DATABASE = 'DATABASE_URL=postgresql://scalelite:pw@127.0.0.1:5432/scalelite\n';

  function migrate(node: string, greenlight: boolean, envFile = DATABASE): Promise<{ code: number | null; stderr: string }> {
    const projectDir = path.join(root, node);
    mkdirSync(projectDir, { recursive: true });
    writeFileSync(path.join(projectDir, 'scalelite.env'), envFile);
    const script = path.join(projectDir, 'scalelite-migrate');
    writeFileSync(
      script,
      renderTemplate('scalelite/scalelite-migrate.sh', { projectDir, lockKey: MIGRATION_LOCK_KEY, greenlight: String(greenlight), dbSessionLibrary: library }),
    );
    return new Promise((resolve) => {
      const child = spawn('bash', [script], {
        env: { ...process.env, PATH: `${FAKES}:${process.env.PATH}`, NODE_NAME: node, FAKE_PG_DIR: root, FAKE_DOCKER_LOG: dockerLog, FAKE_DOCKER_SECONDS: '0.3' },
      });
      let stderr = '';
      child.stderr.on('data', (chunk) => (stderr += chunk));
      child.on('exit', (code) => resolve({ code, stderr }));
    });
  }

  it('migrates Scalelite and Greenlight on one node, then on the other, never both at once', async () => {
    writeFileSync(dockerLog, '');
    const results = await Promise.all([migrate('a', true), migrate('b', true)]);
    expect(results.map((result) => result.code)).toEqual([0, 0]);
    const calls = readFileSync(dockerLog, 'utf8').trim().split('\n');
    const first = calls[0].split(' ')[0];
    const second = first === 'a' ? 'b' : 'a';
    const session = (node: string) => [
      `${node} ${SCALELITE_MIGRATION}`,
      `${node} finished ${SCALELITE_MIGRATION}`,
      `${node} ${GREENLIGHT_MIGRATION}`,
      `${node} finished ${GREENLIGHT_MIGRATION}`,
    ];
    expect(calls).toEqual([...session(first), ...session(second)]);
  });

  it('runs only Scalelite\u2019s migrations on a tier without Greenlight', async () => {
    writeFileSync(dockerLog, '');
    expect((await migrate('c', false)).code).toBe(0);
    expect(readFileSync(dockerLog, 'utf8').trim().split('\n')).toEqual([`c ${SCALELITE_MIGRATION}`, `c finished ${SCALELITE_MIGRATION}`]);
  });

  it('fails, migrating nothing, when the node names no database', async () => {
    writeFileSync(dockerLog, '');
    const result = await migrate('d', true, 'REDIS_URL=redis://127.0.0.1\n');
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('no DATABASE_URL in');
    expect(readFileSync(dockerLog, 'utf8')).toBe('');
  });
});
