import { DefaultTokenResolver, StringConcat, TerraformStack, Testing, Tokenization } from 'cdktf';
import { AUTOSCALER_OWNED_ATTRIBUTES, BbbPool, EXPORTER_PORTS } from '../../constructs/bbb-pool';
import { Network } from '../../constructs/network';
import { inventoryProblems } from '../../functions/autoscaler/inventory';
import { inventoryPolicyFromEnvironment } from '../../functions/autoscaler/policy/settings';
import { decodeJoinedText } from '../../testing/user-data';
import { exampleConfig, exampleWith } from '../../testing/synth';
import { resources, SCALELITE_API_URL, synthBbb, type Json } from './synth-bbb';

const config = exampleConfig();
const { stack, bbb, network } = synthBbb(config);
const servers = resources(bbb, 'ionoscloud_server').filter(([, body]) => body.label[0].value === 'bbb');
const byName = new Map(servers.map(([, body]) => [body.name as string, body]));
const resolve = (value: unknown) =>
  Tokenization.resolve(value, { scope: stack, resolver: new DefaultTokenResolver(new StringConcat()) });
const names = Array.from({ length: 20 }, (_, i) => `example-bbb-${String(i + 1).padStart(2, '0')}`);

/** Terraform's jsonencode(reference), with the reference standing in for its value. */
function referenceAsJson(reference: string): string {
  const inner = /^jsonencode\((.+)\)$/.exec(reference)?.[1];
  if (!inner) throw new Error(`expected jsonencode(<reference>), got ${reference}`);
  return JSON.stringify(`\${${inner}}`);
}

function server(name: string): Json {
  const body = byName.get(name);
  if (!body) throw new Error(`no server ${name}`);
  return body;
}

describe('BbbPool servers', () => {
  it('provisions bbb.pool.size servers named <env>-bbb-NN', () => {
    expect([...byName.keys()].sort()).toEqual(names);
  });

  it('gives every server the configured dedicated cores, RAM, disk and Ubuntu 22.04', () => {
    for (const name of names) {
      expect(server(name)).toMatchObject({ type: 'ENTERPRISE', cores: 8, ram: 16 * 1024, image_name: 'ubuntu:22.04' });
      expect(server(name).volume).toMatchObject({ size: 200 });
    }
  });

  it('leaves power state, cores and RAM to the autoscaler', () => {
    expect([...AUTOSCALER_OWNED_ATTRIBUTES]).toEqual(['vm_state', 'cores', 'ram']);
    for (const name of names) {
      expect(server(name).lifecycle.ignore_changes).toEqual(expect.arrayContaining(['vm_state', 'cores', 'ram']));
      expect(server(name).allow_replace).toBe(false);
    }
  });

  it('treats the user data as first-boot only, so a template change never fails the plan for the pool', () => {
    for (const name of names) {
      expect(server(name).lifecycle.ignore_changes).toEqual(['vm_state', 'cores', 'ram', 'volume[0].user_data', 'ssh_keys']);
    }
  });

  it('puts each server on its own reserved public address', () => {
    const addresses = names.map((name) => server(name).nic.ips[0]);
    expect(new Set(addresses).size).toBe(20);
    expect(server('example-bbb-07').nic.ips[0]).toMatch(/outputs\.cross-stack-output-ionoscloud_ipblockNetwork_Bbb7Ip_[0-9A-F]+ips, 0\)\}$/);
  });

  it('attaches a private NIC at the address plan position of each server', () => {
    const nics = resources(bbb, 'ionoscloud_nic').map(([, body]) => body);
    const privateIps = nics.map((nic) => nic.ips[0]).filter((ip: string) => ip.startsWith('10.20.10.'));
    expect(privateIps.sort()).toEqual(Array.from({ length: 20 }, (_, i) => `10.20.10.${i + 1}`).sort());
    for (const nic of nics) expect(nic.firewall_active).toBe(false);
  });

  it('has one DNS record bbb-NN.<domain> per server in the network stack', () => {
    const records = resources(network, 'ionoscloud_dns_record').map(([, body]) => body.name as string);
    expect(records.filter((name) => name.startsWith('bbb-')).sort()).toEqual(names.map((name) => name.replace('example-', '')));
  });
});

