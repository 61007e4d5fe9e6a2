/**
 * run(deps): the path of one run, phase by phase (settings → identity → reads and preflight →
 * plan → apply → report), with one top-level catch that turns anything thrown into setFailed.
 * The Google client libraries are most of the bundle: they are imported while the identity
 * requests are in flight, not before the first request.
 */
import { readFile } from 'node:fs/promises';
import * as core from '@actions/core';
import type { TargetReads } from './apply/read-target.ts';
import type { RunApi } from './apply/run-api.ts';
import type { CanaryDeps } from './apply/traffic.ts';
import { cancelledRun } from './cancellation.ts';
import { ActionError, describe, render } from './errors.ts';
import { cancellableSleep } from './google/cancellation.ts';
import { resolveEndpoints } from './google/endpoints.ts';
import { REQUEST_TIMEOUT_MS, type RetryDeps } from './google/retry.ts';
import { checkClaims, decodeJwtPayload } from './identity/claims.ts';
import { requestGitHubIdToken } from './identity/github-token-request.ts';
import { getGitHubIdToken } from './identity/oidc.ts';
import { enforcePreflight, runPreflightAlongsideReads } from './permissions/preflight.ts';
import { requirementInputFromSettings, serviceResourceName } from './permissions/required.ts';
import { planJson } from './plan/plan-json.ts';
import type { IamPolicy, Plan, RunService, TargetPlan } from './plan/types.ts';
import { writeOutputs } from './report/outputs.ts';
import { commentOnPullRequest } from './report/pr-comment-step.ts';
import { type ServingFacts, servingFacts } from './report/serving.ts';
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
  /** For canary health checks of a new revision's tag URL. */
  readonly fetch: (url: string, init: RequestInit) => Promise<Response>;
  /** Aborts when the runner cancels the job: every sleep and request attempt gives way at once. */
  readonly signal: AbortSignal;
}

export function defaultDeps(signal: AbortSignal = new AbortController().signal): Deps {
  return {
    env: process.env,
    now: () => Date.now(),
    sleep: cancellableSleep(signal),
    signal,
    random: Math.random,
    readFile: (path) => readFile(path, 'utf8'),
    readPolicyFile,
    getIDToken: (audience) => requestGitHubIdToken(audience, process.env, REQUEST_TIMEOUT_MS),
    // A health check in flight gives way to a cancellation like every other request.
    fetch: (url, init) =>
      fetch(url, { ...init, signal: init.signal ? AbortSignal.any([init.signal, signal]) : signal }),
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
    // Finished before the signal took effect: still a cancelled step; the report says all was done.
    deps.signal.throwIfAborted();
  } catch (caught) {
    // Cancelled: one error saying what each target was left in replaces the per-target failures.
    const error = deps.signal.aborted
      ? cancelledRun(deps.signal.reason, record.plan?.targets, record.results)
      : caught;
    emitAnnotations(error, (message, properties) => core.error(message, properties));
    const message = render(error);
    record.error = {
      message: error instanceof ActionError ? error.message : describe(error),
      remedy: error instanceof ActionError ? error.remedy : undefined,
    };
    core.setFailed(message);
  } finally {
    await writeSummary(record);
    // A cancelled job gets no new network work; the summary has the report.
    if (!deps.signal.aborted) await commentOnPullRequest(record, deps.env, deps.readFile);
  }
}

