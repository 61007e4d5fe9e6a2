/**
 * The fault matrix: every remote call the action makes × every fault class the emulator can
 * inject, transient and persistent. Each cell runs the bundled action against its own emulator
 * and is judged on what the user would see: survived (exit 0, state right, the expected number
 * of attempts), failed cleanly (exit 1 in bounded time, the call and its last error named, no
 * half-applied change), or unexpected (anything else).
 *
 *   node test/e2e/fault-matrix.ts            # run every cell, print the table
 *   node test/e2e/fault-matrix.ts --write    # … and put it into docs/reliability.md
 *   node test/e2e/fault-matrix.ts --only service-create,role-get   # some calls' rows
 */
import { readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FaultKind } from '../emulator/core/faults.ts';
import type { ApiName } from '../emulator/core/types.ts';
import { addMember } from '../emulator/iam/edits.ts';
import { type ActionRun, DIST } from './runner.ts';
import { CALLER, DEPLOYER, IMAGE, mutations, OUTSIDER, SERVICE, World } from './world.ts';

/** One remote call of the action, as the emulator's fault table and request log see it. */
export interface RemoteCall {
  readonly id: string;
  readonly label: string;
  readonly api: ApiName;
  readonly method: string;
  /** RegExp source over the raw request path. */
  readonly path: string;
  /** `create`: no service yet; `update`: a deployed service with an invoker drifted in. */
  readonly scenario: 'create' | 'update';
  /** What a clean failure of this call must say about which call failed. */
  readonly named: RegExp;
  /** A best-effort call: its failure is reported as a warning and the run goes on; one attempt may do. */
  readonly optional?: boolean;
  /** A write that is unsafe to repeat blindly after an unanswered attempt. */
  readonly mutation?: boolean;
  /** Runs after Cloud Run started changing things (a failure may leave a new revision serving). */
  readonly afterDeploy?: boolean;
}

export const CALLS: readonly RemoteCall[] = [
  {
    id: 'oidc-token',
    label: 'GitHub OIDC token',
    api: 'oidc',
    method: 'GET',
    path: '^/token$',
    scenario: 'update',
    named: /OIDC token/,
  },
  {
    id: 'sts-exchange',
    label: 'STS token exchange',
    api: 'sts',
    method: 'POST',
    path: '^/v1/token$',
    scenario: 'update',
    named: /exchang|STS|federat/i,
  },
  {
    id: 'generate-access-token',
    label: 'IAM Credentials generateAccessToken',
    api: 'iamcredentials',
    method: 'POST',
    path: ':generateAccessToken$',
    scenario: 'update',
    named: /impersonat|generateAccessToken|access token/i,
  },
  {
    id: 'service-get',
    label: 'Cloud Run services.get',
    api: 'run',
    method: 'GET',
    path: '/services/[^/:]+$',
    scenario: 'update',
    named: /reading service/,
  },
  {
    id: 'iam-get-policy',
    label: 'Cloud Run services.getIamPolicy',
    api: 'run',
    method: 'GET',
    path: ':getIamPolicy$',
    scenario: 'update',
    named: /IAM policy|getIamPolicy/,
  },
  {
    id: 'project-permissions',
    label: 'Resource Manager projects.testIamPermissions',
    api: 'cloudresourcemanager',
    method: 'POST',
    path: ':testIamPermissions$',
    scenario: 'update',
    named: /permissions on project/,
  },
  {
    id: 'service-permissions',
    label: 'Cloud Run services.testIamPermissions',
    api: 'run',
    method: 'POST',
    path: '/services/[^/:]+:testIamPermissions$',
    scenario: 'update',
    named: /permissions on service/,
  },
  {
    id: 'runtime-sa-permissions',
    label: 'IAM serviceAccounts.testIamPermissions',
    api: 'iam',
    method: 'POST',
    path: '/serviceAccounts/[^/]+:testIamPermissions$',
    scenario: 'update',
    named: /permissions on service-account/,
  },
  {
    id: 'role-get',
    label: 'IAM roles.get (envelope)',
    api: 'iam',
    method: 'GET',
    path: '/roles/',
    scenario: 'update',
    named: /role/,
    optional: true,
  },
  {
    id: 'service-create',
    label: 'Cloud Run services.create',
    api: 'run',
    method: 'POST',
    path: '/locations/[^/]+/services$',
    scenario: 'create',
    named: /creating service/,
    mutation: true,
  },
  {
    id: 'service-update',
    label: 'Cloud Run services.patch (update)',
    api: 'run',
    method: 'PATCH',
    path: '/services/[^/:]+$',
    scenario: 'update',
    named: /updating service/,
    mutation: true,
  },
  {
    id: 'operation-poll',
    label: 'Cloud Run operations.get (wait)',
    api: 'run',
    method: 'GET',
    path: '/operations/',
    scenario: 'update',
    named: /waiting for|update of service/,
    afterDeploy: true,
  },
  {
    id: 'iam-set-policy',
    label: 'Cloud Run services.setIamPolicy',
    api: 'run',
    method: 'POST',
    path: ':setIamPolicy$',
    scenario: 'update',
    named: /run\.invoker/,
    afterDeploy: true,
  },
];

