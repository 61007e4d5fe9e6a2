/**
 * Traffic moves on an existing service: one etag-guarded update that changes only `traffic` (and,
 * optionally, annotations such as the release record), waited for until the traffic statuses show
 * the new split; and the canary runner built on it.
 */

import { ActionError, withContext } from '../errors.ts';
import { CANCELLED_REMEDY } from '../google/cancellation.ts';
import { classifyError, isRefusedBeforeActing } from '../google/errors.ts';
import { CALL_RETRY, type RetryDeps, withRetry } from '../google/retry.ts';
import { shortName } from '../plan/resource-names.ts';
import { inputFields } from '../plan/service-input.ts';
import {
  canaryPlan,
  canonicalTraffic,
  describeTraffic,
  normalizeTraffic,
  sameTraffic,
  type Traffic,
  toRunTraffic,
} from '../plan/traffic.ts';
import type { RunService } from '../plan/types.ts';
import { googleFailure } from './google-failure.ts';
import { describeHealth, type HealthCheckDeps, type HealthCheckSpec, healthCheck } from './health-check.ts';
import type { RunApi } from './run-api.ts';
import { waitForOperation } from './wait-operation.ts';

/** A write refused because the service changed since it was read (stale etag). */
export class ConcurrentChangeError extends ActionError {
  override name = 'ConcurrentChangeError';
}

export interface TrafficChange {
  readonly traffic: Traffic;
  /** All annotations of the service after the change; unchanged when absent. */
  readonly annotations?: Readonly<Record<string, string>>;
}

export interface TrafficOptions {
  /** Plan mode: the server validates the update and changes nothing. */
  readonly validateOnly: boolean;
  readonly waitTimeoutSeconds: number;
}

export interface TrafficOutcome {
  /** Whether an update was written (false when the split and annotations already matched). */
  readonly changed: boolean;
  /** The service after the change (as read, when nothing was written or in plan mode). */
  readonly service: RunService;
}

/**
 * Sends `current` back with only the traffic (and annotations) replaced, guarded by the etag of
 * `current`: a service changed by someone else since it was read is refused, never overwritten.
 * No new revision is created (the template goes back unchanged, without a revision name).
 */
export async function applyTraffic(
  api: RunApi,
  current: RunService,
  change: TrafficChange,
  options: TrafficOptions,
  deps: RetryDeps,
): Promise<TrafficOutcome> {
  const name = current.name ?? '';
  const annotationsSame =
    change.annotations === undefined || sameMap(change.annotations, current.annotations ?? {});
  if (sameTraffic(normalizeTraffic(current.traffic), change.traffic) && annotationsSame) {
    return { changed: false, service: current };
  }
  const request = trafficRequest(current, change);
  const what = `updating the traffic of service ${name}`;
  let operation: Awaited<ReturnType<RunApi['updateService']>>;
  try {
    // Repeated only when Google refused unacted (429/503); the etag makes a repeat safe anyway.
    operation = await withRetry(what, () => api.updateService(request, options.validateOnly), deps, {
      policy: CALL_RETRY,
      retryable: isRefusedBeforeActing,
      write: true,
    });
  } catch (error) {
    const info = classifyError(error);
    if (info.category === 'conflict') {
      throw new ConcurrentChangeError(
        `service ${name} changed since it was read (traffic change to ${describeTraffic(change.traffic)} refused: ${info.message}); nothing was overwritten`,
        {
          remedy:
            'Someone else changed the service meanwhile: re-run the workflow so it starts from the current split.',
          cause: error,
        },
      );
    }
    throw googleFailure(what, error);
  }
  if (options.validateOnly) return { changed: false, service: current };

  deps.log(`Moving the traffic of ${shortName(name)} to ${describeTraffic(change.traffic)}.`);
  const finished = await waitForOperation(
    operation,
    `the traffic change of ${name}`,
    options.waitTimeoutSeconds * 1000,
    deps,
  );
  if ('error' in finished) {
    throw new ActionError(`the traffic change of service ${name} failed: ${finished.error.message}`, {
      remedy:
        'Cloud Run keeps the previous split when a traffic change fails; check that every revision named exists and is ready, then re-run.',
    });
  }
  if (inEffect(finished.service, change.traffic)) return { changed: true, service: finished.service };
  const reread = await api.getService(name).catch((error: unknown) => {
    throw googleFailure(`reading service ${name} after the traffic change`, error);
  });
  if (reread !== undefined && inEffect(reread, change.traffic)) return { changed: true, service: reread };
  throw new ActionError(
    `the traffic change of service ${name} finished, but the service does not report ${describeTraffic(change.traffic)} in effect`,
    { remedy: 'Check the service in the Cloud Console; re-run the workflow once its traffic settles.' },
  );
}

