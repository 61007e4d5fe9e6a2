/**
 * One classification of the errors the Google clients throw: google-gax errors (`code` is the gRPC
 * number, ErrorInfo in `reason` / `errorInfoMetadata`), gaxios errors from google-auth-library
 * (`status`, `response.data.error`, network `code` such as `ECONNRESET`), OAuth errors from STS
 * (`response.data.error` is a string) and plain `fetch` failures (`cause.code`).
 */

export type ErrorCategory =
  | 'transient'
  | 'conflict'
  | 'already-exists'
  | 'permission'
  | 'auth'
  | 'not-found'
  | 'invalid'
  | 'unknown';

export interface ClassifiedError {
  readonly category: ErrorCategory;
  readonly httpStatus: number | undefined;
  /** Canonical status name, e.g. `PERMISSION_DENIED`. */
  readonly status: string | undefined;
  readonly grpcCode: number | undefined;
  /** ErrorInfo reason, e.g. `IAM_PERMISSION_DENIED`. */
  readonly reason: string | undefined;
  /** ErrorInfo metadata, e.g. `{permission: 'run.services.create'}`. */
  readonly metadata: Readonly<Record<string, string>>;
  /** OAuth error code from STS, e.g. `invalid_grant`. */
  readonly oauthError: string | undefined;
  readonly oauthDescription: string | undefined;
  /** Network-level code, e.g. `ECONNRESET` or `TimeoutError`. */
  readonly networkCode: string | undefined;
  /** The server's message when there is one, else the error's own message. */
  readonly message: string;
}

/** Canonical codes: name → [gRPC number, HTTP status]. */
const CANONICAL: Readonly<Record<string, readonly [number, number]>> = {
  CANCELLED: [1, 499],
  UNKNOWN: [2, 500],
  INVALID_ARGUMENT: [3, 400],
  DEADLINE_EXCEEDED: [4, 504],
  NOT_FOUND: [5, 404],
  ALREADY_EXISTS: [6, 409],
  PERMISSION_DENIED: [7, 403],
  RESOURCE_EXHAUSTED: [8, 429],
  FAILED_PRECONDITION: [9, 400],
  ABORTED: [10, 409],
  OUT_OF_RANGE: [11, 400],
  UNIMPLEMENTED: [12, 501],
  INTERNAL: [13, 500],
  UNAVAILABLE: [14, 503],
  DATA_LOSS: [15, 500],
  UNAUTHENTICATED: [16, 401],
};

const STATUS_BY_GRPC: ReadonlyMap<number, string> = new Map(
  Object.entries(CANONICAL).map(([name, [grpc]]) => [grpc, name]),
);

/** Network failures worth another attempt: the request may never have reached the server. */
const TRANSIENT_NETWORK = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ECONNABORTED',
  'ETIMEDOUT',
  'EPIPE',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENETDOWN',
  'TimeoutError',
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'ERR_STREAM_PREMATURE_CLOSE',
]);

const TRANSIENT_STATUS = new Set([
  'UNAVAILABLE',
  'DEADLINE_EXCEEDED',
  'RESOURCE_EXHAUSTED',
  'INTERNAL',
  'UNKNOWN',
]);

type Bag = Readonly<Record<string, unknown>>;

function isBag(value: unknown): value is Bag {
  return typeof value === 'object' && value !== null;
}

