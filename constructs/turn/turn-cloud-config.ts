/**
 * The #cloud-config of a TURN server: coturn and node_exporter in Docker under one
 * systemd unit, a Let's Encrypt certificate for turn-NN.<domain> (coturn serves TLS
 * on 443 itself; certbot answers the challenge on port 80), and the shared secret BBB
 * servers derive client credentials from.
 */
import type { EnvironmentConfig } from '../../config';
import { TEXTFILE_DIR } from '../bbb-pool/bbb-services';
import { renderCloudConfig } from '../cloud-init';
import { maintenance, type WindowTurn } from '../maintenance';
import { readTemplate, renderTemplate } from '../templates';
import { certbotCloudConfig } from '../tls';
import { TURN_RELAY_PORTS } from './firewall';

export interface TurnMachine {
  readonly fqdn: string;
  /** The public address coturn listens and relays on (a Terraform reference). */
  readonly publicIp: string;
  readonly secret: string;
  /** Its turn in the nightly maintenance window (TURN servers take consecutive slots). */
  readonly maintenanceTurn: WindowTurn;
}

const COTURN_DIR = '/etc/coturn';
/** systemd unit the certbot deploy hook reloads. */
export const COTURN_SERVICE = 'coturn';

export function renderTurnCloudConfig(
  config: Pick<EnvironmentConfig, 'sshKeys' | 'acmeEmail' | 'domain'>,
  machine: TurnMachine,
): string {
  const turnserverConf = renderTemplate('turn/turnserver.conf', {
    publicIp: machine.publicIp,
    relayMinPort: TURN_RELAY_PORTS[0],
    relayMaxPort: TURN_RELAY_PORTS[1],
    secret: machine.secret,
    realm: config.domain,
    fqdn: machine.fqdn,
  });
  const tls = certbotCloudConfig({ domains: [machine.fqdn], email: config.acmeEmail, reloadService: COTURN_SERVICE });
  const upkeep = maintenance({ turn: machine.maintenanceTurn });
  return renderCloudConfig(config, {
    hostname: machine.fqdn.split('.')[0],
    fqdn: machine.fqdn,
    packages: ['docker.io', 'docker-compose-v2', ...tls.packages],
    writeFiles: [
      // coturn runs as nobody:nogroup in its container and reads the file through the group.
      { path: `${COTURN_DIR}/turnserver.conf`, content: turnserverConf, permissions: '0640', owner: 'root:nogroup' },
      { path: `${COTURN_DIR}/compose.yml`, content: renderTemplate('turn/compose.yml', { textfileDir: TEXTFILE_DIR }) },
      { path: `/etc/systemd/system/${COTURN_SERVICE}.service`, content: readTemplate('turn/coturn.service') },
      // Sorted before certbot's reload hook (constructs/tls), so coturn reloads the new copy.
      {
        path: '/etc/letsencrypt/renewal-hooks/deploy/00-coturn-certificate.sh',
        content: renderTemplate('turn/coturn-certificate-hook.sh', { certName: machine.fqdn }),
        permissions: '0755',
        defer: true,
      },
      ...tls.writeFiles,
      ...upkeep.files.map((file) => ({ path: file.path, content: file.content, permissions: file.mode })),
    ],
    runcmd: [
      ['systemctl', 'daemon-reload'],
      ...tls.runcmd,
      ['systemctl', 'enable', '--now', ...upkeep.timers],
      ['systemctl', 'enable', '--now', `${COTURN_SERVICE}.service`],
    ],
  });
}
