import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { ActionError } from '../../../src/errors.ts';
import {
  canarySplit,
  canarySteps,
  checkTag,
  dominantRevision,
  normalizeTraffic,
  noTrafficDeploy,
  pinLatest,
  promote,
  rollback,
  sameTraffic,
  type TrafficTarget,
  toRunTraffic,
  trafficChanges,
} from '../../../src/plan/traffic.ts';
import type { RunService } from '../../../src/plan/types.ts';

const NAME = 'projects/p/locations/us-central1/services/hello';
const OLD = 'hello-00001-aaa';
const MID = 'hello-00002-bbb';
const NEW = 'hello-00003-ccc';

const rev = (revision: string, percent: number, tag?: string): TrafficTarget => ({
  kind: 'revision',
  revision,
  percent,
  ...(tag === undefined ? {} : { tag }),
});
const latest = (percent: number, tag?: string): TrafficTarget => ({
  kind: 'latest',
  percent,
  ...(tag === undefined ? {} : { tag }),
});

function service(traffic: NonNullable<RunService['traffic']>, latestReady: string | null = OLD): RunService {
  return {
    name: NAME,
    traffic,
    ...(latestReady === null ? {} : { latestReadyRevision: `${NAME}/revisions/${latestReady}` }),
  };
}

function rejectsWith(run: () => unknown, pattern: RegExp, input?: string): void {
  assert.throws(run, (error) => {
    assert.ok(error instanceof ActionError);
    assert.match(error.message, pattern);
    assert.ok(error.remedy, 'an error says what to do');
    if (input !== undefined) assert.deepEqual(error.place, { kind: 'input', name: input });
    return true;
  });
}

describe('normalizeTraffic', () => {
  const cases: { name: string; raw: RunService['traffic']; expected: TrafficTarget[] }[] = [
    { name: 'empty is 100% latest', raw: [], expected: [latest(100)] },
    { name: 'absent is 100% latest', raw: undefined, expected: [latest(100)] },
    {
      name: 'enum names (getService)',
      raw: [{ type: 'TRAFFIC_TARGET_ALLOCATION_TYPE_REVISION', revision: OLD, percent: 100, tag: 'blue' }],
      expected: [rev(OLD, 100, 'blue')],
    },
    {
      name: 'enum numbers (operation results) and proto3 defaults',
      raw: [
        { type: 1, revision: '', percent: 100, tag: '' },
        { type: 2, revision: OLD, percent: 0, tag: 'old' },
      ],
      expected: [latest(100), rev(OLD, 0, 'old')],
    },
    {
      name: 'full revision names are shortened',
      raw: [{ type: 2, revision: `${NAME}/revisions/${OLD}`, percent: 100 }],
      expected: [rev(OLD, 100)],
    },
    {
      name: 'a LATEST status that names its revision stays LATEST',
      raw: [{ type: 'TRAFFIC_TARGET_ALLOCATION_TYPE_LATEST', revision: OLD, percent: 100 }],
      expected: [latest(100)],
    },
    {
      name: 'missing percent is 0',
      raw: [
        { type: 2, revision: OLD, tag: 'x' },
        { type: 1, percent: 100 },
      ],
      expected: [rev(OLD, 0, 'x'), latest(100)],
    },
  ];
  for (const { name, raw, expected } of cases) {
    it(name, () => assert.deepEqual(normalizeTraffic(raw), expected));
  }

  it('round-trips through the client form', () => {
    const traffic = [latest(50, 'edge'), rev(OLD, 50), rev(NEW, 0, 'pr-1')];
    assert.deepEqual(normalizeTraffic(toRunTraffic(traffic)), traffic);
  });
});

describe('sameTraffic', () => {
  it('ignores order, untagged 0% targets and split untagged shares', () => {
    assert.ok(
      sameTraffic([rev(OLD, 60), rev(NEW, 40)], [rev(NEW, 40), rev(OLD, 30), rev(OLD, 30), rev(MID, 0)]),
    );
  });
  it('sees a moved tag, a changed share, LATEST vs a revision', () => {
    assert.ok(!sameTraffic([rev(OLD, 100, 'a')], [rev(OLD, 100), rev(OLD, 0, 'a')]));
    assert.ok(!sameTraffic([rev(OLD, 90), rev(NEW, 10)], [rev(OLD, 80), rev(NEW, 20)]));
    assert.ok(!sameTraffic([latest(100)], [rev(OLD, 100)]));
  });
});

