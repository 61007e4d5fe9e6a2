/**
 * The traffic side of a plan, through `planTarget`: where each release leaves traffic, the plan
 * rows it shows, the release record it writes, and the located errors of impossible releases.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ActionError } from '../../../src/errors.ts';
import { planTarget } from '../../../src/plan/plan-target.ts';
import { describeTraffic, normalizeTraffic } from '../../../src/plan/traffic.ts';
import {
  RELEASE_ANNOTATION,
  type ReleaseRecord,
  readReleaseRecord,
  withReleaseRecord,
} from '../../../src/plan/traffic-record.ts';
import type { RunService, TargetPlan } from '../../../src/plan/types.ts';
import type { CanarySettings, Release } from '../../../src/settings/types.ts';
import { AT, DEPLOY, IMAGE, IMAGE_2, NAME, PROJECT, runContext, stored, target } from './fixtures.ts';

const OLD = 'hello-00001-old';
const PLAIN: Extract<Release, { kind: 'deploy' }> = {
  kind: 'deploy',
  traffic: 'all',
  tag: undefined,
  firstDeploy: 'fail',
};
const MID = 'hello-00002-mid';
const RUN = { repository: 'acme/hello', runId: '1001', runAttempt: '1' };
const OTHER_RUN = { repository: 'acme/hello', runId: '999', runAttempt: '1' };

const CANARY: CanarySettings = {
  steps: [5, 25, 100],
  waitSeconds: 0,
  healthCheck: { path: '/healthz', requests: 3, successRatio: 1, timeoutSeconds: 5 },
};

/** A service serving `OLD` through LATEST (or the given traffic), with an optional record. */
function serving(
  traffic: NonNullable<RunService['traffic']> = [
    { type: 'TRAFFIC_TARGET_ALLOCATION_TYPE_LATEST', percent: 100 },
  ],
  record?: ReleaseRecord,
): RunService {
  const first = planTarget({
    release: DEPLOY,
    at: AT,
    projectId: PROJECT,
    target: target(),
    image: IMAGE,
    run: runContext(),
    current: undefined,
    policy: undefined,
  });
  const service = stored(first.desired, OLD);
  return {
    ...service,
    traffic,
    annotations: record === undefined ? {} : withReleaseRecord({}, record),
  };
}

function plan(release: Release, current: RunService | undefined, over: { canary?: CanarySettings } = {}) {
  return planTarget({
    release,
    at: AT,
    projectId: PROJECT,
    target: target({ canary: over.canary }),
    image: release.kind === 'deploy' ? IMAGE_2 : undefined,
    run: runContext(),
    current,
    policy: undefined,
  });
}

const sent = (result: TargetPlan) => describeTraffic(normalizeTraffic(result.desired.traffic));
const recordOf = (result: TargetPlan) => readReleaseRecord(result.desired);
const located = (input: string, message: RegExp) => (error: unknown) => {
  assert.ok(error instanceof ActionError, String(error));
  assert.match(error.message, message);
  assert.deepEqual(error.place, { kind: 'input', name: input });
  assert.ok(error.remedy !== undefined && error.remedy.length > 0);
  return true;
};

