/**
 * The operation wait loop on a scripted operation and a fake clock: its schedule, its overall
 * bound, its tolerance of transient poll failures and its own budget for failing polls; and the
 * start of a deploy (create/update), repeated only when Google refused it unacted (the emulator
 * tests cover the real client).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { deployService } from '../../src/apply/deploy-service.ts';
import type { OperationState, PendingOperation, RunApi } from '../../src/apply/run-api.ts';
import {
  POLL_FAILURE_BUDGET_MS,
  POLL_FAILURES_IN_A_ROW,
  waitForOperation,
} from '../../src/apply/wait-operation.ts';
import { ActionError } from '../../src/errors.ts';
import { CALL_RETRY, type RetryDeps } from '../../src/google/retry.ts';
import type { RunService, TargetPlan } from '../../src/plan/types.ts';

function clock() {
  let now = 0;
  const sleeps: number[] = [];
  return {
    sleeps,
    deps: {
      now: () => now,
      sleep: async (ms: number) => {
        sleeps.push(ms);
        now += ms;
      },
      log: () => {},
    },
  };
}

function scripted(answers: (OperationState | Error)[]): PendingOperation & { polls: () => number } {
  let polls = 0;
  return {
    name: 'projects/p/locations/l/operations/op-1',
    initial: { done: false },
    polls: () => polls,
    async poll() {
      const answer = answers[Math.min(polls, answers.length - 1)];
      polls += 1;
      if (answer === undefined) throw new Error('script exhausted');
      if (answer instanceof Error) throw answer;
      return answer;
    },
  };
}

const PENDING: OperationState = { done: false };
const DONE: OperationState = { done: true, service: { name: 'svc' } };

describe('waitForOperation', () => {
  it('polls early, then backs off ×1.5 up to 2 s', async () => {
    const { deps, sleeps } = clock();
    const operation = scripted([...Array<OperationState>(9).fill(PENDING), DONE]);
    assert.deepEqual(await waitForOperation(operation, 'deploy', 600_000, deps), DONE);
    assert.deepEqual(sleeps, [100, 150, 225, 337.5, 506.25, 759.375, 1139.0625, 1708.59375, 2000, 2000]);
  });

  it("spaces polls from the previous poll's start, so a poll's round trip does not stretch the schedule", async () => {
    const { deps, sleeps } = clock();
    const starts: number[] = [];
    const answers = [PENDING, PENDING, PENDING, DONE];
    const slow: PendingOperation = {
      name: 'op-slow',
      initial: { done: false },
      async poll() {
        starts.push(deps.now());
        await deps.sleep(150);
        return answers[starts.length - 1] ?? DONE;
      },
    };
    assert.deepEqual(await waitForOperation(slow, 'deploy', 600_000, deps), DONE);
    // Starts 100, 150, 225, 337.5 apart; each poll's 150 ms leaves pauses of 0, 75 and 187.5.
    assert.deepEqual(starts, [100, 250, 475, 812.5]);
    assert.deepEqual(sleeps, [100, 150, 150, 75, 150, 187.5, 150]);
  });

  it('does not poll when the first answer is final', async () => {
    const { deps, sleeps } = clock();
    const operation = { ...scripted([]), initial: DONE };
    assert.deepEqual(await waitForOperation(operation, 'deploy', 1_000, deps), DONE);
    assert.deepEqual(sleeps, []);
  });

  it('gives up at the overall timeout with an actionable error', async () => {
    const { deps, sleeps } = clock();
    const operation = scripted([PENDING]);
    await assert.rejects(
      waitForOperation(operation, 'update of service hello', 10_000, deps),
      (error: unknown) => {
        assert.ok(error instanceof ActionError);
        assert.match(
          error.message,
          /timed out after 10 s waiting for update of service hello \(operation .*op-1\)/,
        );
        assert.match(error.remedy ?? '', /wait_timeout/);
        return true;
      },
    );
    assert.equal(
      sleeps.reduce((sum, ms) => sum + ms, 0),
      10_000,
    );
  });

  it('keeps polling through a transient poll failure, stops on a permanent one', async () => {
    const unavailable = Object.assign(new Error('unavailable'), { code: 14 });
    const { deps } = clock();
    assert.deepEqual(await waitForOperation(scripted([unavailable, DONE]), 'deploy', 60_000, deps), DONE);
    const denied = Object.assign(new Error('denied'), { code: 7 });
    await assert.rejects(waitForOperation(scripted([denied]), 'deploy', 60_000, clock().deps), /denied/);
  });
});

/** Errors as gax's REST transport throws them: gRPC `code`, and `httpStatusCode` when answered. */
function gaxError(code: number, message: string, httpStatusCode?: number): Error {
  return Object.assign(new Error(message), {
    code,
    ...(httpStatusCode === undefined ? {} : { httpStatusCode }),
  });
}
const UNAVAILABLE_503 = () => gaxError(14, 'The service is currently unavailable.', 503);
const QUOTA_429 = () => gaxError(8, 'Quota exceeded for quota metric and limit.', 429);
const INTERNAL_500 = () => gaxError(13, 'Internal error encountered.', 500);
/** A reset: gax reports UNAVAILABLE with no HTTP status (no answer came). */
const RESET = () => gaxError(14, 'request to http://x/v2/... failed, reason: socket hang up');

