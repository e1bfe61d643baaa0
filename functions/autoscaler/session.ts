/**
 * What one command works with: the clients, and, for a command that acts, the lease it
 * holds while it acts. The clients check the lease the moment a request that changes
 * something leaves, and share one connection to the coordination store with it.
 */
import type { CoordinationStore } from './coordination';
import { type ClientOptions, createClients } from './create-clients';
import { ionosTokenFromEnv, type Inventory } from './inventory';
import { holderName, Lease, LeaseLostError } from './lease';
import type { Clients } from './observe';

export interface Session {
  readonly clients: Clients;
  /** Present when the session acts; taken by `acquire`. */
  readonly lease?: Lease;
  /** Gives the lease back (if held) and closes the store's connection. */
  close(): Promise<void>;
}

export interface SessionOptions extends Pick<ClientOptions, 'http' | 'agent' | 'agentKey'> {
  /** Names the holder in the store: host, process and this command. */
  readonly command: string;
  readonly acting: boolean;
  readonly coordination?: CoordinationStore;
  readonly ionosToken?: string;
  readonly monotonicMs?: () => number;
}

export function openSession(inventory: Inventory, options: SessionOptions): Session {
  let lease: Lease | undefined;
  const clients = createClients(inventory, options.ionosToken ?? ionosTokenFromEnv(), {
    http: options.http,
    agent: options.agent,
    agentKey: options.agentKey,
    coordination: options.coordination,
    beforeChange: () => lease?.assertHeld(),
    fencingToken: () => {
      if (!lease) throw new LeaseLostError('this command does not act');
      return lease.fencingToken;
    },
  });
  if (options.acting) {
    lease = new Lease(clients.coordination, {
      holder: holderName(options.command),
      ttlMs: inventory.policy.autoscaler.leaseSeconds * 1000,
      monotonicMs: options.monotonicMs,
    });
  }
  return {
    clients,
    lease,
    close: async () => {
      await lease?.release().catch(() => undefined);
      await clients.coordination.close();
    },
  };
}
