import * as path from 'node:path';
import { mailRelay } from '../../config';
import { MAINTENANCE_COMMANDS } from '../../constructs/maintenance';
import { nodeCloudConfig, nodeFiles, singletonServices, type NodeFile, type NodeSettings } from '../../constructs/scalelite';
import type { SharedStorage } from '../../constructs/data';
import { exampleConfig, synthEnvironment } from '../../testing/synth';
import { parseUnit, verifyUnits } from '../bbb-pool/systemd-units';
import { describeWithTool } from '../support/tools';
import { cloudInitSchema, composeConfig, hasTokens, shellcheck, withDummyValues } from '../support/validators';

const config = exampleConfig();
const { platform } = synthEnvironment(config);
const scalelite = platform.frontend.scalelite;
const storage: SharedStorage = {
  server: '10.20.3.30',
  exportPath: '/exports/scalelite',
  source: '10.20.3.30:/exports/scalelite',
  mountPoint: '/mnt/scalelite-recordings',
  spoolDir: '/mnt/scalelite-recordings/var/bigbluebutton/spool',
  spoolGroup: 'scalelite-spool',
  spoolGid: 2000,
};

function settings(recordings: boolean, greenlight: boolean): NodeSettings {
  return {
    scaleliteVersion: 'v1.8.5',
    loadbalancerSecret: 'a'.repeat(64),
    secretKeyBase: 'b'.repeat(128),
    databaseUrl: 'postgresql://scalelite:pw@10.20.3.10:5432/scalelite',
    redisUrl: 'redis://scalelite:pw@10.20.3.20:6379',
    webConcurrency: 4,
    recordings,
    sharedStorage: recordings || greenlight ? storage : undefined,
    greenlight: greenlight
      ? {
          version: 'v3.3.1',
          secretKeyBase: 'c'.repeat(128),
          databaseUrl: 'postgresql://greenlight:pw@10.20.3.10:5432/greenlight',
          redisUrl: 'redis://scalelite:pw@10.20.3.20:6379/1',
          bigbluebuttonEndpoint: 'https://scalelite.bbb.example.org/bigbluebutton/api/',
          mail: { relay: mailRelay(config), from: 'portal@bbb.example.org', password: 'relay-password', heloDomain: 'bbb.example.org' },
        }
      : undefined,
    maintenanceWindow: { onCalendar: '*-*-* 01:00:00 Europe/Berlin', minutes: 240 },
    nodeAddresses: ['10.20.1.1', '10.20.1.2'],
  };
}

/** KEY=value lines of an env file (comments left out). */
function envOf(content: string): Record<string, string> {
  const lines = content.split('\n').filter((line) => /^[A-Z_]+=/.test(line));
  return Object.fromEntries(lines.map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]));
}

/** The literal text around Terraform references, with each reference dropped. */
function withoutTokens(text: string): string {
  return text.replace(/\$\{TfToken\[[a-zA-Z0-9:._-]+\]\}/g, '');
}

/** The example's files with Terraform references replaced, as a node receives them. */
const exampleFiles: NodeFile[] = scalelite.nodeFiles[0].map((file) => ({ ...file, content: withDummyValues(file.content) }));
const variants: [string, NodeFile[]][] = [
  ['example (as synthesized)', exampleFiles],
  ['API only', nodeFiles(settings(false, false))],
  ['recordings', nodeFiles(settings(true, false))],
  ['Greenlight', nodeFiles(settings(false, true))],
];

const PROJECT = '/opt/scalelite/';
function composeSet(files: NodeFile[]) {
  const inProject = Object.fromEntries(files.filter((file) => file.path.startsWith(PROJECT)).map((file) => [file.path.slice(PROJECT.length), file.content]));
  const composeFiles = /^COMPOSE_FILE=(.+)$/m.exec(inProject['.env'])![1].split(':');
  return { inProject, composeFiles };
}

