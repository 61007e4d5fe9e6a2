/**
 * Creates or updates one service from its plan and waits until the new revision serves. A
 * failure leaves traffic where it was (Cloud Run only moves it to a Ready revision).
 */
import { ActionError } from '../errors.ts';
import { classifyError, isRefusedBeforeActing, isTransient } from '../google/errors.ts';
import { CALL_RETRY, type RetryDeps, withRetry } from '../google/retry.ts';
import { CONDITION_STATE, enumName } from '../plan/enums.ts';
import { shortName } from '../plan/resource-names.ts';
import type { RunService, TargetPlan } from '../plan/types.ts';
import { googleFailure } from './google-failure.ts';
import type { PendingOperation, RunApi } from './run-api.ts';
import { waitForOperation } from './wait-operation.ts';

export interface DeployOptions {
  /** Plan mode: the server validates the request and changes nothing. */
  readonly validateOnly: boolean;
  readonly waitTimeoutSeconds: number;
}

export interface DeployOutcome {
  /** Whether a new revision now serves. */
  readonly changed: boolean;
  /** The service after the deploy; `undefined` when nothing was written. */
  readonly service: RunService | undefined;
  /** Full name of the revision serving now, when known. */
  readonly revision: string | undefined;
}

export async function deployService(
  api: RunApi,
  plan: TargetPlan,
  options: DeployOptions,
  deps: RetryDeps,
): Promise<DeployOutcome> {
  const unchanged: DeployOutcome = { changed: false, service: undefined, revision: plan.previousRevision };
  if (plan.action === 'none') return unchanged;
  const operation = await start(api, plan, options.validateOnly, deps);
  if (options.validateOnly) return unchanged;

  const what = `${plan.action} of service ${plan.target.service} in ${plan.target.region}`;
  deps.log(`Waiting for the ${what} (revision ${plan.revisionName}).`);
  const finished = await waitForOperation(operation, what, options.waitTimeoutSeconds * 1000, deps);
  const expected = `${plan.target.name}/revisions/${plan.revisionName}`;
  if ('error' in finished) throw await revisionFailure(api, plan, finished.error.message);
  const service = isServing(finished.service, expected) ? finished.service : await reread(api, plan);
  if (service === undefined || !isServing(service, expected)) {
    const latest = service?.latestCreatedRevision;
    if (latest && latest !== expected) {
      // Another deploy created a newer revision while this one rolled out: a lost race, not a
      // broken revision. Cloud Run serves the newer one; say so instead of blaming ours.
      throw new ActionError(
        `service ${plan.target.service} in ${plan.target.region} changed since it was read: revision ${shortName(latest)} was created by another deploy while ${plan.revisionName} rolled out`,
        { remedy: 'Re-run the workflow once the other deploy has finished; it plans from what is there.' },
      );
    }
    const condition = service?.terminalCondition?.message;
    throw await revisionFailure(
      api,
      plan,
      condition ? condition : 'the service did not report the revision Ready',
    );
  }
  return { changed: true, service, revision: expected };
}

async function start(
  api: RunApi,
  plan: TargetPlan,
  validateOnly: boolean,
  deps: RetryDeps,
): Promise<PendingOperation> {
  const { target } = plan;
  const what = `${plan.action === 'create' ? 'creating' : 'updating'} service ${target.name}`;
  const write = (): Promise<PendingOperation> => {
    if (plan.action === 'create') {
      const parent = target.name.slice(0, target.name.indexOf('/services/'));
      return api.createService(parent, target.service, plan.desired, validateOnly);
    }
    return api.updateService(plan.desired, validateOnly);
  };
  try {
    // Repeated only when Google refused the write unacted (429/503): the update carries the
    // service etag, and a create that meets ALREADY_EXISTS on a repeat is reported as a
    // conflict below, so neither can apply twice.
    return await withRetry(what, write, deps, {
      policy: CALL_RETRY,
      retryable: isRefusedBeforeActing,
      write: true,
    });
  } catch (error) {
    const category = classifyError(error).category;
    if (category === 'conflict' || category === 'already-exists') {
      throw new ActionError(
        `service ${target.service} in ${target.region} changed since it was read (${plan.action} refused: ${classifyError(error).message}); nothing was overwritten`,
        { remedy: 'Re-run the workflow so the plan starts from the current service.', cause: error },
      );
    }
    const failure = googleFailure(what, error);
    if (!isTransient(error) || isRefusedBeforeActing(error)) throw failure;
    // No answer (a reset, a timeout) or an INTERNAL: Google may have acted, so no blind repeat.
    throw new ActionError(`${failure.message} (the ${plan.action} may or may not have been applied)`, {
      remedy: `Check the service (\`gcloud run services describe ${target.service} --region=${target.region} --project=${target.name.split('/')[1] ?? 'PROJECT'}\`), then re-run the workflow: it plans from what is there.`,
      cause: error,
    });
  }
}

/** Ready, and the ready revision is the one this run created. */
function isServing(service: RunService, expected: string): boolean {
  const state = enumName(CONDITION_STATE, service.terminalCondition?.state);
  return state === 'CONDITION_SUCCEEDED' && service.latestReadyRevision === expected;
}

async function reread(api: RunApi, plan: TargetPlan): Promise<RunService | undefined> {
  try {
    return await api.getService(plan.target.name);
  } catch (error) {
    throw googleFailure(`reading service ${plan.target.name} after the deploy`, error);
  }
}

/** The revision's own Ready condition says why it failed; the operation error is the fallback. */
async function revisionFailure(api: RunApi, plan: TargetPlan, fallback: string): Promise<ActionError> {
  const name = `${plan.target.name}/revisions/${plan.revisionName}`;
  // Best effort: without the revision, the operation's own error still explains the failure.
  const revision = await api.getRevision(name).catch(() => undefined);
  const failed = (revision?.conditions ?? []).find(
    (condition) => enumName(CONDITION_STATE, condition.state) === 'CONDITION_FAILED',
  );
  const reason = failed?.message ? failed.message : fallback;
  const logs = revision?.logUri && !reason.includes(revision.logUri) ? `\nLogs: ${revision.logUri}` : '';
  const serving = plan.previousRevision
    ? `Traffic still goes to ${plan.previousRevision.slice(plan.previousRevision.lastIndexOf('/') + 1)}.`
    : 'The service has no ready revision yet.';
  return new ActionError(
    `revision ${plan.revisionName} of service ${plan.target.service} in ${plan.target.region} did not become ready: ${reason}${logs}`,
    { remedy: `${serving} Fix the cause above (container start-up, port, settings) and deploy again.` },
  );
}
