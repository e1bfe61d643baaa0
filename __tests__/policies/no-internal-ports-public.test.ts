import { Fn, TerraformLocal, TerraformStack, TerraformVariable, Testing } from 'cdktf';
import { Firewall } from '../../.gen/providers/ionoscloud/firewall';
import { Ipblock } from '../../.gen/providers/ionoscloud/ipblock';
import { Nic } from '../../.gen/providers/ionoscloud/nic';
import { applyPolicies } from '../../policies';
import { findingsOf, lanId, network, policyFixture, server } from './fixtures';

const RULE = 'NET-INTERNAL-PORTS';

describe(RULE, () => {
  it('accepts HTTPS for everyone and SSH from an admin CIDR on a public NIC', () => {
    const fixture = policyFixture();
    server(fixture, 'Web', {
      nic: {
        firewall: [
          { name: 'https', protocol: 'TCP', portRangeStart: 443, portRangeEnd: 443 },
          { name: 'ssh-admins', protocol: 'TCP', portRangeStart: 22, portRangeEnd: 22, sourceIp: '198.51.100.0/24' },
          { name: 'ping', protocol: 'ICMP' },
        ],
      },
    });
    expect(findingsOf(fixture.stack, RULE)).toEqual([]);
  });

  it('accepts any port on a NIC of the private LAN', () => {
    const fixture = policyFixture();
    server(fixture, 'Db', { nic: { lan: lanId(fixture.privateLan), firewall: [{ name: 'all', protocol: 'ANY' }] } });
    expect(findingsOf(fixture.stack, RULE)).toEqual([]);
  });

  it('rejects SSH open to 0.0.0.0/0 on a public NIC, naming the port and the rule', () => {
    const fixture = policyFixture();
    server(fixture, 'Web', {
      nic: { firewall: [{ name: 'ssh', protocol: 'TCP', portRangeStart: 22, portRangeEnd: 22, sourceIp: '0.0.0.0/0' }] },
    });
    const findings = findingsOf(fixture.stack, RULE);
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ level: 'error', path: 'fixture/Web' });
    expect(findings[0].message).toContain("firewall rule 'ssh' on nic 'public' (public LAN) opens SSH (22) to 0.0.0.0/0");
  });

  it('rejects a range or an empty source that covers internal ports', () => {
    const fixture = policyFixture();
    server(fixture, 'Monitoring', {
      nic: { firewall: [{ name: 'metrics', protocol: 'TCP', portRangeStart: 9000, portRangeEnd: 9700 }] },
    });
    const [finding] = findingsOf(fixture.stack, RULE);
    expect(finding.message).toContain('Prometheus (9090), Alertmanager (9093), node_exporter (9100), blackbox_exporter (9115), autoscaler metrics (9464), bigbluebutton-exporter (9688) to any source');
  });

  it('rejects a rule without ports (all ports) and a CIDR as wide as the internet', () => {
    const fixture = policyFixture();
    server(fixture, 'Open', { nic: { firewall: [{ name: 'everything', protocol: 'TCP', sourceIp: '0.0.0.0/1' }] } });
    const [finding] = findingsOf(fixture.stack, RULE);
    expect(finding.message).toContain('SSH (22)');
    expect(finding.message).toContain('PostgreSQL (5432)');
    expect(finding.message).toContain('NFS (2049)');
  });

  it('checks standalone ionoscloud_firewall rules on an ionoscloud_nic of the public LAN', () => {
    const fixture = policyFixture();
    const web = server(fixture, 'Web');
    const publicNic = new Nic(fixture.stack, 'ExtraNic', {
      datacenterId: fixture.datacenter.id,
      serverId: web.id,
      lan: lanId(fixture.publicLan),
      firewallActive: true,
    });
    const privateNic = new Nic(fixture.stack, 'PrivateNic', {
      datacenterId: fixture.datacenter.id,
      serverId: web.id,
      lan: lanId(fixture.privateLan),
    });
    const rule = { datacenterId: fixture.datacenter.id, serverId: web.id, protocol: 'TCP', portRangeStart: 6379, portRangeEnd: 6379 };
    new Firewall(fixture.stack, 'RedisPublic', { ...rule, nicId: publicNic.id });
    new Firewall(fixture.stack, 'RedisPrivate', { ...rule, nicId: privateNic.id });
    new Firewall(fixture.stack, 'SshOnPrimary', { ...rule, portRangeStart: 22, portRangeEnd: 22, nicId: web.primaryNic });
    const findings = findingsOf(fixture.stack, RULE);
    expect(findings.map((finding) => finding.path).sort()).toEqual(['fixture/RedisPublic', 'fixture/SshOnPrimary']);
    expect(findings.find((finding) => finding.path === 'fixture/RedisPublic')!.message).toContain('Redis (6379)');
  });

  it('fails closed when a NIC LAN cannot be traced to an ionoscloud_lan', () => {
    const fixture = policyFixture();
    server(fixture, 'Literal', { nic: { lan: 1, firewall: [{ name: 'grafana', protocol: 'TCP', portRangeStart: 3000, portRangeEnd: 3000 }] } });
    const [finding] = findingsOf(fixture.stack, RULE);
    expect(finding.message).toContain('LAN not traceable to a private ionoscloud_lan');
    expect(finding.message).toContain('Grafana (3000)');
  });
});

