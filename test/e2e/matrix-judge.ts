/**
 * How a fault-matrix cell is judged, on what the user would see: survived (exit 0, state right,
 * the expected number of requests), failed cleanly (exit 1 in bounded time, the call and its last
 * error named, no half-applied change), or unexpected (anything else). Also the state invariants
 * and run-output helpers the concurrency suite shares.
 */
import type { Emulator } from '../emulator/emulator.ts';
import { type Cell, type FaultClass, GATE, type Outcome, RUN_LIMIT_MS } from './matrix-cells.ts';
import { type ActionRun, findLeaks } from './runner.ts';
import { DEPLOYER, mutations, SERVICE } from './world.ts';

/** The emulator a run went against (a `World`, or the in-process stage). */
export interface HasEmulator {
  readonly emulator: Emulator;
}

/** What the cell's set-up left, to compare the faulted run's end with. */
export interface Before {
  /** The invokers before the run (sorted); empty for a first deploy. */
  readonly invokers: readonly string[];
  /** The invokers the policy declares (sorted): what a successful run leaves. */
  readonly declared: readonly string[];
  /** The revision serving all traffic before the run, if any (short name). */
  readonly serving: string | undefined;
  /** The image a successful run serves; for a rollback, `serving` after it is `target`. */
  readonly image: string;
  /** The revision a rollback goes back to (short name). */
  readonly target?: string;
}

export interface Counts {
  /** Requests the emulator saw for the faulted call. */
  readonly attempts: number;
  /** How often the fault fired. */
  readonly fired: number;
}

export interface Judgement {
  readonly outcome: Outcome;
  /** Why the outcome is what it is: the first broken rule, or the error the run printed. */
  readonly detail: string;
}

/** What the last error must look like in a clean failure's message. */
const LAST_ERROR: Readonly<Record<Exclude<FaultClass, 'latency'>, RegExp>> = {
  '429': /429|RESOURCE_EXHAUSTED|Quota exceeded|Too Many/i,
  '500': /500|INTERNAL|Internal error/i,
  '503': /503|UNAVAILABLE|currently unavailable/i,
  reset: /ECONNRESET|socket hang up|reset|network|other side closed/i,
  timeout: /time(d)? ?out|DEADLINE_EXCEEDED|no answer|TimeoutError|aborted/i,
};

/** A stack trace (bundle or sources), or an error the in-process run did not handle. */
const CRASH = /\n\s+at .*\.(js|ts):\d+|Unhandled error in the run/;

