/**
 * Zero downtime, shown on the synthesized Terraform (no cloud here): what replacing
 * or reconfiguring one node touches, and in which order configuration reaches the
 * nodes.
 */
import { Testing } from 'cdktf';
import { buildPlatform } from '../../stacks';
import { APPLY_COMMANDS } from '../../constructs/scalelite';
import { exampleConfig, resourcesOf, synthEnvironment } from '../../testing/synth';

type Resources = Record<string, Record<string, any>>;

/** Addresses (`type.name`) of the resources whose arguments refer to `address`, transitively. */
function dependentsOf(resources: Resources, address: string): Set<string> {
  const found = new Set<string>();
  const queue = [address];
  while (queue.length > 0) {
    const current = queue.shift()!;
    for (const [type, byName] of Object.entries(resources)) {
      for (const [name, body] of Object.entries(byName)) {
        const candidate = `${type}.${name}`;
        if (found.has(candidate) || candidate === address) continue;
        // depends_on orders operations but never forces a change, so it is left out.
        const { depends_on: _ordering, ...args } = body;
        if (new RegExp(`\\b${current.replace('.', '\\.')}\\.`).test(JSON.stringify(args))) {
          found.add(candidate);
          queue.push(candidate);
        }
      }
    }
  }
  return found;
}

const config = exampleConfig();

describe('replacing one Scalelite node', () => {
  const app = Testing.app();
  const platform = buildPlatform(app, config);
  const stack = JSON.parse(Testing.synth(platform.frontend));
  const resources: Resources = stack.resource;
  const servers = resourcesOf(stack, 'ionoscloud_server');
  const [first, second] = servers.map(([name]) => `ionoscloud_server.${name}`);
  const affected = dependentsOf(resources, first);

  it('touches neither the other node nor the load balancer, its target groups or forwarding rules', () => {
    expect(affected.has(second)).toBe(false);
    for (const type of ['ionoscloud_application_loadbalancer', 'ionoscloud_target_group', 'ionoscloud_application_loadbalancer_forwardingrule']) {
      for (const name of Object.keys(resources[type])) expect(affected.has(`${type}.${name}`)).toBe(false);
    }
    expect([...affected]).toEqual([]);
  });

  it('keeps the second node in the target groups with health checks, so the balancer sends all traffic there', () => {
    for (const [, group] of resourcesOf(stack, 'ionoscloud_target_group')) {
      expect(group.targets.filter((target: any) => target.health_check_enabled)).toHaveLength(2);
      expect(group.targets.map((target: any) => target.ip)).toEqual(['10.20.1.1', '10.20.1.2']);
      expect(group.health_check.retries * group.health_check.check_interval).toBeLessThanOrEqual(15000);
    }
  });

  it('has no ordering between the nodes, so one can be replaced while the other runs', () => {
    for (const [, server] of servers) expect(server.depends_on ?? []).not.toEqual(expect.arrayContaining([expect.stringContaining('ionoscloud_server.')]));
  });

  it('never replaces a node for a changed template: user_data only seeds a new node', () => {
    for (const [, server] of servers) expect(server.lifecycle.ignore_changes).toContain('volume[0].user_data');
  });
});

describe('configuration changes: a rolling push through the monitoring VM', () => {
  const { stacks } = synthEnvironment(config);
  const monitoring = stacks['example-monitoring'];
  const pushes = resourcesOf(monitoring, 'null_resource').filter(([name]) => name.startsWith('ScaleliteConfig_'));

  it('pushes to each node through the monitoring VM, keyed on the node and the content', () => {
    expect(pushes).toHaveLength(2);
    const bastionIp = /^\$\{element\(data\.terraform_remote_state\..*ips, 0\)\}$/;
    for (const [, push] of pushes) {
      expect(push.connection).toMatchObject({ type: 'ssh', user: 'ops', bastion_user: 'ops' });
      expect(push.connection.bastion_host).toMatch(bastionIp);
      expect(push.connection.host).toMatch(/^10\.20\.1\.[12]$/);
      expect(Object.keys(push.triggers).sort()).toEqual(['content', 'server']);
    }
  });

  it('re-delivers the configuration when its own node is replaced, and only then', () => {
    const [[, first], [, second]] = pushes;
    expect(first.triggers.server).toMatch(/Node1_Server/);
    expect(second.triggers.server).toMatch(/Node2_Server/);
  });

  it('updates node 2 only after node 1 is back in service', () => {
    const [[firstName, first], [, second]] = pushes;
    expect(first.depends_on).not.toEqual(expect.arrayContaining([expect.stringContaining('null_resource.ScaleliteConfig')]));
    expect(second.depends_on).toContain(`null_resource.${firstName}`);
    const lastCommands = first.provisioner.at(-1)['remote-exec'].inline;
    const waitIndex = lastCommands.indexOf(`sudo sh -c '${APPLY_COMMANDS.at(-1)}'`);
    const reloadIndex = lastCommands.indexOf("sudo sh -c 'systemctl reload scalelite.service'");
    expect(reloadIndex).toBeGreaterThan(-1);
    expect(waitIndex).toBeGreaterThan(reloadIndex);
  });
});
