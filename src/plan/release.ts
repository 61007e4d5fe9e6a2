/**
 * The traffic side of a plan: where a deploy leaves traffic (all to the new revision, none with a
 * tag, or none and then canary steps), where a promotion or rollback moves it, and the release
 * record written with it. Pure: settings + the service as read → traffic, rows, annotations.
 */

import { ActionError } from '../errors.ts';
import type { CanarySettings, Release, RunContext } from '../settings/types.ts';
import { shortName } from './resource-names.ts';
import {
  canaryPlan,
  checkTag,
  describeTraffic,
  dominantRevision,
  normalizeTraffic,
  noTrafficDeploy,
  promote,
  rollback,
  sameTraffic,
  type Traffic,
  type TrafficTarget,
  toRunTraffic,
  trafficChanges,
} from './traffic.ts';
import {
  deployedByRun,
  type ReleaseAction,
  type ReleaseRecord,
  type RunId,
  readReleaseRecord,
  withReleaseRecord,
} from './traffic-record.ts';
import type { FieldChange, RunService } from './types.ts';

/** The canary a deploy runs after its no-traffic deploy. */
export interface CanaryPlan {
  readonly settings: CanarySettings;
  /** The split of each step, computed before the first write. */
  readonly splits: readonly Traffic[];
  /** Annotations written with the last step: the record naming the canary as released. */
  readonly annotations: Readonly<Record<string, string>>;
}

export type ReleasePlan =
  | {
      readonly kind: 'deploy';
      /** The tag the new revision carries, when any (its URL is the `tag_url` output). */
      readonly tag: string | undefined;
      /** Whether the new revision takes no traffic with the deploy itself (preview or canary). */
      readonly noTraffic: boolean;
      readonly canary: CanaryPlan | undefined;
    }
  | {
      readonly kind: 'promote' | 'rollback';
      readonly before: Traffic;
      readonly after: Traffic;
      /** All annotations after the move (the record updated). */
      readonly annotations: Readonly<Record<string, string>>;
      /** A revision named by the user, which must exist before traffic is sent to it. */
      readonly namedRevision: string | undefined;
    };

export interface DeployTrafficInput {
  readonly release: Extract<Release, { kind: 'deploy' }>;
  readonly canary: CanarySettings | undefined;
  readonly serviceId: string;
  readonly current: RunService | undefined;
  /** The Service the deploy would send, traffic as a plain deploy sets it. */
  readonly desired: RunService;
  readonly revisionName: string;
  readonly run: RunContext;
  /** ISO 8601, for the record. */
  readonly at: string;
}

/** The deploy's Service with its traffic and release record, and what traffic does after it. */
export function deployRelease(input: DeployTrafficInput): {
  service: RunService;
  release: Extract<ReleasePlan, { kind: 'deploy' }>;
} {
  const { release, current, serviceId, revisionName } = input;
  const record = readReleaseRecord(current);
  const run = runId(input.run);
  const deployed = { revision: revisionName, run, sha: input.run.sha, at: input.at };
  const latestReady = current?.latestReadyRevision ? shortName(current.latestReadyRevision) : undefined;
  const before = normalizeTraffic(current?.traffic);
  const canRelease = latestReady !== undefined;
  const wantsCanary = input.canary !== undefined && release.traffic === 'all';
  // With no serving revision yet (a first deploy that `first_deploy: serve` allows), the new
  // revision takes all traffic whatever was asked.
  const noTraffic = (release.traffic === 'none' || wantsCanary) && canRelease;
  const tag = release.tag;

  // A plain deploy keeps the traffic the desired Service has (all to LATEST, tags pinned).
  let traffic: Traffic | undefined;
  if (release.traffic === 'none' || wantsCanary) {
    // A canary starts as a no-traffic deploy; on a first deploy, `first_deploy` decides.
    traffic = noTrafficDeploy(current, serviceId, revisionName, tag ?? 'canary', release.firstDeploy);
  } else if (tag !== undefined) {
    checkTag(tag, serviceId);
    traffic = withTag(normalizeTraffic(input.desired.traffic), revisionName, tag);
  }
  const released = noTraffic
    ? record.released
    : releasedEntry('deploy', revisionName, dominantRevision(before, latestReady), run, input.at);
  const service: RunService = {
    ...input.desired,
    annotations: withReleaseRecord(input.desired.annotations, { ...record, deployed, released }),
    ...(traffic === undefined ? {} : { traffic: toRunTraffic(traffic) }),
  };
  const canary =
    wantsCanary && canRelease && input.canary !== undefined && traffic !== undefined
      ? {
          settings: input.canary,
          splits: canaryPlan(traffic, revisionName, input.canary.steps),
          annotations: withReleaseRecord(service.annotations, {
            ...record,
            deployed,
            released: releasedEntry(
              'canary',
              revisionName,
              dominantRevision(before, latestReady),
              run,
              input.at,
            ),
          }),
        }
      : undefined;
  return {
    service,
    // A canary's revision carries the `canary` tag unless another was given, even on a first
    // deploy that serves at once.
    release: { kind: 'deploy', tag: tag ?? (wantsCanary ? 'canary' : undefined), noTraffic, canary },
  };
}

