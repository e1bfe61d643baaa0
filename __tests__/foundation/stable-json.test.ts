import * as fc from 'fast-check';
import stableStringify from 'json-stable-stringify';
import { stableJson } from '../../stacks/stable-json';

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

  it('writes data holding a NUL character, as its markers do, as json-stable-stringify does', () => {
    const value = { a: '\u0000{}', '\u0000[]': [], b: '"\u0000{}', c: ['x\u0000[]y'] };
    expect(stableJson(value)).toBe(cdktfText(value));
  });

  it('refuses a cycle with the message json-stable-stringify gives', () => {
    const value: Record<string, unknown> = { a: 1 };
    value.self = value;
    expect(() => stableJson(value)).toThrow('Converting circular structure to JSON');
  });
});
