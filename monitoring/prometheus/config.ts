/**
 * prometheus.yml for one environment. Servers are found through IONOS discovery
 * (ionos_sd_configs) and relabelled from their name `<env>-<role>-NN`: `instance`
 * becomes the server name, `role` the middle part, and the address the private NIC's
 * IP, so exporters never need to listen on a public address. Servers that are not
 * RUNNING are dropped: a BBB server the autoscaler stopped is not "down".
 */
import * as yaml from 'js-yaml';
import type { EnvironmentConfig } from '../../config';
import { SERVER_ROLES, hostLabel } from '../../conventions/naming';
import type { FileSdConfig, IonosSdConfig, PrometheusConfig, RelabelConfig, ScrapeConfig, StaticConfig } from './schema';

/** Where server targets come from: the IONOS API, or a file of targets shaped like its output. */
export type ServerDiscovery =
  | {
      readonly kind: 'ionos';
      /** The datacenter id (a Terraform reference at synth). */
      readonly datacenterId: string;
      /** File holding a read-only IONOS API token. */
      readonly credentialsFile: string;
    }
  | { readonly kind: 'file'; readonly file: string };

export interface ServiceAddresses {
  readonly alertmanager: string;
  readonly blackbox: string;
  readonly autoscaler: string;
}

export interface ExporterPorts {
  readonly node: number;
  readonly bbb: number;
}

export interface PrometheusSettings {
  readonly config: EnvironmentConfig;
  readonly discovery: ServerDiscovery;
  /** Directory holding the rule files, as Prometheus sees it. */
  readonly rulesDir: string;
  /** @default the Compose service names: alertmanager:9093, blackbox:9115, autoscaler:9464 */
  readonly services?: Partial<ServiceAddresses>;
  /** @default node_exporter 9100, bigbluebutton-exporter 9688 */
  readonly exporterPorts?: Partial<ExporterPorts>;
  /** @default 15 */
  readonly scrapeIntervalSeconds?: number;
}

export const DEFAULT_SERVICES: ServiceAddresses = {
  alertmanager: 'alertmanager:9093',
  blackbox: 'blackbox:9115',
  autoscaler: 'autoscaler:9464',
};
export const DEFAULT_EXPORTER_PORTS: ExporterPorts = { node: 9100, bbb: 9688 };

/** The NIC name the server construct gives the private LAN interface; discovery exposes it as a label. */
const PRIVATE_NIC_LABEL = '__meta_ionos_server_nic_ip_private';
const DISCOVERY_REFRESH = '60s';

export function renderPrometheusConfig(settings: PrometheusSettings): string {
  const document = prometheusConfig(settings);
  return yaml.dump(document, { lineWidth: -1, noRefs: true, quotingType: '"' });
}

export function prometheusConfig(settings: PrometheusSettings): PrometheusConfig {
  const { config } = settings;
  const services = { ...DEFAULT_SERVICES, ...settings.services };
  const ports = { ...DEFAULT_EXPORTER_PORTS, ...settings.exporterPorts };
  const interval = `${settings.scrapeIntervalSeconds ?? 15}s`;
  const servers = new ServerJobs(config.name, settings.discovery);

  const jobs: ScrapeConfig[] = [
    { job_name: 'prometheus', static_configs: [{ targets: ['localhost:9090'] }] },
    { job_name: 'alertmanager', static_configs: [{ targets: [services.alertmanager] }] },
    servers.job('node', ports.node, SERVER_ROLES),
    servers.job('bbb', ports.bbb, ['bbb']),
    ...(config.autoscaler.enabled
      ? [{ job_name: 'autoscaler', static_configs: [{ targets: [services.autoscaler], labels: { role: 'monitoring' } }] }]
      : []),
    staticProbes('blackbox-https', services.blackbox, publicHttpsProbes(config)),
    servers.bbbApiProbes(config.domain, services.blackbox),
    ...(config.turn.servers > 0 ? [staticProbes('blackbox-turn', services.blackbox, turnProbes(config))] : []),
  ];

  return {
    global: {
      scrape_interval: interval,
      evaluation_interval: interval,
      external_labels: { environment: config.name },
    },
    rule_files: [`${settings.rulesDir}/*.yml`],
    alerting: { alertmanagers: [{ static_configs: [{ targets: [services.alertmanager] }] }] },
    scrape_configs: jobs,
  };
}

/** Scrape jobs over discovered servers, all relabelled the same way. */
class ServerJobs {
  constructor(
    private readonly environment: string,
    private readonly discovery: ServerDiscovery,
  ) {}

