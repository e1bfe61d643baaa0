/**
 * alertmanager.yml: every alert goes by e-mail to monitoring.alertEmail. Critical
 * alerts repeat hourly, warnings every 12 hours. Inhibition keeps one cause from
 * paging several times (a dead server also fails its API, exporter and CPU checks).
 */
import * as yaml from 'js-yaml';
import { mailRelay, type EnvironmentConfig } from '../../config';

export interface AlertmanagerSettings {
  readonly config: EnvironmentConfig;
  /** File holding the SMTP password, as Alertmanager sees it. */
  readonly smtpPasswordFile: string;
}

interface Inhibition {
  readonly source_matchers: readonly string[];
  readonly target_matchers: readonly string[];
  readonly equal: readonly string[];
}

export function renderAlertmanagerConfig(settings: AlertmanagerSettings): string {
  const { config } = settings;
  const relay = mailRelay(config);
  const document = {
    global: {
      smtp_smarthost: relay.smarthost,
      smtp_from: relay.from,
      smtp_auth_username: relay.username,
      smtp_auth_password_file: settings.smtpPasswordFile,
      smtp_require_tls: relay.requireTls,
      resolve_timeout: '5m',
    },
    route: {
      receiver: 'operators',
      group_by: ['alertname', 'environment'],
      group_wait: '30s',
      group_interval: '5m',
      repeat_interval: '12h',
      routes: [{ receiver: 'operators', matchers: ['severity="critical"'], group_wait: '10s', repeat_interval: '1h' }],
    },
    inhibit_rules: inhibitions(),
    receivers: [
      {
        name: 'operators',
        email_configs: [
          {
            to: config.monitoring.alertEmail,
            send_resolved: true,
            headers: { Subject: `[${config.name}] {{ .Status | toUpper }} {{ .CommonLabels.alertname }} ({{ .Alerts | len }})` },
          },
        ],
      },
    ],
  };
  return yaml.dump(document, { lineWidth: -1, noRefs: true, quotingType: '"' });
}

function inhibitions(): Inhibition[] {
  return [
    // A server that does not answer at all explains every other alert about it.
    {
      source_matchers: ['alertname=~"BbbServerDown|ServerDown"'],
      target_matchers: ['alertname=~"BbbApiDown|BbbExporterDown|BbbCpuHigh|MemoryNearlyFull|DiskNearlyFull|DiskAlmostFull|RecordingsStuck|RecordingFailed|RecordingCountStale"'],
      equal: ['instance'],
    },
    { source_matchers: ['alertname="DiskAlmostFull"'], target_matchers: ['alertname="DiskNearlyFull"'], equal: ['instance', 'mountpoint'] },
    { source_matchers: ['alertname="CertificateExpiresInDays"'], target_matchers: ['alertname="CertificateExpiringSoon"'], equal: ['instance'] },
    { source_matchers: ['alertname="ScaleliteApiDown"'], target_matchers: ['alertname="EndpointDown"'], equal: ['instance'] },
    // With no healthy BBB server one page says it all.
    { source_matchers: ['alertname="NoHealthyBbbServer"'], target_matchers: ['alertname=~"BbbApiDown|EndpointDown"', 'endpoint=~"bbb-.*|"'], equal: ['environment'] },
    { source_matchers: ['alertname="AutoscalerDown"'], target_matchers: ['alertname=~"AutoscalerStale|AutoscalerFailing|CapacityHeadroomLow"'], equal: ['environment'] },
  ];
}
