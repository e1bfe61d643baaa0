/**
 * Randomized fault injection (fast-check): API errors, 429s, timeouts, lost answers,
 * stale or missing metrics, crashes between any two calls and meetings that start while
 * servers drain, against an IONOS that carries out starts, stops and resizes
 * asynchronously (BUSY for at least the next tick), a coordination store and a platform
 * agent that fail the same ways, guests whose shutdown hangs and servers without the
 * agent's channel. Safety is checked at the moment each state-changing call is made: only
 * the lease's holder changes anything, a guest is told to power off only drained, out of
 * rotation and not needed, and IONOS powers a VM off by force only after its guest had
 * shutdownTimeoutMinutes to do so. Liveness by letting the faults clear and requiring a
 * calm, correct state: a tick in which nothing fails, IONOS has no request left to carry
 * out, no guest is still shutting down or held while off, no power-off record is left,
 * and neither the registration nor the policy proposes anything (an action the executor
 * would refuse every tick would show here); and no meeting lost on the way.
 * Two autoscalers run in the last part: one ticks while the other is mid-tick, stalls
 * longer than its lease, or died holding it, while the store's and their own clocks jump.
 * A failure prints fast-check's seed and path; FAULTS_SEED=<seed> replays a run or
 * explores another one.
 */
import fc from 'fast-check';
import { normalizeUrl } from '../../functions/autoscaler/inventory';
import { scheduledMinimum, settingsFromInventoryPolicy, type MaintenanceRecord } from '../../functions/autoscaler/policy';
import { heldByMaintenance, inHand, isActive, returnsToStopped } from '../../functions/autoscaler/policy/maintenance/cycle';
import type { Fetch } from '../../functions/autoscaler/clients/http';
import type { HostKeyCheck, PlatformAgent } from '../../functions/autoscaler/clients/platform-agent';
import type { CoordinationStore } from '../../functions/autoscaler/coordination';
import { isServiceError } from '../../functions/autoscaler/errors';
import type { TickResult } from '../../functions/autoscaler/handler';
import type { HoldList } from '../../functions/autoscaler/hold';
import { holderName, LeaseHeldError, LeaseLostError } from '../../functions/autoscaler/lease';
import { type FaultRates, seededRandom } from './fakes/transport';
import { LEASE_SECONDS, type MetricsHealth, World, bbbSecret, ionosId, privateIp, serverName } from './fakes/world';
import { tick } from './support';

class SimulatedCrash extends Error {
  override readonly name = 'SimulatedCrash';
}

/**
 * A probability up to `max`, spread evenly: fc.double draws evenly over the representable
 * doubles, so most of its draws in [0, 0.3] are below 1e-100 and inject nothing.
 */
const chance = (max: number) => fc.integer({ min: 0, max: Math.round(max * 1000) }).map((perMille) => perMille / 1000);

const rates = fc.record<Partial<FaultRates>>({
  serverError: chance(0.3),
  throttle: chance(0.2),
  hang: chance(0.2),
  reset: chance(0.1),
  lost: chance(0.1),
});

/** Faults of a server's maintenance the scenarios draw from. */
const MAINTENANCE_FAULTS = ['updateFails', 'checkFails', 'neverReturns', 'busy', 'notReady', 'poweroffOnly', 'impostor'] as const;
type MaintenanceFault = (typeof MAINTENANCE_FAULTS)[number];

const calm = fc.constant<Partial<FaultRates>>({});

const chaosTick = fc.record({
  ionos: fc.oneof(calm, rates),
  scalelite: fc.oneof(calm, rates),
  bbb: fc.oneof(calm, rates),
  prometheus: fc.oneof(calm, rates),
  /** The coordination store (Redis) and the platform agent's SSH channel fail too. */
  store: fc.oneof(calm, rates),
  agent: fc.oneof(calm, rates),
  /** Chance that a guest told to power off never gets there (a hung shutdown). */
  hungShutdowns: chance(0.5),
  metrics: fc.constantFrom<MetricsHealth>('fresh', 'fresh', 'stale', 'missing'),
  /** Abort the tick after this many API calls: the process dies between two calls. */
  crashAfter: fc.option(fc.nat({ max: 40 }), { nil: undefined }),
  newMeetings: fc.array(fc.record({ participants: fc.integer({ min: 1, max: 80 }), webcams: fc.nat({ max: 6 }), recording: fc.boolean() }), { maxLength: 5 }),
  endedMeetings: fc.nat({ max: 3 }),
  /** Chance per API call that Scalelite places a meeting right then (mid-drain races). */
  raceRate: chance(0.15),
  minutes: fc.integer({ min: 1, max: 3 }),
});

/** Scenarios by day, or in the maintenance window (`night`: the cycle patches the pool under the same faults). */
const scenarioAt = (night: boolean) => fc
  .record({
    servers: fc.integer({ min: 2, max: 5 }),
    minRunning: fc.nat({ max: 5 }),
    running: fc.nat({ max: 5 }),
    cooldownMinutes: fc.integer({ min: 1, max: 4 }),
    verticalEnabled: fc.boolean(),
    scheduleMinimum: fc.option(fc.integer({ min: 1, max: 5 }), { nil: undefined }),
    /** Registration drift before the first tick: missing entries, wrong secrets, disabled duplicates. */
    drift: fc.array(fc.constantFrom('missing', 'secret', 'duplicate', 'case'), { maxLength: 3 }),
    initialMeetings: fc.nat({ max: 8 }),
    chaos: fc.array(chaosTick, { minLength: 2, maxLength: 6 }),
    seed: fc.integer(),
    /** Servers (by number) an operator holds for the whole run; none in most scenarios. */
    held: fc.oneof({ arbitrary: fc.constant<number[]>([]), weight: 2 }, { arbitrary: fc.subarray([1, 2, 3, 4, 5], { maxLength: 2 }), weight: 1 }),
    /** Servers (by number) set up before the platform agent's channel existed: they refuse its key. */
    withoutChannel: fc.oneof({ arbitrary: fc.constant<number[]>([]), weight: 3 }, { arbitrary: fc.subarray([1, 2, 3, 4, 5], { maxLength: 2 }), weight: 1 }),
    night: fc.constant(night),
    /** How servers' maintenance goes wrong, by server number (on top of the transport's faults). */
    maintenanceFaults: fc.array(fc.record({ server: fc.integer({ min: 1, max: 5 }), fault: fc.constantFrom(...MAINTENANCE_FAULTS) }), { maxLength: 3 }),
  })
  .map((s) => ({
    ...s,
    minRunning: Math.min(s.minRunning, s.servers),
    running: Math.min(s.running, s.servers),
    held: s.held.filter((index) => index <= s.servers),
    withoutChannel: s.withoutChannel.filter((index) => index <= s.servers),
  }));