function str(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function num(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isInteger(value) ? value : undefined;
}

/** The error and its `cause` chain (bounded, in case of cycles). */
function chain(error: unknown): Bag[] {
  const out: Bag[] = [];
  let current: unknown = error;
  while (isBag(current) && out.length < 6 && !out.includes(current)) {
    out.push(current);
    current = current.cause ?? current.error;
  }
  return out;
}

function first<T>(links: readonly Bag[], pick: (link: Bag) => T | undefined): T | undefined {
  for (const link of links) {
    const value = pick(link);
    if (value !== undefined) return value;
  }
  return undefined;
}

/** `{error: {...}}` of a Google JSON error body, or the OAuth `{error, error_description}` body. */
function responseBody(link: Bag): Bag | undefined {
  const response = link.response;
  if (!isBag(response)) return undefined;
  const data = response.data;
  if (typeof data === 'string') {
    try {
      const parsed: unknown = JSON.parse(data);
      return isBag(parsed) ? parsed : undefined;
    } catch {
      return undefined;
    }
  }
  return isBag(data) ? data : undefined;
}

function errorInfo(details: unknown): { reason: string | undefined; metadata: Record<string, string> } {
  if (!Array.isArray(details)) return { reason: undefined, metadata: {} };
  for (const detail of details) {
    if (isBag(detail) && String(detail['@type']).endsWith('google.rpc.ErrorInfo')) {
      return { reason: str(detail.reason), metadata: stringRecord(detail.metadata) };
    }
  }
  return { reason: undefined, metadata: {} };
}

function stringRecord(value: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (isBag(value)) {
    for (const [key, entry] of Object.entries(value)) if (typeof entry === 'string') out[key] = entry;
  }
  return out;
}

function httpStatusOf(link: Bag): number | undefined {
  const response = link.response;
  // gax's REST transport keeps the received status in `httpStatusCode` (its gRPC code is lossy).
  return (isBag(response) ? num(response.status) : undefined) ?? num(link.status) ?? num(link.httpStatusCode);
}

export function classifyError(error: unknown): ClassifiedError {
  const links = chain(error);
  const body = first(links, responseBody);
  const googleError = body !== undefined && isBag(body.error) ? body.error : undefined;
  const oauthError = body === undefined ? undefined : str(body.error);
  const info = errorInfo(googleError?.details);

  const httpStatus = first(links, httpStatusOf) ?? num(googleError?.code);
  // gax puts the gRPC number in `code`; gaxios and Node put strings there.
  const grpcFromError = first(links, (link) => (link.response === undefined ? num(link.code) : undefined));
  const statusName =
    str(googleError?.status) ??
    (grpcFromError === undefined ? undefined : STATUS_BY_GRPC.get(grpcFromError)) ??
    undefined;
  const grpcCode = statusName === undefined ? grpcFromError : CANONICAL[statusName]?.[0];
  const networkCode = first(links, (link) => {
    const code = str(link.code) ?? (link.name === 'TimeoutError' ? 'TimeoutError' : undefined);
    return code !== undefined && !/^\d+$/.test(code) ? code : undefined;
  });
  const gaxReason = first(links, (link) => str(link.reason));
  const gaxMetadata = first(links, (link) =>
    isBag(link.errorInfoMetadata) ? stringRecord(link.errorInfoMetadata) : undefined,
  );
  const message =
    str(googleError?.message) ??
    str(body?.error_description) ??
    (error instanceof Error ? error.message : typeof error === 'string' ? error : 'unknown error');

  return {
    category: categorize(statusName, httpStatus, networkCode),
    httpStatus,
    status: statusName,
    grpcCode,
    reason: info.reason ?? gaxReason,
    metadata: Object.keys(info.metadata).length > 0 ? info.metadata : (gaxMetadata ?? {}),
    oauthError,
    oauthDescription: body === undefined ? undefined : str(body.error_description),
    networkCode,
    message,
  };
}

function categorize(
  status: string | undefined,
  httpStatus: number | undefined,
  networkCode: string | undefined,
): ErrorCategory {
  if (status !== undefined) {
    if (TRANSIENT_STATUS.has(status)) return 'transient';
    switch (status) {
      case 'ABORTED':
        return 'conflict';
      case 'ALREADY_EXISTS':
        return 'already-exists';
      case 'PERMISSION_DENIED':
        return 'permission';
      case 'UNAUTHENTICATED':
        return 'auth';
      case 'NOT_FOUND':
        return 'not-found';
      case 'INVALID_ARGUMENT':
      case 'FAILED_PRECONDITION':
      case 'OUT_OF_RANGE':
      case 'UNIMPLEMENTED':
        return 'invalid';
    }
  }
  if (httpStatus !== undefined) {
    if (httpStatus === 408 || httpStatus === 429 || (httpStatus >= 500 && httpStatus !== 501))
      return 'transient';
    if (httpStatus === 409) return 'conflict';
    if (httpStatus === 403) return 'permission';
    if (httpStatus === 401) return 'auth';
    if (httpStatus === 404) return 'not-found';
    if (httpStatus >= 400) return 'invalid';
  }
  if (networkCode !== undefined && TRANSIENT_NETWORK.has(networkCode)) return 'transient';
  return 'unknown';
}

export function isTransient(error: unknown): boolean {
  return classifyError(error).category === 'transient';
}

/**
 * Google answered 429 or 503: it refused the request before acting on it, so even a write may be
 * repeated. A reset, a timeout or a 500 is not this: the write may have happened.
 */
export function isRefusedBeforeActing(error: unknown): boolean {
  const { httpStatus } = classifyError(error);
  return httpStatus === 429 || httpStatus === 503;
}

/**
 * The server's `Retry-After` in milliseconds (delta seconds or an HTTP date, relative to `now`),
 * from a gaxios/fetch response (`Headers`) or a plain header object.
 */
export function retryAfterMs(error: unknown, now: number): number | undefined {
  for (const link of chain(error)) {
    const response = link.response;
    if (!isBag(response)) continue;
    const value = headerValue(response.headers, 'retry-after');
    if (value === undefined) continue;
    const trimmed = value.trim();
    if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
    const date = Date.parse(trimmed);
    if (!Number.isNaN(date)) return Math.max(0, date - now);
  }
  return undefined;
}

function headerValue(headers: unknown, name: string): string | undefined {
  if (headers instanceof Headers) return headers.get(name) ?? undefined;
  if (!isBag(headers)) return undefined;
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() !== name) continue;
    if (typeof value === 'string') return value;
    if (Array.isArray(value) && typeof value[0] === 'string') return value[0];
  }
  return undefined;
}