export interface TrafficMoveInput {
  readonly release: Exclude<Release, { kind: 'deploy' }>;
  readonly serviceId: string;
  readonly region: string;
  /** The service as read; a move needs one. */
  readonly current: RunService | undefined;
  readonly run: RunContext;
  readonly at: string;
}

/** A promotion or rollback: the split before and after, and the record that says so. */
export function trafficMove(input: TrafficMoveInput): Extract<ReleasePlan, { kind: 'promote' | 'rollback' }> {
  const { release, current, serviceId } = input;
  const place = { kind: 'input', name: release.kind === 'promote' ? 'promote_to' : 'rollback_to' } as const;
  if (current === undefined) {
    throw new ActionError(
      `service '${serviceId}' does not exist in ${input.region}, so there is no traffic to ${release.kind === 'promote' ? 'promote' : 'roll back'}`,
      {
        remedy:
          'Deploy the service first, or select the service and region that exist (service, region inputs).',
        place,
      },
    );
  }
  const record = readReleaseRecord(current);
  const latestReady = current.latestReadyRevision ? shortName(current.latestReadyRevision) : undefined;
  const before = normalizeTraffic(current.traffic);
  let after: Traffic;
  let namedRevision: string | undefined;
  if (release.kind === 'promote') {
    const to = release.to;
    if ('deployed' in to) {
      namedRevision = deployedByRun(record, runId(input.run), serviceId);
      after = promote(before, { revision: namedRevision });
    } else {
      if ('revision' in to) namedRevision = shortName(to.revision);
      after = promote(before, 'tag' in to ? { tag: to.tag } : { revision: shortName(to.revision) });
    }
  } else if ('revision' in release.to) {
    namedRevision = shortName(release.to.revision);
    after = rollback(before, { revision: namedRevision });
  } else {
    after = rollback(before, { previous: record.released?.previous });
  }
  const target = dominantRevision(after, latestReady);
  const moved = !sameTraffic(before, after);
  const annotations =
    moved && target !== undefined
      ? withReleaseRecord(current.annotations, {
          ...record,
          released: releasedEntry(
            release.kind,
            target,
            dominantRevision(before, latestReady),
            runId(input.run),
            input.at,
          ),
        })
      : { ...current.annotations };
  return { kind: release.kind, before, after, annotations, namedRevision };
}

/** Plan rows: the traffic move, or each canary step's split. */
export function releaseChanges(release: ReleasePlan): FieldChange[] {
  if (release.kind !== 'deploy') return trafficChanges(release.before, release.after);
  if (release.canary === undefined) return [];
  const steps = release.canary.settings.steps;
  return release.canary.splits.map((split, index) => ({
    path: `canary.step${index + 1}`,
    before: undefined,
    after: `${steps[index] ?? '?'}%: ${describeTraffic(split)}`,
  }));
}

/** `tag` moved onto the new revision (at 0%: LATEST already sends it everything). */
function withTag(traffic: Traffic, revision: string, tag: string | undefined): Traffic {
  if (tag === undefined) return traffic;
  const others = traffic.map((target): TrafficTarget => {
    if (target.tag !== tag) return target;
    const { tag: _moved, ...rest } = target;
    return rest;
  });
  return [
    ...others.filter((target) => target.tag !== undefined || target.percent > 0),
    { kind: 'revision', revision, percent: 0, tag },
  ];
}

function releasedEntry(
  action: ReleaseAction,
  revision: string,
  previous: string | undefined,
  run: RunId,
  at: string,
): NonNullable<ReleaseRecord['released']> {
  return { action, revision, previous, run, at };
}

function runId(run: RunContext): RunId {
  return { repository: run.repository, runId: run.runId, runAttempt: run.runAttempt };
}
