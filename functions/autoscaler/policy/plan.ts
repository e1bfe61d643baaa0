/** The plan one tick builds up: what it has decided so far and what that adds or removes. */
import { staysRunning, type ServerView } from './classify';
import type { Action } from './types';

/** Capacity comparisons ignore rounding noise. */
export const EPSILON = 1e-6;

export interface Plan {
  /** Weighted capacity of the servers enabled or about to be. */
  capacity: number;
  /** Servers counted against the minimum: enabled or about to be, plus cordoned ones being resized down. */
  servers: number;
  /** Of those, the grown servers cordoned to be resized down. */
  rightSizing: number;
  /** Pool servers that may be powered on; never more than the pool size. */
  poweredOn: number;
  readonly actions: Action[];
  readonly reasons: string[];
  /** Servers stopped this tick. */
  readonly stopped: Set<string>;
  /** Servers that must not be enabled this tick (stopped or resized down). */
  readonly withheld: Set<string>;
}

export interface Targets {
  readonly minimum: number;
  /** Capacity the planned load needs now (scale out below it). */
  readonly required: number;
  /** Planned load, a boot and a margin ahead. */
  readonly projected: number;
  readonly load: number;
  /** Load expected by the next tick: what enabled servers must carry. */
  readonly enableLoad: number;
}

export function stop(plan: Plan, view: ServerView, reason: string): void {
  plan.actions.push({ kind: 'stop', server: view.observed.name, reason });
  plan.stopped.add(view.observed.name);
  plan.withheld.add(view.observed.name);
  plan.poweredOn -= 1;
}

/** Only ever for a drained server: shrinking cores or RAM may restart the VM. */
export function resizeToBase(plan: Plan, view: ServerView, reason: string): void {
  const { name, baseCores, baseRamGb } = view.observed;
  plan.actions.push({ kind: 'resize', server: name, cores: baseCores, ramGb: baseRamGb, reason });
  plan.withheld.add(name);
}

/** Servers that stay running after this tick's stops (a busy server that takes no meetings may be stopping already). */
export function runningAfterStops(views: readonly ServerView[], plan: Plan): number {
  return views.filter((view) => staysRunning(view.observed) && !plan.stopped.has(view.observed.name)).length;
}

export function sum(values: readonly number[]): number {
  return values.reduce((total, value) => total + value, 0);
}

export function round(value: number): number {
  return Math.round(value * 10) / 10;
}
