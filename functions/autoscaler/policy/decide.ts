/**
 * One autoscaler tick: from what was observed to what should change. Pure: no I/O, no
 * clock, no state between ticks. Scale-in hysteresis comes from the observed peak load
 * over the cooldown window and the boot times of the servers, so a restart at any point
 * is harmless.
 */
import { mayBePoweredOn, viewServer, type ServerView } from './classify';
import { learnedTimetable, type Forecast } from './forecast';
import { enableStandby, multipliers, release, stoppedHousekeeping } from './housekeeping';
import { EPSILON, round, sum, type Plan, type Targets } from './plan';
import { scaleIn } from './scale-in';
import { scaleOut } from './scale-out';
import { scheduledMinimum } from './schedule';
import { currentCycle, heldByMaintenance, inHand as inMaintenance, summarize } from './maintenance/cycle';
import { maintenanceActions, runningServerTurn } from './maintenance/tick';
import type { Action, Decision, Observation, PolicySettings, ServerObservation, Unknown } from './types';

/**
 * Booted servers are enabled for the load expected within this many minutes: at a bell,
 * a minute brings dozens of meetings, and Scalelite spreads them by users, not by the
 * webcams that weigh on a server, so one tick of headroom overloads single servers.
 */
export const ENABLE_AHEAD_MINUTES = 3;

export function decide(observation: Observation, settings: PolicySettings): Decision {
  const reasons: string[] = [];
  const { views, held, inHand } = poolViews(observation, settings, reasons);
  const unobserved = new Set(observation.pool).size - views.length - held.length - inHand.length;
  const forecast = learnedTimetable(observation.fleet.history, settings);
  // Unknown maintenance records: a server in the middle of its update would look like any
  // other, so no server is enabled, drained or powered off this tick (starts go on).
  const recordsKnown = observation.maintenance?.known !== false;
  if (!recordsKnown) reasons.push(`maintenance records unknown (${(observation.maintenance as Unknown).error}): nothing is enabled, drained or begun`);

  // Capped at the servers the policy may use: a minimum it cannot reach would have it
  // re-enable and drain the same server in turn. With a learned timetable, servers are
  // started ahead of each rise instead of held by the schedule's flat minimums.
  const usable = Math.min(settings.poolSize, new Set(observation.pool).size - held.length - inHand.length);
  const scheduled = forecast ? 0 : scheduledMinimum(observation.now, settings);
  const baseMinimum = Math.min(usable, Math.max(settings.minRunning, scheduled));
  const cycle = currentCycle(observation, settings.maintenance);
  const maintenance = { observation, settings, cycle, views, inHand, forecast, targets: plannedLoad(observation, views, settings, baseMinimum, forecast) };
  // A running server whose turn has come goes only once another can take its place.
  const turn = recordsKnown ? runningServerTurn(maintenance) : { reserve: 0, now: false };
  const reserve = turn.reserve;
  const minimum = Math.min(usable, baseMinimum + reserve);
  const targets = { ...maintenance.targets, minimum };

  const enabled = views.filter((view) => view.role === 'active' || view.role === 'booting');
  const plan: Plan = {
    capacity: sum(enabled.map((view) => view.capacity)),
    required: targets.projected / settings.targetUtilization,
    servers: enabled.length,
    // Unobserved, held and maintained pool servers may be on: they count against the pool size.
    poweredOn: views.filter((view) => view.role !== 'stopped').length + [...held, ...inHand].filter(mayBePoweredOn).length + unobserved,
    actions: [],
    reasons,
    stopped: new Set(),
    started: new Set(),
    withheld: new Set(),
    patched: new Set(views.filter((view) => view.observed.maintenance?.patchedCycle === cycle.id).map((view) => view.observed.name)),
  };
  const capacityBefore = plan.capacity;
  const requiredBefore = plan.required;
  reasons.push(
    `load ${round(targets.load)} (planned ${round(targets.projected)}${forecast ? `, learned from ${forecast.weeks} week(s)` : ''}) ` +
      `needs capacity ${round(requiredBefore)}, have ${round(capacityBefore)} on ${enabled.length} servers; minimum ${minimum}` +
      (reserve ? ' (one more while a running server waits for its maintenance)' : ''),
  );

  const loadShort = plan.capacity < plan.required - EPSILON;
  if (!scaleOut(views, plan, targets, settings, recordsKnown) && recordsKnown) {
    // The servers that stand in for a running server taken for its maintenance this tick stay.
    if (turn.now) reasons.push('scale-in waits: a running server is taken for its maintenance');
    else scaleIn(observation, views, plan, targets, settings);
  }
  const housekeeping = [...stoppedHousekeeping(views, plan), ...release(views, plan, settings)];
  const enables = recordsKnown ? enableStandby(views, plan, targets, settings) : [];
  const maintenanceSteps = recordsKnown ? maintenanceActions({ ...maintenance, targets }, plan, enables, loadShort) : [];
  const multiplierActions = multipliers(views, plan.actions, settings);
  const holdCordons = cordonHeld(held, views, [...enables, ...plan.actions, ...maintenanceSteps], reasons);

  return {
    actions: [...housekeeping, ...enables, ...plan.actions, ...maintenanceSteps, ...holdCordons, ...multiplierActions],
    load: targets.load,
    desiredCapacity: Math.max(requiredBefore, minimum * settings.capacityPerServer),
    desiredServers: plan.servers,
    runningServers: views.filter((view) => view.observed.power === 'running').length,
    capacity: capacityBefore,
    effectiveMinimum: minimum,
    reasons,
    maintenance: summarize(observation, cycle, settings.maintenance),
  };
}