export async function judge(
  stage: HasEmulator,
  cell: Cell,
  run: ActionRun,
  before: Before,
  counts: Counts,
): Promise<Judgement> {
  const { attempts, fired } = counts;
  const unexpected = (detail: string): Judgement => ({ outcome: 'unexpected', detail });
  const errors = errorText(run);
  const minted = stage.emulator.mintedSecrets().map((secret) => secret.value);
  const leaks = [...findLeaks(run, minted), ...leftFiles(run)];
  if (leaks.length > 0) return unexpected(`secret hygiene: ${leaks.join('; ')}`);
  if (CRASH.test(run.stdout + run.stderr)) return unexpected(`it crashed: ${firstLine(crashLine(run))}`);
  if (run.summary.trim() === '') return unexpected('no job summary was written');
  const creates = stage.emulator.log
    .entries()
    .filter((entry) => entry.method === 'POST' && /\/services$/.test(entry.path) && entry.status === 200);
  if (creates.length > 1) return unexpected(`the service was created ${creates.length} times`);
  const state = await inspectState(stage, cell, run.code === 0, before);
  if (state !== undefined) return unexpected(state);

  if (cell.call.gate && attempts !== GATE.requests) {
    return unexpected(`the health check made ${attempts} requests, not ${GATE.requests}`);
  }
  if (run.code === 0) {
    const retried = cell.fault !== 'latency' && !cell.call.gate;
    // A best-effort call may be tried once (its failure is a warning) or retried until healthy.
    const allowed = cell.call.optional ? [1, fired + 1] : [fired + 1];
    if (cell.persistence === 'transient' && retried && !allowed.includes(attempts)) {
      return unexpected(`survived with ${attempts} requests for ${fired} faults (expected ${fired + 1})`);
    }
    if (!cell.call.optional && cell.persistence === 'persistent' && cell.fault !== 'latency') {
      return unexpected('exit 0 although the call never succeeded');
    }
    return { outcome: 'survived', detail: firstLine(retryLog(run)) };
  }
  if (run.code !== 1) {
    return unexpected(
      run.code === null ? `stopped after ${RUN_LIMIT_MS / 1000} s (${run.signal})` : `exit ${run.code}`,
    );
  }
  if (errors === '') return unexpected('exit 1 without an error annotation');
  if (!cell.call.named.test(errors))
    return unexpected(`the error does not name the call: ${firstLine(errors)}`);
  if (cell.fault !== 'latency' && !LAST_ERROR[cell.fault].test(errors)) {
    return unexpected(`the error does not name the last error (${cell.fault}): ${firstLine(errors)}`);
  }
  if (!cell.call.afterDeploy && !cell.call.mutation && mutations(stage.emulator).length > 0) {
    return unexpected('failed before the apply phase yet changed something');
  }
  if (cell.call.gate && !/traffic is back to the split from before the release/.test(errors)) {
    return unexpected(`the failed canary does not say the traffic was restored: ${firstLine(errors)}`);
  }
  return { outcome: 'failed-cleanly', detail: firstLine(errors) };
}

/** The `::error` annotations of a run, decoded. */
export function errorText(run: ActionRun): string {
  return run.stdout
    .split('\n')
    .filter((line) => line.startsWith('::error'))
    .map((line) => line.slice(line.indexOf('::', 2) + 2))
    .join('\n')
    .replace(/%0A/g, '\n')
    .replace(/%0D/g, '')
    .replace(/%25/g, '%');
}

function crashLine(run: ActionRun): string {
  const text = `${run.stderr}\n${run.stdout}`;
  return text.split('\n').find((line) => /Error|Unhandled/.test(line)) ?? text;
}

function retryLog(run: ActionRun): string {
  return run.stdout
    .split('\n')
    .filter((line) => /failed|retry|warning|health check/i.test(line))
    .join('\n');
}

export function firstLine(text: string): string {
  const line = text.split('\n').find((l) => l.trim() !== '') ?? '';
  return line.length > 160 ? `${line.slice(0, 157)}…` : line;
}

/** What the runner itself writes around a step; the action adds nothing to these. */
const RUNNER_FILES = new Set(['runner-temp/event.json', 'runner-temp/output.txt', 'runner-temp/summary.md']);

/**
 * Files a run left besides the runner's own and the workspace files it was given: the action
 * writes none (a credentials file there would leak into Docker contexts, uploads and commits).
 */
export function leftFiles(run: ActionRun): string[] {
  return Object.keys(run.files)
    .filter((path) => !RUNNER_FILES.has(path) && path !== 'workspace/.github/cloud-run.yml')
    .map((path) => `the run left a file on disk: ${path}`);
}

/**
 * The invariants a fault must never break: the service serves one Ready revision with all
 * traffic (no split), and the invokers are exactly the old set or the new one. A run that
 * succeeded must have left the new image (or, for a rollback, the revision named) serving and
 * exactly the declared invokers; a failed canary or rollback leaves the revision from before
 * serving. Returns the broken invariant, or `undefined`.
 */
