/**
 * The files that make a VM a Scalelite node, rendered from templates/scalelite/.
 * The same list goes into the first boot's cloud-init and into configuration pushes
 * to running nodes, so both paths always deliver the same thing.
 */
import type { MailRelay } from '../../config';
import { TEXTFILE_DIR } from '../bbb-pool/bbb-services';
import { maintenance, type WindowTurn } from '../maintenance';
import { readTemplate, renderTemplate } from '../templates';
import {
  GREENLIGHT_STORAGE_DIR,
  RECORDINGS_ROOT,
  SCALELITE_UID,
  SHARED_MOUNT,
  SPOOL_GID,
  type SharedStorage,
} from '../data';

export const PROJECT_DIR = '/opt/scalelite';
export const SINGLETON_SCRIPT = '/usr/local/sbin/scalelite-singletons';
export const PREPARE_STORAGE_SCRIPT = '/usr/local/sbin/scalelite-prepare-storage';
export const WAIT_HEALTHY_SCRIPT = '/usr/local/sbin/scalelite-wait-healthy';
export const MIGRATE_SCRIPT = '/usr/local/sbin/scalelite-migrate';
const DB_SESSION_LIBRARY = '/usr/local/lib/scalelite/db-session.sh';
/** PostgreSQL advisory lock key of the singleton services; any constant the tier agrees on. */
export const SINGLETON_LOCK_KEY = 736415289;
/** PostgreSQL advisory lock key held while a node migrates the databases. */
export const MIGRATION_LOCK_KEY = 736415290;
/** PostgreSQL advisory lock key the nodes take turns with in the maintenance window. */
export const MAINTENANCE_LOCK_KEY = 736415291;
/** Port of nginx for Scalelite (API, recordings) and for Greenlight on each node. */
export const SCALELITE_PORT = 80;
export const GREENLIGHT_PORT = 8080;

export interface NodeFile {
  readonly path: string;
  readonly content: string;
  /** Octal, e.g. '0644'; files holding secrets are '0600'. */
  readonly mode: string;
}

export interface NodeSettings {
  readonly scaleliteVersion: string;
  readonly loadbalancerSecret: string;
  readonly secretKeyBase: string;
  readonly databaseUrl: string;
  readonly redisUrl: string;
  readonly webConcurrency: number;
  /** Recordings on the shared storage, with the importer. */
  readonly recordings: boolean;
  readonly sharedStorage?: SharedStorage;
  readonly greenlight?: {
    readonly version: string;
    readonly secretKeyBase: string;
    readonly databaseUrl: string;
    readonly redisUrl: string;
    /** Scalelite's BigBlueButton API URL, with the trailing slash Greenlight expects. */
    readonly bigbluebuttonEndpoint: string;
    readonly mail: GreenlightMail;
  };
  /** When the node takes its turn in the nightly window; the nodes' health checks and the lock are added here. */
  readonly maintenanceWindow: WindowTurn;
  /** Private address of every node of the tier, to wait for their health before a node's turn. */
  readonly nodeAddresses: readonly string[];
}

/** How Greenlight sends its mail (sign-up confirmation, password reset). */
export interface GreenlightMail {
  readonly relay: MailRelay;
  /** Sender address; the relay must accept it for its login. */
  readonly from: string;
  /** The relay's password (a Terraform reference; sensitive). */
  readonly password: string;
  /** The name Greenlight greets the relay with (SMTP HELO). */
  readonly heloDomain: string;
}

export function singletonServices(settings: Pick<NodeSettings, 'recordings'>): string[] {
  return ['scalelite-poller', ...(settings.recordings ? ['scalelite-recording-importer'] : [])];
}

