/**
 * The release inputs + the selected services → what the run does with traffic (`Release`) and the
 * canary it carries out for each. Collects every problem, each naming its input (or the policy line).
 */
import { ActionError } from '../errors.ts';
import { checkTag } from '../plan/traffic.ts';
import type { Inputs } from './inputs.ts';
import { fileProblem, inputProblem } from './problems.ts';
import {
  DEFAULT_CANARY,
  DEFAULT_CANARY_TAG,
  deployerNotInvoker,
  lacksDeployerInvoker,
  type RevisionRef,
} from './release-values.ts';
import type {
  CanarySettings,
  PromoteTarget,
  Release,
  RollbackTarget,
  ServiceSettings,
  SourceSpan,
} from './types.ts';

/** One selected service (in one or more regions), and what the checks need to know of it. */
export interface ReleaseTarget {
  /** As selected; `canary` is the policy's, defaults filled in. */
  readonly service: ServiceSettings;
  readonly regions: readonly string[];
  readonly project: { readonly id: string; readonly number: string };
  /** The deployer service account email. */
  readonly deployer: string;
  /** Where the policy writes the service's `invokers`, for a located error. */
  readonly invokersSpan: SourceSpan | undefined;
}

interface ResolvedRelease {
  readonly release: Release;
  /** The canary this run carries out for the service, inputs merged over the policy's. */
  readonly canary: CanarySettings | undefined;
}

export interface ResolvedReleases {
  /** One for the whole run. */
  readonly release: Release;
  /** Per target, in the order given: the canary this run carries out for its service. */
  readonly canaries: readonly (CanarySettings | undefined)[];
}

type TrafficOnly = 'promote_to' | 'rollback_to';

/** The input that makes this run move traffic only (no image, no new revision), if any. */
export function trafficOnly(inputs: Inputs): TrafficOnly | undefined {
  if (inputs.promoteTo !== undefined) return 'promote_to';
  if (inputs.rollbackTo !== undefined) return 'rollback_to';
  return undefined;
}

/** Inputs that only a deploy uses, as given. */
function deployInputs(inputs: Inputs): [string, unknown][] {
  return [
    ['image', inputs.image],
    ['traffic', inputs.traffic],
    ['tag', inputs.tag],
    ['first_deploy', inputs.firstDeploy],
    ['canary_steps', inputs.canarySteps],
    ...canaryInputs(inputs),
  ];
}

/** Inputs that only a canary uses, as given. */
function canaryInputs(inputs: Inputs): [string, unknown][] {
  return [
    ['canary_wait', inputs.canaryWaitSeconds],
    ['health_check_path', inputs.healthCheckPath],
    ['health_check_requests', inputs.healthCheckRequests],
    ['health_check_success_ratio', inputs.healthCheckSuccessRatio],
    ['health_check_timeout', inputs.healthCheckTimeoutSeconds],
  ];
}

/**
 * The release of every selected service. Each is checked on its own (its tag, its revisions, its
 * canary); a problem they share (an input that does not fit the release) is reported once.
 */
export function resolveReleases(
  inputs: Inputs,
  targets: readonly ReleaseTarget[],
  problems: ActionError[],
): ResolvedReleases | undefined {
  const found: ActionError[] = [];
  const only = trafficOnly(inputs);
  // The canary inputs have an effect as soon as one selected service runs a canary.
  const someCanary = targets.some((target) => canaryFor(inputs, target.service.canary) !== undefined);
  const resolved = targets.map((target) =>
    only === undefined ? deploy(inputs, target, someCanary, found) : moveOnly(inputs, only, target, found),
  );
  for (const problem of found) {
    if (!problems.some((seen) => seen.message === problem.message)) problems.push(problem);
  }
  const releases = resolved.flatMap((each) => (each === undefined ? [] : [each]));
  const [first, ...rest] = releases;
  if (found.length > 0 || first === undefined || releases.length < targets.length) return undefined;
  return {
    release: oneRelease(
      first.release,
      rest.map((each) => each.release),
    ),
    canaries: releases.map((each) => each.canary),
  };
}

