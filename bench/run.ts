/**
 * npm run bench:autoscaler: every trace in bench/traces/ through every policy with
 * bench/config.yaml, one table per trace, then the autoscaler's goals.
 * Exits 1 when a goal is missed.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadEnvironmentFile } from '../config';
import { progressReporter } from '../simulator/progress';
import { tableReport } from '../simulator/report';
import { simulate, type Simulation } from '../simulator/simulate';
import { parseTrace } from '../simulator/trace';

const TRACES = join(__dirname, 'traces');
const CONFIG = join(__dirname, 'config.yaml');

/** The autoscaler's goals on every trace. */
const GOALS = { meetingsKilled: 0, overloadedShare: 0.01, oracleRatio: 1.35 };

function goalProblems(simulation: Simulation): string[] {
  const run = simulation.runs.find((candidate) => candidate.result.policy === 'autoscaler');
  if (!run) return ['no autoscaler run'];
  const { serverMinutes, overloadedServerMinutes, meetingsKilled } = run.result;
  const problems: string[] = [];
  if (meetingsKilled > GOALS.meetingsKilled) problems.push(`killed ${meetingsKilled} meetings`);
  if (overloadedServerMinutes > GOALS.overloadedShare * serverMinutes) {
    problems.push(`overloaded ${overloadedServerMinutes} of ${serverMinutes} server-minutes (> ${GOALS.overloadedShare * 100}%)`);
  }
  const ratio = serverMinutes / simulation.oracleServerMinutes;
  if (ratio > GOALS.oracleRatio) problems.push(`${ratio.toFixed(2)}x the oracle (> ${GOALS.oracleRatio}x)`);
  return problems;
}

function main(): number {
  const config = loadEnvironmentFile(CONFIG);
  const files = readdirSync(TRACES).filter((file) => file.endsWith('.csv')).sort();
  const missed: string[] = [];
  for (const file of files) {
    const path = join(TRACES, file);
    const trace = parseTrace(readFileSync(path, 'utf8'), path);
    const progress = progressReporter(process.stderr, `simulating ${file}`);
    const simulation = simulate(trace, config, { onMinute: progress.tick });
    progress.done();
    process.stdout.write(`${tableReport(`${file} (${trace.meetings.length} meetings)`, simulation)}\n\n`);
    missed.push(...goalProblems(simulation).map((problem) => `${file}: autoscaler ${problem}`));
  }
  const goals = `goals: 0 meetings killed, overloaded <= ${GOALS.overloadedShare * 100}% of server-minutes, <= ${GOALS.oracleRatio}x oracle`;
  if (missed.length === 0) {
    process.stdout.write(`autoscaler met the ${goals} on ${files.length} traces\n`);
    return 0;
  }
  process.stdout.write(`autoscaler missed the ${goals}:\n${missed.map((line) => `  ${line}`).join('\n')}\n`);
  return 1;
}

try {
  process.exitCode = main();
} catch (error) {
  process.stderr.write(`error: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
}