type Scenario = ReturnType<typeof scenarioAt> extends fc.Arbitrary<infer T> ? T : never;

/** Calm ticks allowed to settle: the cooldown, a drain and a boot, with margin. */
const SETTLE_TICKS = 16;
/**
 * More while the maintenance cycle works: a first server (a boot, an update, a reboot, a
 * check), then the others, the running ones one after another, each with a server started
 * in its place; and the longest time limit, an update's 45 minutes.
 */
const MAINTENANCE_SETTLE_TICKS = 90;
/**
 * More for each server whose maintenance fails: the time limit it runs into before it is
 * held or skipped (a busy agent 20 minutes, a reboot that does not come back 15, a check
 * that keeps failing 10), with its retries. Running servers wait for it one after another.
 */
const FAILING_MAINTENANCE_TICKS = 25;

/** Tuesday 01:05 in Berlin: five minutes into the default window. */
const NIGHT = new Date('2026-11-24T00:05:00Z');

interface Watch {
  readonly violations: string[];
  calls: number;
  /** The process died: it gives nothing back (its lease runs out in the store). */
  crashed: boolean;
}

const newWatch = (): Watch => ({ violations: [], calls: 0, crashed: false });

/**
 * Calm: nothing failed, IONOS is done, neither the registration nor the policy proposes
 * anything, and every stop went all the way: no guest still shutting down, none that is
 * off while IONOS still bills it, no power-off record left in the store.
 */
function isCalm(result: TickResult, world: World): boolean {
  // A server held after its maintenance failed is left for a person: it may never have come back.
  const failed = new Set(result.observation.servers.filter(heldByMaintenance).map((server) => server.name));
  return (
    result.errors.every((error) => error.server !== undefined && failed.has(error.server)) &&
    result.registration.length === 0 &&
    result.decision.actions.length === 0 &&
    !world.ionos.hasPendingRequests() &&
    [...world.ionos.servers.values()].every((vm) => vm.guest !== 'poweringOff' && (vm.guest !== 'rebooting' || failed.has(vm.name))) &&
    world.ionos.heldWhileOff().length === 0 &&
    world.store.recordsNow().size === 0 &&
    // No server in the middle of its maintenance (one that waits for its reboot asks nothing).
    result.observation.servers.every((server) => !inHand(server))
  );
}

/**
 * More for each server running larger than base size (vertical scaling): at the minimum it
 * goes back to base size only by making way for a base-size server, one after another while
 * the pool has no other stopped server: that one's start and boot, the grown one's
 * power-off and IONOS' stop, its resize while stopped.
 */
const RIGHT_SIZING_TICKS = 6;

/** Pool servers running, or starting, larger than their base size: each is brought back to base size while the platform settles. */
function grownServers(world: World): number {
  const base = world.inventory().servers[0].baseCores;
  return world.inventory().servers.filter((server) => world.ionos.runsOrStarts(server.ionosServerId) && (world.ionos.servers.get(server.ionosServerId)?.cores ?? 0) > base).length;
}

/**
 * Ticks a settling run may take: more once the maintenance cycle has been seen at work (and
 * more for each server whose maintenance fails), or with grown servers to bring back to base size.
 */
function settleBudget(results: readonly TickResult[], grown = 0, failingMaintenance = 0): number {
  return results.some((result) => result.decision.maintenance.active)
    ? MAINTENANCE_SETTLE_TICKS + FAILING_MAINTENANCE_TICKS * failingMaintenance
    : SETTLE_TICKS + RIGHT_SIZING_TICKS * grown;
}


/**
 * A server's maintenance goes wrong this way. An impostor answers at the server's address
 * with another host key while the faults last (it is gone once they clear).
 */
function breakMaintenance(world: World, index: number, fault: MaintenanceFault): void {
  const host = privateIp(index);
  if (fault === 'poweroffOnly') world.agent.poweroffOnly.add(host);
  else if (fault === 'impostor') world.agent.hostKeys.set(host, 'SHA256:impostor');
  else world.agent.serverFaults.set(host, { ...world.agent.serverFaults.get(host), [fault]: true });
}

function createWorld(s: Scenario): World {
  const world = new World({
    ...(s.night && { start: NIGHT }),
    servers: s.servers,
    minRunning: s.minRunning,
    running: s.running,
    cooldownMinutes: s.cooldownMinutes,
    verticalEnabled: s.verticalEnabled,
    // Monday 11:00 in Berlin: a rule from 11:10 raises the minimum during the run.
    schedule: s.scheduleMinimum === undefined ? [] : [{ days: ['mon'], from: '11:10', to: '12:00', minRunning: s.scheduleMinimum }],
  });
  const inventory = world.inventory();
  s.drift.forEach((kind, i) => {
    const server = inventory.servers[i % inventory.servers.length];
    const [entry] = world.scalelite.byUrl(server.bbbApiUrl);
    if (!entry) return;
    if (kind === 'missing' && entry.state === 'disabled') world.scalelite.servers.delete(entry.id);
    if (kind === 'secret') entry.secret = 'stale-secret-from-before';
    if (kind === 'case') entry.url = `${entry.url.replace('/bbb-', '/BBB-')}/`;
    if (kind === 'duplicate') world.scalelite.add({ ...entry, id: undefined, state: 'disabled', online: false, load: null });
  });
  for (const index of s.withoutChannel) world.agent.withoutChannel.add(privateIp(index));
  for (const { server, fault } of s.maintenanceFaults) if (server <= s.servers) breakMaintenance(world, server, fault);
  world.agent.random = seededRandom(s.seed + 1);
  for (let i = 0; i < s.initialMeetings; i++) {
    world.startMeeting({ participantCount: 20 + i, videoCount: i % 3, voiceParticipantCount: 10, recording: i % 2 === 0 });
  }
  world.advance(60);
  return world;
}