export type FaultClass = '429' | '500' | '503' | 'reset' | 'timeout' | 'latency';
export const FAULT_CLASSES: readonly FaultClass[] = ['429', '500', '503', 'reset', 'timeout', 'latency'];
export type Persistence = 'transient' | 'persistent';

/** Added latency per request: long enough to be felt, short of every client timeout. */
export const LATENCY_MS = 2_000;
/** wait_timeout of every cell, so a persistent polling failure ends within the run's bound. */
export const WAIT_TIMEOUT = '40s';
/** A cell's run is killed after this: well past every retry budget the action has. */
export const RUN_LIMIT_MS = 150_000;
/** A clean failure slower than this is reported as a finding. */
export const SLOW_FAILURE_MS = 30_000;

export interface Cell {
  readonly call: RemoteCall;
  readonly fault: FaultClass;
  readonly persistence: Persistence;
}

export type Outcome = 'survived' | 'failed-cleanly' | 'unexpected';

export interface CellResult {
  readonly cell: Cell;
  readonly outcome: Outcome;
  /** What this cell should end in; `undefined` when both survived and failed-cleanly are right. */
  readonly expected: Outcome | undefined;
  readonly code: number | null;
  readonly seconds: number;
  /** Requests the emulator saw for the faulted call. */
  readonly attempts: number;
  /** How often the fault fired. */
  readonly fired: number;
  /** Why the outcome is what it is: the first broken rule, or the error the run printed. */
  readonly detail: string;
}

export function allCells(): Cell[] {
  return CALLS.flatMap((call) =>
    FAULT_CLASSES.flatMap((fault) =>
      (['transient', 'persistent'] as const).map((persistence) => ({ call, fault, persistence })),
    ),
  );
}

export function cellName(cell: Cell): string {
  return `${cell.call.id} × ${cell.fault} (${cell.persistence})`;
}

/** A timeout costs a whole client deadline, so a transient one fires once; other faults twice. */
export function transientTimes(fault: FaultClass): number {
  return fault === 'timeout' ? 1 : 2;
}

export function faultKind(fault: FaultClass): FaultKind {
  switch (fault) {
    case '429':
      return { type: 'error', status: 429, retryAfterSeconds: 1 };
    case '500':
      return { type: 'error', status: 500 };
    case '503':
      return { type: 'error', status: 503 };
    case 'reset':
      return { type: 'reset' };
    case 'timeout':
      return { type: 'timeout' };
    case 'latency':
      return { type: 'latency', ms: LATENCY_MS };
  }
}

