import * as yaml from 'js-yaml';
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { maintenanceWindow } from '../../config';
import { maintenance, wholeWindow } from '../../constructs/maintenance';
import { staticRuleFiles } from '../../monitoring/rules';
import { decodeUserData, userDataOf } from '../../testing/user-data';
import { describeWithTool, run } from '../support/tools';
import { exampleConfig, scratchDir } from './fixtures';
import { only, pushOf, pushedFiles, synthMonitoring, type Json } from './synth-monitoring';
import { Monitoring } from '../../constructs/monitoring';
import { NetworkStack } from '../../stacks/network-stack';
import { PlatformStack } from '../../stacks/platform-stack';
import { Testing } from 'cdktf';

const config = exampleConfig();
const stack = synthMonitoring(config);
const server = only(stack, 'ionoscloud_server');
const push = pushOf(stack, 'Config');
const files = pushedFiles(push);

/** The same environment with one alert threshold edited. */
const editedRules = staticRuleFiles().map((file) =>
  file.name === 'servers.yml' ? { ...file, content: file.content.replace('instance:cpu_utilisation:rate1m > 0.8', 'instance:cpu_utilisation:rate1m > 0.85') } : file,
);
/** A trial environment, destroyed whole when it is done. */
const trial = synthMonitoring(exampleConfig((c) => (c.monitoring.protectDataVolume = false)));
const edited = synthMonitoring(config, { ruleFiles: [...editedRules, { name: 'platform.yml', content: '' }] });

describe('monitoring VM', () => {
  it('is one server named <env>-monitoring-01 with the configured size', () => {
    expect(server).toMatchObject({ name: 'example-monitoring-01', type: 'ENTERPRISE', cores: 4, ram: 8192 });
    expect(server.label).toEqual([{ key: 'role', value: 'monitoring' }]);
  });

  it('keeps Prometheus data on its own volume of monitoring.diskGb that a rebuilt VM does not destroy', () => {
    const volume = only(stack, 'ionoscloud_volume');
    expect(volume).toMatchObject({ name: 'example-monitoring-01-data', size: 100, disk_type: 'SSD Standard' });
    expect(volume.server_id).toMatch(/^\$\{ionoscloud_server\.[A-Za-z0-9_]+\.id\}$/);
    expect(volume.lifecycle).toEqual({ prevent_destroy: true });
  });

  it('lets a trial environment lift the protection, so that it can be destroyed whole', () => {
    expect(only(trial, 'ionoscloud_volume').lifecycle).toEqual({ prevent_destroy: false });
  });

  it('lets only admin networks reach SSH and Grafana; port 80 is open for ACME and the redirect', () => {
    const rules = (server.nic.firewall as Json[]).map((rule) => [rule.protocol, rule.port_range_start, rule.source_ip ?? 'any']);
    expect(server.nic.firewall_active).toBe(true);
    expect(rules).toEqual([
      ['TCP', 80, 'any'],
      ['TCP', 443, '198.51.100.0/24'],
      ['TCP', 22, '198.51.100.0/24'],
    ]);
  });
});

