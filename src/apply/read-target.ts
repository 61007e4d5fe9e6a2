import type { IamPolicy, RunService, TargetRef } from '../plan/types.ts';
import { googleFailure } from './google-failure.ts';
import type { RunApi } from './run-api.ts';

export interface TargetReads {
  readonly current: RunService | undefined;
  /** Read only when invokers are managed and the service exists. */
  readonly policy: IamPolicy | undefined;
}

/** The service as it is now, or `undefined` when it does not exist. */
export async function readService(api: RunApi, target: TargetRef): Promise<RunService | undefined> {
  return api.getService(target.name).catch((error: unknown) => {
    throw googleFailure(`reading service ${target.name}`, error);
  });
}

/** The service's IAM policy, when invokers are managed and the service exists (else nothing to read). */
export async function readInvokerPolicy(
  api: RunApi,
  target: TargetRef,
  current: RunService | undefined,
  invokersManaged: boolean,
): Promise<IamPolicy | undefined> {
  if (current === undefined || !invokersManaged) return undefined;
  return api.getIamPolicy(target.name).catch((error: unknown) => {
    throw googleFailure(`reading the IAM policy of ${target.name}`, error);
  });
}

/** What planning one target needs from Google: the service and, when managed, its IAM policy. */
export async function readTarget(
  api: RunApi,
  target: TargetRef,
  invokersManaged: boolean,
): Promise<TargetReads> {
  const current = await readService(api, target);
  return { current, policy: await readInvokerPolicy(api, target, current, invokersManaged) };
}
