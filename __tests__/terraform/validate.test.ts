/**
 * `terraform validate`, by the real Terraform against the fake cloud's providers, of
 * every stack of every shipped environment: no errors and no warnings (a deprecated
 * argument warns). And the harness can fail: a stack broken on purpose shows
 * Terraform's own errors, and the provider's checks made in code.
 */
import { cpSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { loadEnvironmentFile } from '../../config';
import { FakeCloudSession } from '../../fake-cloud/harness/session';
import { validateCopies, validateStack, type Validation } from '../../fake-cloud/harness/validate';
import { ENVIRONMENTS_DIR } from '../../stacks/environments';
import { exampleConfig, synthEnvironmentInto } from '../../testing/synth';
import { describeWithTerraform } from '../support/terraform';

/** The shipped environments are validated with providers Terraform starts itself, as `npm run validate` does. */
let session: FakeCloudSession;
/** The broken stacks, with providers that run once for all their commands. */
let brokenSession: FakeCloudSession;

function validate(directory: string): Promise<Validation> {
  return validateStack(brokenSession, directory);
}

describeWithTerraform('terraform validate against the fake cloud', () => {
  beforeAll(async () => {
    session = FakeCloudSession.create();
    brokenSession = await FakeCloudSession.createWithRunningPlugins();
  });
  afterAll(() => Promise.all([session?.close(), brokenSession?.close()]));

  const files = readdirSync(ENVIRONMENTS_DIR).filter((name) => name.endsWith('.yaml'));

  it.each(files)('passes every stack of %s with no error and no warning', async (file) => {
    const outdir = path.join(session.root, 'environments', file);
    const { stacks } = synthEnvironmentInto(loadEnvironmentFile(path.join(ENVIRONMENTS_DIR, file)), outdir);
    expect(Object.keys(stacks).length).toBeGreaterThanOrEqual(4);
    expect(await validateCopies(session, path.join(outdir, 'stacks'), Object.keys(stacks))).toEqual([]);
  });

  describe('a stack broken on purpose', () => {
    let original: Record<string, any>;
    let stackDirectory: string;

    beforeAll(() => {
      const outdir = path.join(brokenSession.root, 'broken');
      synthEnvironmentInto(exampleConfig(), outdir);
      stackDirectory = path.join(outdir, 'stacks', 'example-frontend');
      original = JSON.parse(readFileSync(path.join(stackDirectory, 'cdk.tf.json'), 'utf8'));
    });

    /** A copy of the frontend stack with the first resource of a type changed. */
    async function validateChanged(name: string, type: string, change: (resource: Record<string, any>) => void): Promise<Validation> {
      const directory = path.join(brokenSession.root, 'broken', name);
      cpSync(stackDirectory, directory, { recursive: true });
      const document = structuredClone(original);
      const resources = document.resource[type];
      change(resources[Object.keys(resources)[0]]);
      writeFileSync(path.join(directory, 'cdk.tf.json'), JSON.stringify(document));
      return validate(directory);
    }

    const server = 'ionoscloud_server';
    const cases: [string, string, (resource: Record<string, any>) => void, RegExp][] = [
      ['unknown argument', server, (resource) => (resource.cores_per_socket = 2), /No argument or block type is named "cores_per_socket"/],
      ['undeclared reference', server, (resource) => (resource.name = '${ionoscloud_lan.Nowhere.name}'), /Reference to undeclared resource.*ionoscloud_lan" "Nowhere"/s],
      [
        'ignore_changes naming a missing attribute',
        server,
        (resource) => (resource.lifecycle.ignore_changes = [...resource.lifecycle.ignore_changes, 'volume[0].no_such_attribute']),
        /Unsupported attribute.*no_such_attribute/s,
      ],
      [
        'a port the provider refuses in code',
        'ionoscloud_application_loadbalancer_forwardingrule',
        (resource) => (resource.listener_port = 70000),
        /expected listener_port to be in the range \(1 - 65535\), got 70000/,
      ],
    ];

    it('a deprecated argument: Terraform shows the provider\u2019s warning', async () => {
      const result = await validateChanged('deprecated', server, (resource) => (resource.volume.image_password = 'not-a-secret'));
      expect(result.error_count).toBe(0);
      expect(result.diagnostics).toEqual([
        expect.objectContaining({ severity: 'warning', summary: 'Argument is deprecated', detail: 'Please use image_password under server level' }),
      ]);
    });

    /** A copy of the frontend stack with more in its document. */
    async function validateWith(name: string, additions: Record<string, unknown>): Promise<Validation> {
      const directory = path.join(brokenSession.root, 'broken', name);
      cpSync(stackDirectory, directory, { recursive: true });
      writeFileSync(path.join(directory, 'cdk.tf.json'), JSON.stringify({ ...original, ...additions }));
      return validate(directory);
    }

    it('a tls provider proxy the provider refuses: Terraform shows its error', async () => {
      const result = await validateWith('tls-proxy', {
        provider: { ...original.provider, tls: [{ proxy: [{ url: 'ftp://proxy.example.org' }] }] },
        // Terraform validates the configuration of a provider some resource uses.
        resource: { ...original.resource, tls_private_key: { probe: { algorithm: 'ED25519' } } },
      });
      expect(result.diagnostics).toEqual([
        expect.objectContaining({
          severity: 'error',
          summary: 'Invalid URL scheme',
          detail: 'URL "ftp://proxy.example.org" expected to use scheme from ["http" "https" "socks5"], got: "ftp"',
        }),
      ]);
    });

    it('a data source and an ephemeral resource the fake cloud does not model: Terraform shows the refusals', async () => {
      const result = await validateWith('not-modelled', {
        data: { ...original.data, tls_public_key: { probe: { private_key_pem: 'not-a-key' } } },
        ephemeral: { tls_private_key: { probe: { algorithm: 'ED25519' } } },
      });
      expect(result.diagnostics.map(({ severity, summary, detail }) => [severity, summary, detail]).sort()).toEqual([
        ['error', 'The fake cloud does not model data source tls_public_key', 'Add its behaviour to fake-cloud/providers/tls before a stack reads it.'],
        ['error', 'The fake cloud does not model ephemeral resource tls_private_key', 'Add its behaviour to fake-cloud/providers/tls before a stack opens it.'],
      ]);
    });

    it.each(cases)('%s: Terraform reports the error', async (name, type, change, message) => {
      const result = await validateChanged(name.replace(/\W+/g, '-'), type, change);
      expect(result.valid).toBe(false);
      expect(result.error_count).toBeGreaterThan(0);
      expect(result.diagnostics.map((diagnostic) => `${diagnostic.summary}: ${diagnostic.detail ?? ''}`).join('\n')).toMatch(message);
    });
  });
});
