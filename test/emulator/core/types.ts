import type { IncomingHttpHeaders } from 'node:http';

/** The listeners of the emulator: one per Google API host, GitHub's OIDC issuer, and control. */
export type ApiName = 'oidc' | 'sts' | 'iamcredentials' | 'iam' | 'cloudresourcemanager' | 'run' | 'control';

export const GOOGLE_APIS = ['sts', 'iamcredentials', 'iam', 'cloudresourcemanager', 'run'] as const;
export const ALL_APIS: readonly ApiName[] = ['oidc', ...GOOGLE_APIS, 'control'];

/** Who made a request, as IAM sees it. */
export type Identity =
  | { readonly kind: 'serviceAccount'; readonly email: string }
  | { readonly kind: 'user'; readonly email: string }
  | {
      readonly kind: 'federated';
      /** `projects/NUMBER/locations/global/workloadIdentityPools/POOL`. */
      readonly pool: string;
      /** `…/workloadIdentityPools/POOL/providers/PROVIDER`. */
      readonly provider: string;
      /** The mapped `google.subject`. */
      readonly subject: string;
      /** Mapped custom attributes, without the `attribute.` prefix. */
      readonly attributes: Readonly<Record<string, string>>;
    };

/** A short label for logs: the email, or the `principal://` URI of a federated identity. */
export function identityLabel(identity: Identity): string {
  if (identity.kind === 'federated') {
    return `principal://iam.googleapis.com/${identity.pool}/subject/${identity.subject}`;
  }
  return identity.email;
}

/** One incoming request, as handlers see it. */
export interface RequestContext {
  readonly api: ApiName;
  readonly method: string;
  /** Raw (still percent-encoded) path, without the query. */
  readonly path: string;
  readonly query: URLSearchParams;
  readonly headers: IncomingHttpHeaders;
  /** Path parameters from the route pattern, percent-decoded. */
  readonly params: Readonly<Record<string, string>>;
  /** Parsed JSON, or a string map for form bodies, or `undefined` when empty. */
  readonly body: unknown;
  readonly rawBody: string;
  /** Set by `core.authenticate`; shown in the request log. */
  caller: Identity | undefined;
}

/** What a handler returns. Objects are sent as JSON; strings as they are. */
export interface Reply {
  readonly status: number;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: unknown;
}

export type Handler = (ctx: RequestContext) => Reply | Promise<Reply>;

/**
 * One route: `pattern` is either a path template where `{name}` matches one path segment part
 * (no `/`; a trailing `:verb` is matched literally), or a RegExp over the raw path whose named
 * groups become params.
 */
export interface Route {
  readonly method: string;
  readonly pattern: string | RegExp;
  readonly handler: Handler;
}

export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
}

export interface ProjectInfo {
  readonly id: string;
  readonly number: string;
}
