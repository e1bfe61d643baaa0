/** Held servers: the policy plans without them and only ever cordons them. */
import { decide } from '../../functions/autoscaler/policy';
import type { ServerObservation } from '../../functions/autoscaler/policy';
import { cordoned, kinds, meetings, observation, server, settings, stopped } from './builders';

const held = (observed: ServerObservation): ServerObservation => ({ ...observed, held: true });

describe('a held server', () => {
  it('is cordoned while enabled, and a replacement is started in its place', () => {
    const servers = [held(server('a', { meetings: meetings(2, 40) })), server('b', { meetings: meetings(2, 40) }), stopped('c'), stopped('d')];
    const decision = decide(observation(servers), settings({ minRunning: 2 }));
    expect(kinds(decision.actions)).toEqual(['start c', 'cordon a']);
    // Only b counts: as capacity, as a running server and towards the minimum.
    expect(decision.capacity).toBe(200);
    expect(decision.runningServers).toBe(1);
    expect(decision.desiredServers).toBe(2);
    expect(decision.reasons.join('\n')).not.toContain('a: held by the operator, left alone');
  });

  it('is cordoned once: cordoned, nothing more is done to it', () => {
    const servers = [held(cordoned('a', { meetings: meetings(2, 40) })), server('b'), server('c'), stopped('d')];
    const decision = decide(observation(servers), settings({ minRunning: 2 }));
    expect(decision.actions).toEqual([]);
    expect(decision.reasons).toContain('a: held by the operator, left alone');
  });

  it('is never stopped, resized or disabled once drained, and keeps its multiplier', () => {
    const grown = {
      cores: 16,
      ramGb: 32,
      scalelite: { known: true, state: 'cordoned', online: true, loadMultiplier: 1 },
    } as const;
    const others = [server('b'), server('c'), stopped('d')];
    const idle = { fleet: { load: 0, peakLoad: 0 } };
    // Not held, the same drained server would be powered off.
    expect(kinds(decide(observation([server('a', grown), ...others], idle), settings({ minRunning: 1 })).actions)).toContain('powerOff a');
    const decision = decide(observation([held(server('a', grown)), ...others], idle), settings({ minRunning: 1 }));
    expect(decision.actions.filter((action) => action.server === 'a')).toEqual([]);
  });

  it('is never started, resized back or disabled while stopped', () => {
    const a = stopped('a', { cores: 16, ramGb: 32, scalelite: { known: true, state: 'cordoned', online: false, loadMultiplier: 1 } });
    const b = server('b', { meetings: meetings(8, 300) });
    // Not held, it would be disabled and started (at the size the start carries).
    expect(kinds(decide(observation([a, b]), settings({ minRunning: 2, poolSize: 2 })).actions)).toEqual(['disable a', 'start a']);
    const decision = decide(observation([held(a), b]), settings({ minRunning: 2, poolSize: 2 }));
    expect(decision.actions.filter((action) => action.server === 'a')).toEqual([]);
    expect(decision.reasons.join('\n')).toMatch(/still short after scaling out/);
  });

  it('is not re-enabled when the load needs capacity', () => {
    const servers = [held(cordoned('a', { meetings: meetings(3, 100) })), server('b', { meetings: meetings(6, 200) }), stopped('c')];
    const decision = decide(observation(servers), settings({ minRunning: 1 }));
    expect(kinds(decision.actions)).toEqual(['start c']);
  });

  it('is not resized by vertical scaling, which sizes only the servers it starts', () => {
    const servers = [held(server('a', { meetings: meetings(6, 150) })), server('b', { meetings: meetings(8, 190) }), stopped('c')];
    const decision = decide(observation(servers, { fleet: { loadTrendPerMinute: 50 } }), settings({ poolSize: 3, minRunning: 1, vertical: { enabled: true, maxCores: 16, maxRamGb: 32 } }));
    expect(decision.actions.filter((action) => action.kind === 'resize')).toEqual([]);
    expect(decision.actions).toContainEqual(expect.objectContaining({ kind: 'start', server: 'c', cores: 16, ramGb: 32 }));
    expect(decision.actions.filter((action) => action.server === 'a').map((action) => action.kind)).toEqual(['cordon']);
  });

  it('keeps taking meetings while it is the only server that can, until a replacement is enabled', () => {
    const standby = server('b', { scalelite: { known: true, state: 'disabled', online: false, loadMultiplier: 1 } });
    const alone = decide(observation([held(server('a', { meetings: meetings(1, 10) })), stopped('b')]), settings({ minRunning: 1 }));
    expect(kinds(alone.actions)).toEqual(['start b']);
    expect(alone.reasons).toContain('a: held by the operator, cordon waits for another enabled server');
    const answering = decide(observation([held(server('a', { meetings: meetings(1, 10) })), standby]), settings({ minRunning: 1 }));
    expect(kinds(answering.actions)).toEqual(['enable b', 'cordon a']);
  });

  it('counts against the pool size while powered on', () => {
    const servers = [held(cordoned('a')), server('b', { meetings: meetings(8, 500) }), stopped('c'), stopped('d')];
    const decision = decide(observation(servers), settings({ poolSize: 3, minRunning: 1 }));
    expect(kinds(decision.actions)).toEqual(['start c']);
    expect(decision.reasons).toContain('pool size 3 reached: no more servers to start');
  });
});