describe('pinLatest', () => {
  it('gives LATEST shares to the serving revision by name and keeps a LATEST tag following new revisions', () => {
    assert.deepEqual(pinLatest([latest(80, 'edge'), rev(MID, 20)], OLD), [
      rev(OLD, 80),
      latest(0, 'edge'),
      rev(MID, 20),
    ]);
  });
  it('merges with an existing share of the same revision', () => {
    assert.deepEqual(pinLatest([latest(70), rev(OLD, 30)], OLD), [rev(OLD, 100)]);
  });
});

describe('noTrafficDeploy', () => {
  const cases: { name: string; current: RunService; expected: TrafficTarget[] }[] = [
    {
      name: '100% latest: the old revision keeps 100% by name, the new one gets the tag at 0%',
      current: service([{ type: 1, percent: 100 }]),
      expected: [rev(OLD, 100), rev(NEW, 0, 'pr-7')],
    },
    {
      name: 'a split is kept exactly, with its tags',
      current: service([
        { type: 'TRAFFIC_TARGET_ALLOCATION_TYPE_REVISION', revision: OLD, percent: 90 },
        { type: 'TRAFFIC_TARGET_ALLOCATION_TYPE_REVISION', revision: MID, percent: 10, tag: 'beta' },
      ]),
      expected: [rev(OLD, 90), rev(MID, 10, 'beta'), rev(NEW, 0, 'pr-7')],
    },
    {
      name: 'the same tag on an older preview moves to the new revision; the untagged leftover goes',
      current: service([
        { type: 1, percent: 100 },
        { type: 2, revision: MID, percent: 0, tag: 'pr-7' },
      ]),
      expected: [rev(OLD, 100), rev(NEW, 0, 'pr-7')],
    },
    {
      name: 'the tag taken from a target with traffic leaves the traffic there',
      current: service([{ type: 2, revision: OLD, percent: 100, tag: 'pr-7' }]),
      expected: [rev(OLD, 100), rev(NEW, 0, 'pr-7')],
    },
  ];
  for (const { name, current, expected } of cases) {
    it(name, () => {
      const traffic = noTrafficDeploy(current, 'hello', NEW, 'pr-7', 'fail');
      assert.deepEqual(traffic, expected);
      const served = (t: TrafficTarget[]) =>
        t.filter((x) => x.percent > 0).map((x) => [x.kind === 'revision' ? x.revision : OLD, x.percent]);
      assert.deepEqual(
        served(traffic),
        served(pinLatest(normalizeTraffic(current.traffic), OLD)),
        'the split is untouched',
      );
    });
  }

  it('first deploy: fails when the user chose fail', () => {
    rejectsWith(
      () => noTrafficDeploy(undefined, 'hello', NEW, 'pr-7', 'fail'),
      /no serving revision yet/,
      'traffic',
    );
    rejectsWith(
      () => noTrafficDeploy(service([], null), 'hello', NEW, 'pr-7', 'fail'),
      /no serving revision yet/,
    );
  });
  it('first deploy: serves 100% with the tag when the user chose serve', () => {
    assert.deepEqual(noTrafficDeploy(undefined, 'hello', NEW, 'pr-7', 'serve'), [
      latest(100),
      rev(NEW, 0, 'pr-7'),
    ]);
  });
  it('rejects a tag Cloud Run would refuse', () => {
    for (const tag of ['PR-7', '7pr', 'pr-', 'pr_7', 'x'.repeat(60)]) {
      rejectsWith(() => noTrafficDeploy(service([]), 'hello', NEW, tag, 'serve'), /not valid/, 'tag');
    }
    assert.doesNotThrow(() => checkTag('x'.repeat(55), 'hello'));
  });
});

