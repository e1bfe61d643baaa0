import { decide } from '../../functions/autoscaler/policy';
import { NOON, cordoned, kinds, meetings, observation, server, settings, stopped } from './builders';

const minutesBefore = (minutes: number) => new Date(NOON.getTime() - minutes * 60_000);
const disabled = { known: true as const, state: 'disabled' as const, online: false, loadMultiplier: 1 };
const notAnswering = { known: false as const, error: 'connection refused' };

describe('load and capacity', () => {
  it('weighs a webcam as three participants', () => {
    const decision = decide(observation([server('a', { meetings: meetings(3, 100, 20) }), server('b')]), settings());
    expect(decision.load).toBe(160);
  });

  it('plans for the larger of the Prometheus load and the servers own counts', () => {
    const servers = [server('a', { meetings: meetings(1, 50) }), server('b')];
    expect(decide(observation(servers, { fleet: { load: 300 } }), settings()).load).toBe(300);
    expect(decide(observation(servers, { fleet: { load: 10 } }), settings()).load).toBe(50);
  });

  it('assumes a server whose getMeetings failed is full when Prometheus has no load either', () => {
    const servers = [server('a', { meetings: meetings(2, 100) }), server('b', { meetings: { known: false, error: 'timeout' } }), stopped('c')];
    const decision = decide(observation(servers, { fleet: { load: undefined, metricsFresh: false } }), settings());
    // 100 counted + 0.8 x 200 assumed for b.
    expect(decision.load).toBe(260);
    expect(decide(observation(servers, { fleet: { load: 100 } }), settings()).load).toBe(100);
  });

  it('keeps running capacity at load / targetUtilization', () => {
    const servers = [server('a', { meetings: meetings(4, 200) }), server('b', { meetings: meetings(4, 200) }), stopped('c'), stopped('d')];
    const decision = decide(observation(servers), settings());
    expect(decision.desiredCapacity).toBe(500);
    expect(kinds(decision.actions)).toEqual(['start c']);
  });

  it('counts a resized server in proportion to its cores', () => {
    const big = server('a', { cores: 16, ramGb: 32, meetings: meetings(8, 300), scalelite: { known: true, state: 'enabled', online: true, loadMultiplier: 0.5 } });
    const decision = decide(observation([big, server('b'), stopped('c')]), settings());
    expect(decision.capacity).toBe(600);
    expect(decision.actions).toEqual([]);
  });
});

describe('scale-out', () => {
  it('starts as many servers as the load needs in one tick', () => {
    const servers = [server('a', { meetings: meetings(6, 350) }), server('b', { meetings: meetings(6, 350) }), stopped('c'), stopped('d'), stopped('e'), stopped('f')];
    const decision = decide(observation(servers), settings());
    // 700 / 0.8 = 875 needs 5 servers of 200.
    expect(kinds(decision.actions)).toEqual(['start c', 'start d', 'start e']);
    expect(decision.desiredServers).toBe(5);
  });

  it('counts starting and booting servers as capacity to come', () => {
    const servers = [
      server('a', { meetings: meetings(6, 300) }),
      server('b', { meetings: meetings(6, 300) }),
      // A start IONOS is still carrying out: the VM reads SHUTOFF, metadata.state BUSY.
      stopped('c', { busy: true, bootedAt: minutesBefore(1) }),
      server('d', { scalelite: disabled, meetings: notAnswering, bootedAt: minutesBefore(2) }),
      stopped('e'),
    ];
    const decision = decide(observation(servers), settings());
    expect(decision.actions).toEqual([]);
  });

  it('re-enables a cordoned server before starting a stopped one', () => {
    const servers = [
      server('a', { meetings: meetings(4, 200) }),
      server('b', { meetings: meetings(4, 200) }),
      cordoned('c', { meetings: meetings(1, 50) }),
      stopped('d'),
    ];
    const decision = decide(observation(servers), settings());
    expect(kinds(decision.actions)).toEqual(['enable c']);
  });

  it('looks a boot and a margin ahead while the load rises', () => {
    const servers = [server('a', { meetings: meetings(3, 150) }), server('b', { meetings: meetings(3, 150) }), stopped('c'), stopped('d')];
    expect(decide(observation(servers), settings()).actions).toEqual([]);
    const rising = decide(observation(servers, { fleet: { loadTrendPerMinute: 20 } }), settings());
    // 300 + 4 x 20 = 380 planned, / 0.8 = 475: one more server.
    expect(kinds(rising.actions)).toEqual(['start c']);
    // A margin of 6 minutes more: 300 + 10 x 20 = 500, / 0.8 = 625: two more.
    const further = decide(observation(servers, { fleet: { loadTrendPerMinute: 20 } }), settings({ lookaheadMarginMinutes: 6 }));
    expect(kinds(further.actions)).toEqual(['start c', 'start d']);
  });

  it('never powers on more servers than the pool size', () => {
    const servers = [server('a', { meetings: meetings(9, 400) }), server('b', { meetings: meetings(9, 400) }), stopped('c'), stopped('d'), stopped('e')];
    const decision = decide(observation(servers), settings({ poolSize: 3 }));
    expect(kinds(decision.actions)).toEqual(['start c']);
    expect(decision.reasons.join('\n')).toContain('pool size 3 reached');
  });

  it('counts servers in an unknown power state against the pool size', () => {
    const servers = [server('a', { meetings: meetings(9, 400) }), server('b', { power: 'unknown' }), stopped('c'), stopped('d')];
    const decision = decide(observation(servers), settings({ poolSize: 3 }));
    expect(kinds(decision.actions)).toEqual(['start c']);
  });
});

