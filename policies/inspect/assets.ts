import { readFileSync, statSync } from 'node:fs';
import { TerraformAsset } from 'cdktf';
import type { IConstruct } from 'constructs';

const MAX_TEXT_BYTES = 1024 * 1024;
/**
 * Program bundles (the autoscaler) are code built from this repository's reviewed,
 * type-checked source and its locked dependencies; the rules' line patterns describe
 * configuration, and read `this.secret = secret` in code as a literal secret.
 */
const PROGRAM_BUNDLE = /\.(c|m)?js$/;

/**
 * The text of a file asset (a file pushed to a VM), or undefined for directories,
 * archives, binaries and program bundles. cdktf keeps the source path private; it is
 * the only way to read what the asset ships before synth copies it.
 */
export function assetText(node: IConstruct): { path: string; text: string } | undefined {
  if (!(node instanceof TerraformAsset)) return undefined;
  const sourcePath = (node as unknown as { sourcePath?: unknown }).sourcePath;
  if (typeof sourcePath !== 'string' || PROGRAM_BUNDLE.test(sourcePath)) return undefined;
  const stat = statSync(sourcePath, { throwIfNoEntry: false });
  if (!stat?.isFile() || stat.size > MAX_TEXT_BYTES) return undefined;
  const text = readFileSync(sourcePath, 'utf8');
  return text.includes('\u0000') ? undefined : { path: sourcePath, text };
}