function holdOf(s: Pick<Scenario, 'held'>): HoldList {
  return { source: 'hold', names: new Set(s.held.map(serverName)) };
}

interface WatchOptions {
  readonly crashAfter?: number;
  readonly raceRate: number;
  readonly random: () => number;
  readonly hold?: HoldList;
  /** Names this autoscaler (its lease holder) where two run. */
  readonly command?: string;
  /** Runs at every watched call, with its number: another autoscaler ticks, or time passes. */
  readonly interleave?: (call: number) => Promise<void>;
  /** The store's clock jumped: how long ago a guest was told to power off is the store's to say, and is not checked. */
  readonly clockJumps?: boolean;
  /** The tick's time from the coordination store, as deployed. */
  readonly storeClock?: boolean;
}

/**
 * Every watched call (HTTP, store, platform agent) may be where the process dies, a meeting
 * races in, or another autoscaler runs. A pause goes before a read or a store call, not
 * into a change in flight: the lease covers a change for IN_FLIGHT_MARGIN_MS after it left,
 * more than any request may take (the HTTP timeout; the SSH command leaves once connected).
 */
async function checkpoint(world: World, watch: Watch, options: WatchOptions, change = false): Promise<void> {
  watch.calls++;
  if (options.crashAfter !== undefined && watch.calls > options.crashAfter) {
    watch.crashed = true;
    throw new SimulatedCrash('killed between two calls');
  }
  if (options.random() < options.raceRate) {
    world.startMeeting({ participantCount: 5, videoCount: 1, voiceParticipantCount: 5, recording: options.random() < 0.5 });
  }
  if (!change) await options.interleave?.(watch.calls);
}

/** A state change is made only by the autoscaler the store has as the lease's holder right then. */
function checkHolder(world: World, watch: Watch, options: WatchOptions, what: string): void {
  const expected = holderName(options.command ?? 'tick');
  const held = world.store.holderNow();
  if (held?.holder !== expected) watch.violations.push(`${what} by ${options.command ?? 'tick'} while ${held ? held.holder : 'nobody'} holds the lease`);
}

/** The coordination store as this autoscaler reaches it: a dead process gives its lease back to no one. */
function watchingStore(world: World, watch: Watch, options: WatchOptions): CoordinationStore {
  const store = world.store;
  const checked =
    <A extends unknown[], T>(call: (...args: A) => Promise<T>) =>
    async (...args: A): Promise<T> => {
      await checkpoint(world, watch, options);
      return call(...args);
    };
  return {
    acquire: checked((holder: string, ttlMs: number) => store.acquire(holder, ttlMs)),
    renew: checked((token: number, ttlMs: number) => store.renew(token, ttlMs)),
    holder: checked(() => store.holder()),
    time: checked(() => store.time()),
    powerOffs: checked(() => store.powerOffs()),
    recordPowerOff: checked((token: number, server: string) => store.recordPowerOff(token, server)),
    clearPowerOff: checked((token: number, server: string) => store.clearPowerOff(token, server)),
    maintenance: checked(() => store.maintenance()),
    recordMaintenance: checked((token: number, server: string, record: MaintenanceRecord) => store.recordMaintenance(token, server, record)),
    requestMaintenance: checked((servers: readonly string[] | 'all', now: boolean) => store.requestMaintenance(servers, now)),
    releaseMaintenance: checked((server: string, message: string) => store.releaseMaintenance(server, message)),
    hostKeys: checked(() => store.hostKeys()),
    pinHostKey: checked((token: number, server: string, ionosServerId: string, fingerprint: string) => store.pinHostKey(token, server, ionosServerId, fingerprint)),
    forgetHostKey: checked((server: string) => store.forgetHostKey(server)),
    release: async (token: number) => {
      if (!watch.crashed) await store.release(token);
    },
    close: async () => undefined,
  };
}

/**
 * Servers up in the pool, as the minimum counts them (docs/autoscaler-policy.md): the guest
 * runs and nothing takes it down. A guest shutting down or rebooting is not up, nor is one
 * IONOS is stopping; a server IONOS is starting is not up yet (its boot takes minutes and
 * may fail).
 */
function serversUp(world: World): number {
  return world.inventory().servers.filter((server) => world.ionos.guestUp(server.ionosServerId) && world.ionos.runsOrStarts(server.ionosServerId)).length;
}

/**
 * A server started from stopped for its maintenance, while the cycle has it in hand or it
 * goes back to stopped from that boot: it never counted towards the minimum, so taking it
 * down leaves the servers that count as they were.
 */
function startedForMaintenance(world: World, index: number): boolean {
  const record = world.store.maintenanceNow().get(serverName(index));
  if (!record?.wasStopped) return false;
  if (isActive(record)) return true;
  const bootedAt = world.ionos.servers.get(ionosId(index))?.bootedAt;
  return returnsToStopped(record) && bootedAt !== undefined && bootedAt.getTime() <= record.since.getTime();
}

/**
 * The platform agent as this autoscaler reaches it: a guest is told to power off only when
 * drained, out of rotation and not needed; a maintenance step goes only to a server that
 * takes no meetings and holds none, and an update or a reboot only to one not needed.
 */
