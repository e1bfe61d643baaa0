/**
 * `npm run bundle`: the autoscaler as ONE JavaScript file, dist/autoscaler.js, that
 * the monitoring VM runs with plain `node` (no node_modules there). Says what it wrote.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import * as path from 'node:path';
import { build } from 'esbuild';
import { runCommand } from './command';

const ROOT = path.resolve(__dirname, '..');
export const BUNDLE_PATH = path.join(ROOT, 'dist', 'autoscaler.js');

/**
 * Writes the bundle only when its content changed, and atomically: every synth
 * rebuilds it, and a reader (a test, a synth beside it) never sees half a file.
 * Answers whether it wrote the file.
 */
export async function bundleAutoscaler(outfile = BUNDLE_PATH): Promise<boolean> {
  const result = await build({
    entryPoints: [path.join(ROOT, 'functions', 'autoscaler', 'main.ts')],
    // esbuild names each module in the bundle by its path from this directory (the
    // current one by default): fixed, a build from anywhere gives the same bytes.
    absWorkingDir: ROOT,
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
  if (existsSync(outfile) && readFileSync(outfile).equals(bundle)) return false;
  mkdirSync(path.dirname(outfile), { recursive: true });
  const staged = `${outfile}.${process.pid}.tmp`;
  writeFileSync(staged, bundle);
  renameSync(staged, outfile);
  return true;
}

if (require.main === module) {
  // `npm run bundle [-- <file>]`: dist/autoscaler.js unless told otherwise.
  const outfile = path.resolve(process.argv[2] ?? BUNDLE_PATH);
  runCommand('bundle', async () => {
    const written = await bundleAutoscaler(outfile);
    const what = `${path.relative(process.cwd(), outfile)} (${Math.round(statSync(outfile).size / 1024)} KB)`;
    // performance.now() counts from the start of the process: loading included.
    console.log(`bundle: ${written ? 'wrote' : 'unchanged:'} ${what} in ${(performance.now() / 1000).toFixed(1)} s`);
  });
}
