/**
 * The platform agent's channel for real: the agent as a BBB server receives it (run by sh
 * with stand-ins for sudo, systemctl, systemd-run and the maintenance commands), its job
 * runner, its sudoers file checked by visudo, and the whole channel through Debian's sshd,
 * configured by the rendered drop-in, with the autoscaler's SSH client (ssh2), an ED25519
 * key and the server's host key pinned: the key runs the agent and nothing else, whatever
 * command the client asks for, and the agent runs exactly its verbs with exactly their
 * arguments.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { userInfo, tmpdir } from 'node:os';
import * as path from 'node:path';
import { Client } from 'ssh2';
import { AGENT_PATHS, agentScripts, powerAgentSetup } from '../../constructs/bbb-pool/power-agent';
import { renderTemplate } from '../../constructs/templates';
import { AGENT_PATH, AGENT_USER } from '../../functions/autoscaler/agent';
import { HostKeyChangedError, NoChannelError, SshPlatformAgent, UnknownVerbError, type AgentTarget } from '../../functions/autoscaler/clients/platform-agent';
import { pinnedHostKeys } from '../../functions/autoscaler/host-keys';
import { FakeCoordinationStore } from '../autoscaler/fakes/coordination';
import { freePort } from '../autoscaler/support';
import { standIn } from '../support/stand-ins';
import { describeWithTool, run } from '../support/tools';
import { shellcheck } from '../support/validators';

const PUBLIC_KEY = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIBzV0Y0f7P2S3kz4X0yq5m1fJ9yS2H0Q0gq6m2cQb7Zp autoscaler';
const setup = powerAgentSetup(PUBLIC_KEY);
const file = (target: string) => {
  const found = setup.writeFiles.find((entry) => entry.path === target);
  if (!found) throw new Error(`no ${target} in the agent's set-up`);
  return found;
};
const BOOT_ID = '6a1b6c1e-8c4f-4a55-9f3e-3d2c1b0a9f8e';
const KNOWS = 'this agent knows: poweroff update check reboot-if-required';

/**
 * A directory with the agent, its job runner and stand-ins for the commands they call. A
 * maintenance command prints <verb>.line and exits with <verb>.status; while `hold` exists,
 * it waits for `release` (a job that runs a while). systemd-run starts the job in the
 * background and, unless held, waits for it; systemctl is-active answers from its pid.
 */