function watchingAgent(world: World, watch: Watch, options: WatchOptions): (check: HostKeyCheck) => PlatformAgent {
  const inventory = world.inventory();
  const settings = settingsFromInventoryPolicy(inventory.policy);
  const minimum = () => Math.min(settings.poolSize, Math.max(settings.minRunning, scheduledMinimum(world.now, settings)));
  return (check) => {
    const agent = world.agent.withHostKeyCheck(check);
    return {
      send: async (target, request) => {
        await checkpoint(world, watch, options, true);
        const { host } = target;
        const verb = request.verb;
        const index = inventory.servers.findIndex((server) => server.privateIp === host) + 1;
        if (index === 0) watch.violations.push(`${verb} sent to ${host}, outside the pool`);
        if (index > 0 && world.ionos.guestUp(ionosId(index)) && !world.agent.withoutChannel.has(host)) {
          const name = serverName(index);
          checkHolder(world, watch, options, `${verb} ${name}`);
          if (options.hold?.names.has(name)) watch.violations.push(`${verb} ${name}, held by the operator`);
          const bbb = world.host(index);
          if (bbb.meetings.length > 0) watch.violations.push(`${verb} ${name} with ${bbb.meetings.length} running meeting(s)`);
          if (verb !== 'check' && bbb.processingRecordings + bbb.queuedRecordings > 0) watch.violations.push(`${verb} ${name} with unfinished recordings`);
          if (world.scalelite.byUrl(inventory.servers[index - 1].bbbApiUrl).some((entry) => entry.state === 'enabled')) {
            watch.violations.push(`${verb} ${name} while Scalelite has it enabled`);
          }
          if ((verb === 'poweroff' || verb === 'reboot-if-required') && !startedForMaintenance(world, index) && serversUp(world) - 1 < minimum()) {
            watch.violations.push(`${verb} ${name} leaves ${serversUp(world) - 1} running, minimum ${minimum()}`);
          }
        }
        return agent.send(target, request);
      },
    };
  };
}

/** Checks every state-changing request as it is made, then passes it on to the fakes. */
function watchingFetch(world: World, watch: Watch, options: WatchOptions): Fetch {
  const base = world.fetch();
  const inventory = world.inventory();
  const settings = settingsFromInventoryPolicy(inventory.policy);
  const poolIds = new Set(inventory.servers.map((server) => server.ionosServerId));
  const poolUrls = new Set(inventory.servers.map((server) => normalizeUrl(server.bbbApiUrl)));
  const minimum = () => Math.min(settings.poolSize, Math.max(settings.minRunning, scheduledMinimum(world.now, settings)));
  // Powered on, or soon: running (stopping too, it is still on) or starting.
  const poweredPool = () => [...world.ionos.servers.values()].filter((vm) => poolIds.has(vm.id) && (vm.vmState === 'RUNNING' || world.ionos.runsOrStarts(vm.id))).length;
  const indexOfUrl = (entryUrl: string) => inventory.servers.findIndex((server) => normalizeUrl(server.bbbApiUrl) === normalizeUrl(entryUrl)) + 1;
  const held = inventory.servers.filter((server) => options.hold?.names.has(server.name));
  const heldIds = new Set(held.map((server) => server.ionosServerId));
  const heldUrls = new Set(held.map((server) => normalizeUrl(server.bbbApiUrl)));

  return async (input, init) => {
    await checkpoint(world, watch, options, (init.method ?? 'GET') !== 'GET');
    const url = new URL(input);
    const method = init.method ?? 'GET';
    if (method !== 'GET' && url.origin !== world.origins.prometheus) checkHolder(world, watch, options, `${method} ${url.pathname}`);
    const ionos = /\/servers\/([^/]+)(?:\/(start|stop))?$/.exec(url.pathname);
    if (url.origin === world.origins.ionos && ionos && method !== 'GET') {
      const [, id, verb] = ionos;
      if (!poolIds.has(id)) watch.violations.push(`IONOS ${verb ?? method} on ${id}, outside the pool`);
      if (heldIds.has(id)) watch.violations.push(`IONOS ${verb ?? method} on ${id}, held by the operator`);
      const index = Number(id.slice(-12));
      const host = poolIds.has(id) ? world.host(index) : undefined;
      // IONOS is still carrying out a request: a second stop races it (the first may be a stop).
      if (verb === 'stop' && world.ionos.isBusy(id)) {
        watch.violations.push(`stop ${serverName(index)} while IONOS still carries out ${world.ionos.pendingActions(id).join(', ') || 'a request'}`);
      }
      // IONOS' stop of a VM still on is a forced power-off: only for a server without the
      // channel, or a guest told to power off shutdownTimeoutMinutes ago that did not.
      const vmNow = world.ionos.servers.get(id);
      if (verb === 'stop' && host && vmNow?.vmState === 'RUNNING' && !world.agent.withoutChannel.has(privateIp(index)) && !options.clockJumps) {
        const told = world.store.recordsNow().get(serverName(index));
        const minutes = told === undefined ? undefined : (world.now.getTime() + world.storeSkewMs - told.getTime()) / 60_000;
        if (minutes === undefined) watch.violations.push(`forced stop of ${serverName(index)}, whose guest was never told to power off`);
        else if (minutes < settings.shutdownTimeoutMinutes) watch.violations.push(`forced stop of ${serverName(index)} ${minutes.toFixed(1)} min after its guest was told to power off`);
      }
      if (verb === 'stop' && host && world.ionos.guestUp(id)) {
        if (host.meetings.length > 0) watch.violations.push(`stop ${serverName(index)} with ${host.meetings.length} running meeting(s)`);
        if (host.processingRecordings + host.queuedRecordings > 0) watch.violations.push(`stop ${serverName(index)} with unfinished recordings`);
        if (world.ionos.runsOrStarts(id) && !startedForMaintenance(world, index) && serversUp(world) - 1 < minimum()) {
          watch.violations.push(`stop ${serverName(index)} leaves ${serversUp(world) - 1} running, minimum ${minimum()}`);
        }
      }
      // Cores and RAM change only while a server is stopped: IONOS restarts a running one to
      // take them away, and cores hot-plugged into one go unused.
      if (method === 'PATCH' && host && vmNow?.vmState === 'RUNNING') watch.violations.push(`resize running ${serverName(index)}`);
      if (verb === 'start' && !world.ionos.runsOrStarts(id) && poweredPool() + 1 > settings.poolSize) {
        watch.violations.push(`start ${id} exceeds the pool of ${settings.poolSize}`);
      }
    }
    if (url.origin === world.origins.scalelite && /\/(updateServer|deleteServer)$/.test(url.pathname)) {
      const body = JSON.parse(String(init.body)) as { id?: unknown; server?: unknown };
      const entry = world.scalelite.servers.get(String(body.id));
      if (entry && !poolUrls.has(normalizeUrl(entry.url))) watch.violations.push(`Scalelite change on ${entry.url}, outside the pool`);
      // Enabling a server IONOS is still carrying out a request on: it may be powering off.
      const enable = url.pathname.endsWith('/updateServer') && (body.server as { state?: unknown } | undefined)?.state === 'enable';
      const target = entry ? indexOfUrl(entry.url) : 0;
      if (enable && target > 0 && world.ionos.isBusy(ionosId(target))) {
        watch.violations.push(`enable ${serverName(target)} while IONOS still carries out ${world.ionos.pendingActions(ionosId(target)).join(', ')}`);
      }
      // Never a server in the middle of its maintenance, nor one held after it failed.
      const record = target > 0 ? world.store.maintenanceNow().get(serverName(target)) : undefined;
      if (enable && record && (isActive(record) || record.phase === 'failed')) {
        watch.violations.push(`enable ${serverName(target)} while its maintenance is ${record.phase}`);
      }
      // A held server is only ever cordoned (a retry may find it cordoned already), never from disabled.
      const cordon = url.pathname.endsWith('/updateServer') && JSON.stringify(body.server) === '{"state":"cordon"}' && entry?.state !== 'disabled';
      if (entry && heldUrls.has(normalizeUrl(entry.url)) && !cordon) {
        watch.violations.push(`Scalelite ${url.pathname.split('/').pop()} ${JSON.stringify(body.server)} on ${entry.url} (${entry.state}), held by the operator`);
      }
    }
    if (url.origin === world.origins.scalelite && url.pathname.endsWith('/addServer')) {
      const added = String((JSON.parse(String(init.body)) as { server?: { url?: unknown } }).server?.url);
      if (!poolUrls.has(normalizeUrl(added))) watch.violations.push(`Scalelite addServer of ${added}, outside the pool`);
    }
    return base(input, init);
  };
}

