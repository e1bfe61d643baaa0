/**
 * Vertical scaling: hot-plug cores and RAM (in the base size's proportion) into running
 * servers. It is the faster lever (a hot-plug takes effect in about a minute, a boot
 * takes several) and the only one left once every pool server is on. Shrinking is not
 * planned here: decide.ts returns a server to its base size only once it is drained
 * or stopped, because taking cores or RAM away may restart the VM.
 */
import { maxVerticalCores, proportionalRamGb, serverCapacity } from './capacity';
import { takesMeetings, type ServerView } from './classify';
import type { Action, PolicySettings } from './types';

export interface Growth {
  readonly actions: Action[];
  /** Weighted capacity the resizes add. */
  readonly added: number;
  /** Names of the servers resized. */
  readonly grown: ReadonlySet<string>;
}

/**
 * Servers that can take more cores: active and enabled in Scalelite (their multiplier
 * must follow), not busy with an earlier change, and below the limit.
 */
function growable(views: readonly ServerView[], limit: number): ServerView[] {
  return views
    .filter((view) => view.role === 'active' && takesMeetings(view.observed) && !view.observed.busy && view.observed.cores < limit)
    .sort((a, b) => utilisation(b) - utilisation(a) || a.observed.name.localeCompare(b.observed.name));
}

function utilisation(view: ServerView): number {
  return view.load === undefined ? -1 : view.load / view.capacity;
}

/**
 * Grows the busiest servers until `needed` weighted capacity is added or every server
 * is at the limit. Busy servers first: they are the ones about to overload, and a
 * smaller load_multiplier then keeps them from looking fuller than they are.
 *
 * Only servers Scalelite has enabled are grown, never a standby one (disabled, answering):
 * while IONOS carries out the hot-plug the server reads BUSY, and a BUSY server that takes
 * no meetings may as well be powering off, so the next tick could neither enable it nor
 * count its capacity (classify.ts). A standby server adds capacity by being enabled.
 */
export function grow(views: readonly ServerView[], needed: number, settings: PolicySettings, why: string): Growth {
  const limit = maxVerticalCores(settings);
  const perCore = serverCapacity(1, settings);
  const actions: Action[] = [];
  const grown = new Set<string>();
  let added = 0;
  for (const view of growable(views, limit)) {
    if (added >= needed) break;
    const from = view.observed.cores;
    const cores = Math.min(limit, from + Math.ceil((needed - added) / perCore));
    const ramGb = Math.max(view.observed.ramGb, proportionalRamGb(cores, settings));
    added += serverCapacity(cores - from, settings);
    grown.add(view.observed.name);
    actions.push({
      kind: 'resize',
      server: view.observed.name,
      cores,
      ramGb,
      reason: `${why}: ${from} -> ${cores} cores, ${ramGb} GB RAM`,
    });
  }
  return { actions, added, grown };
}
