/** What every tick settles besides the fleet size: enabling, stopped servers, power-offs, multipliers. */
import { loadMultiplierFor } from './capacity';
import { isDrained, type ServerView } from './classify';
import { EPSILON, round, sum, type Plan, type Targets } from './plan';
import type { Action, PolicySettings } from './types';

/**
 * Booted servers wait disabled (answering, no meetings) until the load expected by the
 * next tick or the minimum needs them: enabling is instant, and a server without
 * meetings can be stopped at once if a rise the planned load expected does not come.
 * Scalelite spreads new meetings over every enabled server, so enabling early would
 * pin meetings to servers that are not needed.
 */
export function enableStandby(views: readonly ServerView[], plan: Plan, targets: Targets, settings: PolicySettings): Action[] {
  const reenabled = new Set(plan.actions.filter((action) => action.kind === 'enable').map((action) => action.server));
  const serving = views.filter(
    (view) => (view.role === 'active' && !view.awaitingEnable) || reenabled.has(view.observed.name),
  );
  let capacity = sum(serving.map((view) => view.capacity));
  let count = serving.length;
  const pinnedAgain = sum(views.filter((view) => reenabled.has(view.observed.name)).map((view) => view.load ?? 0));
  const needed = (targets.enableLoad + pinnedAgain) / settings.targetUtilization;
  const standby = views
    .filter((view) => view.awaitingEnable && view.answering && !plan.withheld.has(view.observed.name))
    .sort((a, b) => b.capacity - a.capacity || a.observed.name.localeCompare(b.observed.name));
  const actions: Action[] = [];
  for (const view of standby) {
    if (capacity >= needed - EPSILON && count >= Math.max(1, targets.minimum)) break;
    const why = capacity < needed - EPSILON ? `the load needs capacity ${round(needed)}, enabled ${round(capacity)}` : `the minimum is ${targets.minimum} enabled`;
    actions.push({ kind: 'enable', server: view.observed.name, reason: `BBB API answers; ${why}` });
    capacity += view.capacity;
    count += 1;
  }
  return actions;
}

/**
 * Stopped servers are disabled in Scalelite (a started one then boots into standby), and
 * those not started this tick (a start carries its size) go back to their base size. One
 * whose guest powered off is resized once IONOS has released it (release).
 */
export function stoppedHousekeeping(views: readonly ServerView[], plan: Plan): Action[] {
  const actions: Action[] = [];
  for (const view of views.filter((candidate) => candidate.role === 'stopped')) {
    const { name, cores, ramGb, baseCores, baseRamGb, scalelite } = view.observed;
    if (!plan.started.has(name) && view.powerOffMinutes === undefined && (cores !== baseCores || ramGb !== baseRamGb)) {
      actions.push({ kind: 'resize', server: name, cores: baseCores, ramGb: baseRamGb, reason: `stopped: back to base size from ${cores} cores, ${ramGb} GB` });
    }
    if (scalelite.known && scalelite.state !== 'disabled') {
      actions.push({ kind: 'disable', server: name, reason: `stopped but ${scalelite.state} in Scalelite` });
    }
  }
  return actions;
}

/**
 * The end of a stop. A guest that powered off still holds its cores and RAM, billed,
 * until IONOS stops it: that stop follows as soon as IONOS reports the server off. A guest
 * still running `shutdownTimeoutMinutes` after the command is stopped by IONOS when its
 * BBB no longer answers (it was drained before the command, so only a hung shutdown is cut
 * short); when BBB still answers, the command never arrived and is sent again.
 */
export function release(views: readonly ServerView[], plan: Plan, settings: PolicySettings): Action[] {
  const actions: Action[] = [];
  for (const view of views) {
    const { name } = view.observed;
    const minutes = view.powerOffMinutes;
    if (minutes === undefined || plan.started.has(name) || plan.stopped.has(name)) continue;
    if (view.role === 'stopped') {
      actions.push({ kind: 'stop', server: name, reason: 'the guest powered off: release its cores and RAM' });
    } else if (view.role === 'poweringOff' && minutes >= settings.shutdownTimeoutMinutes) {
      if (!view.answering) {
        actions.push({ kind: 'stop', server: name, reason: `not off ${round(minutes)} min after the power-off command: IONOS powers it off` });
      } else if (isDrained(view)) {
        actions.push({ kind: 'powerOff', server: name, reason: `still answering ${round(minutes)} min after the power-off command: sent again` });
      } else {
        plan.reasons.push(`${name}: told to power off ${round(minutes)} min ago but holds meetings or recordings; left alone`);
      }
    }
  }
  return actions;
}

/**
 * Every running server Scalelite knows carries the multiplier of its size. A server
 * gets cores only while stopped, so the size IONOS reports is the size it booted with;
 * the multiplier waits while IONOS still carries out a request on the server.
 */
export function multipliers(views: readonly ServerView[], actions: readonly Action[], settings: PolicySettings): Action[] {
  const resized = new Set(actions.filter((action) => action.kind === 'resize').map((action) => action.server));
  const result: Action[] = [];
  for (const view of views) {
    const { name, cores, scalelite, power, busy } = view.observed;
    if (!scalelite.known || power !== 'running' || busy || resized.has(name)) continue;
    const wanted = loadMultiplierFor(cores, settings);
    if (Math.abs(scalelite.loadMultiplier - wanted) > 0.005) {
      result.push({ kind: 'setLoadMultiplier', server: name, loadMultiplier: wanted, reason: `${cores} cores` });
    }
  }
  return result;
}