async function execute(deps: Deps, record: RunRecord): Promise<void> {
  const retry: RetryDeps = {
    sleep: deps.sleep,
    random: deps.random,
    now: deps.now,
    log: (m) => core.info(m),
    signal: deps.signal,
  };
  const phase = timed(deps, record);
  const workspace = deps.env.GITHUB_WORKSPACE ?? process.cwd();

  const settings = await phase('Settings', async () =>
    loadSettings(deps.env, deps.readPolicyFile, workspace),
  );
  const context = readRunContext(deps.env);
  record.mode = settings.mode;
  record.release = settings.release;
  record.prComment = settings.prComment;
  record.policyFile = settings.policyFile;
  record.image = settings.image;
  record.imagePinned = settings.image === undefined ? undefined : isDigestPinned(settings.image);
  const endpoints = resolveEndpoints(settings.deployer.universeDomain, deps.env);
  // Plan mode runs as the read-only planning account when the policy declares one.
  const planner = settings.mode === 'plan' ? settings.deployer.planServiceAccount : undefined;
  const account = planner ?? settings.deployer.serviceAccount;

  let runStack: Promise<RunStack> | undefined;
  const credentials = await phase('Identity', async () => {
    const requested = getGitHubIdToken(settings.deployer.audience, {
      env: deps.env,
      readFile: deps.readFile,
      getIDToken: deps.getIDToken,
      setSecret: core.setSecret,
      retry,
    });
    const [subjectToken, { createDeployerCredentials }] = await Promise.all([
      requested,
      import('./identity/federation.ts'),
    ]);
    const claims = decodeJwtPayload(subjectToken);
    // The planning account has its own rules when the policy sets them: who may plan need not deploy.
    const planRules = planner === undefined ? undefined : settings.deployer.planAllow;
    const rules = planRules ?? settings.deployer.allow;
    if (rules !== undefined) {
      const key = planRules === undefined ? 'deployer.allow' : 'deployer.plan_allow';
      checkClaims(claims, rules, settings.policyFile ?? 'the policy', key);
      record.claimCheck = `passed \`${key}\`: ${describeClaims(claims)}`;
    } else {
      record.claimCheck =
        'skipped: no `deployer.allow` rules (the provider’s attribute condition is the only gate)';
    }
    const creating = createDeployerCredentials(
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
    // The Cloud Run client loads while the token exchanges are in flight, once the STS request
    // is on the wire: loading blocks the event loop.
    runStack = afterPendingIo().then(loadRunStack);
    const created = await creating;
    record.identity = {
      serviceAccount: account,
      provider: settings.deployer.workloadIdentityProvider,
      lifetimeSeconds: settings.deployer.tokenLifetimeSeconds,
    };
    return created;
  });

  const stack = runStack ?? loadRunStack();
  const opened = stack.then((loaded) => loaded.createRunApi(credentials.authClient, endpoints));
  try {
    // One round trip: the services, their policies and the preflight all at once. The preflight
    // learns from the service reads which services exist; a policy read of a missing service
    // fails (404) and is dropped.
    const services = opened.then((api) => readServices(api, stack, settings, retry));
    const policies = opened.then((api) => readPolicies(api, stack, settings, retry));
    const [checked, read, policyReads] = await phase('Reads and permission check', () =>
      Promise.allSettled([
        runPreflightAlongsideReads(
          {
            authClient: credentials.authClient,
            endpoints,
            identity: account,
            tokenLifetimeSeconds: settings.deployer.tokenLifetimeSeconds,
            tokenExpiresAt: credentials.expiresAt,
            projectId: settings.project.id,
            inputFor: (found) => requirementInputFromSettings(settings, found, true),
            found: services.then((read) => (name: string) => {
              const current = read.get(name);
              const account = current?.template?.serviceAccount;
              return { exists: current !== undefined, runtimeServiceAccount: account ? account : undefined };
            }),
            readOnlyAccount: planner !== undefined,
            allowedRoles: settings.deployer.allowedRoles,
            excessMode: settings.deployer.excessPermissions,
          },
          { retry, warn: (message) => core.warning(message) },
        ),
        services,
        policies,
      ]),
    );
    // A missing permission explains a failed read better than the read's own 403.
    if (checked.status === 'rejected') throw checked.reason;
    record.preflight = checked.value;
    enforcePreflight(checked.value, settings.project.id, (message) => core.warning(message));
    if (read.status === 'rejected') throw read.reason;
    if (policyReads.status === 'rejected') throw policyReads.reason;
    const reads = targetReads(settings, read.value, policyReads.value);

    const { planTarget } = await stack;
    const plan = makePlan(planTarget, settings, context, reads, new Date(deps.now()).toISOString());
    record.plan = plan;
    const api = await opened;
    const canary = {
      ...retry,
      fetch: deps.fetch,
      // Minted only for a private service's health checks, and masked as it is minted.
      idToken: credentials.mintIdToken,
    };
    await phase(phaseName(settings), () => applyAll(api, stack, settings, plan, reads, record, canary));
  } finally {
    await opened.then(
      (api) => api.close(),
      () => undefined,
    );
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

function phaseName(settings: Settings): string {
  if (settings.mode === 'plan') return 'Validate (no changes)';
  if (settings.release.kind === 'promote') return 'Promote';
  if (settings.release.kind === 'rollback') return 'Roll back';
  return 'Deploy';
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

/**
 * Two turns of the event loop: enough for a request just started (a connected socket, or one to
 * a local address) to be written before a synchronous module load holds the loop.
 */
function afterPendingIo(): Promise<void> {
  return new Promise((resolve) => setImmediate(() => setImmediate(resolve)));
}

/** The modules that pull in the Cloud Run client library (protobuf descriptors: most of the load). */
function loadRunStack() {
  return import('./run-stack.ts');
}

type RunStack = Awaited<ReturnType<typeof loadRunStack>>;

function targetName(settings: Settings, target: Settings['targets'][number]): string {
  return serviceResourceName(settings.project.id, target.region, target.service.name);
}

function refOf(settings: Settings, target: Settings['targets'][number]) {
  return { service: target.service.name, region: target.region, name: targetName(settings, target) };
}

async function readServices(
  api: RunApi,
  stack: Promise<RunStack>,
  settings: Settings,
  retry: RetryDeps,
): Promise<Map<string, RunService | undefined>> {
  const { readService } = await stack;
  const entries = await mapLimit(settings.targets, READ_CONCURRENCY, async (target) => {
    const ref = refOf(settings, target);
    return [ref.name, await readService(api, ref, retry)] as const;
  });
  return new Map(entries);
}

/** Every managed target's policy, read before it is known whether the service exists. */
async function readPolicies(
  api: RunApi,
  stack: Promise<RunStack>,
  settings: Settings,
  retry: RetryDeps,
): Promise<Map<string, PromiseSettledResult<IamPolicy>>> {
  const { readPolicyAlongside } = await stack;
  // A promotion or rollback leaves invokers alone, so it does not read them.
  const managed = settings.targets.filter(
    (target) =>
      settings.release.kind === 'deploy' && (target.service.invokers !== undefined || target.service.public),
  );
  const entries = await mapLimit(managed, READ_CONCURRENCY, async (target) => {
    const ref = refOf(settings, target);
    const [read] = await Promise.allSettled([readPolicyAlongside(api, ref, retry)]);
    return [ref.name, read] as const;
  });
  return new Map(entries);
}

/** The reads per target: a policy counts only for a service that exists (its read must then have worked). */
function targetReads(
  settings: Settings,
  services: ReadonlyMap<string, RunService | undefined>,
  policies: ReadonlyMap<string, PromiseSettledResult<IamPolicy>>,
): Map<string, TargetReads> {
  return new Map(
    settings.targets.map((target) => {
      const name = targetName(settings, target);
      const current = services.get(name);
      const policy = current === undefined ? undefined : policies.get(name);
      if (policy?.status === 'rejected') throw policy.reason;
      return [name, { current, policy: policy?.value }] as const;
    }),
  );
}

function makePlan(
  planTarget: RunStack['planTarget'],
  settings: Settings,
  context: RunContext,
  reads: Map<string, TargetReads>,
  at: string,
): Plan {
  return {
    targets: settings.targets.map((target) => {
      const read = reads.get(targetName(settings, target));
      return planTarget({
        projectId: settings.project.id,
        target,
        release: settings.release,
        image: settings.image,
        run: context,
        at,
        current: read?.current,
        policy: read?.policy,
      });
    }),
  };
}

async function applyAll(
  api: RunApi,
  stack: Promise<RunStack>,
  settings: Settings,
  plan: Plan,
  reads: Map<string, TargetReads>,
  record: RunRecord,
  deps: CanaryDeps,
): Promise<void> {
  // A read-only planning account cannot even validate a write (validateOnly needs the write's
  // permission), so its plan is the computed one; the deployer in plan mode validates on the server.
  const validateOnly = settings.mode === 'plan';
  const computedOnly = validateOnly && settings.deployer.planServiceAccount !== undefined;
  const { applyTarget } = await stack;
  const publicServices = new Set(
    settings.targets.filter((target) => target.service.public).map((target) => targetName(settings, target)),
  );
  record.results = await mapLimit(plan.targets, TARGET_CONCURRENCY, async (target) => {
    // A public service's health checks need no token.
    const targetDeps = publicServices.has(target.target.name) ? { ...deps, idToken: undefined } : deps;
    const result = computedOnly
      ? planned(target)
      : await applyOne(applyTarget, api, target, validateOnly, settings.waitTimeoutSeconds, targetDeps);
    // What serves now: the service as the run left it, else as it was read (a failure leaves it).
    const serving = result.outcome?.service ?? reads.get(target.target.name)?.current;
    const tag = target.release.kind === 'deploy' ? target.release.tag : undefined;
    return { ...result, ...servingFacts(serving, validateOnly ? undefined : tag) };
  });
}

type AppliedTarget = Omit<TargetResult, keyof ServingFacts>;

function planned(plan: TargetPlan): AppliedTarget {
  const outcome = {
    plan,
    deployed: false,
    trafficMoved: false,
    service: undefined,
    revision: plan.previousRevision,
    invokers: plan.invokers,
    invokersChanged: false,
  };
  return { target: plan.target, status: 'planned', outcome, error: undefined };
}

async function applyOne(
  applyTarget: RunStack['applyTarget'],
  api: RunApi,
  plan: TargetPlan,
  validateOnly: boolean,
  waitTimeoutSeconds: number,
  deps: CanaryDeps,
): Promise<AppliedTarget> {
  try {
    const outcome = await applyTarget(api, plan, { validateOnly, waitTimeoutSeconds }, deps);
    const status = validateOnly
      ? 'planned'
      : outcome.deployed || outcome.invokersChanged || outcome.trafficMoved
        ? 'deployed'
        : 'unchanged';
    return { target: plan.target, status, outcome, error: undefined };
  } catch (error) {
    core.error(render(error), { title: `${plan.target.service} (${plan.target.region})` });
    return {
      target: plan.target,
      status: 'failed',
      outcome: undefined,
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
