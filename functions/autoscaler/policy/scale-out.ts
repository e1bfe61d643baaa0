/** Scale-out: everything the planned load or the minimum needs, in one tick. */
import { serverCapacity } from './capacity';
import type { ServerView } from './classify';
import { EPSILON, round, startOrder, type Plan, type Targets } from './plan';
import type { PolicySettings } from './types';
import { startSize } from './vertical';

/**
 * Adds capacity in one tick: re-enable cordoned servers (instant; not while the maintenance
 * records are unknown, `reenable`: a cordoned server may be one in the middle of its
 * update), then start stopped servers, larger than base size only when too few are left
 * (vertical.ts). Returns whether anything was added (scale-in then waits for a later tick).
 */
export function scaleOut(views: readonly ServerView[], plan: Plan, targets: Targets, settings: PolicySettings, reenable = true): boolean {
  const { minimum } = targets;
  const short = () => plan.capacity < plan.required - EPSILON || plan.servers < minimum;
  if (!short()) return false;
  const before = plan.actions.length;

  // Busiest first: an empty cordoned server is better stopped than re-enabled. Only
  // servers whose BBB API answers: Scalelite would send meetings to a broken one. Its
  // meetings come back with it into the load the enabled servers carry.
  const cordoned = views
    .filter((view) => reenable && view.role === 'draining' && view.observed.scalelite.known && view.answering)
    .sort((a, b) => (b.load ?? Infinity) - (a.load ?? Infinity) || a.observed.name.localeCompare(b.observed.name));
  for (const view of cordoned) {
    if (!short()) break;
    plan.actions.push({ kind: 'enable', server: view.observed.name, reason: 're-enable a cordoned server: the load needs it again' });
    plan.capacity += view.capacity;
    plan.required += (view.load ?? 0) / settings.targetUtilization;
    plan.servers += 1;
  }
  if (!short()) return plan.actions.length > before;

  const stopped = startOrder(views, plan);
  const startable = Math.max(0, Math.min(stopped.length, settings.poolSize - plan.poweredOn));
  const size = startSize(plan.required - plan.capacity, startable, settings);
  for (const view of stopped) {
    if (!short()) break;
    if (plan.poweredOn >= settings.poolSize) {
      plan.reasons.push(`pool size ${settings.poolSize} reached: no more servers to start`);
      break;
    }
    const grown = size.cores > view.observed.baseCores ? ` at ${size.cores} cores, ${size.ramGb} GB` : '';
    plan.actions.push({
      kind: 'start',
      server: view.observed.name,
      ...size,
      reason: `capacity ${round(plan.capacity)} < ${round(plan.required)} or servers ${plan.servers} < ${minimum}${grown}`,
    });
    plan.started.add(view.observed.name);
    plan.capacity += serverCapacity(size.cores, settings);
    plan.servers += 1;
    plan.poweredOn += 1;
  }
  if (short()) plan.reasons.push(`still short after scaling out: capacity ${round(plan.capacity)} < ${round(plan.required)} or servers ${plan.servers} < ${minimum}`);
  return plan.actions.length > before;
}
