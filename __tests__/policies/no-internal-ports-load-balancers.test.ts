import { ApplicationLoadbalancer } from '../../.gen/providers/ionoscloud/application-loadbalancer';
import {
  ApplicationLoadbalancerForwardingrule,
  type ApplicationLoadbalancerForwardingruleHttpRules,
} from '../../.gen/providers/ionoscloud/application-loadbalancer-forwardingrule';
import type { Lan } from '../../.gen/providers/ionoscloud/lan';
import { Networkloadbalancer } from '../../.gen/providers/ionoscloud/networkloadbalancer';
import {
  NetworkloadbalancerForwardingrule,
  type NetworkloadbalancerForwardingruleTargets,
} from '../../.gen/providers/ionoscloud/networkloadbalancer-forwardingrule';
import { TargetGroup } from '../../.gen/providers/ionoscloud/target-group';
import { findingsOf, lanId, policyFixture, type Fixture } from './fixtures';

const RULE = 'NET-INTERNAL-PORTS';
const LISTENER_IP = '203.0.113.10';

/** Either balancer listens on `listenerLan` and reaches its targets on the private LAN. */
function balancerConfig(fixture: Fixture, name: string, listenerLan: Lan) {
  return { datacenterId: fixture.datacenter.id, name, listenerLan: lanId(listenerLan), targetLan: lanId(fixture.privateLan), ips: [LISTENER_IP] };
}

function networkBalancer(fixture: Fixture, listenerLan: Lan): Networkloadbalancer {
  return new Networkloadbalancer(fixture.stack, 'Nlb', balancerConfig(fixture, 'nlb', listenerLan));
}

function networkRule(fixture: Fixture, balancer: Networkloadbalancer, id: string, listenerPort: number, targetPort: number): void {
  const targets: NetworkloadbalancerForwardingruleTargets[] = [{ ip: '10.7.0.11', port: targetPort, weight: 1 }];
  new NetworkloadbalancerForwardingrule(fixture.stack, id, {
    datacenterId: fixture.datacenter.id,
    networkloadbalancerId: balancer.id,
    name: id.toLowerCase(),
    algorithm: 'ROUND_ROBIN',
    protocol: 'TCP',
    listenerIp: LISTENER_IP,
    listenerPort,
    targets,
  });
}

function applicationBalancer(fixture: Fixture, listenerLan: Lan): ApplicationLoadbalancer {
  return new ApplicationLoadbalancer(fixture.stack, 'Alb', balancerConfig(fixture, 'alb', listenerLan));
}

function targetGroup(fixture: Fixture, id: string, port: number): TargetGroup {
  return new TargetGroup(fixture.stack, id, {
    name: id.toLowerCase(),
    algorithm: 'ROUND_ROBIN',
    protocol: 'HTTP',
    protocolVersion: 'HTTP1',
    targets: [{ ip: '10.7.0.11', port, weight: 100 }],
  });
}

function applicationRule(
  fixture: Fixture,
  balancer: ApplicationLoadbalancer,
  id: string,
  listenerPort: number,
  httpRules: ApplicationLoadbalancerForwardingruleHttpRules[],
): void {
  new ApplicationLoadbalancerForwardingrule(fixture.stack, id, {
    datacenterId: fixture.datacenter.id,
    applicationLoadbalancerId: balancer.id,
    name: id.toLowerCase(),
    protocol: 'HTTP',
    listenerIp: LISTENER_IP,
    listenerPort,
    serverCertificates: ['8f2c9d1e-0000-4000-8000-000000000001'],
    httpRules,
  });
}

function forwardTo(group: TargetGroup, conditions: ApplicationLoadbalancerForwardingruleHttpRules['conditions'] = []): ApplicationLoadbalancerForwardingruleHttpRules {
  return { name: `to-${group.friendlyUniqueId.toLowerCase()}`, type: 'FORWARD', targetGroup: group.id, conditions };
}

