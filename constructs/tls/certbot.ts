/**
 * The cloud-config pieces for a VM that terminates TLS itself with a Let's Encrypt
 * certificate from certbot: the first issuance by a systemd unit that retries until
 * it succeeds, automatic renewal by the certbot package's systemd timer, a deploy
 * hook that reloads the service, and for nginx the TLS 1.2+ parameters, HSTS and the
 * HTTP -> HTTPS redirect. Merge the result into the machine's `renderCloudConfig` call.
 */
import type { CloudConfig, WriteFile } from '../cloud-init';
import { renderTemplate, readTemplate } from '../templates';

export const CERTBOT_WEBROOT = '/var/www/letsencrypt';
export const ISSUE_SCRIPT = '/usr/local/sbin/issue-certificate';
export const ISSUE_SERVICE = 'issue-certificate.service';
/** Written once the first certificate is issued and its hooks have run; the unit then no longer starts. */
export const ISSUED_MARKER = '/var/lib/issue-certificate/issued';
const HOOKS_DIR = '/etc/letsencrypt/renewal-hooks/deploy';
const HOST_NAME = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;
const SERVICE_NAME = /^[a-zA-Z0-9@._-]+$/;

export interface CertbotOptions {
  /** Host names on the certificate; the first names it (`/etc/letsencrypt/live/<first>/`). */
  readonly domains: readonly string[];
  /** Let's Encrypt account e-mail (expiry notices). */
  readonly email: string;
  /** systemd unit reloaded after each issuance and renewal, e.g. `nginx` or `coturn`. */
  readonly reloadService: string;
  /**
   * For nginx: a server block for the HTTPS site (include `tlsNginxInclude` in it).
   * nginx then serves the ACME challenge and the HTTPS redirect on port 80, and the
   * site is enabled once the certificate exists. Without it certbot answers the
   * challenge itself on port 80 (`--standalone`), for machines without a web server.
   * @default no nginx site (standalone)
   */
  readonly nginxSite?: { readonly name: string; readonly content: string };
}

export type CertbotCloudConfig = Required<Pick<CloudConfig, 'packages' | 'writeFiles' | 'runcmd'>>;

/** `include` lines for an nginx HTTPS server block: TLS 1.2+ and HSTS. */
export const tlsNginxInclude = 'include /etc/nginx/snippets/tls-params.conf;';

/** Paths of the certificate and key certbot maintains for `domain` (the first of `domains`). */
export function certificatePaths(domain: string) {
  return {
    fullchain: `/etc/letsencrypt/live/${domain}/fullchain.pem`,
    privateKey: `/etc/letsencrypt/live/${domain}/privkey.pem`,
  };
}

export function certbotCloudConfig(options: CertbotOptions): CertbotCloudConfig {
  validate(options);
  const [certName] = options.domains;
  const site = options.nginxSite;
  const issue = renderTemplate('certbot/issue-certificate.sh', {
    email: options.email,
    certName,
    domains: options.domains.join(' '),
    authenticator: site ? 'webroot' : 'standalone',
    webroot: CERTBOT_WEBROOT,
    nginxSite: site?.name ?? '',
    issuedMarker: ISSUED_MARKER,
  });
  const files: WriteFile[] = [
    { path: ISSUE_SCRIPT, content: issue, permissions: '0755' },
    {
      path: `/etc/systemd/system/${ISSUE_SERVICE}`,
      content: renderTemplate('certbot/issue-certificate.service', { script: ISSUE_SCRIPT, issuedMarker: ISSUED_MARKER }),
    },
    {
      path: `${HOOKS_DIR}/reload-${options.reloadService}.sh`,
      content: renderTemplate('certbot/reload-hook.sh', { service: options.reloadService }),
      permissions: '0755',
    },
  ];
  if (site) {
    files.push(
      { path: '/etc/nginx/snippets/tls-params.conf', content: readTemplate('certbot/tls-params.conf') },
      { path: '/etc/nginx/snippets/hsts.conf', content: readTemplate('certbot/hsts.conf') },
      {
        path: '/etc/nginx/sites-available/default',
        content: renderTemplate('certbot/http-redirect.conf', { serverNames: options.domains.join(' '), webroot: CERTBOT_WEBROOT }),
      },
      { path: `/etc/nginx/sites-available/${site.name}`, content: site.content },
    );
  }
  return {
    // Deferred: written after the packages are installed, so nginx's own default
    // site is replaced rather than kept by dpkg.
    writeFiles: files.map((file) => ({ ...file, defer: true })),
    packages: site ? ['certbot', 'nginx'] : ['certbot'],
    // The first issuance belongs to systemd, which retries it; cloud-init does not
    // wait for it. The timer ships enabled with the package; enabling it again
    // documents the renewal path and survives an image that disabled it.
    runcmd: [
      ...(site ? [['systemctl', 'reload-or-restart', 'nginx']] : []),
      ['systemctl', 'daemon-reload'],
      ['systemctl', 'enable', ISSUE_SERVICE],
      ['systemctl', 'start', '--no-block', ISSUE_SERVICE],
      ['systemctl', 'enable', '--now', 'certbot.timer'],
    ],
  };
}

function validate(options: CertbotOptions): void {
  if (options.domains.length === 0) throw new Error('certbot: domains: at least one host name is required');
  const bad = options.domains.filter((domain) => !HOST_NAME.test(domain));
  if (bad.length > 0) throw new Error(`certbot: domains: not a host name: ${bad.join(', ')}`);
  if (!SERVICE_NAME.test(options.reloadService)) {
    throw new Error(`certbot: reloadService: not a systemd unit name: "${options.reloadService}"`);
  }
  if (options.nginxSite && !/^[a-z0-9][a-z0-9.-]*$/.test(options.nginxSite.name)) {
    throw new Error(`certbot: nginxSite.name: must be a file name of a-z 0-9 . -, got "${options.nginxSite.name}"`);
  }
}
