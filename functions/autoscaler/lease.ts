/**
 * One autoscaler acts at a time. An acting command (serve, tick, register, the handler)
 * holds the lease in the coordination store; a holder that crashes loses it when its time
 * runs out there. The holder measures its own validity on the monotonic clock from the
 * moment it asked for the lease, less a margin for a request in flight, so neither a jump
 * of the wall clock nor a slow answer makes it believe it holds the lease longer than the
 * store grants it. Every state-changing request is checked against that validity the moment
 * it leaves (`assertHeld`), and the lease is renewed before each action; the store itself
 * refuses a write with a stale fencing token.
 */
import { hostname } from 'node:os';
import type { CoordinationStore } from './coordination';

/** Time a request may take to arrive and be carried out once it left: what the lease must still cover then. */
export const IN_FLIGHT_MARGIN_MS = 10_000;

export class LeaseHeldError extends Error {
  override readonly name = 'LeaseHeldError';
  constructor(
    readonly holder: string,
    readonly remainingMs: number,
  ) {
    super(`another autoscaler holds the lease (${holder}) for ${Math.ceil(remainingMs / 1000)} s more; it acts, this one does not`);
  }
}

export class LeaseLostError extends Error {
  override readonly name = 'LeaseLostError';
  constructor(why: string) {
    super(`the lease was lost (${why}); stopped acting before the next change`);
  }
}

export interface LeaseOptions {
  /** Who asks, for messages: host, process and command. */
  readonly holder: string;
  readonly ttlMs: number;
  /** Milliseconds from an arbitrary origin that never jump (performance.now). */
  readonly monotonicMs?: () => number;
  readonly marginMs?: number;
}

export function holderName(command: string): string {
  return `${hostname()}:${process.pid}:${command}`;
}

export class Lease {
  private token: number | undefined;
  /** Monotonic time until which this holder may act. */
  private validUntil = -Infinity;
  private readonly monotonicMs: () => number;
  private readonly marginMs: number;

  constructor(
    readonly store: CoordinationStore,
    private readonly options: LeaseOptions,
  ) {
    this.monotonicMs = options.monotonicMs ?? (() => performance.now());
    this.marginMs = options.marginMs ?? Math.min(IN_FLIGHT_MARGIN_MS, options.ttlMs / 3);
  }

  /** The fencing token while the lease is held. */
  get fencingToken(): number {
    if (this.token === undefined) throw new LeaseLostError('never taken');
    return this.token;
  }

  get held(): boolean {
    return this.token !== undefined && this.monotonicMs() < this.validUntil;
  }

  /** Takes the lease, or throws LeaseHeldError naming who has it. */
  async acquire(): Promise<void> {
    const asked = this.monotonicMs();
    const outcome = await this.store.acquire(this.options.holder, this.options.ttlMs);
    if (!outcome.acquired) throw new LeaseHeldError(outcome.holder, outcome.remainingMs);
    this.token = outcome.token;
    this.validUntil = asked + this.options.ttlMs - this.marginMs;
  }

  /** Extends the lease; throws LeaseLostError when the store no longer has it for this holder. */
  async renew(): Promise<void> {
    const token = this.fencingToken;
    const asked = this.monotonicMs();
    if (!(await this.store.renew(token, this.options.ttlMs))) {
      this.forget();
      throw new LeaseLostError(`the store gives it to another holder or no longer has token ${token}`);
    }
    this.validUntil = asked + this.options.ttlMs - this.marginMs;
  }

  /** Right before a state-changing request leaves: throws unless the lease still covers it. */
  assertHeld(): void {
    if (this.token === undefined) throw new LeaseLostError('not held');
    if (this.monotonicMs() >= this.validUntil) throw new LeaseLostError('it ran out before it was renewed');
  }

  async release(): Promise<void> {
    const token = this.token;
    this.forget();
    if (token !== undefined) await this.store.release(token);
  }

  /** Drops the lease locally (it is lost); the store lets it run out. */
  forget(): void {
    this.token = undefined;
    this.validUntil = -Infinity;
  }
}
