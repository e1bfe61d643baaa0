/**
 * Sorts the observed pool servers into the roles the policy reasons about. A server's
 * role follows from its IONOS power state and its Scalelite state; whether its BBB API
 * answers (getMeetings succeeded) tells a booting server from a ready one.
 */
import { serverCapacity, weightedLoad } from './capacity';
import type { PolicySettings, ServerObservation } from './types';

export type Role =
  /** Running and taking meetings (or ready to, once enabled). */
  | 'active'
  /** Powered on but not answering yet: capacity to come. */
  | 'booting'
  /** Cordoned: finishing its meetings, takes no new ones. */
  | 'draining'
  /** Enabled in Scalelite but neither online nor answering: no capacity, left alone. */
  | 'unhealthy'
  | 'stopped'
  /** Stopping, or power state unknown: counts against the pool, never touched. */
  | 'transitional';

export interface ServerView {
  readonly observed: ServerObservation;
  readonly role: Role;
  /** Weighted capacity at its current (or requested) size. */
  readonly capacity: number;
  /** Weighted load from getMeetings; undefined when unknown. */
  readonly load?: number;
  /** BBB getMeetings answered. */
  readonly answering: boolean;
  /** Active but still disabled in Scalelite: needs an `enable` to take meetings. */
  readonly awaitingEnable: boolean;
  /** Larger than its base size (grown by vertical scaling). */
  readonly oversized: boolean;
}

function roleOf(server: ServerObservation): Role {
  const answering = server.meetings.known;
  switch (server.power) {
    case 'stopped':
      return 'stopped';
    case 'starting':
      return 'booting';
    case 'stopping':
    case 'unknown':
      return 'transitional';
    case 'running':
      break;
  }
  const scalelite = server.scalelite;
  // Without Scalelite the best guess for a running server is that it keeps serving.
  if (!scalelite.known) return 'active';
  switch (scalelite.state) {
    case 'cordoned':
      return 'draining';
    case 'disabled':
      // Started and still booting, or drained and disabled by Scalelite's poller.
      return answering ? 'active' : 'booting';
    case 'enabled':
      // Scalelite marks a fresh server online only after a few healthy polls.
      return scalelite.online || answering ? 'active' : 'unhealthy';
  }
}

export function viewServer(server: ServerObservation, settings: PolicySettings): ServerView {
  const role = roleOf(server);
  const capacity = serverCapacity(server.cores, settings);
  const load = server.meetings.known ? weightedLoad(server.meetings.participants, server.meetings.webcams, settings) : undefined;
  return {
    observed: server,
    role,
    capacity,
    load,
    answering: server.meetings.known,
    awaitingEnable: role === 'active' && server.scalelite.known && server.scalelite.state === 'disabled',
    oversized: server.cores > server.baseCores || server.ramGb > server.baseRamGb,
  };
}

/** Meetings and recordings are known to be finished: the server may be stopped. */
export function isDrained(view: ServerView): boolean {
  const { meetings, recordings } = view.observed;
  return meetings.known && meetings.meetings === 0 && recordings.known && recordings.busy === 0;
}
