/**
 * A Scalelite node reaches the internet through the NAT gateway. Its boot command
 * runs here with a stand-in `ip` whose private address came with a /24 from DHCP, so
 * the gateway is off that prefix and only an on-link route reaches it.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import * as yaml from 'js-yaml';
import { PRIVATE_CIDR, privateAddress } from '../../constructs/network';
import { nodeCloudConfig } from '../../constructs/scalelite';
import { exampleConfig } from '../../testing/synth';
import { standIn } from '../support/stand-ins';

const cloudConfig = yaml.load(nodeCloudConfig(exampleConfig(), { hostname: 'example-scalelite-01', files: [] })) as { bootcmd: string[][] };

it('routes the default through the NAT gateway on-link on the private NIC', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'route-'));
  try {
    standIn(
      dir,
      'ip',
      `if [ "$*" = "-o -4 addr show to ${PRIVATE_CIDR}" ]; then\n` +
        '  echo "2: ens6    inet 10.20.1.1/24 metric 100 brd 10.20.1.255 scope global dynamic ens6"; exit 0\nfi\n' +
        `echo "$*" >> "${dir}/routes"`,
    );
    expect(cloudConfig.bootcmd).toHaveLength(1);
    const [command, ...args] = cloudConfig.bootcmd[0];
    const result = spawnSync(command, args, { encoding: 'utf8', env: { PATH: `${dir}:/usr/bin:/bin` } });
    expect(result.status).toBe(0);
    expect(readFileSync(path.join(dir, 'routes'), 'utf8')).toBe(`route replace default via ${privateAddress.natGateway} dev ens6 onlink\n`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
