import type { ApiSpec, ValueKind } from './spec.ts';

export type JsonObject = { [key: string]: unknown };

function isPlainObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * The canonical form of an already validated message, as the server stores it: JSON names,
 * enum names, int64 as strings; `null`, proto3 empty defaults (`""`, `0`, `false`, enum 0, empty
 * lists, maps and messages) and output-only fields removed. A fetched resource sent back and the
 * same resource built from scratch canonicalize to equal values.
 */
export function canonicalMessage(api: ApiSpec, ref: string, value: JsonObject): JsonObject {
  const spec = api.messages.get(ref);
  const out: JsonObject = {};
  if (spec === undefined) return out;
  for (const [name, raw] of Object.entries(value)) {
    const field = spec.fields.get(name);
    if (field === undefined || field.outputOnly || raw === null || raw === undefined) continue;
    let result: unknown;
    if (field.map && isPlainObject(raw)) {
      const entries: JsonObject = {};
      for (const [key, entry] of Object.entries(raw)) {
        const canonical = canonicalValue(api, field.value, entry, true);
        if (canonical !== undefined) entries[key] = canonical;
      }
      result = Object.keys(entries).length === 0 ? undefined : entries;
    } else if (field.repeated && Array.isArray(raw)) {
      const items = raw.map((item) => canonicalValue(api, field.value, item, true) ?? emptyOf(field.value));
      result = items.length === 0 ? undefined : items;
    } else {
      result = canonicalValue(api, field.value, raw, false);
    }
    if (result !== undefined) out[field.jsonName] = result;
  }
  return out;
}

/** The value an element of a list takes when its canonical form is "unset". */
function emptyOf(kind: ValueKind): unknown {
  switch (kind.kind) {
    case 'message':
      return {};
    case 'string':
    case 'bytes':
    case 'fieldmask':
      return '';
    case 'bool':
      return false;
    case 'int':
      return kind.bits === 64 ? '0' : 0;
    case 'float':
      return 0;
    default:
      return null;
  }
}

/** `undefined` means "unset" (a default); `keep` keeps defaults inside lists and maps. */
function canonicalValue(api: ApiSpec, kind: ValueKind, raw: unknown, keep: boolean): unknown {
  if (raw === null || raw === undefined) return undefined;
  switch (kind.kind) {
    case 'message': {
      if (!isPlainObject(raw)) return undefined;
      const inner = canonicalMessage(api, kind.ref, raw);
      return Object.keys(inner).length === 0 && !keep ? undefined : inner;
    }
    case 'enum': {
      const name = typeof raw === 'number' ? kind.nameOf.get(raw) : String(raw);
      if (name === undefined) return undefined;
      const isDefault = raw === 0 || kind.nameOf.get(0) === name || /_UNSPECIFIED$/.test(name);
      return isDefault && !keep ? undefined : name;
    }
    case 'int': {
      const text = String(raw);
      if (text === '0' && !keep) return undefined;
      return kind.bits === 64 ? text : Number(text);
    }
    case 'float': {
      const number = Number(raw);
      return number === 0 && !keep ? undefined : number;
    }
    case 'bool':
      return raw === false && !keep ? undefined : raw;
    case 'any':
      return raw;
    default:
      return raw === '' && !keep ? undefined : raw;
  }
}
