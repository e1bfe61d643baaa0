/**
 * `platform-update` against the apt-get, dpkg and needrestart stand-ins: security
 * updates only, BigBlueButton's packages only at the version asked for, and every
 * failure mode reported with its exit code and one result line.
 */
import { BBB_REPOSITORY, FakeMachine, SECURITY, UPDATES } from './fake-machine';

const BBB_INSTALLED = ['bigbluebutton 1:3.0.10-1', 'bbb-html5 1:3.0.10-1', 'bbb-web 1:3.0.10-1'];
const BBB_OFFERED = [
  `bigbluebutton 1:3.0.10-1 ${BBB_REPOSITORY}`,
  `bbb-html5 1:3.0.10-1 ${BBB_REPOSITORY}`,
  `bbb-web 1:3.0.10-1 ${BBB_REPOSITORY}`,
  `bigbluebutton 1:3.0.12-1 ${BBB_REPOSITORY}`,
  `bbb-html5 1:3.0.12-1 ${BBB_REPOSITORY}`,
  `bbb-web 1:3.0.12-1 ${BBB_REPOSITORY}`,
];
/** The bigbluebutton package depends on each bbb-* package at its exact version (build/packages-template/bigbluebutton/build.sh). */
const BBB_REQUIRES = ['bigbluebutton=1:3.0.12-1 bbb-html5=1:3.0.12-1 bbb-web=1:3.0.12-1', 'bigbluebutton=1:3.0.10-1 bbb-html5=1:3.0.10-1 bbb-web=1:3.0.10-1'];

