import { mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import * as yaml from 'js-yaml';
import { monitoringFiles } from '../../constructs/monitoring';
import { prometheusConfig } from '../../monitoring/prometheus/config';
import { describeWithTool, run } from '../support/tools';
import { exampleConfig, scratchDir } from './fixtures';

const scratch = scratchDir('monitoring-files');
afterAll(() => scratch.remove());

const bundlePath = path.join(scratch.dir, 'autoscaler.js');
writeFileSync(bundlePath, '"use strict";\n');
const config = exampleConfig();
/** Stand-ins for what Terraform inserts at apply time. */
const { config: files } = monitoringFiles({
  config,
  datacenterId: '8feda53f-15f0-447f-badf-ebe32dad2fc0',
  privateIp: '10.20.0.10',
  secrets: { ionosReadToken: 'read-token', smtpPassword: 'smtp-password', grafanaAdminPassword: 'admin-password', autoscalerToken: 'write-token' },
  autoscaler: { inventoryJson: '{}', bundlePath, powerAgentKey: 'private-key' },
});
const content = (file: string): string => {
  const found = files.find((candidate) => candidate.path === file);
  if (!found || !('content' in found)) throw new Error(`no pushed file ${file}`);
  return found.content;
};

interface ComposeFile {
  services: Record<string, { image: string; volumes?: string[]; command?: string[]; ports?: string[]; environment?: Record<string, string> }>;
}
const compose = yaml.load(content('/opt/monitoring/docker-compose.yml')) as ComposeFile;
const autoscalerCompose = yaml.load(content('/opt/monitoring/docker-compose.autoscaler.yml')) as ComposeFile;
const services = { ...compose.services, ...autoscalerCompose.services };

describe('monitoring VM services', () => {
  it('runs Prometheus, Alertmanager, Grafana, blackbox_exporter, node_exporter, Caddy and the autoscaler', () => {
    expect(Object.keys(services).sort()).toEqual(['alertmanager', 'autoscaler', 'blackbox', 'caddy', 'grafana', 'node-exporter', 'prometheus']);
  });

  it('pins every image to an exact version', () => {
    for (const [name, service] of Object.entries(services)) {
      expect({ name, image: service.image }).toEqual({ name, image: expect.stringMatching(/^[a-z0-9/_-]+:v?\d+\.\d+\.\d+(-[a-z0-9-]+)?$/) });
    }
  });

  it('keeps Prometheus data on the data volume for monitoring.retentionDays, within 80% of its size', () => {
    expect(services.prometheus.command).toEqual(
      expect.arrayContaining(['--storage.tsdb.retention.time=30d', '--storage.tsdb.retention.size=80GB', '--storage.tsdb.path=/prometheus']),
    );
    expect(services.prometheus.volumes).toContain('/var/lib/monitoring/prometheus:/prometheus');
  });

  it('publishes only Caddy; Prometheus and Alertmanager answer on the VM itself, node_exporter on the private address', () => {
    expect(services.caddy.ports).toEqual(['80:80', '443:443']);
    expect(services.prometheus.ports).toEqual(['127.0.0.1:9090:9090']);
    expect(services.alertmanager.ports).toEqual(['127.0.0.1:9093:9093']);
    expect(services['node-exporter'].command).toContain('--web.listen-address=10.20.0.10:9100');
    expect(services.grafana.ports).toBeUndefined();
  });

  it('runs Grafana without anonymous access or sign-up, with the generated admin password from a file', () => {
    expect(services.grafana.environment).toMatchObject({
      GF_AUTH_ANONYMOUS_ENABLED: 'false',
      GF_USERS_ALLOW_SIGN_UP: 'false',
      GF_SECURITY_COOKIE_SECURE: 'true',
      GF_SECURITY_ADMIN_PASSWORD__FILE: '/run/secrets/grafana/admin-password',
      GF_SERVER_ROOT_URL: 'https://grafana.bbb.example.org/',
    });
    expect(content('/etc/monitoring/secrets/grafana/admin-password')).toBe('admin-password');
  });

  it('serves Grafana over TLS 1.2+ with HSTS, validating the certificate over port 80', () => {
    const caddyfile = content('/etc/monitoring/caddy/Caddyfile');
    expect(caddyfile).toContain('grafana.bbb.example.org {');
    expect(caddyfile).toContain('protocols tls1.2 tls1.3');
    expect(caddyfile).toContain('Strict-Transport-Security "max-age=31536000; includeSubDomains"');
    expect(caddyfile).toContain('disable_tlsalpn_challenge');
    expect(caddyfile).toContain('email ops@example.org');
    expect(caddyfile).toContain('reverse_proxy grafana:3000');
  });

  it('runs the autoscaler bundle against its inventory', () => {
    expect(services.autoscaler.image).toMatch(/^node:20\./);
    expect(services.autoscaler.command).toEqual(['node', '/opt/bbb-autoscaler/autoscaler.js', 'serve', '--inventory', '/etc/bbb-autoscaler/inventory.json']);
    expect(content('/opt/monitoring/autoscaler.env')).toBe('IONOS_TOKEN=write-token\n');
  });

  it('mounts the paths the rendered configuration refers to', () => {
    const prometheus = yaml.load(content('/etc/monitoring/prometheus/prometheus.yml')) as { rule_files: string[]; scrape_configs: Array<{ ionos_sd_configs?: Array<{ authorization: { credentials_file: string } }> }> };
    expect(prometheus.rule_files).toEqual(['/etc/prometheus/rules/*.yml']);
    expect(services.prometheus.volumes).toEqual(
      expect.arrayContaining(['/etc/monitoring/prometheus:/etc/prometheus:ro', '/etc/monitoring/secrets/prometheus:/run/secrets/prometheus:ro']),
    );
    const tokenFiles = prometheus.scrape_configs.flatMap((job) => job.ionos_sd_configs ?? []).map((sd) => sd.authorization.credentials_file);
    expect(new Set(tokenFiles)).toEqual(new Set(['/run/secrets/prometheus/ionos-token']));
    expect(content('/etc/monitoring/alertmanager/alertmanager.yml')).toContain('smtp_auth_password_file: /run/secrets/alertmanager/smtp-password');
    expect(services.alertmanager.volumes).toContain('/etc/monitoring/secrets/alertmanager:/run/secrets/alertmanager:ro');
  });

  it('defines every blackbox module the probes use', () => {
    const modules = Object.keys((yaml.load(content('/etc/monitoring/blackbox/blackbox.yml')) as { modules: Record<string, unknown> }).modules);
    const used = prometheusConfig({ config, discovery: { kind: 'file', file: 'x.json' }, rulesDir: '/r' })
      .scrape_configs.flatMap((job) => [
        ...(job.static_configs ?? []).map((group) => group.labels?.module),
        ...(job.params?.module ?? []),
      ])
      .filter((module): module is string => module !== undefined);
    expect(new Set(used)).toEqual(new Set(['bbb_api', 'http_2xx', 'turn_tls']));
    expect(modules).toEqual(expect.arrayContaining([...new Set(used)]));
  });

  it('lists every rule file and dashboard in the manifests apply.sh cleans up by', () => {
    const ruleNames = files.filter((file) => file.path.startsWith('/etc/monitoring/prometheus/rules/') && !file.path.endsWith('.manifest')).map((file) => path.basename(file.path));
    expect(content('/etc/monitoring/prometheus/rules/.manifest').trim().split('\n').sort()).toEqual(ruleNames.sort());
    expect(content('/etc/monitoring/grafana/dashboards/.manifest').trim().split('\n').sort()).toEqual(['autoscaler.json', 'platform.json', 'server.json']);
  });
});

describeWithTool('docker-compose', 'docker-compose config', () => {
  it('accepts the Compose files together, as COMPOSE_FILE in .env combines them', () => {
    const dir = path.join(scratch.dir, 'compose');
    mkdirSync(dir);
    for (const name of ['docker-compose.yml', 'docker-compose.autoscaler.yml', 'autoscaler.env', '.env']) {
      writeFileSync(path.join(dir, name), content(`/opt/monitoring/${name}`));
    }
    expect(content('/opt/monitoring/.env')).toBe('COMPOSE_PROJECT_NAME=monitoring\nCOMPOSE_FILE=docker-compose.yml:docker-compose.autoscaler.yml\n');
    const result = run('docker-compose', ['-f', 'docker-compose.yml', '-f', 'docker-compose.autoscaler.yml', 'config', '-q'], { cwd: dir });
    expect({ status: result.status, stderr: result.stderr }).toEqual({ status: 0, stderr: '' });
  });
});

describeWithTool('shellcheck', 'shellcheck', () => {
  it.each(['/opt/monitoring/apply.sh', '/opt/monitoring/prepare-data-volume.sh'])('finds nothing in %s', (file) => {
    const result = run('shellcheck', ['-s', 'sh', '-'], { input: content(file) });
    expect({ status: result.status, output: result.stdout }).toEqual({ status: 0, output: '' });
  });
});
