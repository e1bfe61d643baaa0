/**
 * npm run bench:autoscaler: every trace in bench/traces/ (the policy was tuned on these)
 * and bench/held-out/ (generated with another seed and shape, only measured) through every
 * policy with bench/config.yaml, one table per trace, then the autoscaler's goals, day by
 * day. Exits 1 when a goal is missed.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadEnvironmentFile } from '../config';
import { loadPrices } from '../simulator/prices';
import { progressReporter } from '../simulator/progress';
import { tableReport } from '../simulator/report';
import { simulate, simulationMinutes, type Simulation } from '../simulator/simulate';
import { parseTrace } from '../simulator/trace';

const SETS = [
  { label: 'tuned on', dir: join(__dirname, 'traces') },
  { label: 'held out', dir: join(__dirname, 'held-out') },
] as const;
const CONFIG = join(__dirname, 'config.yaml');

/** The autoscaler's goals, on every day of every trace. */
export const GOALS = { meetingsKilled: 0, meetingsRejected: 0, overloadedShare: 0.0025, oracleRatio: 1.25, oscillatingChangesPerDay: 20 };

interface DayCheck {
  readonly problems: string[];
  /** Days on which the packer itself needs more than the oracle ratio allows: the goal cannot be met there. */
  readonly unreachable: string[];
}

/** Problems of the autoscaler on each day of a trace; `oscillating` traces also count its starts and stops. */
export function goalProblems(simulation: Simulation, oscillating: boolean): DayCheck {
  const autoscaler = simulation.runs.find((run) => run.policy === 'autoscaler');
  const packer = simulation.runs.find((run) => run.policy === 'packer');
  if (!autoscaler || !packer) return { problems: ['no autoscaler or packer run'], unreachable: [] };
  const problems: string[] = [];
  const unreachable: string[] = [];
  autoscaler.days.forEach((day, index) => {
    const at = simulation.days === 1 ? '' : `day ${index + 1}: `;
    const oracle = simulation.oracle.days[index].serverMinutes;
    if (day.meetingsKilled > GOALS.meetingsKilled) problems.push(`${at}killed ${day.meetingsKilled} meetings`);
    if (day.meetingsRejected > GOALS.meetingsRejected) problems.push(`${at}rejected ${day.meetingsRejected} meetings`);
    if (day.overloadedServerMinutes > GOALS.overloadedShare * day.serverMinutes) {
      problems.push(`${at}overloaded ${day.overloadedServerMinutes} of ${day.serverMinutes} server-minutes (> ${GOALS.overloadedShare * 100}%)`);
    }
    const ratio = day.serverMinutes / oracle;
    const packerRatio = packer.days[index].serverMinutes / oracle;
    if (packerRatio > GOALS.oracleRatio) {
      unreachable.push(`${at}the packer needs ${packerRatio.toFixed(2)}x the oracle; the autoscaler ${ratio.toFixed(2)}x (${(day.serverMinutes / packer.days[index].serverMinutes).toFixed(2)}x the packer)`);
    } else if (ratio > GOALS.oracleRatio) {
      problems.push(`${at}${ratio.toFixed(2)}x the oracle (> ${GOALS.oracleRatio}x; the packer ${packerRatio.toFixed(2)}x)`);
    }
    const changes = day.starts + day.stops;
    if (oscillating && changes > GOALS.oscillatingChangesPerDay) problems.push(`${at}${changes} starts and stops (> ${GOALS.oscillatingChangesPerDay})`);
  });
  return { problems, unreachable };
}

/** The worst day of the autoscaler against the oracle and the packer, for the summary line. */
function worstDays(simulation: Simulation): string {
  const autoscaler = simulation.runs.find((run) => run.policy === 'autoscaler');
  const packer = simulation.runs.find((run) => run.policy === 'packer');
  if (!autoscaler || !packer || simulation.days === 1) return '';
  const oracleRatios = autoscaler.days.map((day, index) => day.serverMinutes / simulation.oracle.days[index].serverMinutes);
  const packerRatios = autoscaler.days.map((day, index) => day.serverMinutes / packer.days[index].serverMinutes);
  const changes = autoscaler.days.map((day) => day.starts + day.stops);
  return `worst day: ${Math.max(...oracleRatios).toFixed(2)}x oracle, ${Math.max(...packerRatios).toFixed(2)}x packer, ${Math.max(...changes)} starts+stops\n`;
}

function main(): number {
  const config = loadEnvironmentFile(CONFIG);
  const prices = loadPrices();
  const missed: string[] = [];
  const notes: string[] = [];
  let traces = 0;
  for (const set of SETS) {
    for (const file of readdirSync(set.dir).filter((name) => name.endsWith('.csv')).sort()) {
      const path = join(set.dir, file);
      const trace = parseTrace(readFileSync(path, 'utf8'), path);
      const name = `${set.label === 'held out' ? 'held-out/' : ''}${file}`;
      const progress = progressReporter(process.stderr, `simulating ${name}`, simulationMinutes(trace));
      const simulation = simulate(trace, config, { prices, onMinute: progress.tick });
      progress.done();
      process.stdout.write(`${tableReport(`${name} (${set.label}, ${trace.meetings.length} meetings)`, simulation)}\n${worstDays(simulation)}\n`);
      const check = goalProblems(simulation, file.startsWith('oscillating'));
      missed.push(...check.problems.map((problem) => `${name}: autoscaler ${problem}`));
      notes.push(...check.unreachable.map((note) => `${name}: ${note}`));
      traces += 1;
    }
  }
  const goals =
    `goals, every day: 0 meetings killed or rejected, overloaded <= ${GOALS.overloadedShare * 100}% of server-minutes, ` +
    `<= ${GOALS.oracleRatio}x oracle, <= ${GOALS.oscillatingChangesPerDay} starts+stops on an oscillating day`;
  if (notes.length > 0) process.stdout.write(`${GOALS.oracleRatio}x the oracle is out of reach where the packer needs more:\n${notes.map((line) => `  ${line}`).join('\n')}\n`);
  if (missed.length === 0) {
    process.stdout.write(`autoscaler met the ${goals} on ${traces} traces\n`);
    return 0;
  }
  process.stdout.write(`autoscaler missed the ${goals}:\n${missed.map((line) => `  ${line}`).join('\n')}\n`);
  return 1;
}

if (require.main === module) {
  try {
    process.exitCode = main();
  } catch (error) {
    process.stderr.write(`error: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  }
}
