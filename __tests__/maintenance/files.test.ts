/**
 * The maintenance files as a server receives them, checked by the programs that
 * read them: shellcheck for the commands, systemd for the units and calendar
 * events, apt-config for the apt settings, perl for needrestart's configuration.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { APT_PERIODIC_CONF, NEEDRESTART_CONF } from '../../constructs/maintenance/maintenance-files';
import { maintenance, wholeWindow, windowSlot } from '../../constructs/maintenance';
import { verifyUnits } from '../bbb-pool/systemd-units';
import { describeWithTool, run } from '../support/tools';

const WINDOW = { from: '23:30', to: '03:30', timezone: 'Europe/Berlin', minutes: 240 };
const everything = maintenance({
  readyMarker: '/var/lib/bbb-platform/setup-done',
  bbbApiUrl: 'https://bbb-01.bbb.example.org/bigbluebutton/api',
  turn: {
    ...wholeWindow(WINDOW),
    tier: { lockKey: 42, healthUrls: ['http://10.20.1.1/health_check'], waitHealthy: '/usr/local/sbin/scalelite-wait-healthy', databaseEnv: '/opt/scalelite/scalelite.env' },
  },
});
const content = (serverPath: string) => everything.files.find((file) => file.path === serverPath)?.content ?? '';

function inTempDir<T>(files: Record<string, string>, body: (dir: string) => T): T {
  const dir = mkdtempSync(path.join(tmpdir(), 'maintenance-files-'));
  try {
    for (const [name, text] of Object.entries(files)) writeFileSync(path.join(dir, name), text);
    return body(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('maintenance files', () => {
  it('gives every server the commands, the settings and the patch-state timer; the check and the window turn only where asked', () => {
    const plain = maintenance();
    expect(plain.files.map((file) => file.path)).toEqual([
      APT_PERIODIC_CONF,
      NEEDRESTART_CONF,
      '/usr/local/lib/platform-maintenance/lib.sh',
      '/usr/local/sbin/platform-update',
      '/usr/local/sbin/platform-reboot-if-required',
      '/usr/local/sbin/platform-patch-state',
      '/etc/systemd/system/platform-patch-state.service',
      '/etc/systemd/system/platform-patch-state.timer',
    ]);
    expect(plain.timers).toEqual(['platform-patch-state.timer']);
    expect(everything.timers).toEqual(['platform-patch-state.timer', 'platform-maintenance.timer']);
    expect(everything.files.map((file) => file.path)).toEqual(
      expect.arrayContaining(['/usr/local/sbin/bbb-platform-check', '/usr/local/sbin/platform-maintenance-window', '/etc/systemd/system/platform-maintenance.timer']),
    );
    expect(everything.files.filter((file) => file.path.includes('/sbin/')).every((file) => file.mode === '0755')).toBe(true);
  });

  it('refreshes the patch state only once the first-boot setup has finished', () => {
    expect(content('/etc/systemd/system/platform-patch-state.service')).toContain('ConditionPathExists=/var/lib/bbb-platform/setup-done');
    expect(maintenance().files.find((file) => file.path.endsWith('platform-patch-state.service'))?.content).not.toContain('ConditionPathExists');
  });

  it('times turns in the window: the whole window, or equal slots one after another, across midnight', () => {
    expect(wholeWindow(WINDOW)).toEqual({ onCalendar: '*-*-* 23:30:00 Europe/Berlin', minutes: 240 });
    expect([1, 2, 3].map((index) => windowSlot(WINDOW, index, 3))).toEqual([
      { onCalendar: '*-*-* 23:30:00 Europe/Berlin', minutes: 80 },
      { onCalendar: '*-*-* 00:50:00 Europe/Berlin', minutes: 80 },
      { onCalendar: '*-*-* 02:10:00 Europe/Berlin', minutes: 80 },
    ]);
    expect(() => windowSlot(WINDOW, 4, 3)).toThrow('windowSlot: index must be 1..3, got 4');
  });
});

describeWithTool('shellcheck', 'maintenance commands', () => {
  const scripts = Object.fromEntries(
    everything.files.filter((file) => file.mode === '0755' || file.path.endsWith('.sh')).map((file) => [path.basename(file.path), file.content]),
  );

  it.each(Object.keys(scripts).map((name) => [name]))('%s is shellcheck-clean as delivered, with the library it sources', (name) => {
    const result = inTempDir(scripts, (dir) => run('shellcheck', ['--severity=style', '--external-sources', path.join(dir, name)], { cwd: dir }));
    expect(result.stdout).toBe('');
    expect(result.status).toBe(0);
  });
});

describeWithTool('systemd-analyze', 'maintenance units', () => {
  it('pass systemd-analyze verify', () => {
    const units = everything.files.filter((file) => file.path.startsWith('/etc/systemd/system/'));
    expect(units).toHaveLength(4);
    expect(verifyUnits(Object.fromEntries(units.map((unit) => [path.basename(unit.path), unit.content])))).toEqual([]);
  });

  it('take the calendar events of the turns, in the window\u2019s timezone', () => {
    for (const turn of [wholeWindow(WINDOW), windowSlot(WINDOW, 2, 3)]) {
      const result = run('systemd-analyze', ['calendar', turn.onCalendar]);
      expect({ status: result.status, normalized: result.stdout.split('\n')[0].trim() }).toEqual({ status: 0, normalized: `Normalized form: ${turn.onCalendar}` });
    }
  });
});

describeWithTool('apt-config', 'apt settings', () => {
  it('switch off apt.systemd.daily (APT::Periodic::Enable) and its update and upgrade steps', () => {
    const result = inTempDir({ 'periodic.conf': content(APT_PERIODIC_CONF) }, (dir) =>
      run('apt-config', ['-c', path.join(dir, 'periodic.conf'), 'shell', 'ENABLE', 'APT::Periodic::Enable', 'LISTS', 'APT::Periodic::Update-Package-Lists', 'UPGRADE', 'APT::Periodic::Unattended-Upgrade']),
    );
    expect(result.stdout).toBe("ENABLE='0'\nLISTS='0'\nUPGRADE='0'\n");
  });
});

describeWithTool('perl', 'needrestart settings', () => {
  it('set list-only mode, read the way needrestart reads its configuration (a perl eval)', () => {
    const loader = 'my %nrconf = (restart => "i"); my $cfg = do { local $/; open my $fh, "<", $ARGV[0] or die $!; <$fh> }; eval $cfg; die $@ if $@; print $nrconf{restart};';
    const result = inTempDir({ 'platform.conf': content(NEEDRESTART_CONF) }, (dir) => run('perl', ['-e', loader, path.join(dir, 'platform.conf')]));
    expect({ status: result.status, stdout: result.stdout, stderr: result.stderr }).toEqual({ status: 0, stdout: 'l', stderr: '' });
  });
});
