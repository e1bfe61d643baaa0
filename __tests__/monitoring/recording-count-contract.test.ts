/**
 * The recording count crosses three parts: the BBB servers write it to a file, an
 * alert fires when that file grows old, and the autoscaler trusts a count only while
 * its file is young. All three must mean the same file and the same age.
 */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import * as yaml from 'js-yaml';
import { RECORDING_COUNT_FILE, TEXTFILE_DIR } from '../../constructs/bbb-pool/bbb-services';
import { QUERIES } from '../../functions/autoscaler/queries';

interface RuleFile {
  groups: { rules: { alert?: string; expr: string }[] }[];
}

const rules = (yaml.load(readFileSync(path.resolve(__dirname, '../../monitoring/rules/recordings.yml'), 'utf8')) as RuleFile).groups.flatMap(
  (group) => group.rules,
);
const staleAlert = rules.find((rule) => rule.alert === 'RecordingCountStale')!.expr;

/** The regexes of `file=~"..."` matchers in PromQL (string escapes undone; Prometheus anchors them). */
function fileMatchers(promql: string): RegExp[] {
  return [...promql.matchAll(/file=~"((?:[^"\\]|\\.)*)"/g)].map(([, quoted]) => new RegExp(`^(?:${quoted.replace(/\\(.)/g, '$1')})$`));
}

describe('the recording count file', () => {
  const written = `${TEXTFILE_DIR}/${RECORDING_COUNT_FILE}`;

  it.each([
    ['the stale-count alert', staleAlert],
    ["the autoscaler's backlog query", QUERIES.recordingsBacklog],
  ])('is the file %s selects, by path or by name', (_what, promql) => {
    const matchers = fileMatchers(promql);
    expect(matchers.length).toBeGreaterThan(0);
    for (const matcher of matchers) {
      expect(matcher.test(written)).toBe(true);
      expect(matcher.test(RECORDING_COUNT_FILE)).toBe(true);
      expect(matcher.test(`${TEXTFILE_DIR}/other.prom`)).toBe(false);
    }
  });

  it('is too old for the autoscaler exactly when the alert calls it stale', () => {
    const alertAge = Number(/time\(\) - [^>]*> (\d+)/.exec(staleAlert)?.[1]);
    const queryAge = Number(/< (\d+)\)$/.exec(QUERIES.recordingsBacklog)?.[1]);
    expect(alertAge).toBeGreaterThan(0);
    expect(queryAge).toBe(alertAge);
  });
});