/**
 * The run's one `Release`. Per service only the default canary tag can differ (a service without
 * a canary gets no tag); the run's then names none, and the plan gives each canary its default.
 */
function oneRelease(first: Release, rest: readonly Release[]): Release {
  if (first.kind !== 'deploy') return first;
  const same = rest.every((release) => release.kind === 'deploy' && release.tag === first.tag);
  return same ? first : { ...first, tag: undefined };
}

function moveOnly(
  inputs: Inputs,
  only: TrafficOnly,
  target: ReleaseTarget,
  problems: ActionError[],
): ResolvedRelease | undefined {
  if (inputs.promoteTo !== undefined && inputs.rollbackTo !== undefined) {
    problems.push(
      inputProblem(
        'rollback_to',
        'cannot be combined with promote_to: each decides where all traffic goes',
        'Set either promote_to or rollback_to, not both.',
      ),
    );
  }
  for (const [name, value] of deployInputs(inputs)) {
    if (value === undefined) continue;
    problems.push(
      inputProblem(
        name,
        `${only} moves traffic only; remove the ${name} input`,
        `${only} deploys no revision, so ${name} would have no effect. To deploy instead, remove ${only}.`,
      ),
    );
  }
  const to = inputs.promoteTo;
  if (to !== undefined) {
    if ('tag' in to) checkTagFor(to.tag, target.service.name, 'promote_to', problems);
    if ('revision' in to) checkRevision(to.revision, target, 'promote_to', problems);
    const promoted: PromoteTarget = 'revision' in to ? { revision: to.revision.name } : to;
    return { release: { kind: 'promote', to: promoted }, canary: undefined };
  }
  const back = inputs.rollbackTo;
  if (back === undefined) return undefined;
  if ('revision' in back) checkRevision(back.revision, target, 'rollback_to', problems);
  const rolled: RollbackTarget = 'revision' in back ? { revision: back.revision.name } : back;
  return { release: { kind: 'rollback', to: rolled }, canary: undefined };
}

function deploy(
  inputs: Inputs,
  target: ReleaseTarget,
  someCanary: boolean,
  problems: ActionError[],
): ResolvedRelease {
  const traffic = inputs.traffic ?? 'all';
  const steps = inputs.canarySteps;
  const service = target.service;
  if (traffic === 'none') {
    if (inputs.tag === undefined) {
      problems.push(
        inputProblem(
          'tag',
          'is required with traffic: none',
          // biome-ignore lint/suspicious/noTemplateCurlyInString: a GitHub expression, not a template
          'Set tag to name the URL of the revision that takes no traffic, e.g. tag: pr-${{ github.event.number }} (the URL is https://TAG---SERVICE-….run.app).',
        ),
      );
    }
    if (steps !== undefined && steps !== 'none') {
      problems.push(
        inputProblem(
          'canary_steps',
          'a canary moves traffic, but traffic: none deploys without moving any',
          'Remove canary_steps for a preview, or remove traffic: none for a canary (it starts without traffic by itself).',
        ),
      );
    }
  }
  const canary = canaryFor(inputs, service.canary);
  if (canary === undefined && !someCanary) {
    const reason =
      traffic === 'none'
        ? 'traffic: none'
        : steps === 'none'
          ? 'canary_steps: none'
          : 'the policy declares no canary for it and canary_steps is empty';
    for (const [name, value] of canaryInputs(inputs)) {
      if (value === undefined) continue;
      problems.push(
        inputProblem(
          name,
          `has no effect: no canary runs for service '${service.name}' (${reason})`,
          'Remove the input, or run a canary: set canary_steps (e.g. 5, 25, 100) or declare canary: in the policy.',
        ),
      );
    }
  } else if (
    canary !== undefined &&
    service.canary === undefined &&
    lacksDeployerInvoker(service.public, service.invokers, target.deployer)
  ) {
    // A policy canary was checked with the policy; one started by canary_steps is checked here.
    const finding = deployerNotInvoker(
      `service '${service.name}' (canary from the canary_steps input)`,
      target.deployer,
    );
    problems.push(
      target.invokersSpan === undefined
        ? inputProblem('canary_steps', finding.what, finding.remedy)
        : fileProblem({ kind: 'file', ...target.invokersSpan }, finding.what, finding.remedy),
    );
  }
  const tag = inputs.tag ?? (canary === undefined ? undefined : DEFAULT_CANARY_TAG);
  if (tag !== undefined) checkTagFor(tag, service.name, 'tag', problems);
  return {
    release: { kind: 'deploy', traffic, tag, firstDeploy: inputs.firstDeploy ?? 'fail' },
    canary,
  };
}

