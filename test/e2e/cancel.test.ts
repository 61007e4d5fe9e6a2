/**
 * Issue #6, cancellation: the runner sends SIGINT (then SIGTERM 7.5 s later, then kills). The
 * bundled action, cancelled mid-run, stops waiting at once, leaves traffic where it was, says what
 * it left, exits non-zero, leaks nothing; a re-run converges to the declared state.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type ActionRun, runAction, type SignalPlan } from './runner.ts';
import { CALLER, EXAMPLE_POLICY, IMAGE, mutations, World } from './world.ts';

/** The runner leaves 7.5 s between SIGINT and SIGTERM: the unwinding must take far less. */
const PROMPT_EXIT_MS = 2_000;
/** Long enough that the rollout cannot finish before the signal is handled. */
const SLOW_ROLLOUT_MS = 20_000;
const NORMAL_ROLLOUT_MS = 250;

function assertOk(run: ActionRun): void {
  assert.equal(run.code, 0, `the step failed:\n${run.stdout}\n${run.stderr}`);
}

/** The `::error::` line of a failed run, decoded (`%0A` is a newline in workflow commands). */
function failure(run: ActionRun): string {
  const line = run.stdout.split('\n').find((text) => text.startsWith('::error::')) ?? '';
  return line.slice('::error::'.length).replace(/%0A/g, '\n').replace(/%0D/g, '\r').replace(/%25/g, '%');
}

/** Asserts that the run ended on its own, non-zero, soon after the first signal. */
function assertCancelled(run: ActionRun, signal: string): void {
  const transcript = `${run.stdout}\n${run.stderr}`;
  assert.equal(run.signal, null, `killed by ${run.signal} instead of exiting:\n${transcript}`);
  assert.equal(run.code, 1, transcript);
  const first = run.sentSignals[0];
  assert.ok(first !== undefined, `no signal was sent:\n${transcript}`);
  const unwindMs = run.durationMs - first.atMs;
  assert.ok(unwindMs < PROMPT_EXIT_MS, `exited ${Math.round(unwindMs)} ms after ${first.signal}`);
  assert.match(run.stdout, new RegExp(`Received ${signal}: cancelling`));
  assert.match(failure(run), new RegExp(`^cancelled by ${signal}`));
  assert.match(failure(run), /\nFix: Re-run the workflow: it plans from what is there and converges\.$/);
  assert.match(run.summary, new RegExp(`cancelled by ${signal}`));
}

describe('cancellation, end to end', () => {
  let world: World;
  let serviceUrl = '';
  const runs: ActionRun[] = [];

  before(async () => {
    world = await World.start();
    const first = await world.deploy();
    runs.push(first);
    assertOk(first);
    serviceUrl = first.outputs.service_url ?? '';
  });

  after(async () => {
    for (const run of runs) assert.deepEqual(world.leaks(run), []);
    await world.close();
  });

  /** The revision and image answering the service URL now. */
  async function serving(): Promise<{ revision: string; image: string }> {
    const answer = await world.invoke(serviceUrl, CALLER);
    assert.equal(answer.status, 200, answer.body);
    return JSON.parse(answer.body) as { revision: string; image: string };
  }

  /** A deploy of `image` whose rollout is slow, signalled once it waits for the rollout. */
  async function cancelledDeploy(image: string, signals: readonly SignalPlan[]): Promise<ActionRun> {
    world.runControls().setOperationDuration(SLOW_ROLLOUT_MS);
    try {
      const run = await runAction({
        env: world.emulator.env(),
        inputs: { image },
        files: { '.github/cloud-run.yml': EXAMPLE_POLICY },
        signals,
        timeoutMs: 30_000,
      });
      runs.push(run);
      return run;
    } finally {
      world.runControls().setOperationDuration(NORMAL_ROLLOUT_MS);
    }
  }

  async function assertConverges(image: string): Promise<void> {
    const rerun = await world.deploy({ inputs: { image } });
    runs.push(rerun);
    assertOk(rerun);
    const now = await serving();
    assert.equal(now.image, image, `after the re-run the service serves ${now.image}`);
    assert.equal(now.revision, rerun.outputs.revision?.split('/').at(-1));
  }

  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    test(`${signal} while waiting for the rollout: stops, keeps the traffic, reports, then a re-run converges`, async () => {
      const before = await serving();
      const image = `${IMAGE}:cancel-${signal.toLowerCase()}`;
      // SIGINT is followed by a SIGTERM at once (the runner's escalation, compressed): it must
      // not cut the report short.
      const signals: SignalPlan[] =
        signal === 'SIGINT'
          ? [
              { signal: 'SIGINT', when: /Waiting for the/ },
              { signal: 'SIGTERM', when: /Received SIGINT: cancelling/ },
            ]
          : [{ signal: 'SIGTERM', when: /Waiting for the/ }];
      const run = await cancelledDeploy(image, signals);

      assertCancelled(run, signal);
      if (signal === 'SIGINT') assert.match(run.stdout, /Received SIGTERM while stopping/);
      assert.match(failure(run), /What the run left:\n- hello \(us-central1\): stopped: /);
      assert.match(failure(run), new RegExp(`before this run ${before.revision} served`));
      assert.deepEqual(await serving(), before, 'the cancelled deploy moved the traffic');

      await assertConverges(image);
    });
  }

  test('a signal during a slow token exchange abandons it at once and changes nothing', async () => {
    const before = await serving();
    world.emulator.log.clear();
    // The exchange hangs far longer than the unwinding may take: only abandoning it exits in time.
    world.emulator.faults.add({ api: 'sts', fault: { type: 'latency', ms: 10_000 } });
    let run: ActionRun;
    try {
      run = await cancelledDeploy(`${IMAGE}:cancel-early`, [
        { signal: 'SIGINT', when: /::group::Identity/, delayMs: 300 },
      ]);
    } finally {
      world.emulator.faults.clear();
    }
    assertCancelled(run, 'SIGINT');
    assert.match(failure(run), /^cancelled by SIGINT before the plan was made: nothing was changed/);
    assert.deepEqual(mutations(world.emulator), [], 'a run cancelled before its plan wrote something');
    assert.deepEqual(await serving(), before);
  });
});
