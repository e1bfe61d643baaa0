import type { EnvironmentConfig } from '../../config';
import { renderCloudConfig } from '../cloud-init';
import { nfsMount, type SharedStorage } from '../data';
import { privateAddress } from '../network';
import type { NodeFile } from './node-files';

export interface NodeCloudConfigProps {
  readonly hostname: string;
  readonly files: readonly NodeFile[];
  readonly sharedStorage?: SharedStorage;
}

/**
 * First boot of a Scalelite node: the route through the NAT gateway (the node has
 * no public address), Docker, the node's files, the NFS mount, and the two systemd
 * units that run the containers and contend for the singleton lock.
 */
export function nodeCloudConfig(config: Pick<EnvironmentConfig, 'sshKeys'>, props: NodeCloudConfigProps): string {
  const { sharedStorage } = props;
  return renderCloudConfig(config, {
    hostname: props.hostname,
    bootcmd: [['ip', 'route', 'replace', 'default', 'via', privateAddress.natGateway]],
    packages: ['docker.io', 'docker-compose-v2', 'postgresql-client', ...(sharedStorage ? ['nfs-common'] : [])],
    writeFiles: props.files.map((file) => ({ path: file.path, content: file.content, permissions: file.mode })),
    ...(sharedStorage ? { mounts: [nfsMount(sharedStorage)] } : {}),
    runcmd: [
      ['systemctl', 'daemon-reload'],
      ['systemctl', 'enable', '--now', 'docker.service'],
      ['systemctl', 'enable', '--now', 'scalelite.service', 'scalelite-singletons.service'],
    ],
  });
}
