/**
 * `platform-reboot-if-required`, `bbb-platform-check` and `platform-patch-state`
 * against the stand-ins, with the result line and exit code of each outcome.
 */
import { mkdirSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { describeWithTool, run } from '../support/tools';
import { FakeMachine, SECURITY, UPDATES } from './fake-machine';

const API = 'bbb-01.bbb.example.org/bigbluebutton/api';
const API_ANSWER = '<response><returncode>SUCCESS</returncode><version>2.0</version></response>';

describe('platform-reboot-if-required', () => {
  let machine: FakeMachine;
  beforeEach(() => (machine = new FakeMachine()));
  afterEach(() => machine.remove());

  const shutdowns = () => (readFileSync(machine.shutdowns, { encoding: 'utf8', flag: 'a+' }) as string).split('\n').filter(Boolean);

  it('does nothing when no update asked for a reboot', () => {
    const { status, result } = machine.run('rebootIfRequired');
    expect({ status, result }).toEqual({ status: 0, result: { verb: 'reboot-if-required', result: 'ok', rebooting: false } });
    expect(shutdowns()).toEqual([]);
  });

  it('schedules the reboot a minute ahead and names the packages that asked for it', () => {
    writeFileSync(machine.rebootRequired, '*** System restart required ***\n');
    writeFileSync(`${machine.rebootRequired}.pkgs`, 'linux-image-5.15.0-91-generic\nlibc6\nlinux-image-5.15.0-91-generic\n');
    const { status, result } = machine.run('rebootIfRequired');
    expect({ status, result }).toEqual({
      status: 0,
      result: { verb: 'reboot-if-required', result: 'ok', rebooting: true, packages: 'libc6,linux-image-5.15.0-91-generic' },
    });
    expect(shutdowns()).toEqual(['reboot +1 platform maintenance: libc6,linux-image-5.15.0-91-generic']);
  });

  it('fails, and says so in the metrics, when the reboot cannot be scheduled', () => {
    writeFileSync(machine.rebootRequired, '');
    machine.extraEnv = { FAKE_SHUTDOWN_REFUSES: '1' };
    const { status, result } = machine.run('rebootIfRequired');
    expect({ status, result: result.result }).toEqual({ status: 1, result: 'failed' });
    expect(readFileSync(path.join(machine.stateDir, 'last-run'), 'utf8')).toMatch(/^\d+ 0\n$/);
  });

  it('says busy while another maintenance command runs, and takes no arguments', () => {
    writeFileSync(machine.rebootRequired, '');
    expect(machine.withLockHeld(() => machine.run('rebootIfRequired')).status).toBe(3);
    expect(machine.run('rebootIfRequired', ['now']).result).toEqual({ verb: 'reboot-if-required', result: 'usage', message: 'takes no arguments, got: now' });
    expect(shutdowns()).toEqual([]);
  });
});

describe('bbb-platform-check', () => {
  let machine: FakeMachine;
  beforeEach(() => {
    machine = new FakeMachine();
    machine.packages(['bigbluebutton 1:3.0.12-1'], []);
    mkdirSync(path.dirname(path.join(machine.web, API)), { recursive: true });
    writeFileSync(path.join(machine.web, API), API_ANSWER);
  });
  afterEach(() => machine.remove());

  it('passes a server whose API answers and whose bbb-conf --check finds nothing', () => {
    const { status, result } = machine.run('check', ['--bbb-version', '1:3.0.12-1']);
    expect({ status, result }).toEqual({ status: 0, result: { verb: 'check', result: 'ok', api: true, bbbConfFindings: 0, bbbVersion: '1:3.0.12-1' } });
  });

  it('fails a server whose API does not answer', () => {
    writeFileSync(path.join(machine.web, API), '<response><returncode>FAILED</returncode></response>');
    const { status, result } = machine.run('check');
    expect({ status, result }).toEqual({
      status: 1,
      result: {
        verb: 'check',
        result: 'failed',
        api: false,
        bbbConfFindings: 0,
        bbbVersion: '1:3.0.12-1',
        problem: 'the BigBlueButton API does not answer SUCCESS at https://bbb-01.bbb.example.org/bigbluebutton/api',
      },
    });
  });

  it('fails on what bbb-conf --check finds although bbb-conf exits 0', () => {
    writeFileSync(
      machine.bbbConfFindings,
      ['# Not running:  freeswitch', '# Warning: The directory', '#', '#  /var/bigbluebutton', '#', '# is not owned by bigbluebutton:bigbluebutton.', '#    ruby command not found', ''].join('\n'),
    );
    const { status, result } = machine.run('check');
    expect({ status, findings: result.bbbConfFindings, problem: result.problem }).toEqual({
      status: 1,
      findings: 5,
      problem: 'bbb-conf --check: # Not running:  freeswitch',
    });
  });

  it('fails when bbb-conf --check itself fails', () => {
    machine.extraEnv = { FAKE_BBB_CONF_EMPTY_VALUE: '1' };
    const { status, result } = machine.run('check');
    expect({ status, problem: result.problem }).toEqual({ status: 1, problem: 'bbb-conf --check failed (exit 1): # Tried to check server_name in' });
    machine.extraEnv = { FAKE_BBB_CONF_NOT_INSTALLED: '1' };
    expect(machine.run('check').result.problem).toBe('bbb-conf --check (exit 1) printed no findings section');
  });

  it('fails a server with another BigBlueButton version than asked for', () => {
    const { status, result } = machine.run('check', ['--bbb-version', '1:3.0.13-1']);
    expect({ status, problem: result.problem }).toEqual({ status: 1, problem: 'BigBlueButton is 1:3.0.12-1, expected 1:3.0.13-1' });
  });

  it('answers not-ready before the setup has finished, and usage for unknown arguments', () => {
    expect(machine.run('check', ['--fast']).status).toBe(2);
    machine.extraEnv = { PLATFORM_READY_MARKER: `${machine.root}/no-such-marker` };
    expect(machine.run('check').result).toEqual({ verb: 'check', result: 'not-ready', message: 'the first-boot setup has not finished' });
  });
});

describe('platform-patch-state', () => {
  let machine: FakeMachine;
  beforeEach(() => {
    machine = new FakeMachine();
    machine
      .write('installed', ['libssl3 3.0.2-0ubuntu1.10', 'tzdata 2024a-0ubuntu0.22.04', 'bigbluebutton 1:3.0.10-1'])
      .write('repository', [`libssl3 3.0.2-0ubuntu1.12 ${SECURITY}`, `tzdata 2024b-0ubuntu0.22.04 ${UPDATES}`, 'bigbluebutton 1:3.0.12-1 bigbluebutton-jammy [amd64]']);
  });
  afterEach(() => machine.remove());

  const runPatchState = () => machine.execute('patchState');

  it('refreshes stale lists, then counts pending and security updates without BigBlueButton\u2019s own', () => {
    expect(runPatchState().status).toBe(0);
    expect(machine.calls()[0]).toMatch(/ update$/);
    expect(machine.metric('platform_updates_pending')).toBe(2);
    expect(machine.metric('platform_security_updates_pending')).toBe(1);
    expect(machine.metric('platform_reboot_required')).toBe(0);
    expect(machine.metric('platform_maintenance_last_run_success')).toBeUndefined();
  });

  it('remembers since when security updates are pending, across runs', () => {
    runPatchState();
    const since = machine.metric('platform_security_updates_pending_since_timestamp_seconds');
    writeFileSync(path.join(machine.stateDir, 'security-pending-since'), '1700000000\n');
    runPatchState();
    expect(since).toBeGreaterThan(1_700_000_000);
    expect(machine.metric('platform_security_updates_pending_since_timestamp_seconds')).toBe(1_700_000_000);
  });

  it('leaves fresh lists alone and installs nothing', () => {
    runPatchState();
    runPatchState();
    expect(machine.calls().filter((call) => call.endsWith(' update'))).toHaveLength(1);
    expect(machine.calls().filter((call) => call.includes(' install '))).toEqual([]);
    const stamp = path.join(machine.stateDir, 'lists-updated');
    writeFileSync(stamp, `${Math.floor(Date.now() / 1000) - 13 * 3600}\n`);
    utimesSync(stamp, new Date(), new Date());
    runPatchState();
    expect(machine.calls().filter((call) => call.endsWith(' update'))).toHaveLength(2);
  });

  it('still writes the state from the old lists when they cannot be refreshed', () => {
    machine.write('lists', [`libssl3 3.0.2-0ubuntu1.12 ${SECURITY}`]).write('update-error', 'Failed to fetch http://archive.ubuntu.com/ubuntu  Connection timed out');
    const { status, stderr } = runPatchState();
    expect({ status, stderr }).toEqual({ status: 0, stderr: expect.stringContaining('the state uses the old ones') });
    expect(machine.metric('platform_security_updates_pending')).toBe(1);
  });

  it('fails and leaves the last state in place when apt cannot plan, so its age shows it', () => {
    runPatchState();
    const before = machine.patchState();
    machine.write('unmet', 'yes').write('lists-updated', '');
    const { status, stderr } = runPatchState();
    expect({ status, stderr }).toEqual({ status: 1, stderr: expect.stringContaining("E: Unmet dependencies. Try 'apt --fix-broken install'") });
    expect(machine.patchState()).toBe(before);
  });

  it('skips while a maintenance command runs (the command writes the state when it ends)', () => {
    const { status } = machine.withLockHeld(runPatchState);
    expect(status).toBe(0);
    expect(machine.calls()).toEqual([]);
  });
});

describeWithTool('promtool', 'patch state file', () => {
  it('is valid Prometheus text exposition, also after a failed run', () => {
    const machine = new FakeMachine();
    try {
      machine.write('installed', ['libssl3 1']).write('repository', [`libssl3 2 ${SECURITY}`]).write('failing', ['libssl3']);
      machine.run('update');
      const result = run('promtool', ['check', 'metrics'], { input: machine.patchState() });
      expect({ status: result.status, output: result.stdout + result.stderr }).toEqual({ status: 0, output: '' });
      expect(machine.metric('platform_maintenance_last_run_success')).toBe(0);
    } finally {
      machine.remove();
    }
  });
});