/**
 * What users did since the last tick: meetings ended, then new ones began. A meeting lasts
 * at least until the next scrape: one that ends before Prometheus ever saw it leaves no
 * trace of its recording for the minutes until the server's count catches up, and no
 * lesson is that short.
 */
function applyEvents(world: World, step: Pick<Scenario['chaos'][number], 'newMeetings' | 'endedMeetings'>): void {
  for (let i = 0; i < step.endedMeetings; i++) {
    const busy = [...world.bbb.hosts.values()].filter((host) => host.reachable() && host.meetings.length > 0);
    if (busy.length > 0) world.endMeeting(busy[i % busy.length]);
  }
  for (const meeting of step.newMeetings) {
    world.startMeeting({ participantCount: meeting.participants, videoCount: meeting.webcams, voiceParticipantCount: meeting.participants, recording: meeting.recording });
  }
}

type Outcome = TickResult | 'crashed' | 'held' | 'lost' | 'failed';

/**
 * One tick of one autoscaler with every call watched. Besides a result: it died
 * (`crashed`), another autoscaler holds the lease (`held`: it acts on nothing), it lost
 * the lease midway (`lost`: it stopped before its next change), or the store failed while
 * it took or renewed the lease (`failed`).
 */
async function runTickWatched(world: World, watch: Watch, options: WatchOptions): Promise<Outcome> {
  watch.calls = 0;
  watch.crashed = false;
  try {
    return await tick(world, {
      fetch: watchingFetch(world, watch, options),
      coordination: watchingStore(world, watch, options),
      agent: watchingAgent(world, watch, options),
      hold: options.hold,
      command: options.command,
      storeClock: options.storeClock,
    });
  } catch (error) {
    if (error instanceof SimulatedCrash) return 'crashed';
    if (error instanceof LeaseHeldError) return 'held';
    if (error instanceof LeaseLostError) return 'lost';
    if (isServiceError(error) && error.service === 'redis') return 'failed';
    throw error;
  }
}

const acted = (outcome: Outcome): outcome is TickResult => typeof outcome !== 'string';

/** What keeps a platform from being calm, for a failure message. */
function describeUnsettled(last: TickResult, world: World): string[] {
  return [
    ...[...world.ionos.servers.values()].filter((vm) => world.ionos.isBusy(vm.id)).map((vm) => `IONOS still carries out ${world.ionos.pendingActions(vm.id).join(', ')} on ${vm.name}`),
    ...[...world.ionos.servers.values()].filter((vm) => vm.guest === 'poweringOff').map((vm) => `${vm.name}: its guest still shuts down`),
    ...world.ionos.heldWhileOff().map((vm) => `${vm.name}: off, but IONOS still holds it`),
    ...[...world.store.recordsNow().keys()].map((name) => `${name}: a power-off record is left in the store`),
    ...last.observation.servers.filter(inHand).map((server) => `${server.name}: still in maintenance (${server.maintenance?.phase})`),
    ...last.errors.map((e) => `error ${e.source} ${e.server ?? ''}: ${e.message}`),
    ...last.registration.map((o) => `registration ${o.step.kind} ${o.step.server} ${o.status} ${o.detail ?? ''}`),
    ...last.actions.map((o) => `${o.step.kind} ${o.step.server} ${o.status} ${o.detail ?? ''} (${o.step.reason})`),
  ];
}

