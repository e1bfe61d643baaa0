import { TerraformStack, Testing } from 'cdktf';
import { DatacenterNsgSelection } from '../../.gen/providers/ionoscloud/datacenter-nsg-selection';
import { Nic } from '../../.gen/providers/ionoscloud/nic';
import { Nsg } from '../../.gen/providers/ionoscloud/nsg';
import { NsgFirewallrule } from '../../.gen/providers/ionoscloud/nsg-firewallrule';
import { applyPolicies } from '../../policies';
import { findingsOf, lanId, network, policyFixture, server, type Fixture } from './fixtures';

const RULE = 'NET-INTERNAL-PORTS';

/** A security group whose one rule lets SSH in from `sourceIp`. */
function sshGroup(fixture: Fixture, id: string, sourceIp = '0.0.0.0/0'): Nsg {
  const group = new Nsg(fixture.stack, id, { datacenterId: fixture.datacenter.id, name: id.toLowerCase() });
  new NsgFirewallrule(fixture.stack, `${id}Ssh`, {
    datacenterId: fixture.datacenter.id,
    nsgId: group.id,
    name: 'ssh',
    protocol: 'TCP',
    portRangeStart: 22,
    portRangeEnd: 22,
    sourceIp,
  });
  return group;
}

function privateNic(fixture: Fixture, id: string, securityGroupsIds: string[]): Nic {
  const host = server(fixture, `${id}Host`, { nic: { lan: lanId(fixture.privateLan), firewallActive: false, firewall: [] } });
  return new Nic(fixture.stack, id, { datacenterId: fixture.datacenter.id, serverId: host.id, lan: lanId(fixture.privateLan), securityGroupsIds });
}

describe(`${RULE} on network security groups`, () => {
  it('accepts SSH open to everyone in a group only private NICs use, and SSH from an admin CIDR on a public server', () => {
    const fixture = policyFixture();
    privateNic(fixture, 'Backend', [sshGroup(fixture, 'Internal').id]);
    server(fixture, 'Web', { securityGroupsIds: [sshGroup(fixture, 'Admins', '198.51.100.0/24').id] });
    expect(findingsOf(fixture.stack, RULE)).toEqual([]);
  });

  it('rejects a rule of a group that a public server, a public NIC, or a public NIC of a listed server uses', () => {
    const fixture = policyFixture();
    server(fixture, 'Web', { securityGroupsIds: [sshGroup(fixture, 'ServerLevel').id] });
    server(fixture, 'Api', { nic: { securityGroupsIds: [sshGroup(fixture, 'NicLevel').id] } });
    const host = server(fixture, 'Worker', {
      nic: { lan: lanId(fixture.privateLan), firewallActive: false, firewall: [] },
      securityGroupsIds: [sshGroup(fixture, 'ViaServer').id],
    });
    new Nic(fixture.stack, 'WorkerPublic', { datacenterId: fixture.datacenter.id, serverId: host.id, lan: lanId(fixture.publicLan), firewallActive: true });
    const findings = findingsOf(fixture.stack, RULE);
    expect(findings.map((finding) => finding.path)).toEqual(['fixture/ServerLevelSsh', 'fixture/NicLevelSsh', 'fixture/ViaServerSsh']);
    expect(findings[0].message).toContain(
      "security group rule 'ssh' on security group 'serverlevel' of nic 'public' on fixture/Web (public LAN) opens SSH (22) to 0.0.0.0/0",
    );
    expect(findings[2].message).toContain("security group 'viaserver' of nic on fixture/WorkerPublic (public LAN)");
  });

  it("rejects a rule of the datacenter's default group, which every VM gets", () => {
    const fixture = policyFixture();
    const group = sshGroup(fixture, 'Everyone');
    privateNic(fixture, 'Backend', [group.id]);
    new DatacenterNsgSelection(fixture.stack, 'DefaultSelection', { datacenterId: fixture.datacenter.id, nsgId: group.id });
    expect(findingsOf(fixture.stack, RULE).map((finding) => finding.message)).toEqual([
      expect.stringContaining("on security group 'everyone' (the datacenter's default for every VM) opens SSH (22)"),
    ]);
  });

  it('fails closed on a group nothing uses and on a rule whose group cannot be traced', () => {
    const fixture = policyFixture();
    sshGroup(fixture, 'Unused');
    new NsgFirewallrule(fixture.stack, 'LiteralGroupSsh', {
      datacenterId: fixture.datacenter.id,
      nsgId: '7a6f0e61-0000-4000-8000-000000000001',
      protocol: 'TCP',
      portRangeStart: 22,
      portRangeEnd: 22,
    });
    const findings = findingsOf(fixture.stack, RULE);
    expect(findings.map((finding) => finding.path)).toEqual(['fixture/UnusedSsh', 'fixture/LiteralGroupSsh']);
    expect(findings[0].message).toContain("security group 'unused' (used by no NIC or server here, so it may be attached anywhere) opens SSH (22)");
    expect(findings[1].message).toContain('security group rule on a security group not traceable to an ionoscloud_nsg opens SSH (22) to any source');
  });

  it('rejects a public NIC that takes rules from a group it names by a literal id', () => {
    const fixture = policyFixture();
    server(fixture, 'Web', { securityGroupsIds: ['7a6f0e61-0000-4000-8000-000000000001'] });
    privateNic(fixture, 'Backend', ['7a6f0e61-0000-4000-8000-000000000002']);
    expect(findingsOf(fixture.stack, RULE).map((finding) => [finding.path, finding.message])).toEqual([
      ['fixture/Web', expect.stringContaining("nic 'public' (public LAN) takes rules from a security group not traceable to an ionoscloud_nsg")],
    ]);
  });

  it('traces a group from the network stack to a server in another stack', () => {
    const app = Testing.app();
    const networkStack = new TerraformStack(app, 'example-network');
    const shared = network(networkStack);
    applyPolicies(networkStack);
    const group = sshGroup({ stack: networkStack, ...shared }, 'Shared');
    const servers = new TerraformStack(app, 'example-bbb');
    applyPolicies(servers);
    server({ stack: servers, ...shared }, 'Web', { securityGroupsIds: [group.id] });
    expect(findingsOf(networkStack, RULE).map((finding) => finding.message)).toEqual([
      expect.stringContaining("security group 'shared' of nic 'public' on example-bbb/Web (public LAN) opens SSH (22)"),
    ]);
  });
});
