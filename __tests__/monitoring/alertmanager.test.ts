import { readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import * as yaml from 'js-yaml';
import { renderAlertmanagerConfig } from '../../monitoring/alertmanager/config';
import { alertExpressions } from '../../monitoring/rules';
import { describeWithTool, run } from '../support/tools';
import { DEFAULT_SMARTHOST, parseEnvironment } from '../../config';
import { ROOT, exampleConfig, scratchDir } from './fixtures';

interface Rendered {
  global: Record<string, unknown>;
  route: { receiver: string; group_by: string[]; routes: Array<{ matchers: string[]; repeat_interval: string }> };
  inhibit_rules: Array<{ source_matchers: string[]; target_matchers: string[]; equal: string[] }>;
  receivers: Array<{ name: string; email_configs: Array<{ to: string; send_resolved: boolean }> }>;
}

const PASSWORD_FILE = '/run/secrets/alertmanager/smtp-password';

function render(config = exampleConfig()): Rendered {
  return yaml.load(renderAlertmanagerConfig({ config, smtpPasswordFile: PASSWORD_FILE })) as Rendered;
}

describe('alertmanager.yml', () => {
  it('mails every alert to monitoring.alertEmail, critical ones hourly', () => {
    const rendered = render();
    expect(rendered.receivers).toEqual([
      { name: 'operators', email_configs: [expect.objectContaining({ to: 'ops@example.org', send_resolved: true })] },
    ]);
    expect(rendered.route.receiver).toBe('operators');
    expect(rendered.route.routes).toEqual([expect.objectContaining({ matchers: ['severity="critical"'], repeat_interval: '1h' })]);
  });

  it('uses IONOS mail and a sender in the platform domain by default, the password from a file', () => {
    expect(render().global).toMatchObject({
      smtp_smarthost: DEFAULT_SMARTHOST,
      smtp_from: 'alertmanager@bbb.example.org',
      smtp_auth_username: 'alertmanager@bbb.example.org',
      smtp_auth_password_file: PASSWORD_FILE,
      smtp_require_tls: true,
    });
  });

  it('takes the relay from monitoring.smtp when set', () => {
    const config = exampleConfig((c) => {
      c.monitoring.smtp = { smarthost: 'mail.school.example:465', from: 'noc@school.example', username: 'noc', requireTls: false };
    });
    expect(render(config).global).toMatchObject({
      smtp_smarthost: 'mail.school.example:465',
      smtp_from: 'noc@school.example',
      smtp_auth_username: 'noc',
      smtp_require_tls: false,
    });
  });

  it('rejects a relay that is not host:port, naming the key', () => {
    const text = readFileSync(path.join(ROOT, 'environments', 'example.yaml'), 'utf8').replace(
      '  alertEmail: ops@example.org\n',
      '  alertEmail: ops@example.org\n  smtp:\n    smarthost: smtp.ionos.de\n',
    );
    expect(() => parseEnvironment(text, 'example.yaml')).toThrow(/monitoring\.smtp\.smarthost: must be host:port/);
  });

  it('inhibits only alerts that exist', () => {
    const names = new Set(alertExpressions(exampleConfig()).map((rule) => rule.alert));
    const referenced = render()
      .inhibit_rules.flatMap((rule) => [...rule.source_matchers, ...rule.target_matchers])
      .filter((matcher) => matcher.startsWith('alertname'))
      .flatMap((matcher) => (/"(.*)"/.exec(matcher)?.[1] ?? '').split('|'));
    expect(referenced.filter((name) => !names.has(name))).toEqual([]);
    expect(referenced.length).toBeGreaterThan(10);
  });
});

describeWithTool('amtool', 'amtool check-config', () => {
  const scratch = scratchDir('alertmanager-config');
  afterAll(() => scratch.remove());

  it('accepts the rendered alertmanager.yml', () => {
    const file = path.join(scratch.dir, 'alertmanager.yml');
    writeFileSync(file, renderAlertmanagerConfig({ config: exampleConfig(), smtpPasswordFile: PASSWORD_FILE }));
    const result = run('amtool', ['check-config', file]);
    expect(result.stdout + result.stderr).toMatch(/SUCCESS[\s\S]*6 inhibit rules[\s\S]*1 receivers/);
    expect(result.status).toBe(0);
  });
});