describe('waitForOperation: polls that keep failing', () => {
  it(`gives up after ${POLL_FAILURES_IN_A_ROW} failed polls in a row, naming the last error`, async () => {
    const { deps } = clock();
    const operation = scripted([UNAVAILABLE_503()]);
    await assert.rejects(
      waitForOperation(operation, 'update of service hello in us-central1', 600_000, deps),
      (error: unknown) => {
        assert.ok(error instanceof ActionError);
        assert.match(
          error.message,
          /waiting for update of service hello in us-central1: polling operation .*op-1 failed 5 times in a row, last with UNAVAILABLE: The service is currently unavailable\./,
        );
        assert.match(error.remedy ?? '', /may still finish/);
        return true;
      },
    );
    assert.equal(operation.polls(), POLL_FAILURES_IN_A_ROW);
  });

  it('a successful poll resets the count', async () => {
    const { deps } = clock();
    const flaky = [RESET(), RESET(), RESET(), RESET()];
    const operation = scripted([...flaky, PENDING, ...flaky, DONE]);
    assert.deepEqual(await waitForOperation(operation, 'deploy', 600_000, deps), DONE);
    assert.equal(operation.polls(), 10);
  });

  it('polls that each hang until their timeout give up once the failures have lasted the budget', async () => {
    const { deps } = clock();
    let polls = 0;
    const hanging: PendingOperation = {
      name: 'op-2',
      initial: { done: false },
      async poll() {
        polls++;
        await deps.sleep(10_000);
        throw gaxError(4, 'Deadline exceeded: GetOperation did not respond within 10000 milliseconds.');
      },
    };
    const started = deps.now();
    await assert.rejects(
      waitForOperation(hanging, 'deploy', 600_000, deps),
      /failed 2 times in a row, last with DEADLINE_EXCEEDED/,
    );
    assert.equal(polls, 2);
    assert.ok(deps.now() - started < POLL_FAILURE_BUDGET_MS + 2_000);
  });

  it('a permanent poll failure ends the wait at once, as an ActionError naming it', async () => {
    const { deps } = clock();
    const operation = scripted([gaxError(7, "Permission 'run.operations.get' denied", 403)]);
    await assert.rejects(waitForOperation(operation, 'deploy', 600_000, deps), (error: unknown) => {
      assert.ok(error instanceof ActionError);
      assert.match(error.message, /polling operation .* failed, last with PERMISSION_DENIED/);
      assert.match(error.remedy ?? '', /run\.operations\.get/);
      return true;
    });
    assert.equal(operation.polls(), 1);
  });
});

const TARGET = {
  service: 'hello',
  region: 'us-central1',
  name: 'projects/demo-project/locations/us-central1/services/hello',
};

function plan(action: 'create' | 'update'): TargetPlan {
  return {
    target: TARGET,
    action,
    changes: [],
    desired: { name: TARGET.name, etag: '"e1"', template: { revision: 'hello-00002-abc' } },
    revisionName: 'hello-00002-abc',
    previousRevision: action === 'create' ? undefined : `${TARGET.name}/revisions/hello-00001-xyz`,
    invokers: { managed: false, add: [], remove: [], keep: [], policy: undefined },
    release: { kind: 'deploy', tag: undefined, noTraffic: false, canary: undefined },
  };
}

