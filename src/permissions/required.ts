import type { Mode, Settings } from '../settings/types.ts';
import { MUTATING_RUN } from './catalog.ts';

export type ResourceKind = 'project' | 'service' | 'service-account';

/** Where a permission is tested: a project id, a full service name, or a service account email. */
export interface CheckedResource {
  readonly kind: ResourceKind;
  readonly name: string;
}

export interface Requirement {
  readonly permission: string;
  readonly resource: CheckedResource;
  /** Why this run needs it, for messages. */
  readonly reasons: readonly string[];
}

/** What this run will do to one service in one region. */
export interface TargetFacts {
  /** `projects/P/locations/REGION/services/NAME`. */
  readonly service: string;
  readonly exists: boolean;
  /** `undefined`: the project's default compute service account runs the revisions. */
  readonly runtimeServiceAccount: string | undefined;
  /** Whether the run writes the service's invoker bindings (`invokers` listed or `public`). */
  readonly managesInvokers: boolean;
  /**
   * `deploy`: a new revision; `move`: a promotion or rollback, which only updates the service's
   * traffic (Cloud Run still checks actAs on its runtime account for any update).
   */
  readonly release: 'deploy' | 'move';
  /** Whether canary health checks call the (private) service as the deployer. */
  readonly invokesAsDeployer: boolean;
}

export interface RequirementInput {
  readonly mode: Mode;
  readonly project: { readonly id: string; readonly number: string };
  readonly targets: readonly TargetFacts[];
  /** Whether the run reads revisions (to explain a failed one). */
  readonly readsRevisions: boolean;
}

/** What the reads found of a service: whether it exists, and the account its revisions run as. */
export interface FoundService {
  readonly exists: boolean;
  readonly runtimeServiceAccount: string | undefined;
}

/** The reads' findings by full service name. */
export type ServiceLookup = (service: string) => FoundService;

/** `projects/P/locations/REGION/services/NAME`, the form the Run API and IAM use. */
export function serviceResourceName(projectId: string, region: string, name: string): string {
  return `projects/${projectId}/locations/${region}/services/${name}`;
}

/**
 * The requirement input of a run: `found` tells, per full service name, whether the service is
 * already there and which account it runs as (from the `getService` calls made with the
 * preflight). An existing service keeps its runtime account when the settings name none.
 */
export function requirementInputFromSettings(
  settings: Settings,
  found: ServiceLookup,
  readsRevisions: boolean,
): RequirementInput {
  return {
    mode: settings.mode,
    project: settings.project,
    readsRevisions,
    targets: settings.targets.map(({ service, region }) => {
      const name = serviceResourceName(settings.project.id, region, service.name);
      const move = settings.release.kind !== 'deploy';
      const read = found(name);
      return {
        service: name,
        exists: read.exists,
        runtimeServiceAccount: service.runtimeServiceAccount ?? read.runtimeServiceAccount,
        managesInvokers: !move && (service.invokers !== undefined || service.public),
        release: move ? 'move' : 'deploy',
        invokesAsDeployer: !move && service.canary !== undefined && !service.public,
      };
    }),
  };
}

export function defaultComputeServiceAccount(projectNumber: string): string {
  return `${projectNumber}-compute@developer.gserviceaccount.com`;
}

export function resourceKey(resource: CheckedResource): string {
  return `${resource.kind}:${resource.name}`;
}

function serviceLabel(service: string): string {
  const parts = service.split('/');
  return `${parts[5] ?? service} in ${parts[3] ?? '?'}`;
}

/** Every permission this run needs and where, merged so each (permission, resource) appears once. */
export function requiredPermissions(input: RequirementInput): Requirement[] {
  const merged = new Map<string, { permission: string; resource: CheckedResource; reasons: string[] }>();
  const need = (permission: string, resource: CheckedResource, reason: string): void => {
    const key = `${resourceKey(resource)}|${permission}`;
    const entry = merged.get(key) ?? { permission, resource, reasons: [] };
    if (!entry.reasons.includes(reason)) entry.reasons.push(reason);
    merged.set(key, entry);
  };
  const project: CheckedResource = { kind: 'project', name: input.project.id };

  for (const target of input.targets) {
    const label = serviceLabel(target.service);
    // A service that does not exist yet has no IAM policy: its permissions must come from the project.
    const scope: CheckedResource = target.exists ? { kind: 'service', name: target.service } : project;
    if (input.mode === 'plan') {
      need('run.services.get', scope, `read ${label}`);
      if (target.exists && target.managesInvokers)
        need('run.services.getIamPolicy', scope, `read invokers of ${label}`);
      continue;
    }
    need('run.services.get', scope, `read ${label}`);
    if (target.release === 'move') {
      need('run.services.update', scope, `move the traffic of ${label}`);
      need('run.operations.get', project, `wait for the traffic change of ${label}`);
      if (input.readsRevisions) need('run.revisions.get', project, `check the revision named for ${label}`);
    } else {
      need(
        target.exists ? 'run.services.update' : 'run.services.create',
        scope,
        `${target.exists ? 'update' : 'create'} ${label}`,
      );
      need('run.operations.get', project, `wait for the deployment of ${label}`);
      if (input.readsRevisions) need('run.revisions.get', project, `read the new revision of ${label}`);
      // A canary runs only on a service that already serves (its first deploy takes the traffic).
      // With managed invokers the run itself binds the deployer (settings require it listed)
      // before the first health check; otherwise the permission must already be there.
      if (target.invokesAsDeployer && target.exists && !target.managesInvokers) {
        need('run.routes.invoke', scope, `health-check the canary of ${label} through its tag URL`);
      }
    }
    if (target.managesInvokers) {
      need('run.services.getIamPolicy', scope, `read invokers of ${label}`);
      need('run.services.setIamPolicy', scope, `set invokers of ${label}`);
    }
    const runtime = target.runtimeServiceAccount ?? defaultComputeServiceAccount(input.project.number);
    need(
      'iam.serviceAccounts.actAs',
      { kind: 'service-account', name: runtime },
      `run ${label} as ${runtime}`,
    );
  }
  return [...merged.values()];
}

/** What a read-only planning account must not hold, and where to look. */
export function forbiddenForPlanning(input: RequirementInput): Requirement[] {
  const project: CheckedResource = { kind: 'project', name: input.project.id };
  const out: Requirement[] = MUTATING_RUN.map((permission) => ({
    permission,
    resource: project,
    reasons: ['planning must not be able to change anything'],
  }));
  for (const target of input.targets) {
    if (!target.exists) continue;
    for (const permission of MUTATING_RUN) {
      if (!permission.startsWith('run.services.')) continue;
      out.push({
        permission,
        resource: { kind: 'service', name: target.service },
        reasons: [`planning must not be able to change ${serviceLabel(target.service)}`],
      });
    }
  }
  return out;
}
