/**
 * Issue #5 end to end: preview (tagged, no traffic), promotion, canary with a health gate, and
 * rollback, with the bundled action against the emulator. Each case asserts the emulator's state
 * (traffic in effect, tags, revisions, IAM, the release record, the writes in the request log),
 * not only the step's outputs.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ActionRun } from './runner.ts';
import {
  CALLER,
  DEPLOYER,
  EXAMPLE_POLICY,
  IMAGE,
  mutations,
  OUTSIDER,
  SERVICE,
  type ServiceState,
  type TrafficView,
  World,
} from './world.ts';

const RELEASE_KEY = 'cloud-run-keyless-deploy/release';
const INVOKERS_LINE = '      - serviceAccount:caller@demo-project.iam.gserviceaccount.com';
/** The example policy with the deployer among the invokers: a canary's health check calls as it. */
const POLICY = EXAMPLE_POLICY.replace(INVOKERS_LINE, `${INVOKERS_LINE}\n      - serviceAccount:${DEPLOYER}`);
/** A canary that moves 5%, 25%, then all traffic, with a quick two-request gate on /healthz. */
const CANARY = {
  canary_steps: '5,25,100',
  canary_wait: '0s',
  health_check_path: '/healthz',
  health_check_requests: '2',
  health_check_timeout: '2s',
} as const;

/** Leaks found in every run of this file, for case f. */
const checked: { run: string; leaks: string[] }[] = [];

/** One emulator world and the runs made in it. */
class Scenario {
  readonly world: World;

  private constructor(world: World) {
    this.world = world;
  }

  static async start(): Promise<Scenario> {
    return new Scenario(await World.start());
  }

  /** Runs the action with the release policy; `image: undefined` leaves the image input out. */
  async run(label: string, inputs: Record<string, string | undefined>): Promise<ActionRun> {
    const run = await this.world.deploy({ policy: POLICY, inputs });
    checked.push({ run: label, leaks: this.world.leaks(run) });
    return run;
  }

  async ok(label: string, inputs: Record<string, string | undefined>): Promise<ActionRun> {
    const run = await this.run(label, inputs);
    assert.equal(run.code, 0, `${label} failed:\n${run.stdout}\n${run.stderr}`);
    return run;
  }

  service(): ServiceState {
    return this.world.service(SERVICE);
  }

  close(): Promise<void> {
    return this.world.close();
  }
}

const short = (name: string | undefined): string => name?.split('/').at(-1) ?? '';

function kind(type: unknown): 'LATEST' | 'REVISION' {
  return type === 1 || type === 'TRAFFIC_TARGET_ALLOCATION_TYPE_LATEST' ? 'LATEST' : 'REVISION';
}

/** Share per revision (targets with a share only); LATEST counts for `latest`. */
function shares(targets: readonly TrafficView[] | undefined, latest: string): Record<string, number> {
  const result: Record<string, number> = {};
  for (const target of targets ?? []) {
    const percent = target.percent ?? 0;
    if (percent === 0) continue;
    const revision = kind(target.type) === 'LATEST' ? latest : short(target.revision);
    result[revision] = (result[revision] ?? 0) + percent;
  }
  return result;
}

/** The split in effect: share per revision, from `trafficStatuses`. */
function served(state: ServiceState): Record<string, number> {
  return shares(state.trafficStatuses, short(state.latestReadyRevision));
}

/** Tag → revision in effect. */
function tags(state: ServiceState): Record<string, string> {
  const latest = short(state.latestReadyRevision);
  return Object.fromEntries(
    (state.trafficStatuses ?? [])
      .filter((status) => status.tag !== undefined && status.tag !== '')
      .map((status) => [status.tag ?? '', kind(status.type) === 'LATEST' ? latest : short(status.revision)]),
  );
}

function tagUrl(state: ServiceState, tag: string): string {
  return (
    state.trafficStatuses?.find((status) => status.tag === tag)?.uri ?? assert.fail(`no URL for tag ${tag}`)
  );
}

/** A traffic list in one comparable form (enum names or numbers, empty defaults). */
function normalized(targets: readonly TrafficView[] | undefined) {
  return (targets ?? []).map((target) => ({
    type: kind(target.type),
    revision: short(target.revision) || undefined,
    percent: target.percent ?? 0,
    tag: target.tag || undefined,
  }));
}