describe(`${RULE} on network load balancers`, () => {
  it('accepts a public listener that forwards HTTPS, and any port behind a listener on the private LAN', () => {
    const fixture = policyFixture();
    networkRule(fixture, networkBalancer(fixture, fixture.publicLan), 'Https', 443, 443);
    expect(findingsOf(fixture.stack, RULE)).toEqual([]);

    const internal = policyFixture();
    networkRule(internal, networkBalancer(internal, internal.privateLan), 'Postgres', 5432, 5432);
    expect(findingsOf(internal.stack, RULE)).toEqual([]);
  });

  it('rejects a public listener on an internal port and one that forwards to an internal port', () => {
    const fixture = policyFixture();
    const balancer = networkBalancer(fixture, fixture.publicLan);
    networkRule(fixture, balancer, 'Ssh', 22, 22);
    networkRule(fixture, balancer, 'Metrics', 8443, 9100);
    const findings = findingsOf(fixture.stack, RULE);
    expect(findings.map((finding) => [finding.path, finding.message])).toEqual([
      ['fixture/Ssh', expect.stringContaining('opens SSH (22) through a listener on a public LAN (listener_port)')],
      ['fixture/Ssh', expect.stringContaining('opens SSH (22) through a listener on a public LAN (target 10.7.0.11)')],
      ['fixture/Metrics', expect.stringContaining('opens node_exporter (9100) through a listener on a public LAN (target 10.7.0.11)')],
    ]);
  });
});

describe(`${RULE} on application load balancers`, () => {
  it('accepts HTTPS forwarded to web ports, and an internal target behind a source restricted to an admin CIDR', () => {
    const fixture = policyFixture();
    const balancer = applicationBalancer(fixture, fixture.publicLan);
    const grafana = targetGroup(fixture, 'Grafana', 3000);
    const adminsOnly = [{ type: 'SOURCE_IP', value: '198.51.100.0/24' }];
    applicationRule(fixture, balancer, 'Https', 443, [forwardTo(grafana, adminsOnly), forwardTo(targetGroup(fixture, 'Web', 8080))]);
    expect(findingsOf(fixture.stack, RULE)).toEqual([]);
  });

  it('rejects a listener on an internal port and HTTPS forwarded to an internal port', () => {
    const fixture = policyFixture();
    const balancer = applicationBalancer(fixture, fixture.publicLan);
    applicationRule(fixture, balancer, 'Prometheus', 9090, [forwardTo(targetGroup(fixture, 'Web', 8080))]);
    const everyone = [{ type: 'SOURCE_IP', value: '0.0.0.0/0' }];
    applicationRule(fixture, balancer, 'Https', 443, [forwardTo(targetGroup(fixture, 'Grafana', 3000), everyone)]);
    const findings = findingsOf(fixture.stack, RULE);
    expect(findings.map((finding) => [finding.path, finding.message])).toEqual([
      ['fixture/Prometheus', expect.stringContaining('opens Prometheus (9090) through a listener on a public LAN (listener_port)')],
      ['fixture/Https', expect.stringContaining("opens Grafana (3000) through a listener on a public LAN (target 10.7.0.11 of target group 'grafana')")],
    ]);
  });

  it('fails closed on a balancer or a target group it cannot trace', () => {
    const fixture = policyFixture();
    new ApplicationLoadbalancerForwardingrule(fixture.stack, 'Untraced', {
      datacenterId: fixture.datacenter.id,
      applicationLoadbalancerId: '3b1d7c55-0000-4000-8000-000000000001',
      name: 'untraced',
      protocol: 'HTTP',
      listenerIp: LISTENER_IP,
      listenerPort: 9093,
      httpRules: [{ name: 'by-id', type: 'FORWARD', targetGroup: '3b1d7c55-0000-4000-8000-000000000002' }],
    });
    expect(findingsOf(fixture.stack, RULE).map((finding) => finding.message)).toEqual([
      expect.stringContaining('opens Alertmanager (9093) through a listener on a LAN not traceable to a private ionoscloud_lan (listener_port)'),
      expect.stringContaining("cannot tell what a listener on a LAN not traceable to a private ionoscloud_lan reaches: http rule 'by-id', whose target group is not traceable"),
    ]);
  });
});
