import { exampleConfig, resourcesOf, synthEnvironment } from '../../testing/synth';

const config = exampleConfig();
const stack = synthEnvironment(config).stacks['example-network'];

describe('network stack', () => {
  it('creates the datacenter in the configured location', () => {
    expect(resourcesOf(stack, 'ionoscloud_datacenter').map(([, dc]) => dc)).toEqual([{ name: 'example-platform', location: 'de/fra', '//': expect.anything() }]);
  });

  it('has one public and one private LAN', () => {
    const lans = resourcesOf(stack, 'ionoscloud_lan').map(([, lan]) => [lan.name, lan.public]);
    expect(lans).toEqual(expect.arrayContaining([['example-public', true], ['example-private', false]]));
    expect(lans).toHaveLength(2);
  });

  it('hosts the DNS zone of the domain with a record per public host', () => {
    expect(resourcesOf(stack, 'ionoscloud_dns_zone').map(([, zone]) => zone.name)).toEqual(['bbb.example.org']);
    const names = resourcesOf(stack, 'ionoscloud_dns_record').map(([, record]) => record.name).sort();
    const bbb = Array.from({ length: 20 }, (_, i) => `bbb-${String(i + 1).padStart(2, '0')}`);
    expect(names).toEqual([...bbb, 'grafana', 'greenlight', 'scalelite', 'turn-01'].sort());
  });

  it('reserves one single-address IP block per public host, so growing a pool moves no address', () => {
    const blocks = resourcesOf(stack, 'ionoscloud_ipblock').map(([, block]) => block);
    expect(blocks.every((block) => block.size === 1 && block.location === 'de/fra')).toBe(true);
    expect(blocks).toHaveLength(20 + 1 + 1 + 1 + 1);
  });

  it('routes the private LAN to the internet through a NAT gateway', () => {
    const [[, gateway]] = resourcesOf(stack, 'ionoscloud_natgateway');
    expect(gateway.lans).toEqual([{ id: expect.stringContaining('ionoscloud_lan.'), gateway_ips: ['10.20.0.1/16'] }]);
    const [[, rule]] = resourcesOf(stack, 'ionoscloud_natgateway_rule');
    expect(rule).toMatchObject({ type: 'SNAT', protocol: 'ALL', source_subnet: '10.20.0.0/16' });
  });
});
