/**
 * What `npm run synth` says when it is done: the stacks it wrote and how long it took,
 * and what it did with stacks an earlier synth left in cdktf.out/stacks/.
 */
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import * as path from 'node:path';

export interface StaleStacks {
  readonly removed: string[];
  /** Directories that hold a Terraform state file, which a removal would lose. */
  readonly kept: string[];
}

/** Stacks whose directory holds a state file: local state was kept there before terraform-state/. */
export function stacksHoldingState(outdir: string, names: readonly string[]): string[] {
  return names.filter((name) => {
    const dir = path.join(outdir, 'stacks', name);
    return existsSync(dir) && readdirSync(dir).some((file) => file.endsWith('.tfstate'));
  });
}

/** The stacks of the last synth, as cdktf's manifest lists them. */
export function synthesizedStacks(outdir: string): string[] {
  const manifest = JSON.parse(readFileSync(path.join(outdir, 'manifest.json'), 'utf8')) as { stacks: Record<string, unknown> };
  return Object.keys(manifest.stacks);
}

/**
 * Removes the directories of stacks this synth did not write, as `cdktf diff|deploy`
 * does after its own synth (@cdktf/cli-core, SynthStack.synth), so that no stale stack
 * waits there for a `terraform -chdir`. One that holds a state file (local state was
 * kept there before terraform-state/) stays, and is named.
 */
export function removeStaleStacks(outdir: string, written: readonly string[]): StaleStacks {
  const stacksDir = path.join(outdir, 'stacks');
  const stale = existsSync(stacksDir) ? readdirSync(stacksDir).filter((name) => !written.includes(name)).sort() : [];
  const kept = stacksHoldingState(outdir, stale);
  const removed = stale.filter((name) => !kept.includes(name));
  for (const name of removed) rmSync(path.join(stacksDir, name), { recursive: true, force: true });
  return { removed, kept };
}

export interface SynthOutcome {
  readonly outdir: string;
  readonly written: readonly string[];
  readonly stale: StaleStacks;
  readonly bundleWritten: boolean;
  readonly seconds: number;
}

export function synthReport({ outdir, written, stale, bundleWritten, seconds }: SynthOutcome): string[] {
  const where = path.join(outdir, 'stacks');
  const lines = [`synth: wrote ${written.length} stack${written.length === 1 ? '' : 's'} to ${where}/ in ${seconds.toFixed(1)} s: ${written.join(', ')}`];
  if (bundleWritten) lines.push('synth: rebuilt dist/autoscaler.js');
  if (stale.removed.length) lines.push(`synth: removed ${stale.removed.join(', ')} from ${where}/: stacks of an earlier synth, not of this one`);
  if (stale.kept.length) lines.push(`synth: left ${stale.kept.join(', ')} in ${where}/: not of this synth, but holding a Terraform state file`);
  const misplaced = [...stale.kept, ...stacksHoldingState(outdir, written)];
  if (misplaced.length) {
    lines.push(
      `synth: local state now lives in terraform-state/: move ${where}/<stack>/terraform.<stack>.tfstate to terraform-state/<stack>.tfstate for ${misplaced.join(', ')} (docs/deploy.md#terraform-state)`,
    );
  }
  return lines;
}
