import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { isTransient } from '../../../src/google/errors.ts';
import {
  backoffMs,
  CALL_RETRY,
  REQUEST_TIMEOUT_MS,
  type RetryDeps,
  type RetryPolicy,
  withDeadline,
  withRetry,
} from '../../../src/google/retry.ts';

const policy: RetryPolicy = { maxAttempts: 4, budgetMs: 10_000, baseDelayMs: 1000, maxDelayMs: 3000 };

function fakeDeps(random = 0.5): RetryDeps & { clock: number; sleeps: number[]; logs: string[] } {
  const state = {
    clock: 1_000_000,
    sleeps: [] as number[],
    logs: [] as string[],
    sleep: async (ms: number) => {
      state.sleeps.push(ms);
      state.clock += ms;
    },
    random: () => random,
    now: () => state.clock,
    log: (message: string) => {
      state.logs.push(message);
    },
  };
  return state;
}

function httpError(status: number, headers: Record<string, string> = {}): Error {
  return Object.assign(new Error(`status ${status}`), {
    status,
    response: { status, data: '', headers: new Headers(headers) },
  });
}

describe('backoffMs', () => {
  const table: ReadonlyArray<readonly [number, number, number]> = [
    [1, 0.5, 500],
    [2, 0.5, 1000],
    [3, 0.5, 1500],
    [4, 0.5, 1500],
    [3, 0, 0],
    [10, 0.999, 2997],
  ];
  for (const [failures, random, expected] of table) {
    test(`attempt ${failures}, random ${random} → ${expected}`, () =>
      assert.equal(
        backoffMs(failures, policy, () => random),
        expected,
      ));
  }
});

describe('withRetry', () => {
  test('returns the first success and logs each retry', async () => {
    const deps = fakeDeps();
    let calls = 0;
    const result = await withRetry(
      'exchange',
      async () => {
        calls++;
        if (calls < 3) throw httpError(503);
        return 'ok';
      },
      deps,
      { policy },
    );
    assert.equal(result, 'ok');
    assert.equal(calls, 3);
    assert.deepEqual(deps.sleeps, [500, 1000]);
    assert.equal(deps.logs.length, 2);
    assert.match(deps.logs[0] ?? '', /exchange failed \(attempt 1\): status 503; retrying in 0\.5 s/);
  });

  for (const status of [400, 401, 403, 404]) {
    test(`never retries ${status}`, async () => {
      const deps = fakeDeps();
      let calls = 0;
      await assert.rejects(
        withRetry(
          'call',
          async () => {
            calls++;
            throw httpError(status);
          },
          deps,
          { policy },
        ),
        /status/,
      );
      assert.equal(calls, 1);
      assert.deepEqual(deps.sleeps, []);
    });
  }

  test('stops after maxAttempts with the last error', async () => {
    const deps = fakeDeps();
    let calls = 0;
    await assert.rejects(
      withRetry(
        'call',
        async () => {
          calls++;
          throw httpError([502, 503, 504, 500][calls - 1] ?? 500);
        },
        deps,
        { policy },
      ),
      /status 500/,
    );
    assert.equal(calls, 4);
    assert.match(deps.logs.at(-1) ?? '', /giving up/);
  });

  test('stops when the next wait would exceed the budget', async () => {
    const deps = fakeDeps(0.999);
    let calls = 0;
    const start = deps.clock;
    await assert.rejects(
      withRetry(
        'call',
        async () => {
          calls++;
          deps.clock += 3000; // each attempt takes 3 s
          throw httpError(503);
        },
        deps,
        { policy },
      ),
    );
    // Attempts start at 0, 3.999 and 8.997 s; a fourth would start past the 10 s budget.
    assert.equal(calls, 3);
    assert.ok(deps.clock - start <= policy.budgetMs + 3000, 'never starts an attempt past the budget');
  });

  test('waits at least Retry-After', async () => {
    const deps = fakeDeps(0);
    let calls = 0;
    await withRetry(
      'call',
      async () => {
        calls++;
        if (calls === 1) throw httpError(429, { 'retry-after': '4' });
        return 1;
      },
      deps,
      { policy },
    );
    assert.deepEqual(deps.sleeps, [4000]);
  });

  test('gives up at once when Retry-After is past the budget', async () => {
    const deps = fakeDeps(0);
    let calls = 0;
    await assert.rejects(
      withRetry(
        'call',
        async () => {
          calls++;
          throw httpError(503, { 'retry-after': '60' });
        },
        deps,
        { policy },
      ),
    );
    assert.equal(calls, 1);
    assert.deepEqual(deps.sleeps, []);
  });

  test('a custom predicate decides what is retried', async () => {
    const deps = fakeDeps();
    let calls = 0;
    await withRetry(
      'call',
      async () => {
        calls++;
        if (calls === 1) throw new Error('flaky');
        return 1;
      },
      deps,
      { policy, retryable: (error) => error instanceof Error && error.message === 'flaky' },
    );
    assert.equal(calls, 2);
  });
});

