import type { EnvironmentConfig } from '../../config';
import { renderCloudConfig } from '../cloud-init';
import { nfsMount, type SharedStorage } from '../data';
import { PATCH_STATE_TIMER, WINDOW_TIMER } from '../maintenance';
import { PRIVATE_CIDR, privateAddress } from '../network';
import type { NodeFile } from './node-files';

export interface NodeCloudConfigProps {
  readonly hostname: string;
  readonly files: readonly NodeFile[];
  readonly sharedStorage?: SharedStorage;
}

/**
 * The default route through the NAT gateway (the node has no public address),
 * on-link on the private NIC because DHCP may announce a prefix narrower than the
 * address plan, which would leave the gateway off-link. Added by hand at every boot
 * for the first minutes (package installation), until configure-nics has declared
 * the same route in netplan, which then keeps it.
 */
const DEFAULT_ROUTE_VIA_NAT = [
  'sh',
  '-c',
  `nic=$(ip -o -4 addr show to ${PRIVATE_CIDR} | awk '{ print $2; exit }') && ` +
    `ip route replace default via ${privateAddress.natGateway} dev "$nic" onlink`,
];

/**
 * First boot of a Scalelite node: the route through the NAT gateway, Docker, the
 * node's files, the NFS mount, and the two systemd units that run the containers
 * and contend for the singleton lock.
 */
export function nodeCloudConfig(config: Pick<EnvironmentConfig, 'sshKeys'>, props: NodeCloudConfigProps): string {
  const { sharedStorage } = props;
  return renderCloudConfig(config, {
    hostname: props.hostname,
    bootcmd: [DEFAULT_ROUTE_VIA_NAT],
    defaultGateway: privateAddress.natGateway,
    packages: ['docker.io', 'docker-compose-v2', 'postgresql-client', ...(sharedStorage ? ['nfs-common'] : [])],
    writeFiles: props.files.map((file) => ({ path: file.path, content: file.content, permissions: file.mode })),
    ...(sharedStorage ? { mounts: [nfsMount(sharedStorage)] } : {}),
    runcmd: [
      ['systemctl', 'daemon-reload'],
      ['systemctl', 'enable', '--now', 'docker.service'],
      ['systemctl', 'enable', '--now', 'scalelite.service', 'scalelite-singletons.service'],
      ['systemctl', 'enable', '--now', PATCH_STATE_TIMER, WINDOW_TIMER],
    ],
  });
}
