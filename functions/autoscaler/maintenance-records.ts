/**
 * Maintenance records, requests and pinned host keys as the coordination store keeps them:
 * one JSON document each, times as milliseconds of the store's clock. A record that does
 * not read back (edited by hand, written by another version) holds its server for a
 * person rather than letting it look like a server nobody works on.
 */
import * as v from 'valibot';
import type { MaintenanceRecord, MaintenanceRequest } from './policy';

const time = v.pipe(v.number(), v.integer(), v.minValue(0));
const text = v.pipe(v.string(), v.maxLength(2000));

const recordSchema = v.strictObject({
  cycle: v.pipe(v.string(), v.regex(/^(\d{4}-\d{2}-\d{2}|request-\d+)$/)),
  phase: v.picklist(['booting', 'draining', 'updating', 'rebooting', 'checking', 'done', 'skipped', 'failed']),
  since: time,
  wasStopped: v.boolean(),
  job: v.optional(v.pipe(v.string(), v.regex(/^\d{1,16}$/))),
  retryAt: v.optional(time),
  waiting: v.optional(text),
  bootId: v.optional(v.pipe(v.string(), v.regex(/^[0-9a-f-]{1,64}$/))),
  message: v.optional(text),
  unsupported: v.optional(v.boolean()),
  securityUpdates: v.optional(v.pipe(v.number(), v.integer(), v.minValue(0))),
  bbbVersion: v.optional(text),
  rebooted: v.optional(v.boolean()),
  patchedAt: v.optional(time),
  patchedCycle: v.optional(v.pipe(v.string(), v.regex(/^(\d{4}-\d{2}-\d{2}|request-\d+)$/))),
});

const requestSchema = v.strictObject({
  servers: v.union([v.literal('all'), v.array(v.pipe(v.string(), v.minLength(1)))]),
  now: v.boolean(),
  at: time,
});

type StoredRecord = v.InferOutput<typeof recordSchema>;

const DATES = ['since', 'retryAt', 'patchedAt'] as const;

export function encodeRecord(record: MaintenanceRecord): string {
  const stored: Record<string, unknown> = { ...record };
  for (const key of DATES) if (record[key]) stored[key] = (record[key] as Date).getTime();
  return JSON.stringify(stored);
}

/** The record, or a failed one naming why it could not be read (at `now`). */
export function decodeRecord(raw: string, now: Date): MaintenanceRecord {
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch (error) {
    return unreadable(`not JSON (${(error as Error).message})`, now);
  }
  const checked = v.safeParse(recordSchema, parsed);
  if (!checked.success) {
    const issue = checked.issues[0];
    return unreadable(`${v.getDotPath(issue) ?? '(root)'}: ${issue.message}`, now);
  }
  const stored: StoredRecord = checked.output;
  const record: Record<string, unknown> = { ...stored };
  for (const key of DATES) if (stored[key] !== undefined) record[key] = new Date(stored[key] as number);
  return record as unknown as MaintenanceRecord;
}

function unreadable(why: string, now: Date): MaintenanceRecord {
  return { cycle: 'request-0', phase: 'failed', since: now, wasStopped: false, message: `its maintenance record could not be read: ${why}` };
}

export function encodeRequest(servers: readonly string[] | 'all', now: boolean): string {
  return JSON.stringify({ servers, now });
}

/** The operator's request; undefined when there is none or it does not read back (it is then ignored, and said so). */
export function decodeRequest(raw: string | undefined): MaintenanceRequest | undefined {
  if (raw === undefined) return undefined;
  try {
    const checked = v.safeParse(requestSchema, JSON.parse(raw));
    return checked.success ? { ...checked.output, at: new Date(checked.output.at) } : undefined;
  } catch {
    return undefined;
  }
}

/** A server's host key as the autoscaler pinned it at its first connection to the VM. */
export interface PinnedHostKey {
  /** The VM it was pinned for: a server Terraform rebuilt is another VM, with another id. */
  readonly ionosServerId: string;
  /** OpenSSH's SHA256 fingerprint, as `ssh-keygen -lf` prints it. */
  readonly fingerprint: string;
  readonly pinnedAt: Date;
}

export function decodePin(raw: string): PinnedHostKey | undefined {
  try {
    const value = JSON.parse(raw) as { ionosServerId?: unknown; fingerprint?: unknown; pinnedAt?: unknown };
    if (typeof value.ionosServerId !== 'string' || typeof value.fingerprint !== 'string' || typeof value.pinnedAt !== 'number') return undefined;
    return { ionosServerId: value.ionosServerId, fingerprint: value.fingerprint, pinnedAt: new Date(value.pinnedAt) };
  } catch {
    return undefined;
  }
}
