/** Load and capacity in weighted participants, the unit the whole policy reasons in. */
import type { PolicySettings } from './types';

/** participants + webcamWeight x webcams (the bbb:load:by_server recording rule). */
export function weightedLoad(participants: number, webcams: number, settings: Pick<PolicySettings, 'webcamWeight'>): number {
  return participants + settings.webcamWeight * webcams;
}

/** A server carries capacityPerServer at bbb.cores, in proportion to its cores when resized. */
export function serverCapacity(cores: number, settings: Pick<PolicySettings, 'capacityPerServer' | 'baseCores'>): number {
  return (settings.capacityPerServer * cores) / settings.baseCores;
}

/** Scalelite load_multiplier for a server of `cores`: a bigger server counts its users less, so it gets more meetings. */
export function loadMultiplierFor(cores: number, settings: Pick<PolicySettings, 'baseCores'>): number {
  return Math.round((settings.baseCores / cores) * 100) / 100;
}

/** RAM that keeps a resized server in the base size's proportion, rounded up to whole GB. */
export function proportionalRamGb(cores: number, settings: Pick<PolicySettings, 'baseCores' | 'baseRamGb'>): number {
  return Math.ceil((settings.baseRamGb * cores) / settings.baseCores);
}

/** Largest core count the vertical limits allow while RAM stays in proportion. */
export function maxVerticalCores(settings: Pick<PolicySettings, 'baseCores' | 'baseRamGb' | 'vertical'>): number {
  const byRam = Math.floor((settings.vertical.maxRamGb * settings.baseCores) / settings.baseRamGb);
  return Math.max(settings.baseCores, Math.min(settings.vertical.maxCores, byRam));
}
