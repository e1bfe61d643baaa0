/**
 * Values the IONOS cloud assigns, in the shapes its API returns them: UUIDs, MAC
 * addresses in IONOS' 02:01 range, LAN ids as decimal numbers per datacenter (written
 * as strings, as the provider stores them), reserved addresses. Addresses come from the
 * documentation ranges (RFC 5737), so nothing the fake hands out is anyone's address.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import type { ComputeContext } from '../../engine/behaviour';
import type { CloudStore } from '../../cloud/store';

export function uuid(): string {
  return randomUUID();
}

export function mac(): string {
  return ['02', '01', ...randomBytes(4).toString('hex').match(/../g)!].join(':');
}

/** The next free LAN number of the resource's datacenter, from 1. */
export function lanNumber({ state, cloud }: ComputeContext): string {
  return cloud.claim(`lan-${String(state.datacenter_id)}`, counting(1, 4096));
}

const DOCUMENTATION_RANGES = ['203.0.113', '198.51.100', '192.0.2'];

/** `count` public IPv4 addresses nobody else holds. */
export function reserveAddresses(cloud: CloudStore, count: number): string[] {
  const candidates = DOCUMENTATION_RANGES.flatMap((prefix) => Array.from({ length: 254 }, (_, index) => `${prefix}.${index + 1}`));
  return Array.from({ length: count }, () => cloud.claim('ipv4', candidates));
}

function* counting(from: number, to: number): Generator<string> {
  for (let value = from; value <= to; value += 1) yield String(value);
}
