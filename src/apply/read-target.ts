import type { IamPolicy, RunService, TargetRef } from '../plan/types.ts';
import { googleFailure } from './google-failure.ts';
import type { RunApi } from './run-api.ts';

export interface TargetReads {
  readonly current: RunService | undefined;
  /** Read only when invokers are managed and the service exists. */
  readonly policy: IamPolicy | undefined;
}

/** What planning one target needs from Google: the service and, when managed, its IAM policy. */
export async function readTarget(
  api: RunApi,
  target: TargetRef,
  invokersManaged: boolean,
): Promise<TargetReads> {
  const current = await api.getService(target.name).catch((error: unknown) => {
    throw googleFailure(`reading service ${target.name}`, error);
  });
  if (current === undefined || !invokersManaged) return { current, policy: undefined };
  const policy = await api.getIamPolicy(target.name).catch((error: unknown) => {
    throw googleFailure(`reading the IAM policy of ${target.name}`, error);
  });
  return { current, policy };
}