describe(`${RULE} on a standalone firewall rule whose NIC is picked by an expression`, () => {
  it('fails closed: the NIC, and so its LAN, is decided at apply time', () => {
    const fixture = policyFixture();
    const web = server(fixture, 'Web');
    const privateNic = new Nic(fixture.stack, 'PrivateNic', { datacenterId: fixture.datacenter.id, serverId: web.id, lan: lanId(fixture.privateLan) });
    const publicNic = new Nic(fixture.stack, 'PublicNic', { datacenterId: fixture.datacenter.id, serverId: web.id, lan: lanId(fixture.publicLan), firewallActive: true });
    const expose = new TerraformVariable(fixture.stack, 'expose', { type: 'bool', default: false });
    new Firewall(fixture.stack, 'Redis', {
      datacenterId: fixture.datacenter.id,
      serverId: web.id,
      nicId: Fn.conditional(expose.booleanValue, publicNic.id, privateNic.id),
      protocol: 'TCP',
      portRangeStart: 6379,
      portRangeEnd: 6379,
    });
    expect(findingsOf(fixture.stack, RULE).map((finding) => [finding.path, finding.message])).toEqual([
      ['fixture/Redis', expect.stringContaining('firewall rule on a NIC whose LAN cannot be traced opens Redis (6379)')],
    ]);
  });
});

describe(`${RULE} with a computed source`, () => {
  const ssh = (sourceIp: string) => ({ nic: { firewall: [{ name: 'ssh', protocol: 'TCP', portRangeStart: 22, portRangeEnd: 22, sourceIp }] } });

  it("accepts addresses of the platform's own resources, directly, through locals and through a variable default", () => {
    const app = Testing.app();
    const networkStack = new TerraformStack(app, 'example-network');
    const addresses = new Ipblock(networkStack, 'AdminIp', { location: 'de/fra', size: 1 });
    const stack = new TerraformStack(app, 'example-bbb');
    applyPolicies(stack);
    const fixture = { stack, ...network(stack) };
    const bastion = server(fixture, 'Bastion');
    const viaLocal = new TerraformLocal(stack, 'admin_ips', addresses.ips);
    const adminCidr = new TerraformVariable(stack, 'admin_cidr', { type: 'string', default: '198.51.100.0/24' });
    server(fixture, 'FromIpBlock', ssh(Fn.element(addresses.ips, 0)));
    server(fixture, 'FromServer', ssh(bastion.primaryIp));
    server(fixture, 'FromLocalList', ssh(Fn.element(viaLocal.asList, 0)));
    server(fixture, 'FromVariable', ssh(adminCidr.stringValue));
    expect(findingsOf(stack, RULE)).toEqual([]);
  });

  it('follows a variable default and a local to the internet', () => {
    const fixture = policyFixture();
    const everyone = new TerraformVariable(fixture.stack, 'admin_cidr', { type: 'string', default: '0.0.0.0/0' });
    const viaLocal = new TerraformLocal(fixture.stack, 'admin_source', everyone.stringValue);
    const supplied = new TerraformVariable(fixture.stack, 'supplied_cidr', { type: 'string' });
    server(fixture, 'FromVariable', ssh(everyone.stringValue));
    server(fixture, 'FromLocal', ssh(viaLocal.asString));
    server(fixture, 'FromVariableWithoutDefault', ssh(supplied.stringValue));
    expect(findingsOf(fixture.stack, RULE).map((finding) => finding.path)).toEqual([
      'fixture/FromVariable',
      'fixture/FromLocal',
      'fixture/FromVariableWithoutDefault',
    ]);
  });

  it('fails closed on any other computed source', () => {
    const fixture = policyFixture();
    const addresses = new Ipblock(fixture.stack, 'AdminIp', { location: 'de/fra', size: 1 });
    const narrow = new TerraformVariable(fixture.stack, 'narrow', { type: 'bool', default: true });
    server(fixture, 'Cidrsubnet', ssh(Fn.cidrsubnet('0.0.0.0/0', 0, 0)));
    server(fixture, 'Conditional', ssh(Fn.conditional(narrow.booleanValue, Fn.element(addresses.ips, 0), '0.0.0.0/0')));
    const findings = findingsOf(fixture.stack, RULE);
    expect(findings.map((finding) => finding.path)).toEqual(['fixture/Cidrsubnet', 'fixture/Conditional']);
    expect(findings[0].message).toContain('opens SSH (22) to a computed source that is not an address of the platform');
  });
});
