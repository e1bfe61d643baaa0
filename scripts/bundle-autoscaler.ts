/**
 * `npm run bundle`: the autoscaler as ONE JavaScript file, dist/autoscaler.js, that
 * the monitoring VM runs with plain `node` (no node_modules there).
 */
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { build } from 'esbuild';
import { runCommand } from './command';

const ROOT = path.resolve(__dirname, '..');
export const BUNDLE_PATH = path.join(ROOT, 'dist', 'autoscaler.js');

/**
 * Writes the bundle only when its content changed, and atomically: every synth
 * rebuilds it, and a reader (a test, a synth beside it) never sees half a file.
 */
export async function bundleAutoscaler(outfile = BUNDLE_PATH): Promise<void> {
  const result = await build({
    entryPoints: [path.join(ROOT, 'functions', 'autoscaler', 'main.ts')],
    outfile,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    minify: false,
    sourcemap: false,
    banner: { js: '#!/usr/bin/env node' },
    // ssh2's native helpers are optional: without them (they are not in the one file) it
    // uses its JavaScript ciphers, and its require() of them fails inside a try.
    external: ['cpu-features', '*.node'],
    logLevel: 'warning',
    // The bundle is deployed as a file whose hash keys the upload; keep it reproducible.
    legalComments: 'none',
    write: false,
  });
  const bundle = result.outputFiles[0].contents;
  if (existsSync(outfile) && readFileSync(outfile).equals(bundle)) return;
  mkdirSync(path.dirname(outfile), { recursive: true });
  const staged = `${outfile}.${process.pid}.tmp`;
  writeFileSync(staged, bundle);
  renameSync(staged, outfile);
}

if (require.main === module) runCommand('bundle', () => bundleAutoscaler());