describe('promote', () => {
  const current = [rev(OLD, 100), latest(0, 'edge'), rev(NEW, 0, 'pr-7')];
  const cases: { name: string; to: Parameters<typeof promote>[1]; expected: TrafficTarget[] }[] = [
    {
      name: 'by tag: 100% on the tagged target',
      to: { tag: 'pr-7' },
      expected: [latest(0, 'edge'), rev(NEW, 100, 'pr-7')],
    },
    {
      name: 'by revision with only a tagged target',
      to: { revision: NEW },
      expected: [latest(0, 'edge'), rev(NEW, 100, 'pr-7')],
    },
    { name: 'by revision already serving: nothing moves', to: { revision: OLD }, expected: current },
    {
      name: 'by a revision not in the split: added',
      to: { revision: MID },
      expected: [latest(0, 'edge'), rev(NEW, 0, 'pr-7'), rev(MID, 100)],
    },
    { name: 'to a LATEST tag', to: { tag: 'edge' }, expected: [latest(100, 'edge'), rev(NEW, 0, 'pr-7')] },
  ];
  for (const { name, to, expected } of cases) {
    it(name, () => {
      const once = promote(current, to);
      assert.deepEqual(once, expected);
      assert.deepEqual(promote(once, to), once, 'idempotent');
      const tags = (t: readonly TrafficTarget[]) => t.flatMap((x) => (x.tag ? [x.tag] : [])).sort();
      assert.deepEqual(tags(once), tags(current), 'tags stay');
    });
  }
  it('an unknown tag names the tags there are', () => {
    rejectsWith(
      () => promote(current, { tag: 'nope' }),
      /no traffic target has the tag 'nope'/,
      'promote_to',
    );
  });
});

describe('canarySteps', () => {
  it('accepts increasing whole percentages ending at 100', () => {
    assert.deepEqual(canarySteps([5, 25, 100]), [5, 25, 100]);
    assert.deepEqual(canarySteps([100]), [100]);
  });
  for (const steps of [[], [5, 25], [0, 100], [50, 50, 100], [30, 10, 100], [5.5, 100], [5, 101]]) {
    it(`rejects ${JSON.stringify(steps)}`, () =>
      rejectsWith(() => canarySteps(steps), /canary_steps/, 'canary_steps'));
  }
});

describe('canarySplit', () => {
  const cases: { name: string; before: TrafficTarget[]; percent: number; expected: TrafficTarget[] }[] = [
    {
      name: 'single serving revision',
      before: [rev(OLD, 100), rev(NEW, 0, 'canary')],
      percent: 5,
      expected: [rev(OLD, 95), rev(NEW, 5, 'canary')],
    },
    {
      name: 'proportional over a split, largest remainder, ties to the earlier target',
      before: [rev(OLD, 50), rev(MID, 50), rev(NEW, 0, 'canary')],
      percent: 25,
      expected: [rev(OLD, 38), rev(MID, 37), rev(NEW, 25, 'canary')],
    },
    {
      name: 'uneven split',
      before: [rev(OLD, 90), rev(MID, 10, 'beta'), rev(NEW, 0, 'canary')],
      percent: 33,
      expected: [rev(OLD, 60), rev(MID, 7, 'beta'), rev(NEW, 33, 'canary')],
    },
    {
      name: '100%: everything to the canary, tags and LATEST tag kept',
      before: [rev(OLD, 90), rev(MID, 10, 'beta'), latest(0, 'edge'), rev(NEW, 0, 'canary')],
      percent: 100,
      expected: [rev(MID, 0, 'beta'), latest(0, 'edge'), rev(NEW, 100, 'canary')],
    },
    {
      name: 'an untagged canary gets a target of its own',
      before: [rev(OLD, 100)],
      percent: 10,
      expected: [rev(OLD, 90), rev(NEW, 10)],
    },
  ];
  for (const { name, before, percent, expected } of cases) {
    it(name, () => assert.deepEqual(canarySplit(before, NEW, percent), expected));
  }

  it('refuses a split that routes through LATEST (it would follow the canary)', () => {
    rejectsWith(() => canarySplit([latest(100), rev(NEW, 0, 'canary')], NEW, 5), /LATEST/);
  });

  it('always sums to 100, gives the canary exactly its percent, and never raises an old share', () => {
    const revisions = ['hello-a', 'hello-b', 'hello-c', 'hello-d'];
    const splits = fc
      .array(fc.nat(20), { minLength: 1, maxLength: 4 })
      .filter((weights) => weights.some((w) => w > 0))
      .map((weights) => {
        // Whole percents summing to 100, from arbitrary weights.
        const total = weights.reduce((a, b) => a + b, 0);
        const shares = weights.map((w) => Math.floor((w * 100) / total));
        shares[0] = (shares[0] ?? 0) + 100 - shares.reduce((a, b) => a + b, 0);
        return shares.map((share, i) => rev(revisions[i] ?? 'hello-x', share));
      });
    fc.assert(
      fc.property(splits, fc.integer({ min: 1, max: 100 }), (before, percent) => {
        const split = canarySplit([...before, rev(NEW, 0, 'canary')], NEW, percent);
        assert.equal(
          split.reduce((sum, t) => sum + t.percent, 0),
          100,
        );
        assert.equal(split.find((t) => t.kind === 'revision' && t.revision === NEW)?.percent, percent);
        for (const target of split) {
          const old = before.find(
            (b) => b.kind === 'revision' && target.kind === 'revision' && b.revision === target.revision,
          );
          if (old !== undefined) assert.ok(target.percent <= old.percent);
        }
        assert.deepEqual(
          canarySplit([...before, rev(NEW, 0, 'canary')], NEW, percent),
          split,
          'deterministic',
        );
      }),
    );
  });
});

