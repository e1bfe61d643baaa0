import * as path from 'node:path';
import * as yaml from 'js-yaml';
import { renderCloudConfig } from '../../constructs/cloud-init';
import { fillPlaceholders } from '../../constructs/templates';
import { exampleConfig } from '../../testing/synth';
import { describeWithTool, run } from '../support/tools';
import { cloudInitSchema } from '../support/validators';

const config = exampleConfig();
const rendered = renderCloudConfig(config, {
  hostname: 'example-test-01',
  packages: ['jq'],
  writeFiles: [{ path: '/etc/motd', content: 'He said "hello" ${not_terraform}\n' }],
  runcmd: [['echo', 'ready']],
});
const document = yaml.load(rendered) as Record<string, any>;

describe('base cloud-config', () => {
  it('starts with the #cloud-config header', () => {
    expect(rendered.startsWith('#cloud-config\n')).toBe(true);
  });

  it('creates the ops user with the environment keys and no password', () => {
    expect(document.users).toEqual([
      expect.objectContaining({ name: 'ops', lock_passwd: true, ssh_authorized_keys: config.sshKeys }),
    ]);
    expect(document.ssh_pwauth).toBe(false);
    expect(document.disable_root).toBe(true);
  });

  it('hardens sshd: keys only, no root login', () => {
    const hardening = document.write_files.find((file: { path: string }) => file.path.endsWith('10-hardening.conf'));
    expect(hardening.content).toMatch(/^PasswordAuthentication no$/m);
    expect(hardening.content).toMatch(/^PermitRootLogin no$/m);
  });

  it('brings up NICs attached after first boot', () => {
    expect(document.write_files.map((file: { path: string }) => file.path)).toEqual(
      expect.arrayContaining(['/usr/local/sbin/configure-nics', '/etc/systemd/system/configure-nics.timer']),
    );
    expect(document.runcmd).toContainEqual(['systemctl', 'enable', '--now', 'configure-nics.timer']);
  });

  it('keeps file content byte for byte', () => {
    expect(document.write_files).toContainEqual(expect.objectContaining({ path: '/etc/motd', content: 'He said "hello" ${not_terraform}\n' }));
  });
});

describe('template rendering', () => {
  it('fills every placeholder', () => {
    expect(fillPlaceholders('a={{ a }} b={{b}}', { a: 1, b: 'x' }, 't')).toBe('a=1 b=x');
  });

  it('names placeholders without a value and values without a placeholder', () => {
    expect(() => fillPlaceholders('a={{ a }} c={{ c }}', { a: 1, b: 2 }, 'templates/x.conf')).toThrow(
      'templates/x.conf: no value for c; unused value(s) b',
    );
  });
});

describeWithTool('cloud-init', 'base cloud-config validation', () => {
  it('passes cloud-init schema', () => {
    const result = cloudInitSchema(rendered);
    expect(`${result.stdout}${result.stderr}`).toContain('Valid cloud-config');
    expect(result.status).toBe(0);
  });
});

describeWithTool('shellcheck', 'base scripts', () => {
  it('pass shellcheck', () => {
    const result = run('shellcheck', [path.resolve(__dirname, '../../templates/base/configure-nics.sh')]);
    expect(result.stdout).toBe('');
    expect(result.status).toBe(0);
  });
});
