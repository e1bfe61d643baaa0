/**
 * A fake of the coordination store with the Redis store's semantics (clients/redis.ts,
 * checked against the real redis-server in coordination.test.ts): a lease that expires
 * by the store's own clock (the World's time, not an autoscaler's), a fencing token that
 * only grows, power-off records, maintenance records and pinned host keys written only for
 * the token that holds the lease (records kept as the JSON Redis holds), and the
 * transport's faults (an error, a hang, a lost answer after the store acted). Every call
 * yields before it acts, so that two autoscalers running at once interleave.
 */
import type { Acquired, CoordinationStore, MaintenanceState, PinOutcome } from '../../../functions/autoscaler/coordination';
import { NetworkError, TimeoutError } from '../../../functions/autoscaler/errors';
import { decodeRecord, decodeRequest, encodeRecord, type PinnedHostKey } from '../../../functions/autoscaler/maintenance-records';
import type { MaintenanceRecord, MaintenanceRequest } from '../../../functions/autoscaler/policy';
import { Faults } from './transport';

interface Held {
  readonly holder: string;
  readonly token: number;
  expiresAt: number;
}

export class FakeCoordinationStore implements CoordinationStore {
  readonly faults = new Faults();
  /** Called before every call acts: a test can let time pass (a paused autoscaler) or run another one. */
  beforeCall: (operation: string) => Promise<void> = async () => undefined;
  private lease: Held | undefined;
  private fence = 0;
  private readonly records = new Map<string, Date>();
  /** Maintenance records as Redis holds them: JSON, times in milliseconds. */
  private readonly maintenanceRecords = new Map<string, string>();
  private request: string | undefined;
  private readonly pins = new Map<string, PinnedHostKey>();
  readonly calls: string[] = [];

  constructor(private readonly clock: () => Date) {}

  private now(): number {
    return this.clock().getTime();
  }

  private current(): Held | undefined {
    if (this.lease && this.lease.expiresAt <= this.now()) this.lease = undefined;
    return this.lease;
  }

  private async call<T>(operation: string, act: () => T): Promise<T> {
    await this.beforeCall(operation);
    await Promise.resolve();
    this.calls.push(operation);
    const fault = this.faults.draw();
    if (fault?.kind === 'hang') throw new TimeoutError('redis', 'coordination store', 5_000);
    if (fault?.kind === 'status' || fault?.kind === 'reset') throw new NetworkError('redis', 'coordination store', 'read ECONNRESET');
    const result = act();
    if (fault?.kind === 'lost') throw new TimeoutError('redis', 'coordination store', 5_000);
    return result;
  }

  /** The holder and token now, for assertions. */
  holderNow(): Held | undefined {
    return this.current();
  }

  recordsNow(): ReadonlyMap<string, Date> {
    return this.records;
  }

  acquire(holder: string, ttlMs: number): Promise<Acquired> {
    return this.call('acquire', () => {
      const held = this.current();
      if (held) return { acquired: false, holder: held.holder, remainingMs: held.expiresAt - this.now() };
      this.fence += 1;
      this.lease = { holder, token: this.fence, expiresAt: this.now() + ttlMs };
      return { acquired: true, token: this.fence };
    });
  }

  renew(token: number, ttlMs: number): Promise<boolean> {
    return this.call('renew', () => {
      const held = this.current();
      if (held?.token !== token) return false;
      held.expiresAt = this.now() + ttlMs;
      return true;
    });
  }

  release(token: number): Promise<void> {
    return this.call('release', () => {
      if (this.current()?.token === token) this.lease = undefined;
    });
  }

  holder(): Promise<{ holder: string; remainingMs: number } | undefined> {
    return this.call('holder', () => {
      const held = this.current();
      return held && { holder: held.holder, remainingMs: held.expiresAt - this.now() };
    });
  }

  time(): Promise<Date> {
    return this.call('time', () => this.clock());
  }

  powerOffs(): Promise<ReadonlyMap<string, Date>> {
    return this.call('powerOffs', () => new Map(this.records));
  }

  recordPowerOff(token: number, server: string): Promise<boolean> {
    return this.call('recordPowerOff', () => {
      if (this.current()?.token !== token) return false;
      this.records.set(server, this.clock());
      return true;
    });
  }

  clearPowerOff(token: number, server: string): Promise<boolean> {
    return this.call('clearPowerOff', () => {
      if (this.current()?.token !== token) return false;
      this.records.delete(server);
      return true;
    });
  }

  maintenance(): Promise<MaintenanceState> {
    return this.call('maintenance', () => {
      const now = this.clock();
      const records = new Map([...this.maintenanceRecords].map(([name, raw]) => [name, decodeRecord(raw, now)]));
      const request = decodeRequest(this.request);
      return { records, ...(request && { request }) };
    });
  }

  recordMaintenance(token: number, server: string, record: MaintenanceRecord): Promise<boolean> {
    return this.call('recordMaintenance', () => {
      if (this.current()?.token !== token) return false;
      this.maintenanceRecords.set(server, encodeRecord(record));
      return true;
    });
  }

  requestMaintenance(servers: readonly string[] | 'all', now: boolean): Promise<MaintenanceRequest> {
    return this.call('requestMaintenance', () => {
      const at = this.clock();
      this.request = JSON.stringify({ servers, now, at: at.getTime() });
      return { servers, now, at };
    });
  }

  releaseMaintenance(server: string, message: string): Promise<boolean> {
    return this.call('releaseMaintenance', () => {
      const raw = this.maintenanceRecords.get(server);
      if (raw === undefined) return false;
      const record = decodeRecord(raw, this.clock());
      if (record.phase !== 'failed') return false;
      this.maintenanceRecords.set(server, encodeRecord({ ...record, phase: 'skipped', since: this.clock(), message }));
      return true;
    });
  }

  /** The records as stored, for assertions. */
  maintenanceNow(): ReadonlyMap<string, MaintenanceRecord> {
    return new Map([...this.maintenanceRecords].map(([name, raw]) => [name, decodeRecord(raw, this.clock())]));
  }

  hostKeys(): Promise<ReadonlyMap<string, PinnedHostKey>> {
    return this.call('hostKeys', () => new Map(this.pins));
  }

  pinHostKey(token: number, server: string, ionosServerId: string, fingerprint: string): Promise<PinOutcome> {
    return this.call('pinHostKey', (): PinOutcome => {
      if (this.current()?.token !== token) return { outcome: 'lost' };
      const pin = this.pins.get(server);
      if (pin?.ionosServerId === ionosServerId) return { outcome: 'kept', pin };
      this.pins.set(server, { ionosServerId, fingerprint, pinnedAt: this.clock() });
      return { outcome: 'pinned' };
    });
  }

  forgetHostKey(server: string): Promise<boolean> {
    return this.call('forgetHostKey', () => this.pins.delete(server));
  }

  async close(): Promise<void> {}
}
