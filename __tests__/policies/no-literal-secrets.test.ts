import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { AssetType, Fn, TerraformAsset, TerraformOutput, TerraformVariable } from 'cdktf';
import { Password } from '@cdktf/provider-random/lib/password';
import { Resource as NullResource } from '@cdktf/provider-null/lib/resource';
import { IonoscloudProvider } from '../../.gen/providers/ionoscloud/provider';
import { CLOUD_CONFIG, findingsOf, pgCluster, policyFixture, server } from './fixtures';

const RULE = 'SECRET-LITERAL';

describe(RULE, () => {
  it('accepts secrets that come from random_password, sensitive variables and placeholders', () => {
    const fixture = policyFixture();
    const password = new Password(fixture.stack, 'DbPassword', { length: 32, special: false });
    pgCluster(fixture, 'Db', { password: password.result });
    const key = new TerraformVariable(fixture.stack, 'ssh_private_key', { type: 'string', sensitive: true });
    new IonoscloudProvider(fixture.stack, 'ionoscloud', {});
    const env = [
      `LOADBALANCER_SECRET=${password.result}`,
      `DATABASE_URL=postgresql://scalelite:${password.result}@db.internal:5432/scalelite`,
      'POSTGRES_PASSWORD_FILE=/run/secrets/db_password',
      'SECRET_KEY_BASE=$(openssl rand -hex 64)',
    ].join('\n');
    server(fixture, 'Web', {
      volume: { name: 'system', size: 20, diskType: 'SSD Standard', userData: Fn.base64encode(`${CLOUD_CONFIG}write_files:\n  - path: /etc/app.env\n    content: |\n      ${env.split('\n').join('\n      ')}\n`) },
    });
    new NullResource(fixture.stack, 'Push', {
      connection: { type: 'ssh', host: '203.0.113.10', user: 'ops', privateKey: key.stringValue },
      // A compose-style variable; Terraform would read a bare ${ as its own interpolation.
      provisioners: [{ type: 'file', content: `${env}\nREDIS_PASSWORD=$\${REDIS_PASSWORD}\n`, destination: '/tmp/app.env' }],
    });
    expect(findingsOf(fixture.stack, RULE)).toEqual([]);
  });

  it('rejects a literal password argument without echoing the value', () => {
    const fixture = policyFixture();
    pgCluster(fixture, 'Db', { password: 'hunter2-but-longer' });
    const findings = findingsOf(fixture.stack, RULE);
    expect(findings).toEqual([expect.objectContaining({ level: 'error', path: 'fixture/Db' })]);
    expect(findings[0].message).toContain('argument credentials.password holds a literal secret');
    expect(findings[0].message).not.toContain('hunter2');
  });

  it('rejects a literal provider token and a literal default of a sensitive variable', () => {
    const fixture = policyFixture();
    new IonoscloudProvider(fixture.stack, 'ionoscloud', { token: 'eyJhbGciOiJSUzI1NiJ9.payload.signature' });
    new TerraformVariable(fixture.stack, 'bbb_secret', { type: 'string', sensitive: true, default: 'abc123abc123' });
    new TerraformVariable(fixture.stack, 'domain', { type: 'string', default: 'bbb.example.org' });
    const findings = findingsOf(fixture.stack, RULE);
    expect(findings.map((finding) => finding.path).sort()).toEqual(['fixture/bbb_secret', 'fixture/ionoscloud']);
    expect(findings.find((finding) => finding.path === 'fixture/bbb_secret')!.message).toContain('supply it through TF_VAR_bbb_secret');
  });

  it('finds literal secrets inside base64-encoded user_data', () => {
    const fixture = policyFixture();
    const userData = Buffer.from(`${CLOUD_CONFIG}write_files:\n  - path: /etc/scalelite.env\n    content: |\n      LOADBALANCER_SECRET=0123456789abcdef\n`).toString('base64');
    server(fixture, 'Scalelite', { volume: { name: 'system', size: 20, diskType: 'SSD Standard', userData } });
    const [finding] = findingsOf(fixture.stack, RULE);
    expect(finding.message).toContain('argument volume.user_data line 11: LOADBALANCER_SECRET is set to a literal');
  });

  it('finds a password in a URL and a private key in pushed file content', () => {
    const fixture = policyFixture();
    new NullResource(fixture.stack, 'Push', {
      provisioners: [
        { type: 'file', content: 'DATABASE_URL=postgresql://scalelite:s3cr3t@db:5432/scalelite\n', destination: '/tmp/a' },
        { type: 'file', content: '-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXk=\n', destination: '/tmp/b' },
        { type: 'remote-exec', inline: ['docker login --password=hunter22 registry.example.org'] },
      ],
    });
    const messages = findingsOf(fixture.stack, RULE).map((finding) => finding.message);
    expect(messages).toHaveLength(3);
    expect(messages[0]).toContain('provisioner[0].file.content line 1: a password inside a URL');
    expect(messages[1]).toContain('provisioner[1].file.content line 1: a PEM private key');
    expect(messages[2]).toContain('provisioner[2].remote-exec.inline[0] line 1: --password is set to a literal');
  });

  it('finds a Redis URL password with an empty user and keys named pass or pwd', () => {
    const fixture = policyFixture();
    const conf = ['REDIS_URL=redis://:hunter22@redis.internal:6379/0', 'SMTP_PASS=hunter22', 'auth_pass: hunter22', 'dbPwd=hunter22'].join('\n');
    new NullResource(fixture.stack, 'Push', { provisioners: [{ type: 'file', content: `${conf}\n`, destination: '/tmp/app.env' }] });
    expect(findingsOf(fixture.stack, RULE).map((finding) => finding.message)).toEqual([
      expect.stringContaining('line 1: a password inside a URL'),
      expect.stringContaining('line 2: SMTP_PASS is set to a literal'),
      expect.stringContaining('line 3: auth_pass is set to a literal'),
      expect.stringContaining('line 4: dbPwd is set to a literal'),
    ]);
  });

  it('finds a password in an output, read from the stack as written', () => {
    const fixture = policyFixture();
    const password = new Password(fixture.stack, 'DbPassword', { length: 32, special: false });
    new TerraformOutput(fixture.stack, 'database_url', { value: `postgresql://scalelite:${password.result}@db:5432/scalelite` });
    new TerraformOutput(fixture.stack, 'admin_url', { value: 'postgresql://admin:s3cr3t@db:5432/scalelite' });
    expect(findingsOf(fixture.stack, RULE).map((finding) => `${finding.path}: ${finding.message}`)).toEqual([
      expect.stringContaining('fixture/admin_url: [SECRET-LITERAL] argument output.admin_url.value line 1: a password inside a URL'),
    ]);
  });

  it('leaves words that only contain pass alone: passive, bypass, compass, NOPASSWD', () => {
    const fixture = policyFixture();
    const conf = [
      'passive_ports=30000-30100',
      'bypass: proxy.internal',
      'compass_heading=north',
      'sudo: ALL=(ALL) NOPASSWD:ALL',
      'proxy_pass http://127.0.0.1:3000;',
      'REDIS_URL=redis://:$${REDIS_PASSWORD}@redis.internal:6379/0',
    ].join('\n');
    new NullResource(fixture.stack, 'Push', { provisioners: [{ type: 'file', content: `${conf}\n`, destination: '/tmp/app.conf' }] });
    expect(findingsOf(fixture.stack, RULE)).toEqual([]);
  });

  it('reads pushed text files but not program bundles', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'secret-assets-'));
    try {
      const fixture = policyFixture();
      for (const name of ['app.env', 'autoscaler.js']) {
        const file = path.join(dir, name);
        writeFileSync(file, 'API_TOKEN=4f9c2a7d1e8b\n');
        new TerraformAsset(fixture.stack, name, { path: file, type: AssetType.FILE });
      }
      const messages = findingsOf(fixture.stack, RULE).map((finding) => `${finding.path}: ${finding.message}`);
      expect(messages).toEqual([expect.stringMatching(/^fixture\/app\.env: .*app\.env line 1: API_TOKEN is set to a literal/)]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
