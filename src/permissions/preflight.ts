import type { AuthClient } from 'google-auth-library';
import { ActionError, describe as describeError } from '../errors.ts';
import type { Endpoints } from '../google/endpoints.ts';
import { classifyError } from '../google/errors.ts';
import { CALL_RETRY, REQUEST_TIMEOUT_MS, type RetryDeps, withRetry } from '../google/retry.ts';
import type { ExcessPermissionsMode } from '../settings/types.ts';
import { evaluate, type PermissionCheck, type PreflightResult, planChecks } from './evaluate.ts';
import { excessPermissionsError, forbiddenPermissionsError, missingPermissionsError } from './messages.ts';
import {
  type CheckedResource,
  forbiddenForPlanning,
  type RequirementInput,
  requiredPermissions,
  resourceKey,
  type ServiceLookup,
} from './required.ts';
import { expandEnvelope, predefinedRole } from './roles.ts';

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
  options: AlongsideReadsOptions,
  check: PermissionCheck,
  deps: PreflightDeps,
): Promise<Set<string>> {
  const projectId = options.projectId;
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
      { policy: CALL_RETRY },
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
  options: AlongsideReadsOptions,
  deps: PreflightDeps,
): Promise<Map<string, readonly string[]>> {
  const unknown = options.allowedRoles.filter((role) => predefinedRole(role) === undefined);
  const entries = await Promise.all(
    unknown.map(async (role): Promise<[string, readonly string[]] | undefined> => {
      try {
        // Best effort, so one attempt: its failure only skips the envelope check.
        const response = await options.authClient.request<unknown>({
          url: `${options.endpoints.iam}/v1/${role}`,
          method: 'GET',
          responseType: 'json',
          timeout: REQUEST_TIMEOUT_MS,
        });
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
export function runPreflight(options: PreflightOptions, deps: PreflightDeps): Promise<PreflightResult> {
  const found: ServiceLookup = (service) => ({
    exists: options.input.targets.some((target) => target.service === service && target.exists),
    runtimeServiceAccount: undefined,
  });
  return runPreflightAlongsideReads(
    {
      ...options,
      projectId: options.input.project.id,
      inputFor: () => options.input,
      found: Promise.resolve(found),
    },
    deps,
  );
}

export interface AlongsideReadsOptions extends Omit<PreflightOptions, 'input'> {
  readonly projectId: string;
  /** The requirement input of the run once the reads tell what each service is. */
  readonly inputFor: (found: ServiceLookup) => RequirementInput;
  /** What the `getService` reads made at the same time as the checks found. */
  readonly found: Promise<ServiceLookup>;
}

/** Before the reads answer: every service exists (or none does), its runtime account unknown. */
const ASSUMED: readonly ServiceLookup[] = [true, false].map((exists) => () => ({
  exists,
  runtimeServiceAccount: undefined,
}));

/**
 * The preflight in the same round trip as the reads: it tests what the run needs whether or not
 * each service exists (create and update on the project, update on the service), then evaluates
 * with the existence the reads found. The check of a service that turns out not to exist is not
 * needed (its permissions come from the project), so its failure (404) is ignored. A failed read
 * fails the preflight with the read's error. What the reads alone reveal (the runtime account of
 * a service the settings leave it to) is tested once they have answered: a second round, only
 * then.
 */
export async function runPreflightAlongsideReads(
  options: AlongsideReadsOptions,
  deps: PreflightDeps,
): Promise<PreflightResult> {
  const projectId = options.projectId;
  const checkEnvelope = options.excessMode !== 'off' && !options.readOnlyAccount;
  const demands = (input: RequirementInput) => ({
    required: requiredPermissions(input),
    forbidden: options.readOnlyAccount ? forbiddenForPlanning(input) : [],
  });
  const cases = ASSUMED.map((found) => demands(options.inputFor(found)));
  const speculative = planChecks(
    projectId,
    cases.flatMap((c) => c.required),
    cases.flatMap((c) => c.forbidden),
    checkEnvelope,
  );
  const tested = new Map(
    speculative.map(
      (check) => [resourceKey(check.resource), settle(testPermissions(options, check, deps))] as const,
    ),
  );
  const fetched = checkEnvelope
    ? fetchRoles(options, deps)
    : Promise.resolve(new Map<string, readonly string[]>());

  const { required, forbidden } = demands(options.inputFor(await options.found));
  const checks = planChecks(projectId, required, forbidden, checkEnvelope);
  for (const check of checks) {
    const key = resourceKey(check.resource);
    if (!tested.has(key)) tested.set(key, settle(testPermissions(options, check, deps)));
  }
  const needed = checks.map((c) => resourceKey(c.resource));
  const held = new Map<string, ReadonlySet<string>>();
  for (const [key, answer] of tested) {
    const settled = await answer;
    if (settled.ok) held.set(key, settled.value);
    else if (needed.includes(key)) throw settled.error;
  }
  return evaluate({
    identity: options.identity,
    tokenLifetimeSeconds: options.tokenLifetimeSeconds,
    tokenExpiresAt: options.tokenExpiresAt?.toISOString(),
    required,
    forbidden,
    envelope: expandEnvelope(options.allowedRoles, await fetched),
    excessMode: checkEnvelope ? options.excessMode : 'off',
    held,
    projectId,
  });
}

type Settled<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: unknown };

/** A promise that never rejects, so a check whose answer turns out not to matter cannot go unhandled. */
function settle<T>(promise: Promise<T>): Promise<Settled<T>> {
  return promise.then(
    (value) => ({ ok: true, value }),
    (error: unknown) => ({ ok: false, error }),
  );
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
