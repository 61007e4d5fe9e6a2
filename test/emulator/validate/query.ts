import type { ApiSpec, MethodSpec } from './spec.ts';
import { scalarAccepts, typeLabel } from './values.ts';
import type { Violation } from './violations.ts';
import { invalidValue, unknownQueryParameter } from './violations.ts';

/** The parsed query, keyed by the names the method declares (snake_case forms folded in). */
export type QueryValues = ReadonlyMap<string, readonly string[]>;

/**
 * Checks query parameters: each must be a declared parameter of the method (camelCase or
 * snake_case) or a system parameter, and parse as its type. Returns the values by declared name.
 */
export function checkQuery(
  api: ApiSpec,
  method: MethodSpec,
  params: URLSearchParams,
): { violations: Violation[]; values: QueryValues } {
  const violations: Violation[] = [];
  const values = new Map<string, string[]>();
  for (const [name, raw] of params) {
    const spec = method.query.get(name) ?? api.systemParameters.get(name);
    if (spec === undefined) {
      violations.push(unknownQueryParameter(name));
      continue;
    }
    const at = spec.name
      .split('.')
      .map((part) => part.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`))
      .join('.');
    if (!scalarAccepts(spec.value, raw, true)) {
      violations.push(
        invalidValue(
          at,
          typeLabel(spec.value, (ref) => ref),
          raw,
        ),
      );
      continue;
    }
    const list = values.get(spec.name) ?? [];
    list.push(raw);
    values.set(spec.name, list);
  }
  return { violations, values };
}
