/**
 * A provider plugin of the fake cloud, started by Terraform like any provider:
 * `node fake-cloud-plugin.js <provider name>`. It speaks go-plugin's handshake
 * (hashicorp/go-plugin v1.6.0 server.go, the version Terraform v1.11.4 builds with): it
 * checks Terraform's magic cookie, chooses plugin protocol 6 from
 * PLUGIN_PROTOCOL_VERSIONS, serves gRPC over mutual TLS when Terraform sends
 * PLUGIN_CLIENT_CERT (trusting that certificate only), and prints
 * `1|6|tcp|127.0.0.1:<port>|grpc|<its certificate>` on stdout. Without
 * PLUGIN_CLIENT_CERT (a plugin the harness runs for Terraform to reattach to) it
 * serves plain gRPC and prints no certificate.
 *
 * What the harness prepared once (fake-cloud/harness/plugin-bundle.ts) comes in files
 * named by FAKE_CLOUD_PROTOCOL (the protocol descriptor), FAKE_CLOUD_TLS_CERTIFICATE and
 * FAKE_CLOUD_TLS_KEY; the cloud's records are below FAKE_CLOUD_DIR.
 */
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { CloudStore } from '../cloud/store';
import { FakeProvider } from '../engine/provider';
import { providerNamed } from '../providers';
import { CORE_PROTOCOL_VERSION, MAGIC_COOKIE_KEY, MAGIC_COOKIE_VALUE, PROTOCOL_VERSION, STOP_WITH_STDIN_VARIABLE } from './handshake';
import { providerService } from './provider-service';


function required(variable: string): string {
  const value = process.env[variable];
  if (!value) fail(`fake cloud: ${variable} is not set; start Terraform through fake-cloud/harness`);
  return value;
}

function fail(message: string): never {
  process.stderr.write(`${message}\n`);
  process.exit(1);
}

function main(): void {
  if (process.env[MAGIC_COOKIE_KEY] !== MAGIC_COOKIE_VALUE) {
    // go-plugin's own words for a plugin started by hand.
    fail(
      'This binary is a plugin. These are not meant to be executed directly.\n' +
        'Please execute the program that consumes these plugins, which will\n' +
        'load any plugins automatically',
    );
  }
  const offered = (process.env.PLUGIN_PROTOCOL_VERSIONS ?? '').split(',').map((version) => Number(version.trim()));
  if (!offered.includes(PROTOCOL_VERSION)) {
    fail(`fake cloud: Terraform offers plugin protocol versions ${offered.join(', ')}; this plugin speaks ${PROTOCOL_VERSION} only`);
  }
  const definition = providerNamed(process.argv[2] ?? '');
  const provider = new FakeProvider(definition, () => CloudStore.fromEnvironment());

  const descriptor = JSON.parse(readFileSync(required('FAKE_CLOUD_PROTOCOL'), 'utf8'));
  const packages = grpc.loadPackageDefinition(
    protoLoader.fromJSON(descriptor, { keepCase: true, longs: Number, enums: Number, defaults: true, oneofs: true }),
  ) as any;

  const server = new grpc.Server({ 'grpc.max_receive_message_length': -1, 'grpc.max_send_message_length': -1 });
  const exit = () => setImmediate(() => process.exit(0));
  server.addService(packages.tfplugin6.Provider.service, providerService(provider));
  server.addService(packages.plugin.GRPCController.service, {
    Shutdown: (_call: unknown, callback: grpc.sendUnaryData<object>) => {
      callback(null, {});
      exit();
    },
  });

  const clientCertificate = process.env.PLUGIN_CLIENT_CERT;
  const certificatePem = clientCertificate ? readFileSync(required('FAKE_CLOUD_TLS_CERTIFICATE')) : undefined;
  const credentials = certificatePem
    ? grpc.ServerCredentials.createSsl(
        Buffer.from(clientCertificate!),
        [{ private_key: readFileSync(required('FAKE_CLOUD_TLS_KEY')), cert_chain: certificatePem }],
        true,
      )
    : grpc.ServerCredentials.createInsecure();

  server.bindAsync('127.0.0.1:0', credentials, (error, port) => {
    if (error) fail(`fake cloud: cannot listen: ${error.message}`);
    // go-plugin sends the DER certificate in unpadded standard base64 (RawStdEncoding).
    const sentCertificate = certificatePem ? new X509Certificate(certificatePem).raw.toString('base64').replace(/=+$/, '') : '';
    process.stdout.write(`${CORE_PROTOCOL_VERSION}|${PROTOCOL_VERSION}|tcp|127.0.0.1:${port}|grpc|${sentCertificate}\n`);
  });
  // go-plugin plugins ignore interrupts: Terraform stops them through the controller.
  process.on('SIGINT', () => undefined);
  if (process.env[STOP_WITH_STDIN_VARIABLE]) process.stdin.on('end', exit).resume();
}

main();
