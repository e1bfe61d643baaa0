/**
 * The simulated platform: a pool of BBB servers behind Scalelite, minute by minute.
 * It models what decides whether a policy hurts users: where Scalelite places a new
 * meeting, how long a started server takes to answer, what a stop does to the meetings
 * on it, and when a hot-plugged server has its new cores.
 */
import type { ScaleliteState } from '../functions/autoscaler/policy';
import type { VmState } from '../functions/autoscaler/server-state';
import type { TraceMeeting } from './trace';

/** Scalelite counts a meeting younger than this many minutes as at least MIN_YOUNG_USERS users. */
export const YOUNG_MEETING_MINUTES = 15;
export const MIN_YOUNG_USERS = 15;

export type SimPower = 'stopped' | 'starting' | 'running' | 'stopping';

export interface ClusterOptions {
  /** Minutes from a start request until the server's BBB API answers. */
  readonly bootDelayMinutes: number;
  /** Minutes until a hot-plugged running server has its new cores. */
  readonly resizeDelayMinutes: number;
  /** Weighted participants a server of baseCores carries. */
  readonly capacityPerServer: number;
  readonly baseCores: number;
  readonly baseRamGb: number;
  readonly webcamWeight: number;
}

export interface SimMeeting {
  readonly trace: TraceMeeting;
  readonly endMinute: number;
  readonly weight: number;
}

export class SimServer {
  power: SimPower = 'stopped';
  /** Minute at which the server's BBB API answers (while starting/running). */
  answersAt = Infinity;
  /** Minute of the last start (-Infinity: up since before the day); reactive-cpu stops the smallest. */
  startedAt = -Infinity;
  /** Minute the VM last booted: a start, or the restart IONOS makes to take cores away. */
  bootedAt = -Infinity;
  /** Minute of the last request to IONOS (start, stop, resize): its metadata.lastModifiedDate. */
  lastChangedAt = -Infinity;
  /** IONOS carries out the restart of a resize down until this minute (metadata.state BUSY). */
  busyUntil = -Infinity;
  /** Cores as IONOS reports them (the requested size). */
  cores: number;
  ramGb: number;
  /** Cores the running server actually has (lags a hot-plug by the resize delay). */
  effectiveCores: number;
  pendingResize?: { cores: number; at: number };
  scalelite: ScaleliteState = 'disabled';
  loadMultiplier = 1;
  meetings: SimMeeting[] = [];
  /** Minute of the stop request; the VM is off from the next minute. */
  private stoppedAt = -Infinity;

  constructor(
    readonly name: string,
    readonly index: number,
    readonly baseCores: number,
    readonly baseRamGb: number,
  ) {
    this.cores = baseCores;
    this.ramGb = baseRamGb;
    this.effectiveCores = baseCores;
  }

  answering(minute: number): boolean {
    return this.power === 'running' && minute >= this.answersAt;
  }

  load(): number {
    return this.meetings.reduce((total, meeting) => total + meeting.weight, 0);
  }

  participants(): number {
    return this.meetings.reduce((total, meeting) => total + meeting.trace.participants, 0);
  }

  webcams(): number {
    return this.meetings.reduce((total, meeting) => total + meeting.trace.webcams, 0);
  }

  /** Scalelite's view: attendees x load_multiplier, young meetings counted as at least 15. */
  scaleliteLoad(minute: number): number {
    let users = 0;
    for (const meeting of this.meetings) {
      const young = minute - meeting.trace.startMinute < YOUNG_MEETING_MINUTES;
      users += young ? Math.max(meeting.trace.participants, MIN_YOUNG_USERS) : meeting.trace.participants;
    }
    return users * this.loadMultiplier;
  }

  markStopping(minute: number): void {
    this.power = 'stopping';
    this.stoppedAt = minute;
    this.lastChangedAt = minute;
  }

  /**
   * What IONOS reports for the server. A start or stop is a request IONOS carries out
   * while the VM still reads its old state (metadata.state BUSY); so is a hot-plug until
   * its cores are there, and the restart of a resize down.
   */
  ionosState(minute: number): VmState {
    switch (this.power) {
      case 'stopped':
        return { vmState: 'SHUTOFF', provisioningState: 'AVAILABLE' };
      case 'starting':
        return { vmState: 'SHUTOFF', provisioningState: 'BUSY' };
      case 'stopping':
        return { vmState: 'RUNNING', provisioningState: 'BUSY' };
      case 'running':
        return { vmState: 'RUNNING', provisioningState: this.pendingResize || minute < this.busyUntil ? 'BUSY' : 'AVAILABLE' };
    }
  }

  advance(minute: number): void {
    if (this.power === 'starting' && minute > this.startedAt) this.power = 'running';
    if (this.power === 'stopping' && minute > this.stoppedAt) this.power = 'stopped';
    if (this.pendingResize && minute >= this.pendingResize.at) {
      this.effectiveCores = this.pendingResize.cores;
      this.pendingResize = undefined;
    }
  }
}

