/**
 * How a server's maintenance record moves on with what its platform agent answers. The
 * executor asks the agent (update, reboot, check) and writes the record this returns, so
 * a crash, a lost answer or a second autoscaler continues from the store: a job the agent
 * runs is found again by its id, and a step asked twice is answered twice the same.
 *
 * The agent's answers are the maintenance commands' result lines (templates/maintenance/lib.sh)
 * with the job and the boot they come from: ok, failed, usage, busy (a lock is held),
 * not-ready (the first-boot setup has not finished), and started/running while a job runs.
 */
import type { AgentAnswer, MaintenanceRecord, MaintenanceStep } from '../types';

/** A busy or not-ready server is asked again after this long. */
export const RETRY_MINUTES = 2;
/** A check that failed right after a boot is repeated after this long. */
export const CHECK_RETRY_MINUTES = 1;
/** The furthest ahead a retry is ever set: a `retryAt` further ahead was set by a clock that has gone back since. */
const LONGEST_RETRY_MINUTES = Math.max(RETRY_MINUTES, CHECK_RETRY_MINUTES);

/**
 * The record was written by a clock ahead of this one (the autoscaler's clock was stepped
 * back, or another host's runs ahead): its times cannot be waited for. The phase's time
 * then counts from now, so that its limits still end it.
 */
export function stampedAhead(record: MaintenanceRecord, now: Date): boolean {
  return record.since.getTime() > now.getTime();
}

/** A retry is due later: not while `retryAt` lies further ahead than any retry is set (a clock that went back). */
export function retryLater(record: MaintenanceRecord, now: Date): boolean {
  if (record.retryAt === undefined) return false;
  const ahead = record.retryAt.getTime() - now.getTime();
  return ahead > 0 && ahead <= LONGEST_RETRY_MINUTES * 60_000;
}

/** When the record's phase began, as far as this clock can tell. */
function phaseSince(record: MaintenanceRecord, now: Date): Date {
  return stampedAhead(record, now) ? now : record.since;
}

export type StepOutcome =
  | { readonly kind: 'answer'; readonly answer: AgentAnswer }
  /** The agent did not answer (the server boots, reboots, or the network failed): asked again next tick. */
  | { readonly kind: 'unreachable'; readonly error: string }
  /** The server has no maintenance channel: it refuses the key, or its agent predates the maintenance verbs. */
  | { readonly kind: 'unsupported'; readonly error: string };

const minutesLater = (now: Date, minutes: number) => new Date(now.getTime() + minutes * 60_000);

function withoutStep(record: MaintenanceRecord): MaintenanceRecord {
  const { job: _job, retryAt: _retryAt, waiting: _waiting, ...rest } = record;
  return rest;
}

function enter(record: MaintenanceRecord, phase: MaintenanceRecord['phase'], now: Date, extra: Partial<MaintenanceRecord> = {}): MaintenanceRecord {
  return { ...withoutStep(record), phase, since: now, ...extra };
}

function failed(record: MaintenanceRecord, now: Date, message: string): MaintenanceRecord {
  const { bootId: _bootId, ...rest } = withoutStep(record);
  return { ...rest, phase: 'failed', since: now, message };
}

/** Asked again later; the phase keeps its start, so the time limits count from there. */
function retry(record: MaintenanceRecord, now: Date, minutes: number, waiting: string, phase = record.phase): MaintenanceRecord {
  const since = phase === record.phase ? phaseSince(record, now) : now;
  return { ...withoutStep(record), phase, since, retryAt: minutesLater(now, minutes), waiting };
}

function describe(answer: AgentAnswer): string {
  return answer.message ?? `${answer.verb} answered ${answer.result}`;
}

/** The record after the agent answered (or did not) to `step`, asked with `job`. */
export function recordAfter(record: MaintenanceRecord, step: MaintenanceStep, job: string | undefined, outcome: StepOutcome, now: Date): MaintenanceRecord {
  if (outcome.kind === 'unreachable') return record;
  if (outcome.kind === 'unsupported') {
    return { ...enter(record, 'skipped', now), unsupported: true, message: `no maintenance channel: ${outcome.error}` };
  }
  const { answer } = outcome;
  switch (step) {
    case 'update':
      return afterUpdate(record, job, answer, now);
    case 'reboot':
      return afterReboot(record, answer, now);
    case 'check':
      return afterCheck(record, job, answer, now);
  }
}

function afterUpdate(record: MaintenanceRecord, job: string | undefined, answer: AgentAnswer, now: Date): MaintenanceRecord {
  switch (answer.result) {
    case 'started':
    case 'running': {
      // The agent names the job it runs: one started by an earlier answer that was lost is followed, not run twice.
      // The phase keeps its start across retries: its time limits count from there.
      const running = answer.job ?? job;
      const since = record.phase === 'updating' ? phaseSince(record, now) : now;
      return { ...withoutStep(record), phase: 'updating', since, ...(running !== undefined && { job: running }) };
    }
    case 'ok': {
      const done = { securityUpdates: answer.security ?? 0, ...(answer.bbbVersion && { bbbVersion: answer.bbbVersion }) };
      return answer.rebootRequired ? enter(record, 'rebooting', now, done) : enter(record, 'checking', now, { ...done, rebooted: false });
    }
    case 'busy':
    case 'not-ready':
      return retry(record, now, RETRY_MINUTES, describe(answer), 'updating');
    default:
      return failed(record, now, `update: ${describe(answer)}`);
  }
}

function afterReboot(record: MaintenanceRecord, answer: AgentAnswer, now: Date): MaintenanceRecord {
  switch (answer.result) {
    case 'ok':
      if (answer.rebooting && answer.bootId) return enter(record, 'rebooting', now, { bootId: answer.bootId, rebooted: true });
      if (answer.rebooting) return failed(record, now, 'reboot-if-required: the agent did not say which boot it answered from');
      return enter(record, 'checking', now, { rebooted: false });
    case 'busy':
    case 'not-ready':
      return retry(record, now, RETRY_MINUTES, describe(answer));
    default:
      return failed(record, now, `reboot-if-required: ${describe(answer)}`);
  }
}

function afterCheck(record: MaintenanceRecord, job: string | undefined, answer: AgentAnswer, now: Date): MaintenanceRecord {
  if (answer.result === 'started' || answer.result === 'running') {
    const running = answer.job ?? job;
    return { ...record, since: phaseSince(record, now), ...(running !== undefined && { job: running }) };
  }
  if (record.phase === 'rebooting' && answer.bootId === record.bootId) {
    // The check ran in the boot the reboot was scheduled from: the server has not rebooted (yet).
    return retry(record, now, CHECK_RETRY_MINUTES, 'the check still ran in the boot before the reboot');
  }
  switch (answer.result) {
    case 'ok': {
      const { bootId: _bootId, ...rest } = enter(record, 'done', now);
      return { ...rest, patchedAt: now, patchedCycle: record.cycle };
    }
    case 'failed':
    case 'busy':
    case 'not-ready':
      // Right after a boot BigBlueButton needs a minute or two: checked again until the phase's time is up.
      return retry(record, now, CHECK_RETRY_MINUTES, describe(answer), 'checking');
    default:
      return failed(record, now, `check: ${describe(answer)}`);
  }
}