/** The update request: the current service's input fields, the new traffic, the etag read. */
function trafficRequest(current: RunService, change: TrafficChange): RunService {
  const fields = inputFields(current);
  // Echoing the revision name can make Cloud Run answer "Revision named '…' with different
  // configuration already exists" (googleapis/google-cloud-python#11870); without one, an
  // unchanged template makes no new revision.
  const { revision: _name, ...template } = fields.template ?? {};
  return {
    ...fields,
    ...(current.name ? { name: current.name } : {}),
    ...(current.etag ? { etag: current.etag } : {}),
    ...(change.annotations === undefined ? {} : { annotations: { ...change.annotations } }),
    template,
    traffic: toRunTraffic(canonicalTraffic(change.traffic)),
  };
}

/** Whether the traffic statuses show the split (the statuses are what serves; `traffic` is the ask). */
function inEffect(service: RunService, traffic: Traffic): boolean {
  return (
    (service.trafficStatuses ?? []).length > 0 &&
    sameTraffic(normalizeTraffic(service.trafficStatuses), traffic)
  );
}

function sameMap(a: Readonly<Record<string, string>>, b: Readonly<Record<string, string>>): boolean {
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  return [...keys].every((key) => a[key] === b[key]);
}

export interface CanaryCheck {
  /** Path on the tag URL, starting with `/`. */
  readonly path: string;
  readonly requests: number;
  readonly successRatio: number;
  readonly timeoutMs: number;
  readonly intervalMs: number;
}

export interface CanaryInput {
  /** The service as read after the canary revision was deployed without traffic. */
  readonly service: RunService;
  /** Short name of the canary revision. */
  readonly revision: string;
  /** Its traffic tag: the health check calls this tag's URL. */
  readonly tag: string;
  /** Checked percentages (see `canarySteps`), ending at 100. */
  readonly steps: readonly number[];
  /** Pause after each step before its health check. */
  readonly waitSeconds: number;
  readonly check: CanaryCheck;
  readonly waitTimeoutSeconds: number;
  /** Annotations to write with the last step (the release record). */
  readonly annotations?: Readonly<Record<string, string>>;
}

export interface CanaryDeps extends RetryDeps, HealthCheckDeps {
  /** Mints a Google ID token for the deployer; absent for a public service. */
  readonly idToken: ((audience: string) => Promise<string>) | undefined;
}

/**
 * Runs the canary: each step moves its share to the canary revision; every step but the last is
 * followed by a wait and a health check of the canary's tag URL. Any failure after the first
 * write (a failed check, a failed step, a token that could not be minted) puts back the exact
 * split read before the first step, then fails naming the step and the check. Returns the
 * service at 100%.
 */
