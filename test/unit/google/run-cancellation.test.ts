/** The process side of cancellation: signals → abort, the watchdog, and the report of what was left. */
import assert from 'node:assert/strict';
import { EventEmitter, once } from 'node:events';
import { describe, test } from 'node:test';
import {
  cancelledRun,
  installCancellation,
  type PlannedTarget,
  type TargetEnd,
} from '../../../src/cancellation.ts';
import { CANCELLED_REMEDY, CancelledError } from '../../../src/google/cancellation.ts';

/** A regression that hangs fails the test instead of the whole run. */
const BOUNDED = { timeout: 5_000 };

function harness(graceMs = 60_000) {
  const source = new EventEmitter();
  const logs: string[] = [];
  const exits: number[] = [];
  const cancellation = installCancellation(source, {
    log: (line) => logs.push(line),
    exit: (code) => exits.push(code),
    graceMs,
  });
  return { source, logs, exits, cancellation };
}

describe('installCancellation', () => {
  test('the first signal aborts with a CancelledError naming it', BOUNDED, () => {
    const { source, logs, cancellation } = harness();
    assert.equal(cancellation.signal.aborted, false);
    source.emit('SIGINT', 'SIGINT');
    assert.equal(cancellation.signal.aborted, true);
    const reason: unknown = cancellation.signal.reason;
    assert.ok(reason instanceof CancelledError);
    assert.equal(reason.message, 'cancelled by SIGINT');
    assert.equal(reason.remedy, CANCELLED_REMEDY);
    assert.deepEqual(logs, [
      'Received SIGINT: cancelling. No new request starts and waits stop now; what the run left follows.',
    ]);
    cancellation.uninstall();
  });

  test('a later signal neither aborts again nor ends the process', BOUNDED, () => {
    const { source, logs, exits, cancellation } = harness();
    source.emit('SIGTERM', 'SIGTERM');
    source.emit('SIGINT', 'SIGINT');
    assert.equal((cancellation.signal.reason as Error).message, 'cancelled by SIGTERM');
    assert.equal(logs.length, 2);
    assert.match(logs[1] ?? '', /^Received SIGINT while stopping/);
    assert.deepEqual(exits, []);
    cancellation.uninstall();
  });

  test('the watchdog exits 1 when unwinding outlasts the grace', BOUNDED, async () => {
    const { source, logs, exits, cancellation } = harness(20);
    source.emit('SIGINT', 'SIGINT');
    await new Promise((resolve) => setTimeout(resolve, 80));
    assert.deepEqual(exits, [1]);
    assert.match(logs.at(-1) ?? '', /^Still stopping 0\.02 s after SIGINT: exiting now\.$/);
    cancellation.uninstall();
  });

  test('uninstall removes the handlers and stops the watchdog', BOUNDED, async () => {
    const { source, exits, cancellation } = harness(20);
    source.emit('SIGINT', 'SIGINT');
    cancellation.uninstall();
    assert.equal(source.listenerCount('SIGINT') + source.listenerCount('SIGTERM'), 0);
    await new Promise((resolve) => setTimeout(resolve, 60));
    assert.deepEqual(exits, []);
  });

  test('on the real process, a SIGTERM cancels instead of killing', BOUNDED, async () => {
    const lines: string[] = [];
    const cancellation = installCancellation(process, {
      log: (line) => lines.push(line),
      exit: () => undefined,
    });
    try {
      const aborted = once(cancellation.signal, 'abort');
      process.kill(process.pid, 'SIGTERM');
      await aborted;
      assert.equal((cancellation.signal.reason as Error).message, 'cancelled by SIGTERM');
    } finally {
      cancellation.uninstall();
    }
  });
});

const ref = (service: string, region: string) => ({
  service,
  region,
  name: `projects/p/locations/${region}/services/${service}`,
});
const REVISIONS = 'projects/p/locations/us-central1/services/hello/revisions';

describe('cancelledRun', () => {
  const reason = new CancelledError('cancelled by SIGINT', { remedy: CANCELLED_REMEDY });

  test('before the plan: nothing was changed', BOUNDED, () => {
    const error = cancelledRun(reason, undefined, []);
    assert.equal(error.message, 'cancelled by SIGINT before the plan was made: nothing was changed');
    assert.equal(error.remedy, CANCELLED_REMEDY);
    assert.equal(error.cause, reason);
  });

  test('one line per target: done with its traffic, stopped with where, not started', BOUNDED, () => {
    const planned: PlannedTarget[] = [
      { target: ref('hello', 'us-central1'), previousRevision: `${REVISIONS}/hello-00001` },
      {
        target: ref('api', 'europe-west1'),
        previousRevision: 'projects/p/locations/europe-west1/services/api/revisions/api-00003',
      },
      { target: ref('web', 'us-east1'), previousRevision: undefined },
      { target: ref('docs', 'us-east1'), previousRevision: undefined },
    ];
    const results: TargetEnd[] = [
      {
        target: ref('hello', 'us-central1'),
        status: 'deployed',
        error: undefined,
        outcome: {
          service: {
            trafficStatuses: [
              { type: 2, revision: `${REVISIONS}/hello-00002`, percent: 100 },
              { type: 2, revision: `${REVISIONS}/hello-00001`, percent: 0, tag: 'old' },
            ],
          },
        },
      },
      {
        target: ref('api', 'europe-west1'),
        status: 'failed',
        error:
          'cancelled by SIGINT; waiting for the update of service api in europe-west1: stopped waiting; Cloud Run carries on without us',
        outcome: undefined,
      },
      { target: ref('web', 'us-east1'), status: 'unchanged', error: undefined, outcome: undefined },
    ];
    const error = cancelledRun(reason, planned, results);
    assert.equal(
      error.message,
      [
        'cancelled by SIGINT. What the run left:',
        '- hello (us-central1): done; traffic: 100% hello-00002',
        '- api (europe-west1): stopped: cancelled by SIGINT; waiting for the update of service api in europe-west1: stopped waiting; Cloud Run carries on without us; before this run api-00003 served',
        '- web (us-east1): done, nothing to change; before this run no revision served',
        '- docs (us-east1): not started, nothing changed; before this run no revision served',
      ].join('\n'),
    );
    assert.equal(error.remedy, CANCELLED_REMEDY);
  });

  test('a deploy without a reported split falls back to what served before', BOUNDED, () => {
    const error = cancelledRun(
      reason,
      [{ target: ref('hello', 'us-central1'), previousRevision: `${REVISIONS}/hello-00001` }],
      [
        {
          target: ref('hello', 'us-central1'),
          status: 'deployed',
          error: undefined,
          outcome: { service: {} },
        },
      ],
    );
    assert.match(error.message, /- hello \(us-central1\): done; before this run hello-00001 served$/);
  });

  test('a reason that is not an Error still heads the report', BOUNDED, () => {
    assert.match(cancelledRun('SIGHUP', [], []).message, /^cancelled \(SIGHUP\)\. What the run left:/);
  });
});
