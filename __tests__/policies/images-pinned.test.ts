import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { AssetType, Fn, TerraformAsset, TerraformVariable } from 'cdktf';
import { Resource as NullResource } from '@cdktf/provider-null/lib/resource';
import { CLOUD_CONFIG, findingsOf, policyFixture, server } from './fixtures';

const RULE = 'IMAGE-PINNED';

const PINNED_COMPOSE = [
  'services:',
  '  scalelite-api:',
  '    image: blindsidenetwks/scalelite:v1.5.1.4-api',
  '  exporter:',
  '    image: "greenstatic/bigbluebutton-exporter@sha256:6a1c7fd0c6f2d0c1c2b1f5c5a5e0e5d3c1b0a9f8e7d6c5b4a3f2e1d0c9b8a7f6"',
  '  redis:',
  '    image: docker.io/library/redis:${REDIS_TAG:-7.2.5-alpine}',
  '  registry:',
  '    image: registry.example.org:5000/team/node-exporter:1.8.2',
].join('\n');

describe(RULE, () => {
  const dirs: string[] = [];
  afterAll(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

  function assetFile(name: string, content: string): string {
    const dir = mkdtempSync(path.join(tmpdir(), 'images-'));
    dirs.push(dir);
    const file = path.join(dir, name);
    writeFileSync(file, content);
    return file;
  }

  it('accepts tags, digests, Terraform-supplied tags and pinned defaults in compose files and docker run lines', () => {
    const fixture = policyFixture();
    const version = new TerraformVariable(fixture.stack, 'exporter_version', { type: 'string' });
    const runcmd = `runcmd:\n  - docker run -d --name node-exporter --net host -v /:/host:ro,rslave prom/node-exporter:v1.8.2 --path.rootfs=/host\n  - docker run --rm -e A=b quay.io/prometheus/blackbox-exporter:${version.stringValue}\n`;
    server(fixture, 'Bbb', { volume: { name: 'system', size: 20, diskType: 'SSD Standard', userData: Fn.base64encode(`${CLOUD_CONFIG}${runcmd}`) } });
    new NullResource(fixture.stack, 'Push', {
      provisioners: [
        // Terraform templates every string: a literal ${ is written $${.
        { type: 'file', content: PINNED_COMPOSE.replace('${', '$${'), destination: '/tmp/compose.yml' },
        { type: 'remote-exec', inline: ['docker pull grafana/grafana-oss:11.1.0'] },
      ],
    });
    new TerraformAsset(fixture.stack, 'Compose', { path: assetFile('docker-compose.yml', PINNED_COMPOSE), type: AssetType.FILE });
    expect(findingsOf(fixture.stack, RULE)).toEqual([]);
  });

  it('rejects latest, untagged and runtime-variable tags, naming the line', () => {
    const fixture = policyFixture();
    const runcmd = 'runcmd:\n  - docker run -d --restart unless-stopped -p 9100:9100 prom/node-exporter\n';
    server(fixture, 'Bbb', { volume: { name: 'system', size: 20, diskType: 'SSD Standard', userData: Fn.base64encode(`${CLOUD_CONFIG}${runcmd}`) } });
    new NullResource(fixture.stack, 'Push', {
      provisioners: [
        { type: 'file', content: 'services:\n  grafana:\n    image: grafana/grafana:latest\n  app:\n    image: example/app:$${APP_TAG}\n', destination: '/tmp/c.yml' },
      ],
    });
    new TerraformAsset(fixture.stack, 'Compose', {
      path: assetFile('compose.yaml', 'services:\n  registry:\n    image: registry.example.org:5000/team/tool\n'),
      type: AssetType.FILE,
    });
    const messages = findingsOf(fixture.stack, RULE).map((finding) => `${finding.path}: ${finding.message}`);
    expect(messages).toHaveLength(4);
    expect(messages[0]).toContain('fixture/Bbb: [IMAGE-PINNED] argument volume.user_data line 9: image prom/node-exporter has no tag (means latest)');
    expect(messages[1]).toContain('fixture/Push: [IMAGE-PINNED] argument provisioner[0].file.content line 3: image grafana/grafana:latest uses the latest tag');
    expect(messages[2]).toContain('line 5: image example/app:${APP_TAG} takes its tag from a runtime variable without a pinned default');
    expect(messages[3]).toMatch(/^fixture\/Compose: .*compose\.yaml line 3: image registry\.example\.org:5000\/team\/tool has no tag/);
  });
});
