import { VcpuServer } from '../../.gen/providers/ionoscloud/vcpu-server';
import { CLOUD_CONFIG, evaluate, findingsOf, lanId, policyFixture, server } from './fixtures';
import { Fn } from 'cdktf';

const RULE = 'BBB-DEDICATED-CORES';

describe(RULE, () => {
  it('accepts ENTERPRISE BBB servers (explicit or default type) and CUBE servers of other roles', () => {
    const fixture = policyFixture();
    server(fixture, 'Bbb1', { name: 'example-bbb-01' });
    server(fixture, 'Bbb2', { name: 'example-bbb-02', type: undefined });
    server(fixture, 'Turn', { name: 'example-turn-01', type: 'CUBE' });
    expect(findingsOf(fixture.stack, RULE)).toEqual([]);
  });

  it('warns, without failing synth, about BBB servers on shared or Cube cores', () => {
    const fixture = policyFixture();
    server(fixture, 'Bbb1', { name: 'example-bbb-01', type: 'CUBE' });
    new VcpuServer(fixture.stack, 'Bbb2', {
      datacenterId: fixture.datacenter.id,
      name: 'example-bbb-02',
      cores: 8,
      ram: 16384,
      volume: { name: 'system', size: 20, diskType: 'SSD Standard', userData: Fn.base64encode(CLOUD_CONFIG) },
      nic: { lan: lanId(fixture.publicLan), firewallActive: true },
    });
    const findings = findingsOf(fixture.stack, RULE);
    expect(findings.map((finding) => [finding.path, finding.level])).toEqual([
      ['fixture/Bbb1', 'warning'],
      ['fixture/Bbb2', 'warning'],
    ]);
    expect(findings[0].message).toContain('BBB server example-bbb-01 is CUBE, not ENTERPRISE (dedicated cores)');
    expect(findings[1].message).toContain('example-bbb-02 is VCPU');
    expect(evaluate(fixture.stack).filter((finding) => finding.level === 'error')).toEqual([]);
  });
});
