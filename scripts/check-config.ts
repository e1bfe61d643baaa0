/**
 * `npm run check-config -- <file.yaml> [...]`: validates environment files without
 * synthesizing. Prints a one-line summary per valid file; exits 1 with every problem
 * of every invalid file.
 */
import { ConfigError, loadEnvironmentFile, type EnvironmentConfig } from '../config';

function summary(file: string, config: EnvironmentConfig): string {
  const { bbb, scalelite, turn, autoscaler } = config;
  const scaling = autoscaler.enabled ? `autoscaler on (min ${bbb.pool.minRunning})` : 'autoscaler off';
  return (
    `${file}: ok: environment "${config.name}" in ${config.location}, domain ${config.domain}; ` +
    `${bbb.pool.size} BBB servers (${bbb.cores} cores/${bbb.ramGb} GB), ${scaling}; ` +
    `${scalelite.nodes} Scalelite nodes; ${turn.servers} TURN`
  );
}

const files = process.argv.slice(2);
if (files.length === 0) {
  console.error('usage: npm run check-config -- <environment.yaml> [...]');
  process.exit(2);
}
let failed = false;
for (const file of files) {
  try {
    console.log(summary(file, loadEnvironmentFile(file)));
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    console.error(error.message);
    failed = true;
  }
}
process.exit(failed ? 1 : 0);
