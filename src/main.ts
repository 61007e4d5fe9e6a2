/**
 * run(deps): the path of one run, phase by phase (settings → identity → reads and preflight →
 * plan → apply → report), with one top-level catch that turns anything thrown into setFailed.
 */
import { readFile } from 'node:fs/promises';
import * as core from '@actions/core';
import { applyTarget } from './apply/apply-target.ts';
import { readInvokerPolicy, readService, type TargetReads } from './apply/read-target.ts';
import { createRunApi, type RunApi } from './apply/run-api.ts';
import { ActionError, describe, formatPlace } from './errors.ts';
import { resolveEndpoints } from './google/endpoints.ts';
import type { RetryDeps } from './google/retry.ts';
import { checkClaims, decodeJwtPayload } from './identity/claims.ts';
import { createDeployerCredentials } from './identity/federation.ts';
import { getGitHubIdToken } from './identity/oidc.ts';
import { enforcePreflight, runPreflight } from './permissions/preflight.ts';
import { requirementInputFromSettings } from './permissions/required.ts';
import { planJson } from './plan/plan-json.ts';
import { planTarget, targetRef } from './plan/plan-target.ts';
import type { IamPolicy, Plan, RunService, TargetPlan } from './plan/types.ts';
import { writeOutputs } from './report/outputs.ts';
import { renderSummary } from './report/summary.ts';
import { emptyRecord, type RunRecord, type TargetResult } from './report/types.ts';
import { emitAnnotations } from './settings/annotate.ts';
import { isDigestPinned } from './settings/image.ts';
import { loadSettings, readPolicyFile } from './settings/load.ts';
import { readRunContext } from './settings/run-context.ts';
import type { RunContext, Settings } from './settings/types.ts';

/** Everything a run takes from the outside world, so tests can drive it. */
export interface Deps {
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly now: () => number;
  readonly sleep: (ms: number) => Promise<void>;
  readonly random: () => number;
  readonly readFile: (path: string) => Promise<string>;
  readonly readPolicyFile: (path: string) => string | Uint8Array | undefined;
  readonly getIDToken: (audience: string) => Promise<string>;
}

export function defaultDeps(): Deps {
  return {
    env: process.env,
    now: () => Date.now(),
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    random: Math.random,
    readFile: (path) => readFile(path, 'utf8'),
    readPolicyFile,
    getIDToken: (audience) => core.getIDToken(audience),
  };
}

/** Targets deployed at once; each is independent, and Cloud Run's own work dominates. */
export const TARGET_CONCURRENCY = 4;
/** Reads are cheap for the API; more at once shortens the critical path of many targets. */
const READ_CONCURRENCY = 16;

export async function run(deps: Deps = defaultDeps()): Promise<void> {
  const record = emptyRecord();
  try {
    await execute(deps, record);
  } catch (error) {
    emitAnnotations(error, (message, properties) => core.error(message, properties));
    const message = render(error);
    record.error = {
      message: error instanceof ActionError ? error.message : describe(error),
      remedy: error instanceof ActionError ? error.remedy : undefined,
    };
    core.setFailed(message);
  } finally {
    await writeSummary(record);
  }
}

/** The one place an error becomes text: message, place, remedy. */
export function render(error: unknown): string {
  if (!(error instanceof ActionError)) return `Unexpected failure: ${describe(error)}`;
  const place =
    error.place === undefined || error.message.includes(formatPlace(error.place))
      ? ''
      : ` (${formatPlace(error.place)})`;
  return `${error.message}${place}${error.remedy === undefined ? '' : `\nFix: ${error.remedy}`}`;
}

