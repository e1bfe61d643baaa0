/** The simulator's outputs: the JSON contract of --json and the table for people. */
import type { Simulation } from './simulate';

export interface JsonReport {
  readonly oracleServerMinutes: number;
  readonly policies: readonly {
    readonly policy: string;
    readonly serverMinutes: number;
    readonly overloadedServerMinutes: number;
    readonly meetingsKilled: number;
    readonly peakRunning: number;
  }[];
}

export function jsonReport(simulation: Simulation): JsonReport {
  return {
    oracleServerMinutes: simulation.oracleServerMinutes,
    policies: simulation.runs.map(({ result }) => ({
      policy: result.policy,
      serverMinutes: result.serverMinutes,
      overloadedServerMinutes: result.overloadedServerMinutes,
      meetingsKilled: result.meetingsKilled,
      peakRunning: result.peakRunning,
    })),
  };
}

const HEADERS = ['policy', 'server-min', 'x oracle', 'overloaded', 'overl. %', 'killed', 'rejected', 'peak'] as const;

/** One row per policy; `title` names the trace. */
export function tableReport(title: string, simulation: Simulation): string {
  const oracle = simulation.oracleServerMinutes;
  const rows = simulation.runs.map(({ result, meetingsRejected }) => [
    result.policy,
    result.serverMinutes.toFixed(0),
    (result.serverMinutes / oracle).toFixed(2),
    String(result.overloadedServerMinutes),
    `${((100 * result.overloadedServerMinutes) / result.serverMinutes).toFixed(2)}%`,
    String(result.meetingsKilled),
    String(meetingsRejected),
    String(result.peakRunning),
  ]);
  const all = [[...HEADERS], ...rows];
  const widths = HEADERS.map((_, column) => Math.max(...all.map((row) => row[column].length)));
  const line = (row: string[]) => row.map((cell, column) => (column === 0 ? cell.padEnd(widths[column]) : cell.padStart(widths[column]))).join('  ');
  return [`${title}: oracle ${oracle} server-minutes`, line(all[0]), ...rows.map(line)].join('\n');
}