/**
 * What the cell should end in. Latency and transient faults should be survived, persistent
 * faults should fail cleanly (except on a best-effort call). A write that got no answer (reset,
 * timeout) or an INTERNAL may or may not have been applied: failing cleanly is as right as a
 * careful retry.
 */
export function expectedOutcome(cell: Cell): Outcome | undefined {
  if (cell.fault === 'latency' || cell.call.optional) return 'survived';
  if (cell.persistence === 'persistent') return 'failed-cleanly';
  if (cell.call.mutation && ['500', 'reset', 'timeout'].includes(cell.fault)) return undefined;
  return 'survived';
}

/** What the last error must look like in a clean failure's message. */
const LAST_ERROR: Readonly<Record<Exclude<FaultClass, 'latency'>, RegExp>> = {
  '429': /429|RESOURCE_EXHAUSTED|Quota exceeded|Too Many/i,
  '500': /500|INTERNAL|Internal error/i,
  '503': /503|UNAVAILABLE|currently unavailable/i,
  reset: /ECONNRESET|socket hang up|reset|network/i,
  timeout: /time(d)? ?out|DEADLINE_EXCEEDED|no answer|TimeoutError|aborted/i,
};

/** Starts the cell's world: a fresh project, or one deployed service with a drifted invoker. */
async function prepare(cell: Cell): Promise<World> {
  const world = await World.start();
  if (cell.call.scenario === 'update') {
    const first = await world.deploy({ inputs: { wait_timeout: WAIT_TIMEOUT } });
    if (first.code !== 0) {
      await world.close();
      throw new Error(`the set-up deploy failed:\n${first.stdout}`);
    }
    world.emulator.iam.editBindings(SERVICE, addMember('roles/run.invoker', `serviceAccount:${OUTSIDER}`));
  }
  world.emulator.log.clear();
  return world;
}

export async function runCell(cell: Cell): Promise<CellResult> {
  const world = await prepare(cell);
  try {
    const id = world.emulator.faults.add({
      api: cell.call.api,
      method: cell.call.method,
      path: cell.call.path,
      fault: faultKind(cell.fault),
      ...(cell.persistence === 'transient' ? { times: transientTimes(cell.fault) } : {}),
    });
    const image = `${IMAGE}:${cell.call.scenario === 'update' ? 'v2' : 'v1'}`;
    const run = await world.deploy({
      inputs: { image, wait_timeout: WAIT_TIMEOUT },
      timeoutMs: RUN_LIMIT_MS,
    });
    const fired = world.emulator.faults.list().find((fault) => fault.id === id)?.fired ?? 0;
    world.emulator.faults.clear();
    const pattern = new RegExp(cell.call.path);
    const attempts = world.emulator.log
      .entries()
      .filter(
        (entry) =>
          entry.api === cell.call.api && entry.method === cell.call.method && pattern.test(entry.path),
      ).length;
    const judged = await judge(world, cell, run, image, { attempts, fired });
    return {
      cell,
      ...judged,
      expected: expectedOutcome(cell),
      code: run.code,
      seconds: Math.round(run.durationMs / 100) / 10,
      attempts,
      fired,
    };
  } finally {
    await world.close();
  }
}

interface Judgement {
  readonly outcome: Outcome;
  readonly detail: string;
}

