import { Fn } from 'cdktf';
import { Construct } from 'constructs';
import { Datacenter } from '../../.gen/providers/ionoscloud/datacenter';
import { DnsRecord } from '../../.gen/providers/ionoscloud/dns-record';
import { DnsZone } from '../../.gen/providers/ionoscloud/dns-zone';
import { Ipblock } from '../../.gen/providers/ionoscloud/ipblock';
import { Lan } from '../../.gen/providers/ionoscloud/lan';
import { Natgateway } from '../../.gen/providers/ionoscloud/natgateway';
import { NatgatewayRule } from '../../.gen/providers/ionoscloud/natgateway-rule';
import type { EnvironmentConfig } from '../../config';
import { hostLabel, publicHosts, resourceName } from '../../conventions/naming';
import { PRIVATE_CIDR, privateAddress, withPrefix } from './address-plan';

export interface NetworkProps {
  readonly config: EnvironmentConfig;
}

/** One reserved public address and the DNS name that points at it. */
export interface PublicAddress {
  readonly ipBlock: Ipblock;
  /** The address itself (a Terraform reference). */
  readonly ip: string;
  readonly fqdn: string;
}

/**
 * The parts of an environment that outlive its servers: datacenter, LANs, reserved
 * public addresses with their DNS names, and the NAT gateway that lets private-only
 * machines reach package mirrors. Every public address is its own one-address IP
 * block, so growing a pool adds addresses without moving the existing ones.
 */
export class Network extends Construct {
  readonly datacenter: Datacenter;
  readonly publicLan: Lan;
  readonly privateLan: Lan;
  readonly dnsZone: DnsZone;
  readonly loadBalancerAddress: PublicAddress;
  readonly monitoringAddress: PublicAddress;
  readonly bbbAddresses: PublicAddress[];
  readonly turnAddresses: PublicAddress[];
  readonly natGateway: Natgateway;
  readonly privateCidr = PRIVATE_CIDR;
  readonly domain: string;
  readonly location: string;

  constructor(scope: Construct, id: string, props: NetworkProps) {
    super(scope, id);
    const { config } = props;
    const env = config.name;
    this.domain = config.domain;
    this.location = config.location;

    this.datacenter = new Datacenter(this, 'Datacenter', {
      name: resourceName(env, 'platform'),
      location: config.location,
    });
    this.publicLan = new Lan(this, 'PublicLan', {
      datacenterId: this.datacenter.id,
      name: resourceName(env, 'public'),
      public: true,
    });
    this.privateLan = new Lan(this, 'PrivateLan', {
      datacenterId: this.datacenter.id,
      name: resourceName(env, 'private'),
      public: false,
    });
    this.dnsZone = new DnsZone(this, 'DnsZone', { name: config.domain, enabled: true });

    const hosts = publicHosts(config);
    this.loadBalancerAddress = this.reserve('LoadBalancer', resourceName(env, 'lb'), [hosts.scalelite, ...(config.scalelite.greenlight ? [hosts.greenlight] : [])]);
    this.monitoringAddress = this.reserve('Monitoring', resourceName(env, 'monitoring'), [hosts.grafana]);
    const poolSize = config.bbb.pool.size;
    this.bbbAddresses = Array.from({ length: poolSize }, (_, i) => {
      const label = hostLabel('bbb', i + 1);
      return this.reserve(`Bbb${i + 1}`, resourceName(env, label), [`${label}.${config.domain}`]);
    });
    this.turnAddresses = Array.from({ length: config.turn.servers }, (_, i) => {
      const label = hostLabel('turn', i + 1);
      return this.reserve(`Turn${i + 1}`, resourceName(env, label), [`${label}.${config.domain}`]);
    });

    const natIp = new Ipblock(this, 'NatIp', { name: resourceName(env, 'nat'), location: config.location, size: 1 });
    this.natGateway = new Natgateway(this, 'NatGateway', {
      datacenterId: this.datacenter.id,
      name: resourceName(env, 'nat'),
      publicIps: [Fn.element(natIp.ips, 0)],
      lans: [{ id: this.privateLanId, gatewayIps: [withPrefix(privateAddress.natGateway)] }],
    });
    new NatgatewayRule(this, 'NatRule', {
      datacenterId: this.datacenter.id,
      natgatewayId: this.natGateway.id,
      name: resourceName(env, 'nat-outbound'),
      type: 'SNAT',
      protocol: 'ALL',
      sourceSubnet: PRIVATE_CIDR,
      publicIp: Fn.element(natIp.ips, 0),
    });
  }

  /** LAN ids are numbers in NIC blocks; Terraform converts the string reference. */
  get publicLanId(): number {
    return this.publicLan.id as unknown as number;
  }

  get privateLanId(): number {
    return this.privateLan.id as unknown as number;
  }

  private reserve(id: string, name: string, names: string[]): PublicAddress {
    const ipBlock = new Ipblock(this, `${id}Ip`, { name, location: this.location, size: 1 });
    const ip = Fn.element(ipBlock.ips, 0);
    names.forEach((fqdn, index) => {
      new DnsRecord(this, `${id}Dns${index === 0 ? '' : index + 1}`, {
        zoneId: this.dnsZone.id,
        name: fqdn.slice(0, -(this.domain.length + 1)),
        type: 'A',
        content: ip,
        ttl: 300,
      });
    });
    return { ipBlock, ip, fqdn: names[0] };
  }
}
