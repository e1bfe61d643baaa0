import * as yaml from 'js-yaml';
import { renderCloudConfig } from '../../constructs/cloud-init';
import { CERTBOT_WEBROOT, ISSUE_SCRIPT, certbotCloudConfig, certificatePaths, tlsNginxInclude, type CertbotOptions } from '../../constructs/tls';
import { exampleConfig } from '../../testing/synth';
import { describeWithTool } from '../support/tools';
import { cloudInitSchema, shellcheck } from '../support/validators';

const config = exampleConfig();
const domain = 'grafana.bbb.example.org';
const paths = certificatePaths(domain);
const site = {
  name: 'grafana',
  content: [
    'server {',
    '    listen 443 ssl http2;',
    `    server_name ${domain};`,
    `    ssl_certificate ${paths.fullchain};`,
    `    ssl_certificate_key ${paths.privateKey};`,
    `    ${tlsNginxInclude}`,
    '    location / { proxy_pass http://127.0.0.1:3000; }',
    '}',
    '',
  ].join('\n'),
};
const withNginx = certbotCloudConfig({ domains: [domain], email: config.acmeEmail, reloadService: 'nginx', nginxSite: site });
const standalone = certbotCloudConfig({ domains: ['turn-01.bbb.example.org'], email: config.acmeEmail, reloadService: 'coturn' });

const fileAt = (pieces: typeof withNginx, path: string) => {
  const file = pieces.writeFiles.find((candidate) => candidate.path === path);
  if (!file) throw new Error(`no file ${path}`);
  return file;
};

describe('certbot cloud-config pieces', () => {
  it('issues at boot and leaves renewal to the systemd timer of the certbot package', () => {
    expect(withNginx.packages).toEqual(['certbot', 'nginx']);
    expect(withNginx.runcmd).toEqual([['systemctl', 'reload-or-restart', 'nginx'], [ISSUE_SCRIPT], ['systemctl', 'enable', '--now', 'certbot.timer']]);
    expect(standalone.packages).toEqual(['certbot']);
    expect(standalone.runcmd).toEqual([[ISSUE_SCRIPT], ['systemctl', 'enable', '--now', 'certbot.timer']]);
  });

  it('reloads the service from a deploy hook after every renewal', () => {
    const hook = fileAt(withNginx, '/etc/letsencrypt/renewal-hooks/deploy/reload-nginx.sh');
    expect(hook.permissions).toBe('0755');
    expect(hook.content).toContain('systemctl reload-or-restart nginx');
    expect(fileAt(standalone, '/etc/letsencrypt/renewal-hooks/deploy/reload-coturn.sh').content).toContain('systemctl reload-or-restart coturn');
  });

  it('answers the challenge from the webroot behind nginx, or standalone without a web server', () => {
    const nginxIssue = fileAt(withNginx, ISSUE_SCRIPT).content;
    expect(nginxIssue).toContain("readonly AUTHENTICATOR='webroot'");
    expect(nginxIssue).toContain(`readonly WEBROOT='${CERTBOT_WEBROOT}'`);
    expect(nginxIssue).toContain("readonly NGINX_SITE='grafana'");
    expect(fileAt(standalone, ISSUE_SCRIPT).content).toContain("readonly AUTHENTICATOR='standalone'");
  });

  it('allows TLS 1.2 and 1.3 only and sends HSTS on every response', () => {
    const params = fileAt(withNginx, '/etc/nginx/snippets/tls-params.conf').content;
    expect(params.match(/^ssl_protocols .*;$/m)?.[0]).toBe('ssl_protocols TLSv1.2 TLSv1.3;');
    expect(params).not.toMatch(/TLSv1(\.1)?[ ;]/);
    expect(params).toContain('include /etc/nginx/snippets/hsts.conf;');
    const hsts = fileAt(withNginx, '/etc/nginx/snippets/hsts.conf').content;
    expect(hsts).toMatch(/^add_header Strict-Transport-Security "max-age=(\d+); includeSubDomains" always;$/m);
    expect(Number(hsts.match(/max-age=(\d+)/)?.[1])).toBeGreaterThanOrEqual(31536000);
  });

  it('redirects plain HTTP to HTTPS except for the ACME challenge', () => {
    const redirect = fileAt(withNginx, '/etc/nginx/sites-available/default').content;
    expect(redirect).toContain(`server_name ${domain};`);
    expect(redirect).toContain(`location ^~ /.well-known/acme-challenge/ {\n        root ${CERTBOT_WEBROOT};`);
    expect(redirect).toContain('return 301 https://$host$request_uri;');
    expect(fileAt(withNginx, '/etc/nginx/sites-available/grafana').content).toBe(site.content);
  });

  it('writes its files after package installation, so nginx keeps ours and not its default site', () => {
    expect(withNginx.writeFiles.every((file) => file.defer === true)).toBe(true);
  });

  it.each([
    [{ domains: [] as string[] }, 'certbot: domains: at least one host name is required'],
    [{ domains: ['not a host'] }, 'certbot: domains: not a host name: not a host'],
    [{ domains: [domain], reloadService: 'nginx; rm -rf /' }, 'certbot: reloadService: not a systemd unit name: "nginx; rm -rf /"'],
    [{ domains: [domain], nginxSite: { name: '../etc/passwd', content: '' } }, 'certbot: nginxSite.name: must be a file name of a-z 0-9 . -, got "../etc/passwd"'],
  ] as [Partial<CertbotOptions>, string][])('rejects bad options %#', (changes, message) => {
    const options: CertbotOptions = { email: config.acmeEmail, reloadService: 'nginx', domains: [domain] };
    expect(() => certbotCloudConfig({ ...options, ...changes })).toThrow(message);
  });
});

describeWithTool('cloud-init', 'certbot pieces in a cloud-config', () => {
  it.each([
    ['nginx', withNginx],
    ['standalone', standalone],
  ])('%s: passes cloud-init schema', (_, pieces) => {
    const document = renderCloudConfig(config, { hostname: 'grafana', ...pieces });
    expect(yaml.load(document.replace(/^#cloud-config\n/, ''))).toHaveProperty('write_files');
    const result = cloudInitSchema(document);
    expect(result.stderr + result.stdout).not.toMatch(/invalid|error/i);
    expect(result.status).toBe(0);
  });
});

describeWithTool('shellcheck', 'certbot scripts', () => {
  it.each([
    ['issue (nginx)', fileAt(withNginx, ISSUE_SCRIPT).content],
    ['issue (standalone)', fileAt(standalone, ISSUE_SCRIPT).content],
    ['reload hook', fileAt(withNginx, '/etc/letsencrypt/renewal-hooks/deploy/reload-nginx.sh').content],
  ])('%s passes shellcheck', (_, script) => {
    const result = shellcheck(script);
    expect(result.stdout).toBe('');
    expect(result.status).toBe(0);
  });
});
