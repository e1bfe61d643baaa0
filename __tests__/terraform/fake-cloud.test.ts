/**
 * The fake cloud's parts on their own, where Terraform cannot reach them in the
 * example: the provider behaviour taken from the providers' sources (replacement,
 * refusals, checks, computed values), the wire format, and the harness's own errors.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { CloudStore } from '../../fake-cloud/cloud/store';
import { Diagnostics } from '../../fake-cloud/engine/diagnostics';
import { FakeProvider, type ProviderDefinition } from '../../fake-cloud/engine/provider';
import { preparePlugin } from '../../fake-cloud/harness/plugin-bundle';
import { RunningPlugins } from '../../fake-cloud/harness/running-plugins';
import { FakeCloudSession } from '../../fake-cloud/harness/session';
import { deploymentOrder } from '../../fake-cloud/harness/stack-order';
import { ionoscloudProvider } from '../../fake-cloud/providers/ionoscloud';
import { nullProvider } from '../../fake-cloud/providers/null';
import { randomProvider } from '../../fake-cloud/providers/random';
import { triggersChanged } from '../../fake-cloud/providers/replace-if-values-not-null';
import { decodeValue, encodeValue } from '../../fake-cloud/values/msgpack';
import { Unknown, isUnknown, type ObjectValue } from '../../fake-cloud/values/value';

const root = mkdtempSync(path.join(tmpdir(), 'fake-cloud-parts-'));
const cloud = new CloudStore(path.join(root, 'cloud'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function provider(definition: ProviderDefinition): FakeProvider {
  return new FakeProvider(definition, () => cloud);
}

const ionos = provider(ionoscloudProvider);

/** A server as Terraform proposes it: every attribute present, null where unset. */
function serverConfig(overrides: ObjectValue = {}, volume: ObjectValue = {}, nic: ObjectValue = {}): ObjectValue {
  const schema = ionoscloudProvider.schema.resource_schemas.ionoscloud_server.block;
  const empty = Object.fromEntries(Object.keys(schema.attributes ?? {}).map((name) => [name, null]));
  const block = (name: string, values: ObjectValue) => ({
    ...Object.fromEntries(Object.keys(schema.block_types![name].block.attributes ?? {}).map((attribute) => [attribute, null])),
    ...values,
  });
  return {
    ...empty,
    datacenter_id: 'dc-1',
    name: 'example-bbb-01',
    cores: 8,
    ram: 16384,
    image_name: 'ubuntu:22.04',
    allow_replace: false,
    ...overrides,
    volume: [block('volume', { disk_type: 'SSD Standard', size: 200, user_data: 'I2Nsb3VkLWNvbmZpZw==', ...volume })],
    nic: [{ ...block('nic', { lan: 1, ips: ['203.0.113.9'], ...nic }), firewall: [] }],
    label: [],
    timeouts: null,
  };
}

function createServer(config: ObjectValue): ObjectValue {
  const { planned } = ionos.plan('ionoscloud_server', null, config, config);
  return ionos.apply('ionoscloud_server', null, planned).state!;
}

