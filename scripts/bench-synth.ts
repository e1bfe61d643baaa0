/**
 * `npm run bench:synth`: times whole synth processes (what an operator waits for)
 * for a bare cdktf app with one null_resource, the example environment, and the
 * example with a 200-server pool. Prints medians and the ratios b/a and c/b, and,
 * to show where the example's time goes, two floors: the bare app after merely
 * loading the example's modules, and cdktf writing the example's documents alone.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import * as yaml from 'js-yaml';
import { TS_RUNNER } from './ts-runner';

const ROOT = path.resolve(__dirname, '..');
const RUNS = Number(process.env.BENCH_RUNS ?? 7);

interface Case {
  readonly label: string;
  readonly script: string;
  readonly env?: Readonly<Record<string, string>>;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
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

function main(): void {
  const work = mkdtempSync(path.join(tmpdir(), 'bench-synth-'));
  try {
    const example = path.join(ROOT, 'environments', 'example.yaml');
    const large = path.join(work, 'pool-200.yaml');
    const document = yaml.load(readFileSync(example, 'utf8')) as { name: string; bbb: { pool: { size: number } } };
    document.name = 'pool200';
    document.bbb.pool.size = 200;
    writeFileSync(large, yaml.dump(document));

    const exampleCase: Case = { label: '(b) example environment', script: 'main.ts', env: { ENVIRONMENTS: example } };
    const exampleOutput = path.join(work, 'example-out');
    run(exampleCase, exampleOutput);

    const cases: Case[] = [
      { label: '(a) bare app, 1 null_resource', script: 'scripts/bench/bare-app.ts' },
      exampleCase,
      { label: '(c) 200-server pool', script: 'main.ts', env: { ENVIRONMENTS: large } },
      { label: '    a + loading b\'s modules', script: 'scripts/bench/bare-app-with-modules.ts' },
      { label: '    cdktf writing b\'s documents', script: 'scripts/bench/replay-output.ts', env: { REPLAY_FROM: exampleOutput } },
    ];
    cases.forEach((benchCase) => timeOnce(benchCase, work));
    // Rounds interleave the cases, so a machine that slows down mid-run skews them alike.
    const samples = cases.map((): number[] => []);
    for (let round = 0; round < RUNS; round += 1) {
      cases.forEach((benchCase, position) => samples[position].push(timeOnce(benchCase, work)));
    }
    const medians = cases.map((benchCase, position) => {
      const value = median(samples[position]);
      console.log(`${benchCase.label.padEnd(34)} median ${value.toFixed(0).padStart(6)} ms  (${RUNS} runs: ${samples[position].map((s) => s.toFixed(0)).join(', ')})`);
      return value;
    });
    console.log(`ratio b/a: ${(medians[1] / medians[0]).toFixed(2)} (goal <= 1.5)`);
    console.log(`ratio c/b: ${(medians[2] / medians[1]).toFixed(2)} (goal <= 2.0)`);
    // Both floor cases run inside a process like a's: what they add is beyond a.
    console.log(`loading b's modules alone (beyond a): ${((medians[3] - medians[0]) / medians[0]).toFixed(2)} x a`);
    console.log(`cdktf writing b's documents alone (beyond a): ${((medians[4] - medians[0]) / medians[0]).toFixed(2)} x a`);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

main();