describe('minimum and schedule', () => {
  const rule = { days: ['tue' as const], from: '11:00', to: '14:00', minRunning: 4 };

  it('starts servers up to bbb.pool.minRunning', () => {
    const decision = decide(observation([server('a'), stopped('b'), stopped('c')]), settings({ minRunning: 3 }));
    expect(kinds(decision.actions)).toEqual(['start b', 'start c']);
  });

  it('raises the minimum while a schedule rule is active', () => {
    const servers = [server('a'), server('b'), stopped('c'), stopped('d'), stopped('e')];
    const decision = decide(observation(servers), settings({ schedule: { timezone: 'Europe/Berlin', rules: [rule] } }));
    expect(decision.effectiveMinimum).toBe(4);
    expect(kinds(decision.actions)).toEqual(['start c', 'start d']);
  });

  it('still meets a schedule minimum when the metrics are stale', () => {
    const servers = [server('a'), server('b'), stopped('c'), stopped('d')];
    const decision = decide(
      observation(servers, { fleet: { load: undefined, peakLoad: undefined, metricsFresh: false } }),
      settings({ schedule: { timezone: 'Europe/Berlin', rules: [rule] } }),
    );
    expect(kinds(decision.actions)).toEqual(['start c', 'start d']);
  });

  it('caps the minimum at the pool size', () => {
    const decision = decide(observation([server('a'), server('b')]), settings({ poolSize: 2, minRunning: 2, schedule: { timezone: 'Europe/Berlin', rules: [{ ...rule, minRunning: 5 }] } }));
    expect(decision.effectiveMinimum).toBe(2);
  });
});

