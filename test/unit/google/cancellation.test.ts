/** Cancellation of waits and request attempts: prompt rejection, the right words, no timer left. */
import assert from 'node:assert/strict';
import { getEventListeners } from 'node:events';
import { describe, test } from 'node:test';
import { ActionError, withContext } from '../../../src/errors.ts';
import {
  CANCELLED_REMEDY,
  CancelledError,
  cancellableSleep,
  cancellation,
  isCancellation,
  untilCancelled,
} from '../../../src/google/cancellation.ts';
import { isTransient } from '../../../src/google/errors.ts';
import { type RetryDeps, type RetryPolicy, withDeadline, withRetry } from '../../../src/google/retry.ts';

/** A regression that hangs fails the test instead of the whole run. */
const BOUNDED = { timeout: 5_000 };

/** Far below every wait these tests cancel (10 s and more), yet lenient to a loaded machine. */
const PROMPT_MS = 1_000;

const SIGINT = () => new CancelledError('cancelled by SIGINT', { remedy: CANCELLED_REMEDY });

/** Aborts `controller` after `ms` with the process handler's reason. */
function abortAfter(controller: AbortController, ms: number): void {
  setTimeout(() => controller.abort(SIGINT()), ms);
}

function timers(): number {
  return process.getActiveResourcesInfo().filter((kind) => kind === 'Timeout').length;
}

/** Settles `promise`, returning the rejection and how long it took from now. */
async function rejection(promise: Promise<unknown>): Promise<{ error: unknown; ms: number }> {
  const started = performance.now();
  try {
    await promise;
  } catch (error) {
    return { error, ms: performance.now() - started };
  }
  assert.fail('expected a rejection');
}

const never = (): Promise<never> => new Promise<never>(() => undefined);

function retryDeps(signal: AbortSignal, logs: string[] = []): RetryDeps {
  return {
    sleep: cancellableSleep(signal),
    random: () => 0.999,
    now: () => Date.now(),
    log: (message) => logs.push(message),
    signal,
  };
}

const slowPolicy: RetryPolicy = { maxAttempts: 5, budgetMs: 60_000, baseDelayMs: 10_000, maxDelayMs: 10_000 };

function unavailable(): Error {
  return Object.assign(new Error('status 503'), { status: 503, response: { status: 503, data: '' } });
}

describe('cancellableSleep', () => {
  test('sleeps its time when nothing aborts', BOUNDED, async () => {
    const started = performance.now();
    await cancellableSleep(new AbortController().signal)(30);
    assert.ok(performance.now() - started >= 25);
  });

  test('rejects at once with the cancellation, and clears its timer', BOUNDED, async () => {
    const controller = new AbortController();
    const before = timers();
    const sleeping = cancellableSleep(controller.signal)(60_000);
    abortAfter(controller, 10);
    const { error, ms } = await rejection(sleeping);
    assert.ok(error instanceof CancelledError);
    assert.equal(error.message, 'cancelled by SIGINT');
    assert.ok(ms < PROMPT_MS, `took ${ms} ms`);
    assert.equal(timers(), before, 'the sleep left a timer behind');
    assert.equal(getEventListeners(controller.signal, 'abort').length, 0);
  });

  test('an aborted signal rejects before any timer starts', BOUNDED, async () => {
    const controller = new AbortController();
    controller.abort(SIGINT());
    const before = timers();
    const sleeping = cancellableSleep(controller.signal)(60_000);
    assert.equal(timers(), before);
    assert.ok(isCancellation((await rejection(sleeping)).error));
  });

  test('a finished sleep leaves no abort listener', BOUNDED, async () => {
    const controller = new AbortController();
    await cancellableSleep(controller.signal)(1);
    assert.equal(getEventListeners(controller.signal, 'abort').length, 0);
  });
});

describe('untilCancelled', () => {
  test('passes the work’s value and failure through, then stops listening', BOUNDED, async () => {
    const controller = new AbortController();
    assert.equal(await untilCancelled(Promise.resolve(7), controller.signal), 7);
    await assert.rejects(untilCancelled(Promise.reject(new Error('boom')), controller.signal), /boom/);
    assert.equal(getEventListeners(controller.signal, 'abort').length, 0);
  });

  test('rejects at once on abort with the error made for it', BOUNDED, async () => {
    const controller = new AbortController();
    abortAfter(controller, 10);
    const { error, ms } = await rejection(
      untilCancelled(never(), controller.signal, () => new Error('stopped waiting')),
    );
    assert.equal((error as Error).message, 'stopped waiting');
    assert.ok(ms < PROMPT_MS, `took ${ms} ms`);
  });

  test('an already aborted signal rejects without waiting for the work', BOUNDED, async () => {
    const controller = new AbortController();
    controller.abort(SIGINT());
    const { error } = await rejection(untilCancelled(never(), controller.signal));
    assert.ok(error instanceof CancelledError);
  });
});

