import { readdirSync } from 'node:fs';
import * as path from 'node:path';
import * as yaml from 'js-yaml';
import { EXPORTED_METRICS } from '../../monitoring/metrics';
import { analysePromql } from '../../monitoring/promql';
import { RULES_DIR, recordedMetricNames, renderPlatformRules, ruleFilesFor, staticRuleFiles } from '../../monitoring/rules';
import { describeWithTool, run } from '../support/tools';
import { exampleConfig } from './fixtures';

const TESTS_DIR = path.join(RULES_DIR, 'tests');

interface Rule {
  alert?: string;
  record?: string;
  expr: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

const rules: Array<Rule & { file: string }> = staticRuleFiles().flatMap((file) =>
  (yaml.load(file.content) as { groups: Array<{ rules: Rule[] }> }).groups.flatMap((group) =>
    group.rules.map((rule) => ({ ...rule, file: file.name })),
  ),
);
const alerts = rules.filter((rule) => rule.alert !== undefined);

describe('alert rules', () => {
  it('covers what operators must hear about', () => {
    const names = alerts.map((rule) => rule.alert);
    expect(names).toEqual(
      expect.arrayContaining([
        'BbbServerDown',
        'BbbApiDown',
        'BbbCpuHigh',
        'MemoryNearlyFull',
        'DiskNearlyFull',
        'CertificateExpiringSoon',
        'EndpointDown',
        'ScaleliteApiDown',
        'RecordingsStuck',
        'RecordingFailed',
        'RecordingCountStale',
        'AutoscalerDown',
        'AutoscalerStale',
        'AutoscalerFailing',
        'CapacityHeadroomLow',
      ]),
    );
    expect(new Set(names).size).toBe(names.length);
  });

  it.each(alerts.map((rule) => [rule.alert, rule] as const))('%s has a severity and tells the operator what to do', (_, rule) => {
    expect(['critical', 'warning']).toContain(rule.labels?.severity);
    expect(rule.annotations?.summary?.length).toBeGreaterThan(10);
    expect(rule.annotations?.description?.length).toBeGreaterThan(60);
  });

  it('reads only metrics the exporters expose or a recording rule defines', () => {
    const known = new Set([...EXPORTED_METRICS, ...recordedMetricNames(exampleConfig())]);
    const unknown = rules.flatMap((rule) =>
      analysePromql(rule.expr)
        .metrics.filter((metric) => !known.has(metric))
        .map((metric) => `${rule.file} ${rule.alert ?? rule.record}: ${metric}`),
    );
    expect(unknown).toEqual([]);
  });

  it('defines the recording rules the autoscaler queries, with the agreed expressions', () => {
    const recorded = Object.fromEntries(rules.filter((rule) => rule.record).map((rule) => [rule.record, rule.expr]));
    expect(recorded).toMatchObject({
      'bbb:participants:by_server': 'sum by (instance) (bbb_meetings_participants)',
      'bbb:webcams:by_server': 'sum by (instance) (bbb_meetings_video_participants)',
      'bbb:meetings:by_server': 'sum by (instance) (bbb_meetings)',
      'bbb:load:by_server': 'bbb:participants:by_server + 3 * bbb:webcams:by_server',
      'bbb:load:total': 'sum(bbb:load:by_server)',
      'instance:cpu_utilisation:rate1m': '1 - avg by (instance) (rate(node_cpu_seconds_total{mode="idle"}[1m]))',
    });
  });

  it('has a unit test file for every rule file', () => {
    const ruleFiles = staticRuleFiles().map((file) => file.name);
    const testFiles = readdirSync(TESTS_DIR).filter((name) => name.endsWith('.yml'));
    expect(testFiles.sort()).toEqual(ruleFiles.sort());
  });
});

describe('platform facts', () => {
  it('records pool size, Scalelite nodes and autoscaler interval from the environment', () => {
    const config = exampleConfig((c) => {
      c.bbb.pool.size = 35;
      c.autoscaler.intervalSeconds = 120;
    });
    const group = (yaml.load(renderPlatformRules(config)) as { groups: Array<{ rules: Rule[] }> }).groups[0];
    expect(group.rules).toEqual(
      expect.arrayContaining([
        { record: 'platform:bbb_pool_size', expr: 'vector(35)' },
        { record: 'platform:scalelite_nodes', expr: 'vector(2)' },
        { record: 'platform:autoscaler_interval_seconds', expr: 'vector(120)' },
      ]),
    );
  });

  it('leaves the autoscaler alerts out when the autoscaler is disabled', () => {
    const enabled = ruleFilesFor(exampleConfig()).map((file) => file.name);
    const disabled = ruleFilesFor(exampleConfig((c) => (c.autoscaler.enabled = false))).map((file) => file.name);
    expect(enabled).toContain('autoscaler.yml');
    expect(disabled).not.toContain('autoscaler.yml');
    expect(disabled).toContain('platform.yml');
  });
});

describeWithTool('promtool', 'promtool', () => {
  it.each(staticRuleFiles().map((file) => [file.name]))('check rules accepts %s', (name) => {
    const result = run('promtool', ['check', 'rules', path.join(RULES_DIR, name)]);
    expect(result.stderr + result.stdout).toContain('SUCCESS');
    expect(result.status).toBe(0);
  });

  it.each(readdirSync(TESTS_DIR).map((name) => [name]))('unit tests in tests/%s pass', (name) => {
    const result = run('promtool', ['test', 'rules', name], { cwd: TESTS_DIR });
    expect({ status: result.status, output: result.stdout + result.stderr }).toEqual({ status: 0, output: expect.stringContaining('SUCCESS') });
  });
});
