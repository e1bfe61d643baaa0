import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import * as yaml from 'js-yaml';
import { bbbCloudConfigRenderer, renderBbbCloudConfig, renderTurnStunServers } from '../../constructs/bbb-pool/bbb-cloud-config';
import { bbbRelease } from '../../constructs/bbb-pool/release';
import { SPOOL_DIR, SPOOL_GID } from '../../constructs/data';
import { exampleConfig } from '../../testing/synth';
import { standIn } from '../support/stand-ins';
import { describeWithTool, run } from '../support/tools';
import { cloudInitSchema } from '../support/validators';
import { resources, synthBbb } from './synth-bbb';
import { parseUnit, verifyUnits } from './systemd-units';
import { decodeUserData, standInValues, userDataOf } from '../../testing/user-data';

const config = exampleConfig();
const { bbb } = synthBbb(config);
const server03 = resources(bbb, 'ionoscloud_server').find(([, body]) => body.name === 'example-bbb-03')![1];
const cloudConfig = decodeUserData(userDataOf(server03), standInValues);
const document = yaml.load(cloudConfig.replace(/^#cloud-config\n/, '')) as Record<string, any>;
const file = (filePath: string) => {
  const found = (document.write_files as { path: string; content: string; permissions: string }[]).find((entry) => entry.path === filePath);
  if (!found) throw new Error(`no file ${filePath} in cloud-config`);
  return found;
};
const setupEnv = Object.fromEntries(
  file('/etc/bbb-platform/setup.env')
    .content.split('\n')
    .filter((line) => /^[A-Z_]+=/.test(line))
    .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
);

describe('BBB server cloud-config', () => {
  it("is rendered once for the pool, to the same text as each server's own rendering", () => {
    const config = exampleConfig();
    const shared = {
      turn: { hostnames: ['turn-01.bbb.example.org', 'turn-02.bbb.example.org'], secret: '${TfToken[TOKEN.7]}' },
      recordings: { server: '10.20.3.4', exportPath: '/recordings' },
      powerAgentKey: 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIBzV0Y0f7P2S3kz4X0yq5m1fJ9yS2H0Q0gq6m2cQb7Zp autoscaler',
    };
    const render = bbbCloudConfigRenderer(config, shared);
    const machines = [
      { fqdn: 'bbb-01.bbb.example.org', bbbSecret: '${TfToken[TOKEN.12]}' },
      { fqdn: 'bbb-117.schulen.example.de', bbbSecret: 'Xy7literal0secret' },
    ];
    // The rendering makes tokens of its own (the agent's key, trimmed): each call new ones, which resolve alike.
    const ownTokens = (text: string) => text.replace(/\$\{TfToken\[TOKEN\.(\d+)\]\}/g, (token, id: string) => (['7', '12'].includes(id) ? token : '${TfToken[own]}'));
    for (const machine of machines) expect(ownTokens(render(machine))).toBe(ownTokens(renderBbbCloudConfig(config, { ...shared, ...machine })));
  });

  it('is a #cloud-config document for bbb-03', () => {
    expect(cloudConfig.startsWith('#cloud-config\n')).toBe(true);
    expect(document).toMatchObject({ hostname: 'bbb-03', fqdn: 'bbb-03.bbb.example.org', ssh_pwauth: false, disable_root: true });
  });

  it('installs one pinned BigBlueButton release with one pinned installer commit, Let\u2019s Encrypt and the external TURN server', () => {
    expect(setupEnv).toMatchObject({
      BBB_HOSTNAME: 'bbb-03.bbb.example.org',
      ACME_EMAIL: 'ops@example.org',
      BBB_INSTALL_COMMIT: '26ce2d16c2a82ef962d685525b0c20bb89d4d151',
      BBB_INSTALL_VERSION: 'jammy-300-3.0.14',
      TURN_HOSTNAME: 'turn-01.bbb.example.org',
    });
    // A commit, not a branch; and one release's repository, not jammy-300, which follows every release.
    expect(setupEnv.BBB_INSTALL_COMMIT).toMatch(/^[0-9a-f]{40}$/);
    expect(setupEnv.BBB_INSTALL_VERSION).toMatch(/^jammy-300-3\.0\.\d+$/);
    const script = file('/usr/local/sbin/bbb-platform-setup').content;
    expect(script).toContain('https://raw.githubusercontent.com/bigbluebutton/bbb-install/$BBB_INSTALL_COMMIT/bbb-install.sh');
    expect(script).toContain('args=(-v "$BBB_INSTALL_VERSION" -s "$BBB_HOSTNAME" -e "$ACME_EMAIL")');
    expect(script).toContain('args+=(-c "$TURN_HOSTNAME:$TURN_SECRET")');
    expect(script).toContain('bbb-conf --setsecret "$BBB_SECRET"');
  });

  it('lets the installer wait for the package lock first-boot updates may hold', () => {
    expect(file('/etc/apt/apt.conf.d/90-lock-timeout').content).toMatch(/^DPkg::Lock::Timeout "\d+";$/m);
  });

  it('receives its own API secret and the shared TURN secret from Terraform', () => {
    expect(setupEnv.BBB_SECRET).toMatch(/^secretPoolServer3ApiSecret[0-9A-F]+$/);
    expect(setupEnv.TURN_SECRET).toMatch(/^secretTurnSecret[0-9A-F]+$/);
    expect(file('/etc/bbb-platform/exporter.env').content).toContain(`API_SECRET=${setupEnv.BBB_SECRET}`);
    for (const secretFile of ['setup.env', 'exporter.env', 'turn-stun-servers.xml']) {
      expect(file(`/etc/bbb-platform/${secretFile}`).permissions).toBe('0600');
    }
  });

  it('points the exporter at the server\u2019s own API', () => {
    expect(file('/etc/bbb-platform/exporter.env').content).toContain('API_BASE_URL=https://bbb-03.bbb.example.org/bigbluebutton/api/');
  });

  it('offers TURN on 3478 and TLS on 443 to clients', () => {
    const xml = file('/etc/bbb-platform/turn-stun-servers.xml').content;
    expect(XMLValidator.validate(xml)).toBe(true);
    const beans = new XMLParser({ ignoreAttributes: false }).parse(xml).beans.bean as Record<string, any>[];
    const turnUrls = beans
      .filter((bean) => bean['@_class'] === 'org.bigbluebutton.web.services.turn.TurnServer')
      .map((bean) => bean['constructor-arg'][1]['@_value']);
    expect(turnUrls).toEqual(['turn:turn-01.bbb.example.org:3478', 'turns:turn-01.bbb.example.org:443?transport=tcp']);
    expect(xml).toContain(`value="${setupEnv.TURN_SECRET}"`);
  });

  it('transfers recordings to the Scalelite spool on the shared NFS volume', () => {
    expect(setupEnv.RECORDINGS_NFS_SOURCE).toMatch(/^10\.20\.3\.30:/);
    expect(document.packages).toContain('nfs-common');
    const transfer = yaml.load(file('/etc/bbb-platform/scalelite.yml').content) as Record<string, unknown>;
    expect(transfer.spool_dir).toBe(SPOOL_DIR);
    expect(file('/usr/local/sbin/bbb-platform-setup').content).toContain(`SPOOL_GID=${SPOOL_GID}`);
    expect(setupEnv.SCALELITE_RELEASE).toMatch(/^v\d+\.\d+\.\d+$/);
  });
});

describe('BBB setup as a systemd service', () => {
  const unitText = file('/etc/systemd/system/bbb-platform-setup.service').content;
  const unit = parseUnit(unitText);
  const script = file('/usr/local/sbin/bbb-platform-setup');

  it('is started by cloud-init without waiting, instead of being run once by it', () => {
    expect(document.runcmd).toEqual(
      expect.arrayContaining([
        ['systemctl', 'daemon-reload'],
        ['systemctl', 'enable', 'bbb-platform-setup.service', 'certbot-renew-at-boot.service'],
        ['systemctl', 'start', '--no-block', 'bbb-platform-setup.service'],
      ]),
    );
    expect(document.runcmd.findIndex((command: string[]) => command.includes('daemon-reload'))).toBeLessThan(
      document.runcmd.findIndex((command: string[]) => command.includes('--no-block')),
    );
    expect(document.runcmd).not.toContainEqual(['/usr/local/sbin/bbb-platform-setup']);
  });

  it('runs the setup script again after every failure, without a limit on attempts', () => {
    expect(unit.Service).toMatchObject({ ExecStart: [script.path], Restart: ['on-failure'], RestartSec: ['10min'] });
    expect(unit.Unit.StartLimitIntervalSec).toEqual(['0']);
    expect(script.permissions).toBe('0755');
  });

  it('runs after the network is up, also on later boots until it has succeeded once', () => {
    expect(unit.Unit).toMatchObject({ Wants: ['network-online.target'], After: ['network-online.target'] });
    expect(unit.Install.WantedBy).toEqual(['multi-user.target']);
    expect(unit.Unit.ConditionPathExists).toEqual(['!/var/lib/bbb-platform/setup-done']);
  });

  it('does not hold up the boot while BigBlueButton installs', () => {
    expect(unit.Service.Type).toEqual(['exec']);
  });

  it('marks success only as the script\u2019s last step, after the installation checked out, at the path the unit checks', () => {
    expect(script.content).toMatch(/^set -euo pipefail$/m);
    expect(script.content).toContain("DONE_MARKER='/var/lib/bbb-platform/setup-done'");
    expect(script.content).toContain("VERIFY_SCRIPT='/usr/local/sbin/bbb-platform-verify'");
    const main = /^main\(\) \{\n([\s\S]*?)\n\}$/m.exec(script.content)![1].split('\n').map((line) => line.trim());
    expect(main.slice(-3)).toEqual(['"$VERIFY_SCRIPT" "$BBB_HOSTNAME"', 'mark_done', 'log "done"']);
    expect(file('/usr/local/sbin/bbb-platform-verify').permissions).toBe('0755');
  });

  it('finishes packages an interrupted attempt left unconfigured before installing', () => {
    const main = /^main\(\) \{\n([\s\S]*?)\n\}$/m.exec(script.content)![1];
    expect(main.indexOf('finish_interrupted_packages')).toBeLessThan(main.indexOf('install_bigbluebutton'));
    expect(script.content).toContain('dpkg --configure -a');
  });
});

describe('BBB certificate renewal after boot', () => {
  const unit = parseUnit(file('/etc/systemd/system/certbot-renew-at-boot.service').content);

  it('renews at once, without certbot\u2019s random sleep, and reloads nginx with a new certificate', () => {
    expect(unit.Service.ExecStart).toEqual([
      '/usr/bin/certbot renew --non-interactive --no-random-sleep-on-renew --deploy-hook "systemctl reload nginx"',
    ]);
    expect(unit.Service.Type).toEqual(['oneshot']);
  });

  it('runs on every boot once the network and nginx (the challenge webroot) are up', () => {
    expect(unit.Install.WantedBy).toEqual(['multi-user.target']);
    expect(unit.Unit).toMatchObject({ Wants: ['network-online.target'], After: ['network-online.target nginx.service'] });
  });

  it('cannot hold up the boot: bounded in time and required by nothing', () => {
    expect(unit.Service.TimeoutStartSec).toEqual(['10min']);
    expect(unit.Install.RequiredBy).toBeUndefined();
    expect(unit.Unit.Before).toBeUndefined();
  });
});

describe('BBB cloud-config without recordings and external TURN', () => {
  const bare = yaml.load(
    renderBbbCloudConfig(config, { fqdn: 'bbb-01.bbb.example.org', bbbSecret: 'secret01' }).replace(/^#cloud-config\n/, ''),
  ) as Record<string, any>;
  const paths = (bare.write_files as { path: string }[]).map((entry) => entry.path);

  it('skips the NFS client, the transfer config and the TURN list', () => {
    expect(bare.packages).not.toContain('nfs-common');
    expect(paths).not.toContain('/etc/bbb-platform/scalelite.yml');
    expect(paths).not.toContain('/etc/bbb-platform/turn-stun-servers.xml');
    const env = bare.write_files.find((entry: { path: string }) => entry.path === '/etc/bbb-platform/setup.env').content as string;
    expect(env).toMatch(/^TURN_HOSTNAME=$/m);
    expect(env).toMatch(/^RECORDINGS_NFS_SOURCE=$/m);
  });

  it('rejects an unknown BBB version and an empty TURN list', () => {
    expect(() => bbbRelease('2.7')).toThrow('bbb.version: no installer release is known for "2.7" (known: 3.0)');
    expect(() => renderTurnStunServers({ hostnames: [], secret: 'x' })).toThrow('TurnEndpoint: hostnames must name at least one TURN server');
  });
});

describeWithTool('cloud-init', 'BBB cloud-config schema', () => {
  it('passes cloud-init schema validation', () => {
    const result = cloudInitSchema(cloudConfig);
    expect(`${result.stdout}${result.stderr}`).toMatch(/^Valid (cloud-config|schema)/m);
    expect(result.status).toBe(0);
  });
});

describeWithTool('systemd-analyze', 'BBB units', () => {
  it('pass systemd-analyze verify', () => {
    const units = ['bbb-platform-setup.service', 'certbot-renew-at-boot.service'];
    expect(verifyUnits(Object.fromEntries(units.map((name) => [name, file(`/etc/systemd/system/${name}`).content])))).toEqual([]);
  });
});

describeWithTool('shellcheck', 'BBB setup scripts', () => {
  it.each(['/usr/local/sbin/bbb-platform-setup', '/usr/local/sbin/bbb-platform-verify'])('%s is shellcheck-clean as delivered', (scriptPath) => {
    const result = run('shellcheck', ['-s', 'bash', '-'], { input: file(scriptPath).content });
    expect(result.stdout + result.stderr).toBe('');
    expect(result.status).toBe(0);
  });
});

describe('the installation check', () => {
  // As bbb-conf --check prints a server in order: warnings it always has here (no ufw, the
  // firewall is IONOS's), no errors.
  const CLEAN_CHECK = [
    'BigBlueButton Server 3.0.14 (3262)',
    '# Potential problems described below',
    '# Warning: No firewall detected.  Recommend using setting up a firewall for your server',
  ].join('\n');
  let dir: string;

  function verify(stands: { audit?: string; check?: string; checkStatus?: number; api?: string }) {
    writeFileSync(path.join(dir, 'verify'), file('/usr/local/sbin/bbb-platform-verify').content);
    // Strict stand-ins: each answers only the call the check makes, like the real tool would.
    standIn(path.join(dir, 'bin'), 'dpkg', `[ "$*" = "--audit" ] || exit 2\nprintf '%s' '${stands.audit ?? ''}'`);
    standIn(path.join(dir, 'bin'), 'bbb-conf', `[ "$*" = "--check" ] || exit 1\ncat <<'OUT'\n${stands.check ?? CLEAN_CHECK}\nOUT\nexit ${stands.checkStatus ?? 0}`);
    standIn(
      path.join(dir, 'bin'),
      'curl',
      'for url; do :; done\n[ "$url" = "https://bbb-03.bbb.example.org/bigbluebutton/api" ] || exit 6\n' +
        (stands.api === undefined ? 'echo "curl: (60) SSL certificate problem" >&2; exit 60' : `echo '${stands.api}'`),
    );
    return spawnSync('bash', [path.join(dir, 'verify'), 'bbb-03.bbb.example.org'], { encoding: 'utf8', env: { PATH: `${path.join(dir, 'bin')}:/usr/bin:/bin` } });
  }

  const SUCCESS = '<response><returncode>SUCCESS</returncode><version>2.0</version></response>';

  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'bbb-verify-'));
    mkdirSync(path.join(dir, 'bin'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('passes a server whose packages are configured, whose check shows no error and whose API answers over HTTPS', () => {
    const result = verify({ api: SUCCESS });
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
  });

  it.each([
    ['a package left unconfigured', { audit: 'The following packages are only half configured: bbb-web', api: SUCCESS }, 'packages not fully installed:'],
    [
      'a service bbb-conf finds not started',
      { check: `${CLEAN_CHECK}\n# Error: Detected some processes have not started correctly`, api: SUCCESS },
      '# Error: Detected some processes have not started correctly',
    ],
    ['nginx not running', { check: `${CLEAN_CHECK}\n# Not running:  Nginx`, api: SUCCESS }, '# Not running:  Nginx'],
    ['bbb-conf itself failing (the default secret)', { check: '# Warning: Detected you have the default shared secret.', checkStatus: 1, api: SUCCESS }, 'bbb-conf --check failed'],
    ['the API not answering SUCCESS', { api: '<response><returncode>FAILED</returncode></response>' }, 'does not answer SUCCESS'],
    ['the certificate not verifying', {}, 'does not answer SUCCESS'],
  ] as [string, Parameters<typeof verify>[0], string][])('fails a server with %s', (_, stands, message) => {
    const result = verify(stands);
    expect(result.stderr).toContain(message);
    expect(result.status).toBe(1);
  });
});

describeWithTool('docker-compose', 'BBB exporters compose file', () => {
  it('is a valid Compose file', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'bbb-compose-'));
    try {
      writeFileSync(path.join(dir, 'exporters.compose.yml'), file('/etc/bbb-platform/exporters.compose.yml').content);
      writeFileSync(path.join(dir, 'exporter.env'), file('/etc/bbb-platform/exporter.env').content);
      const result = run('docker-compose', ['-f', path.join(dir, 'exporters.compose.yml'), 'config', '-q'], { cwd: dir });
      expect(result.stderr).toBe('');
      expect(result.status).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('pins both exporter images and uses the ports the monitoring contract names', () => {
    const compose = yaml.load(file('/etc/bbb-platform/exporters.compose.yml').content) as Record<string, any>;
    expect(compose.services['node-exporter'].image).toMatch(/^quay\.io\/prometheus\/node-exporter:v\d+\.\d+\.\d+$/);
    expect(compose.services['node-exporter'].command).toContain('--web.listen-address=:9100');
    expect(compose.services['bbb-exporter'].image).toMatch(/^greenstatic\/bigbluebutton-exporter:v\d+\.\d+\.\d+$/);
  });
});
