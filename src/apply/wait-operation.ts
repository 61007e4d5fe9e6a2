/**
 * Waiting for a long-running operation with our own bound: gax's `op.promise()` polls forever.
 * Polling, not `operations.wait`: the Run client's REST transport cannot send `:wait` (the
 * `WaitOperation` method in its bundled google/longrunning proto has no HTTP rule, so the
 * client's rule for it is dropped and the call throws). Polls start early and often because
 * most deploys of a small change finish in seconds; the 2 s cap bounds how late a long deploy
 * is seen, at about 30 `operations.get` a minute.
 */
import { ActionError } from '../errors.ts';
import { cancelledAt, isCancellation, untilCancelled } from '../google/cancellation.ts';
import { classifyError, isTransient } from '../google/errors.ts';
import type { RetryDeps } from '../google/retry.ts';
import type { OperationState, PendingOperation } from './run-api.ts';

export const POLL_FIRST_MS = 100;
export const POLL_FACTOR = 1.5;
export const POLL_MAX_MS = 2_000;
/**
 * A poll that keeps failing is an outage of the poll, not a slow deploy: give up after this many
 * failures in a row, or once they have lasted this long (a poll that times out costs a whole
 * request timeout), instead of waiting out wait_timeout.
 */
export const POLL_FAILURES_IN_A_ROW = 5;
export const POLL_FAILURE_BUDGET_MS = 20_000;

export type FinishedOperation = Exclude<OperationState, { readonly done: false }>;
export type WaitDeps = Pick<RetryDeps, 'sleep' | 'now' | 'log' | 'signal'>;

/**
 * The finished state; an ActionError when `timeoutMs` passes first, when a poll fails for good,
 * or when polls keep failing (naming the last error).
 */
export async function waitForOperation(
  operation: PendingOperation,
  what: string,
  timeoutMs: number,
  deps: WaitDeps,
): Promise<FinishedOperation> {
  const deadline = deps.now() + timeoutMs;
  let state = operation.initial;
  let delay = POLL_FIRST_MS;
  // Polls are spaced from the start of the previous one (the first from now), not from
  // its answer: a poll's own round trip does not stretch the schedule.
  let lastStart = deps.now();
  let failures = 0;
  let failingSince = 0;
  // Cancelled, we stop waiting at once; the operation itself carries on at Cloud Run.
  const stopped = (signal: AbortSignal) =>
    cancelledAt(signal, `waiting for ${what}`, 'stopped waiting; Cloud Run may still finish it');
  while (!state.done) {
    if (deps.signal?.aborted) throw stopped(deps.signal);
    const left = deadline - deps.now();
    if (left <= 0) {
      throw new ActionError(
        `timed out after ${Math.round(timeoutMs / 1000)} s waiting for ${what} (operation ${operation.name})`,
        {
          remedy:
            'The deploy may still finish: check the service in the Cloud Console, then re-run; raise wait_timeout if deploys of this service are slow.',
        },
      );
    }
    const pause = Math.min(lastStart + delay - deps.now(), left);
    if (pause > 0) await untilCancelled(deps.sleep(pause), deps.signal, stopped);
    delay = Math.min(delay * POLL_FACTOR, POLL_MAX_MS);
    const started = deps.now();
    lastStart = started;
    try {
      state = await untilCancelled(operation.poll(), deps.signal, stopped);
      failures = 0;
    } catch (error) {
      if (isCancellation(error)) throw error;
      if (failures === 0) failingSince = started;
      failures++;
      const streakMs = deps.now() - failingSince;
      if (!isTransient(error) || failures >= POLL_FAILURES_IN_A_ROW || streakMs >= POLL_FAILURE_BUDGET_MS) {
        throw pollFailure(operation.name, what, failures, error);
      }
      deps.log(`Polling ${what} failed (${failures} in a row): ${lastError(error)}; polling again.`);
    }
  }
  return state;
}

function lastError(error: unknown): string {
  const info = classifyError(error);
  return info.status === undefined ? info.message : `${info.status}: ${info.message}`;
}

function pollFailure(name: string, what: string, failures: number, error: unknown): ActionError {
  const count = failures === 1 ? 'failed' : `failed ${failures} times in a row`;
  return new ActionError(
    `waiting for ${what}: polling operation ${name} ${count}, last with ${lastError(error)}`,
    {
      remedy: isTransient(error)
        ? 'The deploy may still finish without us: check the service in the Cloud Console (or `gcloud run services describe`), then re-run the workflow.'
        : 'The deployer could not read the operation: check its permissions (run.operations.get), then re-run the workflow.',
      cause: error,
    },
  );
}
