/**
 * Synthesizes every environment in environments/ into cdktf.out/: one set of stacks
 * (`<env>-network`, `<env>-frontend`, `<env>-bbb`, `<env>-monitoring`) per file.
 * A configuration error stops synth with the file, key path and reason.
 */
import { App } from 'cdktf';
import { ConfigError } from './config';
import { environmentFiles, loadEnvironments } from './stacks/environments';
import { buildPlatform } from './stacks';
import { withoutTokenStackTraces } from './stacks/token-stack-traces';

function readEnvironments() {
  try {
    return loadEnvironments(environmentFiles());
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    console.error(error.message);
    process.exit(1);
  }
}

const environments = readEnvironments();
withoutTokenStackTraces(() => {
  const app = new App();
  for (const config of environments) {
    buildPlatform(app, config);
  }
  app.synth();
});
