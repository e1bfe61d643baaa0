/**
 * The #cloud-config of one BBB pool server: the setup script's inputs as files, and
 * the systemd units that run the setup and keep the server usable (bbb-services).
 * Secrets arrive as Terraform references and end up only in root-readable files on
 * the server.
 */
import type { EnvironmentConfig } from '../../config';
import { renderCloudConfig } from '../cloud-init';
import { maintenance } from '../maintenance';
import { readTemplate, renderTemplate } from '../templates';
import { bbbServices, SETUP_DONE_MARKER, TEXTFILE_DIR } from './bbb-services';
import { bbbApiUrl } from './inventory';
import { powerAgentSetup } from './power-agent';
import { bbbRelease, SCALELITE_RELEASE } from './release';

/** NFS share Scalelite imports recordings from (the spool lives under var/bigbluebutton/spool). */
export interface RecordingsShare {
  /** Address of the NFS server, e.g. the IONOS NFS cluster's private IP. */
  readonly server: string;
  /** Exported path on that server. */
  readonly exportPath: string;
  /** @default DEFAULT_NFS_MOUNT_OPTIONS */
  readonly mountOptions?: string;
}

/** The TURN servers BBB offers to clients that cannot reach its media ports directly. */
export interface TurnEndpoint {
  /** Public names of the TURN servers, e.g. turn-01.<domain>. */
  readonly hostnames: readonly string[];
  /** coturn's static-auth-secret, shared with every BBB server. */
  readonly secret: string;
}

/** The options the other clients of the share use (NFS 4.2, hard mounts, no boot hang). */
export const DEFAULT_NFS_MOUNT_OPTIONS = 'vers=4.2,hard,timeo=600,retrans=2,_netdev,nofail';

const CONFIG_DIR = '/etc/bbb-platform';

export interface BbbMachine {
  /** Public name, e.g. bbb-03.bbb.example.org. */
  readonly fqdn: string;
  readonly bbbSecret: string;
  readonly turn?: TurnEndpoint;
  readonly recordings?: RecordingsShare;
  /** The public key of the autoscaler's power-off channel (power-agent.ts). @default no channel */
  readonly powerAgentKey?: string;
}

export function renderBbbCloudConfig(
  config: Pick<EnvironmentConfig, 'sshKeys' | 'acmeEmail' | 'bbb'>,
  machine: BbbMachine,
): string {
  const release = bbbRelease(config.bbb.version);
  const { recordings, turn } = machine;
  const setupEnv = renderTemplate('bbb/setup.env', {
    hostname: machine.fqdn,
    acmeEmail: config.acmeEmail,
    installCommit: release.installCommit,
    installVersion: release.installVersion,
    bbbSecret: machine.bbbSecret,
    turnHostname: turn?.hostnames[0] ?? '',
    turnSecret: turn?.secret ?? '',
    recordingsSource: recordings ? `${recordings.server}:${recordings.exportPath}` : '',
    recordingsMountOptions: recordings?.mountOptions ?? DEFAULT_NFS_MOUNT_OPTIONS,
    scaleliteRelease: SCALELITE_RELEASE,
  });
  const exporterEnv = renderTemplate('bbb/exporter.env', { hostname: machine.fqdn, bbbSecret: machine.bbbSecret });
  const services = bbbServices();
  // No window turn: a BBB server is patched only when it carries no meeting, by whoever drained it.
  const upkeep = maintenance({ readyMarker: SETUP_DONE_MARKER, bbbApiUrl: bbbApiUrl(machine.fqdn) });
  const agent = machine.powerAgentKey ? powerAgentSetup(machine.powerAgentKey) : { writeFiles: [], runcmd: [] };

  return renderCloudConfig(config, {
    hostname: machine.fqdn.split('.')[0],
    fqdn: machine.fqdn,
    packages: ['rsync', ...(recordings ? ['nfs-common'] : [])],
    writeFiles: [
      { path: '/etc/apt/apt.conf.d/90-lock-timeout', content: readTemplate('bbb/apt-lock-timeout.conf') },
      { path: `${CONFIG_DIR}/setup.env`, content: setupEnv, permissions: '0600' },
      { path: `${CONFIG_DIR}/exporter.env`, content: exporterEnv, permissions: '0600' },
      { path: `${CONFIG_DIR}/exporters.compose.yml`, content: renderTemplate('bbb/exporters.compose.yml', { textfileDir: TEXTFILE_DIR }) },
      ...(recordings ? [{ path: `${CONFIG_DIR}/scalelite.yml`, content: readTemplate('bbb/scalelite.yml') }] : []),
      ...(turn ? [{ path: `${CONFIG_DIR}/turn-stun-servers.xml`, content: renderTurnStunServers(turn), permissions: '0600' }] : []),
      ...services.writeFiles,
      ...agent.writeFiles,
      ...upkeep.files.map((file) => ({ path: file.path, content: file.content, permissions: file.mode })),
    ],
    runcmd: [...agent.runcmd, ...services.runcmd, ['systemctl', 'enable', '--now', ...upkeep.timers]],
  });
}

