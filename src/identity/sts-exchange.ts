/**
 * One RFC 8693 token exchange at Google STS, made directly: google-auth-library's
 * `IdentityPoolClient` shares one pending exchange between callers, sends it with no timeout and
 * retries it itself, so an unanswered exchange could never be abandoned and retried.
 */
import { gaxios } from 'google-auth-library';

const TOKEN_EXCHANGE_GRANT = 'urn:ietf:params:oauth:grant-type:token-exchange';
const ACCESS_TOKEN_TYPE = 'urn:ietf:params:oauth:token-type:access_token';
const JWT_TOKEN_TYPE = 'urn:ietf:params:oauth:token-type:jwt';

export interface StsExchangeRequest {
  /** `https://sts.<universe>/v1/token` (or the override). */
  readonly tokenUrl: string;
  /** `//iam.<universe>/projects/NUMBER/locations/global/workloadIdentityPools/POOL/providers/ID`. */
  readonly audience: string;
  readonly scope: string;
  /** The GitHub OIDC token. */
  readonly subjectToken: string;
  /** Aborts the request after this long. */
  readonly timeoutMs: number;
}

export interface FederatedToken {
  readonly accessToken: string;
  /** Milliseconds since the epoch, from `expires_in`. */
  readonly expiryDate: number;
}

/**
 * Exactly one request, with its own timeout and no retries of its own (the caller's `withRetry`
 * decides). Failures are gaxios errors: the OAuth error body stays in `response.data`.
 */
export async function exchangeSubjectToken(
  request: StsExchangeRequest,
  now: () => number,
): Promise<FederatedToken> {
  const response = await gaxios.request<unknown>({
    url: request.tokenUrl,
    method: 'POST',
    // Form-encoded, like google-auth-library's own exchange.
    data: new URLSearchParams({
      grant_type: TOKEN_EXCHANGE_GRANT,
      audience: request.audience,
      scope: request.scope,
      requested_token_type: ACCESS_TOKEN_TYPE,
      subject_token: request.subjectToken,
      subject_token_type: JWT_TOKEN_TYPE,
    }),
    responseType: 'json',
    timeout: request.timeoutMs,
    retry: false,
  });
  return parseExchangeResponse(response.data, now());
}

/** The token and its expiry from STS's JSON answer; throws when either is missing. */
export function parseExchangeResponse(data: unknown, now: number): FederatedToken {
  const body = typeof data === 'object' && data !== null ? (data as Record<string, unknown>) : {};
  const token = body.access_token;
  if (typeof token !== 'string' || token === '') throw new Error('STS answered without an access token');
  const expiresIn = body.expires_in;
  if (typeof expiresIn !== 'number' || !(expiresIn > 0)) throw new Error('STS answered without expires_in');
  return { accessToken: token, expiryDate: now + expiresIn * 1000 };
}
