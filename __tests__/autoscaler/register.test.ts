/** Registration reconcile: exactly one Scalelite entry per inventory server, converging on re-runs. */
import { normalizeUrl } from '../../functions/autoscaler/inventory';
import { readState } from '../../functions/autoscaler/observe';
import { settingsFromInventoryPolicy } from '../../functions/autoscaler/policy';
import { applyRegistration, planRegistration } from '../../functions/autoscaler/register';
import { World, bbbSecret, ionosId } from './fakes/world';
import { captureLog, worldSession } from './support';

/** `autoscaler.js register`: with the lease unless it is a dry run. */
async function reconcile(world: World, dryRun = false, fetch = world.fetch()) {
  const inventory = world.inventory();
  const session = worldSession(world, { command: 'register', dryRun, fetch });
  try {
    await session.lease?.acquire();
    const state = await readState(inventory, session.clients, world.now);
    const steps = planRegistration(inventory, state, settingsFromInventoryPolicy(inventory.policy));
    return await applyRegistration(steps, inventory, session.clients, { dryRun, logger: captureLog().logger });
  } finally {
    await session.close();
  }
}

function entriesPerInventoryUrl(world: World): Record<string, string[]> {
  const result: Record<string, string[]> = {};
  for (const server of world.inventory().servers) {
    result[server.name] = world.scalelite.byUrl(server.bbbApiUrl).map((entry) => `${entry.state}:${entry.secret === server.bbbSecret ? 'secret-ok' : 'secret-wrong'}:${entry.loadMultiplier}`);
  }
  return result;
}

