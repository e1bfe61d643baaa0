/**
 * Registration reconcile: every inventory server has exactly one Scalelite entry with
 * its URL (compared case- and trailing-slash-insensitively), the right secret and a
 * load_multiplier that matches its size (once IONOS has finished resizing it). Entries
 * of URLs outside the inventory are never touched. Safe to repeat: a re-run, a crash
 * half-way or a replaced server all converge on the next tick.
 */
import type { Logger } from 'pino';
import { describeError, isServiceError, type Service } from './errors';
import type { Inventory, InventoryServer } from './inventory';
import { type Clients, type RawState, canonicalEntry, entriesFor } from './observe';
import { loadMultiplierFor } from './policy/capacity';
import { isActive, returnsToStopped } from './policy/maintenance/cycle';
import type { PolicySettings } from './policy';
import { isBusy, powerOf } from './server-state';

export type RegistrationStep =
  | { readonly kind: 'add'; readonly server: string; readonly loadMultiplier: number; readonly enable: boolean; readonly reason: string }
  | {
      readonly kind: 'update';
      readonly server: string;
      readonly id: string;
      readonly secret: boolean;
      readonly loadMultiplier?: number;
      readonly reason: string;
    }
  | { readonly kind: 'delete'; readonly server: string; readonly id: string; readonly reason: string };

export interface StepOutcome<S> {
  readonly step: S;
  readonly status: 'done' | 'failed' | 'skipped' | 'planned';
  readonly detail?: string;
  /** For a failure: the outside system that failed. */
  readonly source?: Service;
}

/** Scalelite stores the multiplier as a decimal; a difference below this is rounding. */
const MULTIPLIER_TOLERANCE = 0.005;

/**
 * Running, answering, and no request pending at IONOS: a BUSY server may be powering off
 * while its BBB still answers, and must not be enabled (see policy/classify.ts).
 */
function isHealthy(server: InventoryServer, state: RawState): boolean {
  const vm = state.ionos.ok ? state.ionos.value.find((candidate) => candidate.id === server.ionosServerId) : undefined;
  return powerOf(vm) === 'running' && !isBusy(vm) && state.bbb.get(server.name)?.meetings.ok === true;
}

/**
 * Nothing in the store keeps the server from meetings: its guest was not told to power
 * off, and the maintenance cycle neither has it in hand (updating, or started only for its
 * update) nor holds it after a failure. Unknown keeps it too. Such a server is added
 * disabled, and the policy enables it once it may take meetings.
 */
function freeForMeetings(server: InventoryServer, state: RawState): boolean {
  if (!state.powerOffs.ok || state.powerOffs.value.has(server.name)) return false;
  if (!state.maintenance.ok) return false;
  const record = state.maintenance.value.records.get(server.name);
  return !record || (!isActive(record) && record.phase !== 'failed' && !returnsToStopped(record));
}

/** No meeting can be lost by removing an entry: BBB says none run there, or the VM is off. */
function certainlyIdle(server: InventoryServer, state: RawState): boolean {
  const vm = state.ionos.ok ? state.ionos.value.find((candidate) => candidate.id === server.ionosServerId) : undefined;
  if (vm && vm.vmState !== 'RUNNING') return true;
  const meetings = state.bbb.get(server.name)?.meetings;
  return meetings?.ok === true && meetings.value.length === 0;
}

/**
 * A held server (`held`, the hold file) is skipped: its operator may be rotating its
 * secret or rebuilding it, and its entry is put in line once it is given back.
 */
