/**
 * `npm run synth` (and so `cdktf diff|deploy`): brings the provider bindings and the
 * autoscaler bundle up to date, then synthesizes every environment, in one process;
 * three processes cost half a second more of start-up.
 */
import { runCommand } from './command';
import { prepareGenerated } from './prepare';

runCommand('synth', async () => {
  await prepareGenerated();
  // main.ts imports the bindings, so it may only load once they exist.
  require('../main');
});
