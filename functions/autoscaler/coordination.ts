/**
 * What acting autoscalers share, in a store every one of them reaches (the platform's
 * managed Redis, clients/redis.ts): the lease that lets one act at a time, its fencing
 * token, the record of guests told to power off, which IONOS cannot tell from stopped
 * servers (both read SHUTOFF), each server's maintenance record, an operator's request
 * for maintenance, and the BBB servers' pinned SSH host keys. Every time it hands out
 * comes from the store's clock, so a jump of one host's clock changes nothing.
 */
import type { PinnedHostKey } from './maintenance-records';
import type { MaintenanceRecord, MaintenanceRequest } from './policy';

export interface MaintenanceState {
  readonly records: ReadonlyMap<string, MaintenanceRecord>;
  readonly request?: MaintenanceRequest;
}

/** pinned: the key is now the server's; kept: one was pinned for this VM already (compare it); lost: the lease was not held. */
export type PinOutcome = { readonly outcome: 'pinned' } | { readonly outcome: 'kept'; readonly pin: PinnedHostKey } | { readonly outcome: 'lost' };

export type Acquired =
  | { readonly acquired: true; readonly token: number }
  | { readonly acquired: false; readonly holder: string; readonly remainingMs: number };

export interface CoordinationStore {
  /** Takes the lease for `holder` for `ttlMs`, with a new fencing token, unless another holds it. */
  acquire(holder: string, ttlMs: number): Promise<Acquired>;
  /** Extends the lease to `ttlMs` from now while `token` still holds it; false once it does not. */
  renew(token: number, ttlMs: number): Promise<boolean>;
  /** Gives the lease up if `token` still holds it. */
  release(token: number): Promise<void>;
  /** Who holds the lease and for how much longer, if anyone does. */
  holder(): Promise<{ readonly holder: string; readonly remainingMs: number } | undefined>;
  /** The store's clock. */
  time(): Promise<Date>;
  /** Guests told to power off whose IONOS stop is still to come: server name -> when (store clock). */
  powerOffs(): Promise<ReadonlyMap<string, Date>>;
  /** Records a power-off command, only while `token` holds the lease; false when it does not. */
  recordPowerOff(token: number, server: string): Promise<boolean>;
  /** Forgets it (IONOS was asked to stop the server, or it was started again), only while `token` holds the lease. */
  clearPowerOff(token: number, server: string): Promise<boolean>;
  /** Every server's maintenance record, and the operator's request if there is one. */
  maintenance(): Promise<MaintenanceState>;
  /** Writes a server's maintenance record, only while `token` holds the lease. */
  recordMaintenance(token: number, server: string, record: MaintenanceRecord): Promise<boolean>;
  /**
   * An operator asks for maintenance (autoscaler.js maintain), at the store's time; it
   * replaces any request before it. Not fenced: it asks, the lease's holder acts on it.
   */
  requestMaintenance(servers: readonly string[] | 'all', now: boolean): Promise<MaintenanceRequest>;
  /** An operator gives back a server held after a failed maintenance: its record says skipped. False when it was not held. */
  releaseMaintenance(server: string, message: string): Promise<boolean>;
  /** The pinned host keys, by server name. */
  hostKeys(): Promise<ReadonlyMap<string, PinnedHostKey>>;
  /** Pins a server's host key for its VM, unless one is pinned for that VM already; only while `token` holds the lease. */
  pinHostKey(token: number, server: string, ionosServerId: string, fingerprint: string): Promise<PinOutcome>;
  /** An operator forgets a server's pinned key (its VM was set up again); the next connection pins the new one. */
  forgetHostKey(server: string): Promise<boolean>;
  close(): Promise<void>;
}
