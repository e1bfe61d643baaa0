/**
 * `npm run synth` (and so `cdktf diff|deploy`): brings the provider bindings and the
 * autoscaler bundle up to date, then synthesizes every environment, in one process;
 * three processes cost half a second more of start-up. Says what it wrote.
 */
import { performance } from 'node:perf_hooks';
import { runCommand } from './command';
import { prepareGenerated } from './prepare';
import { removeStaleStacks, synthesizedStacks, synthReport } from './synth-report';

runCommand('synth', async () => {
  const { bundleWritten } = await prepareGenerated();
  // main.ts imports the bindings, so it may only load once they exist.
  require('../main');
  // Where cdktf's App writes when main.ts gives it no outdir (cdktf/lib/app.js).
  const outdir = process.env.CDKTF_OUTDIR ?? 'cdktf.out';
  const written = synthesizedStacks(outdir);
  const stale = removeStaleStacks(outdir, written);
  // performance.now() counts from the start of the process: loading included.
  console.log(synthReport({ outdir, written, stale, bundleWritten, seconds: performance.now() / 1000 }).join('\n'));
});
