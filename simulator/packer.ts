/**
 * The packer: the reference a policy that cannot move meetings is measured against. It
 * knows every meeting of the trace in advance, and places each one, when it starts, on a
 * server where it fits for its whole length at the target utilization (a meeting never
 * grows, so it fits for good when it fits at its start). Among those servers it takes the
 * one whose meetings end closest after this one ends, so servers empty together and can
 * go off; with none, it powers on another. Servers boot at once, run while they hold a
 * meeting, and never fewer than `minRunning` run.
 *
 * The oracle needs fewer servers only because it moves meetings between servers every
 * minute, which no BBB platform can do; the packer is what clairvoyant placement alone
 * reaches.
 */
import type { Trace } from './trace';

interface PackedServer {
  /** End minutes of the meetings on it and their weights. */
  meetings: { end: number; weight: number }[];
  load: number;
  /** Minute its current run began. */
  onSince: number;
  /** Minute its last meeting ends. */
  busyUntil: number;
}

export interface PackerInput {
  readonly trace: Trace;
  readonly minutes: number;
  readonly capacity: number;
  readonly minRunning: number;
  readonly webcamWeight: number;
}

/** Servers running in each minute of the simulation. */
export function packedServersPerMinute({ trace, minutes, capacity, minRunning, webcamWeight }: PackerInput): number[] {
  const busyDelta = new Array<number>(minutes + 1).fill(0);
  const servers: PackedServer[] = [];
  const close = (server: PackedServer) => {
    busyDelta[Math.min(minutes, server.onSince)] += 1;
    busyDelta[Math.min(minutes, server.busyUntil)] -= 1;
  };

  for (const meeting of trace.meetings) {
    const start = meeting.startMinute;
    const end = start + meeting.durationMin;
    const weight = meeting.participants + webcamWeight * meeting.webcams;
    for (const server of servers) {
      if (server.meetings.length === 0) continue;
      server.meetings = server.meetings.filter((held) => held.end > start);
      server.load = server.meetings.reduce((total, held) => total + held.weight, 0);
      if (server.meetings.length === 0) close(server);
    }
    const best = servers
      .filter((server) => server.meetings.length > 0 && server.load + weight <= capacity)
      .reduce<PackedServer | undefined>((chosen, server) => (chosen === undefined || fitScore(server, end) < fitScore(chosen, end) ? server : chosen), undefined);
    const target = best ?? servers.find((server) => server.meetings.length === 0) ?? addServer(servers);
    if (target.meetings.length === 0) {
      target.onSince = start;
      target.busyUntil = start;
    }
    target.meetings.push({ end, weight });
    target.load += weight;
    target.busyUntil = Math.max(target.busyUntil, end);
  }
  for (const server of servers) if (server.meetings.length > 0) close(server);

  const running: number[] = [];
  let busy = 0;
  for (let minute = 0; minute < minutes; minute += 1) {
    busy += busyDelta[minute];
    running.push(Math.max(minRunning, busy));
  }
  return running;
}

/** Lower is better: minutes the meeting would keep the server on beyond its meetings, else minutes it ends before them. */
function fitScore(server: PackedServer, end: number): number {
  return end > server.busyUntil ? 1e6 + (end - server.busyUntil) : server.busyUntil - end;
}

function addServer(servers: PackedServer[]): PackedServer {
  const server: PackedServer = { meetings: [], load: 0, onSince: 0, busyUntil: 0 };
  servers.push(server);
  return server;
}
