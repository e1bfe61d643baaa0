/**
 * Datacenters, LANs, IP blocks and the NAT gateway, from
 * ionos-cloud/terraform-provider-ionoscloud v6.7.12 ionoscloud/resource_datacenter.go,
 * resource_lan.go, resource_ipblock.go, resource_natgateway.go and
 * resource_natgateway_rule.go. A LAN's id is its number in the datacenter; an IP block
 * holds `size` reserved addresses.
 */
import type { ResourceBehaviour } from '../../engine/behaviour';
import { notWhiteSpace } from '../../engine/checks';
import { isUnknown } from '../../values/value';
import { lanNumber, reserveAddresses } from './cloud-values';

export const datacenter: ResourceBehaviour = {
  checks: { name: notWhiteSpace },
  computed: { version: () => 1, features: () => ['SSD', 'cloud-init', 'vnf-nat', 'vnf-alb', 'nfs'] },
};

export const lan: ResourceBehaviour = {
  replaceOn: ['datacenter_id'],
  checks: { datacenter_id: notWhiteSpace },
  computed: { id: lanNumber },
};

export const ipblock: ResourceBehaviour = {
  replaceOn: ['location', 'size'],
  checks: { location: notWhiteSpace },
  assign(state, cloud) {
    if (isUnknown(state.ips)) state.ips = reserveAddresses(cloud, Number(state.size));
    if (isUnknown(state.ip_consumers)) state.ip_consumers = [];
  },
};

export const natgateway: ResourceBehaviour = {
  replaceOn: ['datacenter_id'],
  checks: { name: notWhiteSpace, datacenter_id: notWhiteSpace },
};

export const natgatewayRule: ResourceBehaviour = {
  replaceOn: ['datacenter_id', 'natgateway_id'],
  checks: {
    name: notWhiteSpace,
    source_subnet: notWhiteSpace,
    public_ip: notWhiteSpace,
    datacenter_id: notWhiteSpace,
    natgateway_id: notWhiteSpace,
  },
  computed: { type: () => 'SNAT', protocol: () => 'ALL' },
};
