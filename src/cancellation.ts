/**
 * Cancellation of a run. The runner cancels a job with SIGINT, then SIGTERM 7.5 s later, then
 * kills it: the first signal aborts the run's AbortSignal (every sleep and request attempt gives
 * way at once, see google/cancellation.ts), later signals only say that we are already stopping,
 * and a watchdog ends the process should unwinding ever outlast its grace. What the run left,
 * target by target, is then reported by `cancelledRun`.
 */
import { ActionError, describe } from './errors.ts';
import { CANCELLED_REMEDY, CancelledError } from './google/cancellation.ts';
import { shortName } from './plan/resource-names.ts';
import type { RunService, TargetPlan } from './plan/types.ts';
import type { TargetResult } from './report/types.ts';

/** What the report needs of a planned target and of how it ended (a TargetPlan, a TargetResult). */
export type PlannedTarget = Pick<TargetPlan, 'target' | 'previousRevision'>;
export type TargetEnd = Pick<TargetResult, 'target' | 'status' | 'error'> & {
  readonly outcome: { readonly service: RunService | undefined } | undefined;
};

export type CancelSignal = 'SIGINT' | 'SIGTERM';
const SIGNALS: readonly CancelSignal[] = ['SIGINT', 'SIGTERM'];

/** Well under the runner's 7.5 s between SIGINT and SIGTERM (and 10 s to SIGKILL). */
export const UNWIND_GRACE_MS = 5_000;

/** The part of `process` that delivers signals. */
export interface SignalSource {
  on(event: CancelSignal, listener: (signal: NodeJS.Signals) => void): unknown;
  off(event: CancelSignal, listener: (signal: NodeJS.Signals) => void): unknown;
}

export interface CancellationOptions {
  readonly log: (line: string) => void;
  /** Ends the process; called with 1 only when unwinding outlasts `graceMs`. */
  readonly exit: (code: number) => void;
  readonly graceMs?: number;
}

export interface Cancellation {
  /** Aborts, with a CancelledError (`cancelled by SIGINT`) as reason, on the first signal. */
  readonly signal: AbortSignal;
  /** Removes the handlers and stops the watchdog. */
  uninstall(): void;
}

/**
 * Handles SIGINT and SIGTERM instead of Node's default (an immediate exit, which would leave no
 * report and, mid-write, no word on what was sent).
 */
export function installCancellation(source: SignalSource, options: CancellationOptions): Cancellation {
  const controller = new AbortController();
  const graceMs = options.graceMs ?? UNWIND_GRACE_MS;
  let watchdog: NodeJS.Timeout | undefined;
  const onSignal = (received: NodeJS.Signals): void => {
    if (controller.signal.aborted) {
      options.log(`Received ${received} while stopping: still finishing the report of what the run left.`);
      return;
    }
    options.log(
      `Received ${received}: cancelling. No new request starts and waits stop now; what the run left follows.`,
    );
    controller.abort(new CancelledError(`cancelled by ${received}`, { remedy: CANCELLED_REMEDY }));
    watchdog = setTimeout(() => {
      options.log(`Still stopping ${graceMs / 1000} s after ${received}: exiting now.`);
      options.exit(1);
    }, graceMs);
    // The watchdog only bounds the unwinding: it must not keep a finished process alive.
    watchdog.unref();
  };
  for (const name of SIGNALS) source.on(name, onSignal);
  return {
    signal: controller.signal,
    uninstall() {
      for (const name of SIGNALS) source.off(name, onSignal);
      clearTimeout(watchdog);
    },
  };
}

/**
 * The failure a cancelled run ends with: the reason, then one line per target saying what was
 * done, what was stopped (and where) and what never started, with the traffic as last known.
 */
export function cancelledRun(
  reason: unknown,
  planned: readonly PlannedTarget[] | undefined,
  results: readonly TargetEnd[],
): ActionError {
  const headline = reason instanceof Error ? reason.message : `cancelled (${describe(reason)})`;
  if (planned === undefined) {
    return new ActionError(`${headline} before the plan was made: nothing was changed`, {
      remedy: CANCELLED_REMEDY,
      cause: reason,
    });
  }
  const byName = new Map(results.map((result) => [result.target.name, result]));
  const lines = planned.map((target) => `- ${stateLeft(target, byName.get(target.target.name))}`);
  return new ActionError(`${headline}. What the run left:\n${lines.join('\n')}`, {
    remedy: CANCELLED_REMEDY,
    cause: reason,
  });
}

function stateLeft(plan: PlannedTarget, result: TargetEnd | undefined): string {
  const label = `${plan.target.service} (${plan.target.region})`;
  const before = servingBefore(plan);
  if (result === undefined) return `${label}: not started, nothing changed; ${before}`;
  switch (result.status) {
    case 'failed':
      return `${label}: stopped: ${result.error ?? 'no error recorded'}; ${before}`;
    case 'planned':
      return `${label}: planned, nothing changed; ${before}`;
    case 'unchanged':
      return `${label}: done, nothing to change; ${before}`;
    case 'deployed': {
      const service = result.outcome?.service;
      const traffic = service === undefined ? undefined : servingNow(service);
      return `${label}: done; ${traffic === undefined ? before : `traffic: ${traffic}`}`;
    }
  }
}

function servingBefore(plan: PlannedTarget): string {
  return plan.previousRevision === undefined
    ? 'before this run no revision served'
    : `before this run ${shortName(plan.previousRevision)} served`;
}

/** The split the service reported after the run's last write, e.g. `100% hello-00002`. */
function servingNow(service: RunService): string | undefined {
  const shares = (service.trafficStatuses ?? [])
    .filter((status) => (status.percent ?? 0) > 0)
    .map((status) => `${status.percent}% ${status.revision ? shortName(status.revision) : 'LATEST'}`);
  return shares.length === 0 ? undefined : shares.join(', ');
}