export function planRegistration(
  inventory: Inventory,
  state: RawState,
  settings: PolicySettings,
  held: ReadonlySet<string> = new Set(),
): RegistrationStep[] {
  if (!state.scalelite.ok) return [];
  const scalelite = state.scalelite.value;
  const steps: RegistrationStep[] = [];
  for (const server of inventory.servers.filter((candidate) => !held.has(candidate.name))) {
    const vm = state.ionos.ok ? state.ionos.value.find((candidate) => candidate.id === server.ionosServerId) : undefined;
    const loadMultiplier = loadMultiplierFor(vm?.cores || server.baseCores, settings);
    const entries = entriesFor(server, scalelite);
    const keep = canonicalEntry(entries);
    if (!keep) {
      const enable = isHealthy(server, state) && freeForMeetings(server, state);
      steps.push({
        kind: 'add',
        server: server.name,
        loadMultiplier,
        enable,
        reason: enable ? 'missing in Scalelite; running, answering and free for meetings, so enabled' : 'missing in Scalelite; added disabled',
      });
      continue;
    }
    const secretDiffers = keep.secret !== server.bbbSecret;
    // While IONOS still applies a resize, the cores it shows are not the ones the server booted with.
    const sizePending = isBusy(vm);
    const multiplierDiffers = !sizePending && Math.abs(keep.loadMultiplier - loadMultiplier) > MULTIPLIER_TOLERANCE;
    if (secretDiffers || multiplierDiffers) {
      steps.push({
        kind: 'update',
        server: server.name,
        id: keep.id,
        secret: secretDiffers,
        loadMultiplier: multiplierDiffers ? loadMultiplier : undefined,
        reason: [secretDiffers && 'secret differs', multiplierDiffers && `load_multiplier ${keep.loadMultiplier} -> ${loadMultiplier}`]
          .filter(Boolean)
          .join(', '),
      });
    }
    for (const extra of entries.filter((entry) => entry !== keep)) {
      if (extra.state === 'disabled' && certainlyIdle(server, state)) {
        steps.push({ kind: 'delete', server: server.name, id: extra.id, reason: `duplicate entry ${extra.id} (disabled, no meetings)` });
      }
    }
  }
  return steps;
}

export async function applyRegistration(
  steps: readonly RegistrationStep[],
  inventory: Inventory,
  clients: Clients,
  options: { dryRun: boolean; logger: Logger },
): Promise<StepOutcome<RegistrationStep>[]> {
  const outcomes: StepOutcome<RegistrationStep>[] = [];
  const byName = new Map(inventory.servers.map((server) => [server.name, server]));
  for (const step of steps) {
    const server = byName.get(step.server);
    if (!server) {
      outcomes.push({ step, status: 'skipped', detail: 'not in the inventory' });
      continue;
    }
    if (options.dryRun) {
      options.logger.info({ event: 'registration', dryRun: true, step }, `would ${step.kind} ${step.server}: ${step.reason}`);
      outcomes.push({ step, status: 'planned' });
      continue;
    }
    try {
      await applyStep(step, server, clients);
      options.logger.info({ event: 'registration', step }, `${step.kind} ${step.server}: ${step.reason}`);
      outcomes.push({ step, status: 'done' });
    } catch (error) {
      if (!isServiceError(error)) throw error;
      const detail = describeError(error);
      options.logger.warn({ event: 'error', source: error.service, step, detail }, `registration ${step.kind} ${step.server} failed: ${detail}`);
      outcomes.push({ step, status: 'failed', detail, source: error.service });
    }
  }
  return outcomes;
}

async function applyStep(step: RegistrationStep, server: InventoryServer, clients: Clients): Promise<void> {
  switch (step.kind) {
    case 'add': {
      const added = await clients.scalelite.addServer({ url: server.bbbApiUrl, secret: server.bbbSecret, loadMultiplier: step.loadMultiplier });
      if (step.enable) await clients.scalelite.updateServer(added.id, { state: 'enable' });
      return;
    }
    case 'update':
      await clients.scalelite.updateServer(step.id, {
        secret: step.secret ? server.bbbSecret : undefined,
        loadMultiplier: step.loadMultiplier,
      });
      return;
    case 'delete':
      await clients.scalelite.deleteServer(step.id);
      return;
  }
}
