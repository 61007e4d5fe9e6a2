/**
 * The virtual clock of the in-process fault matrix: sleeps end at once in real time and move the
 * clock to their ends, in the order of their ends, and real time keeps counting.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createVirtualClock } from './virtual-clock.ts';

/** A real clock the test moves by hand. */
function manualTime(start = 1_000_000) {
  let now = start;
  return {
    now: () => now,
    pass(ms: number): void {
      now += ms;
    },
  };
}

describe('virtual clock', () => {
  it('ends a sleep without waiting it out, with the clock at its end', async () => {
    const clock = createVirtualClock();
    const started = clock.now();
    const real = performance.now();
    await clock.sleep(60_000);
    assert.ok(clock.now() - started >= 60_000);
    assert.ok(performance.now() - real < 1_000, 'a minute of sleep took well under a second');
    assert.ok(clock.skippedMs() >= 59_000);
  });

  it('moves to the end of sleeps taken together, not to the sum of them', async () => {
    const time = manualTime();
    const clock = createVirtualClock({ realNow: time.now });
    const started = clock.now();
    await Promise.all([clock.sleep(1_000), clock.sleep(1_000), clock.sleep(400)]);
    assert.equal(clock.now() - started, 1_000);
  });

  it('wakes sleepers in the order of their ends, a later and shorter one before an earlier and longer one', async () => {
    const time = manualTime();
    const clock = createVirtualClock({ realNow: time.now });
    const started = clock.now();
    const woke: [string, number][] = [];
    const nap = async (name: string, ms: number) => {
      await clock.sleep(ms);
      woke.push([name, clock.now() - started]);
    };
    await Promise.all([
      nap('long', 3_000),
      (async () => {
        await nap('short', 1_000);
        await nap('after short', 500);
      })(),
    ]);
    assert.deepEqual(woke, [
      ['short', 1_000],
      ['after short', 1_500],
      ['long', 3_000],
    ]);
  });

  it('counts real time: a sleep that real time already covered does not move the clock', async () => {
    const time = manualTime();
    const clock = createVirtualClock({ realNow: time.now });
    const started = clock.now();
    const sleeping = clock.sleep(1_000);
    time.pass(5_000); // e.g. a request that waited out its deadline meanwhile
    await sleeping;
    assert.equal(clock.now() - started, 5_000);
    assert.equal(clock.skippedMs(), 0);
    await clock.sleep(2_000);
    assert.equal(clock.now() - started, 7_000);
  });
});