/** The traffic of every successful write (update) of the service, in order. */
function trafficWrites(world: World): (readonly TrafficView[])[] {
  return world.emulator.log
    .entries()
    .filter(
      (entry) =>
        entry.api === 'run' &&
        entry.method === 'PATCH' &&
        entry.path === `/v2/${SERVICE}` &&
        entry.status === 200,
    )
    .map((entry) => ((entry.body ?? {}) as { traffic?: TrafficView[] }).traffic ?? []);
}

/** The splits written, consecutive repeats merged (a retried write is one step). */
function splitsWritten(world: World, latest: string): Record<string, number>[] {
  const splits = trafficWrites(world).map((traffic) => shares(traffic, latest));
  return splits.filter((split, i) => i === 0 || JSON.stringify(split) !== JSON.stringify(splits[i - 1]));
}

interface ReleaseRecord {
  readonly deployed?: { readonly revision?: string; readonly run?: Record<string, string> };
  readonly released?: { readonly action?: string; readonly revision?: string; readonly previous?: string };
}

function releaseRecord(state: ServiceState): ReleaseRecord {
  const text = state.annotations?.[RELEASE_KEY];
  assert.ok(text !== undefined, `the service carries no ${RELEASE_KEY} annotation`);
  assert.ok(Buffer.byteLength(text) < 1024, 'the release record stays under 1 KiB');
  return JSON.parse(text) as ReleaseRecord;
}

/** The step's `::error` messages, with the workflow-command escapes (%25, %0A, %0D) undone. */
function errors(run: ActionRun): string {
  return run.stdout
    .split('\n')
    .filter((line) => line.startsWith('::error'))
    .map((line) =>
      line
        .slice(line.indexOf('::', 2) + 2)
        .replace(/%0A/g, '\n')
        .replace(/%0D/g, '\r')
        .replace(/%25/g, '%'),
    )
    .join('\n');
}

function withoutKey(
  value: Readonly<Record<string, unknown>> | undefined,
  key: string,
): Record<string, unknown> {
  const copy = { ...value };
  delete copy[key];
  return copy;
}