async function execute(deps: Deps, record: RunRecord): Promise<void> {
  const retry: RetryDeps = {
    sleep: deps.sleep,
    random: deps.random,
    now: deps.now,
    log: (m) => core.info(m),
  };
  const phase = timed(deps, record);
  const workspace = deps.env.GITHUB_WORKSPACE ?? process.cwd();

  const settings = await phase('Settings', async () =>
    loadSettings(deps.env, deps.readPolicyFile, workspace),
  );
  const context = readRunContext(deps.env);
  record.mode = settings.mode;
  record.policyFile = settings.policyFile;
  record.image = settings.image;
  record.imagePinned = isDigestPinned(settings.image);
  const endpoints = resolveEndpoints(settings.deployer.universeDomain, deps.env);
  const account =
    settings.mode === 'plan' && settings.deployer.planServiceAccount !== undefined
      ? settings.deployer.planServiceAccount
      : settings.deployer.serviceAccount;

  const credentials = await phase('Identity', async () => {
    const subjectToken = await getGitHubIdToken(settings.deployer.audience, {
      env: deps.env,
      readFile: deps.readFile,
      getIDToken: deps.getIDToken,
      setSecret: core.setSecret,
      retry,
    });
    const claims = decodeJwtPayload(subjectToken);
    if (settings.deployer.allow !== undefined) {
      checkClaims(claims, settings.deployer.allow, settings.policyFile ?? 'the policy');
      record.claimCheck = `passed: ${describeClaims(claims)}`;
    } else {
      record.claimCheck =
        'skipped: no `deployer.allow` rules (the provider’s attribute condition is the only gate)';
    }
    const created = await createDeployerCredentials(
      {
        provider: settings.deployer.workloadIdentityProvider,
        serviceAccount: account,
        lifetimeSeconds: settings.deployer.tokenLifetimeSeconds,
        endpoints,
        subjectToken,
        claims,
        audience: settings.deployer.audience,
        refreshSubjectToken: () => deps.getIDToken(settings.deployer.audience).then(mask),
      },
      { setSecret: core.setSecret, retry },
    );
    record.identity = {
      serviceAccount: account,
      provider: settings.deployer.workloadIdentityProvider,
      lifetimeSeconds: settings.deployer.tokenLifetimeSeconds,
    };
    return created;
  });

  const api = createRunApi(credentials.authClient, endpoints);
  try {
    const services = await phase('Read services', () => readServices(api, settings, retry));
    // The preflight and the IAM policy reads need only the services: one round trip for both.
    const [checked, policies] = await phase('Permission check', () =>
      Promise.allSettled([
        runPreflight(
          {
            authClient: credentials.authClient,
            endpoints,
            identity: account,
            tokenLifetimeSeconds: settings.deployer.tokenLifetimeSeconds,
            tokenExpiresAt: credentials.expiresAt,
            input: requirementInputFromSettings(settings, (name) => services.get(name) !== undefined, true),
            readOnlyAccount: settings.mode === 'plan' && settings.deployer.planServiceAccount !== undefined,
            allowedRoles: settings.deployer.allowedRoles,
            excessMode: settings.deployer.excessPermissions,
          },
          { retry, warn: (message) => core.warning(message) },
        ),
        readPolicies(api, settings, services, retry),
      ]),
    );
    // A missing permission explains a failed read better than the read's own 403.
    if (checked.status === 'rejected') throw checked.reason;
    record.preflight = checked.value;
    enforcePreflight(checked.value, settings.project.id, (message) => core.warning(message));
    if (policies.status === 'rejected') throw policies.reason;
    const reads = new Map(
      [...services].map(([name, current]) => [name, { current, policy: policies.value.get(name) }] as const),
    );

    const plan = makePlan(settings, context, reads);
    record.plan = plan;
    await phase(settings.mode === 'plan' ? 'Validate (no changes)' : 'Deploy', () =>
      applyAll(api, settings, plan, reads, record, retry),
    );
  } finally {
    await api.close();
  }
  writeOutputs(record, planJson(record.plan ?? { targets: [] }));
  const failed = record.results.filter((result) => result.status === 'failed');
  if (failed.length > 0) {
    const first = failed[0];
    throw new ActionError(
      failed.length === 1 && first !== undefined && first.error !== undefined
        ? first.error
        : `${failed.length} of ${record.results.length} targets failed: ${failed.map((f) => `${f.target.service} (${f.target.region})`).join(', ')}`,
      {
        remedy:
          'See the job summary for each target’s error; targets that failed still serve their previous revision.',
      },
    );
  }
}

function mask(token: string): string {
  core.setSecret(token);
  return token;
}

function describeClaims(claims: Readonly<Record<string, unknown>>): string {
  return ['repository', 'ref', 'environment', 'event_name']
    .filter((key) => typeof claims[key] === 'string')
    .map((key) => `${key}=${String(claims[key])}`)
    .join(', ');
}

