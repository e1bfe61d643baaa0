/**
 * What two environment files may not share. Synthesized together they would build
 * stacks of one name and write one state (name); deployed, both would create the same
 * DNS zone in IONOS Cloud DNS, and the second deploy would fail there (domain).
 */
import { keyPosition } from './load';
import type { EnvironmentConfig } from './schema';

export interface LoadedEnvironment {
  readonly file: string;
  readonly config: EnvironmentConfig;
}

/** A problem of one file: which file, which key, and why. */
export interface Collision {
  readonly file: string;
  readonly key: 'name' | 'domain';
  readonly message: string;
}

function collisions(environments: readonly LoadedEnvironment[]): Collision[] {
  const found: Collision[] = [];
  const names = new Map<string, LoadedEnvironment>();
  const domains = new Map<string, LoadedEnvironment>();
  for (const environment of environments) {
    const { file, config } = environment;
    const sameName = names.get(config.name);
    if (sameName) {
      const state = sharedState(sameName.config, config);
      found.push({
        file,
        key: 'name',
        message: `"${config.name}" is already used by ${sameName.file}: the stacks ${config.name}-network ... would be built twice${state ? ` and both would keep their state in ${state}` : ''}`,
      });
    } else {
      names.set(config.name, environment);
    }
    const sameDomain = domains.get(config.domain);
    if (sameDomain) {
      found.push({ file, key: 'domain', message: `"${config.domain}" is already used by ${sameDomain.file}: both would create that DNS zone` });
    } else {
      domains.set(config.domain, environment);
    }
  }
  return found;
}

/** `<file>: line L, column C: <key>: <why>` for each collision, of the files `concerns` picks (default all). */
export function collisionProblems(environments: readonly LoadedEnvironment[], concerns: (file: string) => boolean = () => true): string[] {
  return collisions(environments)
    .filter(({ file }) => concerns(file))
    .map(({ file, key, message }) => `${file}: ${keyPosition(file, [key])}${key}: ${message}`);
}

/** Where both environments of one name keep their state, when it is the same place. */
function sharedState(first: EnvironmentConfig, second: EnvironmentConfig): string | undefined {
  if (!first.state && !second.state) return `terraform-state/${first.name}-<part>.tfstate`;
  if (first.state && second.state && first.state.bucket === second.state.bucket && first.state.endpoint === second.state.endpoint) {
    return `bucket ${first.state.bucket} under ${first.name}/`;
  }
  return undefined;
}
