/**
 * Waits and requests that give way at once to a cancellation. The runner cancels a job with
 * SIGINT, then SIGTERM 7.5 s later, then kills it: a sleep or an unanswered request must not hold
 * the unwinding, so each one races the run's AbortSignal.
 */
import { ActionError, describe } from '../errors.ts';

export const CANCELLED_REMEDY = 'Re-run the workflow: it plans from what is there and converges.';

/** The run was cancelled; the message says where it stopped. */
export class CancelledError extends ActionError {
  override name = 'CancelledError';
}

/** The signal's reason as a CancelledError (the process handler aborts with one already). */
export function cancellation(signal: AbortSignal): CancelledError {
  const reason: unknown = signal.reason;
  if (reason instanceof CancelledError) return reason;
  return new CancelledError(`cancelled (${describe(reason)})`, { remedy: CANCELLED_REMEDY, cause: reason });
}

/**
 * The cancellation, saying where it found one step, e.g.
 * `cancelled by SIGINT; updating service s: the request was sent; its outcome is unknown`.
 */
export function cancelledAt(signal: AbortSignal, what: string, state: string): CancelledError {
  const reason = cancellation(signal);
  return new CancelledError(`${reason.message}; ${what}: ${state}`, {
    remedy: CANCELLED_REMEDY,
    cause: reason,
  });
}

/** Whether `error`, or anything in its `cause` chain, is a CancelledError. */
export function isCancellation(error: unknown): boolean {
  let current: unknown = error;
  for (let depth = 0; depth < 8 && current instanceof Error; depth++) {
    if (current instanceof CancelledError) return true;
    current = current.cause;
  }
  return false;
}

/** A sleep that rejects with the cancellation at once, clearing its timer, when `signal` aborts. */
export function cancellableSleep(signal: AbortSignal | undefined): (ms: number) => Promise<void> {
  return (ms) =>
    new Promise<void>((resolve, reject) => {
      if (signal?.aborted) {
        reject(cancellation(signal));
        return;
      }
      const onAbort = (): void => {
        clearTimeout(timer);
        if (signal !== undefined) reject(cancellation(signal));
      };
      const timer = setTimeout(() => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      }, ms);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
}

/**
 * `work`, unless `signal` aborts first: then rejects at once with `cancelled()`. The abandoned
 * work keeps running (a request ends with its socket) but nobody waits for it.
 */
export function untilCancelled<T>(
  work: Promise<T>,
  signal: AbortSignal | undefined,
  cancelled: (signal: AbortSignal) => Error = cancellation,
): Promise<T> {
  if (signal === undefined) return work;
  if (signal.aborted) {
    // Observed, so its later failure is not an unhandled rejection.
    work.catch(() => undefined);
    return Promise.reject(cancelled(signal));
  }
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(cancelled(signal));
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}
