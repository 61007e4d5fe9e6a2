/** Where a problem is: an action input, or a place in a file (1-based line and column). */
export type ErrorPlace =
  | { readonly kind: 'input'; readonly name: string }
  | {
      readonly kind: 'file';
      readonly file: string;
      readonly line: number;
      readonly column: number;
      readonly endLine?: number;
      readonly endColumn?: number;
    };

export interface ActionErrorOptions {
  /** What the user should do about it; rendered once, after the message. */
  readonly remedy?: string;
  readonly place?: ErrorPlace;
  readonly cause?: unknown;
}

/**
 * The one error type of the action. Each layer adds context with `withContext`; `main.ts`
 * renders it once (message, place, remedy) and turns it into `core.setFailed`.
 */
export class ActionError extends Error {
  readonly remedy: string | undefined;
  readonly place: ErrorPlace | undefined;

  constructor(message: string, options: ActionErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'ActionError';
    this.remedy = options.remedy;
    this.place = options.place;
  }
}

/** Prefix a layer's context onto any thrown value, keeping remedy and place. */
export function withContext(context: string, error: unknown): ActionError {
  if (error instanceof ActionError) {
    return new ActionError(`${context}: ${error.message}`, {
      ...(error.remedy === undefined ? {} : { remedy: error.remedy }),
      ...(error.place === undefined ? {} : { place: error.place }),
      cause: error,
    });
  }
  return new ActionError(`${context}: ${describe(error)}`, { cause: error });
}

/** A readable one-line description of any thrown value (not only Error instances). */
export function describe(error: unknown): string {
  if (error instanceof Error) return error.message;
  if (typeof error === 'string') return error;
  try {
    return JSON.stringify(error) ?? String(error);
  } catch {
    return String(error);
  }
}

/** `file:line:col` or `input 'name'`, for messages. */
export function formatPlace(place: ErrorPlace): string {
  return place.kind === 'input' ? `input '${place.name}'` : `${place.file}:${place.line}:${place.column}`;
}
/** The one place an error becomes text: message, place, remedy. */
export function render(error: unknown): string {
  if (!(error instanceof ActionError)) return `Unexpected failure: ${describe(error)}`;
  const place =
    error.place === undefined || error.message.includes(formatPlace(error.place))
      ? ''
      : ` (${formatPlace(error.place)})`;
  return `${error.message}${place}${error.remedy === undefined ? '' : `\nFix: ${error.remedy}`}`;
}

/**
 * What a failed `fetch` ran into: its timeout, or the network code and message of its cause
 * (undici itself says only "fetch failed").
 */
export function fetchFailure(error: unknown, timeoutMs: number): string {
  if (error instanceof DOMException && error.name === 'TimeoutError')
    return `no answer within ${(timeoutMs / 1000).toFixed(1)} s`;
  const cause = error instanceof Error ? error.cause : undefined;
  if (cause instanceof Error) {
    const code = 'code' in cause && typeof cause.code === 'string' ? `${cause.code}: ` : '';
    return `network failure before an answer (${code}${cause.message})`;
  }
  return `network failure before an answer (${describe(error)})`;
}