describe('BbbPool firewall', () => {
  const rules = (name: string) => server(name).nic.firewall as Json[];
  const portsOf = (rule: Json) => [rule.port_range_start, rule.port_range_end];

  it('is active with a default deny (only listed rules pass)', () => {
    for (const name of names) {
      expect(server(name).nic.firewall_active).toBe(true);
      expect(server(name).nic.firewall_type).toBe('INGRESS');
    }
  });

  it('opens HTTP, HTTPS and the WebRTC media range to everyone', () => {
    const open = rules('example-bbb-01').filter((rule) => !rule.source_ip);
    expect(open.map((rule) => [rule.protocol, ...portsOf(rule)])).toEqual([
      ['TCP', 80, 80],
      ['TCP', 443, 443],
      ['UDP', 16384, 32768],
    ]);
  });

  it('allows SSH only from each admin CIDR', () => {
    const ssh = rules('example-bbb-01').filter((rule) => rule.port_range_start === 22);
    expect(ssh.map((rule) => rule.source_ip)).toEqual(config.adminCidrs);
    expect(ssh.every((rule) => rule.protocol === 'TCP' && rule.port_range_end === 22)).toBe(true);
  });

  it('never opens the exporters or the built-in TURN port when an external TURN server exists', () => {
    for (const name of names) {
      const covered = (port: number) => rules(name).some((rule) => rule.port_range_start <= port && port <= rule.port_range_end);
      expect(covered(EXPORTER_PORTS.node)).toBe(false);
      expect(covered(EXPORTER_PORTS.bbb)).toBe(false);
      expect(covered(3478)).toBe(false);
    }
  });
});

describe('BbbPool secrets', () => {
  const passwords = resources(bbb, 'random_password').filter(([id]) => id.startsWith('Pool_'));

  it('generates one API secret per server in Terraform', () => {
    expect(passwords).toHaveLength(20);
    for (const [, body] of passwords) expect(body).toMatchObject({ length: 40, special: false });
  });

  it('passes each server its own secret by reference, never a value', () => {
    const user01 = server('example-bbb-01').volume.user_data as string;
    const user02 = server('example-bbb-02').volume.user_data as string;
    expect(user01).toMatch(/random_password\.Pool_Server1_ApiSecret_[0-9A-F]+\.result/);
    expect(user01).not.toMatch(/Server2_ApiSecret/);
    expect(user02).toMatch(/random_password\.Pool_Server2_ApiSecret_[0-9A-F]+\.result/);
  });
});

describe('BbbPool inventory', () => {
  const { inventory } = stack.pool;
  const resolved = resolve(inventory) as Json;

  it('names the environment, data center, Prometheus and the Scalelite server API', () => {
    expect(resolved.environment).toBe('example');
    // Both come from other stacks, so the inventory reads them from their state outputs.
    expect(resolved.datacenterId).toMatch(
      /^\$\{data\.terraform_remote_state\.cross-stack-reference-input-example-network\.outputs\.cross-stack-output-ionoscloud_datacenterNetwork_Datacenter_[0-9A-F]+id\}$/,
    );
    expect(resolved.prometheusUrl).toBe('http://prometheus:9090');
    expect(resolved.scalelite.apiUrl).toBe(SCALELITE_API_URL);
    expect(resolved.scalelite.secret).toMatch(/^\$\{data\.terraform_remote_state\.[\w-]+scalelite-standin\.outputs\.cross-stack-output-random_passwordLoadbalancerSecretresult\}$/);
  });

  it('names the platform\u2019s Redis, where acting autoscalers share their lease, with its password by reference', () => {
    expect(resolved.coordination).toEqual({
      redis: {
        host: '10.20.3.20',
        port: 6379,
        username: 'scalelite',
        password: expect.stringMatching(/^\$\{data\.terraform_remote_state\.cross-stack-reference-input-example-network\.outputs\.cross-stack-output-random_passwordData_RedisPassword_[0-9A-F]+result\}$/),
      },
    });
  });

  it('carries the policy block the autoscaler expects', () => {
    expect(resolved.policy).toEqual(inventoryPolicyFromEnvironment(config));
    expect(resolved.policy).toMatchObject({ poolSize: 20, minRunning: 4, baseCores: 8, baseRamGb: 16 });
  });

  it('lists every server with what registration and power control need', () => {
    expect(resolved.servers).toHaveLength(20);
    expect(resolved.servers[2]).toEqual({
      name: 'example-bbb-03',
      ionosServerId: expect.stringMatching(/^\$\{ionoscloud_server\.Pool_Server3_Vm_Server_[0-9A-F]+\.id\}$/),
      hostname: 'bbb-03.bbb.example.org',
      privateIp: '10.20.10.3',
      bbbApiUrl: 'https://bbb-03.bbb.example.org/bigbluebutton/api',
      bbbSecret: expect.stringMatching(/^\$\{random_password\.Pool_Server3_ApiSecret_[0-9A-F]+\.result\}$/),
      baseCores: 8,
      baseRamGb: 16,
    });
    expect(new Set(resolved.servers.map((entry: Json) => entry.bbbApiUrl)).size).toBe(20);
  });

  it('satisfies the autoscaler\u2019s inventory schema once Terraform fills in the references', () => {
    const filled = JSON.parse(JSON.stringify(resolved).replace(/\$\{([^}]+)\}/g, (_, reference: string) => `value-of-${reference.replace(/[^A-Za-z0-9]/g, '-')}`));
    expect(inventoryProblems(filled)).toEqual([]);
  });

  it('renders as one JSON document built by Terraform, held in one local of the BBB stack', () => {
    const local = /^\$\{local\.([\w-]+)\}$/.exec(resolve(stack.pool.inventoryJson) as string)?.[1];
    const json = bbb.locals[local ?? ''] as string;
    expect(JSON.parse(decodeJoinedText(json, referenceAsJson))).toEqual(resolved);
  });
});

