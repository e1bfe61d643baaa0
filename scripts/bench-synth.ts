/**
 * `npm run bench:synth`: times whole synth processes (what an operator waits for) of
 * the example environment and of the example with a 200-server pool, and, as floors,
 * cdktf writing each one's documents and nothing else. Prints each case's median with
 * its quartiles and range over BENCH_RUNS runs, and the ratio of pool to example.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import * as yaml from 'js-yaml';
import { TS_RUNNER } from './ts-runner';

const ROOT = path.resolve(__dirname, '..');
const RUNS = Number(process.env.BENCH_RUNS ?? 7);
const GOALS = { exampleMs: 1000, poolMs: 2500, poolPerExample: 2.5 };

interface Case {
  readonly label: string;
  readonly script: string;
  readonly env?: Readonly<Record<string, string>>;
}

/** The value at `fraction` of the sorted samples, interpolated between neighbours. */
function quantile(values: readonly number[], fraction: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  const position = (sorted.length - 1) * fraction;
  const below = Math.floor(position);
  const above = Math.ceil(position);
  return sorted[below] + (sorted[above] - sorted[below]) * (position - below);
}

function run(benchCase: Case, outdir: string): number {
  const started = process.hrtime.bigint();
  // Every case runs the way `npm run synth` runs main.ts.
  const result = spawnSync(TS_RUNNER[0], [...TS_RUNNER.slice(1), path.join(ROOT, benchCase.script)], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...process.env, CDKTF_OUTDIR: outdir, ...benchCase.env },
  });
  const elapsedMs = Number(process.hrtime.bigint() - started) / 1e6;
  if (result.status !== 0) {
    throw new Error(`${benchCase.label} failed:\n${result.stderr}`);
  }
  return elapsedMs;
}

function timeOnce(benchCase: Case, work: string): number {
  const outdir = mkdtempSync(path.join(work, 'out-'));
  try {
    return run(benchCase, outdir);
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}

const ms = (value: number): string => value.toFixed(0);

function main(): void {
  const work = mkdtempSync(path.join(tmpdir(), 'bench-synth-'));
  try {
    const example = path.join(ROOT, 'environments', 'example.yaml');
    const pool = path.join(work, 'pool-200.yaml');
    const document = yaml.load(readFileSync(example, 'utf8')) as { name: string; bbb: { pool: { size: number } } };
    document.name = 'pool200';
    document.bbb.pool.size = 200;
    writeFileSync(pool, yaml.dump(document));

    const exampleCase: Case = { label: 'example environment', script: 'main.ts', env: { ENVIRONMENTS: example } };
    const poolCase: Case = { label: '200-server pool', script: 'main.ts', env: { ENVIRONMENTS: pool } };
    const exampleOutput = path.join(work, 'example-out');
    const poolOutput = path.join(work, 'pool-out');
    run(exampleCase, exampleOutput);
    run(poolCase, poolOutput);

    const cases: Case[] = [
      exampleCase,
      poolCase,
      { label: "floor: cdktf writing the example's documents", script: 'scripts/bench/replay-output.ts', env: { REPLAY_FROM: exampleOutput } },
      { label: "floor: cdktf writing the pool's documents", script: 'scripts/bench/replay-output.ts', env: { REPLAY_FROM: poolOutput } },
    ];
    // Rounds interleave the cases, so a machine that slows down mid-run skews them alike.
    const samples = cases.map((): number[] => []);
    for (let round = 0; round < RUNS; round += 1) {
      cases.forEach((benchCase, position) => samples[position].push(timeOnce(benchCase, work)));
    }
    console.log(`${RUNS} interleaved rounds; milliseconds per synth process`);
    console.log(`${'case'.padEnd(46)}${'median'.padStart(7)}${'quartiles'.padStart(13)}${'range'.padStart(13)}`);
    const medians = cases.map((benchCase, position) => {
      const values = samples[position];
      const median = quantile(values, 0.5);
      const quartiles = `${ms(quantile(values, 0.25))}-${ms(quantile(values, 0.75))}`;
      const range = `${ms(Math.min(...values))}-${ms(Math.max(...values))}`;
      console.log(`${benchCase.label.padEnd(46)}${ms(median).padStart(7)}${quartiles.padStart(13)}${range.padStart(13)}`);
      return median;
    });
    const [exampleMs, poolMs] = medians;
    console.log(`example median ${ms(exampleMs)} ms (goal <= ${GOALS.exampleMs}); pool median ${ms(poolMs)} ms (goal <= ${GOALS.poolMs})`);
    console.log(`c/b, pool / example: ${(poolMs / exampleMs).toFixed(2)} (goal <= ${GOALS.poolPerExample})`);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

main();
