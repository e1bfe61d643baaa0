/**
 * The autoscaler's inventory (/etc/bbb-autoscaler/inventory.json on the monitoring
 * VM): every pool server with what the autoscaler needs to power it, resize it and
 * register it in Scalelite. Values that only exist after apply (server ids,
 * secrets) are Terraform references; the file is rendered by Terraform.
 */
import type { InventoryPolicy } from '../../functions/autoscaler/policy/types';

export interface InventoryServer {
  /** IONOS server name, also Prometheus' `instance` label, e.g. example-bbb-03. */
  readonly name: string;
  readonly ionosServerId: string;
  readonly hostname: string;
  /** On the private LAN: where the autoscaler reaches the server's platform agent. */
  readonly privateIp: string;
  /** The URL Scalelite registers the server under; unique per server, so re-registration finds it. */
  readonly bbbApiUrl: string;
  readonly bbbSecret: string;
  /** Size the server was provisioned with (bbb.cores / bbb.ramGb). */
  readonly baseCores: number;
  readonly baseRamGb: number;
}

export interface CoordinationRedis {
  readonly host: string;
  readonly port: number;
  readonly username: string;
  /** A Terraform reference (sensitive). */
  readonly password: string;
}

export interface Inventory {
  readonly environment: string;
  readonly datacenterId: string;
  readonly prometheusUrl: string;
  readonly scalelite: { readonly apiUrl: string; readonly secret: string };
  /** The store acting autoscalers share their lease in: the platform's Redis. */
  readonly coordination: { readonly redis: CoordinationRedis };
  readonly policy: InventoryPolicy;
  readonly servers: readonly InventoryServer[];
}

/** BBB's API endpoint as Scalelite expects it (servers:add takes the full API URL). */
export function bbbApiUrl(fqdn: string): string {
  return `https://${fqdn}/bigbluebutton/api`;
}