async function judge(
  world: World,
  cell: Cell,
  run: ActionRun,
  image: string,
  counts: { readonly attempts: number; readonly fired: number },
): Promise<Judgement> {
  const { attempts, fired } = counts;
  const unexpected = (detail: string): Judgement => ({ outcome: 'unexpected', detail });
  const errors = errorText(run);
  const leaks = [...world.leaks(run), ...leftFiles(run)];
  if (leaks.length > 0) return unexpected(`secret hygiene: ${leaks.join('; ')}`);
  if (/\n\s+at .*\.js:\d+/.test(run.stdout + run.stderr)) return unexpected('a stack trace was printed');
  const creates = world.emulator.log
    .entries()
    .filter((entry) => entry.method === 'POST' && /\/services$/.test(entry.path) && entry.status === 200);
  if (creates.length > 1) return unexpected(`the service was created ${creates.length} times`);
  const state = await inspectState(world, cell, run.code === 0, image);
  if (state !== undefined) return unexpected(state);

  if (run.code === 0) {
    const retried = cell.fault !== 'latency';
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
      run.code === null ? `killed after ${RUN_LIMIT_MS / 1000} s (${run.signal})` : `exit ${run.code}`,
    );
  }
  if (errors === '') return unexpected('exit 1 without an error annotation');
  if (!cell.call.named.test(errors))
    return unexpected(`the error does not name the call: ${firstLine(errors)}`);
  if (cell.fault !== 'latency' && !LAST_ERROR[cell.fault].test(errors)) {
    return unexpected(`the error does not name the last error (${cell.fault}): ${firstLine(errors)}`);
  }
  if (!cell.call.afterDeploy && !cell.call.mutation && mutations(world.emulator).length > 0) {
    return unexpected('failed before the apply phase yet changed something');
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

function retryLog(run: ActionRun): string {
  return run.stdout
    .split('\n')
    .filter((line) => /failed|retry|warning/i.test(line))
    .join('\n');
}

function firstLine(text: string): string {
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
 * succeeded must have left the new image serving and exactly the declared invokers. Returns the
 * broken invariant, or `undefined`.
 */
export async function inspectState(
  world: World,
  cell: Cell,
  succeeded: boolean,
  image: string,
): Promise<string | undefined> {
  const service = await readService(world, SERVICE);
  if (service === undefined) {
    if (succeeded) return 'the run succeeded but the service does not exist';
    return cell.call.scenario === 'create' ? undefined : 'the deployed service disappeared';
  }
  const serving = servingProblem(service);
  if (serving !== undefined) return serving;
  const served = service.template?.containers?.[0]?.image;
  if (succeeded && served !== image) return `the run succeeded but ${served} serves, not ${image}`;
  const invokers = members(world, SERVICE, 'roles/run.invoker');
  const wanted = [`serviceAccount:${CALLER}`];
  const before =
    cell.call.scenario === 'update' ? [`serviceAccount:${CALLER}`, `serviceAccount:${OUTSIDER}`] : [];
  const same = (a: readonly string[], b: readonly string[]) => JSON.stringify(a) === JSON.stringify(b);
  if (succeeded && !same(invokers, wanted))
    return `the run succeeded but the invokers are ${JSON.stringify(invokers)}`;
  if (!same(invokers, wanted) && !same(invokers, before)) {
    return `invokers half-applied: ${JSON.stringify(invokers)}`;
  }
  return undefined;
}

/** The sorted members of every unconditional binding of `role` on `resource`. */
export function members(world: World, resource: string, role: string): string[] {
  return (world.emulator.iam.peekPolicy(resource).bindings ?? [])
    .filter((binding) => binding.role === role && binding.condition === undefined)
    .flatMap((binding) => binding.members)
    .sort();
}

/** The parts of a Cloud Run service the invariants look at. */
export interface ServiceView {
  readonly terminalCondition?: { readonly state?: string; readonly message?: string };
  readonly trafficStatuses?: readonly { readonly percent?: number; readonly revision?: string }[];
  readonly latestReadyRevision?: string;
  readonly template?: { readonly containers?: readonly { readonly image?: string }[] };
}

/** The service as the deployer reads it through the API; `undefined` when it does not exist. */
export async function readService(world: World, name: string): Promise<ServiceView | undefined> {
  const { token } = world.emulator.mintAccessToken(DEPLOYER);
  const response = await fetch(`${world.emulator.urls.run}/v2/${name}`, {
    headers: { authorization: `Bearer ${token}` },
  });
  if (response.status === 404) return undefined;
  if (response.status !== 200)
    throw new Error(`reading ${name}: HTTP ${response.status} ${await response.text()}`);
  return (await response.json()) as ServiceView;
}

/** Ready, with all traffic on the latest ready revision: no split, no half-made rollout. */
export function servingProblem(service: ServiceView): string | undefined {
  const traffic = service.trafficStatuses ?? [];
  if (traffic.length !== 1 || (traffic[0]?.percent ?? 0) !== 100) {
    return `traffic is split: ${JSON.stringify(traffic)}`;
  }
  if (service.terminalCondition?.state !== 'CONDITION_SUCCEEDED') {
    return `the service is not Ready: ${JSON.stringify(service.terminalCondition)}`;
  }
  return undefined;
}

const MAX_ROUNDS = 3;

/** The names and modification times of the bundle's files: changes when it is rebuilt. */
async function bundleStamp(): Promise<string> {
  const dir = dirname(DIST);
  // Mid-rebuild the folder is briefly gone: a stamp that matches nothing makes the cell run again.
  const names = (await readdir(dir).catch(() => [`absent ${performance.now()}`])).sort();
  const times = await Promise.all(
    names.map(async (name) => (await stat(resolve(dir, name)).catch(() => undefined))?.mtimeMs),
  );
  return JSON.stringify([names, times]);
}

/** One run of a cell, and whether the bundle changed meanwhile. */
async function attempt(cell: Cell): Promise<{ result: CellResult; rebuilt: boolean }> {
  const before = await bundleStamp();
  let result: CellResult;
  try {
    result = await runCell(cell);
  } catch (error) {
    result = {
      cell,
      outcome: 'unexpected',
      expected: expectedOutcome(cell),
      code: null,
      seconds: 0,
      attempts: 0,
      fired: 0,
      detail: `the cell itself failed: ${error instanceof Error ? error.message : String(error)}`,
    };
  }
  return { result, rebuilt: (await bundleStamp()) !== before };
}

/** Runs `cells` at most `limit` at a time, in order of the input. */
export async function runCells(
  cells: readonly Cell[],
  limit: number,
  onResult: (result: CellResult) => void = () => {},
): Promise<CellResult[]> {
  const results: CellResult[] = new Array(cells.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < cells.length) {
      const index = next++;
      const cell = cells[index] as Cell;
      let result = await attempt(cell);
      // A cell that overlapped a rebuild of dist/ ran a half-written bundle: its result means nothing.
      for (let round = 1; result.rebuilt && round < MAX_ROUNDS; round++) result = await attempt(cell);
      if (result.rebuilt) throw new Error(`${DIST} kept being rebuilt during ${cellName(cell)}; run again.`);
      results[index] = result.result;
      onResult(result.result);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, cells.length) }, worker));
  return results;
}

