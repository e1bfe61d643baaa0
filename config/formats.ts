/**
 * Checks for the string formats an environment file uses. Each returns `undefined`
 * when the value is fine, or a short reason that the loader prefixes with the key path.
 */
import { isIP } from 'node:net';
import { WIDEST_RESTRICTED_PREFIX } from '../conventions/admin-networks';

export const IONOS_LOCATIONS = [
  'de/fra',
  'de/fkb',
  'de/txl',
  'es/vit',
  'fr/par',
  'gb/lhr',
  'gb/bhx',
  'us/ewr',
  'us/las',
  'us/mci',
] as const;

/**
 * IONOS Object Storage regions and their endpoints. The regions are the ones IONOS
 * documents (docs.ionos.com, Object Storage > Concepts > Buckets); the endpoints of de,
 * eu-central-2 and eu-south-2 as the IONOS Terraform provider uses them
 * (ionos-cloud/terraform-provider-ionoscloud, services/userobjectstorage/client.go),
 * eu-central-3's from the Object Storage Management API's GET /regions.
 */
export const OBJECT_STORAGE_ENDPOINTS = {
  de: 'https://s3.eu-central-1.ionoscloud.com',
  'eu-central-2': 'https://s3.eu-central-2.ionoscloud.com',
  'eu-central-3': 'https://s3.eu-central-3.ionoscloud.com',
  'eu-south-2': 'https://s3.eu-south-2.ionoscloud.com',
} as const;

export type ObjectStorageRegion = keyof typeof OBJECT_STORAGE_ENDPOINTS;
export const OBJECT_STORAGE_REGIONS = Object.keys(OBJECT_STORAGE_ENDPOINTS) as ObjectStorageRegion[];

export const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;

const DOMAIN = /^(?=.{1,253}$)(?!-)[a-z0-9-]{1,63}(?<!-)(\.(?!-)[a-z0-9-]{1,63}(?<!-))*\.[a-z]{2,63}$/;
const EMAIL = /^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$/;
const TIME = /^([01]\d|2[0-3]):[0-5]\d$/;

export function domainProblem(value: string): string | undefined {
  return DOMAIN.test(value) ? undefined : `must be a lower-case DNS name such as bbb.example.org, got "${value}"`;
}

export function emailProblem(value: string): string | undefined {
  const domain = value.split('@')[1] ?? '';
  return EMAIL.test(value) && domain.includes('.') ? undefined : `must be an e-mail address, got "${value}"`;
}

export function timeProblem(value: string): string | undefined {
  return TIME.test(value) ? undefined : `must be a time HH:MM (00:00-23:59), got "${value}"`;
}

export function minutesOfDay(time: string): number {
  const [hours, minutes] = time.split(':').map(Number);
  return hours * 60 + minutes;
}

let canonicalTimezones: Set<string> | undefined;

/**
 * Any zone the autoscaler's Intl.DateTimeFormat accepts. The list of canonical zones
 * answers most files in microseconds; aliases such as UTC fall back to building a
 * formatter, whose first use loads the locale data (~40 ms of every synth).
 */
export function timezoneProblem(value: string): string | undefined {
  canonicalTimezones ??= new Set(Intl.supportedValuesOf('timeZone'));
  if (canonicalTimezones.has(value)) return undefined;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: value });
    return undefined;
  } catch {
    return `must be an IANA time zone such as Europe/Berlin, got "${value}"`;
  }
}

/** The policy pack counts anything wider as the whole internet; config refuses it first. */
const WIDEST_PREFIX = WIDEST_RESTRICTED_PREFIX.ipv4;

/** An IPv4 network in CIDR notation whose host bits are zero, e.g. 198.51.100.0/24. */
export function cidrProblem(value: string): string | undefined {
  const [address, prefixText, extra] = value.split('/');
  const family = isIP(address ?? '');
  const prefix = Number(prefixText);
  const maxPrefix = family === 6 ? 128 : 32;
  if (family === 0 || extra !== undefined || !/^\d{1,3}$/.test(prefixText ?? '') || prefix > maxPrefix) {
    return `must be a network in CIDR notation such as 198.51.100.0/24, got "${value}"`;
  }
  if (prefix === 0) {
    return `must not open the whole internet (${value}); name the networks admins connect from`;
  }
  if (family === 6) {
    return `must be an IPv4 network: the platform's public LAN has no IPv6, so "${value}" would admit no one`;
  }
  if (prefix < WIDEST_PREFIX) {
    return `must be /${WIDEST_PREFIX} or narrower, got "${value}": wider networks count as the whole internet`;
  }
  if (!hostBitsZero(address, prefix)) {
    return `has host bits set: "${value}" is not the first address of a /${prefix} network`;
  }
  return undefined;
}

function hostBitsZero(ipv4: string, prefix: number): boolean {
  const value = ipv4.split('.').reduce((acc, octet) => acc * 256 + Number(octet), 0);
  const hostSize = 2 ** (32 - prefix);
  return value % hostSize === 0;
}

const SSH_KEY_TYPES = [
  'ssh-ed25519',
  'ssh-rsa',
  'ecdsa-sha2-nistp256',
  'ecdsa-sha2-nistp384',
  'ecdsa-sha2-nistp521',
  'sk-ssh-ed25519@openssh.com',
  'sk-ecdsa-sha2-nistp256@openssh.com',
];

/**
 * An OpenSSH public key line. The base64 blob must decode and name the same key type
 * as the line, which catches keys that were truncated or pasted with line breaks.
 */
export function sshKeyProblem(value: string): string | undefined {
  const [type, blob] = value.trim().split(/\s+/);
  if (!SSH_KEY_TYPES.includes(type)) {
    return `must be an OpenSSH public key (${SSH_KEY_TYPES.slice(0, 3).join(', ')}, ...), got "${abbreviate(value)}"`;
  }
  if (!blob || !/^[A-Za-z0-9+/]+={0,2}$/.test(blob)) {
    return `has no valid base64 key data: "${abbreviate(value)}"`;
  }
  const bytes = Buffer.from(blob, 'base64');
  const nameLength = bytes.length >= 4 ? bytes.readUInt32BE(0) : -1;
  const embedded = nameLength > 0 && nameLength < 64 ? bytes.subarray(4, 4 + nameLength).toString('latin1') : '';
  if (embedded !== type) {
    return `key data does not match its type ${type} (truncated or corrupted?): "${abbreviate(value)}"`;
  }
  return undefined;
}

function abbreviate(value: string): string {
  return value.length > 40 ? `${value.slice(0, 37)}...` : value;
}