/**
 * Only servers of the pool, each once; anything else is named in the reasons and left
 * alone. Held servers (the operator's hold file, or a failed maintenance) and those the
 * maintenance cycle has in hand are set apart: the policy plans as if they were not in the pool.
 */
function poolViews(observation: Observation, settings: PolicySettings, reasons: string[]) {
  const pool = new Set(observation.pool);
  const seen = new Set<string>();
  const views: ServerView[] = [];
  const held: ServerObservation[] = [];
  const inHand: ServerObservation[] = [];
  for (const server of observation.servers) {
    if (!pool.has(server.name)) {
      reasons.push(`${server.name}: not in the pool, left alone`);
    } else if (seen.has(server.name)) {
      reasons.push(`${server.name}: observed twice, the first observation counts`);
    } else {
      seen.add(server.name);
      if (server.held || heldByMaintenance(server)) held.push(server);
      else if (inMaintenance(server)) inHand.push(server);
      else views.push(viewServer(server, observation.now, settings));
    }
  }
  for (const name of pool) {
    if (!seen.has(name)) reasons.push(`${name}: not observed, counted as powered on and left alone`);
  }
  return { views, held, inHand };
}

/**
 * A held server (by the operator, or after a failed maintenance) gets no new meetings: it is cordoned while Scalelite has it enabled, and
 * otherwise left exactly as it is. A running one waits for another server to take new
 * meetings (Scalelite with no enabled server turns every meeting away).
 */
function cordonHeld(held: readonly ServerObservation[], views: readonly ServerView[], planned: readonly Action[], reasons: string[]): Action[] {
  const cordoned = new Set(planned.filter((action) => action.kind === 'cordon').map((action) => action.server));
  const enabled = new Set(planned.filter((action) => action.kind === 'enable').map((action) => action.server));
  for (const view of views) {
    const { name, scalelite } = view.observed;
    if (view.role === 'active' && scalelite.known && scalelite.state === 'enabled' && !cordoned.has(name)) enabled.add(name);
  }
  const actions: Action[] = [];
  for (const server of held) {
    const { name, scalelite, power } = server;
    const by = server.held ? 'held by the operator' : `held after its maintenance failed (${server.maintenance?.message ?? 'no reason recorded'})`;
    if (!scalelite.known || scalelite.state !== 'enabled') {
      reasons.push(`${name}: ${by}, left alone`);
    } else if (power === 'running' && enabled.size === 0) {
      reasons.push(`${name}: ${by}, cordon waits for another enabled server`);
    } else {
      actions.push({ kind: 'cordon', server: name, reason: `${by}: no new meetings` });
    }
  }
  return actions;
}

/**
 * The load the enabled servers carry: the larger of Prometheus' fleet load and the sum of
 * the servers' getMeetings loads (either may be missing or lag), less what cordoned servers
 * hold (their meetings stay where they are). Without fresh Prometheus figures, a server
 * whose getMeetings failed is assumed to be as full as the target allows: an unknown is
 * never "no meetings".
 *
 * Ahead of it: the rise the learned timetable expects within prewarmMinutes (a boot, the
 * tick that enables the server, and the spread of a bell: meetings open up to ten minutes
 * early, and last week's bell may have been smaller), or, while the load rises, its trend
 * over a boot and its margin. The trend counts only while the last minutes rise too: a
 * load that stepped up and stays is no rise to start servers for.
 */
function plannedLoad(observation: Observation, views: readonly ServerView[], settings: PolicySettings, minimum: number, forecast: Forecast | undefined): Targets {
  const fleet = observation.fleet;
  let observedLoad = sum(views.map((view) => view.load ?? 0));
  if (!fleet.metricsFresh || fleet.load === undefined) {
    const unknown = views.filter((view) => (view.role === 'active' || view.role === 'draining') && view.load === undefined);
    observedLoad += sum(unknown.map((view) => view.capacity * settings.targetUtilization));
  }
  const pinned = sum(views.filter((view) => view.role === 'draining').map((view) => view.load ?? 0));
  const total = Math.max(positiveOrZero(fleet.load), observedLoad);
  const load = Math.max(0, total - pinned);
  const slope = positiveOrZero(fleet.loadTrendPerMinute);
  const trend = !fleet.metricsFresh ? 0 : fleet.recentTrendPerMinute === undefined ? slope : Math.min(slope, positiveOrZero(fleet.recentTrendPerMinute));
  const rise = (minutes: number) => Math.max(trend * minutes, forecast?.rise(minutes) ?? 0);
  const ahead = settings.bootMinutes + settings.lookaheadMarginMinutes;
  const tickMinutes = Math.max(1, Math.ceil(settings.intervalSeconds / 60));
  return {
    minimum,
    load,
    projected: load + Math.max(trend * ahead, forecast?.rise(Math.max(ahead, settings.prewarmMinutes)) ?? 0),
    enableLoad: load + rise(Math.max(tickMinutes, ENABLE_AHEAD_MINUTES)),
    // Taking a server out of service must leave room for every meeting: those pinned on
    // cordoned servers end by the next bell, and the next lesson's meetings come to the
    // enabled ones.
    keepLoad: Math.max(positiveOrZero(fleet.peakLoad), total + (forecast?.rise(settings.scaleInCooldownMinutes) ?? 0)),
  };
}

function positiveOrZero(value: number | undefined): number {
  return value !== undefined && Number.isFinite(value) && value > 0 ? value : 0;
}
