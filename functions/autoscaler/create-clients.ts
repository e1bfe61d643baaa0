/**
 * The clients of one command, one per outside system. Every request that changes
 * something passes `beforeChange` the moment it leaves (the lease), and the platform
 * agent's key is read only when a request to a server's agent needs it.
 */
import { readFileSync } from 'node:fs';
import { AGENT_KEY_PATH } from './agent';
import { BbbClient } from './clients/bbb';
import { DEFAULT_HTTP_SETTINGS, type Fetch, type HttpSettings } from './clients/http';
import { IonosClient } from './clients/ionos';
import { SshPlatformAgent, type HostKeyCheck, type PlatformAgent } from './clients/platform-agent';
import { PrometheusClient } from './clients/prometheus';
import { RedisCoordinationStore } from './clients/redis';
import { ScaleliteClient } from './clients/scalelite';
import type { CoordinationStore } from './coordination';
import { NetworkError } from './errors';
import { pinnedHostKeys } from './host-keys';
import { LeaseLostError } from './lease';
import type { Inventory, InventoryServer } from './inventory';
import type { Clients } from './observe';

export interface ClientOptions {
  readonly http?: HttpSettings;
  /** Called right before any request that changes something leaves: throws to keep it from leaving (Lease.assertHeld). */
  readonly beforeChange?: () => void;
  /** The platform agent's private key (OpenSSH); read from AGENT_KEY_PATH when first needed otherwise. */
  readonly agentKey?: () => string;
  /** The lease's fencing token, for pinning a server's host key at the first connection. */
  readonly fencingToken?: () => number;
  readonly coordination?: CoordinationStore;
  /** In place of the SSH channel: an agent, or one made with the host key check of these clients. */
  readonly agent?: PlatformAgent | ((hostKeyCheck: HostKeyCheck) => PlatformAgent);
}

/** Reads the platform agent's key; a missing one fails the request it was needed for, with the path. */
export function readAgentKey(path = process.env.POWER_AGENT_KEY_PATH ?? AGENT_KEY_PATH): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    throw new NetworkError('ssh', path, `cannot read the platform agent's key: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
  }
}

/** The fetch of every client, with the lease checked the moment a changing request leaves. */
function fencedFetch(fetch: Fetch, beforeChange: (() => void) | undefined): Fetch {
  if (!beforeChange) return fetch;
  return (input, init) => {
    if ((init.method ?? 'GET') !== 'GET') beforeChange();
    return fetch(input, init);
  };
}

/** Another channel to the agents (a test's), with the lease checked the moment a request leaves, as the SSH channel checks it. */
function fencedAgent(agent: PlatformAgent, beforeChange: (() => void) | undefined): PlatformAgent {
  return {
    send: (target, request) => {
      beforeChange?.();
      return agent.send(target, request);
    },
  };
}

export function createClients(inventory: Inventory, ionosToken: string, options: ClientOptions = {}): Clients {
  const base = options.http ?? DEFAULT_HTTP_SETTINGS;
  const http: HttpSettings = { ...base, fetch: fencedFetch(base.fetch, options.beforeChange) };
  const bbbClients = new Map<string, BbbClient>();
  const readKey = options.agentKey ?? (() => readAgentKey());
  const coordination = options.coordination ?? new RedisCoordinationStore({ ...inventory.coordination.redis, environment: inventory.environment });
  const fencingToken =
    options.fencingToken ??
    (() => {
      throw new LeaseLostError('a host key can be pinned only under the lease');
    });
  const hostKeyCheck = pinnedHostKeys(coordination, fencingToken);
  let sshAgent: SshPlatformAgent | undefined;
  return {
    prometheus: new PrometheusClient(inventory.prometheusUrl, http),
    ionos: new IonosClient(inventory.datacenterId, ionosToken, { baseUrl: inventory.ionosApiUrl, http }),
    scalelite: new ScaleliteClient(inventory.scalelite.apiUrl, inventory.scalelite.secret, { http }),
    bbb: (server: InventoryServer) => {
      let client = bbbClients.get(server.name);
      if (!client) {
        client = new BbbClient(server.bbbApiUrl, server.bbbSecret, { http });
        bbbClients.set(server.name, client);
      }
      return client;
    },
    coordination,
    agent: options.agent
      ? fencedAgent(typeof options.agent === 'function' ? options.agent(hostKeyCheck) : options.agent, options.beforeChange)
      : {
          send: (target, request) => {
            sshAgent ??= new SshPlatformAgent({ privateKey: readKey(), beforeSend: options.beforeChange, hostKeyCheck });
            return sshAgent.send(target, request);
          },
        },
  };
}
