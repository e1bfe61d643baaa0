/**
 * The NIC set-up script every VM runs each minute, run here against a stand-in
 * /sys/class/net, netplan directory, `ip` and `netplan`: a private NIC attached after
 * first boot, whose DHCP lease announces a /24 around its fixed address.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import * as yaml from 'js-yaml';
import { PRIVATE_CIDR } from '../../constructs/network';
import { renderTemplate } from '../../constructs/templates';
import { standIn } from '../support/stand-ins';

const script = renderTemplate('base/configure-nics.sh', { privateNetwork: PRIVATE_CIDR });

describe('configure-nics', () => {
  let dir: string;
  const netplanDir = () => path.join(dir, 'netplan');
  const applied = () => (existsSync(path.join(dir, 'applied')) ? readFileSync(path.join(dir, 'applied'), 'utf8').trim().split('\n').length : 0);
  const run = () =>
    spawnSync('sh', [path.join(dir, 'configure-nics')], {
      encoding: 'utf8',
      env: { PATH: `${path.join(dir, 'bin')}:/usr/bin:/bin`, NETPLAN_DIR: netplanDir(), SYS_NET: path.join(dir, 'net'), SANDBOX: dir },
    });

  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'nics-'));
    for (const sub of ['bin', 'netplan', 'net/lo', 'net/ens6', 'net/ens7']) mkdirSync(path.join(dir, sub), { recursive: true });
    writeFileSync(path.join(dir, 'configure-nics'), script);
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

  it('changes nothing and applies nothing on the next run', () => {
    run();
    const files = readdirSync(netplanDir()).sort();
    expect(run().status).toBe(0);
    expect(readdirSync(netplanDir()).sort()).toEqual(files);
    expect(files).toEqual(['50-cloud-init.yaml', '60-ens7.yaml', '61-ens7-private-network.yaml']);
    expect(applied()).toBe(1);
  });
});
