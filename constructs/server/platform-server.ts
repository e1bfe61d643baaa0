import { Fn, type ITerraformDependable } from 'cdktf';
import { Construct } from 'constructs';
import { Nic } from '../../.gen/providers/ionoscloud/nic';
import { Server, type ServerNicFirewall } from '../../.gen/providers/ionoscloud/server';
import type { EnvironmentConfig } from '../../config';
import type { Network, PublicAddress } from '../network';
import type { ServerRole } from '../../conventions/naming';
import { terraformString } from '../terraform-string';

/** An inbound rule on the public NIC; everything not listed is dropped. */
export interface InboundRule {
  readonly name: string;
  readonly protocol: 'TCP' | 'UDP' | 'ICMP';
  readonly ports?: readonly [from: number, to: number] | number;
  /** A CIDR or address. @default any source */
  readonly source?: string;
}

export interface PlatformServerProps {
  readonly config: EnvironmentConfig;
  readonly network: Network;
  /** Physical name, from conventions/naming. */
  readonly name: string;
  readonly role: ServerRole;
  readonly cores: number;
  readonly ramGb: number;
  readonly diskGb: number;
  /**
   * The rendered #cloud-config document. It may hold Terraform references (secrets);
   * everything else reaches the VM byte for byte, base64-encoded here.
   */
  readonly userData: string;
  readonly privateIp: string;
  /** A reserved public address; without one the server lives on the private LAN only. */
  readonly publicAddress?: PublicAddress;
  /** @default no inbound traffic on the public NIC */
  readonly inbound?: readonly InboundRule[];
  /**
   * Attributes Terraform must not reconcile because something else owns them
   * (the autoscaler owns power state and hot-plugged size of BBB servers).
   * @default none
   */
  readonly ignoreChanges?: readonly string[];
  /**
   * Whether a change of an immutable attribute (the image, the boot disk type) may
   * destroy and recreate the server. Off by default so such a change fails
   * the plan instead. First-boot attributes are always ignored.
   * @default false
   */
  readonly allowReplace?: boolean;
  readonly dependsOn?: ITerraformDependable[];
}

/**
 * What a server reads at its first boot only. The user data is immutable on IONOS: a
 * change would fail the plan (or, with allowReplace, rebuild every VM for a template
 * edit). The server-level SSH keys are sent only when the server is created: the
 * provider (6.7.12, ionoscloud/resource_server.go) neither reads them back nor sends a
 * change, so a new key would show as an update that changes nothing. Running VMs
 * receive later configuration by push; the README says how to roll out new SSH keys.
 */
const FIRST_BOOT_ATTRIBUTES = ['volume[0].user_data', 'ssh_keys'] as const;

/** Ubuntu 22.04 LTS, the release BigBlueButton 3.0 supports; used for every VM. */
export const UBUNTU_IMAGE = 'ubuntu:22.04';

/**
 * A VM of the platform: an ENTERPRISE server (dedicated cores) booting Ubuntu with
 * cloud-init, an optional public NIC with an active firewall, and a private NIC at a
 * fixed address.
 */
export class PlatformServer extends Construct {
  readonly server: Server;
  readonly privateIp: string;
  readonly publicIp?: string;
  readonly role: ServerRole;

  constructor(scope: Construct, id: string, props: PlatformServerProps) {
    super(scope, id);
    const { network, publicAddress } = props;
    this.privateIp = props.privateIp;
    this.publicIp = publicAddress?.ip;
    this.role = props.role;

    const primaryNic = publicAddress
      ? {
          name: 'public',
          lan: network.publicLanId,
          dhcp: true,
          ips: [publicAddress.ip],
          firewallActive: true,
          firewallType: 'INGRESS',
          firewall: (props.inbound ?? []).map(toFirewallRule),
        }
      : { name: 'private', lan: network.privateLanId, dhcp: true, ips: [props.privateIp], firewallActive: false };

    this.server = new Server(this, 'Server', {
      datacenterId: network.datacenter.id,
      name: props.name,
      type: 'ENTERPRISE',
      cores: props.cores,
      ram: props.ramGb * 1024,
      availabilityZone: 'AUTO',
      imageName: UBUNTU_IMAGE,
      allowReplace: props.allowReplace ?? false,
      sshKeys: props.config.sshKeys,
      volume: {
        name: `${props.name}-system`,
        size: props.diskGb,
        diskType: 'SSD Standard',
        userData: Fn.base64encode(terraformString(props.userData)),
      },
      nic: primaryNic,
      label: [{ key: 'role', value: props.role }],
      dependsOn: props.dependsOn,
      lifecycle: { ignoreChanges: [...new Set([...(props.ignoreChanges ?? []), ...FIRST_BOOT_ATTRIBUTES])] },
    });

    if (publicAddress) {
      new Nic(this, 'PrivateNic', {
        datacenterId: network.datacenter.id,
        serverId: this.server.id,
        name: 'private',
        lan: network.privateLanId,
        dhcp: true,
        ips: [props.privateIp],
        firewallActive: false,
      });
    }
  }
}

function toFirewallRule(rule: InboundRule): ServerNicFirewall {
  const [start, end] = typeof rule.ports === 'number' ? [rule.ports, rule.ports] : (rule.ports ?? []);
  return {
    name: rule.name,
    protocol: rule.protocol,
    type: 'INGRESS',
    ...(start !== undefined ? { portRangeStart: start, portRangeEnd: end } : {}),
    ...(rule.source ? { sourceIp: rule.source } : {}),
  };
}
