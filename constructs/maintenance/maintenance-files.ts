/**
 * What keeps a VM patched without surprises, as files: Ubuntu's automatic apt runs
 * switched off, needrestart told to list instead of restarting on its own, the
 * maintenance commands (update, reboot if required, and on BBB servers the check),
 * and the patch state for node_exporter every hour. VMs outside the BBB pool add
 * their turn in the nightly window; BBB servers are patched by whoever drains them.
 */
import { TEXTFILE_DIR } from '../bbb-pool/bbb-services';
import { readTemplate, renderTemplate } from '../templates';

export const MAINTENANCE_LIB = '/usr/local/lib/platform-maintenance/lib.sh';

/** The commands, by the verb a caller knows them by. */
export const MAINTENANCE_COMMANDS = {
  update: '/usr/local/sbin/platform-update',
  rebootIfRequired: '/usr/local/sbin/platform-reboot-if-required',
  check: '/usr/local/sbin/bbb-platform-check',
  patchState: '/usr/local/sbin/platform-patch-state',
  window: '/usr/local/sbin/platform-maintenance-window',
} as const;

/** node_exporter reads the patch state from this file in its textfile directory. */
export const PATCH_STATE_FILE = 'platform-patch.prom';
/** Sorted after Ubuntu's 20auto-upgrades, so these settings win. */
export const APT_PERIODIC_CONF = '/etc/apt/apt.conf.d/99platform-no-periodic-updates';
/** needrestart reads conf.d after its own needrestart.conf. */
export const NEEDRESTART_CONF = '/etc/needrestart/conf.d/90-platform-list-only.conf';
export const PATCH_STATE_TIMER = 'platform-patch-state.timer';
export const WINDOW_TIMER = 'platform-maintenance.timer';

const UNIT_DIR = '/etc/systemd/system';

export interface MaintenanceFile {
  readonly path: string;
  readonly content: string;
  /** Octal, e.g. '0755'. */
  readonly mode: string;
}

/** A VM's turn in the nightly window. */
export interface WindowTurn {
  /** systemd calendar event of the turn's start, with its timezone. */
  readonly onCalendar: string;
  /** How long the turn may take before systemd ends it. */
  readonly minutes: number;
  /** Nodes behind a load balancer that take turns; absent for a VM on its own. */
  readonly tier?: TierTurn;
}

export interface TierTurn {
  /** PostgreSQL advisory lock the nodes take turns with. */
  readonly lockKey: number;
  /** Health check of every node of the tier; each must answer `success`. */
  readonly healthUrls: readonly string[];
  /** Waits until this node answers its own health check. */
  readonly waitHealthy: string;
  /** Environment file with the shared database's DATABASE_URL. */
  readonly databaseEnv: string;
}

export interface MaintenanceOptions {
  /**
   * A file the server's first-boot setup writes when it has finished; until then the
   * commands answer not-ready and the patch state is not refreshed (apt belongs to the setup).
   * @default always ready
   */
  readonly readyMarker?: string;
  /** BBB servers: the API URL the check asks. @default no check command */
  readonly bbbApiUrl?: string;
  /** @default no turn in the window: the server is patched when it is drained */
  readonly turn?: WindowTurn;
}

export interface Maintenance {
  readonly files: MaintenanceFile[];
  /** Units to enable and start once the files are in place. */
  readonly timers: string[];
}

export function maintenance(options: MaintenanceOptions = {}): Maintenance {
  const libPath = { libPath: MAINTENANCE_LIB };
  const files: MaintenanceFile[] = [
    { path: APT_PERIODIC_CONF, content: readTemplate('maintenance/apt-periodic-off.conf'), mode: '0644' },
    { path: NEEDRESTART_CONF, content: readTemplate('maintenance/needrestart-list-only.conf'), mode: '0644' },
    {
      path: MAINTENANCE_LIB,
      content: renderTemplate('maintenance/lib.sh', { textfileDir: TEXTFILE_DIR, patchStateFile: PATCH_STATE_FILE, readyMarker: options.readyMarker ?? '' }),
      mode: '0644',
    },
    { path: MAINTENANCE_COMMANDS.update, content: renderTemplate('maintenance/update.sh', libPath), mode: '0755' },
    { path: MAINTENANCE_COMMANDS.rebootIfRequired, content: renderTemplate('maintenance/reboot-if-required.sh', libPath), mode: '0755' },
    { path: MAINTENANCE_COMMANDS.patchState, content: renderTemplate('maintenance/patch-state.sh', libPath), mode: '0755' },
    {
      path: `${UNIT_DIR}/platform-patch-state.service`,
      content: renderTemplate('maintenance/platform-patch-state.service', {
        command: MAINTENANCE_COMMANDS.patchState,
        readyCondition: options.readyMarker ? `ConditionPathExists=${options.readyMarker}` : '',
      }),
      mode: '0644',
    },
    { path: `${UNIT_DIR}/${PATCH_STATE_TIMER}`, content: readTemplate('maintenance/platform-patch-state.timer'), mode: '0644' },
  ];
  if (options.bbbApiUrl) {
    files.push({ path: MAINTENANCE_COMMANDS.check, content: renderTemplate('maintenance/bbb-check.sh', { ...libPath, apiUrl: options.bbbApiUrl }), mode: '0755' });
  }
  const timers = [PATCH_STATE_TIMER];
  if (options.turn) {
    files.push(...windowFiles(options.turn));
    timers.push(WINDOW_TIMER);
  }
  return { files, timers };
}

function windowFiles(turn: WindowTurn): MaintenanceFile[] {
  const { tier } = turn;
  return [
    {
      path: MAINTENANCE_COMMANDS.window,
      content: renderTemplate('maintenance/window.sh', {
        libPath: MAINTENANCE_LIB,
        updateCommand: MAINTENANCE_COMMANDS.update,
        rebootCommand: MAINTENANCE_COMMANDS.rebootIfRequired,
        tierLockKey: tier?.lockKey ?? '',
        tierHealthUrls: tier?.healthUrls.join(' ') ?? '',
        waitHealthy: tier?.waitHealthy ?? '',
        databaseEnv: tier?.databaseEnv ?? '',
      }),
      mode: '0755',
    },
    {
      path: `${UNIT_DIR}/platform-maintenance.service`,
      content: renderTemplate('maintenance/platform-maintenance.service', { command: MAINTENANCE_COMMANDS.window, minutes: turn.minutes }),
      mode: '0644',
    },
    { path: `${UNIT_DIR}/${WINDOW_TIMER}`, content: renderTemplate('maintenance/platform-maintenance.timer', { onCalendar: turn.onCalendar }), mode: '0644' },
  ];
}
