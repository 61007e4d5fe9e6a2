/**
 * One cell of the fault matrix: a fresh emulator set up for the call's scenario, the fault
 * injected on that one call, one run of the action, and the judgement. The run is either the
 * bundled action in its own process (`World`) or `run(deps)` in this thread (in-process stage).
 */
import type { RunControls } from '../emulator/apis/run/plugin.ts';
import type { Faults } from '../emulator/core/faults.ts';
import { addMember } from '../emulator/iam/edits.ts';
import {
  type Cell,
  expectedOutcome,
  faultKind,
  GATE,
  type Outcome,
  RUN_LIMIT_MS,
  transientTimes,
  WAIT_TIMEOUT,
} from './matrix-cells.ts';
import { type Before, type Counts, type HasEmulator, judge } from './matrix-judge.ts';
import type { ActionRun } from './runner.ts';
import { CALLER, DEPLOYER, type DeployOptions, EXAMPLE_POLICY, IMAGE, OUTSIDER, SERVICE } from './world.ts';

/** A fresh emulator and a way to run the action against it. */
export interface Stage extends HasEmulator {
  deploy(options: DeployOptions): Promise<ActionRun>;
  close(): Promise<void>;
}

export interface CellResult {
  readonly cell: Cell;
  readonly outcome: Outcome;
  /** What this cell should end in; `undefined` when both survived and failed-cleanly are right. */
  readonly expected: Outcome | undefined;
  readonly code: number | null;
  /** The run's duration as the user would wait it (in-process: real time plus skipped sleeps). */
  readonly seconds: number;
  /** Requests the emulator saw for the faulted call. */
  readonly attempts: number;
  /** How often the fault fired. */
  readonly fired: number;
  readonly detail: string;
}

const INVOKERS_LINE = '      - serviceAccount:caller@demo-project.iam.gserviceaccount.com';
/** The example policy with the deployer among the invokers: a private canary's health check calls as it. */
const CANARY_POLICY = EXAMPLE_POLICY.replace(
  INVOKERS_LINE,
  `${INVOKERS_LINE}\n      - serviceAccount:${DEPLOYER}`,
);

const CANARY_INPUTS = {
  canary_steps: GATE.steps,
  canary_wait: '0s',
  health_check_path: GATE.path,
  health_check_requests: String(GATE.requests),
  health_check_success_ratio: String(GATE.successRatio),
  health_check_timeout: GATE.timeout,
} as const;

/** What the faulted run is, and what the set-up left. */
interface Prepared {
  readonly policy: string;
  readonly inputs: Readonly<Record<string, string | undefined>>;
  readonly before: Before;
}

const member = (email: string) => `serviceAccount:${email}`;

async function setUpDeploy(stage: Stage, policy: string, image: string): Promise<string> {
  const run = await stage.deploy({ policy, inputs: { image, wait_timeout: WAIT_TIMEOUT } });
  if (run.code !== 0) throw new Error(`the set-up deploy of ${image} failed:\n${run.stdout}\n${run.stderr}`);
  return run.outputs.revision ?? '';
}

/** Sets the cell's world up: nothing, one deploy with a drifted invoker, or two deploys. */
async function prepare(stage: Stage, cell: Cell): Promise<Prepared> {
  const v1 = `${IMAGE}:v1`;
  const v2 = `${IMAGE}:v2`;
  const drift = () =>
    stage.emulator.iam.editBindings(SERVICE, addMember('roles/run.invoker', member(OUTSIDER)));
  switch (cell.call.scenario) {
    case 'create':
      return {
        policy: EXAMPLE_POLICY,
        inputs: { image: v1 },
        before: { invokers: [], declared: [member(CALLER)], serving: undefined, image: v1 },
      };
    case 'update': {
      const serving = await setUpDeploy(stage, EXAMPLE_POLICY, v1);
      drift();
      return {
        policy: EXAMPLE_POLICY,
        inputs: { image: v2 },
        before: {
          invokers: [member(CALLER), member(OUTSIDER)].sort(),
          declared: [member(CALLER)],
          serving,
          image: v2,
        },
      };
    }
    case 'canary': {
      const serving = await setUpDeploy(stage, CANARY_POLICY, v1);
      drift();
      const declared = [member(CALLER), member(DEPLOYER)].sort();
      return {
        policy: CANARY_POLICY,
        inputs: { image: v2, ...CANARY_INPUTS },
        before: { invokers: [...declared, member(OUTSIDER)].sort(), declared, serving, image: v2 },
      };
    }
    case 'rollback': {
      const target = await setUpDeploy(stage, EXAMPLE_POLICY, v1);
      const serving = await setUpDeploy(stage, EXAMPLE_POLICY, v2);
      // A rollback leaves the invokers alone: they stay as declared.
      const invokers = [member(CALLER)];
      return {
        policy: EXAMPLE_POLICY,
        inputs: { image: undefined, rollback_to: target },
        before: { invokers, declared: invokers, serving, image: v1, target },
      };
    }
  }
}

function runControls(stage: Stage): RunControls {
  const controls = stage.emulator.plugin('run')?.controls;
  if (controls === undefined) throw new Error('the emulator has no Cloud Run plug-in');
  return controls as RunControls;
}

/** Injects the cell's fault; the returned function counts, once the run is over, what happened. */
function inject(stage: Stage, cell: Cell): () => Counts {
  const { call } = cell;
  const spec = {
    method: call.method,
    path: call.path,
    fault: faultKind(cell.fault),
    ...(cell.persistence === 'transient' ? { times: transientTimes(cell.fault) } : {}),
  };
  if (call.api === 'serving') {
    const table: Faults = runControls(stage).servingFaults;
    const id = table.add(spec);
    // Serving requests are not in the request log: a no-op fault behind the real one counts
    // every request it lets through (the first live matching fault takes a request).
    const counter = table.add({ method: call.method, path: call.path, fault: { type: 'latency', ms: 0 } });
    return () => {
      const fired = (which: number) => table.list().find((fault) => fault.id === which)?.fired ?? 0;
      const counts = { attempts: fired(id) + fired(counter), fired: fired(id) };
      table.clear();
      return counts;
    };
  }
  const { faults, log } = stage.emulator;
  const id = faults.add({ api: call.api, ...spec });
  return () => {
    const fired = faults.list().find((fault) => fault.id === id)?.fired ?? 0;
    faults.clear();
    const pattern = new RegExp(call.path);
    const attempts = log
      .entries()
      .filter(
        (entry) => entry.api === call.api && entry.method === call.method && pattern.test(entry.path),
      ).length;
    return { attempts, fired };
  };
}

export async function runCell(cell: Cell, start: () => Promise<Stage>): Promise<CellResult> {
  const stage = await start();
  try {
    const prepared = await prepare(stage, cell);
    stage.emulator.log.clear();
    const counted = inject(stage, cell);
    const run = await stage.deploy({
      policy: prepared.policy,
      inputs: { ...prepared.inputs, wait_timeout: WAIT_TIMEOUT },
      timeoutMs: RUN_LIMIT_MS,
    });
    const counts = counted();
    const judged = await judge(stage, cell, run, prepared.before, counts);
    return {
      cell,
      ...judged,
      expected: expectedOutcome(cell),
      code: run.code,
      seconds: Math.round(run.durationMs / 100) / 10,
      ...counts,
    };
  } finally {
    await stage.close();
  }
}

/** The result of a cell that could not be run at all. */
export function brokenCell(cell: Cell, error: unknown): CellResult {
  return {
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
