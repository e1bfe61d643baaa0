/**
 * Rules that relate one key to another. They read the raw document defensively, so
 * they are reported together with the shape errors of the same file instead of only
 * after every other key is fixed.
 */
import { IONOS_LOCATIONS, minutesOfDay, OBJECT_STORAGE_ENDPOINTS, timeProblem } from './formats';
import type { Problem } from './issues';
import { serviceLocationProblems } from './service-locations';
import { maintenanceProblems } from './maintenance';

type Raw = Record<string, unknown>;

const isRecord = (value: unknown): value is Raw => typeof value === 'object' && value !== null && !Array.isArray(value);
const isInt = (value: unknown): value is number => Number.isInteger(value);
const at = (value: unknown, ...keys: string[]): unknown =>
  keys.reduce<unknown>((node, key) => (isRecord(node) ? node[key] : undefined), value);

export function relationProblems(document: unknown): Problem[] {
  const problems: Problem[] = [];
  const atMost = (path: (string | number)[], value: unknown, limitKey: string, limit: unknown) => {
    if (isInt(value) && isInt(limit) && value > limit) {
      problems.push({ path, message: `must be <= ${limitKey} (${limit}), got ${value}` });
    }
  };
  const atLeast = (path: (string | number)[], value: unknown, limitKey: string, limit: unknown) => {
    if (isInt(value) && isInt(limit) && value < limit) {
      problems.push({ path, message: `must be >= ${limitKey} (${limit}), got ${value}` });
    }
  };

  const poolSize = at(document, 'bbb', 'pool', 'size');
  atMost(['bbb', 'pool', 'minRunning'], at(document, 'bbb', 'pool', 'minRunning'), 'bbb.pool.size', poolSize);

  const rules = at(document, 'autoscaler', 'schedule', 'rules');
  if (Array.isArray(rules)) {
    rules.forEach((rule, index) => {
      const path = ['autoscaler', 'schedule', 'rules', index];
      atMost([...path, 'minRunning'], at(rule, 'minRunning'), 'bbb.pool.size', poolSize);
      const from = at(rule, 'from');
      const to = at(rule, 'to');
      if (typeof from === 'string' && typeof to === 'string' && !timeProblem(from) && !timeProblem(to)) {
        if (minutesOfDay(from) >= minutesOfDay(to)) {
          problems.push({ path: [...path, 'to'], message: `must be later than from (${from}), got "${to}"` });
        }
      }
    });
  }

  atLeast(['autoscaler', 'vertical', 'maxCores'], at(document, 'autoscaler', 'vertical', 'maxCores'), 'bbb.cores', at(document, 'bbb', 'cores'));
  atLeast(['autoscaler', 'vertical', 'maxRamGb'], at(document, 'autoscaler', 'vertical', 'maxRamGb'), 'bbb.ramGb', at(document, 'bbb', 'ramGb'));

  const location = at(document, 'location');
  if (typeof location === 'string' && (IONOS_LOCATIONS as readonly string[]).includes(location)) {
    const use = { location, recordings: at(document, 'scalelite', 'recordings') === true, greenlight: at(document, 'scalelite', 'greenlight') === true };
    problems.push(...serviceLocationProblems(use).map((message) => ({ path: ['location'], message })));
  }

  const region = at(document, 'state', 'region');
  const endpoint = at(document, 'state', 'endpoint');
  if (typeof region === 'string' && region in OBJECT_STORAGE_ENDPOINTS && typeof endpoint === 'string' && URL.canParse(endpoint)) {
    const expected = OBJECT_STORAGE_ENDPOINTS[region as keyof typeof OBJECT_STORAGE_ENDPOINTS];
    const host = new URL(endpoint).hostname;
    // Another region's IONOS endpoint signs for the wrong region; an endpoint elsewhere (a private one) is the operator's choice.
    if (host.endsWith('.ionoscloud.com') && host !== new URL(expected).hostname) {
      problems.push({ path: ['state', 'endpoint'], message: `must be ${expected} for region ${region}, got "${endpoint}"` });
    }
  }

  const sshKeys = at(document, 'sshKeys');
  if (Array.isArray(sshKeys) && new Set(sshKeys).size !== sshKeys.length) {
    problems.push({ path: ['sshKeys'], message: 'must not list the same key twice' });
  }
  return [...problems, ...maintenanceProblems(document)];
}
