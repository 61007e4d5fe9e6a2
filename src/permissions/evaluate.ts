import type { ExcessPermissionsMode } from '../settings/types.ts';
import { TELL_TALES } from './catalog.ts';
import { type CheckedResource, type Requirement, resourceKey } from './required.ts';
import { type Envelope, rolesGranting } from './roles.ts';

/** One batched `testIamPermissions` call. */
export interface PermissionCheck {
  readonly resource: CheckedResource;
  readonly permissions: readonly string[];
}

/**
 * The batched checks: one per resource. Permissions needed on a service are also tested on the
 * project, so a project-level grant counts even if the service call fails to list it.
 */
export function planChecks(
  projectId: string,
  required: readonly Requirement[],
  forbidden: readonly Requirement[],
  testTellTales: boolean,
): PermissionCheck[] {
  const project: CheckedResource = { kind: 'project', name: projectId };
  const byResource = new Map<string, { resource: CheckedResource; permissions: Set<string> }>();
  const add = (resource: CheckedResource, permission: string): void => {
    const key = resourceKey(resource);
    const entry = byResource.get(key) ?? { resource, permissions: new Set<string>() };
    entry.permissions.add(permission);
    byResource.set(key, entry);
  };
  add(project, 'run.services.get');
  for (const { permission, resource } of [...required, ...forbidden]) {
    add(resource, permission);
    if (resource.kind === 'service') add(project, permission);
  }
  if (testTellTales) for (const permission of Object.keys(TELL_TALES)) add(project, permission);
  return [...byResource.values()].map(({ resource, permissions }) => ({
    resource,
    permissions: [...permissions].sort(),
  }));
}

export type FindingState = 'held' | 'missing' | 'excess' | 'forbidden';

export interface Finding {
  readonly permission: string;
  readonly resource: CheckedResource;
  readonly state: FindingState;
  /** Why the run needs it (required), or what it lets the holder do (excess, forbidden). */
  readonly reasons: readonly string[];
  /** Predefined roles granting it, narrowest first. */
  readonly roles: readonly string[];
}

export interface PreflightResult {
  /** The service account whose permissions were tested. */
  readonly identity: string;
  readonly tokenLifetimeSeconds: number;
  readonly tokenExpiresAt: string | undefined;
  readonly envelope: { readonly roles: readonly string[]; readonly unexpanded: readonly string[] };
  readonly excessMode: ExcessPermissionsMode;
  /** Every tested permission that matters: required (held or missing), excess, forbidden. */
  readonly findings: readonly Finding[];
}

export interface EvaluationInput {
  readonly identity: string;
  readonly tokenLifetimeSeconds: number;
  readonly tokenExpiresAt: string | undefined;
  readonly required: readonly Requirement[];
  readonly forbidden: readonly Requirement[];
  readonly envelope: Envelope;
  readonly excessMode: ExcessPermissionsMode;
  /** `resourceKey` → permissions the call answered as held. */
  readonly held: ReadonlyMap<string, ReadonlySet<string>>;
  readonly projectId: string;
}

/** Held on the resource itself, or (for a service) on its project. */
function isHeld(input: EvaluationInput, permission: string, resource: CheckedResource): boolean {
  if (input.held.get(resourceKey(resource))?.has(permission) === true) return true;
  return (
    resource.kind === 'service' &&
    input.held.get(resourceKey({ kind: 'project', name: input.projectId }))?.has(permission) === true
  );
}

export function evaluate(input: EvaluationInput): PreflightResult {
  const findings: Finding[] = [];
  for (const requirement of input.required) {
    findings.push({
      permission: requirement.permission,
      resource: requirement.resource,
      state: isHeld(input, requirement.permission, requirement.resource) ? 'held' : 'missing',
      reasons: requirement.reasons,
      roles: rolesGranting(requirement.permission),
    });
  }
  for (const rule of input.forbidden) {
    if (!isHeld(input, rule.permission, rule.resource)) continue;
    findings.push({ ...rule, state: 'forbidden', roles: rolesGranting(rule.permission) });
  }
  const projectKey = resourceKey({ kind: 'project', name: input.projectId });
  const envelopeKnown = input.envelope.unexpanded.length === 0;
  if (input.excessMode !== 'off' && envelopeKnown) {
    const requiredHere = new Set(
      input.required.filter((r) => r.resource.kind === 'project').map((r) => r.permission),
    );
    const forbiddenHere = new Set(findings.filter((f) => f.state === 'forbidden').map((f) => f.permission));
    for (const [permission, risk] of Object.entries(TELL_TALES)) {
      if (input.held.get(projectKey)?.has(permission) !== true) continue;
      if (
        input.envelope.permissions.has(permission) ||
        requiredHere.has(permission) ||
        forbiddenHere.has(permission)
      )
        continue;
      findings.push({
        permission,
        resource: { kind: 'project', name: input.projectId },
        state: 'excess',
        reasons: [risk],
        roles: rolesGranting(permission),
      });
    }
  }
  return {
    identity: input.identity,
    tokenLifetimeSeconds: input.tokenLifetimeSeconds,
    tokenExpiresAt: input.tokenExpiresAt,
    envelope: { roles: input.envelope.roles, unexpanded: input.envelope.unexpanded },
    excessMode: input.excessMode,
    findings,
  };
}
