import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { App, TerraformStack } from 'cdktf';
import { Firewall } from '../../.gen/providers/ionoscloud/firewall';
import { Server } from '../../.gen/providers/ionoscloud/server';
import { loadEnvironmentFile } from '../../config';
import { applyPolicies } from '../../policies';
import { buildPlatform } from '../../stacks';
import { ENVIRONMENTS_DIR } from '../../stacks/environments';

/** The shipped example environment with one deliberate hole: SSH to a BBB server from anywhere. */
describe('a deliberately bad environment', () => {
  const outdir = mkdtempSync(path.join(tmpdir(), 'bad-environment-'));
  afterAll(() => rmSync(outdir, { recursive: true, force: true }));

  it('fails synth with the rule, the construct path and the reason', () => {
    const app = new App({ outdir });
    buildPlatform(app, loadEnvironmentFile(path.join(ENVIRONMENTS_DIR, 'example.yaml')));
    app.node.findAll().filter((node): node is TerraformStack => TerraformStack.isStack(node)).forEach(applyPolicies);
    const bbb = app.node.findAll().find((node): node is Server => node instanceof Server && /-bbb-/.test(String(node.nameInput)));
    expect(bbb).toBeDefined();
    new Firewall(bbb!, 'DebugSsh', {
      datacenterId: bbb!.datacenterId,
      serverId: bbb!.id,
      nicId: bbb!.primaryNic,
      protocol: 'TCP',
      portRangeStart: 22,
      portRangeEnd: 22,
      sourceIp: '0.0.0.0/0',
    });
    expect(() => app.synth()).toThrow(
      new RegExp(`\\[${bbb!.node.path}/DebugSsh\\] \\[NET-INTERNAL-PORTS\\] firewall rule on a public LAN opens SSH \\(22\\) to 0\\.0\\.0\\.0/0; allow only the admin CIDRs or the private LAN\\. Why: SSH, Grafana`),
    );
  });
});
