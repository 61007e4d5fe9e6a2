/**
 * One request for a GitHub OIDC token, with a timeout. `core.getIDToken` has none and retries
 * 502/503/504 ten times on its own, so an unanswered request hangs the step and a persistent
 * outage multiplies requests under the caller's retries.
 */
import { fetchFailure } from '../errors.ts';

/** A failed token request, shaped like the errors `classifyError` reads (`status`, `response`). */
export class GitHubTokenError extends Error {
  readonly status: number | undefined;
  readonly response: { readonly status: number; readonly headers: Headers } | undefined;
  constructor(message: string, options: { status?: number; headers?: Headers; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'GitHubTokenError';
    this.status = options.status;
    this.response =
      options.status === undefined
        ? undefined
        : { status: options.status, headers: options.headers ?? new Headers() };
  }
}

/**
 * `GET ${ACTIONS_ID_TOKEN_REQUEST_URL}&audience=…` with the request token, as `core.getIDToken`
 * does, answered by `{"value": "<jwt>"}`. Throws a `GitHubTokenError` naming the status or the
 * network failure; never retries (the caller does).
 */
export async function requestGitHubIdToken(
  audience: string,
  env: Readonly<Record<string, string | undefined>>,
  timeoutMs: number,
): Promise<string> {
  const base = env.ACTIONS_ID_TOKEN_REQUEST_URL;
  const bearer = env.ACTIONS_ID_TOKEN_REQUEST_TOKEN;
  if (!base || !bearer) throw new GitHubTokenError('ACTIONS_ID_TOKEN_REQUEST_URL/TOKEN are unset');
  const url = `${base}&audience=${encodeURIComponent(audience)}`;
  let response: Response;
  let text: string;
  try {
    response = await fetch(url, {
      headers: { authorization: `Bearer ${bearer}`, accept: 'application/json' },
      signal: AbortSignal.timeout(timeoutMs),
    });
    text = await response.text();
  } catch (error) {
    throw new GitHubTokenError(`the token request failed: ${fetchFailure(error, timeoutMs)}`, {
      cause: error,
    });
  }
  if (!response.ok) {
    throw new GitHubTokenError(
      `GitHub answered HTTP ${response.status}: ${text.slice(0, 200).replace(/\s+/g, ' ')}`,
      {
        status: response.status,
        headers: response.headers,
      },
    );
  }
  let value: unknown;
  try {
    value = (JSON.parse(text) as { value?: unknown }).value;
  } catch {
    value = undefined;
  }
  if (typeof value !== 'string' || value === '') {
    throw new GitHubTokenError('GitHub answered without a token (no "value" in the JSON body)');
  }
  return value;
}
