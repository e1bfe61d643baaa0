/**
 * The plugin's TLS certificate for go-plugin's automatic mTLS. Terraform trusts exactly
 * the certificate the plugin prints in its handshake line and checks it for the name
 * `localhost` (hashicorp/go-plugin v1.6.0, client.go: loadServerCert and the client TLS
 * config with ServerName "localhost"); go-plugin's own plugins make theirs the same way
 * (mtls.go: generateCert, a self-signed CA certificate for localhost). Terraform starts
 * a provider several times per command, so the harness makes one certificate for all
 * plugin processes of a session, and the plugin does not load an X.509 library at all.
 */
import { generateKeyPairSync, randomBytes, sign } from 'node:crypto';
import { AsnConvert, OctetString } from '@peculiar/asn1-schema';
import {
  AlgorithmIdentifier,
  AttributeTypeAndValue,
  AttributeValue,
  BasicConstraints,
  Certificate,
  ExtendedKeyUsage,
  Extension,
  Extensions,
  GeneralName,
  KeyUsage,
  KeyUsageFlags,
  Name,
  RelativeDistinguishedName,
  SubjectAlternativeName,
  SubjectPublicKeyInfo,
  TBSCertificate,
  Validity,
  Version,
  id_ce_basicConstraints,
  id_ce_extKeyUsage,
  id_ce_keyUsage,
  id_ce_subjectAltName,
  id_kp_clientAuth,
  id_kp_serverAuth,
} from '@peculiar/asn1-x509';

const HOST = 'localhost';
const COMMON_NAME = '2.5.4.3';
const ECDSA_WITH_SHA256 = '1.2.840.10045.4.3.2';
const VALIDITY_MS = 24 * 60 * 60 * 1000;

export interface PluginCertificate {
  /** The certificate, DER. */
  readonly der: Buffer;
  readonly pem: string;
  readonly privateKeyPem: string;
}

export function generatePluginCertificate(now = Date.now()): PluginCertificate {
  const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const name = new Name([
    new RelativeDistinguishedName([new AttributeTypeAndValue({ type: COMMON_NAME, value: new AttributeValue({ utf8String: HOST }) })]),
  ]);
  const algorithm = new AlgorithmIdentifier({ algorithm: ECDSA_WITH_SHA256 });
  const tbsCertificate = new TBSCertificate({
    version: Version.v3,
    serialNumber: positiveSerial(),
    signature: algorithm,
    issuer: name,
    subject: name,
    validity: new Validity({ notBefore: new Date(now - 30_000), notAfter: new Date(now + VALIDITY_MS) }),
    subjectPublicKeyInfo: AsnConvert.parse(publicKey.export({ type: 'spki', format: 'der' }), SubjectPublicKeyInfo),
    extensions: new Extensions([
      extension(id_ce_basicConstraints, new BasicConstraints({ cA: true }), true),
      extension(id_ce_keyUsage, new KeyUsage(KeyUsageFlags.digitalSignature | KeyUsageFlags.keyAgreement | KeyUsageFlags.keyCertSign), true),
      extension(id_ce_extKeyUsage, new ExtendedKeyUsage([id_kp_serverAuth, id_kp_clientAuth])),
      extension(id_ce_subjectAltName, new SubjectAlternativeName([new GeneralName({ dNSName: HOST })])),
    ]),
  });
  const signature = sign('sha256', Buffer.from(AsnConvert.serialize(tbsCertificate)), privateKey);
  const signatureValue = signature.buffer.slice(signature.byteOffset, signature.byteOffset + signature.length) as ArrayBuffer;
  const der = Buffer.from(AsnConvert.serialize(new Certificate({ tbsCertificate, signatureAlgorithm: algorithm, signatureValue })));
  return { der, pem: toPem(der), privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }) as string };
}

function extension(extnID: string, value: object, critical = false): Extension {
  return new Extension({ extnID, critical, extnValue: new OctetString(AsnConvert.serialize(value)) });
}

/** A DER INTEGER serial must be positive: the top bit of the first byte clear. */
function positiveSerial(): ArrayBuffer {
  const bytes = randomBytes(16);
  bytes[0] &= 0x7f;
  return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length) as ArrayBuffer;
}

function toPem(der: Buffer): string {
  const lines = der.toString('base64').match(/.{1,64}/g) ?? [];
  return `-----BEGIN CERTIFICATE-----\n${lines.join('\n')}\n-----END CERTIFICATE-----\n`;
}
