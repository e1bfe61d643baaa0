/**
 * `npm run check-config -- <file.yaml> [...]`: validates environment files without
 * synthesizing. Prints a one-line summary per valid file; exits 1 with every problem
 * of every invalid file. The files are also checked against each other and against
 * the other files in environments/, which synth builds beside them: no two may share
 * a name or a domain.
 */
import * as path from 'node:path';
import { collisionProblems, ConfigError, loadEnvironmentFile, type EnvironmentConfig, type LoadedEnvironment } from '../config';
import { shippedEnvironmentFiles } from '../stacks/environments';

function summary(file: string, config: EnvironmentConfig): string {
  const { bbb, scalelite, turn, autoscaler } = config;
  const scaling = autoscaler.enabled ? `autoscaler on (min ${bbb.pool.minRunning})` : 'autoscaler off';
  return (
    `${file}: ok: environment "${config.name}" in ${config.location}, domain ${config.domain}; ` +
    `${bbb.pool.size} BBB servers (${bbb.cores} cores/${bbb.ramGb} GB), ${scaling}; ` +
    `${scalelite.nodes} Scalelite nodes; ${turn.servers} TURN`
  );
}

/** The other environments/ files that load; their own problems are theirs to check. */
function neighbours(named: Set<string>): LoadedEnvironment[] {
  return shippedEnvironmentFiles()
    .filter((file) => !named.has(file))
    .flatMap((file) => {
      try {
        return [{ file: path.relative(process.cwd(), file), config: loadEnvironmentFile(file) }];
      } catch (error) {
        if (error instanceof ConfigError) return [];
        throw error;
      }
    });
}

const files = process.argv.slice(2);
if (files.length === 0) {
  console.error('usage: npm run check-config -- <environment.yaml> [...]');
  process.exit(2);
}
const problems: string[] = [];
const loaded: LoadedEnvironment[] = [];
for (const file of files) {
  try {
    loaded.push({ file, config: loadEnvironmentFile(file) });
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    problems.push(error.message);
  }
}
const named = new Set(files);
const collided = collisionProblems([...neighbours(new Set(files.map((file) => path.resolve(file)))), ...loaded], (file) => named.has(file));
for (const { file, config } of loaded) {
  if (!collided.some((line) => line.startsWith(`${file}: `))) console.log(summary(file, config));
}
problems.push(...collided);
if (problems.length > 0) console.error(problems.join('\n'));
process.exit(problems.length > 0 ? 1 : 0);
