/**
 * The simulated platform: a pool of BBB servers behind Scalelite, minute by minute.
 * It models what decides whether a policy hurts users: where Scalelite places a new
 * meeting, how long a started server takes to answer, what a stop does to the meetings
 * on it, what IONOS bills while a server shuts down, and what a resize really delivers.
 */
import type { ScaleliteState } from '../functions/autoscaler/policy';
import type { VmState } from '../functions/autoscaler/server-state';
import type { TraceMeeting } from './trace';

/** Scalelite counts a meeting younger than this many minutes as at least MIN_YOUNG_USERS users. */
export const YOUNG_MEETING_MINUTES = 15;
export const MIN_YOUNG_USERS = 15;

/**
 * `shuttingDown`: the guest operating system powers off (IONOS still reports RUNNING);
 * `off`: the guest is off but IONOS still holds (and bills) its cores and RAM until the
 * IONOS stop; `stopping`: IONOS carries out a stop.
 */
export type SimPower = 'stopped' | 'starting' | 'running' | 'shuttingDown' | 'off' | 'stopping';

export interface ClusterOptions {
  /** Minutes from a start request until the server's BBB API answers. */
  readonly bootDelayMinutes: number;
  /** Minutes IONOS takes to carry out a resize (the server reads BUSY meanwhile). */
  readonly resizeDelayMinutes: number;
  /** Minutes from the guest's power-off command until the VM is off. */
  readonly shutdownMinutes: number;
  /**
   * Minutes a server's maintenance takes once it runs: the update, the reboot and the check
   * (the autoscaler policy's simulated platform agent splits them).
   */
  readonly maintenanceMinutes: number;
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
  /**
   * Cores the media processes use: the count at the last boot. Cores hot-plugged into a
   * running Ubuntu 22.04 guest on KVM stay offline (its udev rule onlines them only on
   * Hyper-V and Xen), and bbb-webrtc-sfu sizes its mediasoup workers once, at start.
   */
  effectiveCores: number;
  /** IONOS carries out a resize until this minute (metadata.state BUSY). */
  resizeBusyUntil = -Infinity;
  /** Minute the guest was told to power off (the autoscaler's shutdown request). */
  powerOffRequestedAt = -Infinity;
  scalelite: ScaleliteState = 'disabled';
  loadMultiplier = 1;
  /**
   * In the maintenance cycle's hands: `started` for it from stopped (no capacity the load
   * had), or `taken` out of rotation while it ran (capacity the others carry).
   */
  maintenance: 'none' | 'started' | 'taken' = 'none';
  meetings: SimMeeting[] = [];
  /** Minute of the IONOS stop request; the VM is released from the next minute. */
  private stoppedAt = -Infinity;
  /** What IONOS reported while it carried out the stop: the VM was still on (a forced power-off) or off already. */
  private stoppingFrom: 'RUNNING' | 'SHUTOFF' = 'RUNNING';
  /** Minute the guest finishes powering off. */
  private offAt = Infinity;

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
    this.stoppingFrom = this.power === 'off' ? 'SHUTOFF' : 'RUNNING';
    this.power = 'stopping';
    this.stoppedAt = minute;
    this.lastChangedAt = minute;
  }

  markShuttingDown(minute: number, shutdownMinutes: number): void {
    this.power = 'shuttingDown';
    this.powerOffRequestedAt = minute;
    this.offAt = minute + shutdownMinutes;
  }

  /**
   * What IONOS reports for the server. A start or stop is a request IONOS carries out
   * while the VM still reads its old state (metadata.state BUSY); so is a resize, and the
   * restart of a resize down. A guest that powers itself off is none of IONOS' business:
   * it reads RUNNING until it is off, then SHUTOFF like a stopped server, though IONOS
   * still holds (and bills) its cores and RAM.
   */
  ionosState(minute: number): VmState {
    switch (this.power) {
      case 'stopped':
      case 'off':
        return { vmState: 'SHUTOFF', provisioningState: minute < this.resizeBusyUntil ? 'BUSY' : 'AVAILABLE' };
      case 'starting':
        return { vmState: 'SHUTOFF', provisioningState: 'BUSY' };
      case 'stopping':
        return { vmState: this.stoppingFrom, provisioningState: 'BUSY' };
      case 'shuttingDown':
        return { vmState: 'RUNNING', provisioningState: 'AVAILABLE' };
      case 'running':
        return { vmState: 'RUNNING', provisioningState: minute < this.resizeBusyUntil || minute < this.busyUntil ? 'BUSY' : 'AVAILABLE' };
    }
  }

  /** IONOS holds (and bills) the server's cores and RAM. */
  billed(): boolean {
    return this.power !== 'stopped';
  }

  advance(minute: number): void {
    if (this.power === 'starting' && minute > this.startedAt) this.power = 'running';
    if (this.power === 'stopping' && minute > this.stoppedAt) this.power = 'stopped';
    if (this.power === 'shuttingDown' && minute >= this.offAt) {
      this.power = 'off';
      this.offAt = Infinity;
    }
  }
}

