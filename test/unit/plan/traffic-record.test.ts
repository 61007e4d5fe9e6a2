import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ActionError } from '../../../src/errors.ts';
import {
  deployedByRun,
  EMPTY_RECORD,
  RELEASE_ANNOTATION,
  type ReleaseEntry,
  type ReleaseRecord,
  readReleaseRecord,
  withReleaseRecord,
} from '../../../src/plan/traffic-record.ts';

const RUN = { repository: 'acme/hello', runId: '42', runAttempt: '1' };
const RELEASED: ReleaseEntry = {
  action: 'rollback',
  revision: 'hello-00001-aaa',
  previous: 'hello-00003-ccc',
  run: { ...RUN, runId: '43' },
  at: '2026-11-28T14:05:00.000Z',
};
const RECORD: ReleaseRecord = {
  version: 1,
  deployed: { revision: 'hello-00003-ccc', run: RUN, sha: 'a'.repeat(40), at: '2026-11-28T14:00:00.000Z' },
  released: RELEASED,
};

describe('release record', () => {
  it('round-trips through the annotation and keeps the other annotations', () => {
    const annotations = withReleaseRecord({ 'example.com/owner': 'ops' }, RECORD);
    assert.equal(annotations['example.com/owner'], 'ops');
    assert.deepEqual(readReleaseRecord({ annotations }), RECORD);
  });

  it('uses a key Cloud Run v2 accepts (Kubernetes rules, no reserved prefix) and stays small', () => {
    const [prefix = '', name = '', ...rest] = RELEASE_ANNOTATION.split('/');
    assert.deepEqual(rest, []);
    assert.match(prefix, /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/);
    assert.ok(prefix.length <= 253);
    assert.match(name, /^[A-Za-z0-9]([-_.A-Za-z0-9]{0,61}[A-Za-z0-9])?$/);
    for (const reserved of [
      'run.googleapis.com',
      'cloud.googleapis.com',
      'serving.knative.dev',
      'autoscaling.knative.dev',
    ]) {
      assert.ok(!prefix.endsWith(reserved));
    }
    const value = withReleaseRecord({}, RECORD)[RELEASE_ANNOTATION] ?? '';
    assert.ok(value.length < 1024, `${value.length} bytes`);
  });

  it('an absent, unreadable or foreign record reads as empty', () => {
    for (const text of [
      undefined,
      '',
      'not json',
      '[]',
      '{"v":2}',
      '{"v":1,"released":{"action":"explode"}}',
    ]) {
      const record = readReleaseRecord({
        annotations: text === undefined ? {} : { [RELEASE_ANNOTATION]: text },
      });
      assert.deepEqual(record, EMPTY_RECORD, String(text));
    }
    assert.deepEqual(readReleaseRecord(undefined), EMPTY_RECORD);
  });

  it('a record without a previous revision keeps it absent', () => {
    const record: ReleaseRecord = {
      ...RECORD,
      released: { ...RELEASED, previous: undefined },
    };
    assert.equal(
      readReleaseRecord({ annotations: withReleaseRecord({}, record) }).released?.previous,
      undefined,
    );
  });
});

describe('deployedByRun', () => {
  it('is the revision deployed by this run, any attempt', () => {
    assert.equal(deployedByRun(RECORD, { ...RUN, runAttempt: '2' }, 'hello'), 'hello-00003-ccc');
  });
  it('refuses a revision deployed by another run, naming it', () => {
    for (const [record, pattern] of [
      [RECORD, /last deploy was by acme\/hello run 42/],
      [EMPTY_RECORD, /no deploy is recorded/],
    ] as const) {
      assert.throws(
        () => deployedByRun(record, { ...RUN, runId: '99' }, 'hello'),
        (error) => error instanceof ActionError && pattern.test(error.message) && error.remedy !== undefined,
      );
    }
  });
});