describe('an IONOS server in the fake cloud', () => {
  it('plans the values the cloud assigns as unknown, and assigns them at apply', () => {
    const config = serverConfig();
    const { planned, diagnostics } = ionos.plan('ionoscloud_server', null, config, config);
    expect(diagnostics.list).toEqual([]);
    expect([planned!.id, planned!.primary_ip, planned!.vm_state].every(isUnknown)).toBe(true);
    expect(planned!.cores).toBe(8);
    const state = ionos.apply('ionoscloud_server', null, planned).state!;
    expect(state).toMatchObject({ vm_state: 'RUNNING', primary_ip: '203.0.113.9', hostname: 'example-bbb-01', cores: 8 });
    expect(state.inline_volume_ids).toEqual([state.boot_volume]);
    expect(ionos.read('ionoscloud_server', state).state).toEqual(state);
  });

  it('updates a changed name in place and keeps what the cloud assigned', () => {
    const state = createServer(serverConfig());
    const proposed = { ...state, name: 'renamed' };
    const { planned, requiresReplace } = ionos.plan('ionoscloud_server', state, proposed, serverConfig({ name: 'renamed' }));
    expect(requiresReplace).toEqual([]);
    expect(planned).toMatchObject({ id: state.id, primary_ip: state.primary_ip, name: 'renamed' });
  });

  it('replaces a server moved to another datacenter (ForceNew)', () => {
    const state = createServer(serverConfig());
    const { requiresReplace } = ionos.plan('ionoscloud_server', state, { ...state, datacenter_id: 'dc-2' }, serverConfig({ datacenter_id: 'dc-2' }));
    expect(requiresReplace).toEqual([['datacenter_id']]);
  });

  it('refuses a new user_data, as the provider does, unless allow_replace is set', () => {
    const state = createServer(serverConfig());
    const changed = (allowReplace: boolean) => {
      const config = serverConfig({ allow_replace: allowReplace }, { user_data: 'I2Nsb3VkLWNvbmZpZwojIG5ldw==' });
      const proposed = { ...state, allow_replace: allowReplace, volume: [{ ...(state.volume as ObjectValue[])[0], user_data: 'I2Nsb3VkLWNvbmZpZwojIG5ldw==' }] };
      return ionos.plan('ionoscloud_server', { ...state, allow_replace: allowReplace }, proposed, config);
    };
    expect(changed(false).diagnostics.list).toEqual([
      expect.objectContaining({ severity: 'error', summary: 'volume.0.user_data attribute is immutable, therefore not allowed in update requests' }),
    ]);
    expect(changed(true).diagnostics.list).toEqual([]);
    expect(changed(true).requiresReplace).toEqual([['volume', 0, 'user_data']]);
  });

  it('takes a server-level SSH key change in place, as the provider sends keys only at creation', () => {
    const state = createServer(serverConfig({ ssh_keys: ['ssh-ed25519 AAAA first'] }));
    const config = serverConfig({ ssh_keys: ['ssh-ed25519 AAAA first', 'ssh-ed25519 AAAA second'] });
    const { requiresReplace, diagnostics } = ionos.plan('ionoscloud_server', state, { ...state, ssh_keys: config.ssh_keys }, config);
    expect([requiresReplace, diagnostics.list]).toEqual([[], []]);
  });

  it('checks what the provider checks in code, at the attribute it concerns', () => {
    const config = serverConfig({ vm_state: 'PAUSED', ssh_keys: ['ssh-ed25519 AAAA'] }, { ssh_keys: ['ssh-ed25519 AAAA'] });
    (config.nic as ObjectValue[])[0].firewall = [{ protocol: 'TCP', port_range_start: 0, port_range_end: 65535 }];
    const found = ionos.validateResource('ionoscloud_server', config).list.map(({ severity, summary, detail, path: at }) => [severity, summary, detail, at]);
    expect(found).toEqual([
      ['error', 'expected vm_state to be one of ["RUNNING" "SHUTOFF" "SUSPENDED"], got PAUSED', undefined, ['vm_state']],
      ['error', 'expected port_range_start to be in the range (1 - 65534), got 0', undefined, ['nic', 0, 'firewall', 0, 'port_range_start']],
      ['error', 'expected port_range_end to be in the range (1 - 65534), got 65535', undefined, ['nic', 0, 'firewall', 0, 'port_range_end']],
      ['warning', 'Argument is deprecated', 'Please use ssh_keys under server level', ['volume', 0, 'ssh_keys']],
      ['error', '"ssh_keys": conflicts with volume.0.ssh_keys', undefined, ['ssh_keys']],
    ]);
  });

  it('reports a server deleted behind Terraform\u2019s back as gone', () => {
    const state = createServer(serverConfig());
    cloud.remove('ionoscloud_server', String(state.id));
    expect(ionos.read('ionoscloud_server', state).state).toBeNull();
  });
});

