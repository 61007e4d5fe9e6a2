import type { ValueKind } from './spec.ts';

const INT32 = { min: -(2n ** 31n), max: 2n ** 31n - 1n };
const UINT32 = { min: 0n, max: 2n ** 32n - 1n };
const INT64 = { min: -(2n ** 63n), max: 2n ** 63n - 1n };
const UINT64 = { min: 0n, max: 2n ** 64n - 1n };
const DURATION = /^-?\d{1,12}(\.\d{1,9})?s$/;
const TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/;
const BASE64 = /^(?:[A-Za-z0-9+/_-]{4})*(?:[A-Za-z0-9+/_-]{2}(?:==)?|[A-Za-z0-9+/_-]{3}=?)?$/;

/** The type label Google shows in `Invalid value at '…' (LABEL), value`. */
export function typeLabel(kind: ValueKind, typeUrlOf: (ref: string) => string): string {
  switch (kind.kind) {
    case 'string':
    case 'fieldmask':
      return 'TYPE_STRING';
    case 'int':
      return `TYPE_${kind.unsigned ? 'U' : ''}INT${kind.bits}`;
    case 'float':
      return kind.double ? 'TYPE_DOUBLE' : 'TYPE_FLOAT';
    case 'bool':
      return 'TYPE_BOOL';
    case 'bytes':
      return 'TYPE_BYTES';
    case 'duration':
      return 'type.googleapis.com/google.protobuf.Duration';
    case 'timestamp':
      return 'type.googleapis.com/google.protobuf.Timestamp';
    case 'any':
      return 'type.googleapis.com/google.protobuf.Value';
    case 'enum':
      return `type.googleapis.com/${kind.typeName}`;
    case 'message':
      return typeUrlOf(kind.ref);
  }
}

function integerInRange(value: unknown, range: { min: bigint; max: bigint }): boolean {
  let n: bigint;
  if (typeof value === 'number') {
    if (!Number.isInteger(value)) return false;
    n = BigInt(value);
  } else if (typeof value === 'string' && /^-?\d+$/.test(value)) {
    n = BigInt(value);
  } else {
    return false;
  }
  return n >= range.min && n <= range.max;
}

/**
 * Whether a JSON value is acceptable for a scalar kind under proto3 JSON rules: integers as numbers
 * or decimal strings, enums as names or proto numbers, `NaN`/`Infinity` strings for floats.
 * `fromQuery` values arrive as strings, so booleans and numbers are parsed from text.
 */
export function scalarAccepts(kind: ValueKind, value: unknown, fromQuery: boolean): boolean {
  switch (kind.kind) {
    case 'string':
    case 'fieldmask':
      return typeof value === 'string';
    case 'int':
      return integerInRange(
        value,
        kind.bits === 32 ? (kind.unsigned ? UINT32 : INT32) : kind.unsigned ? UINT64 : INT64,
      );
    case 'float':
      return (
        (typeof value === 'number' && Number.isFinite(value)) ||
        (typeof value === 'string' &&
          (['NaN', 'Infinity', '-Infinity'].includes(value) ||
            (value.trim() !== '' && Number.isFinite(Number(value)))))
      );
    case 'bool':
      return typeof value === 'boolean' || (fromQuery && (value === 'true' || value === 'false'));
    case 'bytes':
      return typeof value === 'string' && BASE64.test(value);
    case 'duration':
      return typeof value === 'string' && DURATION.test(value);
    case 'timestamp':
      return typeof value === 'string' && TIMESTAMP.test(value) && !Number.isNaN(Date.parse(value));
    case 'enum':
      if (typeof value === 'string') {
        if (kind.names.has(value)) return true;
        return fromQuery && /^-?\d+$/.test(value) && kind.numbers?.has(Number(value)) === true;
      }
      return typeof value === 'number' && kind.numbers?.has(value) === true;
    case 'any':
      return true;
    case 'message':
      return false;
  }
}
