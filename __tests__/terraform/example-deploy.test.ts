/**
 * The example environment deployed by the real Terraform onto the fake cloud: its four
 * stacks planned and applied in dependency order (each reading the others' local
 * states), Terraform's first plans as readable snapshots, a second plan with no
 * changes, the configuration pushes as the VMs received them, the autoscaler's doings
 * left alone, and what Terraform would do about the changes operators make (the table
 * in docs/deploy.md). The example is applied once; the checks after it run side by side.
 */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { deployInOrder, initializeStacks, succeeded, type PlannedStack } from '../../fake-cloud/harness/deploy';
import { changesFromPlanMessages, driftFromPlanMessages, labelsFromStates, summarizePlan, type PlannedChange, type ResourceChangeSummary } from '../../fake-cloud/harness/plan-summary';
import { FakeCloudSession } from '../../fake-cloud/harness/session';
import type { SshSessionRecord } from '../../fake-cloud/harness/ssh-stand-in';
import type { TerraformResult } from '../../fake-cloud/harness/terraform';
import { exampleConfig, exampleWith, synthEnvironmentInto } from '../../testing/synth';
import { describeWithTerraform } from '../support/terraform';
import { synthWithEditedFiles, type FileEdits } from './edited-synth';

const STACKS = ['example-network', 'example-frontend', 'example-bbb', 'example-monitoring'];
const SECOND_KEY = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIF9oUajw3FhMVuslSBgM9z0YLEXchRhxiBCvpV6BYUyL second@example.org';
const STAGING = '/tmp/platform-push/';

/** Resources by what Terraform would do with them, addresses without cdktf's hash suffix. */
type Outcome = Partial<Record<'create' | 'update' | 'replace' | 'delete', string[]>>;

interface ChangeCase {
  readonly name: string;
  readonly config?: Record<string, unknown>;
  readonly edits?: FileEdits;
  /** Stacks deployed before the others are planned, as the README's procedure says. */
  readonly applyFirst?: readonly string[];
  /** The stacks whose Terraform the change alters (the others are left out of the plan). */
  readonly stacks: readonly string[];
  readonly expected: Outcome;
}

const CONFIG_PUSH = 'null_resource.Monitoring_Config_Push';
const SCALELITE_PUSHES = ['null_resource.ScaleliteConfig_Node1_Push', 'null_resource.ScaleliteConfig_Node2_Push'];

const CASES: ChangeCase[] = [
  {
    name: 'an alert rule',
    edits: { 'monitoring/rules/servers.yml': (text) => text.replace('instance:cpu_utilisation:rate1m > 0.8', 'instance:cpu_utilisation:rate1m > 0.85') },
    stacks: ['example-monitoring'],
    expected: { replace: [CONFIG_PUSH] },
  },
  {
    name: 'a dashboard',
    edits: { 'monitoring/dashboards/platform.json': (text) => text.replace('"title": "', '"title": "Edited: ') },
    stacks: ['example-monitoring'],
    expected: { replace: [CONFIG_PUSH] },
  },
  { name: 'a BBB cloud-init template', edits: { 'templates/bbb/bbb-platform-setup.sh': (text) => `${text}# edited\n` }, stacks: ['example-bbb'], expected: {} },
  {
    name: 'the Scalelite configuration',
    edits: { 'templates/scalelite/scalelite.env': (text) => `${text}MAX_MEETING_DURATION=480\n` },
    stacks: ['example-frontend', 'example-monitoring'],
    expected: { replace: SCALELITE_PUSHES },
  },
  { name: 'the SSH keys', config: { sshKeys: [SECOND_KEY] }, stacks: ['example-frontend', 'example-bbb', 'example-monitoring'], expected: {} },
  { name: 'bbb.cores 8 -> 12', config: { bbb: { cores: 12 } }, stacks: ['example-bbb'], expected: { replace: ['null_resource.Pool_ApplySize_Resize'] } },
  {
    name: 'bbb.pool.size 20 -> 22',
    config: { bbb: { pool: { size: 22 } } },
    applyFirst: ['example-network'],
    stacks: ['example-network', 'example-bbb', 'example-monitoring'],
    expected: {
      create: [
        'ionoscloud_dns_record.Network_Bbb21Dns',
        'ionoscloud_dns_record.Network_Bbb22Dns',
        'ionoscloud_ipblock.Network_Bbb21Ip',
        'ionoscloud_ipblock.Network_Bbb22Ip',
        'ionoscloud_nic.Pool_Server21_Vm_PrivateNic',
        'ionoscloud_nic.Pool_Server22_Vm_PrivateNic',
        'ionoscloud_server.Pool_Server21_Vm_Server',
        'ionoscloud_server.Pool_Server22_Vm_Server',
        'random_password.Pool_Server21_ApiSecret',
        'random_password.Pool_Server22_ApiSecret',
      ],
      replace: [CONFIG_PUSH],
    },
  },
];