async function readServices(
  api: RunApi,
  settings: Settings,
  retry: RetryDeps,
): Promise<Map<string, RunService | undefined>> {
  const entries = await mapLimit(settings.targets, READ_CONCURRENCY, async (target) => {
    const ref = targetRef(settings.project.id, target);
    return [ref.name, await readService(api, ref, retry)] as const;
  });
  return new Map(entries);
}

async function readPolicies(
  api: RunApi,
  settings: Settings,
  services: ReadonlyMap<string, RunService | undefined>,
  retry: RetryDeps,
): Promise<Map<string, IamPolicy | undefined>> {
  const entries = await mapLimit(settings.targets, READ_CONCURRENCY, async (target) => {
    const ref = targetRef(settings.project.id, target);
    const managed = target.service.invokers !== undefined || target.service.public;
    return [ref.name, await readInvokerPolicy(api, ref, services.get(ref.name), managed, retry)] as const;
  });
  return new Map(entries);
}

function makePlan(settings: Settings, context: RunContext, reads: Map<string, TargetReads>): Plan {
  return {
    targets: settings.targets.map((target) => {
      const read = reads.get(targetRef(settings.project.id, target).name);
      return planTarget({
        projectId: settings.project.id,
        target,
        image: settings.image,
        run: context,
        current: read?.current,
        policy: read?.policy,
      });
    }),
  };
}

async function applyAll(
  api: RunApi,
  settings: Settings,
  plan: Plan,
  reads: Map<string, TargetReads>,
  record: RunRecord,
  retry: RetryDeps,
): Promise<void> {
  // A read-only planning account cannot even validate a write (validateOnly needs the write's
  // permission), so its plan is the computed one; the deployer in plan mode validates on the server.
  const validateOnly = settings.mode === 'plan';
  const computedOnly = validateOnly && settings.deployer.planServiceAccount !== undefined;
  record.results = await mapLimit(plan.targets, TARGET_CONCURRENCY, async (target) => {
    const current = reads.get(target.target.name)?.current?.uri;
    const result = computedOnly
      ? planned(target)
      : await applyOne(api, target, validateOnly, settings.waitTimeoutSeconds, retry);
    return result.url === undefined && current ? { ...result, url: current } : result;
  });
}

function planned(plan: TargetPlan): TargetResult {
  const outcome = {
    plan,
    deployed: false,
    service: undefined,
    revision: plan.previousRevision,
    invokers: plan.invokers,
    invokersChanged: false,
  };
  return { target: plan.target, status: 'planned', outcome, url: undefined, error: undefined };
}

async function applyOne(
  api: RunApi,
  plan: TargetPlan,
  validateOnly: boolean,
  waitTimeoutSeconds: number,
  retry: RetryDeps,
): Promise<TargetResult> {
  try {
    const outcome = await applyTarget(api, plan, { validateOnly, waitTimeoutSeconds }, retry);
    const status = validateOnly
      ? 'planned'
      : outcome.deployed || outcome.invokersChanged
        ? 'deployed'
        : 'unchanged';
    const url = outcome.service?.uri;
    return { target: plan.target, status, outcome, url: url ? url : undefined, error: undefined };
  } catch (error) {
    core.error(render(error), { title: `${plan.target.service} (${plan.target.region})` });
    return {
      target: plan.target,
      status: 'failed',
      outcome: undefined,
      url: undefined,
      error: describe(error),
    };
  }
}

/** Runs `work` over `items`, at most `limit` at once, keeping the order of `items`. */
async function mapLimit<T, R>(
  items: readonly T[],
  limit: number,
  work: (item: T) => Promise<R>,
): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

function timed(deps: Deps, record: RunRecord) {
  return async <T>(name: string, work: () => Promise<T>): Promise<T> => {
    const started = deps.now();
    core.startGroup(name);
    try {
      return await work();
    } finally {
      const ms = deps.now() - started;
      record.timings.push({ phase: name, ms });
      core.info(`${name}: ${Math.round(ms)} ms`);
      core.endGroup();
    }
  };
}

async function writeSummary(record: RunRecord): Promise<void> {
  // core.summary reads the variable itself; outside a runner there is nowhere to write.
  if (!process.env.GITHUB_STEP_SUMMARY) return;
  try {
    await core.summary.addRaw(renderSummary(record)).write();
  } catch (error) {
    core.warning(`Could not write the job summary: ${describe(error)}`);
  }
}