describe('scale-in', () => {
  const idleFleet = () => [server('a', { meetings: meetings(1, 40) }), server('b', { meetings: meetings(1, 20) }), server('c', { meetings: meetings(2, 60) })];

  it('cordons the least-loaded server when the cooldown peak fits without it', () => {
    const decision = decide(observation(idleFleet()), settings());
    expect(kinds(decision.actions)).toEqual(['cordon b']);
  });

  it('keeps the server while the peak of the cooldown window needs it', () => {
    const decision = decide(observation(idleFleet(), { fleet: { peakLoad: 330 } }), settings());
    // 330 / 0.8 = 412.5 does not fit in the 400 left without one server.
    expect(decision.actions).toEqual([]);
  });

  it('takes one server out per tick', () => {
    const servers = [server('a'), server('b'), server('c'), server('d'), server('e')];
    const decision = decide(observation(servers), settings({ minRunning: 1 }));
    expect(decision.actions.filter((action) => action.kind === 'cordon')).toHaveLength(1);
  });

  it('stops a cordoned server once it has no meetings and no unfinished recordings', () => {
    const servers = [server('a'), server('b'), cordoned('c')];
    expect(kinds(decide(observation(servers), settings()).actions)).toEqual(['powerOff c']);
  });

  it.each([
    ['meetings are still running', { meetings: meetings(1, 10) }],
    ['getMeetings failed', { meetings: { known: false as const, error: 'timeout' } }],
    ['a recording is processing', { recordings: { known: true as const, busy: 1 } }],
    ['the recording status is unknown', { recordings: { known: false as const, error: 'exporter down' } }],
  ])('does not stop a cordoned server while %s', (_, overrides) => {
    const servers = [server('a'), server('b'), cordoned('c', overrides)];
    const decision = decide(observation(servers), settings());
    expect(decision.actions.filter((action) => action.kind === 'stop')).toEqual([]);
  });

  it('disables a stopped server that Scalelite still has cordoned', () => {
    const servers = [server('a'), server('b'), stopped('c', { scalelite: { known: true, state: 'cordoned', online: false, loadMultiplier: 1 } })];
    expect(kinds(decide(observation(servers), settings()).actions)).toEqual(['disable c']);
  });

  it('re-enables a drained server the load needs again instead of starting another', () => {
    const servers = [server('a', { meetings: meetings(5, 240) }), server('b', { meetings: meetings(5, 240) }), cordoned('c'), stopped('d')];
    expect(kinds(decide(observation(servers), settings()).actions)).toEqual(['enable c']);
  });

  it('never shrinks without fresh metrics', () => {
    const servers = [server('a'), server('b'), server('c'), cordoned('d')];
    const decision = decide(observation(servers, { fleet: { metricsFresh: false } }), settings());
    expect(decision.actions).toEqual([]);
    expect(decision.reasons.join('\n')).toContain('scale-in paused');
  });

  it('never shrinks without a cooldown peak', () => {
    const decision = decide(observation([server('a'), server('b'), server('c')], { fleet: { peakLoad: undefined } }), settings());
    expect(decision.actions).toEqual([]);
  });

  it('does not pick a server whose getMeetings failed', () => {
    const servers = [server('a', { meetings: { known: false, error: 'timeout' } }), server('b', { meetings: meetings(1, 30) }), server('c', { meetings: meetings(1, 30) })];
    expect(kinds(decide(observation(servers), settings()).actions)).toEqual(['cordon b']);
  });

  it('never goes below the minimum', () => {
    const decision = decide(observation([server('a'), server('b')]), settings({ minRunning: 2 }));
    expect(decision.actions).toEqual([]);
  });

  it('keeps the last enabled server with a minimum of 0: without it no meeting could start to call for more', () => {
    const idle = decide(observation([server('a')]), settings({ minRunning: 0 }));
    expect(idle.effectiveMinimum).toBe(0);
    expect(idle.actions).toEqual([]);
    // A second idle server still goes.
    expect(kinds(decide(observation([server('a'), server('b')]), settings({ minRunning: 0 })).actions)).toEqual(['cordon a']);
  });

  it('counts a server IONOS is starting towards the minimum only once it is up', () => {
    // c is being started: it keeps scale-out from starting another, but the idle b stays (and is enabled for the minimum).
    const standby = server('b', { scalelite: { ...disabled, online: true } });
    const starting = stopped('c', { busy: true, bootedAt: minutesBefore(1) });
    const decision = decide(observation([server('a', { meetings: meetings(1, 20) }), standby, starting]), settings({ minRunning: 2 }));
    expect(kinds(decision.actions)).toEqual(['enable b']);
    expect(kinds(decide(observation([server('a', { meetings: meetings(1, 20) }), standby, server('c')]), settings({ minRunning: 2 })).actions)).toEqual(['powerOff b']);
  });

  it('keeps one server taking meetings while others boot', () => {
    const booting = server('b', { scalelite: disabled, meetings: notAnswering, bootedAt: minutesBefore(1) });
    const decision = decide(observation([server('a'), booting]), settings({ minRunning: 1 }));
    expect(decision.actions).toEqual([]);
  });

  it('pauses while the servers work harder than the target', () => {
    const servers = [server('a', { cpuUtilisation: 0.9 }), server('b', { cpuUtilisation: 0.85 }), server('c', { cpuUtilisation: 0.8 })];
    const decision = decide(observation(servers), settings());
    expect(decision.actions).toEqual([]);
    expect(decision.reasons.join('\n')).toContain('average CPU 85%');
  });
});

