import { parse } from '@marcbachmann/cel-js';
import type { ResourceInfo } from './resources.ts';

/**
 * Evaluates an IAM condition (CEL) over `resource.name/type/service` and `request.time`.
 * Anything that does not evaluate to `true` (false, error, non-boolean) grants nothing, as IAM does.
 */
export function conditionHolds(expression: string, resource: ResourceInfo, now: Date): boolean {
  try {
    const result: unknown = parse(expression)({
      resource: { name: resource.name, type: resource.type, service: resource.service },
      request: { time: now },
    });
    return result === true;
  } catch {
    return false;
  }
}

/** A CEL syntax error message, or `undefined` when the expression parses. */
export function conditionSyntaxError(expression: string): string | undefined {
  try {
    parse(expression);
    return undefined;
  } catch (error) {
    return error instanceof Error ? error.message.split('\n')[0] : String(error);
  }
}