describe('configuration delivery', () => {
  it('editing a rule changes the push trigger but not the server', () => {
    expect(userDataOf(only(edited, 'ionoscloud_server'))).toBe(userDataOf(server));
    expect(pushOf(edited, 'Config').triggers.content).not.toBe(push.triggers.content);
    expect(pushOf(edited, 'Config').triggers.server).toBe(push.triggers.server);
  });

  it('keeps configuration out of user_data', () => {
    const userData = decodeUserData(userDataOf(server), () => {
      throw new Error('the monitoring user_data holds no references');
    });
    for (const marker of ['BbbServerDown', 'ionos_sd_configs', 'prom/prometheus', 'autoscaler.js', 'smtp']) expect(userData).not.toContain(marker);
  });

  it('pushes Compose, Prometheus with its rules, Alertmanager, blackbox, Grafana, Caddy, secrets and the autoscaler', () => {
    expect(Object.keys(files).sort()).toEqual(
      [
        '/opt/monitoring/docker-compose.yml',
        '/opt/monitoring/docker-compose.autoscaler.yml',
        '/opt/monitoring/.env',
        '/opt/monitoring/apply.sh',
        '/opt/monitoring/prepare-data-volume.sh',
        '/etc/monitoring/prometheus/prometheus.yml',
        ...staticRuleFiles().map((file) => `/etc/monitoring/prometheus/rules/${file.name}`),
        '/etc/monitoring/prometheus/rules/platform.yml',
        '/etc/monitoring/prometheus/rules/.manifest',
        '/etc/monitoring/alertmanager/alertmanager.yml',
        '/etc/monitoring/blackbox/blackbox.yml',
        '/etc/monitoring/caddy/Caddyfile',
        '/etc/monitoring/grafana/provisioning/datasources/prometheus.yml',
        '/etc/monitoring/grafana/provisioning/dashboards/platform.yml',
        '/etc/monitoring/grafana/dashboards/platform.json',
        '/etc/monitoring/grafana/dashboards/server.json',
        '/etc/monitoring/grafana/dashboards/autoscaler.json',
        '/etc/monitoring/grafana/dashboards/.manifest',
        '/etc/monitoring/secrets/prometheus/ionos-token',
        '/etc/monitoring/secrets/alertmanager/smtp-password',
        '/etc/monitoring/secrets/grafana/admin-password',
        '/opt/monitoring/autoscaler.env',
        '/etc/bbb-autoscaler/inventory.json',
        ...maintenance({ turn: wholeWindow(maintenanceWindow(exampleConfig())) }).files.map((file) => file.path),
      ].sort(),
    );
  });

  it('pushes the autoscaler bundle as a file on its own, after the configuration, and restarts the autoscaler', () => {
    const bundlePush = pushOf(stack, 'AutoscalerBundle');
    expect(Object.keys(pushedFiles(bundlePush))).toEqual(['/opt/bbb-autoscaler/autoscaler.js']);
    expect(pushedFiles(bundlePush)['/opt/bbb-autoscaler/autoscaler.js']).toMatch(/^asset:/);
    expect(bundlePush.triggers.content).toMatch(/^[0-9a-f]{64}$/);
    expect(bundlePush.depends_on).toEqual(expect.arrayContaining([expect.stringMatching(/^null_resource\..*Config/)]));
    const commands = (bundlePush.provisioner as Json[]).flatMap((p) => (p['remote-exec']?.inline ?? []) as string[]);
    expect(commands).toContain("sudo sh -c 'cd /opt/monitoring && docker compose restart autoscaler'");
  });

  it('fills secrets and the datacenter from Terraform references, never literal values', () => {
    expect(files['/etc/monitoring/secrets/prometheus/ionos-token']).toMatch(/var\.ionos_monitoring_token/);
    expect(files['/etc/monitoring/secrets/alertmanager/smtp-password']).toMatch(/var\.smtp_password/);
    expect(files['/etc/monitoring/secrets/grafana/admin-password']).toMatch(/random_password\.[A-Za-z0-9_]+\.result/);
    expect(files['/opt/monitoring/autoscaler.env']).toMatch(/var\.ionos_autoscaler_token/);
    expect(files['/etc/monitoring/prometheus/prometheus.yml']).toMatch(/data\.terraform_remote_state\.[A-Za-z0-9_-]+\.outputs\.[A-Za-z0-9_-]+/);
    for (const name of ['ionos_monitoring_token', 'smtp_password', 'ionos_autoscaler_token']) {
      expect(stack.variable[name]).toMatchObject({ sensitive: true, type: 'string' });
    }
  });

  it('escapes relabel `${1}` so Terraform delivers it literally', () => {
    expect(files['/etc/monitoring/prometheus/prometheus.yml']).toContain('$${1}:9100');
  });

  it('runs apply.sh after every push, once the data volume is attached', () => {
    const commands = (push.provisioner as Json[]).flatMap((p) => (p['remote-exec']?.inline ?? []) as string[]);
    expect(commands).toContain("sudo sh -c 'sh /opt/monitoring/apply.sh'");
    expect(push.depends_on).toEqual(expect.arrayContaining([expect.stringMatching(/^ionoscloud_volume\./)]));
  });
});