describe('servers coming up', () => {
  const booted = (overrides = {}) =>
    server('c', { scalelite: { known: true, state: 'disabled', online: true, loadMultiplier: 1 }, ...overrides });

  it('enables a started server once its BBB API answers and the load needs it', () => {
    const servers = [server('a', { meetings: meetings(4, 200) }), server('b', { meetings: meetings(4, 200) }), booted()];
    expect(kinds(decide(observation(servers), settings()).actions)).toEqual(['enable c']);
  });

  it('does not enable a server whose BBB API does not answer yet', () => {
    const servers = [server('a', { meetings: meetings(4, 200) }), server('b', { meetings: meetings(4, 200) }), booted({ meetings: { known: false, error: 'connection refused' } })];
    expect(decide(observation(servers), settings()).actions).toEqual([]);
  });

  it('keeps a booted server disabled while the current load does not need it yet', () => {
    const servers = [server('a', { meetings: meetings(3, 150) }), server('b', { meetings: meetings(3, 150) }), booted()];
    // Planned 300 + 8 x 5 = 340, / 0.8 = 425: c is needed. But 300 + 3 x 5 = 315 expected
    // within three minutes, / 0.8 = 394: a and b suffice until then.
    const decision = decide(observation(servers, { fleet: { loadTrendPerMinute: 5, peakLoad: 300 } }), settings({ lookaheadMarginMinutes: 4 }));
    expect(decision.actions).toEqual([]);
  });

  it('stops a booted server the load no longer needs without cordoning it', () => {
    const servers = [server('a', { meetings: meetings(1, 30) }), server('b', { meetings: meetings(1, 30) }), booted()];
    expect(kinds(decide(observation(servers), settings()).actions)).toEqual(['powerOff c']);
  });
});

describe('servers IONOS is still carrying out a request on', () => {
  /** A drained server whose stop IONOS is still carrying out: RUNNING, BUSY, its BBB still answers. */
  const stopping = (name: string, overrides = {}) => server(name, { busy: true, scalelite: { ...disabled, online: true }, ...overrides });

  it('neither enables nor counts a disabled server IONOS is still stopping: a stopped one is started', () => {
    const servers = [server('a', { meetings: meetings(4, 200) }), server('b', { meetings: meetings(4, 200) }), stopping('c'), stopped('d')];
    expect(kinds(decide(observation(servers), settings()).actions)).toEqual(['start d']);
  });

  it('does not send a second stop while the first is pending', () => {
    const servers = [server('a', { meetings: meetings(1, 30) }), server('b', { meetings: meetings(1, 30) }), stopping('c')];
    const decision = decide(observation(servers), settings());
    expect(decision.actions).toEqual([]);
    expect(decision.runningServers).toBe(3);
  });

  it('does not re-enable a cordoned server IONOS is still stopping', () => {
    const servers = [
      server('a', { meetings: meetings(4, 200) }),
      server('b', { meetings: meetings(4, 200) }),
      stopping('c', { scalelite: { known: true, state: 'cordoned', online: true, loadMultiplier: 1 } }),
      stopped('d'),
    ];
    expect(kinds(decide(observation(servers), settings()).actions)).toEqual(['start d']);
  });

  it('does not count a server IONOS is stopping towards the minimum', () => {
    // Counting b as running, a stop of the drained c would leave only a once b is off.
    const servers = [server('a', { meetings: meetings(1, 30) }), stopping('b'), cordoned('c')];
    expect(kinds(decide(observation(servers), settings({ minRunning: 2 })).actions)).toEqual(['enable c']);
  });

  it('leaves a stopped server alone while IONOS carries out a request that is no start', () => {
    // Off, BUSY, and not changed lately: perhaps a resize while stopped that is taking long.
    const servers = [server('a', { meetings: meetings(4, 200) }), server('b', { meetings: meetings(4, 200) }), stopped('c', { busy: true, cores: 16, ramGb: 32 }), stopped('d')];
    expect(kinds(decide(observation(servers), settings()).actions)).toEqual(['start d']);
  });

  it('keeps counting a server that takes meetings while IONOS hot-plugs it', () => {
    const grown = server('a', { busy: true, cores: 16, ramGb: 32, meetings: meetings(8, 300) });
    const decision = decide(observation([grown, server('b', { meetings: meetings(4, 100) }), stopped('c')]), settings());
    expect(decision.capacity).toBe(600);
    expect(decision.actions).toEqual([]);
  });
});

