/**
 * The operation wait loop on a scripted operation and a fake clock: its schedule, its overall
 * bound and its tolerance of transient poll failures (the emulator tests cover the real client).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { OperationState, PendingOperation } from '../../src/apply/run-api.ts';
import { waitForOperation } from '../../src/apply/wait-operation.ts';
import { ActionError } from '../../src/errors.ts';

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
  it('polls early, then backs off ×1.5 up to 5 s', async () => {
    const { deps, sleeps } = clock();
    const operation = scripted([...Array<OperationState>(9).fill(PENDING), DONE]);
    assert.deepEqual(await waitForOperation(operation, 'deploy', 600_000, deps), DONE);
    assert.deepEqual(
      sleeps,
      [250, 375, 562.5, 843.75, 1265.625, 1898.4375, 2847.65625, 4271.484375, 5000, 5000],
    );
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
