/**
 * The systemd units a BBB pool server runs besides BigBlueButton itself: the setup,
 * retried until it has succeeded, and the certificate renewal after every boot.
 * cloud-init only writes and starts them, so a failed step is retried by systemd
 * instead of being lost with the first boot.
 */
import type { CloudConfig, WriteFile } from '../cloud-init';
import { readTemplate, renderTemplate } from '../templates';

export const SETUP_SCRIPT_PATH = '/usr/local/sbin/bbb-platform-setup';
export const SETUP_SERVICE = 'bbb-platform-setup.service';
/** Written by the setup script as its last step; later boots skip the setup. */
export const SETUP_DONE_MARKER = '/var/lib/bbb-platform/setup-done';
export const CERTIFICATE_RENEWAL_SERVICE = 'certbot-renew-at-boot.service';

const UNIT_DIR = '/etc/systemd/system';

export type BbbServices = Required<Pick<CloudConfig, 'writeFiles' | 'runcmd'>>;

export function bbbServices(): BbbServices {
  const files: WriteFile[] = [
    { path: SETUP_SCRIPT_PATH, content: renderTemplate('bbb/bbb-platform-setup.sh', { doneMarker: SETUP_DONE_MARKER }), permissions: '0755' },
    {
      path: `${UNIT_DIR}/${SETUP_SERVICE}`,
      content: renderTemplate('bbb/bbb-platform-setup.service', { doneMarker: SETUP_DONE_MARKER, setupScript: SETUP_SCRIPT_PATH }),
    },
    { path: `${UNIT_DIR}/${CERTIFICATE_RENEWAL_SERVICE}`, content: readTemplate('bbb/certbot-renew-at-boot.service') },
  ];
  return {
    writeFiles: files,
    runcmd: [
      ['systemctl', 'daemon-reload'],
      ['systemctl', 'enable', SETUP_SERVICE, CERTIFICATE_RENEWAL_SERVICE],
      // Without waiting: cloud-init finishes, and the setup's retries belong to systemd.
      ['systemctl', 'start', '--no-block', SETUP_SERVICE],
    ],
  };
}
