/**
 * Carries out one target's plan. A deploy: the service first, then (only once it serves) its
 * invokers, then the canary steps when there are any. A promotion or rollback: one traffic move.
 */
import { ActionError } from '../errors.ts';
import { isTransient } from '../google/errors.ts';
import { CALL_RETRY, type RetryDeps, withRetry } from '../google/retry.ts';
import { planInvokers } from '../plan/invokers.ts';
import type { ReleasePlan } from '../plan/release.ts';
import { shortName } from '../plan/resource-names.ts';
import { describeServing } from '../plan/traffic.ts';
import type { InvokerPlan, RunService, TargetPlan } from '../plan/types.ts';
import { deployService } from './deploy-service.ts';
import { googleFailure } from './google-failure.ts';
import { NEVER_WRITTEN_POLICY, reconcileInvokers } from './reconcile-invokers.ts';
import type { RunApi } from './run-api.ts';
import { applyTraffic, type CanaryDeps, runCanary } from './traffic.ts';

export interface ApplyOptions {
  /** Plan mode: validate the service write on the server, write nothing. */
  readonly validateOnly: boolean;
  readonly waitTimeoutSeconds: number;
}

/** Pause between the requests of one health check, so a flapping revision shows. */
export const HEALTH_CHECK_INTERVAL_MS = 200;

export interface TargetOutcome {
  readonly plan: TargetPlan;
  /** Whether a new revision was deployed. */
  readonly deployed: boolean;
  /** Whether traffic moved (a promotion, rollback or canary; a plain deploy's move is `deployed`). */
  readonly trafficMoved: boolean;
  /** The service after the run, when it wrote something. */
  readonly service: RunService | undefined;
  /**
   * Full name of the revision this run deployed (serving or, for a preview, reached through its
   * tag), else of the one serving after the run.
   */
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
  deps: CanaryDeps,
): Promise<TargetOutcome> {
  const release = plan.release;
  if (release.kind !== 'deploy') return moveTraffic(api, plan, release, options, deps);
  return deployTarget(api, plan, release, options, deps);
}

async function deployTarget(
  api: RunApi,
  plan: TargetPlan,
  release: Extract<ReleasePlan, { kind: 'deploy' }>,
  options: ApplyOptions,
  deps: CanaryDeps,
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
  const base = {
    plan,
    deployed: outcome.changed,
    trafficMoved: false,
    service: outcome.service,
    revision: outcome.revision,
    invokers,
    invokersChanged: !options.validateOnly && invokers.policy !== undefined,
  };
  const canary = release.canary;
  if (canary === undefined || outcome.service === undefined || options.validateOnly) return base;
  const health = canary.settings.healthCheck;
  const service = await runCanary(
    api,
    {
      service: outcome.service,
      revision: plan.revisionName,
      tag: release.tag ?? 'canary',
      steps: canary.settings.steps,
      waitSeconds: canary.settings.waitSeconds,
      check: {
        path: health.path,
        requests: health.requests,
        successRatio: health.successRatio,
        timeoutMs: health.timeoutSeconds * 1000,
        intervalMs: HEALTH_CHECK_INTERVAL_MS,
      },
      waitTimeoutSeconds: options.waitTimeoutSeconds,
      annotations: canary.annotations,
    },
    deps,
  );
  return { ...base, trafficMoved: true, service };
}

async function moveTraffic(
  api: RunApi,
  plan: TargetPlan,
  release: Exclude<ReleasePlan, { kind: 'deploy' }>,
  options: ApplyOptions,
  deps: RetryDeps,
): Promise<TargetOutcome> {
  const revision = `${plan.target.name}/revisions/${plan.revisionName}`;
  if (release.namedRevision !== undefined) {
    await checkRevision(api, plan, release.namedRevision, release.kind, deps);
  }
  const unchanged: TargetOutcome = {
    plan,
    deployed: false,
    trafficMoved: false,
    service: undefined,
    revision,
    invokers: plan.invokers,
    invokersChanged: false,
  };
  if (plan.action === 'none') return unchanged;
  const moved = await applyTraffic(
    api,
    plan.desired,
    { traffic: release.after, annotations: release.annotations },
    options,
    deps,
  );
  if (options.validateOnly) return unchanged;
  deps.log(`${shortName(plan.target.name)} (${plan.target.region}): ${describeServing(moved.service)}.`);
  return { ...unchanged, trafficMoved: moved.changed, service: moved.service };
}

/** A revision named by the user must exist (in this service) before traffic goes to it. */
async function checkRevision(
  api: RunApi,
  plan: TargetPlan,
  name: string,
  kind: 'promote' | 'rollback',
  deps: RetryDeps,
): Promise<void> {
  const full = `${plan.target.name}/revisions/${name}`;
  const what = `reading revision ${full}`;
  let found: Awaited<ReturnType<RunApi['getRevision']>>;
  try {
    found = await withRetry(what, () => api.getRevision(full), deps, {
      policy: CALL_RETRY,
      retryable: isTransient,
    });
  } catch (error) {
    throw googleFailure(what, error);
  }
  if (found === undefined) {
    throw new ActionError(
      `revision '${name}' does not exist in service ${plan.target.service} (${plan.target.region})`,
      {
        remedy: `Name a revision of this service: gcloud run revisions list --service=${plan.target.service} --region=${plan.target.region}.`,
        place: { kind: 'input', name: kind === 'rollback' ? 'rollback_to' : 'promote_to' },
      },
    );
  }
}

/** The declared list is what the plan kept plus what it adds. */
function declaredMembers(plan: InvokerPlan): string[] {
  return [...plan.keep, ...plan.add];
}