describe('releases, end to end', { concurrency: true }, () => {
  it('a. a tagged preview keeps the split; its tag URL serves the new revision to declared invokers only', async () => {
    const scenario = await Scenario.start();
    try {
      const rev1 = (await scenario.ok('a: first deploy', { image: `${IMAGE}:v1` })).outputs.revision ?? '';
      const preview = await scenario.ok('a: preview', { image: `${IMAGE}:v2`, traffic: 'none', tag: 'pr-7' });
      const state = scenario.service();
      const rev2 = short(state.latestCreatedRevision);
      assert.notEqual(rev2, rev1);
      assert.equal(short(state.latestReadyRevision), rev2, 'the preview revision is Ready');
      assert.equal(preview.outputs.revision, rev2, 'action.yml: the new one when the run deployed one');

      assert.deepEqual(served(state), { [rev1]: 100 }, 'all traffic stays on the old revision');
      assert.deepEqual(tags(state), { 'pr-7': rev2 });
      assert.equal(preview.outputs.tag_url, tagUrl(state, 'pr-7'));
      assert.notEqual(preview.outputs.tag_url, preview.outputs.service_url);
      assert.equal(preview.outputs.traffic, `100% ${rev1}, 0% ${rev2} (tag pr-7)`);
      assert.equal(releaseRecord(state).deployed?.revision, rev2, 'the preview is recorded as deployed');

      const tag = preview.outputs.tag_url ?? '';
      assert.deepEqual(await scenario.world.servedBy(tag, CALLER), { status: 200, revision: rev2 });
      assert.equal((await scenario.world.servedBy(tag, OUTSIDER)).status, 403);
      assert.deepEqual(await scenario.world.servedBy(preview.outputs.service_url ?? '', CALLER), {
        status: 200,
        revision: rev1,
      });
    } finally {
      await scenario.close();
    }
  });

  it('a. a first deploy without traffic fails before any write, or serves 100% and is tagged with first_deploy: serve', async () => {
    const scenario = await Scenario.start();
    try {
      const preview = { image: `${IMAGE}:v1`, traffic: 'none', tag: 'pr-7' };
      const refused = await scenario.run('a: first deploy, fail', { ...preview, first_deploy: 'fail' });
      assert.equal(refused.code, 1, refused.stdout);
      assert.match(errors(refused), /first_deploy/);
      assert.deepEqual(mutations(scenario.world.emulator), [], 'nothing was written');
      assert.equal(scenario.world.runControls().model.exists(SERVICE), false);

      const first = await scenario.ok('a: first deploy, serve', { ...preview, first_deploy: 'serve' });
      const revision = first.outputs.revision ?? '';
      const state = scenario.service();
      assert.deepEqual(served(state), { [revision]: 100 });
      assert.deepEqual(tags(state), { 'pr-7': revision });
      assert.equal(first.outputs.tag_url, tagUrl(state, 'pr-7'));
      assert.deepEqual(await scenario.world.servedBy(first.outputs.tag_url ?? '', CALLER), {
        status: 200,
        revision,
      });
    } finally {
      await scenario.close();
    }
  });

  it('b. promoting a tag moves 100% to it and changes nothing else; promoting again writes nothing', async () => {
    const scenario = await Scenario.start();
    const { world } = scenario;
    try {
      const rev1 = (await scenario.ok('b: first deploy', { image: `${IMAGE}:v1` })).outputs.revision ?? '';
      await scenario.ok('b: preview', { image: `${IMAGE}:v2`, traffic: 'none', tag: 'pr-7' });
      const before = scenario.service();
      const rev2 = short(before.latestCreatedRevision);
      assert.notEqual(rev2, rev1);
      const policyBefore = world.emulator.iam.peekPolicy(SERVICE);
      const revisionsBefore = world.revisions(SERVICE);

      world.emulator.log.clear();
      const promoted = await scenario.ok('b: promote', { image: undefined, promote_to: 'tag:pr-7' });
      const state = scenario.service();
      assert.deepEqual(served(state), { [rev2]: 100 });
      assert.deepEqual(tags(state), { 'pr-7': rev2 }, 'the tag stays');
      assert.equal(tagUrl(state, 'pr-7'), tagUrl(before, 'pr-7'), 'the tag URL stays');
      assert.equal(promoted.outputs.changed, 'true');
      assert.match(promoted.outputs.traffic ?? '', new RegExp(`^100% ${rev2}\\b`));
      assert.deepEqual(world.revisions(SERVICE), revisionsBefore, 'no new revision');
      // The traffic write leaves template.revision out (see docs/release.md); all else is as read.
      assert.deepEqual(withoutKey(state.template, 'revision'), withoutKey(before.template, 'revision'));
      assert.deepEqual(state.labels, before.labels);
      assert.deepEqual(
        withoutKey(state.annotations, RELEASE_KEY),
        withoutKey(before.annotations, RELEASE_KEY),
      );
      assert.deepEqual(world.emulator.iam.peekPolicy(SERVICE), policyBefore, 'IAM untouched');
      assert.deepEqual(
        mutations(world.emulator).map((entry) => `${entry.method} ${entry.path}`),
        [`PATCH /v2/${SERVICE}`],
        'one write: the traffic',
      );
      assert.partialDeepStrictEqual(releaseRecord(state).released, {
        action: 'promote',
        revision: rev2,
        previous: rev1,
      });

      const snapshot = world.emulator.snapshot();
      world.emulator.log.clear();
      const again = await scenario.ok('b: promote again', { image: undefined, promote_to: 'tag:pr-7' });
      assert.equal(again.outputs.changed, 'false');
      assert.deepEqual(mutations(world.emulator), [], 'a second promotion writes nothing');
      assert.equal(world.emulator.snapshot(), snapshot);
    } finally {
      await scenario.close();
    }
  });

  it('c. a canary failing its health check at step two puts back the exact split and keeps the tagged revision', async () => {
    const scenario = await Scenario.start();
    const { world } = scenario;
    try {
      const rev1 = (await scenario.ok('c: first deploy', { image: `${IMAGE}:v1` })).outputs.revision ?? '';
      const before = scenario.service();
      // Step 1's gate (2 requests) passes; from the third request on, /healthz answers 503.
      const heal = world.runControls().sickRevisions({
        service: 'hello',
        image: ':v2',
        path: '/healthz',
        afterRequests: 2,
      });
      world.emulator.log.clear();
      const run = await scenario.run('c: failing canary', { image: `${IMAGE}:v2`, ...CANARY });
      heal();
      assert.equal(run.code, 1, run.stdout);
      const [rev2 = ''] = world.revisions(SERVICE);
      assert.notEqual(rev2, rev1);
      assert.match(
        errors(run),
        new RegExp(
          `canary step 2 of 3 \\(25% to ${rev2}\\) failed its health check: 0 of 2 requests to \\S+/healthz answered 2xx \\(needed 2; failures: HTTP 503\\)`,
        ),
      );

      const state = scenario.service();
      assert.deepEqual(served(state), served(before), 'the split in effect is the one before the release');
      assert.deepEqual(served(state), { [rev1]: 100 });
      assert.deepEqual(splitsWritten(world, rev2), [
        { [rev1]: 100 },
        { [rev1]: 95, [rev2]: 5 },
        { [rev1]: 75, [rev2]: 25 },
        { [rev1]: 100 },
      ]);
      const [deployWrite] = trafficWrites(world);
      assert.deepEqual(
        normalized(state.traffic),
        normalized(deployWrite),
        'the split read before step 1, exactly',
      );

      assert.equal(tags(state).canary, rev2, 'the canary revision keeps its tag');
      assert.ok(world.revisions(SERVICE).includes(rev2));
      assert.deepEqual(await world.servedBy(tagUrl(state, 'canary'), CALLER), {
        status: 200,
        revision: rev2,
      });
    } finally {
      await scenario.close();
    }
  });

  it('d. a passing canary ends with 100% on the new revision, each step written in turn', async () => {
    const scenario = await Scenario.start();
    const { world } = scenario;
    try {
      const rev1 = (await scenario.ok('d: first deploy', { image: `${IMAGE}:v1` })).outputs.revision ?? '';
      world.emulator.log.clear();
      const run = await scenario.ok('d: passing canary', { image: `${IMAGE}:v2`, ...CANARY });
      const rev2 = run.outputs.revision ?? '';
      assert.notEqual(rev2, rev1);
      const state = scenario.service();
      assert.deepEqual(served(state), { [rev2]: 100 });
      assert.deepEqual(splitsWritten(world, rev2), [
        { [rev1]: 100 },
        { [rev1]: 95, [rev2]: 5 },
        { [rev1]: 75, [rev2]: 25 },
        { [rev2]: 100 },
      ]);
      assert.match(run.outputs.traffic ?? '', new RegExp(`^100% ${rev2}\\b`));
      const released = releaseRecord(state).released;
      assert.equal(released?.revision, rev2);
      assert.equal(released?.previous, rev1);
      assert.deepEqual(await world.servedBy(run.outputs.service_url ?? '', CALLER), {
        status: 200,
        revision: rev2,
      });
    } finally {
      await scenario.close();
    }
  });

  it('e. rollback to previous returns 100% to the revision before the deploy and records it; a named rollback works too', async () => {
    const scenario = await Scenario.start();
    const { world } = scenario;
    try {
      const rev1 = (await scenario.ok('e: first deploy', { image: `${IMAGE}:v1` })).outputs.revision ?? '';
      const rev2 = (await scenario.ok('e: second deploy', { image: `${IMAGE}:v2` })).outputs.revision ?? '';
      const revisions = world.revisions(SERVICE);

      const back = await scenario.ok('e: rollback to previous', {
        image: undefined,
        rollback_to: 'previous',
      });
      let state = scenario.service();
      assert.deepEqual(served(state), { [rev1]: 100 });
      assert.partialDeepStrictEqual(
        releaseRecord(state).released,
        { action: 'rollback', revision: rev1, previous: rev2 },
        'the record names what it rolled back from',
      );
      assert.deepEqual(world.revisions(SERVICE), revisions, 'no new revision');
      assert.deepEqual(await world.servedBy(back.outputs.service_url ?? '', CALLER), {
        status: 200,
        revision: rev1,
      });

      await scenario.ok('e: rollback to a named revision', { image: undefined, rollback_to: rev2 });
      state = scenario.service();
      assert.deepEqual(served(state), { [rev2]: 100 });
      assert.partialDeepStrictEqual(releaseRecord(state).released, {
        action: 'rollback',
        revision: rev2,
        previous: rev1,
      });
      assert.deepEqual(world.revisions(SERVICE), revisions);
    } finally {
      await scenario.close();
    }
  });
});

