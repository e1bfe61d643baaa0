import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import * as fc from 'fast-check';
import stableStringify from 'json-stable-stringify';
import { exampleConfig } from '../../testing/synth';
import { buildPlatform } from '../../stacks';
import { stableJson } from '../../stacks/stable-json';
import { withoutTokenStackTraces } from '../../stacks/token-stack-traces';
import { Testing } from 'cdktf';

const cdktfText = (value: unknown) => stableStringify(value, { space: 2 });

describe('stableJson', () => {
  it('writes any JSON value as json-stable-stringify does', () => {
    fc.assert(fc.property(fc.jsonValue(), (value) => stableJson(value) === cdktfText(value)), { numRuns: 500 });
  });

  it('orders integer-like keys as strings, as json-stable-stringify does', () => {
    const value = { resource: { tags: { '10': 'a', '2': 'b', x: 'c' } }, list: [{ '1': 1, '0': 0 }] };
    expect(stableJson(value)).toBe(cdktfText(value));
    expect(stableJson(value).indexOf('"10"')).toBeLessThan(stableJson(value).indexOf('"2"'));
  });

  it('drops undefined entries and uses toJSON as json-stable-stringify does', () => {
    const value = { a: undefined, b: [undefined, 1], c: new Date(0), d: { toJSON: () => ({ z: 1, y: 2 }) } };
    expect(stableJson(value)).toBe(cdktfText(value));
  });

  it('opens and closes empty objects and lists on two lines, as json-stable-stringify does', () => {
    const value = { a: {}, b: [], c: [{}, [], { d: {} }], e: 'a {} and [] in text', '{}': [] };
    expect(stableJson(value)).toBe(cdktfText(value));
    expect(stableJson({})).toBe(cdktfText({}));
    expect(stableJson({ a: { b: undefined } })).toBe(cdktfText({ a: { b: undefined } }));
  });

  it('writes data that looks like its own markers as json-stable-stringify does', () => {
    const value = { a: '\u0000{}', '\u0000[]': [] };
    expect(stableJson(value)).toBe(cdktfText(value));
  });

  it('refuses a cycle with the message json-stable-stringify gives', () => {
    const value: Record<string, unknown> = { a: 1 };
    value.self = value;
    expect(() => stableJson(value)).toThrow('Converting circular structure to JSON');
  });
});

describe('stack files written by the platform', () => {
  it('are byte for byte what cdktf would write for the same documents', () => {
    const outdir = mkdtempSync(path.join(tmpdir(), 'stable-json-'));
    try {
      const app = Testing.app({ outdir });
      withoutTokenStackTraces(() => {
        buildPlatform(app, exampleConfig());
        app.synth();
      });
      const stacks = readdirSync(path.join(outdir, 'stacks'));
      expect(stacks).toHaveLength(4);
      for (const name of stacks) {
        const text = readFileSync(path.join(outdir, 'stacks', name, 'cdk.tf.json'), 'utf8');
        expect(text).toBe(cdktfText(JSON.parse(text)));
      }
    } finally {
      rmSync(outdir, { recursive: true, force: true });
    }
  });
});