export interface MinuteStats {
  readonly minute: number;
  readonly load: number;
  /** Capacity of the servers whose BBB answers (what carries meetings this minute). */
  readonly capacity: number;
  /** Servers IONOS holds: starting, running, shutting down, off but not yet stopped, or stopping. */
  readonly poweredOn: number;
  /** Those servers weighted by cores / bbb.cores. */
  readonly serverUnits: number;
  /** Cores and GB of RAM IONOS bills this minute. */
  readonly cores: number;
  readonly ramGb: number;
  readonly overloadedServers: number;
  /** Of serverUnits, those of servers in the maintenance cycle's hands. */
  readonly maintenanceUnits: number;
  /** A server taken out of rotation for its maintenance: the others carry its share. */
  readonly capacityTaken: boolean;
}

export class Cluster {
  readonly servers: SimServer[];
  meetingsKilled = 0;
  meetingsRejected = 0;
  /**
   * Servers powered on, and servers taken down (a guest power-off or a forced stop of a
   * running server), for the load; the maintenance cycle's starts and stops apart.
   */
  starts = 0;
  stops = 0;
  maintenanceStartsStops = 0;

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

  /**
   * The maintenance cycle is at work: the starts and stops of the moment are its (a server
   * started to stand in for a running one being patched, and stopped again), not the load's.
   */
  maintenanceActive = false;

  private countChange(server: SimServer, kind: 'starts' | 'stops'): void {
    if (server.maintenance === 'none' && !this.maintenanceActive) this[kind] += 1;
    else this.maintenanceStartsStops += 1;
  }

  /** A server already up when the day begins (answering, enabled). */
  bootInstantly(server: SimServer): void {
    server.power = 'running';
    server.answersAt = -Infinity;
    server.startedAt = -Infinity;
    server.bootedAt = -Infinity;
    server.scalelite = 'enabled';
  }

  /** Powers a stopped server on, or a guest that powered itself off; it boots with the cores IONOS gives it. */
  start(server: SimServer, minute: number): boolean {
    if (server.power !== 'stopped' && server.power !== 'off') return false;
    server.power = 'starting';
    server.startedAt = minute;
    server.bootedAt = minute;
    server.lastChangedAt = minute;
    server.effectiveCores = server.cores;
    server.answersAt = minute + this.options.bootDelayMinutes;
    this.countChange(server, 'starts');
    return true;
  }

  /** The guest powers itself off: its meetings end, its BBB stops answering, IONOS keeps billing. */
  powerOff(server: SimServer, minute: number): boolean {
    if (server.power !== 'running') return false;
    this.meetingsKilled += server.meetings.length;
    server.meetings = [];
    server.answersAt = Infinity;
    server.markShuttingDown(minute, this.options.shutdownMinutes);
    this.countChange(server, 'stops');
    return true;
  }

  /** IONOS' stop: releases the cores and RAM; a VM still on is powered off by force, ending its meetings. */
  stop(server: SimServer, minute: number): boolean {
    if (server.power === 'stopped' || server.power === 'stopping') return false;
    // A guest that was told to power off was counted then; an off one is only released.
    if (server.power === 'running' || server.power === 'starting') this.countChange(server, 'stops');
    this.meetingsKilled += server.meetings.length;
    server.meetings = [];
    server.answersAt = Infinity;
    server.markStopping(minute);
    return true;
  }

  /**
   * A resize of a stopped server takes effect at its next start. Cores hot-plugged into a
   * running one are billed at once but carry nothing until the next boot (SimServer's
   * effectiveCores); taking cores or RAM away restarts the VM, which ends its meetings
   * and makes its BBB API unavailable for a boot.
   */
  resize(server: SimServer, cores: number, ramGb: number, minute: number): void {
    const shrinks = cores < server.cores || ramGb < server.ramGb;
    server.cores = cores;
    server.ramGb = ramGb;
    server.lastChangedAt = minute;
    server.resizeBusyUntil = minute + this.options.resizeDelayMinutes;
    if (shrinks && server.power === 'running') {
      this.meetingsKilled += server.meetings.length;
      server.meetings = [];
      server.effectiveCores = cores;
      server.answersAt = minute + this.options.bootDelayMinutes;
      server.bootedAt = minute;
      server.busyUntil = minute + this.options.resizeDelayMinutes;
    }
  }

  /**
   * The guest reboots (shutdown -r): IONOS reports it running throughout, its meetings end,
   * and its BBB answers again `minutes` later, from a new boot.
   */
  reboot(server: SimServer, minute: number, minutes: number): void {
    if (server.power !== 'running') return;
    this.meetingsKilled += server.meetings.length;
    server.meetings = [];
    server.bootedAt = minute + 1;
    server.answersAt = minute + minutes;
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
    let cores = 0;
    let ramGb = 0;
    let overloadedServers = 0;
    let maintenanceCores = 0;
    let capacityTaken = false;
    for (const server of this.servers) {
      if (server.maintenance === 'taken') capacityTaken = true;
      if (!server.billed()) continue;
      poweredOn += 1;
      cores += server.cores;
      ramGb += server.ramGb;
      if (server.maintenance !== 'none') maintenanceCores += server.cores;
      if (server.answering(minute)) capacity += this.capacityOf(server);
      if (server.load() > this.capacityOf(server)) overloadedServers += 1;
    }
    const units = (value: number) => value / this.options.baseCores;
    return { minute, load: this.load(), capacity, poweredOn, serverUnits: units(cores), cores, ramGb, overloadedServers, maintenanceUnits: units(maintenanceCores), capacityTaken };
  }
}
