import { GoogleError } from '../core/google-error.ts';

/** One problem found in a request, worded as Google's front end words it. */
export interface Violation {
  /** Where (proto path, e.g. `service.template.containers[0]`); absent at the root. */
  readonly field?: string;
  readonly description: string;
}

const PREFIX = 'Invalid JSON payload received.';

export function unknownField(name: string, at: string): Violation {
  return at === ''
    ? { description: `${PREFIX} Unknown name ${JSON.stringify(name)}: Cannot find field.` }
    : {
        field: at,
        description: `${PREFIX} Unknown name ${JSON.stringify(name)} at '${at}': Cannot find field.`,
      };
}

export function rootNotMessage(): Violation {
  return { description: `${PREFIX} Root element must be a message.` };
}

export function unknownQueryParameter(name: string): Violation {
  return {
    description: `${PREFIX} Unknown name ${JSON.stringify(name)}: Cannot bind query parameter. Field '${name}' could not be found in request message.`,
  };
}

export function notRepeating(name: string, at: string): Violation {
  const where = at === '' ? '' : ` at '${at}'`;
  return {
    ...(at === '' ? {} : { field: at }),
    description: `${PREFIX} Unknown name ${JSON.stringify(name)}${where}: Proto field is not repeating, cannot start list.`,
  };
}

export function objectOnScalar(protoName: string, at: string): Violation {
  return at === ''
    ? { field: protoName, description: `Invalid value (${protoName}), Starting an object on a scalar field` }
    : {
        field: at,
        description: `Invalid value at '${at}' (${protoName}), Starting an object on a scalar field`,
      };
}

/** `Invalid value at 'a.b' (TYPE_INT32), "x"`: the value is shown as JSON. */
export function invalidValue(at: string, typeLabel: string, value: unknown): Violation {
  return { field: at, description: `Invalid value at '${at}' (${typeLabel}), ${JSON.stringify(value)}` };
}

export function invalidArgument(violations: readonly Violation[]): GoogleError {
  return new GoogleError('INVALID_ARGUMENT', violations.map((v) => v.description).join('\n'), [
    {
      '@type': 'type.googleapis.com/google.rpc.BadRequest',
      fieldViolations: violations.map((v) =>
        v.field === undefined
          ? { description: v.description }
          : { field: v.field, description: v.description },
      ),
    },
  ]);
}

/** Google's answer to a URL no method is bound to. */
export function noSuchRoute(httpMethod: string, path: string): GoogleError {
  return new GoogleError(
    'NOT_FOUND',
    `The requested URL ${path} was not found on this server (no ${httpMethod} method is bound to it).`,
  );
}
