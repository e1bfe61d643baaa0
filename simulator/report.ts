/** The simulator's outputs: the JSON contract of --json and the table for people. */
import type { CycleResult } from './policies/types';
import type { PolicyRun, Simulation, Tally } from './simulate';

interface JsonTally extends Tally {
  readonly costEurosPerDay: number;
}

export interface JsonReport {
  readonly days: number;
  readonly oracleServerMinutes: number;
  readonly oracleCostEuros: number;
  readonly policies: readonly (JsonTally & { readonly policy: string; readonly perDay: readonly Tally[]; readonly maintenanceCycles?: readonly CycleResult[] })[];
}

export function jsonReport(simulation: Simulation): JsonReport {
  return {
    days: simulation.days,
    oracleServerMinutes: simulation.oracle.serverMinutes,
    oracleCostEuros: simulation.oracle.costEuros,
    policies: simulation.runs.map((run) => ({
      policy: run.policy,
      ...run.total,
      costEurosPerDay: round(run.total.costEuros / simulation.days),
      perDay: run.days,
      ...(run.cycles && { maintenanceCycles: run.cycles }),
    })),
  };
}

const HEADERS = ['policy', 'server-min', '€/day', 'x oracle', 'x packer', 'overloaded', 'overl. %', 'killed', 'rejected', 'starts', 'stops', 'peak', 'maint-min'] as const;

function runOf(simulation: Simulation, policy: string): PolicyRun | undefined {
  return simulation.runs.find((run) => run.policy === policy);
}

/** One row per policy, then what the autoscaler saves per day; `title` names the trace. */
export function tableReport(title: string, simulation: Simulation): string {
  const { oracle, days } = simulation;
  const packer = runOf(simulation, 'packer')?.total.serverMinutes ?? NaN;
  const rows = simulation.runs.map(({ policy, total }) => [
    policy,
    total.serverMinutes.toFixed(0),
    (total.costEuros / days).toFixed(2),
    (total.serverMinutes / oracle.serverMinutes).toFixed(2),
    (total.serverMinutes / packer).toFixed(2),
    String(total.overloadedServerMinutes),
    `${((100 * total.overloadedServerMinutes) / total.serverMinutes).toFixed(2)}%`,
    String(total.meetingsKilled),
    String(total.meetingsRejected),
    String(total.starts),
    String(total.stops),
    String(total.peakRunning),
    total.maintenanceServerMinutes.toFixed(0),
  ]);
  const all = [[...HEADERS], ...rows];
  const widths = HEADERS.map((_, column) => Math.max(...all.map((row) => row[column].length)));
  const line = (row: string[]) => row.map((cell, column) => (column === 0 ? cell.padEnd(widths[column]) : cell.padStart(widths[column]))).join('  ');
  const span = days === 1 ? '1 day' : `${days} days`;
  const header = `${title}, ${span}: oracle ${oracle.serverMinutes} server-minutes, €${(oracle.costEuros / days).toFixed(2)}/day`;
  return [header, line(all[0]), ...rows.map(line), ...savings(simulation), ...maintenance(simulation)].join('\n');
}

/** The autoscaler's maintenance cycles: what they cost, whether each patched every server due, and whether one took capacity the load needed. */
function maintenance(simulation: Simulation): string[] {
  const run = runOf(simulation, 'autoscaler');
  if (!run?.cycles || run.cycles.length === 0) return [];
  const complete = run.cycles.filter(cycleComplete).length;
  const { maintenanceServerMinutes, maintenanceOverloadedServerMinutes } = run.total;
  return [
    `maintenance: ${complete} of ${run.cycles.length} night(s) patched every server due, ${maintenanceServerMinutes.toFixed(0)} server-minutes, ` +
      `${maintenanceOverloadedServerMinutes} overloaded server-minutes while a running server was out for it`,
  ];
}

/** Every server the cycle was due for was patched. */
export function cycleComplete(cycle: CycleResult): boolean {
  const { failed, skipped, inProgress, pending, missed } = cycle.servers;
  return failed + skipped + inProgress + pending + missed === 0;
}

function savings(simulation: Simulation): string[] {
  const autoscaler = runOf(simulation, 'autoscaler');
  if (!autoscaler) return [];
  const perDay = (run: PolicyRun) => run.total.costEuros / simulation.days;
  const over = ['static', 'hpi-threshold']
    .map((policy) => runOf(simulation, policy))
    .filter((run): run is PolicyRun => run !== undefined)
    .map((run) => {
      const saved = perDay(run) - perDay(autoscaler);
      return saved >= 0 ? `saves €${saved.toFixed(2)}/day over ${run.policy}` : `costs €${(-saved).toFixed(2)}/day more than ${run.policy}`;
    });
  return over.length > 0 ? [`autoscaler ${over.join(', ')}`] : [];
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}
