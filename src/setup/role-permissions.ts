/**
 * The permissions of the custom roles, derived from `requiredPermissions` (the same computation
 * the preflight checks against), so the role and the preflight cannot drift apart.
 */
import {
  defaultComputeServiceAccount,
  type RequirementInput,
  requiredPermissions,
  serviceResourceName,
  type TargetFacts,
} from '../permissions/required.ts';
import { predefinedRole } from '../permissions/roles.ts';
import type { Policy } from '../settings/policy.ts';
import type { Mode } from '../settings/types.ts';

const INVOKE = 'run.routes.invoke';

/** Every service of the policy in every region, as it would exist (`exists`) or not yet. */
function targets(policy: Policy, exists: boolean): TargetFacts[] {
  return policy.services.flatMap(({ settings }) =>
    settings.regions.map((region) => ({
      service: serviceResourceName(policy.projectId.value, region, settings.name),
      exists,
      runtimeServiceAccount: settings.runtimeServiceAccount,
      managesInvokers: settings.invokers !== undefined || settings.public,
      release: 'deploy' as const,
      invokesAsDeployer: settings.canary !== undefined && !settings.public,
    })),
  );
}

/**
 * Project-level permissions of `mode` over both lives of each service: its first deploy (create,
 * everything checked on the project) and later ones (update). `iam.serviceAccounts.actAs` is left
 * out: it is granted on each runtime account instead (see `runtimeAccounts`).
 */
function projectPermissions(policy: Policy, mode: Mode): Set<string> {
  const permissions = new Set<string>();
  for (const exists of [false, true]) {
    const input: RequirementInput = {
      mode,
      project: { id: policy.projectId.value, number: policy.projectNumber.value },
      targets: targets(policy, exists),
      // main.ts always reads the new revision, to explain a revision that fails.
      readsRevisions: true,
    };
    for (const requirement of requiredPermissions(input)) {
      // actAs is granted on each runtime account; invoking a private service comes from its
      // invokers (a canary's service lists the deployer), never from a project-wide role.
      if (requirement.resource.kind === 'service-account' || requirement.permission === INVOKE) continue;
      permissions.add(requirement.permission);
    }
  }
  return permissions;
}

/**
 * Whether the preflight reads roles with IAM `roles.get`: it expands the envelope
 * (`allowed_roles`) that way for roles missing from the bundled predefined facts, unless the
 * policy turns the excess check off. Without the permission the check is skipped with a warning.
 */
export function readsRoles(policy: Policy): boolean {
  if (policy.excessPermissions?.value === 'off') return false;
  return policy.allowedRoles.some((role) => predefinedRole(role) === undefined);
}

/** The deployer's custom role: exactly what deploying every service of the policy needs. */
export function deployerPermissions(policy: Policy): string[] {
  const permissions = projectPermissions(policy, 'deploy');
  if (readsRoles(policy)) permissions.add('iam.roles.get');
  return [...permissions].sort();
}

/** The planning account's custom role: reading services (and their invokers), nothing that writes. */
export function plannerPermissions(policy: Policy): string[] {
  return [...projectPermissions(policy, 'plan')].sort();
}

/** The accounts the services run as (the default compute account when none is set), sorted. */
export function runtimeAccounts(policy: Policy): string[] {
  const accounts = policy.services.map(
    ({ settings }) =>
      settings.runtimeServiceAccount ?? defaultComputeServiceAccount(policy.projectNumber.value),
  );
  return [...new Set(accounts)].sort();
}
