/**
 * The gate between canary steps: a number of GET requests to the new revision's tag URL, which
 * passes when the share of 2xx answers reaches the required ratio. Requests go one after the
 * other, so a slow revision cannot be hidden by parallel ones.
 */
import { fetchFailure } from '../errors.ts';

export interface HealthCheckSpec {
  /** Full URL to call: the tag URL plus the health path. */
  readonly url: string;
  /** A Google ID token for a private service (`Authorization: Bearer`); none for a public one. */
  readonly idToken?: string;
  readonly requests: number;
  /** 0..1: the share of requests that must answer 2xx. */
  readonly successRatio: number;
  /** Per request. */
  readonly timeoutMs: number;
  /** Pause between requests. */
  readonly intervalMs: number;
}

export interface HealthCheckDeps {
  readonly fetch: (url: string, init: RequestInit) => Promise<Response>;
  readonly sleep: (ms: number) => Promise<void>;
}

export interface HealthCheckResult {
  readonly passed: boolean;
  readonly succeeded: number;
  readonly requests: number;
  /** Distinct reasons of failed requests (`HTTP 503`, `timed out after 5 s`, ...), in order. */
  readonly failures: readonly string[];
}

export async function healthCheck(spec: HealthCheckSpec, deps: HealthCheckDeps): Promise<HealthCheckResult> {
  const headers: Record<string, string> =
    spec.idToken === undefined ? {} : { authorization: `Bearer ${spec.idToken}` };
  let succeeded = 0;
  const failures = new Set<string>();
  for (let i = 0; i < spec.requests; i++) {
    if (i > 0) await deps.sleep(spec.intervalMs);
    const failure = await attempt(spec, headers, deps);
    if (failure === undefined) succeeded++;
    else failures.add(failure);
  }
  return {
    passed: succeeded >= Math.ceil(spec.successRatio * spec.requests),
    succeeded,
    requests: spec.requests,
    failures: [...failures],
  };
}

/** One request: `undefined` on a 2xx answer, else why it failed. */
async function attempt(
  spec: HealthCheckSpec,
  headers: Record<string, string>,
  deps: HealthCheckDeps,
): Promise<string | undefined> {
  try {
    const response = await deps.fetch(spec.url, {
      headers,
      redirect: 'manual',
      signal: AbortSignal.timeout(spec.timeoutMs),
    });
    // The body is not needed, but unread it would hold the connection.
    await response.body?.cancel();
    return response.status >= 200 && response.status < 300 ? undefined : `HTTP ${response.status}`;
  } catch (error) {
    return fetchFailure(error, spec.timeoutMs);
  }
}

/** E.g. `7 of 10 requests to URL answered 2xx (needed 9; failures: HTTP 503)`. */
export function describeHealth(spec: HealthCheckSpec, result: HealthCheckResult): string {
  const needed = Math.ceil(spec.successRatio * spec.requests);
  const failures = result.failures.length === 0 ? '' : `; failures: ${result.failures.join(', ')}`;
  return `${result.succeeded} of ${result.requests} requests to ${spec.url} answered 2xx (needed ${needed}${failures})`;
}
