/**
 * A key pair in OpenSSH's encodings, as golang.org/x/crypto/ssh v0.37.0 (the version
 * terraform-provider-tls v4.1.0 builds with) writes them: the public key blob (RFC 4253
 * section 6.6, RFC 5656 section 3.1, RFC 8709 section 4), the authorized_keys line
 * MarshalAuthorizedKey prints (no comment, a newline at the end), the fingerprints of
 * FingerprintLegacyMD5 and FingerprintSHA256, and the unencrypted "openssh-key-v1"
 * private key of keys.go marshalOpenSSHPrivateKey in Go's PEM (64 columns).
 * node:crypto makes and holds the key; its JWK export gives the numbers to encode.
 */
import { createHash, randomBytes, type JsonWebKey, type KeyObject } from 'node:crypto';

export interface OpenSshKey {
  readonly authorizedKey: string;
  readonly privateKeyPem: string;
  readonly fingerprintMd5: string;
  readonly fingerprintSha256: string;
}

/** x/crypto/ssh's names for the NIST curves it supports (by OpenSSL's names); it has none for P-224. */
const SSH_CURVES: Record<string, string> = { prime256v1: 'nistp256', secp384r1: 'nistp384', secp521r1: 'nistp521' };
const MAGIC = Buffer.from('openssh-key-v1\0', 'latin1');

/** The key in OpenSSH's encodings; undefined for a key x/crypto/ssh cannot marshal (ECDSA on P-224). */
export function openSshKey(privateKey: KeyObject): OpenSshKey | undefined {
  const parts = keyParts(privateKey);
  if (!parts) return undefined;
  const publicBlob = Buffer.concat([sshString(parts.type), ...parts.publicFields]);
  const privateBlock = Buffer.concat([sshString(parts.type), ...parts.privateFields, sshString('')]);
  const check = randomBytes(4);
  const unpadded = Buffer.concat([check, check, privateBlock]);
  const padding = Buffer.from(Array.from({ length: (8 - (unpadded.length % 8)) % 8 }, (_, index) => index + 1));
  const body = Buffer.concat([
    MAGIC,
    sshString('none'),
    sshString('none'),
    sshString(''),
    uint32(1),
    sshString(publicBlob),
    sshString(Buffer.concat([unpadded, padding])),
  ]);
  return {
    authorizedKey: `${parts.type} ${publicBlob.toString('base64')}\n`,
    privateKeyPem: goPem('OPENSSH PRIVATE KEY', body),
    fingerprintMd5: [...createHash('md5').update(publicBlob).digest()].map((byte) => byte.toString(16).padStart(2, '0')).join(':'),
    fingerprintSha256: `SHA256:${createHash('sha256').update(publicBlob).digest('base64').replace(/=+$/, '')}`,
  };
}

interface KeyParts {
  readonly type: string;
  readonly publicFields: Buffer[];
  /** What follows the key type in the private section, before the comment. */
  readonly privateFields: Buffer[];
}

function keyParts(privateKey: KeyObject): KeyParts | undefined {
  const curve = SSH_CURVES[privateKey.asymmetricKeyDetails?.namedCurve ?? ''];
  if (privateKey.asymmetricKeyType === 'ec' && !curve) return undefined;
  const jwk: JsonWebKey = privateKey.export({ format: 'jwk' });
  const bytes = (value: string | undefined) => Buffer.from(value ?? '', 'base64url');
  if (jwk.kty === 'OKP' && jwk.crv === 'Ed25519') {
    const publicKey = sshString(bytes(jwk.x));
    // Go's ed25519.PrivateKey: the seed, then the public key.
    return { type: 'ssh-ed25519', publicFields: [publicKey], privateFields: [publicKey, sshString(Buffer.concat([bytes(jwk.d), bytes(jwk.x)]))] };
  }
  if (jwk.kty === 'RSA') {
    const [n, e, d, qi, p, q] = [jwk.n, jwk.e, jwk.d, jwk.qi, jwk.p, jwk.q].map((value) => mpint(bytes(value)));
    // E and N swap places between the public and the private encoding.
    return { type: 'ssh-rsa', publicFields: [e, n], privateFields: [n, e, d, qi, p, q] };
  }
  if (!curve) return undefined;
  const point = sshString(Buffer.concat([Buffer.from([4]), bytes(jwk.x), bytes(jwk.y)]));
  return { type: `ecdsa-sha2-${curve}`, publicFields: [sshString(curve), point], privateFields: [sshString(curve), point, mpint(bytes(jwk.d))] };
}

function uint32(value: number): Buffer {
  const buffer = Buffer.alloc(4);
  buffer.writeUInt32BE(value);
  return buffer;
}

function sshString(value: string | Buffer): Buffer {
  const bytes = typeof value === 'string' ? Buffer.from(value, 'utf8') : value;
  return Buffer.concat([uint32(bytes.length), bytes]);
}

/** A non-negative integer as an SSH mpint: minimal, with a zero byte where the top bit is set. */
function mpint(unsigned: Buffer): Buffer {
  let start = 0;
  while (start < unsigned.length && unsigned[start] === 0) start += 1;
  const digits = unsigned.subarray(start);
  return sshString(digits.length > 0 && digits[0] & 0x80 ? Buffer.concat([Buffer.from([0]), digits]) : digits);
}

/** encoding/pem's EncodeToMemory: base64 in lines of 64. */
export function goPem(type: string, der: Buffer): string {
  const lines = der.toString('base64').match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${type}-----\n${lines.join('\n')}\n-----END ${type}-----\n`;
}
