/**
 * Physical names and public host names, in one place for the constructs that give
 * them, the Prometheus configuration that finds servers by them and the simulator.
 * Servers are named `<env>-<role>-NN` (the monitoring discovery and the autoscaler
 * rely on the role part); public hosts are `<host>.<domain>`.
 */
export type ServerRole = 'bbb' | 'scalelite' | 'turn' | 'monitoring';

export const SERVER_ROLES: readonly ServerRole[] = ['bbb', 'scalelite', 'turn', 'monitoring'];

/**
 * At least two digits (`01`, `99`, `100`): a number never changes its spelling when
 * a pool grows, so growing a pool past 99 renames no server, host or certificate.
 */
export function ordinal(index: number): string {
  return String(index).padStart(2, '0');
}

export function serverName(env: string, role: ServerRole, index: number): string {
  return `${env}-${role}-${ordinal(index)}`;
}

/** Host part of a pool member, e.g. `bbb-01`; the FQDN adds the domain. */
export function hostLabel(role: ServerRole, index: number): string {
  return `${role}-${ordinal(index)}`;
}

export function fqdn(config: { readonly domain: string }, label: string): string {
  return `${label}.${config.domain}`;
}

/** The names users, LMSs and admins reach; every one of them gets a DNS record. */
export function publicHosts(config: { readonly domain: string }) {
  return {
    /** Scalelite's BigBlueButton API for LMSs: https://scalelite.<domain>/bigbluebutton/api */
    scalelite: fqdn(config, 'scalelite'),
    /** Greenlight portal (when enabled), on the same load balancer. */
    greenlight: fqdn(config, 'greenlight'),
    /** Grafana on the monitoring VM, reachable from adminCidrs only. */
    grafana: fqdn(config, 'grafana'),
  };
}

/** A resource name that is not a server, e.g. `example-private` for a LAN. */
export function resourceName(env: string, purpose: string): string {
  return `${env}-${purpose}`;
}