let session: FakeCloudSession;
let keys: string[];
let baseline: Record<string, string>;
let planned: Map<string, PlannedStack>;
const firstPlans = new Map<string, Record<string, ResourceChangeSummary>>();
/** Started once the example is applied, side by side; each describe below awaits its own. */
let afterApply: Promise<AfterApply>;
let changeOutcomes: Promise<Map<string, { changedStacks: string[]; outcome: Outcome }>>;

interface AfterApply {
  readonly replans: TerraformResult[];
  readonly drift: { readonly plan: TerraformResult; readonly drifted: PlannedChange[]; readonly changedServers: string[] };
}

/** An address without the hash cdktf appends to construct paths: `null_resource.Monitoring_Config_Push`. */
function readable(address: string): string {
  return address.replace(/_[0-9A-F]{8}$/, '');
}

/** What a plan (`-json`) would change. */
function plannedChanges(result: TerraformResult): PlannedChange[] {
  return changesFromPlanMessages(result.stdout).filter(({ action }) => action !== 'no-op' && action !== 'read');
}

/**
 * What each server received, replayed from the stand-in's sessions in order: a push
 * prepares the staging directory, uploads files into it, then installs each staged
 * file. Installing a file that was not staged is an error.
 */
function installedFiles(sessions: readonly SshSessionRecord[]): Map<string, string[]> {
  const installed = new Map<string, string[]>();
  const staged = new Map<string, Set<string>>();
  for (const record of sessions) {
    const files = staged.get(record.server) ?? new Set<string>();
    staged.set(record.server, files);
    for (const upload of record.uploads) if (upload.path.startsWith(STAGING)) files.add(upload.path);
    for (const script of record.scripts) {
      if (script.includes(`mkdir -m 0700 ${STAGING.slice(0, -1)}`)) files.clear();
      const installs = [...script.matchAll(/sudo install -D -m 0[0-7]{3}(?: -o \d+ -g \d+)? (\S+) (\S+)/g)];
      if (installs.length === 0) continue;
      expect(script).toContain(`trap 'rm -rf ${STAGING.slice(0, -1)}' EXIT`);
      for (const [, source, destination] of installs) {
        if (!files.has(source)) throw new Error(`${record.server}: installs ${source}, which was not staged`);
        installed.set(record.server, [...(installed.get(record.server) ?? []), destination]);
      }
    }
  }
  return installed;
}

/** Each server's name by its address, from a stack's state. */
function serverNamesByAddress(stateFile: string): Map<string, string> {
  const state = JSON.parse(readFileSync(stateFile, 'utf8'));
  return new Map(
    state.resources
      .filter((resource: any) => resource.type === 'ionoscloud_server')
      .map((resource: any) => [`${resource.type}.${resource.name}`, resource.instances[0].attributes.name]),
  );
}

/** A case's configuration synthesized, and the stacks whose Terraform it changes. */
interface SynthesizedCase {
  readonly root: string;
  readonly changedStacks: string[];
}

/**
 * Every case synthesized, one after the other, letting the event loop run in between:
 * started before the example is deployed, the synths use the CPU the Terraform runs
 * leave free instead of waiting for them.
 */
async function synthesizeCases(): Promise<Map<string, SynthesizedCase>> {
  const synthesized = new Map<string, SynthesizedCase>();
  for (const change of CASES) {
    await new Promise((resolve) => setImmediate(resolve));
    const root = path.join(session.root, 'cases', change.name.replace(/\W+/g, '-'));
    const config = exampleWith({ ...change.config, sshKeys: [...keys, ...((change.config?.sshKeys as string[]) ?? [])] });
    const { texts } = change.edits ? synthWithEditedFiles(config, root, change.edits) : synthEnvironmentInto(config, root);
    synthesized.set(change.name, { root, changedStacks: STACKS.filter((stack) => texts[stack] !== baseline[stack]) });
  }
  return synthesized;
}