export function nodeFiles(settings: NodeSettings): NodeFile[] {
  const { greenlight, recordings, sharedStorage } = settings;
  if ((recordings || greenlight) && !sharedStorage) {
    throw new Error('scalelite node: recordings and Greenlight need the shared storage, none was given');
  }
  const composeFiles = [
    'docker-compose.yml',
    ...(recordings ? ['compose.recordings.yml'] : []),
    ...(greenlight ? ['compose.greenlight.yml'] : []),
  ];
  const singletons = singletonServices(settings).join(' ');
  const files: NodeFile[] = [
    file(
      `${PROJECT_DIR}/docker-compose.yml`,
      renderTemplate('scalelite/docker-compose.yml', { scaleliteVersion: settings.scaleliteVersion, textfileDir: TEXTFILE_DIR }),
    ),
    file(`${PROJECT_DIR}/.env`, renderTemplate('scalelite/project.env', { composeFiles: composeFiles.join(':') })),
    secret(
      `${PROJECT_DIR}/scalelite.env`,
      renderTemplate('scalelite/scalelite.env', {
        secretKeyBase: settings.secretKeyBase,
        loadbalancerSecret: settings.loadbalancerSecret,
        databaseUrl: settings.databaseUrl,
        redisUrl: settings.redisUrl,
        recordingDisabled: String(!recordings),
        webConcurrency: settings.webConcurrency,
      }),
    ),
    file(`${PROJECT_DIR}/nginx/hsts.conf`, readTemplate('certbot/hsts.conf')),
    file(`${PROJECT_DIR}/nginx/scalelite-proxy.template`, readTemplate('scalelite/nginx/scalelite-proxy.template')),
    file(
      '/etc/systemd/system/scalelite.service',
      renderTemplate('scalelite/scalelite.service', {
        greenlightDescription: greenlight ? ', Greenlight' : '',
        projectDir: PROJECT_DIR,
        prepareStorage: sharedStorage ? `ExecStartPre=${PREPARE_STORAGE_SCRIPT}` : '',
        migrateScript: MIGRATE_SCRIPT,
      }),
    ),
    file(
      '/etc/systemd/system/scalelite-singletons.service',
      renderTemplate('scalelite/scalelite-singletons.service', { singletonScript: SINGLETON_SCRIPT, projectDir: PROJECT_DIR, singletons }),
    ),
    file(DB_SESSION_LIBRARY, readTemplate('scalelite/db-session.sh')),
    executable(
      SINGLETON_SCRIPT,
      renderTemplate('scalelite/scalelite-singletons.sh', {
        projectDir: PROJECT_DIR,
        lockKey: SINGLETON_LOCK_KEY,
        singletons,
        dbSessionLibrary: DB_SESSION_LIBRARY,
      }),
    ),
    executable(
      MIGRATE_SCRIPT,
      renderTemplate('scalelite/scalelite-migrate.sh', {
        projectDir: PROJECT_DIR,
        lockKey: MIGRATION_LOCK_KEY,
        greenlight: String(greenlight !== undefined),
        dbSessionLibrary: DB_SESSION_LIBRARY,
      }),
    ),
    executable(WAIT_HEALTHY_SCRIPT, readTemplate('scalelite/wait-healthy.sh')),
    ...maintenance({
      turn: {
        ...settings.maintenanceWindow,
        tier: {
          lockKey: MAINTENANCE_LOCK_KEY,
          healthUrls: settings.nodeAddresses.map((address) => `http://${address}:${SCALELITE_PORT}/health_check`),
          waitHealthy: WAIT_HEALTHY_SCRIPT,
          databaseEnv: `${PROJECT_DIR}/scalelite.env`,
        },
      },
    }).files,
  ];
  if (recordings) {
    files.push(
      file(
        `${PROJECT_DIR}/compose.recordings.yml`,
        renderTemplate('scalelite/compose.recordings.yml', { scaleliteVersion: settings.scaleliteVersion, recordingsRoot: RECORDINGS_ROOT }),
      ),
    );
  }
  if (greenlight) {
    files.push(
      file(
        `${PROJECT_DIR}/compose.greenlight.yml`,
        renderTemplate('scalelite/compose.greenlight.yml', { greenlightVersion: greenlight.version, greenlightStorage: GREENLIGHT_STORAGE_DIR }),
      ),
      secret(
        `${PROJECT_DIR}/greenlight.env`,
        renderTemplate('scalelite/greenlight.env', {
          secretKeyBase: greenlight.secretKeyBase,
          bigbluebuttonEndpoint: greenlight.bigbluebuttonEndpoint,
          bigbluebuttonSecret: settings.loadbalancerSecret,
          databaseUrl: greenlight.databaseUrl,
          redisUrl: greenlight.redisUrl,
          ...greenlightMailSettings(greenlight.mail),
        }),
      ),
      file(`${PROJECT_DIR}/nginx/greenlight.conf`, readTemplate('scalelite/nginx/greenlight.conf')),
    );
  }
  if (sharedStorage) {
    const spoolDirectories = recordings
      ? ['spool', 'recording/scalelite', 'published', 'unpublished'].map((dir) => `${RECORDINGS_ROOT}/${dir}`)
      : [];
    files.push(
      executable(
        PREPARE_STORAGE_SCRIPT,
        renderTemplate('scalelite/prepare-storage.sh', {
          mountPoint: SHARED_MOUNT,
          spoolOwner: `${SCALELITE_UID}:${SPOOL_GID}`,
          spoolDirectories: spoolDirectories.join(' '),
          rootDirectories: greenlight ? GREENLIGHT_STORAGE_DIR : '',
        }),
      ),
    );
  }
  return files;
}

/**
 * Greenlight's SMTP_* settings (its config/environments/production.rb hands them to
 * the mail gem). Port 465 speaks TLS from the start; elsewhere STARTTLS is required
 * when the relay demands TLS, and used when offered otherwise.
 */
function greenlightMailSettings(mail: GreenlightMail) {
  const { relay } = mail;
  const implicitTls = relay.port === 465;
  return {
    smtpHost: relay.host,
    smtpPort: relay.port,
    smtpDomain: mail.heloDomain,
    smtpUsername: relay.username,
    smtpPassword: mail.password,
    smtpStarttls: String(!implicitTls && relay.requireTls),
    smtpStarttlsAuto: String(!implicitTls && !relay.requireTls),
    smtpTls: String(implicitTls),
    smtpSender: mail.from,
  };
}

function file(path: string, content: string): NodeFile {
  return { path, content, mode: '0644' };
}

function secret(path: string, content: string): NodeFile {
  return { path, content, mode: '0600' };
}

function executable(path: string, content: string): NodeFile {
  return { path, content, mode: '0755' };
}
