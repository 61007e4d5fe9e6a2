/** Carries out one target's plan: the service first, then (only once it serves) its invokers. */
import type { RetryDeps } from '../google/retry.ts';
import { planInvokers } from '../plan/invokers.ts';
import type { InvokerPlan, RunService, TargetPlan } from '../plan/types.ts';
import { deployService } from './deploy-service.ts';
import { NEVER_WRITTEN_POLICY, reconcileInvokers } from './reconcile-invokers.ts';
import type { RunApi } from './run-api.ts';

export interface ApplyOptions {
  /** Plan mode: validate the service write on the server, write nothing. */
  readonly validateOnly: boolean;
  readonly waitTimeoutSeconds: number;
}

export interface TargetOutcome {
  readonly plan: TargetPlan;
  /** Whether a new revision was deployed. */
  readonly deployed: boolean;
  /** The service after the deploy, when one happened. */
  readonly service: RunService | undefined;
  /** Full name of the serving revision (new or previous), when there is one. */
  readonly revision: string | undefined;
  /** The invoker change made (or, in plan mode, that would be made). */
  readonly invokers: InvokerPlan;
  /** Whether the IAM policy was written. */
  readonly invokersChanged: boolean;
}

export async function applyTarget(
  api: RunApi,
  plan: TargetPlan,
  options: ApplyOptions,
  deps: RetryDeps,
): Promise<TargetOutcome> {
  const outcome = await deployService(api, plan, options, deps);
  const declared = plan.invokers.managed ? declaredMembers(plan.invokers) : undefined;
  // Plan mode reports the plan made from what was read; a deploy writes it (re-reading only when
  // a concurrent writer got in first). A created service's policy did not exist at planning: it
  // is the never-written one, whose etag keeps a concurrent writer's change safe.
  const invokers = options.validateOnly
    ? plan.invokers
    : await reconcileInvokers(
        api,
        plan.target.name,
        declared,
        deps,
        plan.action === 'create' ? planInvokers(declared, NEVER_WRITTEN_POLICY) : plan.invokers,
      );
  return {
    plan,
    deployed: outcome.changed,
    service: outcome.service,
    revision: outcome.revision,
    invokers,
    invokersChanged: !options.validateOnly && invokers.policy !== undefined,
  };
}

/** The declared list is what the plan kept plus what it adds. */
function declaredMembers(plan: InvokerPlan): string[] {
  return [...plan.keep, ...plan.add];
}