describe('deploy releases', () => {
  it('a plain deploy sends all traffic to LATEST and records the release', () => {
    const result = plan(DEPLOY, serving());
    assert.equal(result.action, 'update');
    assert.equal(sent(result), '100% LATEST');
    const record = recordOf(result);
    assert.deepEqual(record.deployed, {
      revision: result.revisionName,
      run: RUN,
      sha: runContext().sha,
      at: AT,
    });
    assert.deepEqual(record.released, {
      action: 'deploy',
      revision: result.revisionName,
      previous: OLD,
      run: RUN,
      at: AT,
    });
    assert.deepEqual(result.release, { kind: 'deploy', tag: undefined, noTraffic: false, canary: undefined });
  });

  it('a tag with traffic moves the tag onto the new revision', () => {
    const current = serving([
      { type: 'TRAFFIC_TARGET_ALLOCATION_TYPE_LATEST', percent: 100 },
      { type: 'TRAFFIC_TARGET_ALLOCATION_TYPE_REVISION', revision: OLD, percent: 0, tag: 'rc' },
    ]);
    const result = plan({ ...PLAIN, tag: 'rc' }, current);
    assert.equal(sent(result), `100% LATEST, 0% ${result.revisionName} (tag rc)`);
  });

  it('a preview keeps the split, pins LATEST and tags the new revision; the last release stays recorded', () => {
    const released = { action: 'deploy' as const, revision: OLD, previous: MID, run: OTHER_RUN, at: AT };
    const current = serving(undefined, { version: 1, deployed: undefined, released });
    const result = plan({ kind: 'deploy', traffic: 'none', tag: 'pr-7', firstDeploy: 'fail' }, current);
    assert.equal(sent(result), `100% ${OLD}, 0% ${result.revisionName} (tag pr-7)`);
    assert.deepEqual(recordOf(result).released, released);
    assert.equal(recordOf(result).deployed?.revision, result.revisionName);
    assert.deepEqual(result.release, { kind: 'deploy', tag: 'pr-7', noTraffic: true, canary: undefined });
  });

  it('a preview of a service that does not serve yet fails on `first_deploy: fail` and serves on `serve`', () => {
    const preview = { kind: 'deploy', traffic: 'none', tag: 'pr-7' } as const;
    assert.throws(
      () => plan({ ...preview, firstDeploy: 'fail' }, undefined),
      located('traffic', /has no serving revision yet/),
    );
    const result = plan({ ...preview, firstDeploy: 'serve' }, undefined);
    assert.equal(result.action, 'create');
    assert.equal(sent(result), `100% LATEST, 0% ${result.revisionName} (tag pr-7)`);
    assert.equal(result.release.kind === 'deploy' && result.release.noTraffic, false);
  });

  it('a re-run of the same preview changes nothing', () => {
    const current = serving([
      { type: 'TRAFFIC_TARGET_ALLOCATION_TYPE_REVISION', revision: OLD, percent: 100, tag: 'pr-7' },
    ]);
    const same = planTarget({
      release: { kind: 'deploy', traffic: 'none', tag: 'pr-7', firstDeploy: 'fail' },
      at: AT,
      projectId: PROJECT,
      target: target(),
      image: IMAGE,
      run: runContext({ runAttempt: '2' }),
      current,
      policy: undefined,
    });
    assert.equal(same.action, 'none');
  });

  it('the same settings are deployed again when the newest revision does not serve (a failed or cancelled rollout)', () => {
    const first = planTarget({
      release: DEPLOY,
      at: AT,
      projectId: PROJECT,
      target: target(),
      image: IMAGE,
      run: runContext(),
      current: undefined,
      policy: undefined,
    });
    const current = stored(first.desired, OLD);
    const same = (service: RunService) =>
      planTarget({ ...planInput(service), image: IMAGE, run: runContext({ runAttempt: '2' }) });
    const planInput = (service: RunService) => ({
      release: DEPLOY,
      at: AT,
      projectId: PROJECT,
      target: target(),
      current: service,
      policy: undefined,
    });
    assert.equal(same(current).action, 'none');
    const stuck = same({ ...current, latestCreatedRevision: `${NAME}/revisions/${MID}` });
    assert.equal(stuck.action, 'update');
    assert.deepEqual(stuck.changes, [
      { path: 'revision', before: `${MID} (not ready)`, after: 'a new revision' },
    ]);
  });

  it('a canary deploys without traffic, then plans every step from the pinned split', () => {
    const result = plan(DEPLOY, serving(), { canary: CANARY });
    assert.equal(sent(result), `100% ${OLD}, 0% ${result.revisionName} (tag canary)`);
    assert.ok(result.release.kind === 'deploy' && result.release.canary !== undefined);
    assert.equal(result.release.tag, 'canary');
    assert.deepEqual(
      result.release.canary.splits.map((split) => describeTraffic(split)),
      [
        `95% ${OLD}, 5% ${result.revisionName} (tag canary)`,
        `75% ${OLD}, 25% ${result.revisionName} (tag canary)`,
        `100% ${result.revisionName} (tag canary)`,
      ],
    );
    assert.deepEqual(
      result.changes.filter((change) => change.path.startsWith('canary.')).map((change) => change.path),
      ['canary.step1', 'canary.step2', 'canary.step3'],
    );
    // The deploy records what it deployed; the release is recorded with the last step.
    assert.equal(recordOf(result).released, undefined);
    const last = readReleaseRecord({ annotations: result.release.canary.annotations });
    assert.deepEqual(last.released, {
      action: 'canary',
      revision: result.revisionName,
      previous: OLD,
      run: RUN,
      at: AT,
    });
  });

  it('a canary on a first deploy with `first_deploy: serve` serves at once, with no steps', () => {
    const result = plan({ ...PLAIN, firstDeploy: 'serve' }, undefined, { canary: CANARY });
    assert.equal(result.action, 'create');
    assert.ok(result.release.kind === 'deploy');
    assert.equal(result.release.canary, undefined);
    assert.equal(result.release.noTraffic, false);
    assert.equal(result.release.tag, 'canary', 'its revision is tagged like any canary (the tag_url output)');
    assert.equal(sent(result), `100% LATEST, 0% ${result.revisionName} (tag canary)`);
  });
});

