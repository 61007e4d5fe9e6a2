/**
 * Waiting for a long-running operation with our own bound: gax's `op.promise()` polls forever.
 * The first poll comes early because most deploys of a small change finish in seconds.
 */
import { ActionError } from '../errors.ts';
import { isTransient } from '../google/errors.ts';
import type { RetryDeps } from '../google/retry.ts';
import type { OperationState, PendingOperation } from './run-api.ts';

export const POLL_FIRST_MS = 250;
export const POLL_FACTOR = 1.5;
export const POLL_MAX_MS = 5_000;

export type FinishedOperation = Exclude<OperationState, { readonly done: false }>;
export type WaitDeps = Pick<RetryDeps, 'sleep' | 'now' | 'log'>;

/** The finished state, or an ActionError when `timeoutMs` passes first. */
export async function waitForOperation(
  operation: PendingOperation,
  what: string,
  timeoutMs: number,
  deps: WaitDeps,
): Promise<FinishedOperation> {
  const deadline = deps.now() + timeoutMs;
  let state = operation.initial;
  let delay = POLL_FIRST_MS;
  while (!state.done) {
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
    await deps.sleep(Math.min(delay, left));
    delay = Math.min(delay * POLL_FACTOR, POLL_MAX_MS);
    try {
      state = await operation.poll();
    } catch (error) {
      if (!isTransient(error)) throw error;
      deps.log(`Polling ${what} failed transiently; polling again.`);
    }
  }
  return state;
}
