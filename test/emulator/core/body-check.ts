import { isObject } from './body.ts';
import { invalidArgument, unknownField } from './google-error.ts';

export type FieldType = 'string' | 'string[]' | 'boolean' | 'int' | 'object';

/**
 * Checks a JSON request body against the fields a method accepts, with Google's wording for
 * unknown names and wrong types. Returns the body as a record (empty for no body).
 */
export function checkBody(
  body: unknown,
  fields: Readonly<Record<string, FieldType>>,
  at = '',
): Record<string, unknown> {
  if (body === undefined) return {};
  if (!isObject(body))
    throw invalidArgument(
      `Invalid JSON payload received. Expected an object${at === '' ? '' : ` at '${at}'`}.`,
    );
  for (const [name, value] of Object.entries(body)) {
    const type = fields[name];
    if (type === undefined) throw unknownField(name, at === '' ? undefined : at);
    const path = at === '' ? name : `${at}.${name}`;
    if (value === null) continue;
    if (!matches(value, type))
      throw invalidArgument(`Invalid value at '${path}' (${protoType(type)}), ${JSON.stringify(value)}`);
  }
  return body;
}

function matches(value: unknown, type: FieldType): boolean {
  switch (type) {
    case 'string':
      return typeof value === 'string';
    case 'string[]':
      return Array.isArray(value) && value.every((item) => typeof item === 'string');
    case 'boolean':
      return typeof value === 'boolean';
    case 'int':
      return (
        (typeof value === 'number' && Number.isInteger(value)) ||
        (typeof value === 'string' && /^-?\d+$/.test(value))
      );
    case 'object':
      return isObject(value);
  }
}

function protoType(type: FieldType): string {
  switch (type) {
    case 'string':
    case 'string[]':
      return 'TYPE_STRING';
    case 'boolean':
      return 'TYPE_BOOL';
    case 'int':
      return 'TYPE_INT32';
    case 'object':
      return 'TYPE_MESSAGE';
  }
}
