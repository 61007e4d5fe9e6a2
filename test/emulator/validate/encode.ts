import type { QueryValues } from './query.ts';
import type { ApiSpec, ValueKind } from './spec.ts';

type JsonObject = { [key: string]: unknown };

function isPlainObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Whether the caller asked for enums as numbers (`$alt=json;enum-encoding=int`, as the Run client does). */
export function wantsIntEnums(query: QueryValues): boolean {
  return (query.get('$alt') ?? []).some((alt) => alt.split(';').includes('enum-encoding=int'));
}

/**
 * An answer with enum names replaced by their proto numbers, walking the answer's message (and
 * `google.protobuf.Any` values by their `@type`), as Google encodes for `enum-encoding=int`.
 */
export function encodeEnumsAsNumbers(api: ApiSpec, ref: string, value: unknown): unknown {
  const byTypeUrl = new Map<string, string>();
  for (const message of api.messages.values())
    if (!byTypeUrl.has(message.typeUrl)) byTypeUrl.set(message.typeUrl, message.id);

  const encodeValue = (kind: ValueKind, raw: unknown): unknown => {
    switch (kind.kind) {
      case 'enum':
        return typeof raw === 'string' ? (kind.numberOf.get(raw) ?? raw) : raw;
      case 'message':
        return encodeMessage(kind.ref, raw);
      case 'any': {
        const type = isPlainObject(raw) ? raw['@type'] : undefined;
        const inner = typeof type === 'string' ? byTypeUrl.get(type) : undefined;
        return inner === undefined ? raw : encodeMessage(inner, raw);
      }
      default:
        return raw;
    }
  };

  const encodeMessage = (messageRef: string, raw: unknown): unknown => {
    const spec = api.messages.get(messageRef);
    if (spec === undefined || !isPlainObject(raw)) return raw;
    const out: JsonObject = {};
    for (const [name, fieldValue] of Object.entries(raw)) {
      const field = spec.fields.get(name);
      if (field === undefined || fieldValue === null) {
        out[name] = fieldValue;
      } else if (field.map && isPlainObject(fieldValue)) {
        out[name] = Object.fromEntries(
          Object.entries(fieldValue).map(([k, v]) => [k, encodeValue(field.value, v)]),
        );
      } else if (field.repeated && Array.isArray(fieldValue)) {
        out[name] = fieldValue.map((item) => encodeValue(field.value, item));
      } else {
        out[name] = encodeValue(field.value, fieldValue);
      }
    }
    return out;
  };

  return encodeMessage(ref, value);
}