export async function runCanary(api: RunApi, input: CanaryInput, deps: CanaryDeps): Promise<RunService> {
  const before = normalizeTraffic(input.service.traffic);
  // Every split is computed (and the steps checked) before the first write.
  const splits = canaryPlan(before, input.revision, input.steps);
  const options: TrafficOptions = { validateOnly: false, waitTimeoutSeconds: input.waitTimeoutSeconds };
  let current = input.service;
  for (const [index, split] of splits.entries()) {
    const step = `canary step ${index + 1} of ${splits.length} (${input.steps[index]}% to ${input.revision})`;
    const last = index === splits.length - 1;
    let failure: ActionError;
    try {
      const annotations = last && input.annotations !== undefined ? { annotations: input.annotations } : {};
      current = (await applyTraffic(api, current, { traffic: split, ...annotations }, options, deps)).service;
      deps.log(`${step}: ${describeTraffic(split)}.`);
      if (last) break;
      await deps.sleep(input.waitSeconds * 1000);
      const spec = await checkSpec(current, input, deps);
      const result = await healthCheck(spec, deps);
      deps.log(`${step}: health check ${describeHealth(spec, result)}.`);
      if (result.passed) continue;
      failure = new ActionError(`${step} failed its health check: ${describeHealth(spec, result)}`, {
        remedy: `Fix revision ${input.revision} (its tag URL shows what failed), then release again.`,
      });
    } catch (error) {
      if (error instanceof ConcurrentChangeError) {
        // Someone else changed the service since our last write: the traffic is theirs now.
        throw new ActionError(withContext(step, error).message, {
          remedy: `The canary stopped and left the traffic as the other change set it. Check the split; the one from before the release was ${describeTraffic(before)}.`,
          cause: error,
        });
      }
      failure = withContext(step, error);
    }
    if (deps.signal?.aborted) {
      // Cancelled: no restore (one more write after the signal). The traffic stays where the
      // last completed step put it, and a re-run converges.
      throw new ActionError(
        `${failure.message}; the last completed step left the traffic at ${describeTraffic(normalizeTraffic(current.traffic))}`,
        { remedy: CANCELLED_REMEDY, cause: failure },
      );
    }
    await restore(api, current, before, split, options, deps, failure);
    throw new ActionError(failure.message, {
      remedy:
        `The traffic is back to the split from before the release (${describeTraffic(before)}). ${failure.remedy ?? ''}`.trim(),
      cause: failure,
    });
  }
  return current;
}

/**
 * Puts `before` back. `lastKnown` is the service as our last write left it; when a failed step
 * of ours changed its etag (a traffic operation that failed), the service is read again and
 * restored only if its traffic is the split we asked for: any other split was set by someone
 * else meanwhile, and is not ours to overwrite.
 */
async function restore(
  api: RunApi,
  lastKnown: RunService,
  before: Traffic,
  asked: Traffic,
  options: TrafficOptions,
  deps: RetryDeps,
  failure: ActionError,
): Promise<void> {
  const name = lastKnown.name ?? '';
  const fail = (error: unknown): ActionError =>
    new ActionError(
      `${failure.message}; restoring the traffic from before the release failed too: ${withContext('restore', error).message}`,
      {
        remedy: `Check the service and restore the split by hand if needed: ${describeTraffic(before)} (gcloud run services update-traffic ${shortName(name)} --region=…).`,
        cause: error,
      },
    );
  try {
    await applyTraffic(api, lastKnown, { traffic: before }, options, deps);
    return;
  } catch (error) {
    if (!(error instanceof ConcurrentChangeError)) throw fail(error);
  }
  try {
    const fresh = await api.getService(name);
    if (fresh === undefined || !sameTraffic(normalizeTraffic(fresh.traffic), asked)) {
      throw new ActionError('someone else changed the traffic during the canary; it was left as they set it');
    }
    await applyTraffic(api, fresh, { traffic: before }, options, deps);
  } catch (error) {
    throw fail(error);
  }
}

async function checkSpec(
  service: RunService,
  input: CanaryInput,
  deps: CanaryDeps,
): Promise<HealthCheckSpec> {
  const tagUrl = (service.trafficStatuses ?? []).find((status) => status.tag === input.tag)?.uri;
  if (!tagUrl) {
    throw new ActionError(
      `service ${service.name ?? ''} reports no URL for the tag '${input.tag}' of the canary revision`,
      {
        remedy: 'Deploy the canary revision with its tag (traffic: none and tag), then run the canary.',
      },
    );
  }
  const audience = service.uri ?? tagUrl;
  const idToken = deps.idToken === undefined ? undefined : await deps.idToken(audience);
  return {
    url: `${tagUrl.replace(/\/$/, '')}${input.check.path}`,
    ...(idToken === undefined ? {} : { idToken }),
    requests: input.check.requests,
    successRatio: input.check.successRatio,
    timeoutMs: input.check.timeoutMs,
    intervalMs: input.check.intervalMs,
  };
}
