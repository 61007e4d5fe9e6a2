/** Issue #4 end to end: the bundled action deploys, manages invokers and plans, against the emulator. */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { addMember } from '../emulator/iam/edits.ts';
import type { ActionRun } from './runner.ts';
import { CALLER, DEPLOYER, EXAMPLE_POLICY, IMAGE, mutations, OUTSIDER, SERVICE, World } from './world.ts';

function assertOk(run: ActionRun): void {
  assert.equal(run.code, 0, `the step failed:\n${run.stdout}\n${run.stderr}`);
}

function plan(run: ActionRun) {
  return JSON.parse(run.outputs.plan ?? '{}') as {
    targets: { action: string; changes: { path: string }[]; invokers: { add: string[]; remove: string[] } }[];
  };
}

describe('deploy, end to end', () => {
  let world: World;
  const runs: ActionRun[] = [];
  before(async () => {
    world = await World.start();
  });
  after(async () => {
    for (const run of runs) assert.deepEqual(world.leaks(run), []);
    await world.close();
  });

  test('first deploy creates, a new image makes a new revision, an unchanged run changes nothing', async () => {
    const first = await world.deploy();
    runs.push(first);
    assertOk(first);
    assert.equal(first.outputs.changed, 'true');
    assert.equal(plan(first).targets[0]?.action, 'create');
    assert.match(first.outputs.service_url ?? '', /^http:\/\/127\.0\.0\.1:\d+$/);
    assert.match(first.summary, /hello \(us-central1\) \| ✅ deployed/);

    const second = await world.deploy({ inputs: { image: `${IMAGE}:v2` } });
    runs.push(second);
    assertOk(second);
    assert.equal(second.outputs.changed, 'true');
    assert.notEqual(second.outputs.revision, first.outputs.revision);
    assert.equal(second.outputs.previous_revision, first.outputs.revision);
    assert.deepEqual(
      plan(second).targets[0]?.changes.map((change) => change.path),
      ['image'],
    );

    world.emulator.log.clear();
    const third = await world.deploy({ inputs: { image: `${IMAGE}:v2` } });
    runs.push(third);
    assertOk(third);
    assert.equal(third.outputs.changed, 'false');
    assert.equal(plan(third).targets[0]?.action, 'none');
    assert.equal(third.outputs.revision, second.outputs.revision);
    assert.equal(third.outputs.service_url, second.outputs.service_url);
    assert.deepEqual(mutations(world.emulator), [], 'an unchanged deploy writes nothing');
  });

  test('declared invokers get in; others, and anonymous callers, get 403', async () => {
    const run = await world.deploy({ inputs: { image: `${IMAGE}:v2` } });
    const serviceUrl = run.outputs.service_url ?? '';
    assert.equal((await world.invoke(serviceUrl, CALLER)).status, 200);
    assert.equal((await world.invoke(serviceUrl, OUTSIDER)).status, 403);
    // A private Cloud Run service answers 403 to a request without credentials too.
    assert.equal((await world.invoke(serviceUrl)).status, 403);
  });

  test('an invoker added out of band is removed and reported as drift', async () => {
    world.emulator.iam.editBindings(SERVICE, addMember('roles/run.invoker', `serviceAccount:${OUTSIDER}`));
    const run = await world.deploy({ inputs: { image: `${IMAGE}:v2` } });
    runs.push(run);
    assertOk(run);
    assert.deepEqual(plan(run).targets[0]?.invokers.remove, [`serviceAccount:${OUTSIDER}`]);
    assert.match(run.summary, /remove \(drift: not in the policy\)/);
    assert.equal(run.outputs.changed, 'true');
    const serviceUrl = run.outputs.service_url ?? '';
    assert.equal((await world.invoke(serviceUrl, OUTSIDER)).status, 403);
    assert.equal((await world.invoke(serviceUrl, CALLER)).status, 200);
  });

  test('allUsers without public: true is refused before any mutation, at its line', async () => {
    world.emulator.log.clear();
    const policy = EXAMPLE_POLICY.replace(
      '      - serviceAccount:caller@demo-project.iam.gserviceaccount.com',
      '      - serviceAccount:caller@demo-project.iam.gserviceaccount.com\n      - allUsers',
    );
    assert.notEqual(policy, EXAMPLE_POLICY);
    const run = await world.deploy({ policy });
    runs.push(run);
    assert.equal(run.code, 1);
    const line = policy.split('\n').indexOf('      - allUsers') + 1;
    assert.match(
      run.stdout,
      new RegExp(`::error [^:]*file=\\.github/cloud-run\\.yml,line=${line},[^:]*col=9[^:]*::.*allUsers`),
    );
    assert.match(run.stdout, /public: true/);
    assert.doesNotMatch(run.stdout + run.stderr, /\n\s+at /, 'no stack trace');
    assert.deepEqual(mutations(world.emulator), []);
  });

  test('a revision that fails to start fails the step with its message; the previous revision still serves', async () => {
    const before = await world.deploy({ inputs: { image: `${IMAGE}:v2` } });
    const remove = world.runControls().failRevisions({ image: ':broken' });
    try {
      const run = await world.deploy({ inputs: { image: `${IMAGE}:broken` } });
      runs.push(run);
      assert.equal(run.code, 1);
      assert.match(run.stdout, /failed to start and listen on the port/);
      assert.match(run.stdout, /Logs URL/);
      const served = await world.invoke(before.outputs.service_url ?? '', CALLER);
      assert.equal(served.status, 200);
      assert.match(served.body, new RegExp(before.outputs.revision ?? 'missing'));
    } finally {
      remove();
    }
  });

  test('a concurrent IAM writer during the read-modify-write loses nothing', async () => {
    const other = `serviceAccount:${DEPLOYER}`;
    world.emulator.iam.editBindings(SERVICE, addMember('roles/run.invoker', `serviceAccount:${OUTSIDER}`));
    world.emulator.iam.afterNextRead(SERVICE, addMember('roles/run.viewer', other));
    const run = await world.deploy({ inputs: { image: `${IMAGE}:v2` } });
    runs.push(run);
    assertOk(run);
    const policy = world.emulator.iam.peekPolicy(SERVICE);
    const viewers = policy.bindings?.find((binding) => binding.role === 'roles/run.viewer');
    const invokers = policy.bindings?.find((binding) => binding.role === 'roles/run.invoker');
    assert.deepEqual(viewers?.members, [other], "the other writer's binding survived");
    assert.deepEqual(invokers?.members, [`serviceAccount:${CALLER}`], 'the drift was still removed');
    const writes = world.emulator.log.entries().filter((entry) => entry.path.endsWith(':setIamPolicy'));
    assert.ok(
      writes.some((entry) => entry.status === 409),
      'the first write met the stale etag',
    );
  });

  test('without a policy file it deploys from inputs alone and manages no invokers', async () => {
    const before = world.emulator.iam.peekPolicy(SERVICE);
    // Without a policy no runtime account is set: the service keeps the one it runs as
    // (runtime@), and the preflight checks actAs there, where the deployer has it, not on the
    // default compute account, where it has not.
    const run = await world.deploy({
      policy: null,
      inputs: {
        image: `${IMAGE}:v2`,
        service: 'hello',
        region: 'us-central1',
        project_id: 'demo-project',
        project_number: '123456789012',
        workload_identity_provider:
          'projects/123456789012/locations/global/workloadIdentityPools/github/providers/github',
        service_account: DEPLOYER,
        // The example deployer may set IAM policies, which a run without invokers does not need.
        excess_permissions: 'warn',
      },
    });
    runs.push(run);
    assertOk(run);
    assert.match(run.stdout, /::warning::.*run\.services\.setIamPolicy on project demo-project/);
    assert.match(run.summary, /none: inputs only, invokers unmanaged/);
    assert.match(run.summary, /Invokers: not managed/);
    assert.deepEqual(plan(run).targets[0]?.invokers, { managed: false, add: [], remove: [], keep: [] });
    assert.deepEqual(world.emulator.iam.peekPolicy(SERVICE).bindings, before.bindings, 'invokers untouched');
    const actAs = JSON.parse(run.outputs.summary ?? '[]') as unknown[];
    assert.equal(actAs.length, 1);
    assert.match(run.summary, /iam\.serviceAccounts\.actAs.*runtime@demo-project\.iam\.gserviceaccount\.com/);
    assert.doesNotMatch(run.summary, /iam\.serviceAccounts\.actAs.*compute@developer/);
  });

  test('plan mode changes nothing, byte for byte, and its diff is what deploy then does', async () => {
    const before = world.emulator.snapshot();
    world.emulator.log.clear();
    const planned = await world.deploy({ inputs: { image: `${IMAGE}:v3`, mode: 'plan' } });
    runs.push(planned);
    assertOk(planned);
    assert.equal(world.emulator.snapshot(), before, 'plan mode changed the emulator state');
    assert.deepEqual(
      mutations(world.emulator),
      [],
      'the planning account made no write, not even a validation',
    );
    assert.ok(
      world.emulator.log.entries().every((entry) => entry.caller !== DEPLOYER),
      'planned as the planner',
    );
    assert.match(planned.summary, /Cloud Run deploy plan/);

    const deployed = await world.deploy({ inputs: { image: `${IMAGE}:v3` } });
    runs.push(deployed);
    assertOk(deployed);
    const strip = (run: ActionRun) => plan(run).targets.map((target) => ({ ...target, revision: undefined }));
    assert.deepEqual(strip(deployed), strip(planned));
  });
});