describe('node files', () => {
  it('keep secrets readable by root only', () => {
    const modes = Object.fromEntries(exampleFiles.map((file) => [file.path, file.mode]));
    expect(modes['/opt/scalelite/scalelite.env']).toBe('0600');
    expect(modes['/opt/scalelite/greenlight.env']).toBe('0600');
    for (const file of scalelite.nodeFiles[0]) {
      if (hasTokens(file.content)) expect([file.path, file.mode]).toEqual([file.path, '0600']);
    }
  });

  it('make Greenlight talk to Scalelite with the load balancer secret', () => {
    const env = exampleFiles.find((file) => file.path === '/opt/scalelite/greenlight.env')!.content;
    expect(env).toContain('BIGBLUEBUTTON_ENDPOINT=https://scalelite.bbb.example.org/bigbluebutton/api/\n');
    const secretOf = (content: string, key: string) => new RegExp(`^${key}=(.+)$`, 'm').exec(content)?.[1];
    const scaleliteEnv = scalelite.nodeFiles[0].find((file) => file.path === '/opt/scalelite/scalelite.env')!.content;
    const greenlightEnv = scalelite.nodeFiles[0].find((file) => file.path === '/opt/scalelite/greenlight.env')!.content;
    expect(secretOf(greenlightEnv, 'BIGBLUEBUTTON_SECRET')).toBe(secretOf(scaleliteEnv, 'LOADBALANCER_SECRET'));
  });

  it('give Greenlight the platform\u2019s mail relay, its password only as a Terraform reference', () => {
    const env = envOf(exampleFiles.find((file) => file.path === '/opt/scalelite/greenlight.env')!.content);
    expect(env).toMatchObject({
      SMTP_SERVER: 'smtp.ionos.de',
      SMTP_PORT: '587',
      SMTP_DOMAIN: 'bbb.example.org',
      SMTP_USERNAME: 'alertmanager@bbb.example.org',
      SMTP_SENDER_EMAIL: 'alertmanager@bbb.example.org',
      SMTP_STARTTLS: 'true',
      SMTP_STARTTLS_AUTO: 'false',
      SMTP_TLS: 'false',
    });
    const synthesized = scalelite.nodeFiles[0].find((file) => file.path === '/opt/scalelite/greenlight.env')!.content;
    expect(envOf(withoutTokens(synthesized)).SMTP_PASSWORD).toBe('');
    expect(JSON.stringify(platform.frontend.toTerraform())).toContain('var.smtp_password');
  });

  it('speak TLS from the start on port 465 and STARTTLS when offered where TLS is not required', () => {
    const variant = (smarthost: string, requireTls: boolean) => {
      const relayConfig = { ...config, monitoring: { ...config.monitoring, smtp: { smarthost, requireTls } } };
      const files = nodeFiles({ ...settings(false, true), greenlight: { ...settings(false, true).greenlight!, mail: { ...settings(false, true).greenlight!.mail, relay: mailRelay(relayConfig) } } });
      const env = envOf(files.find((file) => file.path === '/opt/scalelite/greenlight.env')!.content);
      return [env.SMTP_PORT, env.SMTP_TLS, env.SMTP_STARTTLS, env.SMTP_STARTTLS_AUTO];
    };
    expect(variant('mail.example.org:465', true)).toEqual(['465', 'true', 'false', 'false']);
    expect(variant('mail.example.org:25', false)).toEqual(['25', 'false', 'false', 'true']);
  });

  it('keep Greenlight healthy for the load balancer while the mail relay or Scalelite is down', () => {
    const env = envOf(nodeFiles(settings(false, true)).find((file) => file.path === '/opt/scalelite/greenlight.env')!.content);
    // Greenlight's health_checks_controller.rb checks SMTP and BigBlueButton unless these are "true".
    expect(env).toMatchObject({ SMTP_HEALTH_CHECK_DISABLED: 'true', BBB_HEALTH_CHECK_DISABLED: 'true' });
    expect(env.DATABASE_HEALTH_CHECK_DISABLED).toBeUndefined();
    expect(env.REDIS_HEALTH_CHECK_DISABLED).toBeUndefined();
    expect(env.SMTP_SENDER_EMAIL).toBe('portal@bbb.example.org');
  });

  it('compose exactly one poller and one importer per tier through the singleton profile', () => {
    const { inProject } = composeSet(exampleFiles);
    expect(singletonServices({ recordings: true })).toEqual(['scalelite-poller', 'scalelite-recording-importer']);
    for (const service of ['scalelite-poller:', 'scalelite-recording-importer:']) {
      const file = Object.values(inProject).find((content) => content.includes(`\n  ${service}`))!;
      const block = file.slice(file.indexOf(`\n  ${service}`)).split(/\n  (?=\S)/)[1];
      expect(block).toContain('profiles:\n      - singleton');
      expect(block).toContain('restart: on-failure');
    }
  });

  it("add HSTS to every response of Scalelite's and Greenlight's nginx server", () => {
    const { inProject } = composeSet(exampleFiles);
    expect(inProject['nginx/hsts.conf']).toMatch(/^add_header Strict-Transport-Security "max-age=\d+; includeSubDomains" always;$/m);
    expect(inProject['docker-compose.yml']).toContain('- ./nginx/hsts.conf:/etc/nginx/http.d/scalelite/hsts.conf:ro');
    expect(inProject['nginx/greenlight.conf']).toContain('include /etc/nginx/http.d/scalelite/hsts.conf;');
    expect(inProject['compose.greenlight.yml']).toContain('- ./nginx/greenlight.conf:/etc/nginx/http.d/greenlight.conf:ro');
  });

  it('require the shared storage for recordings and Greenlight', () => {
    expect(() => nodeFiles({ ...settings(true, false), sharedStorage: undefined })).toThrow(
      'scalelite node: recordings and Greenlight need the shared storage, none was given',
    );
  });
});

