import type { AuthClient } from 'google-auth-library';
import { ActionError, describe as describeError } from '../errors.ts';
import type { Endpoints } from '../google/endpoints.ts';
import { classifyError } from '../google/errors.ts';
import { type RetryDeps, withRetry } from '../google/retry.ts';
import type { ExcessPermissionsMode } from '../settings/types.ts';
import { evaluate, type PermissionCheck, type PreflightResult, planChecks } from './evaluate.ts';
import { excessPermissionsError, forbiddenPermissionsError, missingPermissionsError } from './messages.ts';
import {
  type CheckedResource,
  forbiddenForPlanning,
  type RequirementInput,
  requiredPermissions,
  resourceKey,
} from './required.ts';
import { expandEnvelope, predefinedRole } from './roles.ts';

const REQUEST_TIMEOUT_MS = 20_000;

export interface PreflightOptions {
  /** The credentials of the account to test (the deployer, or the planning account). */
  readonly authClient: AuthClient;
  readonly endpoints: Endpoints;
  readonly identity: string;
  readonly tokenLifetimeSeconds: number;
  readonly tokenExpiresAt: Date | undefined;
  readonly input: RequirementInput;
  /** A dedicated planning account: it must hold no mutating permission. */
  readonly readOnlyAccount: boolean;
  readonly allowedRoles: readonly string[];
  readonly excessMode: ExcessPermissionsMode;
}

export interface PreflightDeps {
  readonly retry: RetryDeps;
  readonly warn: (message: string) => void;
}

/** IAM v1 resource of a service account: its own project when the email shows it. */
export function serviceAccountResource(email: string, projectId: string): string {
  const own = /@([a-z][a-z0-9-]{4,28}[a-z0-9])\.iam\.gserviceaccount\.com$/.exec(email)?.[1];
  return `projects/${own ?? projectId}/serviceAccounts/${email}`;
}

function checkUrl(endpoints: Endpoints, resource: CheckedResource, projectId: string): string {
  switch (resource.kind) {
    case 'project':
      return `${endpoints.cloudresourcemanager}/v1/projects/${resource.name}:testIamPermissions`;
    case 'service':
      return `${endpoints.run}/v2/${resource.name}:testIamPermissions`;
    case 'service-account':
      return `${endpoints.iam}/v1/${serviceAccountResource(resource.name, projectId)}:testIamPermissions`;
  }
}

function stringList(data: unknown, key: string): string[] {
  if (typeof data !== 'object' || data === null) return [];
  const value = (data as Record<string, unknown>)[key];
  return Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : [];
}

async function testPermissions(
  options: PreflightOptions,
  check: PermissionCheck,
  deps: PreflightDeps,
): Promise<Set<string>> {
  const projectId = options.input.project.id;
  const where = `${check.resource.kind} ${check.resource.name}`;
  try {
    const response = await withRetry(
      `testIamPermissions on ${where}`,
      () =>
        options.authClient.request<unknown>({
          url: checkUrl(options.endpoints, check.resource, projectId),
          method: 'POST',
          data: { permissions: check.permissions },
          responseType: 'json',
          timeout: REQUEST_TIMEOUT_MS,
        }),
      deps.retry,
    );
    return new Set(stringList(response.data, 'permissions'));
  } catch (error) {
    const classified = classifyError(error);
    if (classified.category === 'not-found' && check.resource.kind === 'service-account') {
      throw new ActionError(
        `Runtime service account ${check.resource.name} does not exist (${classified.message}).`,
        {
          cause: error,
          remedy: `Create it (\`gcloud iam service-accounts create ${check.resource.name.split('@')[0] ?? ''} --project=${projectId}\`) or fix runtime_service_account in the policy.`,
        },
      );
    }
    throw new ActionError(
      `Could not test ${options.identity}'s permissions on ${where}: ${describeError(error)}`,
      {
        cause: error,
        remedy:
          classified.category === 'transient'
            ? 'Re-run the job later; check https://status.cloud.google.com for an incident.'
            : `Check that ${where} is right and that its API is enabled in project ${projectId}.`,
      },
    );
  }
}

/** Custom (or newer predefined) roles of the envelope, read with IAM `roles.get`. */
async function fetchRoles(
  options: PreflightOptions,
  deps: PreflightDeps,
): Promise<Map<string, readonly string[]>> {
  const unknown = options.allowedRoles.filter((role) => predefinedRole(role) === undefined);
  const entries = await Promise.all(
    unknown.map(async (role): Promise<[string, readonly string[]] | undefined> => {
      try {
        const response = await withRetry(
          `reading role ${role}`,
          () =>
            options.authClient.request<unknown>({
              url: `${options.endpoints.iam}/v1/${role}`,
              method: 'GET',
              responseType: 'json',
              timeout: REQUEST_TIMEOUT_MS,
            }),
          deps.retry,
        );
        return [role, stringList(response.data, 'includedPermissions')];
      } catch (error) {
        deps.warn(
          `Could not read role ${role} to check the deployer's envelope (${classifyError(error).message}); grant the deployer iam.roles.get on it (e.g. roles/iam.roleViewer) or list only predefined roles in deployer.allowed_roles. The excess-permission check is skipped.`,
        );
        return undefined;
      }
    }),
  );
  return new Map(entries.filter((entry) => entry !== undefined));
}

/**
 * Tests, in parallel and one batched call per resource, every permission this run needs (project,
 * existing services, runtime service accounts), the tell-tales of broader roles, and, for a
 * planning account, that it cannot change anything. Returns the findings; `enforcePreflight`
 * turns them into a failure.
 */
export async function runPreflight(options: PreflightOptions, deps: PreflightDeps): Promise<PreflightResult> {
  const projectId = options.input.project.id;
  const required = requiredPermissions(options.input);
  const forbidden = options.readOnlyAccount ? forbiddenForPlanning(options.input) : [];
  const checkEnvelope = options.excessMode !== 'off' && !options.readOnlyAccount;
  const checks = planChecks(projectId, required, forbidden, checkEnvelope);
  const [results, fetched] = await Promise.all([
    Promise.all(
      checks.map(
        async (check) => [resourceKey(check.resource), await testPermissions(options, check, deps)] as const,
      ),
    ),
    checkEnvelope ? fetchRoles(options, deps) : Promise.resolve(new Map<string, readonly string[]>()),
  ]);
  return evaluate({
    identity: options.identity,
    tokenLifetimeSeconds: options.tokenLifetimeSeconds,
    tokenExpiresAt: options.tokenExpiresAt?.toISOString(),
    required,
    forbidden,
    envelope: expandEnvelope(options.allowedRoles, fetched),
    excessMode: checkEnvelope ? options.excessMode : 'off',
    held: new Map(results),
    projectId,
  });
}

/**
 * Fails on missing permissions, on a planning account that can change things, and (mode `fail`)
 * on permissions outside the envelope; mode `warn` reports those through `warn` instead.
 */
export function enforcePreflight(
  result: PreflightResult,
  projectId: string,
  warn: (message: string) => void,
): void {
  const failure = missingPermissionsError(result, projectId) ?? forbiddenPermissionsError(result, projectId);
  const excess = excessPermissionsError(result, projectId);
  // Excess is reported even when something else fails first, so one run shows both problems.
  if (excess !== undefined && (result.excessMode === 'warn' || failure !== undefined)) {
    warn(`${excess.message}\n${excess.remedy ?? ''}`);
  }
  if (failure !== undefined) throw failure;
  if (excess !== undefined && result.excessMode === 'fail') throw excess;
}
