/**
 * A typed subset of cloud-config (https://cloudinit.readthedocs.io) and its
 * rendering with js-yaml. Constructs describe what a machine needs; this module
 * turns it into the `#cloud-config` document that `cloud-init schema` validates.
 */
import * as yaml from 'js-yaml';
import type { EnvironmentConfig } from '../../config';
import { PRIVATE_CIDR } from '../network/address-plan';
import { readTemplate, renderTemplate } from '../templates';

export interface WriteFile {
  readonly path: string;
  readonly content: string;
  /** Octal mode as cloud-init expects it, e.g. '0644'. @default '0644' */
  readonly permissions?: string;
  /** @default 'root:root' */
  readonly owner?: string;
  /** Write after users and packages exist (needed for files owned by them). @default false */
  readonly defer?: boolean;
}

export interface CloudConfig {
  readonly hostname: string;
  readonly fqdn?: string;
  readonly packages?: readonly string[];
  readonly writeFiles?: readonly WriteFile[];
  readonly runcmd?: readonly (string | readonly string[])[];
  readonly mounts?: readonly (readonly string[])[];
  readonly bootcmd?: readonly (string | readonly string[])[];
  /**
   * For a machine without a public NIC: the gateway of its default route, declared
   * on-link in netplan on the private NIC (base/configure-nics.sh).
   * @default the default route DHCP hands out on the public NIC
   */
  readonly defaultGateway?: string;
}

/** The login account on every VM; SSH keys only, sudo without password. */
export const OPS_USER = 'ops';

export function renderCloudConfig(config: Pick<EnvironmentConfig, 'sshKeys'>, machine: CloudConfig): string {
  const document = {
    hostname: machine.hostname,
    ...(machine.fqdn ? { fqdn: machine.fqdn, prefer_fqdn_over_hostname: false } : {}),
    users: [
      {
        name: OPS_USER,
        groups: ['sudo'],
        shell: '/bin/bash',
        sudo: 'ALL=(ALL) NOPASSWD:ALL',
        lock_passwd: true,
        ssh_authorized_keys: [...config.sshKeys],
      },
    ],
    disable_root: true,
    ssh_pwauth: false,
    package_update: true,
    package_upgrade: false,
    // needrestart: the maintenance commands restart what still runs replaced files (constructs/maintenance).
    packages: ['ca-certificates', 'curl', 'needrestart', ...(machine.packages ?? [])],
    write_files: [
      { path: '/etc/ssh/sshd_config.d/10-hardening.conf', content: readTemplate('base/sshd-hardening.conf'), permissions: '0644' },
      { path: '/usr/local/sbin/configure-nics', content: renderTemplate('base/configure-nics.sh', { privateNetwork: PRIVATE_CIDR, defaultGateway: machine.defaultGateway ?? '' }), permissions: '0755' },
      { path: '/etc/systemd/system/configure-nics.service', content: readTemplate('base/configure-nics.service'), permissions: '0644' },
      { path: '/etc/systemd/system/configure-nics.timer', content: readTemplate('base/configure-nics.timer'), permissions: '0644' },
      ...(machine.writeFiles ?? []).map(toCloudInitFile),
    ],
    ...(machine.bootcmd ? { bootcmd: machine.bootcmd } : {}),
    ...(machine.mounts ? { mounts: machine.mounts } : {}),
    runcmd: [['systemctl', 'reload', 'ssh'], ['systemctl', 'enable', '--now', 'configure-nics.timer'], ...(machine.runcmd ?? [])],
  };
  return `#cloud-config\n${yaml.dump(document, { lineWidth: -1, noRefs: true, quotingType: '"' })}`;
}

function toCloudInitFile(file: WriteFile) {
  return {
    path: file.path,
    content: file.content,
    permissions: file.permissions ?? '0644',
    owner: file.owner ?? 'root:root',
    ...(file.defer ? { defer: true } : {}),
  };
}
