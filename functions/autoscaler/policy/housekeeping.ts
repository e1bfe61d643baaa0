/** What every tick settles besides the fleet size: enabling, stopped servers, multipliers. */
import { loadMultiplierFor } from './capacity';
import type { ServerView } from './classify';
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
  const needed = targets.enableLoad / settings.targetUtilization;
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

/** Stopped servers go back to their base size and to disabled in Scalelite. */
export function stoppedHousekeeping(views: readonly ServerView[]): Action[] {
  const actions: Action[] = [];
  for (const view of views.filter((candidate) => candidate.role === 'stopped')) {
    const { name, cores, ramGb, baseCores, baseRamGb, scalelite } = view.observed;
    if (view.oversized || cores !== baseCores || ramGb !== baseRamGb) {
      actions.push({ kind: 'resize', server: name, cores: baseCores, ramGb: baseRamGb, reason: `stopped: back to base size from ${cores} cores, ${ramGb} GB` });
    }
    if (scalelite.known && scalelite.state !== 'disabled') {
      actions.push({ kind: 'disable', server: name, reason: `stopped but ${scalelite.state} in Scalelite` });
    }
  }
  return actions;
}

/**
 * Every running server Scalelite knows carries the multiplier of its size, set once the
 * size is really there: a smaller multiplier before a hot-plug lands would send the
 * server meetings it cannot carry yet.
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
