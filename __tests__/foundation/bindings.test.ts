import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { typeScriptFiles } from '../../scripts/generate-bindings';
import { TS_RUNNER } from '../../scripts/ts-runner';

const ROOT = path.resolve(__dirname, '../..');
const GEN = path.join(ROOT, '.gen');

describe('generated provider bindings', () => {
  it('are stamped with the schema they were generated from', () => {
    const schema = readdirSync(path.join(ROOT, 'providers')).find((name) => name.endsWith('.schema.json'))!;
    const digest = createHash('sha256').update(readFileSync(path.join(ROOT, 'providers', schema))).digest('hex');
    expect(readFileSync(path.join(GEN, 'schema.sha256'), 'utf8').trim()).toBe(`${digest} ts+js`);
  });

  it('come compiled to JavaScript beside every TypeScript file', () => {
    const sources = typeScriptFiles(GEN);
    expect(sources.length).toBeGreaterThan(100);
    expect(sources.filter((file) => !existsSync(file.replace(/\.ts$/, '.js')))).toEqual([]);
  });

  it('load as JavaScript under the runner synth uses', () => {
    const resolve = "console.log(require.resolve('./.gen/providers/ionoscloud/server'))";
    const result = spawnSync(TS_RUNNER[0], [...TS_RUNNER.slice(1), '-e', resolve], { cwd: ROOT, encoding: 'utf8' });
    expect(result.stderr).toBe('');
    expect(result.stdout.trim()).toBe(path.join(GEN, 'providers', 'ionoscloud', 'server', 'index.js'));
  });
});
