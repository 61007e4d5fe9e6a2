/**
 * A clock for running the action in-process without waiting out its sleeps. Real time still
 * passes and counts (requests, request deadlines, latency), and each sleep ends by moving the
 * clock forward to its end instead of waiting for it. So every decision the action takes from
 * `now()` (retry budgets, poll schedules, wait_timeout) is the one it takes in real time, while a
 * run that would sleep a minute takes a fraction of a second.
 *
 * Sleeps end in the order of their ends, one at a time, each after a short real pause: the woken
 * task runs (and may sleep again, possibly ending sooner than the others still asleep), and short
 * requests of other tasks get their answers before the clock jumps. A task asleep while another
 * waits for a long answer (a latency fault) wakes first, as it would in real time.
 */

export interface VirtualClock {
  /** Milliseconds since the epoch: real time plus every sleep skipped so far. */
  now(): number;
  /** Resolves once the clock has reached its end (in real time: a short pause). */
  sleep(ms: number): Promise<void>;
  /** How far the clock is ahead of real time, in ms. */
  skippedMs(): number;
}

export interface VirtualClockOptions {
  /** Real pause before each sleep ends; 5 ms by default. */
  readonly pauseMs?: number;
  /** The real clock; `Date.now` by default. */
  readonly realNow?: () => number;
}

interface Sleeper {
  readonly end: number;
  readonly order: number;
  readonly wake: () => void;
}

export function createVirtualClock(options: VirtualClockOptions = {}): VirtualClock {
  const pauseMs = options.pauseMs ?? 5;
  const realNow = options.realNow ?? Date.now;
  let ahead = 0;
  let order = 0;
  const sleepers: Sleeper[] = [];
  let scheduled = false;
  const now = (): number => realNow() + ahead;

  const wakeFirst = (): void => {
    scheduled = false;
    sleepers.sort((a, b) => a.end - b.end || a.order - b.order);
    const first = sleepers.shift();
    if (first === undefined) return;
    ahead = Math.max(ahead, first.end - realNow());
    first.wake();
    schedule();
  };
  function schedule(): void {
    if (scheduled || sleepers.length === 0) return;
    scheduled = true;
    setTimeout(wakeFirst, pauseMs);
  }

  return {
    now,
    sleep: (ms) =>
      new Promise<void>((wake) => {
        sleepers.push({ end: now() + Math.max(0, ms), order: order++, wake });
        schedule();
      }),
    skippedMs: () => ahead,
  };
}