/** The canary the run carries out for a service whose policy declares `declared`, if any. */
function canaryFor(inputs: Inputs, declared: CanarySettings | undefined): CanarySettings | undefined {
  const noCanary = inputs.traffic === 'none' || inputs.canarySteps === 'none';
  return noCanary ? undefined : effectiveCanary(inputs, declared);
}

/** The policy's canary (or the defaults, when canary_steps starts one) with each input over its field. */
function effectiveCanary(inputs: Inputs, declared: CanarySettings | undefined): CanarySettings | undefined {
  const steps = inputs.canarySteps;
  const fromInput = steps !== undefined && steps !== 'none' ? steps : undefined;
  const base = declared ?? (fromInput === undefined ? undefined : { ...DEFAULT_CANARY, steps: fromInput });
  if (base === undefined) return undefined;
  const health = base.healthCheck;
  return Object.freeze({
    steps: Object.freeze([...(fromInput ?? base.steps)]),
    waitSeconds: inputs.canaryWaitSeconds ?? base.waitSeconds,
    healthCheck: Object.freeze({
      path: inputs.healthCheckPath ?? health.path,
      requests: inputs.healthCheckRequests ?? health.requests,
      successRatio: inputs.healthCheckSuccessRatio ?? health.successRatio,
      timeoutSeconds: inputs.healthCheckTimeoutSeconds ?? health.timeoutSeconds,
    }),
  });
}

/** Cloud Run's tag rule with the service (`TAG---SERVICE` is one DNS label), on the input that set it. */
function checkTagFor(tag: string, service: string, input: string, problems: ActionError[]): void {
  try {
    checkTag(tag, service);
  } catch (error) {
    if (!(error instanceof ActionError)) throw error;
    problems.push(inputProblem(input, error.message, error.remedy ?? ''));
  }
}

/** A revision of this service; a full name must also name this run's project, service and region. */
function checkRevision(
  ref: RevisionRef,
  target: ReleaseTarget,
  input: string,
  problems: ActionError[],
): void {
  const { service, regions, project } = target;
  const fail = (what: string, remedy: string): void => {
    problems.push(inputProblem(input, what, remedy));
  };
  const full = ref.full;
  if (full !== undefined) {
    if (full.project !== project.id && full.project !== project.number) {
      fail(
        `names a revision in project '${full.project}', but this run is for project '${project.id}'`,
        `Name a revision of project ${project.id}, or just its short name (${ref.name}).`,
      );
    }
    if (full.service !== service.name) {
      fail(
        `names a revision of service '${full.service}', but this run is for service '${service.name}'`,
        `Name a revision of ${service.name}, or select service ${full.service} with the service input.`,
      );
    }
    if (!regions.includes(full.location)) {
      fail(
        `names a revision in region '${full.location}', not a region of this run (${regions.join(', ')})`,
        'Name a revision in a region of this run, or select its region with the region input.',
      );
    } else if (regions.length > 1) {
      fail(
        `names a revision in region '${full.location}', but this run moves traffic in ${regions.join(', ')}`,
        `Set region: ${full.location} to move traffic there only (each region has its own revisions).`,
      );
    }
  }
  if (!ref.name.startsWith(`${service.name}-`)) {
    fail(
      `'${ref.name}' is not a revision of service '${service.name}' (its revisions are named ${service.name}-…)`,
      `Name a revision as listed by: gcloud run revisions list --service ${service.name}`,
    );
  }
}