const MARK: Readonly<Record<Outcome, string>> = {
  survived: '✅',
  'failed-cleanly': '🛑',
  unexpected: '❌',
};

/** Is the outcome one this cell may end in? */
export function acceptable(result: CellResult): boolean {
  if (result.outcome === 'unexpected') return false;
  return result.expected === undefined || result.expected === result.outcome;
}

function cellText(result: CellResult | undefined): string {
  if (result === undefined) return '·';
  const mismatch = acceptable(result) || result.outcome === 'unexpected' ? '' : ' ⚠';
  const slow = result.outcome === 'failed-cleanly' && result.seconds * 1000 > SLOW_FAILURE_MS ? ' 🐢' : '';
  return `${MARK[result.outcome]} ${result.attempts}× ${result.seconds}s${mismatch}${slow}`;
}

/** The matrix as Markdown: a grid of calls × faults, then every cell that needs a look. */
export function renderTable(results: readonly CellResult[]): string {
  const columns = FAULT_CLASSES.flatMap((fault) =>
    (['transient', 'persistent'] as const).map((persistence) => ({ fault, persistence })),
  );
  const header = `| call | ${columns.map((c) => `${c.fault} ${c.persistence === 'transient' ? 'T' : 'P'}`).join(' | ')} |`;
  const rule = `|---|${columns.map(() => '---').join('|')}|`;
  const calls = CALLS.filter((call) => results.some((result) => result.cell.call.id === call.id));
  const rows = calls.map((call) => {
    const cells = columns.map(({ fault, persistence }) =>
      cellText(
        results.find(
          (r) => r.cell.call.id === call.id && r.cell.fault === fault && r.cell.persistence === persistence,
        ),
      ),
    );
    return `| ${call.label} | ${cells.join(' | ')} |`;
  });
  const counts = (['survived', 'failed-cleanly', 'unexpected'] as const)
    .map((outcome) => `${results.filter((r) => r.outcome === outcome).length} ${outcome}`)
    .join(', ');
  const notes = results
    .filter((r) => !acceptable(r) || (r.outcome === 'failed-cleanly' && r.seconds * 1000 > SLOW_FAILURE_MS))
    .map(
      (r) =>
        `- **${cellName(r.cell)}**: ${r.outcome}${r.expected !== undefined && r.expected !== r.outcome ? ` (expected ${r.expected})` : ''}, exit ${String(r.code)}, ${r.attempts} requests, ${r.seconds} s — ${r.detail.replace(/\|/g, '\\|')}`,
    );
  return [
    `${results.length} cells: ${counts}.`,
    '',
    header,
    rule,
    ...rows,
    '',
    `Legend: ✅ survived (exit 0, state right, one request more than the fault fired; a best-effort call may also make just one) · 🛑 failed cleanly (exit 1, the call and its last error named, nothing half-applied) · ❌ unexpected · ⚠ not the expected outcome · 🐢 clean failure slower than ${SLOW_FAILURE_MS / 1000} s. \`N× Ts\`: requests the emulator saw for the call, and the run's wall time. T = transient (the fault fires ${transientTimes('500')} times, a timeout once, then the call is healthy), P = persistent.`,
    '',
    notes.length === 0 ? 'Every cell ended as expected.' : `Cells to look at:\n\n${notes.join('\n')}`,
  ].join('\n');
}

