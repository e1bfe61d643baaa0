import { checkStack } from '../../testing/schema-check';

const datacenter = { name: 'example-platform', location: 'de/fra' };

function stackWith(resource: Record<string, unknown>, data: Record<string, unknown> = {}) {
  return { resource, data };
}

describe('schema check of synthesized stacks', () => {
  it('accepts a valid resource', () => {
    expect(checkStack('s', stackWith({ ionoscloud_datacenter: { dc: datacenter } }))).toEqual([]);
  });

  it('names an unknown resource type', () => {
    expect(checkStack('s', stackWith({ ionoscloud_datacentre: { dc: datacenter } }))).toEqual([
      's: ionoscloud_datacentre.dc: unknown resource type ionoscloud_datacentre in provider schema',
    ]);
  });

  it('names an unknown data source type', () => {
    expect(checkStack('s', stackWith({}, { ionoscloud_imagez: { img: { name: 'x' } } }))).toEqual([
      's: data.ionoscloud_imagez.img: unknown data source type ionoscloud_imagez in provider schema',
    ]);
  });

  it('names an unknown attribute', () => {
    expect(checkStack('s', stackWith({ ionoscloud_datacenter: { dc: { ...datacenter, region: 'x' } } }))).toEqual([
      's: ionoscloud_datacenter.dc: region: unknown argument or block',
    ]);
  });

  it('names a missing required attribute', () => {
    expect(checkStack('s', stackWith({ ionoscloud_datacenter: { dc: { name: 'x' } } }))).toEqual([
      's: ionoscloud_datacenter.dc: location: required attribute is missing',
    ]);
  });

  it('names a read-only attribute that is set', () => {
    expect(checkStack('s', stackWith({ ionoscloud_datacenter: { dc: { ...datacenter, version: 3 } } }))).toEqual([
      's: ionoscloud_datacenter.dc: version: read-only (computed) attribute must not be set',
    ]);
  });

  it('checks nested blocks: unknown, missing required, read-only', () => {
    const server = {
      datacenter_id: '${ionoscloud_datacenter.dc.id}',
      name: 'srv',
      volume: [{ disk_type: 'SSD', sizee: 10 }],
      nic: [{ lan: 1, firewall: [{ port_range_start: 22 }] }],
    };
    expect(checkStack('s', stackWith({ ionoscloud_server: { srv: server } }))).toEqual([
      's: ionoscloud_server.srv: volume[0].sizee: unknown argument or block',
      's: ionoscloud_server.srv: nic[0].firewall[0].protocol: required attribute is missing',
    ]);
  });

  it('names a missing required block', () => {
    const natgateway = { datacenter_id: 'x', name: 'nat', public_ips: ['1.2.3.4'] };
    expect(checkStack('s', stackWith({ ionoscloud_natgateway: { nat: natgateway } }))).toEqual([
      's: ionoscloud_natgateway.nat: lans: required block is missing',
    ]);
  });

  it('checks literal value types but lets expressions through', () => {
    const lan = { datacenter_id: '${ionoscloud_datacenter.dc.id}', public: 'yes', name: 7 };
    expect(checkStack('s', stackWith({ ionoscloud_lan: { l: lan } }))).toEqual([
      's: ionoscloud_lan.l: public: expected a bool, got "yes"',
      's: ionoscloud_lan.l: name: expected a string, got 7',
    ]);
  });

  it('ignores meta-arguments and other providers', () => {
    const lan = { datacenter_id: 'x', depends_on: ['ionoscloud_datacenter.dc', 'data.ionoscloud_image.img', 'module.m'], lifecycle: { ignore_changes: ['name'] }, provider: 'ionoscloud' };
    expect(checkStack('s', stackWith({ ionoscloud_lan: { l: lan }, null_resource: { n: { anything: 1 } } }))).toEqual([]);
  });

  it('names a depends_on entry that is an attribute, for resources of every provider', () => {
    const remoteOutput = 'data.terraform_remote_state.frontend.outputs.server';
    const lan = { datacenter_id: 'x', depends_on: ['ionoscloud_datacenter.dc.id'] };
    expect(checkStack('s', stackWith({ ionoscloud_lan: { l: lan }, null_resource: { n: { depends_on: [remoteOutput] } } }))).toEqual([
      's: ionoscloud_lan.l: depends_on[0]: must name a whole resource, data source or module, got "ionoscloud_datacenter.dc.id"',
      `s: null_resource.n: depends_on[0]: must name a whole resource, data source or module, got "${remoteOutput}"`,
    ]);
  });

  it('names a port outside the range the provider accepts', () => {
    const rule = { protocol: 'UDP', port_range_start: 32769, port_range_end: 65535 };
    const server = { datacenter_id: 'x', name: 'srv', volume: [{ disk_type: 'SSD' }], nic: [{ lan: 1, firewall: [rule] }] };
    expect(checkStack('s', stackWith({ ionoscloud_server: { srv: server } }))).toEqual([
      's: ionoscloud_server.srv: nic[0].firewall[0].port_range_end: must be between 1 and 65534, got 65535',
    ]);
  });
});