describe('servers that do not come up', () => {
  const fleet = (bootedAt?: Date) => [
    server('a', { meetings: meetings(4, 200) }),
    server('b', { meetings: meetings(4, 200) }),
    server('c', { scalelite: disabled, meetings: notAnswering, ...(bootedAt && { bootedAt }) }),
    stopped('d'),
  ];

  it('count as booting for the boot time and its margin, then as unhealthy: a replacement is started', () => {
    // bootMinutes 4 + bootMarginMinutes 6.
    expect(decide(observation(fleet(minutesBefore(10))), settings()).actions).toEqual([]);
    expect(kinds(decide(observation(fleet(minutesBefore(11))), settings()).actions)).toEqual(['start d']);
    expect(kinds(decide(observation(fleet(minutesBefore(11))), settings({ bootMarginMinutes: 8 })).actions)).toEqual([]);
  });

  it('count as unhealthy when their boot time is unknown', () => {
    expect(kinds(decide(observation(fleet()), settings()).actions)).toEqual(['start d']);
  });

  it('are left alone once unhealthy, and still count against the pool', () => {
    const decision = decide(observation(fleet(minutesBefore(30))), settings({ poolSize: 3 }));
    expect(decision.actions).toEqual([]);
    expect(decision.reasons.join('\n')).toContain('still short after scaling out');
  });
});

describe('safety', () => {
  it('never acts on a server outside the pool', () => {
    const servers = [server('a'), server('b'), cordoned('x'), stopped('y', { scalelite: { known: true, state: 'enabled', online: false, loadMultiplier: 1 } })];
    const decision = decide(observation(servers, { pool: ['a', 'b'] }), settings());
    expect(decision.actions).toEqual([]);
    expect(decision.reasons).toEqual(expect.arrayContaining(['x: not in the pool, left alone', 'y: not in the pool, left alone']));
  });

  it('counts a pool server it could not observe as powered on', () => {
    const servers = [server('a', { meetings: meetings(9, 400) }), stopped('b')];
    const decision = decide(observation(servers, { pool: ['a', 'b', 'c'] }), settings({ poolSize: 2 }));
    expect(decision.actions).toEqual([]);
    expect(decision.reasons).toContain('c: not observed, counted as powered on and left alone');
  });

  it('leaves Scalelite alone when its state is unknown', () => {
    const unknown = { known: false as const, error: 'Scalelite: 502' };
    const servers = [server('a', { scalelite: unknown }), server('b', { scalelite: unknown }), server('c', { scalelite: unknown }), stopped('d', { scalelite: unknown })];
    expect(decide(observation(servers), settings()).actions).toEqual([]);
  });

  it('treats an enabled server that neither answers nor is online as no capacity', () => {
    const broken = server('b', { scalelite: { known: true, state: 'enabled', online: false, loadMultiplier: 1 }, meetings: { known: false, error: 'timeout' } });
    const decision = decide(observation([server('a', { meetings: meetings(2, 100) }), broken, stopped('c')], { fleet: { load: 100 } }), settings());
    expect(kinds(decision.actions)).toEqual(['start c']);
  });
});

