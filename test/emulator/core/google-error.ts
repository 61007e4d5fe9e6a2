/** Google's canonical error statuses with their HTTP and gRPC codes (see the wire notes). */
export const STATUS_CODES = {
  INVALID_ARGUMENT: { http: 400, grpc: 3 },
  FAILED_PRECONDITION: { http: 400, grpc: 9 },
  OUT_OF_RANGE: { http: 400, grpc: 11 },
  UNAUTHENTICATED: { http: 401, grpc: 16 },
  PERMISSION_DENIED: { http: 403, grpc: 7 },
  NOT_FOUND: { http: 404, grpc: 5 },
  ALREADY_EXISTS: { http: 409, grpc: 6 },
  ABORTED: { http: 409, grpc: 10 },
  RESOURCE_EXHAUSTED: { http: 429, grpc: 8 },
  CANCELLED: { http: 499, grpc: 1 },
  INTERNAL: { http: 500, grpc: 13 },
  UNKNOWN: { http: 500, grpc: 2 },
  UNIMPLEMENTED: { http: 501, grpc: 12 },
  UNAVAILABLE: { http: 503, grpc: 14 },
  DEADLINE_EXCEEDED: { http: 504, grpc: 4 },
} as const;

export type GoogleStatus = keyof typeof STATUS_CODES;

/** A Google API error; thrown by handlers, rendered by the listener in Google's JSON shape. */
export class GoogleError extends Error {
  readonly status: GoogleStatus;
  readonly details: readonly unknown[];
  readonly headers: Readonly<Record<string, string>>;

  constructor(
    status: GoogleStatus,
    message: string,
    details: readonly unknown[] = [],
    headers: Readonly<Record<string, string>> = {},
  ) {
    super(message);
    this.name = 'GoogleError';
    this.status = status;
    this.details = details;
    this.headers = headers;
  }

  get httpStatus(): number {
    return STATUS_CODES[this.status].http;
  }

  /** `{"error": {code, message, status, details?}}` as Google's JSON APIs send it. */
  toBody(): { error: Record<string, unknown> } {
    return {
      error: {
        code: this.httpStatus,
        message: this.message,
        status: this.status,
        ...(this.details.length > 0 ? { details: this.details } : {}),
      },
    };
  }
}

/** The gRPC number of a status, for long-running operation errors. */
export function grpcCode(status: GoogleStatus): number {
  return STATUS_CODES[status].grpc;
}

export function errorInfo(
  reason: string,
  domain: string,
  metadata: Readonly<Record<string, string>>,
): unknown {
  return { '@type': 'type.googleapis.com/google.rpc.ErrorInfo', reason, domain, metadata };
}

/** 403 with ErrorInfo `IAM_PERMISSION_DENIED`, as IAM-checked APIs answer. */
export function permissionDenied(
  permission: string,
  message: string,
  domain = 'iam.googleapis.com',
): GoogleError {
  return new GoogleError('PERMISSION_DENIED', message, [
    errorInfo('IAM_PERMISSION_DENIED', domain, { permission }),
  ]);
}

export function invalidArgument(message: string): GoogleError {
  return new GoogleError('INVALID_ARGUMENT', message);
}

/** The wording of a JSON body field the API does not know. */
export function unknownField(name: string, at?: string): GoogleError {
  const where = at === undefined ? '' : ` at '${at}'`;
  return invalidArgument(`Invalid JSON payload received. Unknown name "${name}"${where}: Cannot find field.`);
}

export const MISSING_CREDENTIALS =
  'Request is missing required authentication credential. Expected OAuth 2 access token, login cookie or other valid authentication credential. See https://developers.google.com/identity/sign-in/web/devconsole-project.';
export const INVALID_CREDENTIALS =
  'Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential. See https://developers.google.com/identity/sign-in/web/devconsole-project.';

/** 401 with the ErrorInfo reason Google gives (`CREDENTIALS_MISSING`, `ACCESS_TOKEN_EXPIRED`, …). */
export function unauthenticated(message: string, reason: string): GoogleError {
  return new GoogleError('UNAUTHENTICATED', message, [errorInfo(reason, 'googleapis.com', {})], {
    'www-authenticate': 'Bearer realm="https://accounts.google.com/"',
  });
}