describe('the fake cloud\u2019s limits and refusals', () => {
  it('names a resource type whose behaviour it does not know', () => {
    expect(ionos.validateResource('ionoscloud_k8s_cluster', {}).list).toEqual([
      expect.objectContaining({ severity: 'error', summary: 'The fake cloud does not model ionoscloud_k8s_cluster' }),
    ]);
  });

  it('demands IONOS credentials, as the provider does', () => {
    const diagnostics = new Diagnostics();
    const saved = process.env.IONOS_TOKEN;
    delete process.env.IONOS_TOKEN;
    ionoscloudProvider.configure!({ token: null, username: null, password: null }, diagnostics);
    process.env.IONOS_TOKEN = saved;
    expect(diagnostics.list.map(({ summary }) => summary)).toEqual(['missing credentials, either token or username and password must be set']);
  });

  it('runs out of addresses like a pool that is used up', () => {
    const store = new CloudStore(path.join(root, 'claims'));
    expect(store.claim('tiny', ['10.0.0.1'])).toBe('10.0.0.1');
    expect(() => store.claim('tiny', ['10.0.0.1'])).toThrow('the fake cloud has nothing left in tiny');
  });
});

describe('null and random', () => {
  const random = provider(randomProvider);

  it('generates a password of the configured length with the framework defaults', () => {
    const config: ObjectValue = Object.fromEntries(Object.keys(randomProvider.schema.resource_schemas.random_password.block.attributes!).map((name) => [name, null]));
    config.length = 40;
    config.special = false;
    const { planned } = random.plan('random_password', null, config, config);
    expect(planned).toMatchObject({ upper: true, lower: true, numeric: true, number: true, special: false, min_upper: 0 });
    const state = random.apply('random_password', null, planned).state!;
    expect(state.result).toMatch(/^[A-Za-z0-9]{40}$/);
    expect(state.id).toBe('none');
  });

  it('rejects a password shorter than its minimums', () => {
    const config: ObjectValue = { length: 3, min_upper: 2, min_numeric: 2, min_lower: null, min_special: null };
    expect(random.validateResource('random_password', config).list.map(({ detail }) => detail)).toEqual([
      'Attribute length value must be at least sum of min_numeric + min_upper + min_lower + min_special, got: 3',
    ]);
  });

  it('writes one random id in all its encodings', () => {
    const config: ObjectValue = { byte_length: 8, prefix: null, keepers: null, b64_url: null, b64_std: null, hex: null, dec: null, id: null };
    const { planned } = random.plan('random_id', null, config, config);
    const state = random.apply('random_id', null, planned).state!;
    const bytes = Buffer.from(String(state.hex), 'hex');
    expect([state.id, state.b64_std, state.dec]).toEqual([bytes.toString('base64url'), bytes.toString('base64'), BigInt(`0x${state.hex}`).toString()]);
  });

  it('replaces on changed triggers, not on keys whose value is null', () => {
    expect(triggersChanged({ content: 'a' }, { content: 'b' })).toBe(true);
    expect(triggersChanged({ content: 'a' }, { content: 'a', extra: null })).toBe(false);
    expect(triggersChanged({ content: 'a' }, {})).toBe(true);
    expect(triggersChanged(null, { content: null })).toBe(false);
    expect(provider(nullProvider).plan('null_resource', { id: '1', triggers: { a: '1' } }, { id: '1', triggers: { a: '2' } }, { id: null, triggers: { a: '2' } }).requiresReplace).toEqual([['triggers']]);
  });
});

describe('the wire format', () => {
  it('keeps an unknown value\u2019s extension type and refinements', () => {
    const refined = new Unknown(new Uint8Array([0x81, 0x01, 0xc2]), 12);
    const decoded = decodeValue(encodeValue({ name: 'x', id: refined, list: [1, null] })) as ObjectValue;
    expect(decoded.id).toEqual(refined);
    expect(decoded).toMatchObject({ name: 'x', list: [1, null] });
  });
});

