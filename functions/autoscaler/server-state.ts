/**
 * How the raw facts about one server's VM read to the policy: its power state, whether
 * IONOS is still carrying out a request on it, and when it last booted. The handler
 * (observe.ts) and the simulator (simulator/policies/autoscaler.ts) both go through
 * these functions, so the simulator's observations are built the way the handler's are.
 */
import type { PowerState } from './policy';

/** The part of an IONOS server (GET .../servers?depth=1) these functions read. */
export interface VmState {
  /** properties.vmState: RUNNING, SHUTOFF, SHUTDOWN, CRASHED, ... */
  readonly vmState: string;
  /** metadata.state: AVAILABLE, or BUSY while a request on the server is being carried out. */
  readonly provisioningState: string;
  /** metadata.lastModifiedDate, when IONOS gives a valid one. */
  readonly lastModified?: Date;
}

/**
 * The VM's state as IONOS reports it. A pending request (metadata.state BUSY) does not
 * change it, because IONOS does not say which request it is: a running BUSY server may
 * be stopping, restarting for a resize, or taking a hot-plug; a powered-off BUSY one may
 * be starting, finishing a stop, or being resized while off. The request shows in
 * `isBusy` instead, and the policy treats a BUSY server that takes no meetings as in
 * transition (policy/classify.ts).
 */
export function powerOf(vm: VmState | undefined): PowerState {
  if (!vm) return 'unknown';
  switch (vm.vmState) {
    case 'RUNNING':
      return 'running';
    case 'SHUTOFF':
    case 'SHUTDOWN':
      return 'stopped';
    default:
      return 'unknown';
  }
}

/** IONOS is still carrying out a request on the server (start, stop, resize). */
export function isBusy(vm: VmState | undefined): boolean {
  return vm?.provisioningState === 'BUSY';
}

/**
 * When the server last began to boot, for telling a slow boot from a failed one (the
 * policy keeps no state between ticks, so this must be read every tick).
 *
 * The source is node_exporter's `node_boot_time_seconds` on the server itself: it is the
 * kernel's own boot time, so it is right for every boot, whether the autoscaler started
 * the server, IONOS restarted it to take cores away, or it rebooted by itself; and
 * Prometheus drops the series as soon as a scrape fails or the server stops, so a value
 * from an earlier boot does not linger.
 *
 * node_exporter reports only once the operating system is up, about a minute after the
 * start request, and never on a VM that does not get that far. Until then the fallback is
 * IONOS's `metadata.lastModifiedDate`, the last change made to the server resource (the
 * start or the resize that made it boot). It is a fallback only, because it is not a boot
 * time: any other change to the server moves it too (which keeps a server booting for at
 * most one more boot window), and IONOS does not document that a power action sets it
 * (if it does not, a server counts as unhealthy before node_exporter reports, which
 * costs an extra start, never a meeting).
 *
 * Undefined for a VM that is off with no request pending (it has not booted), and when
 * neither is known; the policy then does not count the server as booting.
 */
export function bootedAt(vm: VmState | undefined, nodeBootTimeSeconds: number | undefined): Date | undefined {
  if (!vm || (powerOf(vm) !== 'running' && !isBusy(vm))) return undefined;
  if (nodeBootTimeSeconds !== undefined && Number.isFinite(nodeBootTimeSeconds)) return new Date(nodeBootTimeSeconds * 1000);
  return vm.lastModified;
}
