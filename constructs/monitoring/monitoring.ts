import { Construct } from 'constructs';
import { Password } from '@cdktf/provider-random/lib/password';
import { Volume } from '../../.gen/providers/ionoscloud/volume';
import type { EnvironmentConfig } from '../../config';
import type { RuleFile } from '../../monitoring/rules';
import { sshRules } from '../bbb-pool/firewall';
import { sensitiveVariable, smtpPassword } from '../data';
import { PushedFiles } from '../delivery';
import { publicHosts, serverName } from '../../conventions/naming';
import { PATCH_STATE_TIMER, WINDOW_TIMER } from '../maintenance';
import { privateAddress, type Network } from '../network';
import { PlatformServer, type InboundRule } from '../server';
import { renderMonitoringCloudConfig } from './cloud-config';
import { monitoringFiles, type AutoscalerDelivery } from './files';
import { MONITORING_DIR } from './layout';

export interface MonitoringProps {
  readonly config: EnvironmentConfig;
  readonly network: Network;
  /** What the autoscaler container runs with; required when autoscaler.enabled. @default none */
  readonly autoscaler?: AutoscalerDelivery;
  /** @default 30 */
  readonly systemDiskGb?: number;
  /** @default monitoring/rules plus the environment's platform facts */
  readonly ruleFiles?: readonly RuleFile[];
}

/**
 * The monitoring VM: Prometheus (IONOS discovery, rules, blackbox probes),
 * Alertmanager mailing monitoring.alertEmail, Grafana behind Caddy with a Let's
 * Encrypt certificate, node_exporter, and the autoscaler. Prometheus data lives on a
 * separate volume of monitoring.diskGb that survives a rebuilt VM. Configuration is
 * pushed (see PushedFiles), so editing a rule or dashboard never replaces the VM.
 *
 * Secrets, all kept out of the synthesized plan:
 * - TF_VAR_ionos_monitoring_token: an IONOS token of a user with read access to the
 *   datacenter, for Prometheus' discovery;
 * - TF_VAR_ionos_autoscaler_token: an IONOS token allowed to start, stop and resize
 *   the BBB servers (only with the autoscaler);
 * - TF_VAR_smtp_password: the password of the alert mail relay;
 * - the Grafana admin password, generated here (`grafanaAdminPassword`).
 */
export class Monitoring extends Construct {
  readonly server: PlatformServer;
  readonly dataVolume: Volume;
  readonly push: PushedFiles;
  /** Delivers the autoscaler bundle and restarts the autoscaler; absent without it. */
  readonly bundlePush?: PushedFiles;
  readonly grafanaAdminPassword: Password;
  /** https://grafana.<domain>/, reachable from adminCidrs. */
  readonly grafanaUrl: string;

  constructor(scope: Construct, id: string, props: MonitoringProps) {
    super(scope, id);
    const { config, network } = props;
    const name = serverName(config.name, 'monitoring', 1);
    const grafanaHost = publicHosts(config).grafana;
    this.grafanaUrl = `https://${grafanaHost}/`;

    this.server = new PlatformServer(this, 'Server', {
      config,
      network,
      name,
      role: 'monitoring',
      cores: config.monitoring.cores,
      ramGb: config.monitoring.ramGb,
      diskGb: props.systemDiskGb ?? 30,
      userData: renderMonitoringCloudConfig(config, name),
      privateIp: privateAddress.monitoring,
      publicAddress: network.monitoringAddress,
      inbound: monitoringInboundRules(config),
    });

    this.dataVolume = new Volume(this, 'DataVolume', {
      datacenterId: network.datacenter.id,
      serverId: this.server.server.id,
      name: `${name}-data`,
      size: config.monitoring.diskGb,
      diskType: 'SSD Standard',
      licenceType: 'OTHER',
      // Losing this volume loses the metrics history; replacing the VM must not. A trial
      // environment lifts it to be destroyed whole (docs/deploy.md#removing-an-environment).
      lifecycle: { preventDestroy: config.monitoring.protectDataVolume },
    });

    this.grafanaAdminPassword = new Password(this, 'GrafanaAdminPassword', { length: 32, special: false });
    const files = monitoringFiles({
      config,
      datacenterId: network.datacenter.id,
      privateIp: privateAddress.monitoring,
      secrets: {
        ionosReadToken: sensitiveVariable(this, 'ionos_monitoring_token', 'IONOS API token with read access to the datacenter, for Prometheus service discovery.'),
        smtpPassword: smtpPassword(this),
        grafanaAdminPassword: this.grafanaAdminPassword.result,
        autoscalerToken: config.autoscaler.enabled
          ? sensitiveVariable(this, 'ionos_autoscaler_token', 'IONOS API token allowed to start, stop and resize the BBB servers, for the autoscaler.')
          : undefined,
      },
      autoscaler: props.autoscaler,
      ruleFiles: props.ruleFiles,
    });

    this.push = new PushedFiles(this, 'Config', {
      target: this.server,
      files: files.config,
      afterCommands: [`sh ${MONITORING_DIR}/apply.sh`, 'systemctl daemon-reload', `systemctl enable --now ${PATCH_STATE_TIMER} ${WINDOW_TIMER}`],
      dependsOn: [this.dataVolume],
    });
    if (files.bundle) {
      this.bundlePush = new PushedFiles(this, 'AutoscalerBundle', {
        target: this.server,
        files: [files.bundle],
        afterCommands: [`cd ${MONITORING_DIR} && docker compose restart autoscaler`],
        dependsOn: [this.push.resource],
      });
    }
  }
}

/** SSH and Grafana from admin networks only; port 80 from anywhere, for Let's Encrypt's HTTP-01 and the redirect. */
export function monitoringInboundRules(config: Pick<EnvironmentConfig, 'adminCidrs'>): InboundRule[] {
  return [
    { name: 'acme-http', protocol: 'TCP', ports: 80 },
    ...config.adminCidrs.map((cidr, index): InboundRule => ({ name: `https-admin-${index + 1}`, protocol: 'TCP', ports: 443, source: cidr })),
    ...sshRules(config.adminCidrs),
  ];
}
