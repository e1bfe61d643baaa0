/**
 * Sorts the observed pool servers into the roles the policy reasons about. A server's
 * role follows from its IONOS power state, whether IONOS is still carrying out a request
 * on it, and its Scalelite state; whether its BBB API answers (getMeetings succeeded)
 * tells a booting server from a ready one, and the time since it booted a booting one
 * from one whose BBB never came up.
 */
import { serverCapacity, weightedLoad } from './capacity';
import type { PolicySettings, ServerObservation } from './types';

export type Role =
  /** Running and taking meetings (or ready to, once enabled). */
  | 'active'
  /**
   * Coming up: disabled in Scalelite, BBB not answering yet, and booted within the boot
   * time and its margin (also while IONOS still carries out the start): capacity to come.
   */
  | 'booting'
  /** Cordoned: finishing its meetings, takes no new ones. */
  | 'draining'
  /**
   * Told to power off and still reported running by IONOS (its guest is shutting down):
   * no capacity, not counted towards the minimum, never enabled.
   */
  | 'poweringOff'
  /**
   * Neither online nor answering: enabled in Scalelite, or disabled and booting for
   * longer than the boot time and its margin (or for an unknown time). No capacity, left alone.
   */
  | 'unhealthy'
  | 'stopped'
  /**
   * Power state unknown, or IONOS is carrying out a request on a server that takes no
   * meetings and does not look like a boot (it may be stopping): counts against the pool,
   * is never acted on, and is no capacity.
   */
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
  /** Minutes since the autoscaler told its guest to power off, while that request stands (see powerOffPending). */
  readonly powerOffMinutes?: number;
}

/** The server is known to take new meetings: Scalelite has it enabled. */
export function takesMeetings(server: ServerObservation): boolean {
  return server.scalelite.known && server.scalelite.state === 'enabled';
}

/** On, or possibly on soon: a powered-off server IONOS carries out a request on may be starting. */
export function mayBePoweredOn(server: ServerObservation): boolean {
  return server.power !== 'stopped' || server.busy === true;
}

/**
 * The autoscaler told the server's guest to power off and the request still stands: it
 * was made after the server's current boot (a later start voids it), and Scalelite does
 * not send the server meetings (an operator who enabled it again took it back).
 */
export function powerOffPending(server: ServerObservation): boolean {
  const requested = server.powerOffRequestedAt;
  if (requested === undefined || takesMeetings(server)) return false;
  return server.power !== 'running' || server.bootedAt === undefined || requested.getTime() >= server.bootedAt.getTime();
}

/**
 * A disabled server that does not answer is booting only while its boot is recent: one
 * whose BBB does not come up after a start, a restart or a resize would otherwise count
 * as capacity to come forever and keep any replacement from being started.
 */
function stillBooting(server: ServerObservation, now: Date, settings: PolicySettings): boolean {
  if (server.bootedAt === undefined) return false;
  const minutes = (now.getTime() - server.bootedAt.getTime()) / 60_000;
  return minutes <= settings.bootMinutes + settings.bootMarginMinutes;
}

/**
 * A busy server that takes no meetings looks like a boot IONOS is still carrying out
 * (a start, or the restart of a resize down) when Scalelite has it disabled, its BBB
 * does not answer, and it began to boot recently. A running server being stopped mostly
 * does not: it was drained, so its BBB answers until it powers off, and unless it had
 * only just booted its boot is old. What does look like a boot (a stop whose BBB is down
 * already, the end of a stop or a resize while the VM is off, which IONOS does not tell
 * from a start) counts as capacity to come for the tick or two the request takes; not
 * counting a start in progress would start a second server for every server started.
 * Either way it is not acted on.
 */
function comingUp(server: ServerObservation, now: Date, settings: PolicySettings): boolean {
  const { scalelite, meetings } = server;
  return scalelite.known && scalelite.state === 'disabled' && !meetings.known && stillBooting(server, now, settings);
}

function roleOf(server: ServerObservation, now: Date, settings: PolicySettings): Role {
  const answering = server.meetings.known;
  if (server.power === 'unknown') return 'transitional';
  // IONOS does not say which request it is carrying out. The autoscaler sends none for a
  // running server Scalelite sends meetings to (it resizes stopped servers, and stops or
  // shrinks only servers it took out of rotation first): such a request is an operator's,
  // and the server keeps serving. On any other it may be a stop, the restart of a resize or a start:
  // enabling it would send meetings to a server about to power off, and a second stop,
  // start or resize would only race the first. Nothing is done to it until IONOS is done.
  if (server.busy && !(server.power === 'running' && takesMeetings(server))) {
    return comingUp(server, now, settings) ? 'booting' : 'transitional';
  }
  if (server.power === 'stopped') return 'stopped';
  if (powerOffPending(server)) return 'poweringOff';
  const scalelite = server.scalelite;
  // Without Scalelite the best guess for a running server is that it keeps serving.
  if (!scalelite.known) return 'active';
  switch (scalelite.state) {
    case 'cordoned':
      return 'draining';
    case 'disabled':
      // Started and still booting, or drained and disabled by Scalelite's poller.
      if (answering) return 'active';
      return stillBooting(server, now, settings) ? 'booting' : 'unhealthy';
    case 'enabled':
      // Scalelite marks a fresh server online only after a few healthy polls.
      return scalelite.online || answering ? 'active' : 'unhealthy';
  }
}

export function viewServer(server: ServerObservation, now: Date, settings: PolicySettings): ServerView {
  const role = roleOf(server, now, settings);
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
    ...(powerOffPending(server) && { powerOffMinutes: (now.getTime() - (server.powerOffRequestedAt as Date).getTime()) / 60_000 }),
  };
}

/**
 * Up: running, nothing taking it down, and its BBB answered or Scalelite has it online
 * (taking meetings, ready to, or finishing its own). What keeps the minimum when a server is
 * taken away, in the policy and in the executor. A server IONOS is starting, or whose BBB
 * is still coming up, is capacity to come: scale-out counts it so as not to start another
 * for the same need, but it makes no room for a power-off until it is up (a boot takes
 * minutes and may fail, and a server IONOS is stopping can look like one).
 */
export function keepsMinimum(view: ServerView): boolean {
  return view.role === 'active' || view.role === 'draining';
}

/** Booted within `keepStartedMinutes`: kept, so a load that goes up and down does not start and stop it in turn. */
export function recentlyStarted(view: ServerView, now: Date, settings: Pick<PolicySettings, 'keepStartedMinutes'>): boolean {
  const booted = view.observed.bootedAt;
  return booted !== undefined && (now.getTime() - booted.getTime()) / 60_000 < settings.keepStartedMinutes;
}

/** Meetings and recordings are known to be finished: the server may be stopped. */
export function isDrained(view: ServerView): boolean {
  return drained(view.observed);
}

export function drained({ meetings, recordings }: ServerObservation): boolean {
  return meetings.known && meetings.meetings === 0 && recordings.known && recordings.busy === 0;
}