/**
 * Plans, with Terraform, each stack whose Terraform a case changed. A case that applies
 * a stack first does so on its own copy of the states, so the other checks still see
 * the example as deployed.
 */
async function planChange(change: ChangeCase, { root, changedStacks }: SynthesizedCase): Promise<{ changedStacks: string[]; outcome: Outcome }> {
  const states = change.applyFirst ? session.branchStates(path.join(root, 'states')) : undefined;
  const workspaces = await initializeStacks(session, path.join(root, 'stacks'), changedStacks, states);
  const outcome: Outcome = {};
  const record = (stack: string, command: string, result: TerraformResult) => {
    for (const { address, action } of changesFromPlanMessages(succeeded(stack, command, result).stdout)) {
      if (action !== 'no-op' && action !== 'read') (outcome[action as keyof Outcome] ??= []).push(readable(address));
    }
  };
  // An apply's messages carry the plan it carried out.
  for (const stack of change.applyFirst ?? []) record(stack, 'apply', await workspaces.get(stack)!.run(['apply', '-input=false', '-lock=false', '-auto-approve', '-json']));
  const planning = changedStacks.filter((stack) => !change.applyFirst?.includes(stack));
  const results = await Promise.all(planning.map((stack) => workspaces.get(stack)!.run(['plan', '-input=false', '-lock=false', '-refresh=false', '-json'])));
  results.forEach((result, index) => record(planning[index], 'plan', result));
  for (const list of Object.values(outcome)) list.sort();
  return { changedStacks, outcome };
}

/**
 * The second plan of each stack, refreshing from the fake cloud. Before the BBB stack's,
 * the autoscaler's doings: some BBB servers stopped, some grown; that plan's refresh
 * must find exactly those and change nothing.
 */
async function checkAfterApply(): Promise<AfterApply> {
  const servers = [...session.cloud.list('ionoscloud_server')].filter(([, server]) => /^example-bbb-\d+$/.test(String(server.name)));
  servers.slice(0, 3).forEach(([id, server]) => session.cloud.write('ionoscloud_server', id, { ...server, vm_state: 'SHUTOFF' }));
  servers.slice(3, 5).forEach(([id, server]) => session.cloud.write('ionoscloud_server', id, { ...server, cores: 12, ram: 24_576 }));
  const replans = await Promise.all(
    [...planned.values()].map(({ workspace }) => workspace.run(['plan', '-input=false', '-lock=false', '-json', '-detailed-exitcode'])),
  );
  const plan = replans[STACKS.indexOf('example-bbb')];
  const changedServers = servers.slice(0, 5).map(([, server]) => String(server.name));
  return { replans, drift: { plan, drifted: driftFromPlanMessages(plan.stdout), changedServers } };
}

async function planChanges(synthesized: Promise<Map<string, SynthesizedCase>>): Promise<Map<string, { changedStacks: string[]; outcome: Outcome }>> {
  const cases = await synthesized;
  const results = await Promise.all(CASES.map(async (change) => [change.name, await planChange(change, cases.get(change.name)!)] as const));
  return new Map(results);
}