describe('plan mode of releases', () => {
  it('g. plans a canary, a promotion and a rollback without changing anything', async () => {
    const scenario = await Scenario.start();
    const { world } = scenario;
    try {
      const rev1 = (await scenario.ok('g: first deploy', { image: `${IMAGE}:v1` })).outputs.revision ?? '';
      await scenario.ok('g: preview', { image: `${IMAGE}:v2`, traffic: 'none', tag: 'pr-7' });
      const rev2 = short(scenario.service().latestReadyRevision);
      const snapshot = world.emulator.snapshot();
      const writes = mutations(world.emulator).length;
      const planOf = (run: ActionRun) => {
        const plan = JSON.parse(run.outputs.plan ?? '{}') as {
          targets: {
            action: string;
            revision: string;
            changes: { path: string; before: string | null; after: string | null }[];
          }[];
        };
        const [target] = plan.targets;
        return target ?? assert.fail(`no planned target:\n${run.stdout}`);
      };

      const promote = planOf(
        await scenario.ok('g: plan promote', { mode: 'plan', image: undefined, promote_to: 'tag:pr-7' }),
      );
      assert.equal(promote.action, 'traffic');
      assert.equal(promote.revision, rev2);
      assert.deepEqual(
        promote.changes,
        [
          { path: `traffic.${rev1}`, before: '100%', after: '0%' },
          { path: `traffic.${rev2}`, before: '0%', after: '100%' },
        ].sort((a, b) => a.path.localeCompare(b.path)),
      );

      const back = planOf(
        await scenario.ok('g: plan rollback', { mode: 'plan', image: undefined, rollback_to: rev2 }),
      );
      assert.equal(back.action, 'traffic');

      const canaryRun = await scenario.ok('g: plan canary', {
        mode: 'plan',
        image: `${IMAGE}:v3`,
        ...CANARY,
      });
      const canary = planOf(canaryRun);
      assert.equal(canary.action, 'update');
      assert.deepEqual(
        canary.changes.filter((change) => change.path.startsWith('canary.')).map((change) => change.after),
        [
          // The preview's tag stays on its revision throughout.
          `5%: 95% ${rev1}, 0% ${rev2} (tag pr-7), 5% ${canary.revision} (tag canary)`,
          `25%: 75% ${rev1}, 0% ${rev2} (tag pr-7), 25% ${canary.revision} (tag canary)`,
          `100%: 0% ${rev2} (tag pr-7), 100% ${canary.revision} (tag canary)`,
        ],
      );
      assert.match(canaryRun.summary, /canary\.step2/, 'the job summary shows every step');

      // The policy's read-only planning account plans: it reads and writes nothing.
      assert.equal(mutations(world.emulator).length, writes, 'plan mode wrote');

      // Without one, the deployer plans and Cloud Run validates the traffic write (validateOnly).
      const deployerPlans = POLICY.replace(/^ {2}plan_service_account: .*\n/m, '').replace(
        /^ {2}plan_allow:.*\n(?: {4}.*\n)+/m,
        '',
      );
      assert.notEqual(deployerPlans, POLICY);
      const validated = await world.deploy({
        policy: deployerPlans,
        inputs: { mode: 'plan', image: undefined, promote_to: 'tag:pr-7' },
      });
      checked.push({ run: 'g: plan promote as the deployer', leaks: world.leaks(validated) });
      assert.equal(validated.code, 0, validated.stdout);
      const checks = mutations(world.emulator).slice(writes);
      assert.deepEqual(
        checks.map((entry) => `${entry.method} ${entry.query.validateOnly}`),
        ['PATCH true'],
      );
      assert.equal(world.emulator.snapshot(), snapshot, 'plan mode changed the emulator state');
    } finally {
      await scenario.close();
    }
  });
});

describe('every release run', () => {
  it('f. leaks no minted token anywhere it wrote', () => {
    // Runs after a–e (top-level suites run in order) and must have seen their runs.
    assert.ok(checked.length >= 15, `only ${checked.length} runs were checked`);
    assert.deepEqual(
      checked.filter((entry) => entry.leaks.length > 0),
      [],
    );
  });
});
