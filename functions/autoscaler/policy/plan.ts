/** The plan one tick builds up: what it has decided so far and what that adds or removes. */
import { staysRunning, type ServerView } from './classify';
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
  /** Servers counted against the minimum: enabled or about to be, plus cordoned ones being resized down. */
  servers: number;
  /** Of those, the grown servers cordoned to be resized down. */
  rightSizing: number;
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

/** Only ever for a drained server: shrinking cores or RAM may restart the VM. */
export function resizeToBase(plan: Plan, view: ServerView, reason: string): void {
  const { name, baseCores, baseRamGb } = view.observed;
  plan.actions.push({ kind: 'resize', server: name, cores: baseCores, ramGb: baseRamGb, reason });
  plan.withheld.add(name);
}

/** Servers that stay running after this tick's power-offs (a busy server that takes no meetings may be stopping already). */
export function runningAfterStops(views: readonly ServerView[], plan: Plan): number {
  return views.filter((view) => staysRunning(view.observed) && !plan.stopped.has(view.observed.name)).length;
}

export function sum(values: readonly number[]): number {
  return values.reduce((total, value) => total + value, 0);
}

export function round(value: number): number {
  return Math.round(value * 10) / 10;
}