describeWithTool('cloud-init', 'node cloud-config', () => {
  it.each(variants)('%s passes cloud-init schema', (name, files) => {
    const hostname = 'example-scalelite-01';
    const sharedStorage = name === 'API only' ? undefined : storage;
    const document = nodeCloudConfig(config, { hostname, files, sharedStorage });
    const result = cloudInitSchema(document);
    expect(result.stderr).not.toMatch(/error/i);
    expect(result.status).toBe(0);
  });
});

describeWithTool('docker-compose', 'node compose files', () => {
  it.each(variants)('%s passes docker-compose config', (_, files) => {
    const { inProject, composeFiles } = composeSet(files);
    const result = composeConfig(inProject, composeFiles);
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
  });
});

describeWithTool('shellcheck', 'node scripts', () => {
  // The maintenance commands source their library; __tests__/maintenance checks them with it.
  const maintenanceCommands: readonly string[] = Object.values(MAINTENANCE_COMMANDS);
  const scripts = variants.flatMap(([variant, files]) =>
    files.filter((file) => file.mode === '0755' && !maintenanceCommands.includes(file.path)).map((file) => [`${variant}: ${file.path}`, file.content] as [string, string]),
  );

  it('covers the singleton, storage and health scripts', () => {
    expect(scripts.map(([name]) => name.split(': ')[1])).toEqual(
      expect.arrayContaining(['/usr/local/sbin/scalelite-singletons', '/usr/local/sbin/scalelite-prepare-storage', '/usr/local/sbin/scalelite-wait-healthy']),
    );
  });

  it.each(scripts)('%s passes shellcheck', (_, script) => {
    const result = shellcheck(script);
    expect(result.stdout).toBe('');
    expect(result.status).toBe(0);
  });
});

describe('node units', () => {
  const units = Object.fromEntries(
    exampleFiles.filter((file) => file.path.startsWith('/etc/systemd/system/')).map((file) => [path.basename(file.path), file.content]),
  );

  it('retry the containers\u2019 start without a limit, and start the singletons only once it succeeded', () => {
    const compose = parseUnit(units['scalelite.service']);
    expect(compose.Service).toMatchObject({ Type: ['oneshot'], Restart: ['on-failure'], RestartSec: ['30s'] });
    expect(compose.Unit.StartLimitIntervalSec).toEqual(['0']);
    const singletons = parseUnit(units['scalelite-singletons.service']);
    expect(singletons.Unit.Requires).toBeUndefined();
    expect(singletons.Unit).toMatchObject({ Wants: ['scalelite.service'], After: ['scalelite.service'], PartOf: ['scalelite.service'] });
    expect(singletons.Service).toMatchObject({ ExecStartPre: ['/usr/bin/systemctl is-active --quiet scalelite.service'], Restart: ['always'] });
  });
});

describeWithTool('systemd-analyze', 'node units as systemd reads them', () => {
  it('pass systemd-analyze verify', () => {
    const units = Object.fromEntries(
      exampleFiles.filter((file) => file.path.startsWith('/etc/systemd/system/')).map((file) => [path.basename(file.path), file.content]),
    );
    expect(Object.keys(units).sort()).toEqual([
      'platform-maintenance.service',
      'platform-maintenance.timer',
      'platform-patch-state.service',
      'platform-patch-state.timer',
      'scalelite-singletons.service',
      'scalelite.service',
    ]);
    expect(verifyUnits(units)).toEqual([]);
  });
});
