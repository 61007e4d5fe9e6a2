import { invalidArgument } from '../../core/google-error.ts';
import type { JsonObject } from '../../validate/canonical.ts';
import { asObject } from './records.ts';

/** Copies the masked paths (`template`, `traffic`, `labels`, `template.scaling`, ...) from `input` over `base`. */
export function applyMask(base: JsonObject, input: JsonObject, mask: readonly string[]): JsonObject {
  const result: JsonObject = structuredClone(base);
  for (const raw of mask) {
    const path = raw
      .trim()
      .split('.')
      .map((part) => part.replace(/_([a-z])/g, (_m, c: string) => c.toUpperCase()));
    if (path.length === 0 || path[0] === '') throw invalidArgument(`Invalid update_mask path '${raw}'.`);
    let from: JsonObject | undefined = input;
    let to: JsonObject = result;
    for (const [i, part] of path.entries()) {
      const last = i === path.length - 1;
      if (last) {
        if (from !== undefined && from[part] !== undefined) to[part] = structuredClone(from[part]);
        else delete to[part];
      } else {
        const next = asObject(to[part]);
        to[part] = next;
        to = next;
        from = from === undefined ? undefined : (asObject(from[part]) as JsonObject | undefined);
      }
    }
  }
  if (input.etag !== undefined) result.etag = input.etag;
  return result;
}