describe('platform-update', () => {
  let machine: FakeMachine;
  beforeEach(() => {
    machine = new FakeMachine();
    machine
      .packages(
        ['libssl3 3.0.2-0ubuntu1.10', 'openssh-server 1:8.9p1-3ubuntu0.4', 'tzdata 2024a-0ubuntu0.22.04', ...BBB_INSTALLED],
        [
          `libssl3 3.0.2-0ubuntu1.12 ${SECURITY}`,
          `openssh-server 1:8.9p1-3ubuntu0.6 ${SECURITY}`,
          `tzdata 2024b-0ubuntu0.22.04 ${UPDATES}`,
          ...BBB_OFFERED,
        ],
      )
      .write('requires', BBB_REQUIRES)
      .write('outdated-services', ['libssl3 nginx.service', 'libssl3 freeswitch.service', 'openssh-server ssh.service']);
  });
  afterEach(() => machine.remove());

  it('installs the security updates only, and restarts what still runs the replaced files', () => {
    const { status, result } = machine.run('update');
    expect({ status, result }).toEqual({
      status: 0,
      result: { verb: 'update', result: 'ok', security: 2, bbbVersion: '1:3.0.10-1', bbbChanged: false, servicesRestarted: 3, rebootRequired: false },
    });
    expect(machine.installedVersion('libssl3')).toBe('3.0.2-0ubuntu1.12');
    expect(machine.installedVersion('openssh-server')).toBe('1:8.9p1-3ubuntu0.6');
    expect(machine.installedVersion('tzdata')).toBe('2024a-0ubuntu0.22.04');
    expect(machine.installedVersion('bigbluebutton')).toBe('1:3.0.10-1');
    expect(machine.read('../needrestart-restarts').split('\n').filter(Boolean).sort()).toEqual(['freeswitch.service', 'nginx.service', 'ssh.service']);
  });

  it('refreshes the lists first, waits a bounded time for the dpkg lock, keeps local configuration and never removes a package', () => {
    machine.run('update');
    const calls = machine.calls();
    expect(calls[0]).toMatch(/^apt-get .* update$/);
    expect(calls).toContain('dpkg --configure -a');
    const install = calls.find((call) => call.includes(' install ') && !call.includes(' -s '));
    expect(install).toBe(
      'apt-get -q -o DPkg::Lock::Timeout=120 -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold -y --no-remove install --only-upgrade libssl3 openssh-server',
    );
  });

  it('keeps needrestart\u2019s apt hook from restarting anything while it installs', () => {
    const { stderr } = machine.run('update');
    expect(stderr).toContain('packages have been installed but needrestart is suspended');
  });

  it('leaves BigBlueButton at its version although its repository offers a newer one', () => {
    machine.run('update');
    expect(['bigbluebutton', 'bbb-html5', 'bbb-web'].map((name) => machine.installedVersion(name))).toEqual(['1:3.0.10-1', '1:3.0.10-1', '1:3.0.10-1']);
  });

  it('refuses security updates that would change BigBlueButton\u2019s packages, and installs nothing', () => {
    machine.write('requires', [...BBB_REQUIRES, 'libssl3=3.0.2-0ubuntu1.12 bbb-web=1:3.0.12-1']);
    const { status, result } = machine.run('update');
    expect({ status, result }).toEqual({
      status: 1,
      result: { verb: 'update', result: 'failed', message: 'the security updates would change BigBlueButton packages: bbb-web ' },
    });
    expect(machine.installedVersion('libssl3')).toBe('3.0.2-0ubuntu1.10');
    expect(machine.metric('platform_maintenance_last_run_success')).toBe(0);
  });

  it('refuses security updates that would remove a package', () => {
    machine.write('requires', [...BBB_REQUIRES, 'libssl3=3.0.2-0ubuntu1.12 -bbb-web']);
    const { status, result } = machine.run('update');
    expect({ status, message: result.message }).toEqual({ status: 1, message: 'E: Packages need to be removed but remove is disabled.' });
    expect(machine.installedVersion('bbb-web')).toBe('1:3.0.10-1');
  });

  it('moves BigBlueButton to the version asked for, every bbb-* package with it', () => {
    const { status, result } = machine.run('update', ['--bbb-version', '1:3.0.12-1']);
    expect({ status, bbbVersion: result.bbbVersion, bbbChanged: result.bbbChanged }).toEqual({ status: 0, bbbVersion: '1:3.0.12-1', bbbChanged: true });
    expect(['bigbluebutton', 'bbb-html5', 'bbb-web'].map((name) => machine.installedVersion(name))).toEqual(['1:3.0.12-1', '1:3.0.12-1', '1:3.0.12-1']);
  });

  it('does not touch BigBlueButton when it already has the version asked for', () => {
    const { result } = machine.run('update', ['--bbb-version', '1:3.0.10-1']);
    expect(result.bbbChanged).toBe(false);
    expect(machine.calls().filter((call) => call.includes('bigbluebutton='))).toEqual([]);
  });

  it('fails for a BigBlueButton version the repository does not have', () => {
    const { status, result } = machine.run('update', ['--bbb-version', '1:3.0.99-1']);
    expect({ status, result: result.result, message: result.message }).toEqual({
      status: 1,
      result: 'failed',
      message: "E: Version '1:3.0.99-1' for 'bigbluebutton' was not found",
    });
  });

  it('says busy, and installs nothing, while another process holds the dpkg lock', () => {
    machine.write('dpkg-lock', '4242 unattended-upgr');
    const { status, result } = machine.run('update');
    expect({ status, result }).toEqual({
      status: 3,
      result: { verb: 'update', result: 'busy', message: 'dpkg: error: dpkg frontend lock was locked by another process with pid 4242' },
    });
    expect(machine.installedVersion('libssl3')).toBe('3.0.2-0ubuntu1.10');
    expect(machine.metric('platform_maintenance_last_run_success')).toBeUndefined();
  });

  it('says busy while another process refreshes the package lists', () => {
    machine.write('lists-lock', '4343 apt-get');
    const { status, result } = machine.run('update');
    expect({ status, message: result.message }).toEqual({ status: 3, message: 'E: Could not get lock /var/lib/apt/lists/lock. It is held by process 4343 (apt-get)' });
  });

  it('says busy while another maintenance command runs', () => {
    const { status, result } = machine.withLockHeld(() => machine.run('update'));
    expect({ status, result }).toEqual({ status: 3, result: { verb: 'update', result: 'busy', message: 'another maintenance command is running' } });
    expect(machine.calls()).toEqual([]);
  });

  it('fails when a package does not install, says which, and stays failed until it does', () => {
    machine.write('failing', ['openssh-server']);
    const first = machine.run('update');
    expect({ status: first.status, message: first.result.message }).toEqual({ status: 1, message: 'dpkg: error processing package openssh-server (--configure):' });
    expect(machine.metric('platform_maintenance_last_run_success')).toBe(0);
    expect(machine.metric('platform_maintenance_last_success_timestamp_seconds')).toBeUndefined();

    const again = machine.run('update');
    expect({ status: again.status, message: again.result.message }).toEqual({ status: 1, message: 'dpkg: error processing package openssh-server (--configure):' });

    machine.write('failing', '');
    const fixed = machine.run('update');
    expect(fixed.status).toBe(0);
    expect(machine.metric('platform_maintenance_last_run_success')).toBe(1);
    expect(machine.read('half-configured').trim()).toBe('');
  });

  it('finishes an installation a power-off cut short before it installs anything', () => {
    machine.write('interrupted', 'yes');
    const { status } = machine.run('update');
    expect(status).toBe(0);
    expect(machine.installedVersion('libssl3')).toBe('3.0.2-0ubuntu1.12');
  });

  it('fails when the package lists cannot be refreshed', () => {
    machine.write('update-error', 'Failed to fetch http://security.ubuntu.com/ubuntu/dists/jammy-security/InRelease  404  Not Found');
    const { status, result } = machine.run('update');
    expect({ status, message: result.message }).toEqual({
      status: 1,
      message: 'E: Failed to fetch http://security.ubuntu.com/ubuntu/dists/jammy-security/InRelease  404  Not Found',
    });
  });

  it('fails when apt cannot plan an upgrade (broken dependencies)', () => {
    machine.write('unmet', 'yes');
    const { status, result } = machine.run('update');
    expect({ status, message: result.message }).toEqual({
      status: 1,
      message: "E: Unmet dependencies. Try 'apt --fix-broken install' with no packages (or specify a solution).",
    });
  });

  it('reports a reboot that an update asks for', () => {
    machine.write('reboot-packages', ['libssl3']);
    expect(machine.run('update').result.rebootRequired).toBe(true);
    expect(machine.metric('platform_reboot_required')).toBe(1);
  });

  it('writes the patch state: nothing security-related left, the tzdata update still pending', () => {
    machine.run('update');
    expect(machine.metric('platform_updates_pending')).toBe(1);
    expect(machine.metric('platform_security_updates_pending')).toBe(0);
    expect(machine.metric('platform_security_updates_pending_since_timestamp_seconds')).toBe(0);
    const success = machine.metric('platform_maintenance_last_success_timestamp_seconds') ?? 0;
    expect(Math.abs(success - Date.now() / 1000)).toBeLessThan(60);
    expect(machine.metric('platform_package_lists_updated_timestamp_seconds')).toBeGreaterThan(0);
  });

  it.each([
    [['--reboot'], 'unknown argument: --reboot (usage: platform-update [--bbb-version <version>])'],
    [['--bbb-version'], '--bbb-version needs a version, e.g. 1:3.0.12-1'],
    [['--bbb-version', '3.0; rm -rf /'], '--bbb-version: not a package version: 3.0; rm -rf /'],
  ])('rejects %j without doing anything', (args, message) => {
    const { status, result } = machine.run('update', args);
    expect({ status, result }).toEqual({ status: 2, result: { verb: 'update', result: 'usage', message } });
    expect(machine.calls()).toEqual([]);
  });

  it('answers not-ready before the first-boot setup has finished', () => {
    machine.extraEnv = { PLATFORM_READY_MARKER: `${machine.root}/no-such-marker` };
    const { status, result } = machine.run('update');
    expect({ status, result }).toEqual({ status: 4, result: { verb: 'update', result: 'not-ready', message: 'the first-boot setup has not finished' } });
    expect(machine.calls()).toEqual([]);
  });

  it('answers not-ready for a BigBlueButton version on a server without BigBlueButton', () => {
    machine.packages(['libssl3 3.0.2-0ubuntu1.10'], [`libssl3 3.0.2-0ubuntu1.12 ${SECURITY}`]);
    const { status, result } = machine.run('update', ['--bbb-version', '1:3.0.12-1']);
    expect({ status, result }).toEqual({ status: 4, result: { verb: 'update', result: 'not-ready', message: 'BigBlueButton is not installed' } });
  });

  it('escapes what it quotes from apt so the result line stays JSON', () => {
    machine.write('update-error', 'Failed to fetch "http://mirror\\x" \u0007 bell');
    const { result } = machine.run('update');
    expect(result.message).toBe('E: Failed to fetch "http://mirror\\x"   bell');
  });
});
