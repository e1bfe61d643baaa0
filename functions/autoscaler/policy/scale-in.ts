/** Scale-in: at most one server out of service per tick, and the drain sequence. */
import { serverCapacity } from './capacity';
import { isDrained, recentlyStarted, type ServerView } from './classify';
import { EPSILON, powerOff, round, startOrder, sum, upAfterStops, type Plan, type Targets } from './plan';
import type { Observation, PolicySettings } from './types';

/**
 * Takes at most one server out of service per tick, and only when the peak load of the
 * cooldown window (and the learned timetable's next one) fits without it; powers off
 * cordoned servers once their meetings and recordings are known to be finished. A server
 * booted within `keepStartedMinutes` stays. A power-off leaves at least the minimum up
 * (keepsMinimum): a server that is still starting or booting makes no room for it. A
 * server started larger than base size goes back to it by making way for a base-size one
 * (makeWay): it is powered off once that one is up, and resized while stopped.
 */
export function scaleIn(observation: Observation, views: readonly ServerView[], plan: Plan, targets: Targets, settings: PolicySettings): void {
  const { metricsFresh, peakLoad } = observation.fleet;
  if (!metricsFresh || peakLoad === undefined || !Number.isFinite(peakLoad)) {
    plan.reasons.push('scale-in paused: metrics are stale or the cooldown peak is unknown');
    return;
  }
  const cpu = averageCpu(views);
  if (cpu !== undefined && cpu >= settings.targetUtilization) {
    plan.reasons.push(`scale-in paused: average CPU ${Math.round(cpu * 100)}% is at or above the target`);
    return;
  }
  const { minimum } = targets;
  for (const view of views.filter((candidate) => candidate.role === 'draining')) finishDrain(view, views, plan, minimum);

  const keep = Math.max(plan.required, targets.keepLoad / settings.targetUtilization);
  // A server still booting carries nothing yet: only servers that answer make room for a drain.
  const booting = views.filter((view) => view.role === 'booting');
  const ready = plan.capacity - sum(booting.map((view) => view.capacity));
  const why = `peak ${round(targets.keepLoad)} fits`;
  // Nor is it a server in service: it counts towards the minimum only once it is up.
  const canRemove = () => plan.servers - booting.length - 1 >= minimum;
  // Scalelite needs an enabled, answering server for the next meeting, even with a minimum
  // of 0: with none, no meeting can start, so no load would ever call for a server again.
  const serving = views.filter(
    (view) => view.role === 'active' && view.observed.scalelite.known && view.observed.scalelite.state === 'enabled',
  ).length;
  const keepsOneServing = serving - 1 >= 1;
  // A booted server waiting to be enabled goes before any server with meetings: cordoning
  // one while another waits would swap a server that carries lessons for an empty one.
  const waiting = views.some((view) => view.role === 'active' && view.awaitingEnable && view.answering);
  const candidates = views
    .filter((view) => view.role === 'active' && view.load !== undefined && view.observed.scalelite.known && !recentlyStarted(view, observation.now, settings))
    .sort(
      (a, b) =>
        (a.load ?? 0) / a.capacity - (b.load ?? 0) / b.capacity ||
        Number(b.awaitingEnable) - Number(a.awaitingEnable) ||
        b.capacity - a.capacity ||
        a.observed.name.localeCompare(b.observed.name),
    );
  for (const view of candidates) {
    if (ready - view.capacity < keep - EPSILON) continue;
    const name = view.observed.name;
    if (view.awaitingEnable) {
      // Disabled already (booted but not needed, or drained and disabled by Scalelite's poller): no drain needed.
      if (!isDrained(view)) continue;
      if (canRemove() && upAfterStops(views, plan) - 1 >= minimum) {
        powerOff(plan, view, `idle and disabled; ${why} without it`);
        plan.capacity -= view.capacity;
        plan.servers -= 1;
        return;
      }
      const way = view.oversized ? makeWay(view, views, plan, settings, minimum, `${why} at base size`) : undefined;
      if (!way) continue;
      // It stays out of rotation until the server taking its place is up, and no longer counts
      // as one that stays: another grown server needs a server of its own.
      plan.withheld.add(name);
      plan.servers -= 1;
      if (way === 'started') return;
      continue;
    }
    if (!keepsOneServing || waiting) continue;
    if (canRemove()) {
      plan.actions.push({ kind: 'cordon', server: name, reason: `least loaded (${round(view.load ?? 0)}); ${why} without it` });
      plan.capacity -= view.capacity;
      plan.servers -= 1;
      return;
    }
    if (!view.oversized || !makeWay(view, views, plan, settings, minimum, `${why} at base size`)) continue;
    plan.actions.push({ kind: 'cordon', server: name, reason: `larger than needed, drained while a base-size server takes its place; ${why} without it` });
    plan.capacity -= view.capacity;
    plan.servers -= 1;
    return;
  }
}

/** A cordoned server whose meetings and recordings are finished is powered off, while the servers up without it keep the minimum. */
function finishDrain(view: ServerView, views: readonly ServerView[], plan: Plan, minimum: number): void {
  const name = view.observed.name;
  if (!isDrained(view)) {
    plan.reasons.push(`${name}: draining, waiting for ${waitingFor(view)}`);
  } else if (upAfterStops(views, plan) - 1 >= minimum) {
    powerOff(plan, view, 'drained: no meetings, recordings finished');
  } else {
    plan.reasons.push(`${name}: drained, kept running for the minimum of ${minimum} until another server is up`);
  }
}

/**
 * A grown server at the minimum makes way for a base-size one: a stopped server is started
 * at its base size in its place (`started`), unless a server coming up already keeps the
 * minimum without the grown one (`coming`). The grown one then goes once that server is up
 * (finishDrain, or as an idle standby server), and is resized while stopped: a running
 * server is never resized (IONOS would restart it). With no server to take its place, the
 * grown one stays as it is (undefined).
 */
function makeWay(view: ServerView, views: readonly ServerView[], plan: Plan, settings: PolicySettings, minimum: number, why: string): 'coming' | 'started' | undefined {
  const name = view.observed.name;
  if (plan.servers - 1 >= minimum) {
    plan.reasons.push(`${name}: larger than needed, waits for the server coming up in its place; ${why}`);
    return 'coming';
  }
  const [replacement] = startOrder(views, plan);
  if (!replacement || plan.poweredOn >= settings.poolSize) {
    plan.reasons.push(`${name}: larger than needed, but no stopped server can take its place`);
    return undefined;
  }
  const { name: replacementName, baseCores, baseRamGb } = replacement.observed;
  plan.actions.push({ kind: 'start', server: replacementName, cores: baseCores, ramGb: baseRamGb, reason: `takes the place of ${name} at base size; ${why}` });
  plan.started.add(replacementName);
  plan.poweredOn += 1;
  plan.servers += 1;
  plan.capacity += serverCapacity(baseCores, settings);
  return 'started';
}

function averageCpu(views: readonly ServerView[]): number | undefined {
  const samples = views
    .filter((view) => view.role === 'active')
    .map((view) => view.observed.cpuUtilisation)
    .filter((cpu): cpu is number => cpu !== undefined && Number.isFinite(cpu));
  return samples.length === 0 ? undefined : sum(samples) / samples.length;
}

function waitingFor(view: ServerView): string {
  const { meetings, recordings } = view.observed;
  if (!meetings.known) return `getMeetings (${meetings.error})`;
  if (meetings.meetings > 0) return `${meetings.meetings} meeting(s)`;
  if (!recordings.known) return `recording status (${recordings.error})`;
  return `${recordings.busy} recording(s)`;
}