describe('vertical scaling', () => {
  const vertical = settings({ vertical: { enabled: true, maxCores: 16, maxRamGb: 32 } });

  it('never resizes a running server, even with no stopped server left', () => {
    const servers = [server('a', { meetings: meetings(7, 190) }), server('b', { meetings: meetings(7, 170) })];
    const decision = decide(observation(servers), { ...vertical, poolSize: 2 });
    expect(decision.actions).toEqual([]);
    expect(decision.reasons.join('\n')).toMatch(/still short after scaling out/);
  });

  it('starts a server larger when too few stopped servers are left for the planned load', () => {
    const servers = [server('a', { meetings: meetings(6, 160) }), server('b', { meetings: meetings(6, 140) }), stopped('c')];
    const decision = decide(observation(servers, { fleet: { loadTrendPerMinute: 50 } }), vertical);
    // Planned 300 + 4 x 50 = 500, / 0.8 = 625: 225 more from one server, 9 cores of 25 each.
    expect(decision.actions).toEqual([expect.objectContaining({ kind: 'start', server: 'c', cores: 9, ramGb: 18 })]);
    // With two stopped servers, base size suffices.
    const two = decide(observation([...servers, stopped('d')], { fleet: { loadTrendPerMinute: 50 } }), vertical);
    expect(two.actions).toEqual([
      expect.objectContaining({ kind: 'start', server: 'c', cores: 8, ramGb: 16 }),
      expect.objectContaining({ kind: 'start', server: 'd', cores: 8, ramGb: 16 }),
    ]);
  });

  it('never starts a server beyond maxCores and maxRamGb, keeping RAM in proportion', () => {
    const servers = [server('a', { meetings: meetings(9, 600) }), stopped('b')];
    const decision = decide(observation(servers), { ...vertical, poolSize: 2, minRunning: 1, vertical: { enabled: true, maxCores: 16, maxRamGb: 24 } });
    expect(decision.actions).toEqual([expect.objectContaining({ kind: 'start', server: 'b', cores: 12, ramGb: 24 })]);
  });

  it('sets the load multiplier once a resize has landed', () => {
    const grown = server('a', { cores: 16, ramGb: 32, meetings: meetings(9, 300) });
    const other = server('b', { meetings: meetings(4, 100) });
    expect(decide(observation([grown, other]), vertical).actions).toEqual([
      expect.objectContaining({ kind: 'setLoadMultiplier', server: 'a', loadMultiplier: 0.5 }),
    ]);
    expect(decide(observation([{ ...grown, busy: true }, other]), vertical).actions).toEqual([]);
  });

  it('returns a stopped server to its base size', () => {
    const servers = [server('a'), server('b'), stopped('c', { cores: 16, ramGb: 32 })];
    expect(decide(observation(servers), vertical).actions).toEqual([expect.objectContaining({ kind: 'resize', server: 'c', cores: 8, ramGb: 16 })]);
  });

  it('never grows a standby server: it is enabled instead', () => {
    const full = server('a', { cores: 16, ramGb: 32, meetings: meetings(9, 500), scalelite: { known: true, state: 'enabled', online: true, loadMultiplier: 0.5 } });
    const standby = server('b', { scalelite: { ...disabled, online: true } });
    // 500 / 0.8 = 625 > 400 + 200: short, with nothing to start and a at its limit.
    const decision = decide(observation([full, standby]), { ...vertical, poolSize: 2 });
    expect(kinds(decision.actions)).toEqual(['enable b']);
  });

  describe('a grown server at the minimum', () => {
    const big = { cores: 16, ramGb: 32, scalelite: { known: true as const, state: 'enabled' as const, online: true, loadMultiplier: 0.5 } };
    const busy = server('b', { meetings: meetings(1, 20) });
    /** c as IONOS starts it (off, BUSY, changed a minute ago), then up and answering, disabled. */
    const starting = stopped('c', { busy: true, bootedAt: minutesBefore(1) });
    const up = server('c', { scalelite: { ...disabled, online: true }, bootedAt: minutesBefore(3) });

    it('makes way for a base-size server: it is powered off only once that one is up', () => {
      // Start first, cordon in the same tick: the running servers keep the minimum of 2 throughout.
      const first = decide(observation([server('a', big), busy, stopped('c')]), vertical);
      expect(kinds(first.actions)).toEqual(['start c', 'cordon a']);
      expect(first.actions[0]).toMatchObject({ cores: 8, ramGb: 16 });

      const draining = cordoned('a', { ...big, scalelite: { ...big.scalelite, state: 'cordoned' } });
      const booting = decide(observation([draining, busy, starting]), vertical);
      expect(booting.actions).toEqual([]);
      expect(booting.reasons).toContain('a: drained, kept running for the minimum of 2 until another server is up');

      expect(kinds(decide(observation([draining, busy, up]), vertical).actions)).toEqual(['enable c', 'powerOff a']);
    });

    it('does the same when it was never enabled, and stays out of rotation meanwhile', () => {
      const standby = server('a', { ...big, scalelite: { ...disabled, online: true, loadMultiplier: 0.5 } });
      // Were a counted with c while c is started, powering it off would leave b alone up.
      expect(kinds(decide(observation([standby, busy, stopped('c')]), vertical).actions)).toEqual(['start c']);
      const waiting = decide(observation([standby, busy, starting]), vertical);
      expect(waiting.actions).toEqual([]);
      expect(waiting.reasons.join('\n')).toContain('a: larger than needed, waits for the server coming up in its place');
      expect(kinds(decide(observation([standby, busy, up]), vertical).actions)).toEqual(['enable c', 'powerOff a']);
    });

    it('stays as it is when no stopped server can take its place: a running server is never resized', () => {
      const decision = decide(observation([server('a', { ...big, meetings: meetings(1, 20) }), busy]), vertical);
      expect(decision.actions).toEqual([]);
      expect(decision.reasons).toContain('a: larger than needed, but no stopped server can take its place');
    });

    it('is enabled again when the server taking its place does not come up', () => {
      const draining = cordoned('a', { ...big, scalelite: { ...big.scalelite, state: 'cordoned' } });
      const broken = server('c', { scalelite: disabled, meetings: notAnswering, bootedAt: minutesBefore(11) });
      expect(kinds(decide(observation([draining, busy, broken]), { ...vertical, poolSize: 3 }).actions)).toEqual(['enable a']);
    });
  });
});
