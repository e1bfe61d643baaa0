/**
 * Small construct trees to run the policy pack against: a datacenter with a public
 * and a private LAN, and servers built from a compliant baseline that each test
 * bends in one place.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { AnnotationMetadataEntryType, Fn, Manifest, TerraformStack, Testing } from 'cdktf';
import type { Construct, IConstruct } from 'constructs';
import { Datacenter } from '../../.gen/providers/ionoscloud/datacenter';
import { Lan } from '../../.gen/providers/ionoscloud/lan';
import { Server, type ServerConfig, type ServerNic } from '../../.gen/providers/ionoscloud/server';
import { applyPolicies } from '../../policies';
import { PgCluster } from '../../.gen/providers/ionoscloud/pg-cluster';

export interface Fixture {
  readonly stack: TerraformStack;
  readonly datacenter: Datacenter;
  readonly publicLan: Lan;
  readonly privateLan: Lan;
}

export function policyFixture(stackName = 'fixture'): Fixture {
  const stack = new TerraformStack(Testing.app(), stackName);
  applyPolicies(stack);
  return { stack, ...network(stack) };
}

export function network(stack: TerraformStack): Omit<Fixture, 'stack'> {
  const datacenter = new Datacenter(stack, 'Datacenter', { name: 'fixture', location: 'de/fra' });
  const publicLan = new Lan(stack, 'PublicLan', { datacenterId: datacenter.id, public: true });
  const privateLan = new Lan(stack, 'PrivateLan', { datacenterId: datacenter.id, public: false });
  return { datacenter, publicLan, privateLan };
}

export const CLOUD_CONFIG = [
  '#cloud-config',
  'users:',
  '  - name: ops',
  '    lock_passwd: true',
  '    sudo: ALL=(ALL) NOPASSWD:ALL',
  'ssh_pwauth: false',
  'disable_root: true',
  '',
].join('\n');

/** LAN ids are strings in Terraform and numbers in the NIC schema; references convert. */
export function lanId(lan: Lan): number {
  return lan.id as unknown as number;
}

/** A compliant ENTERPRISE server on the public LAN with HTTPS open; `overrides` bend it. */
export function server(
  fixture: Fixture,
  id: string,
  overrides: Partial<Omit<ServerConfig, 'nic'>> & { nic?: Partial<ServerNic> } = {},
  scope: Construct = fixture.stack,
): Server {
  const { nic, ...rest } = overrides;
  return new Server(scope, id, {
    datacenterId: fixture.datacenter.id,
    name: `fixture-${id.toLowerCase()}`,
    type: 'ENTERPRISE',
    cores: 2,
    ram: 4096,
    imageName: 'ubuntu:22.04',
    volume: { name: 'system', size: 20, diskType: 'SSD Standard', userData: Fn.base64encode(CLOUD_CONFIG) },
    nic: {
      name: 'public',
      lan: lanId(fixture.publicLan),
      dhcp: true,
      firewallActive: true,
      firewallType: 'INGRESS',
      firewall: [{ name: 'https', protocol: 'TCP', portRangeStart: 443, portRangeEnd: 443 }],
      ...nic,
    },
    ...rest,
  });
}

export interface Finding {
  readonly level: 'error' | 'warning' | 'info';
  readonly path: string;
  readonly rule: string;
  readonly message: string;
}

const LEVELS: Record<string, Finding['level']> = {
  [AnnotationMetadataEntryType.ERROR]: 'error',
  [AnnotationMetadataEntryType.WARN]: 'warning',
  [AnnotationMetadataEntryType.INFO]: 'info',
};

/** The failure a policy violation gives synth. */
export const VIOLATIONS = /\d+ security policy violation\(s\):/;

/**
 * Synthesizes one stack into a temporary directory, as app.synth() synthesizes each
 * (the policy pack checks what is written), and removes it again. Fixtures are parts
 * of stacks (no providers), so cdktf's own validations are skipped.
 */
export function synthesizeOne(stack: TerraformStack): void {
  const outdir = mkdtempSync(path.join(tmpdir(), 'policy-'));
  try {
    stack.synthesizer.synthesize({ outdir, skipValidation: true, manifest: new Manifest('test', outdir, false) });
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}

/** Synthesizes the stack and returns the policy annotations it left; violations fail synth, any other failure is the test's. */
export function evaluate(stack: TerraformStack): Finding[] {
  try {
    synthesizeOne(stack);
  } catch (error) {
    if (!VIOLATIONS.test(String(error))) throw error;
  }
  return policyAnnotations(stack);
}

/** The policy annotations on the stack's constructs. */
export function policyAnnotations(stack: TerraformStack): Finding[] {
  return stack.node.findAll().flatMap((node: IConstruct) =>
    node.node.metadata
      .filter((entry) => entry.type in LEVELS && /^\[[A-Z-]+\]/.test(String(entry.data)))
      .map((entry) => ({
        level: LEVELS[entry.type],
        path: node.node.path,
        rule: /^\[([A-Z-]+)\]/.exec(String(entry.data))![1],
        message: String(entry.data),
      })),
  );
}

/** Findings of one rule, as `level path: message` lines for readable assertions. */
export function findingsOf(stack: TerraformStack, rule: string): Finding[] {
  return evaluate(stack).filter((finding) => finding.rule === rule);
}

/** A PostgreSQL cluster connected to `lanId` (default: the fixture's private LAN). */
export function pgCluster(fixture: Fixture, id: string, options: { password: string; lanId?: string }): PgCluster {
  return new PgCluster(fixture.stack, id, {
    displayName: 'db',
    cores: 2,
    ram: 4096,
    instances: 1,
    location: 'de/fra',
    postgresVersion: '15',
    storageSize: 20480,
    storageType: 'SSD',
    synchronizationMode: 'ASYNCHRONOUS',
    connections: { cidr: '10.7.0.20/24', datacenterId: fixture.datacenter.id, lanId: options.lanId ?? fixture.privateLan.id },
    credentials: { username: 'scalelite', password: options.password },
  });
}
