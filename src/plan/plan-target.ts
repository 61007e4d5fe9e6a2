import type { DeployTarget, RunContext } from '../settings/types.ts';
import { desiredService } from './desired-service.ts';
import { planInvokers } from './invokers.ts';
import { serviceChanges } from './service-changes.ts';
import type { IamPolicy, RunService, TargetPlan, TargetRef } from './types.ts';

export interface TargetPlanInput {
  readonly projectId: string;
  readonly target: DeployTarget;
  readonly image: string;
  readonly run: RunContext;
  /** The service as read, or `undefined` when it does not exist. */
  readonly current: RunService | undefined;
  /** The service's IAM policy as read, or `undefined` when the service does not exist. */
  readonly policy: IamPolicy | undefined;
}

export function targetRef(projectId: string, target: DeployTarget): TargetRef {
  return {
    service: target.service.name,
    region: target.region,
    name: `projects/${projectId}/locations/${target.region}/services/${target.service.name}`,
  };
}

/** What one run does to one target: create, update or nothing, and the invoker changes. */
export function planTarget(input: TargetPlanInput): TargetPlan {
  const target = targetRef(input.projectId, input.target);
  const { service: desired, revisionName } = desiredService({
    settings: input.target.service,
    name: target.name,
    image: input.image,
    run: input.run,
    current: input.current,
  });
  const changes = serviceChanges(input.current, desired);
  const previous = input.current?.latestReadyRevision;
  return {
    target,
    action: input.current === undefined ? 'create' : changes.length > 0 ? 'update' : 'none',
    changes,
    desired,
    revisionName,
    previousRevision: previous ? previous : undefined,
    invokers: planInvokers(input.target.service.invokers, input.policy),
  };
}
