import { describe } from '../errors.ts';
import { cancelledAt, isCancellation, untilCancelled } from './cancellation.ts';
import { classifyError, isTransient, retryAfterMs } from './errors.ts';

/** The clock, randomness, sleep and log a retry loop uses, injected so tests are deterministic. */
export interface RetryDeps {
  readonly sleep: (ms: number) => Promise<void>;
  /** Uniform in [0, 1). */
  readonly random: () => number;
  /** Milliseconds since the epoch. */
  readonly now: () => number;
  readonly log: (message: string) => void;
  /** The run's cancellation: no attempt starts after it, and the one in flight is abandoned. */
  readonly signal?: AbortSignal;
}

export interface RetryPolicy {
  readonly maxAttempts: number;
  /** No attempt starts after this much time since the first one. */
  readonly budgetMs: number;
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  maxAttempts: 5,
  budgetMs: 60_000,
  baseDelayMs: 1_000,
  maxDelayMs: 16_000,
};

/** Per-request timeout of Google's small JSON calls: healthy, they answer in well under a second. */
export const REQUEST_TIMEOUT_MS = 10_000;

/**
 * For one-request attempts bounded by REQUEST_TIMEOUT_MS: a lost answer gets a second attempt
 * (10 s + wait < 15 s), and since no attempt starts after 15 s, a persistent failure ends within
 * about 25 s, whatever the fault (timeouts, 429 with Retry-After, 5xx, resets).
 */
export const CALL_RETRY: RetryPolicy = {
  maxAttempts: 5,
  budgetMs: 15_000,
  baseDelayMs: 1_000,
  maxDelayMs: 4_000,
};

export interface RetryOptions {
  readonly policy?: RetryPolicy;
  /** Which errors deserve another attempt; transient ones by default. 400/401/403 never are. */
  readonly retryable?: (error: unknown) => boolean;
  /** The operation changes something: cancelled in flight, its outcome is unknown (and said so). */
  readonly write?: boolean;
}

/** A bad request, bad credentials or a refusal: repeating it cannot help. */
const NEVER_RETRIED = new Set([400, 401, 403]);

/** Capped exponential backoff with full jitter: uniform in [0, min(cap, base·2^(n-1))). */
export function backoffMs(failedAttempts: number, policy: RetryPolicy, random: () => number): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (failedAttempts - 1));
  return Math.floor(random() * ceiling);
}

/**
 * Runs `operation` until it succeeds, fails with a non-retryable error, runs out of attempts, or
 * the next wait would end past the time budget; then throws the last error unchanged. A server's
 * `Retry-After` is a floor for the wait.
 */
export async function withRetry<T>(
  what: string,
  operation: (attempt: number) => Promise<T>,
  deps: RetryDeps,
  options: RetryOptions = {},
): Promise<T> {
  const policy = options.policy ?? DEFAULT_RETRY_POLICY;
  const retryable = options.retryable ?? isTransient;
  const started = deps.now();
  const { signal } = deps;
  const inFlight = options.write ? 'the request was sent; its outcome is unknown' : 'abandoned in flight';
  for (let attempt = 1; ; attempt++) {
    if (signal?.aborted) throw cancelledAt(signal, what, attempt === 1 ? 'not started' : 'not retried');
    try {
      return await untilCancelled(operation(attempt), signal, (aborted) =>
        cancelledAt(aborted, what, inFlight),
      );
    } catch (error) {
      if (isCancellation(error)) throw error;
      if (signal?.aborted) throw cancelledAt(signal, what, inFlight);
      if (NEVER_RETRIED.has(classifyError(error).httpStatus ?? 0) || !retryable(error)) throw error;
      const elapsed = deps.now() - started;
      const wait = Math.max(backoffMs(attempt, policy, deps.random), retryAfterMs(error, deps.now()) ?? 0);
      if (attempt >= policy.maxAttempts || elapsed + wait > policy.budgetMs) {
        deps.log(
          `${what} failed (attempt ${attempt}, ${seconds(elapsed)} s): ${describe(error)}; giving up (retry limit ${policy.maxAttempts} attempts / ${seconds(policy.budgetMs)} s).`,
        );
        throw error;
      }
      deps.log(`${what} failed (attempt ${attempt}): ${describe(error)}; retrying in ${seconds(wait)} s.`);
      await untilCancelled(deps.sleep(wait), signal, (aborted) =>
        cancelledAt(aborted, what, `not retried after attempt ${attempt} failed (${describe(error)})`),
      );
    }
  }
}

function seconds(ms: number): string {
  return (ms / 1000).toFixed(1);
}

/**
 * Rejects with a `TimeoutError` (classified transient) when `run` takes longer than `ms`, and with
 * a CancelledError as soon as `signal` aborts. For requests whose library offers no timeout of its
 * own (google-auth-library's STS call); the abandoned request ends with its socket.
 */
export async function withDeadline<T>(
  run: () => Promise<T>,
  ms: number,
  what: string,
  signal?: AbortSignal,
): Promise<T> {
  if (signal?.aborted) throw cancelledAt(signal, what, 'not started');
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new DOMException(`${what} got no answer within ${seconds(ms)} s`, 'TimeoutError')),
      ms,
    );
  });
  try {
    return await untilCancelled(Promise.race([run(), deadline]), signal, (aborted) =>
      cancelledAt(aborted, what, 'abandoned in flight'),
    );
  } finally {
    clearTimeout(timer);
  }
}
