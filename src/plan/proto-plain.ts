/**
 * Plain copies of decoded protobuf messages. `getService` results carry proto3 defaults (`""`,
 * `0`, `false`, empty lists and maps) and operation results carry int64 as `Long`; a copy without
 * defaults and with plain numbers is what we compare and what we send back.
 */

import { isZeroEnumName } from './enums.ts';

/** A protobufjs `Long` (int64 from an operation result), recognized by shape. */
interface LongLike {
  readonly low: number;
  readonly high: number;
  readonly unsigned: boolean;
  toString(): string;
}

function isLong(value: object): value is LongLike {
  return 'low' in value && 'high' in value && 'unsigned' in value && typeof value.low === 'number';
}

/** An int64 (number, decimal string or Long) as a number; `undefined` when unset. */
export function int64(value: unknown): number | undefined {
  if (typeof value === 'number') return value;
  if (typeof value === 'string' && value !== '') return Number(value);
  if (typeof value === 'object' && value !== null && isLong(value)) return Number(value.toString());
  return undefined;
}

/** A `google.protobuf.Duration` (object or `"300s"`) in seconds; `undefined` when unset or zero. */
export function durationSeconds(value: unknown): number | undefined {
  if (typeof value === 'string') {
    const match = /^(-?\d+(?:\.\d+)?)s$/.exec(value);
    return match === null ? undefined : Number(match[1]) || undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  const seconds = 'seconds' in value ? (int64(value.seconds) ?? 0) : 0;
  const nanos = 'nanos' in value && typeof value.nanos === 'number' ? value.nanos : 0;
  return seconds + nanos / 1e9 || undefined;
}

/** Map fields (string to string) of the Service tree: their entries are kept even when empty. */
const MAP_FIELDS = new Set(['labels', 'annotations', 'limits', 'selector']);

/**
 * A deep copy of own enumerable fields with proto3 defaults (zero enums by name too) dropped and `Long` turned into a
 * number; `undefined` when nothing is left (an all-default message).
 */
export function withoutDefaults(value: unknown): unknown {
  if (value === null || value === undefined || value === '' || value === 0 || value === false)
    return undefined;
  if (Array.isArray(value)) {
    const items = value.map(withoutDefaults).filter((item) => item !== undefined);
    return items.length === 0 ? undefined : items;
  }
  if (typeof value === 'string' && isZeroEnumName(value)) return undefined;
  if (typeof value !== 'object') return value;
  if (isLong(value)) return int64(value) || undefined;
  const copy: Record<string, unknown> = {};
  for (const [key, field] of Object.entries(value)) {
    if (MAP_FIELDS.has(key) && typeof field === 'object' && field !== null && !Array.isArray(field)) {
      const entries = Object.entries(field).filter(([, text]) => typeof text === 'string');
      if (entries.length > 0) copy[key] = Object.fromEntries(entries);
      continue;
    }
    const plain = withoutDefaults(field);
    if (plain !== undefined) copy[key] = plain;
  }
  return Object.keys(copy).length === 0 ? undefined : copy;
}