export interface MinuteStats {
  readonly minute: number;
  readonly load: number;
  /** Capacity of the servers whose BBB answers (what carries meetings this minute). */
  readonly capacity: number;
  /** Powered-on servers (starting, running or stopping). */
  readonly poweredOn: number;
  /** Powered-on servers weighted by cores / bbb.cores: what IONOS bills. */
  readonly serverUnits: number;
  readonly overloadedServers: number;
}

export class Cluster {
  readonly servers: SimServer[];
  meetingsKilled = 0;
  meetingsRejected = 0;

  constructor(
    names: readonly string[],
    readonly options: ClusterOptions,
  ) {
    this.servers = names.map((name, index) => new SimServer(name, index, options.baseCores, options.baseRamGb));
  }

  server(name: string): SimServer {
    const server = this.servers.find((candidate) => candidate.name === name);
    if (!server) throw new Error(`the simulated pool has no server named ${name}`);
    return server;
  }

  capacityOf(server: SimServer): number {
    return (this.options.capacityPerServer * server.effectiveCores) / this.options.baseCores;
  }

  /** A server already up when the day begins (answering, enabled). */
  bootInstantly(server: SimServer): void {
    server.power = 'running';
    server.answersAt = -Infinity;
    server.startedAt = -Infinity;
    server.bootedAt = -Infinity;
    server.scalelite = 'enabled';
  }

  start(server: SimServer, minute: number): boolean {
    if (server.power !== 'stopped') return false;
    server.power = 'starting';
    server.startedAt = minute;
    server.bootedAt = minute;
    server.lastChangedAt = minute;
    server.answersAt = minute + this.options.bootDelayMinutes;
    return true;
  }

  /** Powering off ends every meeting on the server. */
  stop(server: SimServer, minute: number): boolean {
    if (server.power !== 'running' && server.power !== 'starting') return false;
    this.meetingsKilled += server.meetings.length;
    server.meetings = [];
    server.answersAt = Infinity;
    server.markStopping(minute);
    return true;
  }

  /**
   * IONOS hot-plugs added cores and RAM into a running server (they count after the
   * resize delay); taking them away restarts the VM, which ends its meetings and makes
   * its BBB API unavailable for a boot.
   */
  resize(server: SimServer, cores: number, ramGb: number, minute: number): void {
    const shrinks = cores < server.cores || ramGb < server.ramGb;
    server.cores = cores;
    server.ramGb = ramGb;
    server.lastChangedAt = minute;
    if (server.power === 'stopped' || shrinks) {
      server.effectiveCores = cores;
      server.pendingResize = undefined;
    } else {
      server.pendingResize = { cores, at: minute + this.options.resizeDelayMinutes };
    }
    if (shrinks && server.power !== 'stopped') {
      this.meetingsKilled += server.meetings.length;
      server.meetings = [];
      server.answersAt = minute + this.options.bootDelayMinutes;
      server.bootedAt = minute;
      server.busyUntil = minute + this.options.resizeDelayMinutes;
    }
  }

  /** Time passes: power transitions, finished resizes, meetings that end, Scalelite's poller. */
  advance(minute: number): void {
    for (const server of this.servers) {
      server.advance(minute);
      server.meetings = server.meetings.filter((meeting) => meeting.endMinute > minute);
      // Scalelite's poller disables a cordoned server once its load is zero.
      if (server.scalelite === 'cordoned' && server.answering(minute) && server.scaleliteLoad(minute) === 0) {
        server.scalelite = 'disabled';
      }
    }
  }

  /** Scalelite's placement: the lowest load among enabled, online servers; ties to the first. */
  place(meeting: TraceMeeting, minute: number): SimServer | undefined {
    let best: SimServer | undefined;
    let bestLoad = Infinity;
    for (const server of this.servers) {
      if (server.scalelite !== 'enabled' || !server.answering(minute)) continue;
      const load = server.scaleliteLoad(minute);
      if (load < bestLoad) {
        best = server;
        bestLoad = load;
      }
    }
    if (!best) {
      this.meetingsRejected += 1;
      return undefined;
    }
    const weight = meeting.participants + this.options.webcamWeight * meeting.webcams;
    best.meetings.push({ trace: meeting, endMinute: meeting.startMinute + meeting.durationMin, weight });
    return best;
  }

  load(): number {
    return this.servers.reduce((total, server) => total + server.load(), 0);
  }

  stats(minute: number): MinuteStats {
    let capacity = 0;
    let poweredOn = 0;
    let serverUnits = 0;
    let overloadedServers = 0;
    for (const server of this.servers) {
      if (server.power === 'stopped') continue;
      poweredOn += 1;
      serverUnits += server.cores / this.options.baseCores;
      if (server.answering(minute)) capacity += this.capacityOf(server);
      if (server.load() > this.capacityOf(server)) overloadedServers += 1;
    }
    return { minute, load: this.load(), capacity, poweredOn, serverUnits, overloadedServers };
  }
}
