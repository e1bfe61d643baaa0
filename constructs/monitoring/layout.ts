/**
 * Where things live on the monitoring VM. The Compose file mounts these paths, the
 * push writes them, and cloud-init creates the directories with their owners.
 */
export const MONITORING_DIR = '/opt/monitoring';
export const CONFIG_DIR = '/etc/monitoring';
export const SECRETS_DIR = `${CONFIG_DIR}/secrets`;
export const DATA_DIR = '/var/lib/monitoring';
export const AUTOSCALER_BUNDLE_DIR = '/opt/bbb-autoscaler';
export const AUTOSCALER_INVENTORY_DIR = '/etc/bbb-autoscaler';

/** User ids inside the images: nobody (Prometheus, Alertmanager), grafana, node. */
export const UID = { nobody: 65534, grafana: 472, node: 1000 } as const;

/** Paths as the containers see them (see templates/monitoring/docker-compose.yml). */
export const IN_CONTAINER = {
  prometheusRulesDir: '/etc/prometheus/rules',
  ionosTokenFile: '/run/secrets/prometheus/ionos-token',
  smtpPasswordFile: '/run/secrets/alertmanager/smtp-password',
} as const;

/** Secret directories, each readable by one service's user only. */
export const SECRET_DIRS = [
  { path: `${SECRETS_DIR}/prometheus`, uid: UID.nobody },
  { path: `${SECRETS_DIR}/alertmanager`, uid: UID.nobody },
  { path: `${SECRETS_DIR}/grafana`, uid: UID.grafana },
] as const;
