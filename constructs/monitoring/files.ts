/**
 * Everything the monitoring VM runs from, as files: Compose, Prometheus and its
 * rules, Alertmanager, blackbox, Grafana provisioning and dashboards, Caddy, the
 * secrets, and (when enabled) the autoscaler bundle and inventory. Delivered by a
 * push keyed on their hash, never through user_data.
 */
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { maintenanceWindow, type EnvironmentConfig } from '../../config';
import { renderAlertmanagerConfig } from '../../monitoring/alertmanager/config';
import { renderPrometheusConfig } from '../../monitoring/prometheus/config';
import { ruleFilesFor, type RuleFile } from '../../monitoring/rules';
import { TEXTFILE_DIR } from '../bbb-pool/bbb-services';
import type { PushedFile } from '../delivery';
import { publicHosts } from '../../conventions/naming';
import { maintenance, wholeWindow } from '../maintenance';
import { readTemplate, renderTemplate } from '../templates';
import { AGENT_KEY_PATH } from '../../functions/autoscaler/agent';
import { AUTOSCALER_BUNDLE_DIR, AUTOSCALER_INVENTORY_DIR, CONFIG_DIR, IN_CONTAINER, MONITORING_DIR, SECRETS_DIR, UID } from './layout';

/** Values that exist only at apply time (Terraform references) or are secrets. */
export interface MonitoringSecrets {
  /** Read-only IONOS API token for Prometheus' discovery. */
  readonly ionosReadToken: string;
  readonly smtpPassword: string;
  readonly grafanaAdminPassword: string;
  /** IONOS token allowed to start, stop and resize servers; required with the autoscaler. */
  readonly autoscalerToken?: string;
}

export interface AutoscalerDelivery {
  /** The inventory document (JSON, may hold Terraform references). */
  readonly inventoryJson: string;
  /** The esbuild bundle, dist/autoscaler.js. */
  readonly bundlePath: string;
  /** The private key of the BBB servers' power-off channel (OpenSSH format, a sensitive Terraform reference). */
  readonly powerAgentKey: string;
}

export interface MonitoringFilesInput {
  readonly config: EnvironmentConfig;
  readonly datacenterId: string;
  readonly privateIp: string;
  readonly secrets: MonitoringSecrets;
  readonly autoscaler?: AutoscalerDelivery;
  /** @default the rule files of monitoring/rules plus the environment's platform facts */
  readonly ruleFiles?: readonly RuleFile[];
}

const COMPOSE_AUTOSCALER = 'docker-compose.autoscaler.yml';
/** Prometheus may fill this share of the data volume; the rest is Grafana, Alertmanager and slack. */
const PROMETHEUS_DISK_SHARE = 0.8;

export interface MonitoringFiles {
  /** Configuration and secrets; holds Terraform references. */
  readonly config: PushedFile[];
  /** The autoscaler bundle, a file copied as it is (pushed on its own: it is not text Terraform can embed). */
  readonly bundle?: PushedFile;
}