describe('registration reconcile', () => {
  it('adds missing servers: enabled when running, answering and free for meetings, disabled otherwise', async () => {
    const world = new World({ servers: 4, minRunning: 2, running: 3 });
    // bbb-03 runs and answers, but IONOS is still stopping it.
    Object.assign(world.ionos.servers.get(ionosId(3)) ?? {}, { busy: true });
    const legacy = [...world.scalelite.servers.values()].find((entry) => entry.url.includes('legacy'));
    world.scalelite.servers.clear();
    if (legacy) world.scalelite.servers.set(legacy.id, legacy);
    // bbb-01's VM runs but BBB itself is down.
    world.host(1).reachable = () => false;
    const outcomes = await reconcile(world);
    expect(outcomes.map((o) => `${o.step.kind} ${o.step.server} ${o.status}`)).toEqual([
      'add example-bbb-01 done',
      'add example-bbb-02 done',
      'add example-bbb-03 done',
      'add example-bbb-04 done',
    ]);
    expect(entriesPerInventoryUrl(world)).toEqual({
      'example-bbb-01': ['disabled:secret-ok:1'],
      'example-bbb-02': ['enabled:secret-ok:1'],
      'example-bbb-03': ['disabled:secret-ok:1'],
      'example-bbb-04': ['disabled:secret-ok:1'],
    });
    expect(world.scalelite.servers.has(legacy?.id ?? '')).toBe(true);
  });

  it('adds a server the store keeps from meetings disabled: in maintenance, held after it, told to power off, or unknown', async () => {
    const world = new World({ servers: 5, minRunning: 1, running: 5 });
    world.scalelite.servers.clear();
    const lease = await world.store.acquire('test', 60_000);
    if (!lease.acquired) throw new Error('the test could not take the lease');
    const since = world.now;
    await world.store.recordMaintenance(lease.token, 'example-bbb-01', { cycle: '2026-11-24', phase: 'booting', since, wasStopped: true });
    await world.store.recordMaintenance(lease.token, 'example-bbb-02', { cycle: '2026-11-24', phase: 'failed', since, wasStopped: false, message: 'update: failed' });
    await world.store.recordMaintenance(lease.token, 'example-bbb-04', { cycle: '2026-11-24', phase: 'done', since, wasStopped: false, patchedAt: since });
    await world.store.recordPowerOff(lease.token, 'example-bbb-03');
    await world.store.release(lease.token);

    const inventory = world.inventory();
    const session = worldSession(world, { command: 'register', dryRun: true });
    try {
      const state = await readState(inventory, session.clients, world.now);
      const enabled = (steps: ReturnType<typeof planRegistration>) => steps.map((step) => `${step.server} ${step.kind === 'add' && step.enable ? 'enabled' : 'disabled'}`);
      expect(enabled(planRegistration(inventory, state, settingsFromInventoryPolicy(inventory.policy)))).toEqual([
        'example-bbb-01 disabled',
        'example-bbb-02 disabled',
        'example-bbb-03 disabled',
        'example-bbb-04 enabled',
        'example-bbb-05 enabled',
      ]);
      // The store could not be read: nobody knows, so nothing is enabled.
      const unknown = { ...state, maintenance: { ok: false as const, error: 'redis: read ECONNRESET' } };
      expect(enabled(planRegistration(inventory, unknown, settingsFromInventoryPolicy(inventory.policy)))).toEqual(inventory.servers.map((server) => `${server.name} disabled`));
    } finally {
      await session.close();
    }
  });

  it('matches URLs without case or trailing slash, fixes secrets and multipliers, and converges', async () => {
    const world = new World({ servers: 2, minRunning: 1, running: 2 });
    const [first, second] = world.inventory().servers;
    const entry1 = world.scalelite.byUrl(first.bbbApiUrl)[0];
    entry1.url = `${first.bbbApiUrl.toUpperCase().replace('HTTP://', 'http://')}/`;
    entry1.secret = 'rotated-away-secret';
    const vm2 = world.ionos.servers.get(ionosId(2));
    if (vm2) vm2.cores = 16;
    const outcomes = await reconcile(world);
    expect(outcomes.map((o) => `${o.step.kind} ${o.step.server} ${o.status} (${o.step.reason})`)).toEqual([
      'update example-bbb-01 done (secret differs)',
      'update example-bbb-02 done (load_multiplier 1 -> 0.5)',
    ]);
    expect(world.scalelite.byUrl(first.bbbApiUrl)).toHaveLength(1);
    expect(world.scalelite.byUrl(first.bbbApiUrl)[0].secret).toBe(bbbSecret(1));
    expect(world.scalelite.byUrl(second.bbbApiUrl)[0].loadMultiplier).toBe(0.5);
    await expect(reconcile(world)).resolves.toEqual([]);
  });

  it('removes extra duplicates only when disabled and certainly without meetings', async () => {
    const world = new World({ servers: 2, minRunning: 1, running: 2 });
    const [first, second] = world.inventory().servers;
    const template = { secret: bbbSecret(1), load: null, loadMultiplier: 1, online: true };
    const idleDuplicate = world.scalelite.add({ ...template, url: `${first.bbbApiUrl}/`, state: 'disabled' });
    const cordonedDuplicate = world.scalelite.add({ ...template, url: first.bbbApiUrl, state: 'cordoned' });
    world.host(2).meetings.push({ meetingId: 'x', participantCount: 3, videoCount: 0, voiceParticipantCount: 3, recording: false });
    const busyDuplicate = world.scalelite.add({ ...template, secret: bbbSecret(2), url: second.bbbApiUrl.toUpperCase().replace('HTTP://', 'http://'), state: 'disabled' });
    const outcomes = await reconcile(world);
    expect(outcomes.map((o) => `${o.step.kind} ${o.step.server} ${o.status}`)).toEqual(['delete example-bbb-01 done']);
    expect(world.scalelite.servers.has(idleDuplicate.id)).toBe(false);
    expect(world.scalelite.servers.has(cordonedDuplicate.id)).toBe(true);
    expect(world.scalelite.servers.has(busyDuplicate.id)).toBe(true);
    // Once the meeting ends, the disabled duplicate of bbb-02 goes too.
    world.host(2).meetings = [];
    await expect(reconcile(world)).resolves.toMatchObject([{ step: { kind: 'delete', id: busyDuplicate.id }, status: 'done' }]);
    const urls = [...world.scalelite.servers.values()].map((entry) => normalizeUrl(entry.url));
    expect(urls.filter((url) => url === normalizeUrl(second.bbbApiUrl))).toHaveLength(1);
  });

  it('converges after a crash between addServer and the enable that follows it', async () => {
    const world = new World({ servers: 1, minRunning: 1, running: 1 });
    world.scalelite.servers.clear();
    let calls = 0;
    const base = world.fetch();
    const crashing = async (input: string, init: RequestInit) => {
      if (input.includes('/updateServer') && calls++ === 0) throw new Error('process killed');
      return base(input, init);
    };
    await expect(reconcile(world, false, crashing)).rejects.toThrow('process killed');
    expect(entriesPerInventoryUrl(world)).toEqual({ 'example-bbb-01': ['disabled:secret-ok:1'] });
    // The next run adds nothing more; enabling is the policy's job once BBB answers.
    await expect(reconcile(world)).resolves.toEqual([]);
  });

  it('plans without changing anything in a dry run, and does nothing without Scalelite', async () => {
    const world = new World({ servers: 2, minRunning: 1 });
    world.scalelite.servers.clear();
    const planned = await reconcile(world, true);
    expect(planned.map((o) => o.status)).toEqual(['planned', 'planned']);
    expect(world.scalelite.servers.size).toBe(0);
    world.scalelite.faults.setRates({ serverError: 1 });
    await expect(reconcile(world)).resolves.toEqual([]);
  });
});
