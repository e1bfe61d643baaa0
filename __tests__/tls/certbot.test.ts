import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import * as yaml from 'js-yaml';
import { renderCloudConfig } from '../../constructs/cloud-init';
import { renderTemplate } from '../../constructs/templates';
import {
  CERTBOT_WEBROOT,
  ISSUE_SCRIPT,
  ISSUE_SERVICE,
  ISSUED_MARKER,
  certbotCloudConfig,
  certificatePaths,
  tlsNginxInclude,
  type CertbotOptions,
} from '../../constructs/tls';
import { exampleConfig } from '../../testing/synth';
import { parseUnit, verifyUnits } from '../bbb-pool/systemd-units';
import { standIn } from '../support/stand-ins';
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
  it('hands the first issuance to systemd without waiting, and renewal to the timer of the certbot package', () => {
    const issue = [
      ['systemctl', 'daemon-reload'],
      ['systemctl', 'enable', ISSUE_SERVICE],
      ['systemctl', 'start', '--no-block', ISSUE_SERVICE],
      ['systemctl', 'enable', '--now', 'certbot.timer'],
    ];
    expect(withNginx.packages).toEqual(['certbot', 'nginx']);
    expect(withNginx.runcmd).toEqual([['systemctl', 'reload-or-restart', 'nginx'], ...issue]);
    expect(standalone.packages).toEqual(['certbot']);
    expect(standalone.runcmd).toEqual(issue);
  });

  it('retries the first issuance until it succeeds, spaced within Let\u2019s Encrypt\u2019s failed-validation limit, and never after', () => {
    const unit = parseUnit(fileAt(standalone, `/etc/systemd/system/${ISSUE_SERVICE}`).content);
    expect(unit.Service).toMatchObject({ ExecStart: [ISSUE_SCRIPT], Restart: ['on-failure'], RestartSec: ['15min'] });
    expect(unit.Unit).toMatchObject({ StartLimitIntervalSec: ['0'], ConditionPathExists: [`!${ISSUED_MARKER}`], After: ['network-online.target'] });
    expect(unit.Install.WantedBy).toEqual(['multi-user.target']);
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

describe('the first issuance, one attempt', () => {
  let dir: string;
  const marker = () => path.join(dir, 'state', 'issued');
  const record = () => (existsSync(path.join(dir, 'calls')) ? readFileSync(path.join(dir, 'calls'), 'utf8').trim().split('\n') : []);

  function attempt(options: { resolves: boolean; certbotSucceeds: boolean }) {
    const script = renderTemplate('certbot/issue-certificate.sh', {
      email: 'ops@example.org',
      certName: 'turn-01.bbb.example.org',
      domains: 'turn-01.bbb.example.org',
      authenticator: 'standalone',
      webroot: CERTBOT_WEBROOT,
      nginxSite: '',
      issuedMarker: marker(),
    });
    writeFileSync(path.join(dir, 'issue-certificate'), script);
    // getent answers like glibc's: exit 2 for a name it cannot resolve.
    standIn(path.join(dir, 'bin'), 'getent', options.resolves ? 'echo "203.0.113.10 STREAM $2"' : 'exit 2');
    standIn(path.join(dir, 'bin'), 'certbot', `echo "certbot $*" >> "${dir}/calls"\nexit ${options.certbotSucceeds ? 0 : 1}`);
    return spawnSync('bash', [path.join(dir, 'issue-certificate')], {
      encoding: 'utf8',
      env: { PATH: `${path.join(dir, 'bin')}:/usr/bin:/bin`, CERTBOT_HOOKS_DIR: path.join(dir, 'hooks') },
    });
  }

  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'issue-'));
    for (const sub of ['bin', 'hooks']) mkdirSync(path.join(dir, sub));
    standIn(path.join(dir, 'hooks'), '00-copy.sh', `echo "hook copy" >> "${dir}/calls"`);
    standIn(path.join(dir, 'hooks'), 'reload-coturn.sh', `echo "hook reload" >> "${dir}/calls"`);
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('does not ask Let\u2019s Encrypt while the name does not resolve, and fails so systemd retries', () => {
    const result = attempt({ resolves: false, certbotSucceeds: true });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('turn-01.bbb.example.org does not resolve yet; no certificate requested');
    expect(record()).toEqual([]);
    expect(existsSync(marker())).toBe(false);
  });

  it('fails after one refused request, without running the hooks or marking success', () => {
    const result = attempt({ resolves: true, certbotSucceeds: false });
    expect(result.status).not.toBe(0);
    expect(record()).toEqual([
      'certbot certonly --standalone --non-interactive --agree-tos --email ops@example.org --keep-until-expiring --cert-name turn-01.bbb.example.org -d turn-01.bbb.example.org',
    ]);
    expect(existsSync(marker())).toBe(false);
  });

  it('runs the deploy hooks in order once the certificate is issued, then marks success', () => {
    const result = attempt({ resolves: true, certbotSucceeds: true });
    expect(result.status).toBe(0);
    expect(record().slice(1)).toEqual(['hook copy', 'hook reload']);
    expect(readFileSync(marker(), 'utf8')).toMatch(/^\d{4}-\d{2}-\d{2}T/);
  });
});

describeWithTool('systemd-analyze', 'the first issuance unit', () => {
  it('passes systemd-analyze verify', () => {
    expect(verifyUnits({ [ISSUE_SERVICE]: fileAt(standalone, `/etc/systemd/system/${ISSUE_SERVICE}`).content })).toEqual([]);
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