function scratch() {
  const dir = mkdtempSync(path.join(tmpdir(), 'platform-agent-'));
  const bin = path.join(dir, 'bin');
  mkdirSync(bin);
  const log = path.join(dir, 'calls');
  // Not root until sudo runs the agent again (AGENT_ROOT), as on the server.
  standIn(bin, 'id', 'if [ "$1" = -u ] && [ -n "${AGENT_ROOT:-}" ]; then echo 0; elif [ "$1" = -u ]; then echo 1000; else /usr/bin/id "$@"; fi');
  standIn(bin, 'sudo', `echo "sudo $*" >> ${log}\n[ "$1" = -n ] && shift\nAGENT_ROOT=1 exec "$@"`);
  standIn(
    bin,
    'systemctl',
    [
      `if [ "$1" = is-active ]; then unit=\${3%.service}; [ -s ${dir}/active-$unit ] && kill -0 "$(cat ${dir}/active-$unit)" 2>/dev/null; exit $?; fi`,
      `echo "systemctl $*" >> ${log}`,
    ].join('\n'),
  );
  standIn(
    bin,
    'systemd-run',
    [
      `echo "systemd-run $*" >> ${log}`,
      'unit=',
      'while [ $# -gt 0 ]; do case $1 in --unit=*) unit=${1#--unit=} ;; --*) ;; *) break ;; esac; shift; done',
      `if [ -s ${dir}/active-$unit ] && kill -0 "$(cat ${dir}/active-$unit)" 2>/dev/null; then echo "Failed to start transient service unit: Unit $unit.service already exists." >&2; exit 1; fi`,
      `"$@" >/dev/null 2>>${dir}/journal &`,
      `echo $! > ${dir}/active-$unit`,
      `[ -e ${dir}/hold ] || wait $!`,
    ].join('\n'),
  );
  for (const [command, verb] of [['platform-update', 'update'], ['bbb-platform-check', 'check'], ['platform-reboot-if-required', 'reboot-if-required']]) {
    standIn(
      bin,
      command,
      [
        `echo "${verb} $*" >> ${log}`,
        `if [ -e ${dir}/hold ]; then while [ ! -e ${dir}/release ]; do sleep 0.05; done; fi`,
        `cat ${dir}/${verb}.line 2>/dev/null`,
        `exit "$(cat ${dir}/${verb}.status 2>/dev/null || echo 0)"`,
      ].join('\n'),
    );
  }
  writeFileSync(path.join(dir, 'boot_id'), `${BOOT_ID}\n`);
  const agent = path.join(dir, 'bbb-platform-agent');
  const scripts = agentScripts({
    ...AGENT_PATHS,
    agentPath: agent,
    jobRunner: path.join(dir, 'agent-job'),
    jobsDir: path.join(dir, 'jobs'),
    bootIdFile: path.join(dir, 'boot_id'),
    updateCommand: path.join(bin, 'platform-update'),
    checkCommand: path.join(bin, 'bbb-platform-check'),
    rebootCommand: path.join(bin, 'platform-reboot-if-required'),
  });
  writeFileSync(agent, scripts.agent, { mode: 0o755 });
  writeFileSync(path.join(dir, 'agent-job'), scripts.jobRunner, { mode: 0o755 });
  const calls = () => (existsSync(log) ? readFileSync(log, 'utf8').trim().split('\n') : []);
  const command = (verb: string, line: string, status = 0) => {
    writeFileSync(path.join(dir, `${verb}.line`), line ? `${line}\n` : '');
    writeFileSync(path.join(dir, `${verb}.status`), String(status));
  };
  const env = { PATH: `${bin}:/usr/bin:/bin` };
  const ask = (request: string) => {
    const result = spawnSync('sh', [agent], { encoding: 'utf8', env: { ...env, SSH_ORIGINAL_COMMAND: request }, cwd: dir });
    return { status: result.status, stdout: result.stdout, stderr: result.stderr };
  };
  return { dir, bin, agent, calls, command, ask, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** The answer line the agent adds the job and the boot to. */
const answered = (line: string, job?: string) => `${line.slice(0, -1)}${job ? `,"job":"${job}"` : ''},"bootId":"${BOOT_ID}"}\n`;

const UPDATED = '{"verb":"update","result":"ok","security":2,"bbbVersion":"1:3.0.14-1","bbbChanged":false,"servicesRestarted":1,"rebootRequired":true}';

describe('the platform agent', () => {
  it('is set up as the one command of the autoscaler key, root-owned, and an account without a password', () => {
    // The key is Terraform's, trimmed of its line end at apply time.
    expect(file('/etc/bbb-platform/agent/authorized_keys').content).toMatch(new RegExp(`^restrict,command="${AGENT_PATH}" \\$\\{TfToken\\[TOKEN\\.\\d+\\]\\}\\n$`));
    expect(file(AGENT_PATH).permissions).toBe('0755');
    expect(file(AGENT_PATHS.jobRunner).permissions).toBe('0755');
    expect(file(AGENT_PATH).content).toContain('readonly UPDATE="/usr/local/sbin/platform-update"');
    expect(file('/etc/sudoers.d/bbb-platform-agent')).toMatchObject({ permissions: '0440', content: expect.stringContaining(`${AGENT_USER} ALL=(root) NOPASSWD: ${AGENT_PATH}\n`) });
    expect(file('/etc/ssh/sshd_config.d/20-platform-agent.conf').content).toContain(`ForceCommand ${AGENT_PATH}`);
    expect(setup.runcmd).toEqual([['sh', '-c', expect.stringMatching(/^id -u bbb-agent .* \|\| useradd --system .* --password '\*' bbb-agent$/)]]);
  });

  it('powers the server off through sudo for the verb poweroff', () => {
    const box = scratch();
    try {
      expect(box.ask('poweroff')).toEqual({ status: 0, stdout: 'powering off\n', stderr: '' });
      expect(box.calls()).toEqual([`sudo -n ${box.agent} poweroff`, 'systemctl poweroff --no-block']);
    } finally {
      box.remove();
    }
  });

  it('refuses anything but its verbs with their exact arguments, and runs nothing for it', () => {
    const box = scratch();
    try {
      writeFileSync(path.join(box.dir, 'update-me'), '');
      const usage = 'usage: update <job> [--bbb-version <version>]';
      const refusals: Array<[string, string]> = [
        ['reboot', `unknown verb 'reboot'; ${KNOWS}`],
        ['poweroff;id', `unknown verb 'poweroff;id'; ${KNOWS}`],
        ['', `unknown verb ''; ${KNOWS}`],
        ['poweroff now', "'poweroff now': poweroff takes no arguments"],
        ['reboot-if-required --now', "'reboot-if-required --now': reboot-if-required takes no arguments"],
        ['update', `'update': ${usage}`],
        ['update 12x', `'update 12x': the job is a number of up to 16 digits; ${usage}`],
        ['update 12345678901234567', `'update 12345678901234567': the job is a number of up to 16 digits; ${usage}`],
        ['update 1 --bbb-version', `'update 1 --bbb-version': ${usage}`],
        ['update 1 --version 1:3.0.14-1', `'update 1 --version 1:3.0.14-1': ${usage}`],
        ['update 1 --bbb-version 1:3.0.14-1;id', "'update 1 --bbb-version 1:3.0.14-1;id': not a package version: 1:3.0.14-1;id"],
        ['check 1 --bbb-version $(id)', "'check 1 --bbb-version $(id)': not a package version: $(id)"],
        // No pattern is expanded: `update*` stays itself, although a file matches it.
        ['update*', `unknown verb 'update*'; ${KNOWS}`],
      ];
      for (const [request, message] of refusals) {
        expect({ request, ...box.ask(request) }).toEqual({ request, status: 64, stdout: '', stderr: `${message}\n` });
      }
      expect(box.calls()).toEqual([]);
    } finally {
      box.remove();
    }
  });

  it('runs an update as a job: started, then its result line with the job and the boot, as often as asked', () => {
    const box = scratch();
    try {
      box.command('update', UPDATED);
      expect(box.ask('update 17 --bbb-version 1:3.0.14-1')).toEqual({ status: 5, stdout: answered('{"verb":"update","result":"started"}', '17'), stderr: '' });
      expect(box.calls()).toEqual([
        `sudo -n ${box.agent} update 17 --bbb-version 1:3.0.14-1`,
        `systemd-run --unit=platform-agent-update --collect --quiet --description=platform agent: update, job 17 ${box.dir}/agent-job update 17 ${box.bin}/platform-update --bbb-version 1:3.0.14-1`,
        'update --bbb-version 1:3.0.14-1',
      ]);
      for (let asked = 0; asked < 2; asked++) expect(box.ask('update 17')).toEqual({ status: 0, stdout: answered(UPDATED, '17'), stderr: '' });
      expect(box.calls().filter((call) => call.startsWith('update'))).toHaveLength(1);
      // Another job is another run.
      expect(box.ask('update 18').stdout).toBe(answered('{"verb":"update","result":"started"}', '18'));
      expect(box.calls().filter((call) => call.startsWith('update'))).toHaveLength(2);
    } finally {
      box.remove();
    }
  });

  it('answers running, naming the job that runs, until it ends; then starts the next', async () => {
    const box = scratch();
    try {
      box.command('check', '{"verb":"check","result":"ok","api":true,"bbbConfFindings":0,"bbbVersion":"1:3.0.14-1"}');
      writeFileSync(path.join(box.dir, 'hold'), '');
      expect(box.ask('check 5').stdout).toBe(answered('{"verb":"check","result":"started"}', '5'));
      // The job runner has named its job once it runs.
      for (let waited = 0; !existsSync(path.join(box.dir, 'jobs', 'check.running')) && waited < 100; waited++) await new Promise((resolve) => setTimeout(resolve, 20));
      expect(box.ask('check 6')).toEqual({ status: 5, stdout: answered('{"verb":"check","result":"running"}', '5'), stderr: '' });
      expect(box.ask('check 5').status).toBe(5);
      writeFileSync(path.join(box.dir, 'release'), '');
      rmSync(path.join(box.dir, 'hold'));
      const pid = Number(readFileSync(path.join(box.dir, 'active-platform-agent-check'), 'utf8'));
      for (let waited = 0; spawnSync('kill', ['-0', String(pid)]).status === 0 && waited < 100; waited++) await new Promise((resolve) => setTimeout(resolve, 20));
      expect(box.ask('check 5')).toEqual({ status: 0, stdout: answered('{"verb":"check","result":"ok","api":true,"bbbConfFindings":0,"bbbVersion":"1:3.0.14-1"}', '5'), stderr: '' });
      expect(box.ask('check 6')).toEqual({ status: 5, stdout: answered('{"verb":"check","result":"started"}', '6'), stderr: '' });
    } finally {
      box.remove();
    }
  });

  it('keeps a job\u2019s exit code, and says so when the command printed no result line', () => {
    const box = scratch();
    try {
      const busy = '{"verb":"update","result":"busy","message":"another maintenance command is running"}';
      box.command('update', busy, 3);
      box.ask('update 9');
      expect(box.ask('update 9')).toEqual({ status: 3, stdout: answered(busy, '9'), stderr: '' });
      box.command('update', '', 100);
      box.ask('update 10');
      expect(box.ask('update 10')).toEqual({
        status: 100,
        stdout: answered('{"verb":"update","result":"failed","message":"update printed no result line (exit 100)"}', '10'),
        stderr: '',
      });
    } finally {
      box.remove();
    }
  });

  it('runs reboot-if-required at once, with the boot it answers from', () => {
    const box = scratch();
    try {
      const rebooting = '{"verb":"reboot-if-required","result":"ok","rebooting":true,"packages":"linux-image-5.15.0-105-generic"}';
      box.command('reboot-if-required', rebooting);
      expect(box.ask('reboot-if-required')).toEqual({ status: 0, stdout: answered(rebooting), stderr: '' });
      box.command('reboot-if-required', '{"verb":"reboot-if-required","result":"busy","message":"another maintenance command is running"}', 3);
      expect(box.ask('reboot-if-required').status).toBe(3);
    } finally {
      box.remove();
    }
  });
});

describeWithTool('shellcheck', 'the platform agent (shellcheck)', () => {
  it.each([
    ['the agent', AGENT_PATH],
    ['its job runner', AGENT_PATHS.jobRunner],
  ])('%s passes shellcheck', (_, target) => {
    const result = shellcheck(file(target).content);
    expect(result.stdout + result.stderr).toBe('');
  });
});

describeWithTool('/usr/sbin/visudo', 'the platform agent sudoers (visudo)', () => {
  it('is a valid sudoers file', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'sudoers-'));
    try {
      writeFileSync(path.join(dir, 'agent'), file('/etc/sudoers.d/bbb-platform-agent').content);
      const result = run('/usr/sbin/visudo', ['-c', '-q', '-f', path.join(dir, 'agent')]);
      expect({ status: result.status, output: result.stdout + result.stderr }).toEqual({ status: 0, output: '' });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

/** A private key in OpenSSH format, made by Debian's ssh-keygen. */
function keyPair(dir: string, name: string): { privateKey: string; publicKey: string } {
  const keyFile = path.join(dir, name);
  const made = run('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', name, '-f', keyFile]);
  if (made.status !== 0) throw new Error(made.stderr);
  return { privateKey: readFileSync(keyFile, 'utf8'), publicKey: readFileSync(`${keyFile}.pub`, 'utf8').trim() };
}

/**
 * Debian's sshd on loopback with the rendered drop-in, for the user running the test, with
 * a host key of its own. As root, sshd needs its privilege separation directory /run/sshd:
 * it runs in a mount namespace of its own with a private /run, so nothing outside the test
 * changes.
 */
async function startSshd(box: ReturnType<typeof scratch>, authorizedKey: string, name: string) {
  const user = userInfo().username;
  const hostKey = path.join(box.dir, `${name}_host_key`);
  run('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', hostKey]);
  const authorizedKeys = path.join(box.dir, `${name}_authorized_keys`);
  writeFileSync(authorizedKeys, `restrict,command="${box.agent}" ${authorizedKey}\n`, { mode: 0o600 });
  const dropIn = renderTemplate('bbb/platform-agent-sshd.conf', { agentUser: user, agentPath: box.agent, authorizedKeys });
  const port = await freePort();
  // As on Ubuntu 22.04: sshd_config includes the drop-ins first, and its own settings
  // follow (they must not fall under the drop-in's Match block).
  const dropIns = path.join(box.dir, `${name}_sshd_config.d`);
  mkdirSync(dropIns);
  writeFileSync(path.join(dropIns, '20-platform-agent.conf'), dropIn);
  const config = path.join(box.dir, `${name}_sshd_config`);
  writeFileSync(
    config,
    [
      `Include ${dropIns}/*.conf`,
      `Port ${port}`,
      'ListenAddress 127.0.0.1',
      `HostKey ${hostKey}`,
      `PidFile none`,
      'StrictModes no',
      'UsePAM no',
      'PasswordAuthentication no',
      'KbdInteractiveAuthentication no',
      `SetEnv PATH=${box.bin}:/usr/bin:/bin`,
      'X11Forwarding yes',
      'Subsystem sftp /usr/lib/openssh/sftp-server',
    ].join('\n'),
  );
  const command = `/usr/sbin/sshd -D -e -f ${config}`;
  const child: ChildProcess =
    process.getuid?.() === 0
      ? spawn('unshare', ['--mount', '--propagation', 'private', 'sh', '-c', `mount -t tmpfs tmpfs /run && mkdir -m 0755 /run/sshd && exec ${command}`])
      : spawn('sh', ['-c', `exec ${command}`]);
  let output = '';
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`sshd did not start:\n${output}`)), 10_000);
    child.stderr?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('Server listening')) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once('exit', () => reject(new Error(`sshd exited:\n${output}`)));
  });
  // OpenSSH's own fingerprint of the host key, as an operator reads it on the server.
  const fingerprint = run('ssh-keygen', ['-l', '-E', 'sha256', '-f', `${hostKey}.pub`]).stdout.split(' ')[1];
  return { port, user, fingerprint, stop: () => new Promise<void>((resolve) => (child.once('exit', () => resolve()), child.kill('SIGTERM'))) };
}

