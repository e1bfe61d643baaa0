/**
 * `autoscaler.js status`: one line per pool server, read-only, from the same observation
 * a tick makes. It tells an operator when a held server has no meetings and no
 * unfinished recordings left, so it can be worked on, and where each server stands in
 * the maintenance cycle (its record's phase and cycle).
 */
import type { Observation, ServerObservation } from './policy';

const COLUMNS = ['SERVER', 'POWER', 'SCALELITE', 'MEETINGS', 'PARTICIPANTS', 'RECORDINGS BUSY', 'HELD', 'MAINTENANCE'] as const;

function row(server: ServerObservation): string[] {
  const { scalelite, meetings, recordings } = server;
  const unknown = '?';
  return [
    server.name,
    server.power + (server.busy ? ' (busy)' : ''),
    scalelite.known ? scalelite.state + (scalelite.online ? '' : ' (offline)') : unknown,
    meetings.known ? String(meetings.meetings) : unknown,
    meetings.known ? String(meetings.participants) : unknown,
    recordings.known ? String(recordings.busy) : unknown,
    server.held ? 'yes' : 'no',
    server.maintenance ? `${server.maintenance.phase} ${server.maintenance.cycle}` : '-',
  ];
}

/** A plain table (`?` = could not be read, see the notes below it). */
export function renderStatus(observation: Observation, warnings: readonly string[] = []): string {
  const rows = [[...COLUMNS], ...observation.servers.map(row)];
  const widths = COLUMNS.map((_, column) => Math.max(...rows.map((cells) => cells[column].length)));
  const lines = rows.map((cells) => cells.map((cell, column) => cell.padEnd(widths[column])).join('  ').trimEnd());
  const notes: string[] = [...warnings];
  for (const server of observation.servers) {
    for (const view of [server.scalelite, server.meetings, server.recordings]) {
      if (!view.known) notes.push(`${server.name}: ${view.error}`);
    }
    if (server.maintenance?.phase === 'failed') {
      notes.push(`${server.name}: held after its maintenance failed: ${server.maintenance.message ?? 'no reason recorded'} (autoscaler.js release ${server.name} gives it back)`);
    }
  }
  if (observation.maintenance && !observation.maintenance.known) notes.push(`maintenance records: ${observation.maintenance.error}`);
  return [...lines, ...[...new Set(notes)].map((note) => `note: ${note}`)].join('\n') + '\n';
}