export function monitoringFiles(input: MonitoringFilesInput): MonitoringFiles {
  const { config, secrets } = input;
  const autoscaler = config.autoscaler.enabled ? input.autoscaler : undefined;
  if (config.autoscaler.enabled && (!autoscaler || !secrets.autoscalerToken)) {
    throw new Error('monitoring: autoscaler.enabled is true, so the autoscaler inventory, bundle and token are required');
  }
  if (autoscaler && !existsSync(autoscaler.bundlePath)) {
    throw new Error(`monitoring: autoscaler bundle ${autoscaler.bundlePath} does not exist; run \`npm run bundle\` before synth`);
  }
  const rules = input.ruleFiles ?? ruleFilesFor(config);
  const dashboards = committedDashboards(config.autoscaler.enabled);
  const grafanaHost = publicHosts(config).grafana;
  const composeFiles = ['docker-compose.yml', ...(autoscaler ? [COMPOSE_AUTOSCALER] : [])];

  const configFiles: PushedFile[] = [
    {
      path: `${MONITORING_DIR}/docker-compose.yml`,
      content: renderTemplate('monitoring/docker-compose.yml', {
        retentionDays: config.monitoring.retentionDays,
        retentionSizeGb: Math.floor(config.monitoring.diskGb * PROMETHEUS_DISK_SHARE),
        privateIp: input.privateIp,
        grafanaHost,
        textfileDir: TEXTFILE_DIR,
      }),
    },
    { path: `${MONITORING_DIR}/.env`, content: `COMPOSE_PROJECT_NAME=monitoring\nCOMPOSE_FILE=${composeFiles.join(':')}\n` },
    { path: `${MONITORING_DIR}/apply.sh`, content: readTemplate('monitoring/apply.sh'), mode: '0755' },
    { path: `${MONITORING_DIR}/prepare-data-volume.sh`, content: readTemplate('monitoring/prepare-data-volume.sh'), mode: '0755' },
    {
      path: `${CONFIG_DIR}/prometheus/prometheus.yml`,
      content: renderPrometheusConfig({
        config,
        discovery: { kind: 'ionos', datacenterId: input.datacenterId, credentialsFile: IN_CONTAINER.ionosTokenFile },
        rulesDir: IN_CONTAINER.prometheusRulesDir,
      }),
    },
    ...withManifest(`${CONFIG_DIR}/prometheus/rules`, rules.map((rule) => ({ name: rule.name, content: rule.content }))),
    {
      path: `${CONFIG_DIR}/alertmanager/alertmanager.yml`,
      content: renderAlertmanagerConfig({ config, smtpPasswordFile: IN_CONTAINER.smtpPasswordFile }),
    },
    { path: `${CONFIG_DIR}/blackbox/blackbox.yml`, content: readTemplate('monitoring/blackbox.yml') },
    { path: `${CONFIG_DIR}/caddy/Caddyfile`, content: renderTemplate('monitoring/Caddyfile', { acmeEmail: config.acmeEmail, grafanaHost }) },
    { path: `${CONFIG_DIR}/grafana/provisioning/datasources/prometheus.yml`, content: readTemplate('monitoring/grafana/datasources.yml') },
    { path: `${CONFIG_DIR}/grafana/provisioning/dashboards/platform.yml`, content: readTemplate('monitoring/grafana/dashboards.yml') },
    ...withManifest(`${CONFIG_DIR}/grafana/dashboards`, dashboards),
    ...maintenance({ turn: wholeWindow(maintenanceWindow(config)) }).files,
    { path: `${SECRETS_DIR}/prometheus/ionos-token`, content: secrets.ionosReadToken },
    { path: `${SECRETS_DIR}/alertmanager/smtp-password`, content: secrets.smtpPassword },
    { path: `${SECRETS_DIR}/grafana/admin-password`, content: secrets.grafanaAdminPassword },
    ...(autoscaler && secrets.autoscalerToken
      ? [
          { path: `${MONITORING_DIR}/${COMPOSE_AUTOSCALER}`, content: readTemplate(`monitoring/${COMPOSE_AUTOSCALER}`) },
          { path: `${MONITORING_DIR}/autoscaler.env`, content: `IONOS_TOKEN=${secrets.autoscalerToken}\n`, mode: '0600' },
          { path: `${AUTOSCALER_INVENTORY_DIR}/inventory.json`, content: autoscaler.inventoryJson },
          // Only the autoscaler's container user reads it.
          { path: AGENT_KEY_PATH, content: autoscaler.powerAgentKey, mode: '0600', owner: `${UID.node}:${UID.node}` },
        ]
      : []),
  ];
  return {
    config: configFiles,
    bundle: autoscaler ? { path: `${AUTOSCALER_BUNDLE_DIR}/autoscaler.js`, sourceFile: path.resolve(autoscaler.bundlePath) } : undefined,
  };
}

/** Files of one directory plus `.manifest` naming them, so apply.sh can remove stale ones. */
function withManifest(dir: string, files: ReadonlyArray<{ name: string; content: string }>): PushedFile[] {
  return [
    ...files.map((file) => ({ path: `${dir}/${file.name}`, content: file.content })),
    { path: `${dir}/.manifest`, content: `${files.map((file) => file.name).join('\n')}\n` },
  ];
}

const DASHBOARDS_DIR = path.resolve(__dirname, '..', '..', 'monitoring', 'dashboards');

/**
 * The dashboards as `npm run dashboards` generated and committed them (a test keeps
 * them equal to the code in monitoring/dashboards/src); reading them spares synth the
 * dashboard SDK.
 */
function committedDashboards(autoscaler: boolean): { name: string; content: string }[] {
  return ['platform.json', 'server.json', ...(autoscaler ? ['autoscaler.json'] : [])].map((name) => ({
    name,
    content: readFileSync(path.join(DASHBOARDS_DIR, name), 'utf8'),
  }));
}
