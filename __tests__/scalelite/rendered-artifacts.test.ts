import { MAINTENANCE_COMMANDS } from '../../constructs/maintenance';
import { nodeCloudConfig, nodeFiles, singletonServices, type NodeFile, type NodeSettings } from '../../constructs/scalelite';
import type { SharedStorage } from '../../constructs/data';
import { exampleConfig, synthEnvironment } from '../../testing/synth';
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
    scaleliteVersion: 'v1.6.5',
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
        }
      : undefined,
    maintenanceWindow: { onCalendar: '*-*-* 01:00:00 Europe/Berlin', minutes: 240 },
    nodeAddresses: ['10.20.1.1', '10.20.1.2'],
  };
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