const BEGIN = '<!-- fault-matrix:begin (generated by `node test/e2e/fault-matrix.ts --write`) -->';
const END = '<!-- fault-matrix:end -->';

/** Replaces the generated block of docs/reliability.md with `table`. */
export async function writeTable(table: string): Promise<string> {
  const file = resolve(dirname(fileURLToPath(import.meta.url)), '../../docs/reliability.md');
  const text = await readFile(file, 'utf8');
  const start = text.indexOf(BEGIN);
  const end = text.indexOf(END);
  if (start < 0 || end < start) throw new Error(`${file} has no ${BEGIN} … ${END} block to replace.`);
  await writeFile(file, `${text.slice(0, start + BEGIN.length)}\n${table}\n${text.slice(end)}`);
  return file;
}

async function main(args: readonly string[]): Promise<void> {
  const only = args.includes('--only') ? (args[args.indexOf('--only') + 1] ?? '').split(',') : undefined;
  const limitArg = args.includes('--concurrency') ? Number(args[args.indexOf('--concurrency') + 1]) : 8;
  const cells = allCells().filter((cell) => only === undefined || only.includes(cell.call.id));
  const started = performance.now();
  const results = await runCells(cells, limitArg, (result) =>
    process.stderr.write(
      `${cellName(result.cell)}: ${result.outcome} (${result.seconds} s) ${result.detail}\n`,
    ),
  );
  const table = renderTable(results);
  process.stdout.write(`${table}\n\nWall time: ${Math.round((performance.now() - started) / 1000)} s\n`);
  if (args.includes('--write')) process.stdout.write(`Written to ${await writeTable(table)}\n`);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await main(process.argv.slice(2));
