/**
 * DynamicValue's msgpack form (hashicorp/terraform v1.11.4
 * docs/plugin-protocol/object-wire-format.md): objects and maps are msgpack maps,
 * lists, sets and tuples arrays, numbers integers or floats, an unknown value any
 * msgpack extension. The schemas the fake serves have no `dynamic` types, so values
 * need no type to be read or written.
 */
import { Decoder, Encoder, ExtData } from '@msgpack/msgpack';
import { Unknown, isObject, type Value } from './value';

const decoder = new Decoder({ useBigInt64: false });
const encoder = new Encoder({ ignoreUndefined: true });

export function decodeValue(bytes: Uint8Array | undefined | null): Value {
  if (!bytes || bytes.length === 0) return null;
  return fromWire(decoder.decode(bytes));
}

export function encodeValue(value: Value): Uint8Array {
  return encoder.encode(toWire(value));
}

function fromWire(raw: unknown): Value {
  if (raw instanceof ExtData) return new Unknown(raw.data instanceof Uint8Array ? raw.data : new Uint8Array(0), raw.type);
  if (raw === undefined || raw === null) return null;
  if (Array.isArray(raw)) return raw.map(fromWire);
  if (raw instanceof Map) return Object.fromEntries([...raw.entries()].map(([key, item]) => [String(key), fromWire(item)]));
  if (typeof raw === 'object') return Object.fromEntries(Object.entries(raw as object).map(([key, item]) => [key, fromWire(item)]));
  if (typeof raw === 'string' || typeof raw === 'number' || typeof raw === 'boolean') return raw;
  throw new Error(`unexpected msgpack value ${String(raw)}`);
}

function toWire(value: Value): unknown {
  if (value instanceof Unknown) return new ExtData(value.extensionType, value.payload);
  if (Array.isArray(value)) return value.map(toWire);
  if (isObject(value)) return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, toWire(item)]));
  return value;
}
