/**
 * What acting autoscalers share, in a store every one of them reaches (the platform's
 * managed Redis, clients/redis.ts): the lease that lets one act at a time, its fencing
 * token, and the record of guests told to power off, which IONOS cannot tell from
 * stopped servers (both read SHUTOFF). Every time it hands out comes from the store's
 * clock, so a jump of one host's clock changes nothing.
 */

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
  close(): Promise<void>;
}
