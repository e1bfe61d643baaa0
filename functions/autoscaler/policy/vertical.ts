/**
 * Vertical scaling, the honest way: a server gets more cores and RAM only while it is
 * stopped, and boots with them. Cores hot-plugged into a running Ubuntu 22.04 guest on
 * KVM stay offline (its udev rule 40-vm-hotadd.rules onlines new CPUs and memory only on
 * Hyper-V and Xen), bbb-webrtc-sfu sizes its mediasoup workers from the core count once,
 * at start (lib/mcs-core/lib/adapters/mediasoup/configs.js, v2.13), and FreeSWITCH reads
 * the online core count once at start too; so the running server would be billed for
 * cores it cannot use, and a smaller load_multiplier would send it meetings it cannot
 * carry. Servers are started larger only when the pool has too few stopped servers left
 * to carry the planned load at base size.
 */
import { maxVerticalCores, proportionalRamGb, serverCapacity } from './capacity';
import type { PolicySettings } from './types';

export interface StartSize {
  readonly cores: number;
  readonly ramGb: number;
}

/**
 * The size to start each of `servers` stopped servers at so that together they add
 * `needed` weighted capacity: base size when that suffices (or vertical scaling is off),
 * otherwise the same larger size for all of them, up to the vertical limits.
 */
export function startSize(needed: number, servers: number, settings: PolicySettings): StartSize {
  const base = { cores: settings.baseCores, ramGb: settings.baseRamGb };
  if (!settings.vertical.enabled || servers <= 0 || servers * serverCapacity(settings.baseCores, settings) >= needed) return base;
  const cores = Math.min(maxVerticalCores(settings), Math.max(settings.baseCores, Math.ceil(needed / servers / serverCapacity(1, settings))));
  return { cores, ramGb: Math.max(settings.baseRamGb, proportionalRamGb(cores, settings)) };
}
