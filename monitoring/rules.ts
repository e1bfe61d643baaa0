/**
 * The rule files Prometheus loads: the hand-written ones in monitoring/rules/ and
 * platform.yml, generated per environment, which records the facts alerts compare
 * against (pool size, Scalelite nodes, autoscaler interval).
 */
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import * as yaml from 'js-yaml';
import type { EnvironmentConfig } from '../config';

export const RULES_DIR = path.resolve(__dirname, 'rules');

export interface RuleFile {
  /** File name inside the rules directory, e.g. `servers.yml`. */
  readonly name: string;
  readonly content: string;
}

interface RuleGroup {
  name: string;
  rules: Array<{ record?: string; alert?: string; expr: string }>;
}

/** Rules that only make sense with the autoscaler deployed. */
const AUTOSCALER_RULES = 'autoscaler.yml';
export const PLATFORM_RULES = 'platform.yml';

export function staticRuleFiles(): RuleFile[] {
  return readdirSync(RULES_DIR)
    .filter((name) => name.endsWith('.yml'))
    .sort()
    .map((name) => ({ name, content: readFileSync(path.join(RULES_DIR, name), 'utf8') }));
}

/** Everything one environment's Prometheus loads. */
export function ruleFilesFor(config: EnvironmentConfig): RuleFile[] {
  const files = staticRuleFiles().filter((file) => config.autoscaler.enabled || file.name !== AUTOSCALER_RULES);
  return [...files, { name: PLATFORM_RULES, content: renderPlatformRules(config) }];
}

export function renderPlatformRules(config: EnvironmentConfig): string {
  const facts: Record<string, number> = {
    'platform:bbb_pool_size': config.bbb.pool.size,
    'platform:bbb_min_running': config.bbb.pool.minRunning,
    'platform:scalelite_nodes': config.scalelite.nodes,
    'platform:autoscaler_interval_seconds': config.autoscaler.intervalSeconds,
  };
  const group: RuleGroup = {
    name: 'platform-facts',
    rules: Object.entries(facts).map(([record, value]) => ({ record, expr: `vector(${value})` })),
  };
  const header = '# Generated from the environment file; facts the alerts and dashboards compare against.\n';
  return header + yaml.dump({ groups: [group] }, { lineWidth: -1 });
}

function groupsOf(file: RuleFile): RuleGroup[] {
  const parsed = yaml.load(file.content) as { groups?: RuleGroup[] } | null;
  return parsed?.groups ?? [];
}

/** Every series name a recording rule produces, including the platform facts. */
export function recordedMetricNames(config: EnvironmentConfig): Set<string> {
  const names = ruleFilesFor(config)
    .flatMap(groupsOf)
    .flatMap((group) => group.rules)
    .map((rule) => rule.record)
    .filter((name): name is string => name !== undefined);
  return new Set(names);
}

/** Every alert expression, for checks that run over all of them. */
export function alertExpressions(config: EnvironmentConfig): Array<{ alert: string; expr: string }> {
  return ruleFilesFor(config)
    .flatMap(groupsOf)
    .flatMap((group) => group.rules)
    .filter((rule): rule is { alert: string; expr: string } => rule.alert !== undefined);
}