describe('withDeadline', () => {
  test('passes a prompt answer through', async () => {
    assert.equal(await withDeadline(async () => 7, 1000, 'call'), 7);
  });
  test('rejects a hanging call with a transient TimeoutError', async () => {
    const hanging = new Promise<never>(() => {});
    await assert.rejects(
      withDeadline(() => hanging, 20, 'STS token exchange'),
      (error: unknown) => {
        assert.ok(error instanceof DOMException);
        assert.equal(error.name, 'TimeoutError');
        assert.match(error.message, /STS token exchange got no answer within 0.0 s/);
        assert.equal(isTransient(error), true);
        return true;
      },
    );
  });
  test('passes a failure through', async () => {
    await assert.rejects(
      withDeadline(() => Promise.reject(new Error('no')), 1000, 'call'),
      /no/,
    );
  });
});

describe('withRetry never retries 400/401/403, whatever the predicate says', () => {
  for (const status of [400, 401, 403]) {
    test(`${status}`, async () => {
      let calls = 0;
      await assert.rejects(
        withRetry(
          'call',
          async () => {
            calls++;
            throw httpError(status);
          },
          fakeDeps(),
          { policy, retryable: () => true },
        ),
      );
      assert.equal(calls, 1);
    });
  }
});

describe('CALL_RETRY with REQUEST_TIMEOUT_MS per attempt', () => {
  const timedOut = () => new DOMException('no answer', 'TimeoutError');
  /** Every attempt costs `cost` ms of the fake clock, then fails with `error()`. */
  async function persistent(cost: number, error: () => unknown, random: number) {
    const deps = fakeDeps(random);
    const started = deps.clock;
    let attempts = 0;
    await assert.rejects(
      withRetry(
        'call',
        async () => {
          attempts++;
          deps.clock += cost;
          throw error();
        },
        deps,
        { policy: CALL_RETRY },
      ),
    );
    return { attempts, elapsed: deps.clock - started };
  }

  for (const random of [0, 0.5, 0.999]) {
    test(`a call that never answers gets a second attempt and ends within 30 s (random ${random})`, async () => {
      const { attempts, elapsed } = await persistent(REQUEST_TIMEOUT_MS, timedOut, random);
      assert.ok(attempts >= 2, `${attempts} attempts`);
      assert.ok(elapsed < 25_000, `${elapsed} ms`);
    });
  }

  test('a persistent 429 with Retry-After: 1 ends within the budget, one request per attempt', async () => {
    const { attempts, elapsed } = await persistent(50, () => httpError(429, { 'retry-after': '1' }), 0.999);
    assert.ok(attempts >= 3 && attempts <= CALL_RETRY.maxAttempts, `${attempts} attempts`);
    assert.ok(elapsed < CALL_RETRY.budgetMs + 1_000, `${elapsed} ms`);
  });
});