describe('without the autoscaler', () => {
  const lean = synthMonitoring(exampleConfig((c) => (c.autoscaler.enabled = false)));
  const leanFiles = pushedFiles(only(lean, 'null_resource'));

  it('neither delivers nor runs it, and asks for no autoscaler token', () => {
    expect(Object.keys(leanFiles).filter((file) => /autoscaler/.test(file))).toEqual([]);
    expect(leanFiles['/opt/monitoring/.env']).toContain('COMPOSE_FILE=docker-compose.yml\\n');
    expect(lean.variable.ionos_autoscaler_token).toBeUndefined();
  });
});

it('refuses an enabled autoscaler without its inventory and bundle', () => {
  const app = Testing.app();
  const network = new NetworkStack(app, config);
  const monitoringStack = new PlatformStack(app, config, 'monitoring');
  expect(() => new Monitoring(monitoringStack, 'Monitoring', { config, network: network.network })).toThrow(
    'monitoring: autoscaler.enabled is true, so the autoscaler inventory, bundle and token are required',
  );
});

it('names a missing autoscaler bundle and how to build it', () => {
  const app = Testing.app();
  const network = new NetworkStack(app, config);
  const monitoringStack = new PlatformStack(app, config, 'monitoring');
  expect(
    () =>
      new Monitoring(monitoringStack, 'Monitoring', {
        config,
        network: network.network,
        autoscaler: { inventoryJson: '{}', bundlePath: '/nonexistent/autoscaler.js', powerAgentKey: 'key' },
      }),
  ).toThrow('monitoring: autoscaler bundle /nonexistent/autoscaler.js does not exist; run `npm run bundle` before synth');
});

describeWithTool('terraform', 'destroying the data volume with the installed Terraform', () => {
  const scratch = scratchDir('monitoring-destroy');
  afterAll(() => scratch.remove());

  /** Applies, then destroys, a stand-in volume (terraform_data: nothing to download) with the synthesized lifecycle. */
  function destroy(lifecycle: Json, name: string): string {
    const dir = path.join(scratch.dir, name);
    mkdirSync(dir);
    writeFileSync(path.join(dir, 'main.tf.json'), JSON.stringify({ resource: { terraform_data: { volume: { input: 'metrics', lifecycle } } } }));
    const terraform = (...args: string[]) => {
      const result = spawnSync('terraform', [...args, '-no-color'], {
        cwd: dir,
        encoding: 'utf8',
        env: { ...process.env, TF_CLI_CONFIG_FILE: '/dev/null', TF_IN_AUTOMATION: '1', CHECKPOINT_DISABLE: '1' },
      });
      return { status: result.status, output: result.stdout + result.stderr };
    };
    expect(terraform('init', '-input=false').status).toBe(0);
    expect(terraform('apply', '-input=false', '-auto-approve').status).toBe(0);
    const destroyed = terraform('destroy', '-input=false', '-auto-approve');
    return `${destroyed.status}: ${destroyed.output}`;
  }

  it('refuses to destroy a protected volume, and with it the whole stack', () => {
    const volume = only(stack, 'ionoscloud_volume');
    expect(destroy(volume.lifecycle, 'protected')).toMatch(/^1: [\s\S]*Error: Instance cannot be destroyed/);
  });

  it('destroys the volume of a trial environment', () => {
    expect(destroy(only(trial, 'ionoscloud_volume').lifecycle, 'trial')).toMatch(/^0: [\s\S]*Destroy complete! Resources: 1 destroyed\./);
  });
});

describeWithTool('cloud-init', 'cloud-init schema', () => {
  const scratch = scratchDir('monitoring-cloud-init');
  afterAll(() => scratch.remove());

  it('accepts the monitoring VM user_data', () => {
    const file = path.join(scratch.dir, 'user-data.yaml');
    const userData = decodeUserData(userDataOf(server), () => '');
    writeFileSync(file, userData);
    const result = run('cloud-init', ['schema', '--config-file', file]);
    expect(result.stdout + result.stderr).toContain('Valid cloud-config');
    expect(result.status).toBe(0);
    const document = yaml.load(userData.replace(/^#cloud-config\n/, '')) as { packages: string[]; runcmd: string[][] };
    expect(document.packages).toEqual(expect.arrayContaining(['docker.io', 'docker-compose-v2']));
    expect(document.runcmd).toEqual(expect.arrayContaining([['install', '-d', '-m', '0700', '-o', '1000', '-g', '1000', '/etc/bbb-autoscaler']]));
  });
});
