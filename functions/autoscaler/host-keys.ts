/**
 * The BBB servers' SSH host keys, pinned on first use in the coordination store. The
 * first connection to a VM pins the key it offers, under the server's name and the VM's
 * IONOS id; every later connection must offer the same key, or nothing is sent. A server
 * Terraform rebuilds is a new VM with a new id (and a new key, made at its first boot):
 * its key is pinned afresh once the inventory names the new VM. A key that changes on the
 * same VM (its disk set up again by hand, or another host answering at its address) is
 * refused until an operator forgets it (`autoscaler.js forget-host-key <server>`).
 *
 * Why on first use rather than keys made by Terraform: a key Terraform made would have to
 * reach the server in its user data, which IONOS keeps with the volume and which cannot
 * change without replacing the server; so every server of a running pool would be
 * replaced, and each private host key would sit in the state and the user data. Pinning
 * on first use trusts the first answer on the private LAN, where only the platform's VMs
 * live, right after the VM was created.
 */
import type { HostKeyCheck } from './clients/platform-agent';
import { HostKeyChangedError } from './clients/platform-agent';
import type { CoordinationStore } from './coordination';
import { LeaseLostError } from './lease';

/** Checks host keys against the pins; pins a VM's first key while `fencingToken` holds the lease. */
export function pinnedHostKeys(store: CoordinationStore, fencingToken: () => number): HostKeyCheck {
  return async (target, fingerprint) => {
    const pinned = await store.pinHostKey(fencingToken(), target.name, target.ionosServerId, fingerprint);
    if (pinned.outcome === 'lost') throw new LeaseLostError(`the store refused to pin the host key of ${target.name} for its fencing token`);
    if (pinned.outcome === 'kept' && pinned.pin.fingerprint !== fingerprint) throw new HostKeyChangedError(target.name, pinned.pin.fingerprint, fingerprint);
  };
}