describe('rollback', () => {
  const current = [rev(NEW, 100), rev(NEW, 0, 'pr-7'), latest(0, 'edge')];
  it('to the previous revision from the record', () => {
    assert.deepEqual(rollback(current, { previous: OLD }), [
      rev(NEW, 0, 'pr-7'),
      latest(0, 'edge'),
      rev(OLD, 100),
    ]);
  });
  it('to a named revision', () => {
    assert.deepEqual(rollback(current, { revision: MID }), [
      rev(NEW, 0, 'pr-7'),
      latest(0, 'edge'),
      rev(MID, 100),
    ]);
  });
  it('without a record asks for a name', () => {
    rejectsWith(() => rollback(current, { previous: undefined }), /no record/, 'rollback_to');
  });
});

describe('dominantRevision', () => {
  it('is the largest share, LATEST resolved', () => {
    assert.equal(dominantRevision([latest(60), rev(MID, 40)], OLD), OLD);
    assert.equal(dominantRevision([rev(MID, 30), rev(OLD, 30), rev(NEW, 40)], OLD), NEW);
    assert.equal(dominantRevision([latest(100)], undefined), undefined);
  });
});

describe('trafficChanges', () => {
  it('one row per share that changes and per tag that moves', () => {
    assert.deepEqual(
      trafficChanges([rev(OLD, 100), rev(MID, 0, 'pr-7')], [rev(OLD, 75), rev(NEW, 25, 'pr-7')]),
      [
        { path: `traffic.${OLD}`, before: '100%', after: '75%' },
        { path: `traffic.${NEW}`, before: '0%', after: '25%' },
        { path: 'traffic.tag.pr-7', before: MID, after: NEW },
      ],
    );
  });
  it('no rows for the same split in another form', () => {
    assert.deepEqual(trafficChanges([rev(OLD, 50), rev(OLD, 50)], [rev(OLD, 100), rev(MID, 0)]), []);
  });
  it('a new tag and a LATEST share', () => {
    assert.deepEqual(trafficChanges([latest(100)], [rev(OLD, 100), rev(NEW, 0, 'pr-1')]), [
      { path: 'traffic.LATEST', before: '100%', after: '0%' },
      { path: `traffic.${OLD}`, before: '0%', after: '100%' },
      { path: 'traffic.tag.pr-1', before: undefined, after: NEW },
    ]);
  });
});
