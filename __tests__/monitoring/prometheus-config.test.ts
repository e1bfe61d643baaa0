import { mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import * as yaml from 'js-yaml';
import { prometheusConfig, renderPrometheusConfig, type PrometheusSettings } from '../../monitoring/prometheus/config';
import type { ScrapeConfig } from '../../monitoring/prometheus/schema';
import { ruleFilesFor } from '../../monitoring/rules';
import { describeWithTool, run } from '../support/tools';
import { exampleConfig, scratchDir } from './fixtures';

// Stands in for the Terraform reference `${ionoscloud_datacenter.….id}` resolved at apply time.
const DATACENTER_ID = '8feda53f-15f0-447f-badf-ebe32dad2fc0';

function settings(config = exampleConfig()): PrometheusSettings {
  return {
    config,
    discovery: { kind: 'ionos', datacenterId: DATACENTER_ID, credentialsFile: '/run/secrets/prometheus/ionos-token' },
    rulesDir: '/etc/prometheus/rules',
  };
}

function job(jobs: readonly ScrapeConfig[], name: string): ScrapeConfig {
  const found = jobs.find((candidate) => candidate.job_name === name);
  if (!found) throw new Error(`no job ${name} in ${jobs.map((j) => j.job_name).join(', ')}`);
  return found;
}

describe('prometheus.yml', () => {
  const rendered = prometheusConfig(settings());
  const jobs = rendered.scrape_configs;

  it('discovers servers in the datacenter with a token read from a file', () => {
    for (const name of ['node', 'bbb', 'blackbox-bbb']) {
      expect(job(jobs, name).ionos_sd_configs).toEqual([
        {
          datacenter_id: DATACENTER_ID,
          port: expect.any(Number),
          refresh_interval: '60s',
          authorization: { type: 'Bearer', credentials_file: '/run/secrets/prometheus/ionos-token' },
        },
      ]);
    }
  });

  it('keeps only RUNNING servers of this environment that have a private NIC', () => {
    const relabel = job(jobs, 'node').relabel_configs ?? [];
    expect(relabel).toEqual(
      expect.arrayContaining([
        { source_labels: ['__meta_ionos_server_state'], regex: 'RUNNING', action: 'keep' },
        { source_labels: ['__meta_ionos_server_name'], regex: 'example-(bbb|scalelite|turn|monitoring)-\\d+', action: 'keep' },
        { source_labels: ['__meta_ionos_server_nic_ip_private'], regex: ',.+,', action: 'keep' },
      ]),
    );
  });

  it('names targets after the server, labels the role, and scrapes the private address', () => {
    expect(job(jobs, 'node').relabel_configs).toEqual(
      expect.arrayContaining([
        { source_labels: ['__meta_ionos_server_name'], target_label: 'instance' },
        { source_labels: ['__meta_ionos_server_name'], regex: 'example-(bbb|scalelite|turn|monitoring)-\\d+', target_label: 'role', replacement: '${1}' },
        { source_labels: ['__meta_ionos_server_nic_ip_private'], regex: ',([^,]+),.*', target_label: '__address__', replacement: '${1}:9100' },
      ]),
    );
    expect(job(jobs, 'bbb').relabel_configs).toEqual(
      expect.arrayContaining([
        { source_labels: ['__meta_ionos_server_name'], regex: 'example-(bbb)-\\d+', action: 'keep' },
        { source_labels: ['__meta_ionos_server_nic_ip_private'], regex: ',([^,]+),.*', target_label: '__address__', replacement: '${1}:9688' },
      ]),
    );
  });

  it('probes every public endpoint through blackbox_exporter', () => {
    expect(job(jobs, 'blackbox-https').static_configs).toEqual([
      { targets: ['https://scalelite.bbb.example.org/bigbluebutton/api'], labels: { endpoint: 'scalelite', module: 'bbb_api' } },
      { targets: ['https://greenlight.bbb.example.org/'], labels: { endpoint: 'greenlight', module: 'http_2xx' } },
    ]);
    expect(job(jobs, 'blackbox-turn').static_configs).toEqual([
      { targets: ['turn-01.bbb.example.org:443'], labels: { endpoint: 'turn-01', module: 'turn_tls' } },
    ]);
    expect(job(jobs, 'blackbox-bbb').relabel_configs).toEqual(
      expect.arrayContaining([
        { source_labels: ['__meta_ionos_server_name'], regex: 'example-(bbb-\\d+)', target_label: '__param_target', replacement: 'https://${1}.bbb.example.org/bigbluebutton/api' },
        { target_label: '__address__', replacement: 'blackbox:9115' },
      ]),
    );
  });

  it('scrapes the autoscaler and Alertmanager, and sends alerts to Alertmanager', () => {
    expect(job(jobs, 'autoscaler').static_configs).toEqual([{ targets: ['autoscaler:9464'], labels: { role: 'monitoring' } }]);
    expect(job(jobs, 'alertmanager').static_configs).toEqual([{ targets: ['alertmanager:9093'] }]);
    expect(rendered.alerting.alertmanagers).toEqual([{ static_configs: [{ targets: ['alertmanager:9093'] }] }]);
  });

  it('follows the environment: no autoscaler, TURN or Greenlight job when they are off', () => {
    const lean = prometheusConfig(
      settings(
        exampleConfig((c) => {
          c.autoscaler.enabled = false;
          c.turn.servers = 0;
          c.scalelite.greenlight = false;
        }),
      ),
    );
    const names = lean.scrape_configs.map((j) => j.job_name);
    expect(names).not.toContain('autoscaler');
    expect(names).not.toContain('blackbox-turn');
    expect(job(lean.scrape_configs, 'blackbox-https').static_configs).toHaveLength(1);
  });

  it('labels every series with the environment', () => {
    expect(rendered.global.external_labels).toEqual({ environment: 'example' });
  });
});

describeWithTool('promtool', 'promtool check config', () => {
  const scratch = scratchDir('prometheus-config');
  const config = exampleConfig();
  const rulesDir = path.join(scratch.dir, 'rules');
  const tokenFile = path.join(scratch.dir, 'ionos-token');
  beforeAll(() => {
    mkdirSync(rulesDir);
    for (const file of ruleFilesFor(config)) writeFileSync(path.join(rulesDir, file.name), file.content);
    writeFileSync(tokenFile, 'placeholder-token\n');
  });
  afterAll(() => scratch.remove());

  function check(credentialsFile: string) {
    const text = renderPrometheusConfig({ ...settings(config), rulesDir, discovery: { kind: 'ionos', datacenterId: DATACENTER_ID, credentialsFile } });
    const configFile = path.join(scratch.dir, 'prometheus.yml');
    writeFileSync(configFile, text);
    const result = run('promtool', ['check', 'config', configFile]);
    return { status: result.status, output: result.stdout + result.stderr, text };
  }

  it('accepts the rendered prometheus.yml with its rule files and token file in place', () => {
    const result = check(tokenFile);
    expect(result.output).toMatch(/SUCCESS: .*prometheus\.yml is valid prometheus config file syntax/);
    expect(result.output).toMatch(/platform\.yml\s+SUCCESS: 4 rules found/);
    expect(result.status).toBe(0);
    expect((yaml.load(result.text) as { rule_files: string[] }).rule_files).toEqual([`${rulesDir}/*.yml`]);
  });
});
