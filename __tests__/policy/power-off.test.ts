/** Gentle stops: the guest powers off first, IONOS releases it after; and calm: no stop for a rise that only paused. */
import { decide, type ServerObservation } from '../../functions/autoscaler/policy';
import { kinds, meetings, NOON, observation, server, settings, stopped } from './builders';

const minutesAgo = (minutes: number) => new Date(NOON.getTime() - minutes * 60_000);
const disabled = { known: true as const, state: 'disabled' as const, online: false, loadMultiplier: 1 };
const busyA = server('a', { meetings: meetings(2, 60) });
const busyB = server('b', { meetings: meetings(2, 60) });

/** Told to power off `minutes` ago, IONOS still reporting it running. */
function poweringOff(name: string, minutes: number, overrides: Partial<ServerObservation> = {}): ServerObservation {
  return server(name, { scalelite: disabled, powerOffRequestedAt: minutesAgo(minutes), bootedAt: minutesAgo(120), ...overrides });
}

describe('a server told to power off', () => {
  it('is stopped by IONOS as soon as its guest is off, releasing its cores and RAM', () => {
    const off = stopped('c', { powerOffRequestedAt: minutesAgo(1) });
    const decision = decide(observation([busyA, busyB, off]), settings());
    expect(kinds(decision.actions)).toEqual(['stop c']);
    expect(decision.actions[0].reason).toMatch(/release its cores and RAM/);
  });

  it('is waited for while its guest shuts down, and is no capacity meanwhile', () => {
    const decision = decide(observation([busyA, busyB, poweringOff('c', 2, { meetings: { known: false, error: 'connection refused' } })]), settings());
    expect(decision.actions).toEqual([]);
    expect(decision.capacity).toBe(400);
  });

  it('is stopped by IONOS when still on after shutdownTimeoutMinutes and its BBB no longer answers', () => {
    const hung = poweringOff('c', 6, { meetings: { known: false, error: 'connection refused' } });
    const decision = decide(observation([busyA, busyB, hung]), settings({ shutdownTimeoutMinutes: 5 }));
    expect(kinds(decision.actions)).toEqual(['stop c']);
  });

  it('is told again when its BBB still answers, drained, after the timeout (the command never arrived)', () => {
    expect(kinds(decide(observation([busyA, busyB, poweringOff('c', 6)]), settings()).actions)).toEqual(['powerOff c']);
    // With a meeting on it (it came back into service some other way), it is left alone.
    const decision = decide(observation([busyA, busyB, poweringOff('c', 6, { meetings: meetings(1, 10) })]), settings());
    expect(decision.actions.filter((action) => action.server === 'c')).toEqual([]);
    expect(decision.reasons).toContain('c: told to power off 6 min ago but holds meetings or recordings; left alone');
  });

  it('counts no more once it booted again after the request, or Scalelite sends it meetings', () => {
    const rebooted = server('c', { powerOffRequestedAt: minutesAgo(30), bootedAt: minutesAgo(20), meetings: meetings(1, 10) });
    const enabled = server('d', { powerOffRequestedAt: minutesAgo(1), bootedAt: minutesAgo(60), meetings: meetings(1, 10) });
    const decision = decide(observation([busyA, busyB, rebooted, enabled]), settings({ poolSize: 4 }));
    expect(decision.capacity).toBe(800);
    expect(decision.actions.filter((action) => action.kind === 'stop' || action.kind === 'powerOff')).toEqual([]);
  });

  it('is started again first when the load needs capacity: IONOS still holds it', () => {
    const off = stopped('f', { powerOffRequestedAt: minutesAgo(1) });
    const servers = [server('a', { meetings: meetings(8, 300) }), server('b', { meetings: meetings(8, 300) }), stopped('c'), off];
    const decision = decide(observation(servers), settings());
    expect(decision.actions).toContainEqual(expect.objectContaining({ kind: 'start', server: 'f' }));
    expect(decision.actions.filter((action) => action.server === 'f').map((action) => action.kind)).toEqual(['start']);
  });
});

describe('calm', () => {
  it('keeps a server started for a rise that did not come for keepStartedMinutes after its boot', () => {
    const fresh = server('c', { scalelite: { ...disabled, online: true }, bootedAt: minutesAgo(6) });
    const young = decide(observation([busyA, busyB, fresh]), settings({ keepStartedMinutes: 10 }));
    expect(young.actions).toEqual([]);
    const older = decide(observation([busyA, busyB, { ...fresh, bootedAt: minutesAgo(11) }]), settings({ keepStartedMinutes: 10 }));
    expect(kinds(older.actions)).toEqual(['powerOff c']);
  });

  it('starts nothing for a load that stepped up and stays: the recent trend must rise too', () => {
    const servers = [server('a', { meetings: meetings(5, 150) }), server('b', { meetings: meetings(5, 150) }), stopped('c')];
    // 300 + 4 x 20 = 380, / 0.8 = 475 > 400 while it still rises; flat over the last minutes, 375 fits.
    expect(kinds(decide(observation(servers, { fleet: { loadTrendPerMinute: 20, recentTrendPerMinute: 20 } }), settings()).actions)).toEqual(['start c']);
    expect(decide(observation(servers, { fleet: { loadTrendPerMinute: 20, recentTrendPerMinute: 0 } }), settings()).actions).toEqual([]);
  });

  it('cordons no server with meetings while a booted one waits to be enabled', () => {
    const waiting = server('c', { scalelite: { ...disabled, online: true }, bootedAt: minutesAgo(6) });
    const servers = [server('a', { meetings: meetings(1, 10) }), server('b', { meetings: meetings(1, 10) }), server('d', { meetings: meetings(1, 10) }), waiting];
    const decision = decide(observation(servers), settings({ minRunning: 1, keepStartedMinutes: 10 }));
    expect(decision.actions.filter((action) => action.kind === 'cordon')).toEqual([]);
  });
});
