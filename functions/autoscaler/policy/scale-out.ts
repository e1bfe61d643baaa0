/** Scale-out: everything the planned load or the minimum needs, in one tick. */
import { serverCapacity } from './capacity';
import type { ServerView } from './classify';
import { EPSILON, round, sum, type Plan, type Targets } from './plan';
import type { PolicySettings } from './types';
import { grow } from './vertical';

/**
 * Adds capacity in one tick: re-enable cordoned servers (instant), grow servers when a
 * boot would come too late, start stopped servers, and grow again once the pool is all on.
 * Returns whether anything was added (scale-in then waits for a later tick).
 */
export function scaleOut(views: readonly ServerView[], plan: Plan, targets: Targets, settings: PolicySettings): boolean {
  const { required, minimum, projected } = targets;
  const short = () => plan.capacity < required - EPSILON || plan.servers < minimum;
  if (!short()) return false;
  const before = plan.actions.length;

  // Busiest first: an empty cordoned server is better stopped than re-enabled. Only
  // servers whose BBB API answers: Scalelite would send meetings to a broken one.
  const cordoned = views
    .filter((view) => view.role === 'draining' && view.observed.scalelite.known && view.answering)
    .sort((a, b) => (b.load ?? Infinity) - (a.load ?? Infinity) || a.observed.name.localeCompare(b.observed.name));
  for (const view of cordoned) {
    if (!short()) break;
    plan.actions.push({ kind: 'enable', server: view.observed.name, reason: 're-enable a cordoned server: the load needs it again' });
    plan.capacity += view.capacity;
    if (view.oversized) plan.rightSizing -= 1;
    else plan.servers += 1;
  }

  let grown: ReadonlySet<string> = new Set();
  if (settings.vertical.enabled && short()) {
    // Servers taking meetings now must carry the planned load until started ones have booted.
    const reenabled = new Set(plan.actions.map((action) => action.server));
    const usable = sum(views.filter((view) => view.role === 'active' || reenabled.has(view.observed.name)).map((view) => view.capacity));
    if (projected > usable + EPSILON) {
      const result = grow(views, Math.min(projected - usable, required - plan.capacity), settings, 'bridge a rise faster than a boot');
      plan.actions.push(...result.actions);
      plan.capacity += result.added;
      grown = result.grown;
    }
  }

  const stopped = views
    .filter((view) => view.role === 'stopped')
    .sort((a, b) => Number(a.oversized) - Number(b.oversized) || a.observed.name.localeCompare(b.observed.name));
  for (const view of stopped) {
    if (!short()) break;
    if (plan.poweredOn >= settings.poolSize) {
      plan.reasons.push(`pool size ${settings.poolSize} reached: no more servers to start`);
      break;
    }
    plan.actions.push({
      kind: 'start',
      server: view.observed.name,
      reason: `capacity ${round(plan.capacity)} < ${round(required)} or servers ${plan.servers} < ${minimum}`,
    });
    // Housekeeping resizes a stopped server to its base size before it starts.
    plan.capacity += serverCapacity(view.observed.baseCores, settings);
    plan.servers += 1;
    plan.poweredOn += 1;
  }

  if (settings.vertical.enabled && plan.capacity < required - EPSILON) {
    const candidates = views.filter((view) => !grown.has(view.observed.name));
    const result = grow(candidates, required - plan.capacity, settings, 'no server left to start: grow');
    plan.actions.push(...result.actions);
    plan.capacity += result.added;
  }
  if (short()) plan.reasons.push(`still short after scaling out: capacity ${round(plan.capacity)} < ${round(required)} or servers ${plan.servers} < ${minimum}`);
  return plan.actions.length > before;
}