describe('cancellation and isCancellation', () => {
  test('a reason that is not a CancelledError becomes one', BOUNDED, () => {
    const controller = new AbortController();
    controller.abort();
    const error = cancellation(controller.signal);
    assert.ok(error instanceof CancelledError);
    assert.match(error.message, /^cancelled \(This operation was aborted\)$/);
    assert.equal(error.remedy, CANCELLED_REMEDY);
  });

  test('is found through layers of context, and is never transient', BOUNDED, () => {
    const wrapped = withContext('updating service s', withContext('step 1', SIGINT()));
    assert.ok(isCancellation(wrapped));
    assert.ok(!isCancellation(new ActionError('other', { cause: new Error('x') })));
    assert.ok(!isTransient(SIGINT()));
  });
});

describe('withRetry under cancellation', () => {
  test('sends nothing once cancelled', BOUNDED, async () => {
    const controller = new AbortController();
    controller.abort(SIGINT());
    let calls = 0;
    const { error } = await rejection(
      withRetry('updating service s', async () => ++calls, retryDeps(controller.signal), { write: true }),
    );
    assert.equal(calls, 0);
    assert.ok(error instanceof CancelledError);
    assert.equal(error.message, 'cancelled by SIGINT; updating service s: not started');
    assert.equal(error.remedy, CANCELLED_REMEDY);
  });

  test('abandons a read in flight at once', BOUNDED, async () => {
    const controller = new AbortController();
    abortAfter(controller, 10);
    const { error, ms } = await rejection(
      withRetry('reading service s', never, retryDeps(controller.signal)),
    );
    assert.ok(ms < PROMPT_MS, `took ${ms} ms`);
    assert.equal((error as Error).message, 'cancelled by SIGINT; reading service s: abandoned in flight');
  });

  test('says a write in flight was sent and its outcome is unknown', BOUNDED, async () => {
    const controller = new AbortController();
    abortAfter(controller, 10);
    const { error } = await rejection(
      withRetry('updating service s', never, retryDeps(controller.signal), { write: true }),
    );
    assert.equal(
      (error as Error).message,
      'cancelled by SIGINT; updating service s: the request was sent; its outcome is unknown',
    );
  });

  test('stops a backoff wait at once, names the failed attempt, and leaves no timer', BOUNDED, async () => {
    const controller = new AbortController();
    const before = timers();
    let calls = 0;
    const logs: string[] = [];
    const retrying = withRetry(
      'reading service s',
      async () => {
        calls++;
        abortAfter(controller, 10);
        throw unavailable();
      },
      retryDeps(controller.signal, logs),
      { policy: slowPolicy },
    );
    const { error, ms } = await rejection(retrying);
    assert.ok(ms < PROMPT_MS, `took ${ms} ms`);
    assert.equal(calls, 1);
    assert.match(logs[0] ?? '', /retrying in 10\.0 s/);
    assert.equal(
      (error as Error).message,
      'cancelled by SIGINT; reading service s: not retried after attempt 1 failed (status 503)',
    );
    assert.equal(timers(), before, 'the backoff left a timer behind');
  });

  test('does not retry a failure that comes with the cancellation', BOUNDED, async () => {
    const controller = new AbortController();
    let calls = 0;
    const { error } = await rejection(
      withRetry(
        'reading service s',
        async () => {
          calls++;
          controller.abort(SIGINT());
          throw unavailable();
        },
        retryDeps(controller.signal),
      ),
    );
    assert.equal(calls, 1);
    assert.ok(isCancellation(error));
  });

  test('honours the signal even when the injected sleep does not', BOUNDED, async () => {
    const controller = new AbortController();
    const deps: RetryDeps = { ...retryDeps(controller.signal), sleep: () => never() };
    const { error, ms } = await rejection(
      withRetry(
        'reading service s',
        async () => {
          abortAfter(controller, 10);
          throw unavailable();
        },
        deps,
        { policy: slowPolicy },
      ),
    );
    assert.ok(ms < PROMPT_MS, `took ${ms} ms`);
    assert.ok(isCancellation(error));
  });
});

describe('withDeadline under cancellation', () => {
  test('rejects at once on abort and clears its deadline timer', BOUNDED, async () => {
    const controller = new AbortController();
    const before = timers();
    abortAfter(controller, 10);
    const { error, ms } = await rejection(
      withDeadline(never, 60_000, 'STS token exchange', controller.signal),
    );
    assert.ok(ms < PROMPT_MS, `took ${ms} ms`);
    assert.equal((error as Error).message, 'cancelled by SIGINT; STS token exchange: abandoned in flight');
    assert.equal(timers(), before, 'the deadline timer was left running');
  });

  test('does not start the request once cancelled', BOUNDED, async () => {
    const controller = new AbortController();
    controller.abort(SIGINT());
    let started = false;
    const { error } = await rejection(
      withDeadline(
        async () => {
          started = true;
        },
        1000,
        'STS token exchange',
        controller.signal,
      ),
    );
    assert.equal(started, false);
    assert.equal((error as Error).message, 'cancelled by SIGINT; STS token exchange: not started');
  });

  test('without a signal it still times out as before', BOUNDED, async () => {
    const { error } = await rejection(withDeadline(never, 20, 'STS token exchange'));
    assert.ok(isTransient(error));
  });
});