  job(jobName: string, port: number, roles: readonly string[]): ScrapeConfig {
    return {
      job_name: jobName,
      ...this.source(port),
      relabel_configs: [
        ...this.keepRunning(roles),
        { source_labels: ['__meta_ionos_server_name'], regex: this.namePattern(roles), target_label: 'role', replacement: '${1}' },
        { source_labels: ['__meta_ionos_server_name'], target_label: 'instance' },
        // The label holds ",ip1,ip2,"; the first address of the private NIC is the one to scrape.
        { source_labels: [PRIVATE_NIC_LABEL], regex: ',([^,]+),.*', target_label: '__address__', replacement: `\${1}:${port}` },
      ],
    };
  }

  /** The BBB API of every running BBB server, through its public name and certificate. */
  bbbApiProbes(domain: string, blackbox: string): ScrapeConfig {
    const host = `${escapeRegex(this.environment)}-(bbb-\\d+)`;
    return {
      job_name: 'blackbox-bbb',
      metrics_path: '/probe',
      params: { module: ['bbb_api'] },
      ...this.source(443),
      relabel_configs: [
        ...this.keepRunning(['bbb']),
        { source_labels: ['__meta_ionos_server_name'], regex: host, target_label: '__param_target', replacement: `https://\${1}.${domain}/bigbluebutton/api` },
        { source_labels: ['__meta_ionos_server_name'], regex: host, target_label: 'endpoint', replacement: '${1}' },
        { source_labels: ['__param_target'], target_label: 'instance' },
        { target_label: 'module', replacement: 'bbb_api' },
        { target_label: '__address__', replacement: blackbox },
      ],
    };
  }

  private source(port: number): Pick<ScrapeConfig, 'ionos_sd_configs' | 'file_sd_configs'> {
    if (this.discovery.kind === 'file') {
      const fileSd: FileSdConfig = { files: [this.discovery.file], refresh_interval: '5s' };
      return { file_sd_configs: [fileSd] };
    }
    const ionosSd: IonosSdConfig = {
      datacenter_id: this.discovery.datacenterId,
      port,
      refresh_interval: DISCOVERY_REFRESH,
      authorization: { type: 'Bearer', credentials_file: this.discovery.credentialsFile },
    };
    return { ionos_sd_configs: [ionosSd] };
  }

  private keepRunning(roles: readonly string[]): RelabelConfig[] {
    return [
      { source_labels: ['__meta_ionos_server_state'], regex: 'RUNNING', action: 'keep' },
      // Other environments may share the datacenter; only this one's servers, by name.
      { source_labels: ['__meta_ionos_server_name'], regex: this.namePattern(roles), action: 'keep' },
      { source_labels: [PRIVATE_NIC_LABEL], regex: ',.+,', action: 'keep' },
    ];
  }

  private namePattern(roles: readonly string[]): string {
    return `${escapeRegex(this.environment)}-(${roles.join('|')})-\\d+`;
  }
}

interface Probe {
  readonly target: string;
  readonly endpoint: string;
  readonly module: string;
}

/** The load balancer's hosts: Scalelite's BBB API (answers SUCCESS without a checksum) and Greenlight. */
export function publicHttpsProbes(config: EnvironmentConfig): Probe[] {
  return [
    { target: `https://scalelite.${config.domain}/bigbluebutton/api`, endpoint: 'scalelite', module: 'bbb_api' },
    ...(config.scalelite.greenlight
      ? [{ target: `https://greenlight.${config.domain}/`, endpoint: 'greenlight', module: 'http_2xx' }]
      : []),
  ];
}

/** TURN over TLS on 443, the port clients behind strict school firewalls fall back to. */
export function turnProbes(config: EnvironmentConfig): Probe[] {
  return Array.from({ length: config.turn.servers }, (_, i) => {
    const label = hostLabel('turn', i + 1);
    return { target: `${label}.${config.domain}:443`, endpoint: label, module: 'turn_tls' };
  });
}

function staticProbes(jobName: string, blackbox: string, probes: readonly Probe[]): ScrapeConfig {
  const groups: StaticConfig[] = probes.map((probe) => ({
    targets: [probe.target],
    labels: { endpoint: probe.endpoint, module: probe.module },
  }));
  return {
    job_name: jobName,
    metrics_path: '/probe',
    static_configs: groups,
    relabel_configs: [
      { source_labels: ['__address__'], target_label: '__param_target' },
      { source_labels: ['module'], target_label: '__param_module' },
      { source_labels: ['__param_target'], target_label: 'instance' },
      { target_label: '__address__', replacement: blackbox },
    ],
  };
}

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
