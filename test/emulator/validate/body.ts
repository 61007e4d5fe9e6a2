import type { ApiSpec, FieldSpec, ValueKind } from './spec.ts';
import { scalarAccepts, typeLabel } from './values.ts';
import type { Violation } from './violations.ts';
import { invalidValue, notRepeating, objectOnScalar, rootNotMessage, unknownField } from './violations.ts';

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function join(path: string, name: string): string {
  return path === '' ? name : `${path}.${name}`;
}

/**
 * Checks a JSON body against a message of the API as Google's proto3 JSON parser does: unknown
 * names, wrong shapes and unparsable scalars are reported; `null` means "unset" and passes;
 * output-only fields and empty defaults pass (they are legal input and ignored by the server).
 */
export function checkMessage(api: ApiSpec, ref: string, value: unknown, path: string): Violation[] {
  const out: Violation[] = [];
  const typeUrlOf = (r: string): string => api.messages.get(r)?.typeUrl ?? r;

  const single = (kind: ValueKind, v: unknown, at: string, field: FieldSpec, parent: string): void => {
    if (kind.kind === 'message') {
      if (isPlainObject(v)) message(kind.ref, v, at);
      else out.push(invalidValue(at, typeUrlOf(kind.ref), v));
      return;
    }
    if (kind.kind === 'any') return;
    if (isPlainObject(v)) {
      out.push(objectOnScalar(field.protoName, parent));
      return;
    }
    if (Array.isArray(v)) {
      out.push(notRepeating(field.jsonName, parent));
      return;
    }
    if (!scalarAccepts(kind, v, false)) out.push(invalidValue(at, typeLabel(kind, typeUrlOf), v));
  };

  const message = (r: string, object: Record<string, unknown>, at: string): void => {
    const spec = api.messages.get(r);
    if (spec === undefined) return;
    for (const [name, v] of Object.entries(object)) {
      const field = spec.fields.get(name);
      if (field === undefined) {
        out.push(unknownField(name, at));
        continue;
      }
      if (v === null) continue;
      const fieldPath = join(at, field.protoName);
      if (field.map) {
        if (!isPlainObject(v)) {
          out.push(
            Array.isArray(v)
              ? notRepeating(name, at)
              : invalidValue(fieldPath, typeLabel(field.value, typeUrlOf), v),
          );
          continue;
        }
        for (const [key, entry] of Object.entries(v)) {
          if (entry !== null) single(field.value, entry, `${fieldPath}[${key}]`, field, at);
        }
      } else if (field.repeated) {
        if (!Array.isArray(v)) {
          out.push(invalidValue(fieldPath, typeLabel(field.value, typeUrlOf), v));
          continue;
        }
        v.forEach((item, i) => {
          if (Array.isArray(item)) out.push(notRepeating(name, at));
          else if (item !== null) single(field.value, item, `${fieldPath}[${i}]`, field, at);
        });
      } else if (Array.isArray(v)) {
        out.push(notRepeating(name, at));
      } else {
        single(field.value, v, fieldPath, field, at);
      }
    }
  };

  if (isPlainObject(value)) message(ref, value, path);
  else out.push(rootNotMessage());
  return out;
}
