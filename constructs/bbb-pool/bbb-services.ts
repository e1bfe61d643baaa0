/**
 * The systemd units a BBB pool server runs besides BigBlueButton itself: the setup,
 * retried until it has succeeded, the certificate renewal after every boot, and the
 * count of unfinished recordings every minute. cloud-init only writes and starts
 * them, so a failed step is retried by systemd instead of being lost with the first
 * boot.
 */
import type { CloudConfig, WriteFile } from '../cloud-init';
import { readTemplate, renderTemplate } from '../templates';

const SETUP_SCRIPT_PATH = '/usr/local/sbin/bbb-platform-setup';
/** Checks that BigBlueButton is installed and serving; the setup's last check, and the operators'. */
export const VERIFY_SCRIPT_PATH = '/usr/local/sbin/bbb-platform-verify';
const SETUP_SERVICE = 'bbb-platform-setup.service';
/** Written by the setup script as its last step; later boots skip the setup. */
export const SETUP_DONE_MARKER = '/var/lib/bbb-platform/setup-done';
const CERTIFICATE_RENEWAL_SERVICE = 'certbot-renew-at-boot.service';
export const RECORDING_METRICS_SCRIPT = '/usr/local/sbin/bbb-recording-metrics';
const RECORDING_METRICS_TIMER = 'bbb-recording-metrics.timer';
/** node_exporter's textfile collector reads this directory (exporters.compose.yml mounts it). */
export const TEXTFILE_DIR = '/var/lib/node_exporter/textfile_collector';
/** The file the recording count is written to; the autoscaler and an alert check its age. */
export const RECORDING_COUNT_FILE = 'bbb-recordings.prom';
/** Scalelite's post-publish script packs recordings here while it copies them (templates/bbb/scalelite.yml work_dir). */
export const SCALELITE_WORK_DIR = '/var/bigbluebutton/recording/scalelite';

const UNIT_DIR = '/etc/systemd/system';

type BbbServices = Required<Pick<CloudConfig, 'writeFiles' | 'runcmd'>>;

export function bbbServices(): BbbServices {
  const files: WriteFile[] = [
    {
      path: SETUP_SCRIPT_PATH,
      content: renderTemplate('bbb/bbb-platform-setup.sh', { doneMarker: SETUP_DONE_MARKER, verifyScript: VERIFY_SCRIPT_PATH }),
      permissions: '0755',
    },
    { path: VERIFY_SCRIPT_PATH, content: readTemplate('bbb/verify-installation.sh'), permissions: '0755' },
    {
      path: `${UNIT_DIR}/${SETUP_SERVICE}`,
      content: renderTemplate('bbb/bbb-platform-setup.service', { doneMarker: SETUP_DONE_MARKER, setupScript: SETUP_SCRIPT_PATH }),
    },
    { path: `${UNIT_DIR}/${CERTIFICATE_RENEWAL_SERVICE}`, content: readTemplate('bbb/certbot-renew-at-boot.service') },
    {
      path: RECORDING_METRICS_SCRIPT,
      content: renderTemplate('bbb/recording-metrics.sh', { textfileDir: TEXTFILE_DIR, countFile: RECORDING_COUNT_FILE, transferDir: SCALELITE_WORK_DIR }),
      permissions: '0755',
    },
    { path: `${UNIT_DIR}/bbb-recording-metrics.service`, content: renderTemplate('bbb/bbb-recording-metrics.service', { script: RECORDING_METRICS_SCRIPT }) },
    { path: `${UNIT_DIR}/${RECORDING_METRICS_TIMER}`, content: readTemplate('bbb/bbb-recording-metrics.timer') },
  ];
  return {
    writeFiles: files,
    runcmd: [
      ['systemctl', 'daemon-reload'],
      ['systemctl', 'enable', SETUP_SERVICE, CERTIFICATE_RENEWAL_SERVICE],
      // Counting from the start: 0 until the first meeting is recorded.
      ['systemctl', 'enable', '--now', RECORDING_METRICS_TIMER],
      // Without waiting: cloud-init finishes, and the setup's retries belong to systemd.
      ['systemctl', 'start', '--no-block', SETUP_SERVICE],
    ],
  };
}
