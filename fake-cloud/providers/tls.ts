/**
 * hashicorp/tls 4.1.0, the version @cdktf/provider-tls 11.0.1 pins; schema and
 * behaviour from hashicorp/terraform-provider-tls v4.1.0 internal/provider
 * (resource_private_key.go, common_key.go, types.go, common.go). The platform uses
 * `tls_private_key` only: its three arguments replace the key (RequiresReplace),
 * `algorithm` and `ecdsa_curve` must be among the supported names
 * (stringvalidator.OneOf), `rsa_bits` and `ecdsa_curve` default to 2048 and P224 at
 * plan whatever the algorithm (framework defaults), the key is generated at apply
 * and Read keeps the state. The other resource types are served by schema and
 * refused by name; the configuration's `proxy` block is checked (tls-proxy.ts).
 */
import { createHash, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import type { ResourceBehaviour } from '../engine/behaviour';
import type { Diagnostics } from '../engine/diagnostics';
import type { ProviderDefinition } from '../engine/provider';
import type { ProviderSchemaJson } from '../schema/schema';
import { isUnknown, type ObjectValue, type Value } from '../values/value';
import { openSshKey } from './openssh-keys';
import { checkProxyBlocks } from './tls-proxy';
import tlsSchema from './schemas/tls-4.1.0.schema.json';

const ALGORITHMS = ['RSA', 'ECDSA', 'ED25519'];
/** The provider's curve names, with the name node:crypto knows each by. */
const CURVES: Record<string, string> = { P224: 'P-224', P256: 'P-256', P384: 'P-384', P521: 'P-521' };
const DEFAULT_RSA_BITS = 2048;
const DEFAULT_CURVE = 'P224';

const privateKey: ResourceBehaviour = {
  replaceOn: ['algorithm', 'rsa_bits', 'ecdsa_curve'],
  validate(config, diagnostics) {
    oneOf(config, 'algorithm', ALGORITHMS, diagnostics);
    oneOf(config, 'ecdsa_curve', Object.keys(CURVES), diagnostics);
  },
  plan({ planned, config }) {
    if (config.rsa_bits === null) planned.rsa_bits = DEFAULT_RSA_BITS;
    if (config.ecdsa_curve === null) planned.ecdsa_curve = DEFAULT_CURVE;
  },
  assign(state, _cloud, diagnostics) {
    if (!isUnknown(state.id)) return;
    const key = generateKey(state, diagnostics);
    if (key) Object.assign(state, encodings(String(state.algorithm), key));
  },
};

/** keyGenerators of common_key.go, with its errors. */
function generateKey(state: ObjectValue, diagnostics: Diagnostics): KeyObject | undefined {
  const algorithm = String(state.algorithm);
  const unable = (detail: string) => diagnostics.error('Unable to generate Key from configuration', detail);
  try {
    switch (algorithm) {
      case 'RSA':
        // Go generates any size from a few dozen bits up; OpenSSL, under node:crypto, refuses below 512.
        return generateKeyPairSync('rsa', { modulusLength: Number(state.rsa_bits) }).privateKey;
      case 'ECDSA': {
        const curve = CURVES[String(state.ecdsa_curve)];
        if (curve) return generateKeyPairSync('ec', { namedCurve: curve }).privateKey;
        unable(`invalid ECDSA curve; supported values are: [${Object.keys(CURVES).join(' ')}]`);
        return undefined;
      }
      case 'ED25519':
        return generateKeyPairSync('ed25519').privateKey;
      default:
        diagnostics.error('Invalid Key Algorithm', `Key Algorithm ${JSON.stringify(algorithm)} is not supported`);
        return undefined;
    }
  } catch (error) {
    unable((error as Error).message);
    return undefined;
  }
}

/**
 * What Create stores: the private key in its algorithm's PEM (PKCS#1 for RSA, SEC 1 for
 * ECDSA, PKCS#8 for ED25519) and in PKCS#8, the public key in PKIX PEM, the OpenSSH
 * forms (empty for ECDSA on P224, which x/crypto/ssh cannot write) and, as id, the
 * SHA-1 of the public key's DER (hashForState).
 */
function encodings(algorithm: string, key: KeyObject): ObjectValue {
  const pkcs8 = key.export({ type: 'pkcs8', format: 'pem' }) as string;
  const publicKey = createPublicKey(key);
  const openSsh = openSshKey(key);
  return {
    private_key_pem: algorithm === 'ED25519' ? pkcs8 : (key.export({ type: algorithm === 'RSA' ? 'pkcs1' : 'sec1', format: 'pem' }) as string),
    private_key_pem_pkcs8: pkcs8,
    private_key_openssh: openSsh?.privateKeyPem ?? '',
    public_key_pem: publicKey.export({ type: 'spki', format: 'pem' }) as string,
    public_key_openssh: openSsh?.authorizedKey ?? '',
    public_key_fingerprint_md5: openSsh?.fingerprintMd5 ?? '',
    public_key_fingerprint_sha256: openSsh?.fingerprintSha256 ?? '',
    id: createHash('sha1').update(trimSpace(publicKey.export({ type: 'spki', format: 'der' }))).digest('hex'),
  };
}

/** The trailing bytes Go's strings.TrimSpace removes: ASCII white space and the UTF-8 of Unicode's. */
const TRAILING_SPACES = ['\t', '\n', '\v', '\f', '\r', ' ', '\u0085', '\u00a0', '\u1680', '\u2028', '\u2029', '\u202f', '\u205f', '\u3000']
  .concat(Array.from({ length: 11 }, (_, index) => String.fromCharCode(0x2000 + index)))
  .map((space) => Buffer.from(space, 'utf8'));

/**
 * hashForState hashes the DER as a Go string after strings.TrimSpace. DER begins with a
 * SEQUENCE tag (0x30), so only its end can lose bytes.
 */
function trimSpace(der: Buffer): Buffer {
  let end = der.length;
  for (;;) {
    const space = TRAILING_SPACES.find((bytes) => end >= bytes.length && der.subarray(end - bytes.length, end).equals(bytes));
    if (!space) return der.subarray(0, end);
    end -= space.length;
  }
}

/** stringvalidator.OneOf (terraform-plugin-framework-validators v0.17.0) as the framework reports it. */
function oneOf(config: ObjectValue, attribute: string, allowed: readonly string[], diagnostics: Diagnostics): void {
  const value: Value = config[attribute] ?? null;
  if (typeof value !== 'string' || allowed.includes(value)) return;
  const quoted = (text: string) => JSON.stringify(text);
  diagnostics.error(
    'Invalid Attribute Value Match',
    `Attribute ${attribute} value must be one of: [${allowed.map(quoted).join(' ')}], got: ${quoted(value)}`,
    [attribute],
  );
}

export const tlsProvider: ProviderDefinition = {
  name: 'tls',
  source: 'registry.terraform.io/hashicorp/tls',
  version: '4.1.0',
  schema: tlsSchema as unknown as ProviderSchemaJson,
  stateOnly: true,
  validateConfig: checkProxyBlocks,
  resources: { tls_private_key: privateKey },
};