describeWithTerraform('the example on the fake cloud', () => {
  beforeAll(async () => {
    session = await FakeCloudSession.createWithRunningPlugins();
    keys = [...exampleConfig().sshKeys, session.publicKey];
    const base = path.join(session.root, 'base');
    baseline = synthEnvironmentInto(exampleWith({ sshKeys: keys }), base).texts;
    const synthesized = synthesizeCases();
    synthesized.catch(() => undefined);
    planned = await deployInOrder(session, path.join(base, 'stacks'), STACKS, {
      onPlan: ({ name, plan }) => {
        const applied = STACKS.slice(0, STACKS.indexOf(name)).map((stack) => session.statePath(stack));
        firstPlans.set(name, summarizePlan(plan, labelsFromStates(applied)));
      },
    });
    afterApply = checkAfterApply();
    changeOutcomes = planChanges(synthesized);
    // Awaited by the tests below; a failure shows there, not as an unhandled rejection.
    afterApply.catch(() => undefined);
    changeOutcomes.catch(() => undefined);
  }, 180_000);
  afterAll(() => session?.close());

  it('plans and applies the stacks in dependency order, each creating everything it declares', () => {
    expect([...planned.keys()]).toEqual(STACKS);
    for (const stack of STACKS) {
      expect(new Set(Object.values(firstPlans.get(stack)!).map(({ action }) => action))).toEqual(new Set(['create']));
    }
  });

  it.each(STACKS)("Terraform's first plan of %s (snapshot)", (stack) => {
    expect(firstPlans.get(stack)).toMatchSnapshot();
  });

  describe('configuration pushes', () => {
    it('reach the monitoring VM directly and the Scalelite nodes through it, with the key listed in sshKeys', async () => {
      const standIn = await session.sshStandIn();
      expect(standIn.refusals).toEqual([]);
      const targets = new Set(standIn.sessions.map(({ user, server, via }) => `${user}@${server}${via ? ' via bastion' : ''}`));
      expect([...targets].sort()).toEqual(['ops@example-monitoring-01', 'ops@example-scalelite-01 via bastion', 'ops@example-scalelite-02 via bastion']);
    });

    it('stage each file, then install every staged file to its path in a script that cleans up', async () => {
      const installs = installedFiles((await session.sshStandIn()).sessions);
      expect(installs.get('example-monitoring-01')).toEqual(expect.arrayContaining(['/opt/bbb-autoscaler/autoscaler.js', '/opt/monitoring/docker-compose.yml']));
      for (const node of ['example-scalelite-01', 'example-scalelite-02']) {
        expect(installs.get(node)).toEqual(expect.arrayContaining(['/opt/scalelite/scalelite.env', '/opt/scalelite/docker-compose.yml']));
      }
    });

    it('deliver the autoscaler bundle byte for byte to the monitoring VM', async () => {
      const standIn = await session.sshStandIn();
      const bundle = readFileSync(path.resolve(__dirname, '../../dist/autoscaler.js'));
      const delivered = standIn.sessions.flatMap(({ server, uploads }) => uploads.filter(({ content }) => content.equals(bundle)).map(() => server));
      expect(delivered).toEqual(['example-monitoring-01']);
    });

    it('hand the size of all 20 BBB servers of the cloud to the resize script that local-exec runs', () => {
      const calls = session.localExecCalls();
      expect(calls).toHaveLength(1);
      const [call] = calls;
      expect(call.args[0]).toMatch(/apply-size-cli\.cjs$/);
      expect(call.environment).toMatchObject({ CORES: '8', RAM_MB: '16384' });
      const servers = JSON.parse(call.environment.SERVERS) as { name: string; id: string }[];
      const cloudServers = session.cloud.list('ionoscloud_server');
      expect(servers).toHaveLength(20);
      for (const { name, id } of servers) expect(cloudServers.get(id)?.name).toBe(name);
    });
  });

  describe('after the apply', () => {
    let checks: AfterApply;

    beforeAll(async () => {
      checks = await afterApply;
    }, 180_000);

    it('a second plan of every stack shows no changes, and the refresh finds the cloud as Terraform left it', () => {
      // -detailed-exitcode: 0 is a plan without changes, 2 one with changes. The BBB
      // stack's drift, the autoscaler's, is the next test's.
      const seen = checks.replans.map((result, index) => [result.code, plannedChanges(result), STACKS[index] === 'example-bbb' ? [] : driftFromPlanMessages(result.stdout)]);
      expect(seen).toEqual(STACKS.map(() => [0, [], []]));
    });

    it('the fake cloud reports the servers the autoscaler stopped and grew, and Terraform leaves them as they are', () => {
      const { plan, drifted, changedServers } = checks.drift;
      const names = serverNamesByAddress(session.statePath('example-bbb'));
      expect(drifted.map(({ address }) => names.get(address)).sort()).toEqual([...changedServers].sort());
      expect(drifted.every(({ action }) => action === 'update')).toBe(true);
      expect([plan.code, plannedChanges(plan)]).toEqual([0, []]);
    });
  });

  describe('what Terraform would do about a change', () => {
    let outcomes: Map<string, { changedStacks: string[]; outcome: Outcome }>;

    beforeAll(async () => {
      outcomes = await changeOutcomes;
    }, 180_000);

    it.each(CASES)('$name', ({ name, stacks, expected }) => {
      expect(outcomes.get(name)).toEqual({ changedStacks: stacks, outcome: expected });
    });

    it('never replaces or deletes a server', () => {
      const touched = [...outcomes.values()].flatMap(({ outcome }) => [...(outcome.replace ?? []), ...(outcome.delete ?? [])]);
      expect(touched.filter((address) => address.startsWith('ionoscloud_server.'))).toEqual([]);
    });
  });
});
