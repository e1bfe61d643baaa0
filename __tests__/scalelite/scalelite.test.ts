import { exampleConfig, exampleWith, resourcesOf, synthEnvironment } from '../../testing/synth';
import { SCALELITE_VERSION, GREENLIGHT_VERSION } from '../../constructs/scalelite';

const example = synthEnvironment(exampleConfig());
const stack = example.stacks['example-frontend'];
const scalelite = example.platform.frontend.scalelite;
const privateLan = /cross-stack-output-ionoscloud_lanNetwork_PrivateLan_[A-F0-9]+id/;
const publicLan = /cross-stack-output-ionoscloud_lanNetwork_PublicLan_[A-F0-9]+id/;
const lbAddress = /^\$\{element\(data\.terraform_remote_state\.[^)]*LoadBalancerIp[^)]*, 0\)\}$/;

const byName = <T extends { name: string }>(items: T[]) => Object.fromEntries(items.map((item) => [item.name, item]));

describe('Scalelite nodes', () => {
  const servers = resourcesOf(stack, 'ionoscloud_server').map(([, server]) => server);

  it('creates scalelite.nodes servers named by the naming helper, with role scalelite', () => {
    expect(servers.map((server) => server.name)).toEqual(['example-scalelite-01', 'example-scalelite-02']);
    for (const server of servers) {
      expect(server).toMatchObject({ type: 'ENTERPRISE', cores: 4, ram: 8192, label: [{ key: 'role', value: 'scalelite' }] });
    }
  });

  it('puts them on the private LAN only, at fixed addresses', () => {
    expect(servers.map((server) => [server.nic.lan, server.nic.ips])).toEqual([
      [expect.stringMatching(privateLan), ['10.20.1.1']],
      [expect.stringMatching(privateLan), ['10.20.1.2']],
    ]);
    expect(resourcesOf(stack, 'ionoscloud_nic')).toHaveLength(0);
    expect(JSON.stringify(servers)).not.toMatch(publicLan);
  });

  it('boots them from a cloud-config whose later edits never replace a node', () => {
    for (const server of servers) {
      expect(server.volume.user_data).toMatch(/^\$\{base64encode\(join\(""/);
      expect(server.volume.user_data).toContain('#cloud-config');
      expect(server.lifecycle).toEqual({ ignore_changes: ['volume[0].user_data', 'ssh_keys'] });
      expect(server.allow_replace).toBe(false);
    }
  });

  it('pins every image exactly', () => {
    const images = [...new Set(JSON.stringify(servers).match(/image: [^\\"]+/g))].sort();
    expect(images).toEqual([
      `image: bigbluebutton/greenlight:${GREENLIGHT_VERSION}`,
      `image: blindsidenetwks/scalelite:${SCALELITE_VERSION}-api`,
      `image: blindsidenetwks/scalelite:${SCALELITE_VERSION}-nginx`,
      `image: blindsidenetwks/scalelite:${SCALELITE_VERSION}-poller`,
      `image: blindsidenetwks/scalelite:${SCALELITE_VERSION}-recording-importer`,
      'image: quay.io/prometheus/node-exporter:v1.8.2',
    ]);
    expect(SCALELITE_VERSION).toMatch(/^v1\.(5\.([1-9]|\d{2,})|[6-9]\.\d+|\d{2,}\.\d+)(\.\d+)?$/);
    expect(GREENLIGHT_VERSION).toMatch(/^v3\.\d+\.\d+$/);
  });
});

describe('the load balancer', () => {
  const [[, alb]] = resourcesOf(stack, 'ionoscloud_application_loadbalancer');
  const groups = byName(resourcesOf(stack, 'ionoscloud_target_group').map(([id, group]) => ({ ...group, id })));
  const rules = byName(resourcesOf(stack, 'ionoscloud_application_loadbalancer_forwardingrule').map(([, rule]) => rule));
  const ref = (group: { id: string }) => `\${ionoscloud_target_group.${group.id}.id}`;

  it('listens on the reserved public address and reaches the nodes from its private address', () => {
    expect(alb.listener_lan).toMatch(publicLan);
    expect(alb.ips).toEqual([expect.stringMatching(lbAddress)]);
    expect(alb.target_lan).toMatch(privateLan);
    expect(alb.lb_private_ips).toEqual(['10.20.0.2/16']);
  });

  it("balances Scalelite over every node's nginx, healthy only when Scalelite's health check says success", () => {
    const group = groups['example-scalelite'];
    expect(group.targets.map((target: any) => [target.ip, target.port, target.health_check_enabled])).toEqual([
      ['10.20.1.1', 80, true],
      ['10.20.1.2', 80, true],
    ]);
    expect(group.http_health_check).toMatchObject({ path: '/health_check', method: 'GET', match_type: 'RESPONSE_BODY', response: 'success' });
  });

  it('balances Greenlight over port 8080 of every node', () => {
    const group = groups['example-greenlight'];
    expect(group.targets.map((target: any) => [target.ip, target.port])).toEqual([
      ['10.20.1.1', 8080],
      ['10.20.1.2', 8080],
    ]);
    expect(group.http_health_check).toMatchObject({ path: '/health_check', match_type: 'STATUS_CODE', response: '200' });
  });

  it('terminates HTTPS on 443 with the managed certificate and routes greenlight.<domain> by host', () => {
    const https = rules['example-https'];
    expect(https).toMatchObject({ protocol: 'HTTP', listener_port: 443 });
    expect(https.listener_ip).toMatch(lbAddress);
    expect(https.server_certificates).toEqual([expect.stringMatching(/^\$\{ionoscloud_auto_certificate\.[^.]+\.last_issued_certificate_id\}$/)]);
    expect(https.http_rules).toEqual([
      {
        name: 'forward-greenlight',
        type: 'FORWARD',
        target_group: ref(groups['example-greenlight']),
        conditions: [{ type: 'HOST', condition: 'EQUALS', value: 'greenlight.bbb.example.org', negate: false }],
      },
      { name: 'forward-scalelite', type: 'FORWARD', target_group: ref(groups['example-scalelite']) },
    ]);
  });

  it('answers plain HTTP on port 80 only with permanent redirects to HTTPS', () => {
    const http = rules['example-http-redirect'];
    expect(http).toMatchObject({ protocol: 'HTTP', listener_port: 80 });
    expect(http.server_certificates).toBeUndefined();
    expect(http.http_rules.map((rule: any) => [rule.type, rule.status_code, rule.location])).toEqual([
      ['REDIRECT', 301, 'https://greenlight.bbb.example.org'],
      ['REDIRECT', 301, 'https://scalelite.bbb.example.org'],
    ]);
    expect(Object.keys(rules).sort()).toEqual(['example-http-redirect', 'example-https']);
  });

  it('redirects to the scheme and host only, keeping the query, so the balancer appends path and query', () => {
    // IONOS's REDIRECT rule has drop_query ("whether the query part of the URI should be
    // dropped"), which only means something when the balancer appends the request URI to
    // `location`, as HAProxy's `redirect prefix` (the balancer logs in HAProxy's format)
    // does. A path or trailing slash here would end up in front of every request's path.
    for (const rule of rules['example-http-redirect'].http_rules) {
      expect(rule.location).toMatch(/^https:\/\/[a-z0-9.-]+$/);
      expect(rule.drop_query).toBe(false);
    }
  });

  it('gets a certificate that renews itself for both host names', () => {
    const [[, certificate]] = resourcesOf(stack, 'ionoscloud_auto_certificate');
    expect(certificate).toMatchObject({ common_name: 'scalelite.bbb.example.org', subject_alternative_names: ['greenlight.bbb.example.org'] });
  });
});

describe('what other constructs read from Scalelite', () => {
  it('exposes the API endpoints and the shared secret', () => {
    expect(scalelite.apiUrl).toBe('https://scalelite.bbb.example.org/scalelite/api');
    expect(scalelite.bbbApiUrl).toBe('https://scalelite.bbb.example.org/bigbluebutton/api');
    expect(scalelite.greenlightUrl).toBe('https://greenlight.bbb.example.org');
    expect(stack.output.scalelite_secret).toEqual({ value: expect.stringMatching(/^\$\{random_id\.[^.]+\.hex\}$/), sensitive: true, description: expect.any(String) });
    expect(stack.output.bbb_api_url.value).toBe(scalelite.bbbApiUrl);
  });

  it('exposes the recordings storage for the BBB servers', () => {
    expect(scalelite.recordingsStorage).toBe(example.platform.network.data.sharedStorage);
    expect(scalelite.recordingsStorage?.spoolDir).toBe('/mnt/scalelite-recordings/var/bigbluebutton/spool');
  });

  it('generates every secret in Terraform: none is a literal in the synthesized stacks', () => {
    const ids = resourcesOf(stack, 'random_id').map(([, id]) => id.byte_length).sort();
    expect(ids).toEqual([32, 64, 64]);
    const text = JSON.stringify(example.stacks);
    for (const key of ['LOADBALANCER_SECRET', 'SECRET_KEY_BASE', 'BIGBLUEBUTTON_SECRET']) {
      const values = [...text.matchAll(new RegExp(`${key}=([^\\\\"]*)`, 'g'))].map((match) => match[1]);
      expect(values.length).toBeGreaterThan(0);
      // In the Terraform JSON the literal text ends right at `=`; the value is a reference.
      expect(values.every((value) => value === '')).toBe(true);
    }
    expect(text).not.toMatch(/postgresql:\/\/[a-z]+:[A-Za-z0-9]{8,}@/);
    expect(text).not.toMatch(/redis:\/\/scalelite:[A-Za-z0-9]{8,}@/);
  });
});

describe('variants', () => {
  it('without Greenlight and recordings: one target group, no importer, recordings disabled', () => {
    const { stacks, platform } = synthEnvironment(exampleWith({ scalelite: { greenlight: false, recordings: false, nodes: 3 } }));
    const lean = stacks['example-frontend'];
    expect(resourcesOf(lean, 'ionoscloud_server').map(([, server]) => server.nic.ips[0])).toEqual(['10.20.1.1', '10.20.1.2', '10.20.1.3']);
    expect(resourcesOf(lean, 'ionoscloud_target_group').map(([, group]) => group.name)).toEqual(['example-scalelite']);
    const files = platform.frontend.scalelite.nodeFiles[0];
    expect(files.map((file) => file.path)).not.toContain('/opt/scalelite/compose.recordings.yml');
    expect(files.find((file) => file.path === '/opt/scalelite/scalelite.env')?.content).toContain('RECORDING_DISABLED=true');
    expect(platform.frontend.scalelite.greenlightUrl).toBeUndefined();
    expect(lean.output.greenlight_url).toBeUndefined();
    const [[, certificate]] = resourcesOf(lean, 'ionoscloud_auto_certificate');
    expect(certificate.subject_alternative_names).toBeUndefined();
  });
});
