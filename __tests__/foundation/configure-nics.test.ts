/**
 * The NIC set-up script every VM runs each minute, run here against a stand-in
 * /sys/class/net, netplan directory, `ip` and `netplan`: a private NIC attached after
 * first boot, whose DHCP lease announces a /24 around its fixed address. On a
 * Scalelite node (private NIC only) the netplan it writes goes through the real
 * `netplan generate`, which shows what systemd-networkd will manage.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import * as yaml from 'js-yaml';
import { PRIVATE_CIDR, privateAddress } from '../../constructs/network';
import { nodeCloudConfig } from '../../constructs/scalelite';
import { renderTemplate } from '../../constructs/templates';
import { exampleConfig } from '../../testing/synth';
import { standIn } from '../support/stand-ins';
import { describeWithTool, run as runTool } from '../support/tools';

const script = renderTemplate('base/configure-nics.sh', { privateNetwork: PRIVATE_CIDR, defaultGateway: '' });
const scaleliteNode = yaml.load(nodeCloudConfig(exampleConfig(), { hostname: 'example-scalelite-01', files: [] })) as {
  write_files: { path: string; content: string }[];
};
const scaleliteScript = scaleliteNode.write_files.find((file) => file.path === '/usr/local/sbin/configure-nics')!.content;

describe('configure-nics', () => {
  let dir: string;
  const netplanDir = () => path.join(dir, 'netplan');
  const applied = () => (existsSync(path.join(dir, 'applied')) ? readFileSync(path.join(dir, 'applied'), 'utf8').trim().split('\n').length : 0);
  const run = (content = script) => {
    writeFileSync(path.join(dir, 'configure-nics'), content);
    return spawnSync('sh', [path.join(dir, 'configure-nics')], {
      encoding: 'utf8',
      env: { PATH: `${path.join(dir, 'bin')}:/usr/bin:/bin`, NETPLAN_DIR: netplanDir(), SYS_NET: path.join(dir, 'net'), SANDBOX: dir },
    });
  };

  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'nics-'));
    for (const sub of ['bin', 'netplan', 'net/lo', 'net/ens6', 'net/ens7']) mkdirSync(path.join(dir, sub), { recursive: true });
    // cloud-init configured the NIC present at first boot (the public one).
    writeFileSync(path.join(netplanDir(), '50-cloud-init.yaml'), 'network:\n  version: 2\n  ethernets:\n    ens6:\n      dhcp4: true\n');
    standIn(path.join(dir, 'bin'), 'netplan', 'echo "$*" >> "$SANDBOX/applied"');
    standIn(
      path.join(dir, 'bin'),
      'ip',
      `[ "$*" = "-o -4 addr show to ${PRIVATE_CIDR}" ] || exit 1\n` +
        'echo "3: ens7    inet 10.20.10.5/24 metric 100 brd 10.20.10.255 scope global dynamic ens7\\       valid_lft 86000sec preferred_lft 86000sec"',
    );
  });

  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('brings up the NIC attached later with DHCP, without taking the default route', () => {
    expect(run().status).toBe(0);
    const document = yaml.load(readFileSync(path.join(netplanDir(), '60-ens7.yaml'), 'utf8'));
    expect(document).toEqual({ network: { version: 2, ethernets: { ens7: { dhcp4: true, 'dhcp4-overrides': { 'use-routes': false } } } } });
  });

  it('routes the whole private network on-link from the NIC holding a private address', () => {
    expect(run().status).toBe(0);
    const document = yaml.load(readFileSync(path.join(netplanDir(), '61-ens7-private-network.yaml'), 'utf8'));
    expect(document).toEqual({ network: { version: 2, ethernets: { ens7: { routes: [{ to: PRIVATE_CIDR, scope: 'link', metric: 50 }] } } } });
    expect(applied()).toBe(1);
  });

  it('declares no default route on a VM whose public NIC has one from DHCP', () => {
    run();
    expect(readFileSync(path.join(netplanDir(), '61-ens7-private-network.yaml'), 'utf8')).not.toContain('default');
  });

  it('changes nothing and applies nothing on the next run', () => {
    run();
    const files = readdirSync(netplanDir()).sort();
    expect(run().status).toBe(0);
    expect(readdirSync(netplanDir()).sort()).toEqual(files);
    expect(files).toEqual(['50-cloud-init.yaml', '60-ens7.yaml', '61-ens7-private-network.yaml']);
    expect(applied()).toBe(1);
  });
});

describeWithTool('netplan', 'the default route of a Scalelite node', () => {
  it('is declared on-link through the NAT gateway, so systemd-networkd owns it instead of removing it', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'netplan-'));
    try {
      const netplanDir = path.join(dir, 'etc/netplan');
      for (const sub of ['bin', 'etc/netplan', 'net/ens6']) mkdirSync(path.join(dir, sub), { recursive: true });
      // The node's only NIC is private; cloud-init configured it at first boot.
      writeFileSync(
        path.join(netplanDir, '50-cloud-init.yaml'),
        'network:\n  version: 2\n  ethernets:\n    ens6:\n      dhcp4: true\n      match:\n        macaddress: "02:01:0a:14:01:01"\n      set-name: ens6\n',
        { mode: 0o600 },
      );
      writeFileSync(path.join(dir, 'configure-nics'), scaleliteScript);
      standIn(path.join(dir, 'bin'), 'netplan', 'exit 0');
      standIn(
        path.join(dir, 'bin'),
        'ip',
        `[ "$*" = "-o -4 addr show to ${PRIVATE_CIDR}" ] || exit 1\n` + 'echo "2: ens6    inet 10.20.1.1/24 metric 100 brd 10.20.1.255 scope global dynamic ens6"',
      );
      const result = spawnSync('sh', [path.join(dir, 'configure-nics')], {
        encoding: 'utf8',
        env: { PATH: `${path.join(dir, 'bin')}:/usr/bin:/bin`, NETPLAN_DIR: netplanDir, SYS_NET: path.join(dir, 'net') },
      });
      expect(result.status).toBe(0);

      const generated = runTool('netplan', ['generate', '--root-dir', dir]);
      expect(generated.stderr).toBe('');
      expect(generated.status).toBe(0);
      const network = readFileSync(path.join(dir, 'run/systemd/network/10-netplan-ens6.network'), 'utf8');
      const routes = network.split(/\n(?=\[)/).filter((section) => section.startsWith('[Route]'));
      expect(routes).toContainEqual(
        `[Route]\nDestination=0.0.0.0/0\nGateway=${privateAddress.natGateway}\nGatewayOnLink=true\n`,
      );
      expect(routes).toContainEqual(`[Route]\nDestination=${PRIVATE_CIDR}\nScope=link\nMetric=50\n`);
      expect(network).toContain('DHCP=ipv4');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
