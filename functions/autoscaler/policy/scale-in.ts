/** Scale-in: at most one server out of service per tick, and the drain sequence. */
import { serverCapacity } from './capacity';
import { isDrained, recentlyStarted, type ServerView } from './classify';
import { EPSILON, powerOff, resizeToBase, round, runningAfterStops, sum, type Plan, type Targets } from './plan';
import type { Observation, PolicySettings } from './types';

/**
 * Takes at most one server out of service per tick, and only when the peak load of the
 * cooldown window (and the learned timetable's next one) fits without it; powers off
 * cordoned servers once their meetings and recordings are known to be finished. A server
 * booted within `keepStartedMinutes` stays. Servers started larger than base size go back
 * to it the same way: drained first, then powered off and resized while stopped.
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
  for (const view of views.filter((candidate) => candidate.role === 'draining')) finishDrain(view, views, plan, minimum, settings);

  const keep = Math.max(plan.required, targets.keepLoad / settings.targetUtilization);
  // A server still booting carries nothing yet: only servers that answer make room for a drain.
  const booting = views.filter((view) => view.role === 'booting');
  const ready = plan.capacity - sum(booting.map((view) => view.capacity));
  const why = `peak ${round(targets.keepLoad)} fits`;
  // Nor do they count towards the minimum here: one may be a server IONOS is stopping,
  // which looks like a boot for a tick, and a boot may fail.
  const canRemove = plan.servers - booting.length - 1 >= minimum;
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
      // Disabled already (booted but not needed, or drained and disabled by Scalelite): no drain needed.
      if (!isDrained(view)) continue;
      if (canRemove && runningAfterStops(views, plan) - 1 >= minimum) {
        powerOff(plan, view, `idle and disabled; ${why} without it`);
        plan.capacity -= view.capacity;
        plan.servers -= 1;
        return;
      }
      if (!view.oversized) continue;
      plan.capacity += shrinkDrained(view, views, plan, settings, `${why} at base size`) - view.capacity;
      return;
    }
    if (!keepsOneServing || waiting) continue;
    if (canRemove) {
      plan.actions.push({ kind: 'cordon', server: name, reason: `least loaded (${round(view.load ?? 0)}); ${why} without it` });
      plan.capacity -= view.capacity;
      if (view.oversized) plan.rightSizing += 1;
      else plan.servers -= 1;
      return;
    }
    if (!view.oversized) continue;
    // At the minimum: keep the server but bring it back to its base size.
    plan.actions.push({ kind: 'cordon', server: name, reason: `drain to return to base size; ${why} without it` });
    plan.capacity -= view.capacity;
    plan.rightSizing += 1;
    return;
  }
}

/** A cordoned server whose meetings and recordings are finished is powered off, or resized down when the minimum needs it. */
function finishDrain(view: ServerView, views: readonly ServerView[], plan: Plan, minimum: number, settings: PolicySettings): void {
  const name = view.observed.name;
  if (!isDrained(view)) {
    plan.reasons.push(`${name}: draining, waiting for ${waitingFor(view)}`);
  } else if (runningAfterStops(views, plan) - 1 >= minimum) {
    powerOff(plan, view, 'drained: no meetings, recordings finished');
    if (view.oversized) {
      plan.servers -= 1;
      plan.rightSizing -= 1;
    }
  } else if (view.oversized) {
    plan.capacity += shrinkDrained(view, views, plan, settings, 'the minimum needs a server in its place');
    plan.rightSizing -= 1;
  } else {
    plan.reasons.push(`${name}: drained, kept running for the minimum of ${minimum}`);
  }
}

/**
 * Brings a drained, grown server back to its base size while the minimum needs a server
 * in its place: a stopped base-size server starts and the grown one powers off (it is
 * resized while stopped). Only with no stopped server left is it resized where it runs,
 * which may restart it; it then comes back disabled and is enabled once it answers.
 * Returns the capacity that takes its place.
 */
function shrinkDrained(view: ServerView, views: readonly ServerView[], plan: Plan, settings: PolicySettings, why: string): number {
  const name = view.observed.name;
  const replacement = views
    .filter((candidate) => candidate.role === 'stopped' && !candidate.oversized && !plan.started.has(candidate.observed.name))
    .sort((a, b) => a.observed.name.localeCompare(b.observed.name))[0];
  if (replacement && plan.poweredOn < settings.poolSize) {
    // The start comes first so that running servers never drop below the minimum.
    const { name: replacementName, baseCores, baseRamGb } = replacement.observed;
    plan.actions.push({ kind: 'start', server: replacementName, cores: baseCores, ramGb: baseRamGb, reason: `takes the place of ${name} at base size` });
    plan.started.add(replacementName);
    plan.poweredOn += 1;
    powerOff(plan, view, `drained and larger than needed; ${why}`);
    return serverCapacity(baseCores, settings);
  }
  resizeToBase(plan, view, `drained and larger than needed; ${why}`);
  if (view.role === 'draining') {
    plan.actions.push({ kind: 'disable', server: name, reason: 'resized down: enable again once its BBB API answers' });
  }
  return serverCapacity(view.observed.baseCores, settings);
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