describe('the harness', () => {
  function stackDirectory(name: string, document: object): string {
    const directory = path.join(root, 'stacks', name);
    mkdirSync(directory, { recursive: true });
    writeFileSync(path.join(directory, 'cdk.tf.json'), JSON.stringify(document));
    return directory;
  }

  it('orders stacks after those whose state they read, and names a cycle', () => {
    const reads = (...stacks: string[]) => ({ data: { terraform_remote_state: Object.fromEntries(stacks.map((stack) => [`cross-stack-reference-input-${stack}`, {}])) } });
    stackDirectory('a', {});
    stackDirectory('b', reads('a'));
    stackDirectory('c', reads('b', 'a'));
    expect(deploymentOrder(path.join(root, 'stacks'), ['c', 'b', 'a'])).toEqual(['a', 'b', 'c']);
    stackDirectory('d', reads('e'));
    stackDirectory('e', reads('d'));
    expect(() => deploymentOrder(path.join(root, 'stacks'), ['d', 'e'])).toThrow('stacks read each other\u2019s state: d -> e -> d'.replace('\u2019', "'"));
    expect(() => deploymentOrder(path.join(root, 'stacks'), ['b'])).toThrow('b reads the state of a, which is not among the stacks');
  });

  it('refuses a provisioner that would connect by its own connection block, and a remote state of no stack', async () => {
    const session = FakeCloudSession.create();
    try {
      const ownConnection = stackDirectory('own-connection', {
        resource: { null_resource: { push: { connection: { host: '10.0.0.1' }, provisioner: [{ 'remote-exec': { inline: ['true'], connection: { host: '10.0.0.2' } } }] } } },
      });
      await expect(session.stack(ownConnection, { backend: false })).rejects.toThrow(
        'own-connection: null_resource.push must connect by its resource-level connection block to run on the fake cloud',
      );
      const foreignState = stackDirectory('foreign-state', { data: { terraform_remote_state: { shared: {} } } });
      await expect(session.stack(foreignState, { backend: false })).rejects.toThrow('foreign-state: remote state shared names no stack of this environment');
    } finally {
      await session.close();
    }
  });

  it('names a provider whose plugin, run for Terraform to reattach to, fails before its handshake', async () => {
    const plugin = preparePlugin(mkdtempSync(path.join(root, 'plugin-')));
    const broken = { ...plugin, environment: { ...plugin.environment, FAKE_CLOUD_PROTOCOL: path.join(root, 'no-such-protocol.json') } };
    await expect(RunningPlugins.start(broken, path.join(root, 'cloud'), { PATH: process.env.PATH })).rejects.toThrow(
      /the ionoscloud plugin exited \(1\) before its handshake: .*no-such-protocol\.json/s,
    );
  });

  it('prepares a plugin that, started by hand, says what go-plugin says', () => {
    const plugin = preparePlugin(mkdtempSync(path.join(root, 'plugin-')));
    const byHand = spawnSync(process.execPath, [plugin.file, 'null'], { encoding: 'utf8', env: { PATH: process.env.PATH } });
    expect([byHand.status, byHand.stderr]).toEqual([1, expect.stringContaining('This binary is a plugin. These are not meant to be executed directly.')]);
    const oldTerraform = spawnSync(process.execPath, [plugin.file, 'null'], {
      encoding: 'utf8',
      env: { ...plugin.environment, TF_PLUGIN_MAGIC_COOKIE: 'd602bf8f470bc67ca7faa0386276bbdd4330efaf76d1a219cb4d6991ca9872b2', PLUGIN_PROTOCOL_VERSIONS: '4,5' },
    });
    expect([oldTerraform.status, oldTerraform.stderr.trim()]).toEqual([1, 'fake cloud: Terraform offers plugin protocol versions 4, 5; this plugin speaks 6 only']);
  });
});
