/** The plan one tick builds up: what it has decided so far and what that adds or removes. */
import { keepsMinimum, type ServerView } from './classify';
import type { Action } from './types';

/** Capacity comparisons ignore rounding noise. */
export const EPSILON = 1e-6;

export interface Plan {
  /** Weighted capacity of the servers enabled or about to be. */
  capacity: number;
  /**
   * Capacity those servers need: the planned load they carry over the target. It grows
   * when a cordoned server is enabled again, because its meetings come back with it.
   */
  required: number;
  /** Servers enabled or about to be (booting ones included): what scale-out holds at the minimum. */
  servers: number;
  /** Pool servers that may be powered on; never more than the pool size. */
  poweredOn: number;
  readonly actions: Action[];
  readonly reasons: string[];
  /** Servers told to power off this tick. */
  readonly stopped: Set<string>;
  /** Servers started this tick. */
  readonly started: Set<string>;
  /** Servers that must not be enabled this tick (powered off or resized down). */
  readonly withheld: Set<string>;
  /** Stopped servers patched in the current maintenance cycle: started first. */
  readonly patched: ReadonlySet<string>;
}

export interface Targets {
  readonly minimum: number;
  /** Planned load the enabled servers carry, a boot and a margin ahead. */
  readonly projected: number;
  /** The load the enabled servers carry now: the fleet's load but what cordoned servers hold. */
  readonly load: number;
  /** Load expected by the next tick: what enabled servers must carry. */
  readonly enableLoad: number;
  /** What scale-in must still fit: the peak of the cooldown window and the learned timetable's next one. */
  readonly keepLoad: number;
}

/** The guest powers itself off; IONOS stops the server once it is off (see release in housekeeping.ts). */
export function powerOff(plan: Plan, view: ServerView, reason: string): void {
  plan.actions.push({ kind: 'powerOff', server: view.observed.name, reason });
  plan.stopped.add(view.observed.name);
  plan.withheld.add(view.observed.name);
}

/**
 * Stopped servers not started this tick, in the order they are started: guests that powered
 * off first (IONOS still holds and bills them), then base-size ones, then those patched in
 * this maintenance cycle, so that a server started to take a patched one's place is not one
 * the cycle still has to patch.
 */
export function startOrder(views: readonly ServerView[], plan: Plan): ServerView[] {
  return views
    .filter((view) => view.role === 'stopped' && !plan.started.has(view.observed.name))
    .sort(
      (a, b) =>
        Number(a.powerOffMinutes === undefined) - Number(b.powerOffMinutes === undefined) ||
        Number(a.oversized) - Number(b.oversized) ||
        Number(!plan.patched.has(a.observed.name)) - Number(!plan.patched.has(b.observed.name)) ||
        a.observed.name.localeCompare(b.observed.name),
    );
}

/** Servers up after this tick's power-offs: what a power-off must leave at the minimum (keepsMinimum). */
export function upAfterStops(views: readonly ServerView[], plan: Plan): number {
  return views.filter((view) => keepsMinimum(view) && !plan.stopped.has(view.observed.name)).length;
}

export function sum(values: readonly number[]): number {
  return values.reduce((total, value) => total + value, 0);
}

export function round(value: number): number {
  return Math.round(value * 10) / 10;
}