describe('BbbPool size changes', () => {
  const [[, resize]] = resources(bbb, 'null_resource').filter(([id]) => id.startsWith('Pool_ApplySize'));
  const exec = resize.provisioner[0]['local-exec'];

  it('re-runs only when the configured size changes', () => {
    expect(resize.triggers).toEqual({ cores: '8', ram_mb: '16384' });
  });

  it('runs the resize script from the stack assets against every pool server', () => {
    expect(exec.command).toMatch(/^node assets\/Pool_ApplySize_Script_[0-9A-F]+\/[0-9A-F]+\/apply-size-cli\.cjs$/);
    expect(exec.environment).toMatchObject({ CORES: '8', RAM_MB: '16384' });
    const servers = JSON.parse(decodeJoinedText(exec.environment.SERVERS, referenceAsJson));
    expect(servers).toHaveLength(20);
    expect(servers[19]).toEqual({ name: 'example-bbb-20', id: expect.stringMatching(/^\$\{ionoscloud_server\.Pool_Server20_Vm_Server_[0-9A-F]+\.id\}$/) });
    expect(resize.depends_on).toHaveLength(20);
  });
});

describe('BbbPool input errors', () => {
  function build(overrides: Parameters<typeof exampleWith>[0], props: { recordings?: boolean; turn?: boolean; networkSize?: number } = {}) {
    const poolConfig = exampleWith(overrides);
    const app = Testing.app();
    const scope = new TerraformStack(app, 'test');
    const networkConfig = props.networkSize ? exampleWith({ ...overrides, bbb: { pool: { size: props.networkSize, minRunning: 4 } } }) : poolConfig;
    const net = new Network(scope, 'Network', { config: networkConfig });
    return () =>
      new BbbPool(scope, 'Pool', {
        config: poolConfig,
        network: net,
        scalelite: { apiUrl: SCALELITE_API_URL, secret: 'x' },
        coordination: { host: '10.20.3.20', port: 6379, username: 'scalelite', password: 'password' },
        recordings: props.recordings ? { server: '10.20.3.30', exportPath: '/share' } : undefined,
        turn: props.turn ? { hostnames: ['turn-01.bbb.example.org'], secret: 'y' } : undefined,
      });
  }

  it('rejects a network built for another pool size', () => {
    expect(build({}, { recordings: true, turn: true, networkSize: 25 })).toThrow(
      'BbbPool: bbb.pool.size is 20 but the network reserved 25 BBB address(es); build both from the same config',
    );
  });

  it('needs the recordings share when scalelite.recordings is true', () => {
    expect(build({}, { turn: true })).toThrow('BbbPool: scalelite.recordings is true, so the recordings NFS share (recordings) must be given');
  });

  it('needs the TURN endpoint when turn.servers > 0', () => {
    expect(build({}, { recordings: true })).toThrow('BbbPool: turn.servers is 1, so the TURN endpoint (turn) must be given');
  });

  it('needs neither when recordings and TURN are off', () => {
    expect(build({ scalelite: { recordings: false }, turn: { servers: 0 } })).not.toThrow();
  });
});
