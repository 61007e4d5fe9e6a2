import { CALL_RETRY, type RetryDeps, withRetry } from '../google/retry.ts';
import type { IamPolicy, RunService, TargetRef } from '../plan/types.ts';
import { googleFailure } from './google-failure.ts';
import type { RunApi } from './run-api.ts';

export interface TargetReads {
  readonly current: RunService | undefined;
  /** Read only when invokers are managed and the service exists. */
  readonly policy: IamPolicy | undefined;
}

/** A read is always safe to repeat: transient failures (429, 5xx, resets, timeouts) are retried. */
async function read<T>(what: string, call: () => Promise<T>, deps: RetryDeps): Promise<T> {
  try {
    return await withRetry(what, call, deps, { policy: CALL_RETRY });
  } catch (error) {
    throw googleFailure(what, error);
  }
}

/** The service as it is now, or `undefined` when it does not exist. */
export function readService(
  api: RunApi,
  target: TargetRef,
  deps: RetryDeps,
): Promise<RunService | undefined> {
  return read(`reading service ${target.name}`, () => api.getService(target.name), deps);
}

/** The service's IAM policy, when invokers are managed and the service exists (else nothing to read). */
export async function readInvokerPolicy(
  api: RunApi,
  target: TargetRef,
  current: RunService | undefined,
  invokersManaged: boolean,
  deps: RetryDeps,
): Promise<IamPolicy | undefined> {
  if (current === undefined || !invokersManaged) return undefined;
  return read(`reading the IAM policy of ${target.name}`, () => api.getIamPolicy(target.name), deps);
}

/**
 * The service's IAM policy, read at the same time as the service itself, before it is known to
 * exist: a missing service fails the read (404), which the caller then ignores.
 */
export function readPolicyAlongside(api: RunApi, target: TargetRef, deps: RetryDeps): Promise<IamPolicy> {
  return read(`reading the IAM policy of ${target.name}`, () => api.getIamPolicy(target.name), deps);
}

/** What planning one target needs from Google: the service and, when managed, its IAM policy. */
export async function readTarget(
  api: RunApi,
  target: TargetRef,
  invokersManaged: boolean,
  deps: RetryDeps,
): Promise<TargetReads> {
  const current = await readService(api, target, deps);
  return { current, policy: await readInvokerPolicy(api, target, current, invokersManaged, deps) };
}