const SERVING: RunService = {
  name: TARGET.name,
  latestReadyRevision: `${TARGET.name}/revisions/hello-00002-abc`,
  terminalCondition: { state: 'CONDITION_SUCCEEDED' },
};

/** A RunApi whose writes answer from a script; everything else is unused by deployService here. */
function writesFrom(script: readonly (Error | 'ok')[]): RunApi & { writes: () => number } {
  let writes = 0;
  const write = async (): Promise<PendingOperation> => {
    const answer = script[Math.min(writes, script.length - 1)];
    writes++;
    if (answer instanceof Error) throw answer;
    return { name: 'op-3', initial: { done: true, service: SERVING }, poll: async () => ({ done: false }) };
  };
  const unused = async (): Promise<never> => {
    throw new Error('not called in these tests');
  };
  return {
    writes: () => writes,
    createService: write,
    updateService: write,
    getService: unused,
    getRevision: async () => undefined,
    getIamPolicy: unused,
    setIamPolicy: unused,
    close: async () => {},
  };
}

function retryDeps(): RetryDeps & { logs: string[] } {
  const { deps } = clock();
  const logs: string[] = [];
  return { ...deps, random: () => 0.5, log: (message) => logs.push(message), logs };
}

const OPTIONS = { validateOnly: false, waitTimeoutSeconds: 60 };

describe('deployService: starting the write', () => {
  for (const action of ['create', 'update'] as const) {
    for (const [label, refusal] of [
      ['429', QUOTA_429],
      ['503', UNAVAILABLE_503],
    ] as const) {
      it(`${action}: a ${label} (refused unacted) is repeated, and the repeat deploys`, async () => {
        const api = writesFrom([refusal(), refusal(), 'ok']);
        const deps = retryDeps();
        const outcome = await deployService(api, plan(action), OPTIONS, deps);
        assert.equal(outcome.changed, true);
        assert.equal(api.writes(), 3);
        assert.match(
          deps.logs[0] ?? '',
          new RegExp(`${action === 'create' ? 'creating' : 'updating'} service .* failed \\(attempt 1\\)`),
        );
      });
    }
  }

  it('a persistent 503 fails after a bounded number of attempts, naming the call and the error', async () => {
    const api = writesFrom([UNAVAILABLE_503()]);
    await assert.rejects(deployService(api, plan('update'), OPTIONS, retryDeps()), (error: unknown) => {
      assert.ok(error instanceof ActionError);
      assert.match(
        error.message,
        /^updating service projects\/demo-project\/.*\/services\/hello failed: UNAVAILABLE/,
      );
      return true;
    });
    assert.equal(api.writes(), CALL_RETRY.maxAttempts);
  });

  it('a create whose repeat meets ALREADY_EXISTS is a conflict, never a success', async () => {
    const api = writesFrom([UNAVAILABLE_503(), gaxError(6, 'Resource already exists.', 409)]);
    await assert.rejects(deployService(api, plan('create'), OPTIONS, retryDeps()), (error: unknown) => {
      assert.ok(error instanceof ActionError);
      assert.match(
        error.message,
        /service hello in us-central1 changed since it was read \(create refused: Resource already exists\.\); nothing was overwritten/,
      );
      assert.match(error.remedy ?? '', /Re-run/);
      return true;
    });
    assert.equal(api.writes(), 2);
  });

  for (const [label, unknown] of [
    ['a reset', RESET],
    ['a 500', INTERNAL_500],
    ['a timeout', () => gaxError(4, 'Deadline exceeded')],
  ] as const) {
    it(`${label} is not repeated: the write may have happened, and the error says so`, async () => {
      const api = writesFrom([unknown(), 'ok']);
      await assert.rejects(deployService(api, plan('update'), OPTIONS, retryDeps()), (error: unknown) => {
        assert.ok(error instanceof ActionError);
        assert.match(
          error.message,
          /^updating service .*hello failed: .*\(the update may or may not have been applied\)$/,
        );
        assert.match(
          error.remedy ?? '',
          /gcloud run services describe hello --region=us-central1 --project=demo-project/,
        );
        return true;
      });
      assert.equal(api.writes(), 1);
    });
  }
});
