/**
 * Everything a plugin process needs, prepared once per session so each of the many
 * processes Terraform starts does little: the plugin as one JavaScript file (esbuild;
 * no TypeScript compiled at start), the protocol as a parsed descriptor (no .proto
 * parsing at start) and the TLS certificate (no X.509 library at start).
 */
import { buildSync } from 'esbuild';
import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { Root } from 'protobufjs';
import { generatePluginCertificate } from './plugin-certificate';

export const FAKE_CLOUD_DIR = path.resolve(__dirname, '..');

/**
 * Variables a plugin process is started without. NODE_EXTRA_CA_CERTS makes Node read
 * and parse a CA bundle at every start, a third of a plugin's start-up; the plugin
 * trusts Terraform's certificate only (an explicit `ca` replaces the default and extra
 * CAs, Node's tls.createSecureContext), so those CAs never counted.
 */
export const PLUGIN_UNSET_VARIABLES = ['NODE_EXTRA_CA_CERTS'] as const;

export interface PreparedPlugin {
  /** The launcher, which runs the plugin with V8's code cache (plugin/launch.ts). */
  readonly launcher: string;
  readonly file: string;
  /** Variables the plugin reads: see fake-cloud/plugin/main.ts. */
  readonly environment: Record<string, string>;
}

export function preparePlugin(directory: string): PreparedPlugin {
  const file = path.join(directory, 'fake-cloud-plugin.js');
  const launcher = path.join(directory, 'launch.js');
  for (const [entry, outfile] of [['main.ts', file], ['launch.ts', launcher]]) {
    buildSync({
      entryPoints: [path.join(FAKE_CLOUD_DIR, 'plugin', entry)],
      outfile,
      bundle: true,
      platform: 'node',
      target: 'node20',
      format: 'cjs',
      minify: true,
      legalComments: 'none',
      logLevel: 'error',
    });
  }
  const protocol = path.join(directory, 'protocol.json');
  const protoFiles = ['tfplugin6.proto', 'go-plugin.proto'].map((name) => path.join(FAKE_CLOUD_DIR, 'protocol', name));
  // Field names as written (snake_case), as the plugin's messages use them.
  writeFileSync(protocol, JSON.stringify(new Root().loadSync(protoFiles, { keepCase: true }).toJSON()));
  const certificate = generatePluginCertificate();
  const certificateFile = path.join(directory, 'plugin-certificate.pem');
  const keyFile = path.join(directory, 'plugin-key.pem');
  writeFileSync(certificateFile, certificate.pem);
  writeFileSync(keyFile, certificate.privateKeyPem, { mode: 0o600 });
  return {
    launcher,
    file,
    environment: {
      FAKE_CLOUD_PROTOCOL: protocol,
      FAKE_CLOUD_TLS_CERTIFICATE: certificateFile,
      FAKE_CLOUD_TLS_KEY: keyFile,
      FAKE_CLOUD_IONOS_SCHEMA_DIR: path.resolve(FAKE_CLOUD_DIR, '..', 'providers'),
    },
  };
}