/** Stand-ins for what differs between a pool's servers, shaped like the values (a host name, a cdktf token) so that YAML writes both alike. */
const FQDN_STAND_IN = 'bbbstandinhost.standin.invalid';
const HOSTNAME_STAND_IN = FQDN_STAND_IN.split('.')[0];
const SECRET_STAND_IN = '${TfToken[TOKEN.999999999]}';

/**
 * The cloud-configs of a pool's servers, rendered once: the servers differ only in their
 * name and API secret, which are put into one rendering made with stand-ins. The result
 * is the same text as renderBbbCloudConfig's (a test compares them for the shipped
 * environments); a stand-in the rendering lost or changed (escaped, hashed) is an error
 * here, not a server set up with a stand-in.
 */
export function bbbCloudConfigRenderer(
  config: Pick<EnvironmentConfig, 'sshKeys' | 'acmeEmail' | 'bbb'>,
  shared: Omit<BbbMachine, 'fqdn' | 'bbbSecret'>,
): (machine: Pick<BbbMachine, 'fqdn' | 'bbbSecret'>) => string {
  const rendered = renderBbbCloudConfig(config, { ...shared, fqdn: FQDN_STAND_IN, bbbSecret: SECRET_STAND_IN });
  if (!rendered.includes(FQDN_STAND_IN) || !rendered.includes(SECRET_STAND_IN)) {
    throw new Error('bbbCloudConfigRenderer: the BBB cloud-config no longer holds the server name and API secret verbatim; render each server with renderBbbCloudConfig');
  }
  return ({ fqdn, bbbSecret }) => {
    const hostname = fqdn.split('.')[0];
    return rendered.replaceAll(FQDN_STAND_IN, fqdn).replaceAll(HOSTNAME_STAND_IN, hostname).replaceAll(SECRET_STAND_IN, bbbSecret);
  };
}

/**
 * BBB's turn-stun-servers.xml listing every TURN server. The installer's `-c` flag
 * knows only one server; with this file clients get all of them and ICE picks one.
 */
export function renderTurnStunServers(turn: TurnEndpoint): string {
  if (turn.hostnames.length === 0) throw new Error('TurnEndpoint: hostnames must name at least one TURN server');
  const urls = turn.hostnames.flatMap((hostname) => [`turn:${hostname}:3478`, `turns:${hostname}:443?transport=tcp`]);
  const ids = urls.map((_, index) => `turn${index}`);
  const beans = urls.map((url, index) => renderTemplate('bbb/turn-server-bean.xml', { id: ids[index], secret: turn.secret, url }));
  return renderTemplate('bbb/turn-stun-servers.xml', {
    turnBeans: beans.join(''),
    turnRefs: ids.map((id) => `                <ref bean="${id}"/>`).join('\n'),
  });
}