describeWithTool('/usr/sbin/sshd', 'the platform agent\u2019s channel through sshd', () => {
  let box: ReturnType<typeof scratch>;
  let sshd: Awaited<ReturnType<typeof startSshd>>;
  /** Another host answering at the server's place, with another host key. */
  let impostor: Awaited<ReturnType<typeof startSshd>>;
  let autoscaler: { privateKey: string; publicKey: string };
  let stranger: { privateKey: string; publicKey: string };
  const store = new FakeCoordinationStore(() => new Date());
  let token = 0;

  beforeAll(async () => {
    box = scratch();
    autoscaler = keyPair(box.dir, 'autoscaler');
    stranger = keyPair(box.dir, 'stranger');
    [sshd, impostor] = await Promise.all([startSshd(box, autoscaler.publicKey, 'server'), startSshd(box, autoscaler.publicKey, 'impostor')]);
    const taken = await store.acquire('test', 600_000);
    token = taken.acquired ? taken.token : -1;
  }, 20_000);
  afterAll(async () => {
    await Promise.all([sshd?.stop(), impostor?.stop()]);
    box?.remove();
  });

  const target: AgentTarget = { name: 'example-bbb-01', host: '127.0.0.1', ionosServerId: 'vm-1' };
  const channel = (privateKey: string, port = sshd.port) =>
    new SshPlatformAgent({ privateKey, user: sshd.user, port, timeoutMs: 10_000, hostKeyCheck: pinnedHostKeys(store, () => token) });

  // sshd runs a forced command through the account's login shell: an account without one
  // (nologin, as some CI users have) can log in but run nothing. The agent's own account has /bin/sh.
  // Locally such a user skips these with the reason; CI (.ci/run gives its tester /bin/sh) fails instead.
  const shell = userInfo().shell ?? '';
  const itSkipped = it.skip;
  const itRuns = (name: string, test: jest.ProvidesCallback) => {
    if (!/(nologin|false)$/.test(shell)) return it(name, test);
    const reason = `this user's login shell ${shell} runs no forced command`;
    if (process.env.CI) return it(name, () => { throw new Error(`${reason}: give the user running the tests a shell`); });
    return itSkipped(`${name} (skipped: ${reason})`, test);
  };

  itRuns('pins the server\u2019s host key at the first connection, as OpenSSH fingerprints it, and powers it off', async () => {
    await expect(channel(autoscaler.privateKey).send(target, { verb: 'poweroff' })).resolves.toEqual({ verb: 'poweroff', result: 'ok' });
    expect(box.calls().slice(-1)).toEqual(['systemctl poweroff --no-block']);
    expect((await store.hostKeys()).get(target.name)).toMatchObject({ ionosServerId: 'vm-1', fingerprint: sshd.fingerprint });
  });

  itRuns('runs an update job and reads its result through the channel', async () => {
    box.command('update', UPDATED);
    const agent = channel(autoscaler.privateKey);
    await expect(agent.send(target, { verb: 'update', job: '21', bbbVersion: '1:3.0.14-1' })).resolves.toEqual({ verb: 'update', result: 'started', job: '21', bootId: BOOT_ID });
    await expect(agent.send(target, { verb: 'update', job: '21' })).resolves.toEqual({ ...JSON.parse(UPDATED), job: '21', bootId: BOOT_ID });
    expect(box.calls()).toContain('update --bbb-version 1:3.0.14-1');
  });

  itRuns('refuses a host that offers another key for the same VM, and sends it nothing, until the pin is forgotten', async () => {
    const before = box.calls().length;
    const refused = channel(autoscaler.privateKey, impostor.port).send(target, { verb: 'reboot-if-required' });
    await expect(refused).rejects.toThrow(HostKeyChangedError);
    await expect(refused).rejects.toThrow(`ssh example-bbb-01: host key changed: ${impostor.fingerprint} offered, ${sshd.fingerprint} pinned for this VM; refused`);
    expect(box.calls()).toHaveLength(before);
    // A rebuilt server is another VM: its key is pinned afresh.
    await channel(autoscaler.privateKey, impostor.port).send({ ...target, ionosServerId: 'vm-2' }, { verb: 'poweroff' });
    expect((await store.hostKeys()).get(target.name)).toMatchObject({ ionosServerId: 'vm-2', fingerprint: impostor.fingerprint });
    await store.forgetHostKey(target.name);
    await channel(autoscaler.privateKey).send(target, { verb: 'poweroff' });
  });

  itRuns('names a request the agent does not know (an agent from before the verb)', async () => {
    await expect(channel(autoscaler.privateKey).send(target, { verb: 'update', job: 'next' })).rejects.toThrow(
      new UnknownVerbError('127.0.0.1', "'update next': the job is a number of up to 16 digits; usage: update <job> [--bbb-version <version>]"),
    );
  });

  itRuns('runs the agent whatever the client asks for, so the key can do nothing else', async () => {
    const exec = (command: string) =>
      new Promise<{ code: number | null; output: string }>((resolve, reject) => {
        const client = new Client();
        client.on('error', reject);
        client.on('ready', () =>
          client.exec(command, (error, stream) => {
            if (error) return reject(error);
            let output = '';
            stream.on('data', (chunk: Buffer) => (output += chunk.toString()));
            stream.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
            stream.on('exit', (code: number | null) => (client.end(), resolve({ code, output })));
          }),
        );
        client.connect({ host: '127.0.0.1', port: sshd.port, username: sshd.user, privateKey: autoscaler.privateKey, hostVerifier: () => true });
      });
    const before = box.calls().length;
    expect(await exec(`touch ${path.join(box.dir, 'escaped')}`)).toEqual({ code: 64, output: expect.stringContaining('unknown verb') });
    expect(await exec(`update 1 --bbb-version 1:3.0.14-1;touch ${path.join(box.dir, 'escaped')}`)).toEqual({ code: 64, output: expect.stringContaining('usage: update') });
    expect(await exec(`check 1 --bbb-version $(touch${'${IFS}'}${path.join(box.dir, 'escaped')})`)).toEqual({ code: 64, output: expect.stringContaining('not a package version') });
    expect(existsSync(path.join(box.dir, 'escaped'))).toBe(false);
    expect(box.calls()).toHaveLength(before);
  });

  it('is refused another key: the server has no channel for it', async () => {
    await expect(channel(stranger.privateKey).send(target, { verb: 'poweroff' })).rejects.toThrow(NoChannelError);
  });
});
