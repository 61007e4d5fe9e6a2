import type { DeployTarget, Release, RunContext } from '../settings/types.ts';
import { desiredService } from './desired-service.ts';
import { planInvokers } from './invokers.ts';
import { deployRelease, releaseChanges, trafficMove } from './release.ts';
import { shortName } from './resource-names.ts';
import { serviceChanges } from './service-changes.ts';
import { dominantRevision, normalizeTraffic } from './traffic.ts';
import type { FieldChange, IamPolicy, RunService, TargetPlan, TargetRef } from './types.ts';

export interface TargetPlanInput {
  readonly projectId: string;
  readonly target: DeployTarget;
  readonly release: Release;
  /** Set exactly when the release is a deploy. */
  readonly image: string | undefined;
  readonly run: RunContext;
  /** Now, ISO 8601: the time the release record gives this run. */
  readonly at: string;
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

/** What one run does to one target: create, update, move traffic or nothing, and the invoker changes. */
export function planTarget(input: TargetPlanInput): TargetPlan {
  const target = targetRef(input.projectId, input.target);
  const previous = input.current?.latestReadyRevision;
  const previousRevision = previous ? previous : undefined;
  const invokers = planInvokers(input.target.service.invokers, input.policy);
  const { release } = input;
  if (release.kind !== 'deploy') {
    const move = trafficMove({
      release,
      serviceId: target.service,
      region: target.region,
      current: input.current,
      run: input.run,
      at: input.at,
    });
    const changes = releaseChanges(move);
    const serving = dominantRevision(move.after, previousRevision && shortName(previousRevision));
    return {
      target,
      action: changes.length > 0 ? 'traffic' : 'none',
      changes,
      desired: input.current ?? {},
      revisionName: serving ?? '',
      previousRevision,
      // A traffic move leaves the invoker bindings alone.
      invokers: planInvokers(undefined, undefined),
      release: move,
    };
  }
  if (input.image === undefined) throw new Error('a deploy plan needs an image (settings guarantee one)');
  const { service: desired, revisionName } = desiredService({
    settings: input.target.service,
    name: target.name,
    image: input.image,
    run: input.run,
    current: input.current,
  });
  const deploy = deployRelease({
    release,
    canary: input.target.service.canary,
    serviceId: target.service,
    current: input.current,
    desired,
    revisionName,
    run: input.run,
    at: input.at,
  });
  const changes = [...serviceChanges(input.current, deploy.service), ...unservedRevision(input.current)];
  const action =
    input.current === undefined
      ? 'create'
      : changes.length === 0 || alreadyReleased(input.current, changes, deploy.release)
        ? 'none'
        : 'update';
  return {
    target,
    action,
    // The canary steps follow only a deploy that makes a new revision.
    changes: action === 'none' ? changes : [...changes, ...releaseChanges(deploy.release)],
    desired: deploy.service,
    revisionName,
    previousRevision,
    invokers,
    release: action === 'none' ? { ...deploy.release, canary: undefined } : deploy.release,
  };
}

/**
 * A re-run of a no-traffic deploy of the same settings: only the traffic row differs (the new
 * revision's name), and the tag already marks the serving revision. Deploying again would make
 * an identical revision and move the tag to it.
 */
function alreadyReleased(
  current: RunService,
  changes: readonly FieldChange[],
  release: TargetPlan['release'],
): boolean {
  if (release.kind !== 'deploy' || !release.noTraffic || release.tag === undefined) return false;
  if (changes.some((change) => change.path !== 'traffic')) return false;
  const ready = current.latestReadyRevision ? shortName(current.latestReadyRevision) : undefined;
  return normalizeTraffic(current.traffic).some(
    (target) => target.tag === release.tag && target.kind === 'revision' && target.revision === ready,
  );
}

/**
 * A row when the service's newest revision is not the one serving: the rollout of the last
 * template failed, or was still going when a run was cancelled. The template then already
 * matches, yet the declared revision does not serve, so a re-run must deploy it again.
 */
function unservedRevision(current: RunService | undefined): FieldChange[] {
  const created = current?.latestCreatedRevision;
  if (!created || created === current?.latestReadyRevision) return [];
  return [{ path: 'revision', before: `${shortName(created)} (not ready)`, after: 'a new revision' }];
}