async function play(s: Scenario): Promise<void> {
  const world = createWorld(s);
  const watch = newWatch();
  const random = seededRandom(s.seed);
  const hold = holdOf(s);
  const results: TickResult[] = [];

  for (const step of s.chaos) {
    world.ionos.faults.setRates(step.ionos, random() * 2 ** 31);
    world.scalelite.faults.setRates(step.scalelite, random() * 2 ** 31);
    world.bbb.faults.setRates(step.bbb, random() * 2 ** 31);
    world.prometheus.faults.setRates(step.prometheus, random() * 2 ** 31);
    world.store.faults.setRates(step.store, random() * 2 ** 31);
    world.agent.faults.setRates(step.agent, random() * 2 ** 31);
    world.agent.hangRate = step.hungShutdowns;
    world.metrics = step.metrics;
    applyEvents(world, step);
    const outcome = await runTickWatched(world, watch, { crashAfter: step.crashAfter, raceRate: step.raceRate, random, hold });
    if (acted(outcome)) results.push(outcome);
    world.advance(60 * step.minutes);
    world.advanceRecordings();
  }

  for (const fake of [world.ionos, world.scalelite, world.bbb, world.prometheus, world.store, world.agent]) fake.faults.clear();
  world.agent.hostKeys.clear();
  world.metrics = 'fresh';
  let grown = grownServers(world);
  let settled: TickResult | undefined;
  let last: TickResult | undefined;
  for (let i = 0; i < settleBudget(results, grown, s.maintenanceFaults.length) && !settled; i++) {
    world.advance(60);
    world.advanceRecordings();
    // At night the last meetings end, so that the running servers drain for their maintenance.
    if (s.night) applyEvents(world, { newMeetings: [], endedMeetings: 1 });
    const result = await runTickWatched(world, watch, { raceRate: 0, random, hold });
    if (result === 'crashed') throw new Error('a calm tick crashed');
    // A crashed tick's lease runs out in the store; meanwhile the next ones wait.
    if (!acted(result)) continue;
    last = result;
    results.push(result);
    if (isCalm(result, world)) settled = result;
    // Servers may be started larger while it settles (a rise that then does not come).
    grown = Math.max(grown, grownServers(world));
  }

  expect(watch.violations).toEqual([]);
  expect(world.meetingsLost).toBe(0);
  if (!settled) {
    const still = last ? describeUnsettled(last, world) : [];
    throw new Error(`no calm tick within ${settleBudget(results, grown, s.maintenanceFaults.length)} ticks after the faults cleared; the last one still had:\n${still.join('\n')}`);
  }

  expectSettled(world, hold);
}

/** A settled platform: the minimum runs, one entry per server in Scalelite with its secret, stopped servers disabled. */
function expectSettled(world: World, hold: HoldList): void {
  const inventory = world.inventory();
  const settings = settingsFromInventoryPolicy(inventory.policy);
  // Held servers count for nothing: the others make up the minimum as far as they can.
  const free = inventory.servers.filter((server) => !hold.names.has(server.name));
  const minimum = Math.min(free.length, settings.poolSize, Math.max(settings.minRunning, scheduledMinimum(world.now, settings)));
  const running = free.filter((server) => world.ionos.isRunning(server.ionosServerId));
  expect(running.length).toBeGreaterThanOrEqual(minimum);
  for (const [i, server] of inventory.servers.entries()) {
    // A held server's registration is its operator's; an enabled one is cordoned unless it is the only one taking meetings.
    if (hold.names.has(server.name)) {
      if (free.some((other) => world.scalelite.byUrl(other.bbbApiUrl).some((entry) => entry.state === 'enabled'))) {
        expect(world.scalelite.byUrl(server.bbbApiUrl).filter((entry) => entry.state === 'enabled')).toEqual([]);
      }
      continue;
    }
    const entries = world.scalelite.byUrl(server.bbbApiUrl);
    // One entry per server with the right secret; a disabled extra survives only while
    // its BBB has meetings (removing it could orphan them).
    const inUse = entries.filter((entry) => entry.state !== 'disabled');
    expect(entries.length).toBeGreaterThanOrEqual(1);
    expect(inUse.length).toBeLessThanOrEqual(1);
    expect(entries.some((entry) => entry.secret === bbbSecret(i + 1))).toBe(true);
    for (const entry of inUse) expect(entry.secret).toBe(bbbSecret(i + 1));
    if (entries.length > 1) expect(world.host(i + 1).meetings.length).toBeGreaterThan(0);
    if (!world.ionos.isRunning(ionosId(i + 1))) expect(entries.every((entry) => entry.state === 'disabled')).toBe(true);
  }
}

/**
 * What a settled platform looks like: power, Scalelite entries and secret per server,
 * without names (which of two equal servers runs may depend on when a tick happened).
 */
function signature(world: World): string[] {
  return world.inventory().servers
    .map((server, i) => {
      const entries = world.scalelite.byUrl(server.bbbApiUrl).map((entry) => `${entry.state}/${entry.secret === bbbSecret(i + 1) ? 'ok' : 'stale'}`);
      return `${world.ionos.isRunning(server.ionosServerId) ? 'on' : 'off'} ${entries.sort().join(',')}`;
    })
    .sort();
}

async function settle(world: World, watch: Watch, random: () => number): Promise<void> {
  for (let i = 0; i < SETTLE_TICKS; i++) {
    world.advance(60);
    const result = await runTickWatched(world, watch, { raceRate: 0, random });
    if (result === 'crashed') throw new Error('a calm tick crashed');
    if (acted(result) && isCalm(result, world)) return;
  }
  throw new Error(`no calm tick within ${SETTLE_TICKS} ticks`);
}