describe('traffic moves', () => {
  const tagged = () =>
    serving([
      { type: 'TRAFFIC_TARGET_ALLOCATION_TYPE_REVISION', revision: MID, percent: 100 },
      { type: 'TRAFFIC_TARGET_ALLOCATION_TYPE_REVISION', revision: OLD, percent: 0, tag: 'pr-7' },
    ]);

  it('promote by tag moves everything to the tag and records it; the template is not sent', () => {
    const current = tagged();
    const result = plan({ kind: 'promote', to: { tag: 'pr-7' } }, current);
    assert.equal(result.action, 'traffic');
    assert.equal(result.revisionName, OLD);
    assert.deepEqual(result.changes, [
      { path: `traffic.${OLD}`, before: '0%', after: '100%' },
      { path: `traffic.${MID}`, before: '100%', after: '0%' },
    ]);
    assert.ok(result.release.kind === 'promote');
    assert.equal(describeTraffic(result.release.after), `100% ${OLD} (tag pr-7)`);
    assert.equal(result.desired, current);
    assert.equal(result.invokers.managed, false);
    const record = readReleaseRecord({ annotations: { ...result.release.annotations } });
    assert.deepEqual(record.released, { action: 'promote', revision: OLD, previous: MID, run: RUN, at: AT });
  });

  it('promoting what already serves plans nothing', () => {
    const current = serving([
      { type: 'TRAFFIC_TARGET_ALLOCATION_TYPE_REVISION', revision: OLD, percent: 100, tag: 'pr-7' },
    ]);
    const result = plan({ kind: 'promote', to: { tag: 'pr-7' } }, current);
    assert.equal(result.action, 'none');
    assert.deepEqual(result.changes, []);
  });

  it('promote `deployed` takes the revision this run deployed, and refuses another run’s', () => {
    const mine = { revision: OLD, run: RUN, sha: 'abc', at: AT };
    const ok = plan(
      { kind: 'promote', to: { deployed: true } },
      serving(undefined, { version: 1, deployed: mine, released: undefined }),
    );
    assert.ok(ok.release.kind === 'promote');
    assert.equal(ok.release.namedRevision, OLD);
    assert.throws(
      () =>
        plan(
          { kind: 'promote', to: { deployed: true } },
          serving(undefined, { version: 1, deployed: { ...mine, run: OTHER_RUN }, released: undefined }),
        ),
      located(
        'promote_to',
        /has no revision deployed by acme\/hello run 1001 .*last deploy was by acme\/hello run 999/,
      ),
    );
  });

  it('rollback to `previous` follows the record; without one it asks for a name', () => {
    const released = { action: 'deploy' as const, revision: MID, previous: OLD, run: OTHER_RUN, at: AT };
    const current = serving(
      [{ type: 'TRAFFIC_TARGET_ALLOCATION_TYPE_REVISION', revision: MID, percent: 100 }],
      { version: 1, deployed: undefined, released },
    );
    const result = plan({ kind: 'rollback', to: { previous: true } }, current);
    assert.ok(result.release.kind === 'rollback');
    assert.equal(describeTraffic(result.release.after), `100% ${OLD}`);
    const record = readReleaseRecord({ annotations: { ...result.release.annotations } });
    assert.deepEqual(record.released, { action: 'rollback', revision: OLD, previous: MID, run: RUN, at: AT });
    // Rolling back again undoes the rollback.
    const again = plan(
      { kind: 'rollback', to: { previous: true } },
      {
        ...current,
        traffic: [{ type: 'TRAFFIC_TARGET_ALLOCATION_TYPE_REVISION', revision: OLD, percent: 100 }],
        annotations: { [RELEASE_ANNOTATION]: result.release.annotations[RELEASE_ANNOTATION] ?? '' },
      },
    );
    assert.ok(again.release.kind === 'rollback');
    assert.equal(describeTraffic(again.release.after), `100% ${MID}`);
    assert.throws(
      () => plan({ kind: 'rollback', to: { previous: true } }, serving()),
      located('rollback_to', /no record of a revision that served before the last release/),
    );
  });

  it('rollback to a named revision (full names shortened) needs no record', () => {
    const result = plan({ kind: 'rollback', to: { revision: `${NAME}/revisions/${MID}` } }, serving());
    assert.ok(result.release.kind === 'rollback');
    assert.equal(result.release.namedRevision, MID);
    assert.equal(describeTraffic(result.release.after), `100% ${MID}`);
  });

  it('a move on a service that does not exist fails before anything is written', () => {
    assert.throws(
      () => plan({ kind: 'promote', to: { tag: 'pr-7' } }, undefined),
      located('promote_to', /service 'hello' does not exist in us-central1/),
    );
    assert.throws(
      () => plan({ kind: 'rollback', to: { previous: true } }, undefined),
      located('rollback_to', /no traffic to roll back/),
    );
  });
});
