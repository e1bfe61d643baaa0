/**
 * The scripts a configuration push runs on its target, run here in a sandbox: the
 * staging directory moved into a temporary directory, and `sudo` and `cloud-init`
 * replaced by stand-ins that record what they were asked to do.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { exampleConfig, synthEnvironment } from '../../testing/synth';
import { standIn } from '../support/stand-ins';

const STAGING = '/tmp/platform-push';
const { stacks } = synthEnvironment(exampleConfig());
const push = Object.entries<Record<string, any>>(stacks['example-monitoring'].resource.null_resource).find(([name]) =>
  name.startsWith('ScaleliteConfig_Node1_Push'),
)![1];
const scripts = (push.provisioner as Record<string, any>[]).flatMap((provisioner) =>
  provisioner['remote-exec'] ? [(provisioner['remote-exec'].inline as string[]).join('\n') + '\n'] : [],
);
const uploads = (push.provisioner as Record<string, any>[]).filter((provisioner) => provisioner.file).length;

let sandbox: string;
let staging: string;

/** Runs a push script as Terraform does (one file, run by sh), in the sandbox. */
function run(script: string, failingSudoCall = 0) {
  const file = path.join(sandbox, 'script.sh');
  writeFileSync(file, script.replaceAll(STAGING, staging));
  return spawnSync('sh', [file], {
    encoding: 'utf8',
    env: { PATH: `${path.join(sandbox, 'bin')}:/usr/bin:/bin`, SANDBOX: sandbox, FAIL_AT: String(failingSudoCall) },
  });
}


/** What the stand-in sudo recorded, one call per line. */
function sudoCalls(): string[] {
  const log = path.join(sandbox, 'sudo.log');
  return existsSync(log) ? readFileSync(log, 'utf8').trim().split('\n') : [];
}

/** The file provisioners' uploads: scp writes every file 0644. */
function upload(): void {
  for (let index = 0; index < uploads; index += 1) writeFileSync(path.join(staging, String(index)), 'secret', { mode: 0o644 });
}

beforeEach(() => {
  sandbox = mkdtempSync(path.join(tmpdir(), 'push-'));
  staging = path.join(sandbox, 'staging');
  mkdirSync(path.join(sandbox, 'bin'));
  standIn(path.join(sandbox, 'bin'), 'cloud-init', 'exit 0');
  standIn(
    path.join(sandbox, 'bin'),
    'sudo',
    'n=$(( $(cat "$SANDBOX/sudo.count" 2>/dev/null || echo 0) + 1 )); echo "$n" > "$SANDBOX/sudo.count"\n' +
      'echo "$*" >> "$SANDBOX/sudo.log"\n[ "$n" -ne "$FAIL_AT" ]',
  );
});

afterEach(() => rmSync(sandbox, { recursive: true, force: true }));

describe('a configuration push on its target', () => {
  it('stages into a directory only the ops user can enter', () => {
    expect(scripts).toHaveLength(2);
    expect(run(scripts[0]).status).toBe(0);
    expect(statSync(staging).mode & 0o777).toBe(0o700);
  });

  it('installs every file, runs the commands after, and removes the staged files', () => {
    run(scripts[0]);
    upload();
    const result = run(scripts[1]);
    expect(result.status).toBe(0);
    expect(sudoCalls().filter((call) => call.startsWith('install '))).toHaveLength(uploads);
    expect(sudoCalls().at(-1)).toMatch(/^sh -c /);
    expect(existsSync(staging)).toBe(false);
  });

  it('fails at the first failing step, runs nothing after it, and still removes the staged files', () => {
    run(scripts[0]);
    upload();
    const result = run(scripts[1], 1);
    expect(result.status).not.toBe(0);
    expect(sudoCalls()).toHaveLength(1);
    expect(existsSync(staging)).toBe(false);
  });
});
