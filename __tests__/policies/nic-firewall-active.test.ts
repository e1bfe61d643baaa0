import { Fn, TerraformLocal, TerraformStack, TerraformVariable, Testing } from 'cdktf';
import { Lan } from '../../.gen/providers/ionoscloud/lan';
import { Nic } from '../../.gen/providers/ionoscloud/nic';
import { applyPolicies } from '../../policies';
import { findingsOf, lanId, network, policyFixture, server } from './fixtures';

const RULE = 'NET-FIREWALL-ACTIVE';

describe(RULE, () => {
  it('accepts a public NIC with an active firewall and a private NIC without one', () => {
    const fixture = policyFixture();
    const web = server(fixture, 'Web');
    new Nic(fixture.stack, 'PrivateNic', { datacenterId: fixture.datacenter.id, serverId: web.id, lan: lanId(fixture.privateLan), firewallActive: false });
    expect(findingsOf(fixture.stack, RULE)).toEqual([]);
  });

  it('rejects a server NIC on the public LAN whose firewall is off', () => {
    const fixture = policyFixture();
    server(fixture, 'Web', { nic: { firewallActive: false } });
    const findings = findingsOf(fixture.stack, RULE);
    expect(findings).toEqual([expect.objectContaining({ level: 'error', path: 'fixture/Web' })]);
    expect(findings[0].message).toContain("nic 'public' is on a public LAN but firewall_active is not true");
  });

  it('rejects an ionoscloud_nic on the public LAN that leaves firewall_active unset', () => {
    const fixture = policyFixture();
    const web = server(fixture, 'Web');
    new Nic(fixture.stack, 'Second', { datacenterId: fixture.datacenter.id, serverId: web.id, lan: lanId(fixture.publicLan) });
    expect(findingsOf(fixture.stack, RULE).map((finding) => finding.path)).toEqual(['fixture/Second']);
  });

  it('accepts a public NIC whose firewall filters inbound traffic: type unset, INGRESS or BIDIRECTIONAL', () => {
    const fixture = policyFixture();
    server(fixture, 'Unset', { nic: { firewallType: undefined } });
    server(fixture, 'Ingress', { nic: { firewallType: 'INGRESS' } });
    server(fixture, 'Both', { nic: { firewallType: 'BIDIRECTIONAL' } });
    expect(findingsOf(fixture.stack, RULE)).toEqual([]);
  });

  it('rejects a public NIC whose active firewall filters only egress, leaving inbound traffic unfiltered', () => {
    const fixture = policyFixture();
    server(fixture, 'Web', { nic: { firewallType: 'EGRESS', firewall: [] } });
    const web = server(fixture, 'Other');
    new Nic(fixture.stack, 'Second', {
      datacenterId: fixture.datacenter.id,
      serverId: web.id,
      lan: lanId(fixture.publicLan),
      firewallActive: true,
      firewallType: 'EGRESS',
    });
    const findings = findingsOf(fixture.stack, RULE);
    expect(findings.map((finding) => finding.path)).toEqual(['fixture/Web', 'fixture/Second']);
    expect(findings[0].message).toContain("nic 'public' is on a public LAN but firewall_type is EGRESS, so inbound traffic is not filtered");
  });

  it('fails closed on a firewall_type Terraform computes', () => {
    const fixture = policyFixture();
    const type = new TerraformVariable(fixture.stack, 'firewall_type', { type: 'string' });
    server(fixture, 'Web', { nic: { firewallType: type.stringValue } });
    expect(findingsOf(fixture.stack, RULE).map((finding) => finding.message)).toEqual([
      expect.stringContaining('firewall_type is computed, so inbound filtering cannot be verified'),
    ]);
  });

  it('follows a LAN defined in another stack (the network stack)', () => {
    const app = Testing.app();
    const networkStack = new TerraformStack(app, 'example-network');
    const { datacenter, publicLan, privateLan } = network(networkStack);
    const servers = new TerraformStack(app, 'example-bbb');
    applyPolicies(servers);
    const fixture = { stack: servers, datacenter, publicLan, privateLan };
    server(fixture, 'OnPublic', { nic: { firewallActive: false } });
    server(fixture, 'OnPrivate', { nic: { firewallActive: false, lan: lanId(privateLan) } });
    expect(findingsOf(servers, RULE).map((finding) => finding.path)).toEqual(['example-bbb/OnPublic']);
  });
});

describe(`${RULE} with a LAN whose public flag is computed`, () => {
  it('fails closed', () => {
    const fixture = policyFixture();
    const flag = new TerraformVariable(fixture.stack, 'lan_public', { type: 'bool' });
    const lan = new Lan(fixture.stack, 'ComputedLan', { datacenterId: fixture.datacenter.id, public: flag.booleanValue });
    server(fixture, 'Web', { nic: { lan: lanId(lan), firewallActive: false } });
    expect(findingsOf(fixture.stack, RULE).map((finding) => finding.message)).toEqual([
      expect.stringContaining("nic 'public' is on a LAN not traceable to a private ionoscloud_lan"),
    ]);
  });
});

describe(`${RULE} with a LAN chosen by an expression`, () => {
  it('counts a local that is a plain reference to the private LAN as private', () => {
    const fixture = policyFixture();
    const lan = new TerraformLocal(fixture.stack, 'backend_lan', fixture.privateLan.id);
    server(fixture, 'Db', { nic: { lan: lan.asNumber, firewallActive: false } });
    expect(findingsOf(fixture.stack, RULE)).toEqual([]);
  });

  it('fails closed on a conditional or an element() that can pick the public LAN', () => {
    const fixture = policyFixture();
    const expose = new TerraformVariable(fixture.stack, 'expose', { type: 'bool', default: false });
    const picked = Fn.conditional(expose.booleanValue, fixture.privateLan.id, fixture.publicLan.id) as unknown as number;
    const listed = Fn.element([fixture.privateLan.id, fixture.publicLan.id], 1) as unknown as number;
    const viaLocal = new TerraformLocal(fixture.stack, 'picked_lan', picked);
    server(fixture, 'Conditional', { nic: { lan: picked, firewallActive: false } });
    server(fixture, 'Element', { nic: { lan: listed, firewallActive: false } });
    server(fixture, 'Local', { nic: { lan: viaLocal.asNumber, firewallActive: false } });
    const findings = findingsOf(fixture.stack, RULE);
    expect(findings.map((finding) => finding.path)).toEqual(['fixture/Conditional', 'fixture/Element', 'fixture/Local']);
    expect(findings[0].message).toContain("nic 'public' is on a LAN not traceable to a private ionoscloud_lan");
  });
});