export async function inspectState(
  stage: HasEmulator,
  cell: Cell,
  succeeded: boolean,
  before: Before,
): Promise<string | undefined> {
  const service = await readService(stage, SERVICE);
  if (service === undefined) {
    if (succeeded) return 'the run succeeded but the service does not exist';
    return cell.call.scenario === 'create' ? undefined : 'the deployed service disappeared';
  }
  const serving = servingProblem(service);
  if (serving !== undefined) return serving;
  const revision = servingRevision(service);
  const scenario = cell.call.scenario;
  if (scenario === 'rollback') {
    const wanted = succeeded ? before.target : undefined;
    if (wanted !== undefined && revision !== wanted) return `the rollback succeeded but ${revision} serves`;
    if (!succeeded && revision !== before.serving && revision !== before.target) {
      return `the failed rollback left ${revision} serving, neither ${before.serving} nor ${before.target}`;
    }
  } else {
    const served = service.template?.containers?.[0]?.image;
    if (succeeded && served !== before.image)
      return `the run succeeded but ${served} serves, not ${before.image}`;
    if (succeeded && revision === before.serving) return `the run succeeded but ${revision} still serves`;
    if (scenario === 'canary' && !succeeded && revision !== before.serving) {
      return `the failed canary left ${revision} serving, not ${before.serving}`;
    }
  }
  const invokers = members(stage, SERVICE, 'roles/run.invoker');
  const same = (a: readonly string[], b: readonly string[]) => JSON.stringify(a) === JSON.stringify(b);
  if (succeeded && !same(invokers, before.declared))
    return `the run succeeded but the invokers are ${JSON.stringify(invokers)}`;
  if (!same(invokers, before.declared) && !same(invokers, before.invokers)) {
    return `invokers half-applied: ${JSON.stringify(invokers)}`;
  }
  return undefined;
}

/** The sorted members of every unconditional binding of `role` on `resource`. */
export function members(stage: HasEmulator, resource: string, role: string): string[] {
  return (stage.emulator.iam.peekPolicy(resource).bindings ?? [])
    .filter((binding) => binding.role === role && binding.condition === undefined)
    .flatMap((binding) => binding.members)
    .sort();
}

/** The parts of a Cloud Run service the invariants look at. */
export interface ServiceView {
  readonly terminalCondition?: { readonly state?: string; readonly message?: string };
  readonly trafficStatuses?: readonly {
    readonly percent?: number;
    readonly revision?: string;
    readonly tag?: string;
  }[];
  readonly latestReadyRevision?: string;
  readonly template?: { readonly containers?: readonly { readonly image?: string }[] };
}

/** The service as the deployer reads it through the API; `undefined` when it does not exist. */
export async function readService(stage: HasEmulator, name: string): Promise<ServiceView | undefined> {
  const { token } = stage.emulator.mintAccessToken(DEPLOYER);
  const response = await fetch(`${stage.emulator.urls.run}/v2/${name}`, {
    headers: { authorization: `Bearer ${token}` },
  });
  if (response.status === 404) return undefined;
  if (response.status !== 200)
    throw new Error(`reading ${name}: HTTP ${response.status} ${await response.text()}`);
  return (await response.json()) as ServiceView;
}

/**
 * Ready, with all traffic on one revision: no split, no half-made rollout. A tag that routes no
 * traffic (a canary's or a preview's) is no split.
 */
export function servingProblem(service: ServiceView): string | undefined {
  const routed = (service.trafficStatuses ?? []).filter((status) => (status.percent ?? 0) > 0);
  if (routed.length !== 1 || (routed[0]?.percent ?? 0) !== 100) {
    return `traffic is split: ${JSON.stringify(service.trafficStatuses ?? [])}`;
  }
  if (service.terminalCondition?.state !== 'CONDITION_SUCCEEDED') {
    return `the service is not Ready: ${JSON.stringify(service.terminalCondition)}`;
  }
  return undefined;
}

/** Short name of the revision with all traffic (the latest ready one when the target is LATEST). */
export function servingRevision(service: ServiceView): string | undefined {
  const routed = (service.trafficStatuses ?? []).find((status) => (status.percent ?? 0) === 100);
  const name = routed?.revision || service.latestReadyRevision;
  return name?.split('/').at(-1);
}
