import { InmemorydbReplicaset } from '../../.gen/providers/ionoscloud/inmemorydb-replicaset';
import { NfsCluster } from '../../.gen/providers/ionoscloud/nfs-cluster';
import type { Lan } from '../../.gen/providers/ionoscloud/lan';
import { Password } from '@cdktf/provider-random/lib/password';
import { Fn, TerraformVariable } from 'cdktf';
import { findingsOf, pgCluster, policyFixture, type Fixture } from './fixtures';

const RULE = 'DATA-PRIVATE-LAN';

function dataServices(fixture: Fixture, lan: Lan): void {
  const password = new Password(fixture.stack, 'Password', { length: 32 });
  pgCluster(fixture, 'Postgres', { password: password.result, lanId: lan.id });
  new InmemorydbReplicaset(fixture.stack, 'Redis', {
    displayName: 'redis',
    evictionPolicy: 'noeviction',
    persistenceMode: 'RDB',
    replicas: 1,
    version: '7.2',
    location: 'de/fra',
    connections: { cidr: '10.7.0.21/24', datacenterId: fixture.datacenter.id, lanId: lan.id },
    credentials: { username: 'scalelite', plainTextPassword: password.result },
    resources: { cores: 1, ram: 4 },
  });
  new NfsCluster(fixture.stack, 'Recordings', {
    name: 'recordings',
    size: 2,
    location: 'de/fra',
    connections: { datacenterId: fixture.datacenter.id, ipAddress: '10.7.0.22/24', lan: lan.id },
  });
}

describe(RULE, () => {
  it('accepts PostgreSQL, Redis and NFS on the private LAN', () => {
    const fixture = policyFixture();
    dataServices(fixture, fixture.privateLan);
    expect(findingsOf(fixture.stack, RULE)).toEqual([]);
  });

  it('rejects each of them on the public LAN', () => {
    const fixture = policyFixture();
    dataServices(fixture, fixture.publicLan);
    const findings = findingsOf(fixture.stack, RULE);
    expect(findings.map((finding) => [finding.path, finding.level])).toEqual([
      ['fixture/Postgres', 'error'],
      ['fixture/Redis', 'error'],
      ['fixture/Recordings', 'error'],
    ]);
    expect(findings[0].message).toContain('connections[0].lan_id points at a public LAN');
    expect(findings[2].message).toContain('connections[0].lan points at a public LAN');
  });

  it('fails closed on a LAN picked by an expression, which may be the public one', () => {
    const fixture = policyFixture();
    const expose = new TerraformVariable(fixture.stack, 'expose', { type: 'bool', default: false });
    const password = new TerraformVariable(fixture.stack, 'db_password', { type: 'string', sensitive: true });
    const lanId = Fn.conditional(expose.booleanValue, fixture.privateLan.id, fixture.publicLan.id);
    pgCluster(fixture, 'Postgres', { password: password.stringValue, lanId });
    expect(findingsOf(fixture.stack, RULE).map((finding) => finding.message)).toEqual([
      expect.stringContaining('connections[0].lan_id points at a LAN not traceable to a private ionoscloud_lan'),
    ]);
  });
});
