/**
 * hashicorp/tls in the fake cloud: `tls_private_key` planned, checked and generated as
 * terraform-provider-tls v4.1.0 does, with keys that OpenSSH software reads, and the
 * checks of the provider's own configuration.
 */
import { createHash, createPrivateKey, createPublicKey } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { utils as sshUtils } from 'ssh2';
import { CloudStore } from '../../fake-cloud/cloud/store';
import { Diagnostics } from '../../fake-cloud/engine/diagnostics';
import { FakeProvider } from '../../fake-cloud/engine/provider';
import { tlsProvider } from '../../fake-cloud/providers/tls';
import { isUnknown, type ObjectValue } from '../../fake-cloud/values/value';

const root = mkdtempSync(path.join(tmpdir(), 'fake-tls-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const tls = new FakeProvider(tlsProvider, () => new CloudStore(root));

/** A tls_private_key as Terraform proposes it: every attribute present, null where unset. */
function keyConfig(values: ObjectValue): ObjectValue {
  const attributes = Object.keys(tlsProvider.schema.resource_schemas.tls_private_key.block.attributes ?? {});
  return { ...Object.fromEntries(attributes.map((name) => [name, null])), ...values };
}

function createKey(values: ObjectValue): ObjectValue {
  const config = keyConfig(values);
  const { planned } = tls.plan('tls_private_key', null, config, config);
  const { state, diagnostics } = tls.apply('tls_private_key', null, planned);
  expect(diagnostics.list).toEqual([]);
  return state!;
}

describe('tls_private_key', () => {
  it('plans the framework defaults and leaves the key unknown until apply', () => {
    const config = keyConfig({ algorithm: 'ED25519' });
    const { planned, diagnostics } = tls.plan('tls_private_key', null, config, config);
    expect(diagnostics.list).toEqual([]);
    expect(planned).toMatchObject({ algorithm: 'ED25519', rsa_bits: 2048, ecdsa_curve: 'P224' });
    expect(['id', 'private_key_openssh', 'public_key_openssh', 'public_key_fingerprint_sha256'].every((name) => isUnknown(planned![name]))).toBe(true);
  });

  it('generates an ED25519 key whose OpenSSH halves belong together and whose PEM forms are the same key', () => {
    const state = createKey({ algorithm: 'ED25519' });
    expect(state.public_key_openssh).toMatch(/^ssh-ed25519 [A-Za-z0-9+/]+=*\n$/);
    const publicKey = sshUtils.parseKey(String(state.public_key_openssh));
    const privateKey = sshUtils.parseKey(String(state.private_key_openssh));
    if (publicKey instanceof Error || privateKey instanceof Error) throw publicKey instanceof Error ? publicKey : privateKey;
    const message = Buffer.from('power off');
    expect(publicKey.verify(message, privateKey.sign(message))).toBe(true);
    expect(privateKey.getPublicSSH().equals(publicKey.getPublicSSH())).toBe(true);
    expect(state.public_key_fingerprint_sha256).toBe(`SHA256:${createHash('sha256').update(publicKey.getPublicSSH()).digest('base64').replace(/=+$/, '')}`);
    expect(state.public_key_fingerprint_md5).toMatch(/^([0-9a-f]{2}:){15}[0-9a-f]{2}$/);
    expect(String(state.private_key_pem)).toMatch(/^-----BEGIN PRIVATE KEY-----\n/);
    expect(state.private_key_pem_pkcs8).toBe(state.private_key_pem);
    const fromPem = createPublicKey(createPrivateKey(String(state.private_key_pem)));
    expect(fromPem.export({ type: 'spki', format: 'pem' })).toBe(state.public_key_pem);
    expect(state.id).toMatch(/^[0-9a-f]{40}$/);
  });

  it('writes RSA in PKCS#1 and leaves ECDSA on P224 without OpenSSH forms, as x/crypto/ssh cannot write them', () => {
    const rsa = createKey({ algorithm: 'RSA', rsa_bits: 1024 });
    expect(String(rsa.private_key_pem)).toMatch(/^-----BEGIN RSA PRIVATE KEY-----\n/);
    expect(createPrivateKey(String(rsa.private_key_pem)).asymmetricKeyDetails?.modulusLength).toBe(1024);
    expect(rsa.public_key_openssh).toMatch(/^ssh-rsa /);
    const p224 = createKey({ algorithm: 'ECDSA' });
    expect(String(p224.private_key_pem)).toMatch(/^-----BEGIN EC PRIVATE KEY-----\n/);
    expect([p224.private_key_openssh, p224.public_key_openssh, p224.public_key_fingerprint_md5, p224.public_key_fingerprint_sha256]).toEqual(['', '', '', '']);
    expect(createKey({ algorithm: 'ECDSA', ecdsa_curve: 'P384' }).public_key_openssh).toMatch(/^ecdsa-sha2-nistp384 /);
  });

  it('rejects an algorithm or curve the provider does not support, with the framework validator\u2019s words', () => {
    const found = tls.validateResource('tls_private_key', keyConfig({ algorithm: 'DSA', ecdsa_curve: 'P192' })).list;
    expect(found.map(({ summary, detail, path: at }) => [summary, detail, at])).toEqual([
      ['Invalid Attribute Value Match', 'Attribute algorithm value must be one of: ["RSA" "ECDSA" "ED25519"], got: "DSA"', ['algorithm']],
      ['Invalid Attribute Value Match', 'Attribute ecdsa_curve value must be one of: ["P224" "P256" "P384" "P521"], got: "P192"', ['ecdsa_curve']],
    ]);
  });

  it('replaces the key when an argument changes and keeps it when a default is written out', () => {
    const state = createKey({ algorithm: 'ED25519' });
    const plan = (values: ObjectValue) => tls.plan('tls_private_key', state, { ...state, ...values }, keyConfig({ algorithm: 'ED25519', ...values }));
    expect(plan({ rsa_bits: 2048 })).toMatchObject({ requiresReplace: [], planned: { id: state.id, public_key_openssh: state.public_key_openssh } });
    expect(plan({ algorithm: 'RSA' }).requiresReplace).toEqual([['algorithm']]);
    expect(plan({ ecdsa_curve: 'P256' }).requiresReplace).toEqual([['ecdsa_curve']]);
    expect(tls.read('tls_private_key', state).state).toEqual(state);
  });

  it('fails the apply, creating nothing, for an RSA size it cannot generate', () => {
    const config = keyConfig({ algorithm: 'RSA', rsa_bits: 256 });
    const { planned } = tls.plan('tls_private_key', null, config, config);
    const { state, diagnostics } = tls.apply('tls_private_key', null, planned);
    expect(state).toBeNull();
    expect(diagnostics.list).toEqual([expect.objectContaining({ severity: 'error', summary: 'Unable to generate Key from configuration' })]);
  });
});

describe('the tls provider configuration', () => {
  function check(proxy: ObjectValue[]): [string, string | undefined][] {
    const diagnostics = new Diagnostics();
    const block = (values: ObjectValue) => ({ url: null, username: null, password: null, from_env: null, ...values });
    tlsProvider.validateConfig!({ proxy: proxy.map(block) }, diagnostics);
    return diagnostics.list.map(({ summary, detail }) => [summary, detail]);
  }

  it('takes one proxy with a URL of a supported scheme and its credentials', () => {
    expect(check([])).toEqual([]);
    expect(check([{ url: 'http://proxy.example.org:3128', username: 'school', password: 'secret' }])).toEqual([]);
    expect(check([{ from_env: true }])).toEqual([]);
  });

  it('rejects what the provider\u2019s validators reject, in their words', () => {
    expect(check([{ url: 'ftp://proxy.example.org' }])).toEqual([
      ['Invalid URL scheme', 'URL "ftp://proxy.example.org" expected to use scheme from ["http" "https" "socks5"], got: "ftp"'],
    ]);
    expect(check([{ url: 'proxy.example.org:3128' }])).toEqual([['Invalid URL', 'URL "proxy.example.org:3128" contains no host']]);
    expect(check([{ url: 'http://proxy:port' }])).toEqual([
      ['Invalid URL', 'Parsing URL "http://proxy:port" failed: parse "http://proxy:port": invalid port ":port" after host'],
    ]);
    expect(check([{ from_env: true }, { from_env: false }])).toEqual([
      ['Invalid Attribute Value', 'Attribute proxy list must contain at least 0 elements and at most 1 elements, got: 2'],
    ]);
    expect(check([{ url: 'https://proxy', from_env: true }]).sort()).toEqual([
      ['Invalid Attribute Combination', 'Attribute "proxy[0].from_env" cannot be specified when "proxy[0].url" is specified'],
      ['Invalid Attribute Combination', 'Attribute "proxy[0].url" cannot be specified when "proxy[0].from_env" is specified'],
    ]);
    expect(check([{ password: 'secret' }])).toEqual([
      ['Invalid Attribute Combination', 'Attribute "proxy[0].username" must be specified when "proxy[0].password" is specified'],
    ]);
    expect(check([{ username: 'school' }])).toEqual([
      ['Invalid Attribute Combination', 'Attribute "proxy[0].url" must be specified when "proxy[0].username" is specified'],
    ]);
  });
});
