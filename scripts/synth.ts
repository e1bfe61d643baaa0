/**
 * `npm run synth` (and so `cdktf diff|deploy`): brings the provider bindings and the
 * autoscaler bundle up to date, then synthesizes every environment, in one process;
 * three processes cost half a second more of start-up.
 */
import { prepareGenerated } from './prepare';

prepareGenerated()
  // main.ts imports the bindings, so it may only load once they exist.
  .then(() => require('../main'))
  .catch((error: unknown) => {
    console.error(`synth: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  });