describe('crash between two API calls', () => {
  // Registration drift and a scale-out: the first tick makes many calls in sequence.
  const setup = () =>
    createWorld({
      servers: 4,
      minRunning: 3,
      running: 1,
      cooldownMinutes: 1,
      verticalEnabled: false,
      scheduleMinimum: undefined,
      drift: ['case', 'missing', 'secret', 'duplicate'],
      initialMeetings: 3,
      chaos: [],
      seed: 7,
      held: [],
      withoutChannel: [],
      night: false,
      maintenanceFaults: [],
    });

  it('ends in the same state as an uncrashed run, wherever the crash hits', async () => {
    const random = seededRandom(7);
    const reference = setup();
    const referenceWatch = newWatch();
    const first = await runTickWatched(reference, referenceWatch, { raceRate: 0, random });
    expect(first).not.toBe('crashed');
    const callsInFirstTick = referenceWatch.calls;
    await settle(reference, referenceWatch, random);
    const expected = signature(reference);
    expect(referenceWatch.violations).toEqual([]);

    for (let k = 0; k < callsInFirstTick; k++) {
      const world = setup();
      const watch = newWatch();
      await expect(runTickWatched(world, watch, { crashAfter: k, raceRate: 0, random })).resolves.toBe('crashed');
      await settle(world, watch, random);
      expect({ k, violations: watch.violations, state: signature(world) }).toEqual({ k, violations: [], state: expected });
    }
  }, 120_000);
});

const DEFAULT_SEED = 20_261_127;

describe('fault injection', () => {
  it('keeps every safety rule under 1000 random fault scenarios and converges once faults clear', async () => {
    // A fixed default keeps CI repeatable; FAULTS_SEED=<n> explores (or replays) other runs.
    const seed = Number(process.env.FAULTS_SEED ?? DEFAULT_SEED);
    await fc.assert(fc.asyncProperty(scenarioAt(false), play), { numRuns: 1000, seed, endOnFailure: true });
  }, 600_000);

  it('keeps them under 60 more in the maintenance window, failing maintenance included, and the cycle finishes once faults clear', async () => {
    const seed = Number(process.env.FAULTS_SEED ?? DEFAULT_SEED);
    await fc.assert(fc.asyncProperty(scenarioAt(true), play), { numRuns: 60, seed, endOnFailure: true });
  }, 600_000);
});

describe('fixed scenarios', () => {
  /** A tick of a scenario without faults. */
  const quiet = (overrides: Partial<Scenario['chaos'][number]> = {}): Scenario['chaos'][number] => ({
    ionos: {}, scalelite: {}, bbb: {}, prometheus: {}, store: {}, agent: {}, hungShutdowns: 0, metrics: 'fresh', crashAfter: undefined, newMeetings: [], endedMeetings: 0, raceRate: 0, minutes: 1, ...overrides,
  });
  /** Five servers, one running, sized starts on. */
  const scenario = (overrides: Partial<Scenario>): Scenario => ({
    servers: 5, minRunning: 0, running: 1, cooldownMinutes: 1, verticalEnabled: true, scheduleMinimum: undefined, drift: [], initialMeetings: 0,
    chaos: [], seed: 0, held: [], withoutChannel: [], night: false, maintenanceFaults: [], ...overrides,
  });

  it('powers a grown server off at the minimum only once the base-size server taking its place is up', async () => {
    // The rise the first tick starts four larger servers for does not come; the schedule's minimum of 3 holds two of them.
    await play(scenario({ scheduleMinimum: 3, initialMeetings: 5, chaos: [quiet({ endedMeetings: 1 }), quiet()] }));
  });

  it('brings grown servers in a full pool back to base size one after another, never restarting a running one', async () => {
    // Meetings arrive while no tick gets through; the first calm tick starts every server larger for the rise, the minimum of 4 keeps all but one.
    const meeting = (participants: number, webcams: number) => ({ participants, webcams, recording: false });
    await play(scenario({
      scheduleMinimum: 4,
      chaos: [
        quiet({ metrics: 'stale', crashAfter: 0, newMeetings: [meeting(1, 0)], minutes: 2 }),
        quiet({ crashAfter: 0, newMeetings: [meeting(35, 4), meeting(79, 1), meeting(79, 4), meeting(71, 3)] }),
      ],
    }));
  });
});

/** One tick of the duel: which autoscaler ticks, what the clocks do, what users do. */
const duelTick = fc.record({
  /** `both`: b ticks while a is at its call number `at`; with `pause`, a stalls there longer than the lease first. */
  who: fc.constantFrom<'a' | 'b' | 'both'>('a', 'b', 'both', 'both'),
  at: fc.integer({ min: 1, max: 30 }),
  pause: fc.boolean(),
  /** a dies at this call (its lease runs out in the store). */
  crashA: fc.option(fc.nat({ max: 30 }), { nil: undefined }),
  /** The store's clock jumps, in minutes, either way (its host's clock was set). */
  storeJump: fc.option(fc.integer({ min: -240, max: 240 }), { nil: undefined }),
  /** The autoscalers' own wall clock jumps too (the lease runs on the monotonic clock). */
  localJump: fc.option(fc.integer({ min: -240, max: 240 }), { nil: undefined }),
  newMeetings: fc.array(fc.record({ participants: fc.integer({ min: 1, max: 80 }), webcams: fc.nat({ max: 6 }), recording: fc.boolean() }), { maxLength: 5 }),
  endedMeetings: fc.nat({ max: 3 }),
  raceRate: chance(0.15),
  minutes: fc.integer({ min: 1, max: 3 }),
});

const duel = fc
  .record({
    servers: fc.integer({ min: 2, max: 5 }),
    minRunning: fc.nat({ max: 3 }),
    running: fc.nat({ max: 5 }),
    cooldownMinutes: fc.integer({ min: 1, max: 4 }),
    initialMeetings: fc.nat({ max: 8 }),
    hungShutdowns: chance(0.5),
    ticks: fc.array(duelTick, { minLength: 3, maxLength: 8 }),
    seed: fc.integer(),
    /** Half the duels begin in the maintenance window: two autoscalers, jumping clocks and the cycle. */
    night: fc.boolean(),
  })
  .map((d) => ({ ...d, minRunning: Math.min(d.minRunning, d.servers), running: Math.min(d.running, d.servers) }));

type Duel = typeof duel extends fc.Arbitrary<infer T> ? T : never;

