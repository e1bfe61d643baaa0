/**
 * The power-off channel for real: the platform agent as a BBB server receives it (run by
 * sh with stand-ins for sudo and systemctl), its sudoers file checked by visudo, and the
 * whole channel through Debian's sshd, configured by the rendered drop-in, with the
 * autoscaler's SSH client (ssh2) and an ED25519 key: the key runs the agent and nothing
 * else, whatever command the client asks for.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { userInfo, tmpdir } from 'node:os';
import * as path from 'node:path';
import { Client } from 'ssh2';
import { powerAgentSetup } from '../../constructs/bbb-pool/power-agent';
import { renderTemplate } from '../../constructs/templates';
import { AGENT_PATH, AGENT_USER } from '../../functions/autoscaler/agent';
import { NoChannelError, SshPowerAgent } from '../../functions/autoscaler/clients/power-agent';
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

/** A directory with the agent and stand-ins for the commands it calls. */
function scratch() {
  const dir = mkdtempSync(path.join(tmpdir(), 'platform-agent-'));
  const bin = path.join(dir, 'bin');
  mkdirSync(bin);
  const log = path.join(dir, 'calls');
  // Not root until sudo runs the agent again (AGENT_ROOT), as on the server.
  standIn(bin, 'id', 'if [ "$1" = -u ] && [ -n "${AGENT_ROOT:-}" ]; then echo 0; elif [ "$1" = -u ]; then echo 1000; else /usr/bin/id "$@"; fi');
  standIn(bin, 'sudo', `echo "sudo $*" >> ${log}\n[ "$1" = -n ] && shift\nAGENT_ROOT=1 exec "$@"`);
  standIn(bin, 'systemctl', `echo "systemctl $*" >> ${log}`);
  const agent = path.join(dir, 'bbb-platform-agent');
  writeFileSync(agent, file(AGENT_PATH).content, { mode: 0o755 });
  const calls = () => (existsSync(log) ? readFileSync(log, 'utf8').trim().split('\n') : []);
  return { dir, bin, agent, calls, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

describe('the platform agent', () => {
  it('is set up as the one command of the autoscaler key, root-owned, and an account without a password', () => {
    // The key is Terraform's, trimmed of its line end at apply time.
    expect(file('/etc/bbb-platform/agent/authorized_keys').content).toMatch(new RegExp(`^restrict,command="${AGENT_PATH}" \\$\\{TfToken\\[TOKEN\\.\\d+\\]\\}\\n$`));
    expect(file(AGENT_PATH).permissions).toBe('0755');
    expect(file('/etc/sudoers.d/bbb-platform-agent')).toMatchObject({ permissions: '0440', content: expect.stringContaining(`${AGENT_USER} ALL=(root) NOPASSWD: ${AGENT_PATH}\n`) });
    expect(file('/etc/ssh/sshd_config.d/20-platform-agent.conf').content).toContain(`ForceCommand ${AGENT_PATH}`);
    expect(setup.runcmd).toEqual([['sh', '-c', expect.stringMatching(/^id -u bbb-agent .* \|\| useradd --system .* --password '\*' bbb-agent$/)]]);
  });

  it('powers the server off through sudo for the verb poweroff, and refuses anything else', () => {
    const box = scratch();
    try {
      const env = { PATH: `${box.bin}:/usr/bin:/bin` };
      const powered = spawnSync('sh', [box.agent], { encoding: 'utf8', env: { ...env, SSH_ORIGINAL_COMMAND: 'poweroff' } });
      expect({ status: powered.status, stdout: powered.stdout, stderr: powered.stderr }).toEqual({ status: 0, stdout: 'powering off\n', stderr: '' });
      expect(box.calls()).toEqual([`sudo -n ${box.agent} poweroff`, 'systemctl poweroff --no-block']);
      for (const request of ['reboot', 'poweroff now', 'poweroff;id', '']) {
        const refused = spawnSync('sh', [box.agent], { encoding: 'utf8', env: { ...env, SSH_ORIGINAL_COMMAND: request } });
        expect({ request, status: refused.status, stderr: refused.stderr }).toEqual({ request, status: 64, stderr: `unknown verb '${request}'; this agent knows: poweroff\n` });
      }
      expect(box.calls()).toHaveLength(2);
    } finally {
      box.remove();
    }
  });
});

describeWithTool('shellcheck', 'the platform agent (shellcheck)', () => {
  it('passes shellcheck', () => {
    const result = shellcheck(file(AGENT_PATH).content);
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
 * Debian's sshd on loopback with the rendered drop-in, for the user running the test.
 * As root, sshd needs its privilege separation directory /run/sshd: it runs in a mount
 * namespace of its own with a private /run, so nothing outside the test changes.
 */
async function startSshd(box: ReturnType<typeof scratch>, authorizedKey: string) {
  const user = userInfo().username;
  const hostKey = path.join(box.dir, 'host_key');
  run('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', hostKey]);
  const authorizedKeys = path.join(box.dir, 'authorized_keys');
  writeFileSync(authorizedKeys, `restrict,command="${box.agent}" ${authorizedKey}\n`, { mode: 0o600 });
  const dropIn = renderTemplate('bbb/platform-agent-sshd.conf', { agentUser: user, agentPath: box.agent, authorizedKeys });
  const port = await freePort();
  // As on Ubuntu 22.04: sshd_config includes the drop-ins first, and its own settings
  // follow (they must not fall under the drop-in's Match block).
  mkdirSync(path.join(box.dir, 'sshd_config.d'));
  writeFileSync(path.join(box.dir, 'sshd_config.d', '20-platform-agent.conf'), dropIn);
  writeFileSync(
    path.join(box.dir, 'sshd_config'),
    [
      `Include ${path.join(box.dir, 'sshd_config.d')}/*.conf`,
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
  const command = `/usr/sbin/sshd -D -e -f ${path.join(box.dir, 'sshd_config')}`;
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
  return { port, user, stop: () => new Promise<void>((resolve) => (child.once('exit', () => resolve()), child.kill('SIGTERM'))) };
}

describeWithTool('/usr/sbin/sshd', 'the power-off channel through sshd', () => {
  let box: ReturnType<typeof scratch>;
  let sshd: Awaited<ReturnType<typeof startSshd>>;
  let autoscaler: { privateKey: string; publicKey: string };
  let stranger: { privateKey: string; publicKey: string };

  beforeAll(async () => {
    box = scratch();
    autoscaler = keyPair(box.dir, 'autoscaler');
    stranger = keyPair(box.dir, 'stranger');
    sshd = await startSshd(box, autoscaler.publicKey);
  }, 20_000);
  afterAll(async () => {
    await sshd?.stop();
    box?.remove();
  });

  const agentClient = (privateKey: string) => new SshPowerAgent({ privateKey, user: sshd.user, port: sshd.port, timeoutMs: 10_000 });

  // sshd runs a forced command through the account's login shell: an account without one
  // (nologin, as some CI users have) can log in but run nothing. The agent's own account has /bin/sh.
  const shell = userInfo().shell ?? '';
  const itRuns = /(nologin|false)$/.test(shell) ? it.skip : it;

  itRuns('asks the server to power off with the autoscaler key', async () => {
    await agentClient(autoscaler.privateKey).send('127.0.0.1', 'poweroff');
    expect(box.calls().slice(-1)).toEqual(['systemctl poweroff --no-block']);
  });

  itRuns('runs the agent whatever the client asks for, so the key can do nothing else', async () => {
    const exec = (command: string) =>
      new Promise<{ code: number | null; output: string }>((resolve, reject) => {
        const client = new Client();
        client.on('error', reject);
        client.on('ready', () =>
          client.exec(command, (error, channel) => {
            if (error) return reject(error);
            let output = '';
            channel.on('data', (chunk: Buffer) => (output += chunk.toString()));
            channel.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
            channel.on('exit', (code: number | null) => (client.end(), resolve({ code, output })));
          }),
        );
        client.connect({ host: '127.0.0.1', port: sshd.port, username: sshd.user, privateKey: autoscaler.privateKey, hostVerifier: () => true });
      });
    const before = box.calls().length;
    expect(await exec(`touch ${path.join(box.dir, 'escaped')}`)).toEqual({ code: 64, output: expect.stringContaining('unknown verb') });
    expect(existsSync(path.join(box.dir, 'escaped'))).toBe(false);
    expect(box.calls()).toHaveLength(before);
  });

  it('is refused another key: the server has no channel for it', async () => {
    await expect(agentClient(stranger.privateKey).send('127.0.0.1', 'poweroff')).rejects.toThrow(NoChannelError);
  });
});
