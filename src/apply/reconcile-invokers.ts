/**
 * Invoker bindings by read-modify-write: read the policy with its etag, diff, write with that
 * etag. A concurrent writer makes the write fail with ABORTED; then everything is re-read and
 * re-planned, so the other writer's change survives. A service this run just created is not
 * read: its policy was never written, and the first write carries that policy's etag.
 */
import { classifyError } from '../google/errors.ts';
import { type RetryDeps, type RetryPolicy, withRetry } from '../google/retry.ts';
import { planInvokers } from '../plan/invokers.ts';
import type { IamPolicy, InvokerPlan } from '../plan/types.ts';
import { googleFailure } from './google-failure.ts';
import type { RunApi } from './run-api.ts';

/**
 * The policy of a resource nobody has written yet: no bindings, etag `ACAB` (IAM answers it and
 * accepts it back). Writing with it fails with ABORTED if anyone wrote first.
 */
export const NEVER_WRITTEN_POLICY: IamPolicy = {
  version: 1,
  bindings: [],
  etag: Buffer.from('ACAB', 'base64'),
};

export const IAM_RETRY: RetryPolicy = {
  maxAttempts: 5,
  budgetMs: 15_000,
  baseDelayMs: 500,
  maxDelayMs: 4_000,
};

/**
 * Makes `declared` the exact unconditional `roles/run.invoker` members of `resource` (a service).
 * Returns the plan that was applied.
 */
export async function reconcileInvokers(
  api: RunApi,
  resource: string,
  declared: readonly string[] | undefined,
  deps: RetryDeps,
  /** The plan made from the policy already read, used for the first attempt to save a read. */
  planned?: InvokerPlan,
): Promise<InvokerPlan> {
  if (declared === undefined) return planInvokers(undefined, undefined);
  try {
    return await withRetry(
      `Updating the invokers of ${resource}`,
      async (attempt) => {
        const plan =
          attempt === 1 && planned !== undefined
            ? planned
            : planInvokers(declared, await api.getIamPolicy(resource));
        if (plan.policy !== undefined) await api.setIamPolicy(resource, plan.policy);
        return plan;
      },
      deps,
      {
        policy: IAM_RETRY,
        write: true,
        retryable: (error) => {
          const category = classifyError(error).category;
          return category === 'conflict' || category === 'transient';
        },
      },
    );
  } catch (error) {
    throw googleFailure(`updating roles/run.invoker on ${resource}`, error);
  }
}