/** Only Date is faked (the wall clock jumps); timers, microtasks and the monotonic clock run for real. */
const DATE_ONLY: Parameters<typeof jest.useFakeTimers>[0] = {
  doNotFake: ['hrtime', 'nextTick', 'performance', 'queueMicrotask', 'requestAnimationFrame', 'cancelAnimationFrame', 'requestIdleCallback', 'cancelIdleCallback', 'setImmediate', 'clearImmediate', 'setInterval', 'clearInterval', 'setTimeout', 'clearTimeout'],
};

async function playDuel(d: Duel): Promise<void> {
  const world = createWorld({
    servers: d.servers,
    minRunning: d.minRunning,
    running: d.running,
    cooldownMinutes: d.cooldownMinutes,
    verticalEnabled: false,
    scheduleMinimum: undefined,
    drift: [],
    initialMeetings: d.initialMeetings,
    chaos: [],
    seed: d.seed,
    held: [],
    withoutChannel: [],
    night: d.night,
    maintenanceFaults: [],
  });
  world.agent.hangRate = d.hungShutdowns;
  const random = seededRandom(d.seed);
  const watch = { a: newWatch(), b: newWatch() };
  let localSkewMs = 0;
  /** How far the store's clock went back in all: a dead holder's lease outlives its time by as much. */
  let backwardMs = 0;
  const base = { random, storeClock: true, clockJumps: true } as const;
  const tickB = (raceRate: number) => runTickWatched(world, watch.b, { ...base, command: 'tick-b', raceRate });
  const outcomes: string[] = [];

  jest.useFakeTimers(DATE_ONLY);
  try {
    for (const step of d.ticks) {
      if (step.storeJump !== undefined) {
        world.storeSkewMs += step.storeJump * 60_000;
        backwardMs += Math.max(0, -step.storeJump * 60_000);
      }
      if (step.localJump !== undefined) localSkewMs += step.localJump * 60_000;
      jest.setSystemTime(world.now.getTime() + localSkewMs);
      applyEvents(world, step);
      if (step.who === 'b') {
        outcomes.push(`b ${describeOutcome(await tickB(step.raceRate))}`);
      } else {
        let during: Promise<void> | undefined;
        const interleave =
          step.who === 'both'
            ? (call: number) => {
                if (call !== step.at) return Promise.resolve();
                during = (async () => {
                  // a stalls (a pause of the process, a slow store) for longer than its lease.
                  if (step.pause) world.advance(LEASE_SECONDS + 30);
                  outcomes.push(`b ${describeOutcome(await tickB(step.raceRate))} during a`);
                })();
                return during;
              }
            : undefined;
        const a = await runTickWatched(world, watch.a, { ...base, command: 'tick-a', raceRate: step.raceRate, crashAfter: step.crashA, interleave });
        // b is another process: a's crash in a call made beside the one b interleaved with
        // ends a's tick, not b's, which finishes before the clocks move on.
        await during;
        outcomes.push(`a ${describeOutcome(a)}`);
      }
      world.advance(60 * step.minutes);
      world.advanceRecordings();
    }

    // A dead holder's lease runs out by the store's clock, within the lease and the store
    // clock's backward jumps; then both tick, a then b, each minute, until one finds nothing to do.
    const held = world.store.holderNow();
    if (held) {
      const waitMs = Math.max(0, held.expiresAt - (world.now.getTime() + world.storeSkewMs));
      expect(waitMs).toBeLessThanOrEqual(LEASE_SECONDS * 1000 + backwardMs);
      world.advance(waitMs / 1000);
    }
    // A guest told to power off is timed by the store's clock: told before that clock went
    // back, a hung shutdown is cut short that much later (docs/autoscaler.md).
    const storeNow = world.now.getTime() + world.storeSkewMs;
    const toldAhead = Math.max(0, ...[...world.store.recordsNow().values()].map((told) => told.getTime() - storeNow));
    expect(toldAhead).toBeLessThanOrEqual(backwardMs);
    world.advance(toldAhead / 1000);
    let settled = false;
    const results: TickResult[] = [];
    for (let i = 0; i < settleBudget(results) && !settled; i++) {
      world.advance(60);
      world.advanceRecordings();
      // At night the last meetings end; so they do when the store's clock jumped into the
      // maintenance window by day, or its drains would wait out their limit one after another.
      if (d.night || results.some((result) => result.decision.maintenance.active)) applyEvents(world, { newMeetings: [], endedMeetings: 1 });
      jest.setSystemTime(world.now.getTime() + localSkewMs);
      for (const who of ['a', 'b'] as const) {
        const result = await runTickWatched(world, watch[who], { ...base, command: `tick-${who}`, raceRate: 0 });
        if (acted(result)) results.push(result);
        if (acted(result) && isCalm(result, world)) settled = true;
      }
    }
    expect({ violations: [...watch.a.violations, ...watch.b.violations], meetingsLost: world.meetingsLost }).toEqual({ violations: [], meetingsLost: 0 });
    if (!settled) {
      const lastResult = results[results.length - 1];
      const still = lastResult ? describeUnsettled(lastResult, world) : [];
      throw new Error(`no calm tick within ${settleBudget(results)} ticks after: ${outcomes.join(', ')}; the last one still had:\n${still.join('\n')}`);
    }
    expectSettled(world, { source: 'hold', names: new Set() });
  } finally {
    jest.useRealTimers();
  }
}

function describeOutcome(outcome: Outcome): string {
  return typeof outcome === 'string' ? outcome : `acted (${outcome.actions.filter((action) => action.status === 'done').length} done)`;
}

describe('two autoscalers and jumping clocks', () => {
  it('lose no meeting and act one at a time when a second instance overlaps, a holder stalls or dies, and clocks jump either way', async () => {
    const seed = Number(process.env.FAULTS_SEED ?? DEFAULT_SEED);
    await fc.assert(fc.asyncProperty(duel, playDuel), { numRuns: 300, seed, endOnFailure: true });
  }, 600_000);
});

