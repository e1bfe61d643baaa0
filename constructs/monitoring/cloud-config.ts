/**
 * The monitoring VM's user_data: Docker, and the directories the pushed
 * configuration lands in, with the owners the containers run as. Nothing here
 * changes when a rule, dashboard or service version changes (those are pushed), so
 * user_data, which IONOS cannot change in place, stays the same.
 */
import type { EnvironmentConfig } from '../../config';
import { renderCloudConfig } from '../cloud-init';
import { AUTOSCALER_BUNDLE_DIR, AUTOSCALER_INVENTORY_DIR, CONFIG_DIR, MONITORING_DIR, SECRETS_DIR, SECRET_DIRS, UID } from './layout';

export function renderMonitoringCloudConfig(config: Pick<EnvironmentConfig, 'sshKeys'>, hostname: string): string {
  const directories: string[][] = [
    ['install', '-d', '-m', '0755', MONITORING_DIR, CONFIG_DIR, SECRETS_DIR, AUTOSCALER_BUNDLE_DIR],
    ...SECRET_DIRS.map((dir) => ['install', '-d', '-m', '0700', '-o', String(dir.uid), '-g', String(dir.uid), dir.path]),
    ['install', '-d', '-m', '0700', '-o', String(UID.node), '-g', String(UID.node), AUTOSCALER_INVENTORY_DIR],
  ];
  return renderCloudConfig(config, {
    hostname,
    packages: ['docker.io', 'docker-compose-v2'],
    runcmd: [...directories, ['systemctl', 'enable', '--now', 'docker.service']],
  });
}
