/**
 * Concurrent runs: eight runs of the bundled action at once against one emulator end in a
 * consistent state. Losers of a race fail cleanly (exit 1, conflict named, re-run advised); no
 * service is created twice, no traffic split is left half-applied, no IAM binding is lost, and
 * no run leaks a token or leaves a credentials file.
 */
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, type TestContext, test } from 'node:test';
import { addMember } from '../emulator/iam/edits.ts';
import { errorText, leftFiles, members, readService, servingProblem } from './fault-matrix.ts';
import type { ActionRun } from './runner.ts';
import { CALLER, EXAMPLE_POLICY, IMAGE, OUTSIDER, SERVICE, World } from './world.ts';

const RUNS = 8;
const INVOKER = 'roles/run.invoker';

let world: World;
beforeEach(async () => {
  world = await World.start();
});
afterEach(async () => {
  await world.close();
});

/** Every run either succeeded or failed cleanly because another run changed the service first. */
function assertWonOrLostCleanly(runs: readonly ActionRun[], t: TestContext): void {
  const won = runs.filter((run) => run.code === 0).length;
  t.diagnostic(`${won} of ${runs.length} runs succeeded, ${runs.length - won} lost the race`);
  for (const run of runs) {
    assert.deepEqual(world.leaks(run), []);
    assert.deepEqual(leftFiles(run), []);
    assert.doesNotMatch(run.stdout + run.stderr, /\n\s+at .*\.js:\d+/, 'no stack trace');
    if (run.code === 0) continue;
    assert.equal(run.code, 1, `a run neither succeeded nor failed cleanly:\n${run.stdout}\n${run.stderr}`);
    const errors = errorText(run);
    assert.match(errors, /changed since it was read|ABORTED|ALREADY_EXISTS|kept changing/, errors);
    assert.match(errors, /re-run/i, 'the loser is told to re-run');
  }
  assert.ok(
    runs.some((run) => run.code === 0),
    'at least one run won',
  );
}

/** The revision serving now is one that a successful run reported as its own. */
function assertServedByAWinner(latestReady: string | undefined, runs: readonly ActionRun[]): void {
  const served = latestReady?.slice(latestReady.lastIndexOf('/') + 1);
  assert.ok(
    runs.some((run) => run.code === 0 && run.outputs.revision === served),
    `the serving revision ${served} is one a successful run deployed`,
  );
}

function successfulWrites(method: string, path: RegExp): number {
  return world.emulator.log
    .entries()
    .filter((entry) => entry.method === method && path.test(entry.path) && entry.status === 200).length;
}

describe(`${RUNS} runs at once`, () => {
  test('first deploys of one service: it is created once; every other run fails cleanly', async (t) => {
    const runs = await Promise.all(
      Array.from({ length: RUNS }, (_, i) => world.deploy({ inputs: { image: `${IMAGE}:v${i + 1}` } })),
    );
    assertWonOrLostCleanly(runs, t);
    assert.equal(successfulWrites('POST', /\/services$/), 1, 'the service was created exactly once');
    const service = await readService(world, SERVICE);
    assert.ok(service !== undefined);
    assert.equal(servingProblem(service), undefined);
    assertServedByAWinner(service.latestReadyRevision, runs);
    assert.deepEqual(members(world, SERVICE, INVOKER), [`serviceAccount:${CALLER}`]);
  });

  test('updates of one service while another writer adds other roles: no binding lost, no split', async (t) => {
    const first = await world.deploy();
    assert.equal(first.code, 0, first.stdout);
    world.emulator.iam.editBindings(SERVICE, addMember(INVOKER, `serviceAccount:${OUTSIDER}`));
    // Another administrator keeps granting other roles on the same service during the runs.
    const others: string[] = [];
    const roles = ['roles/run.viewer', 'roles/run.developer'];
    let stop = false;
    const writer = (async () => {
      for (let i = 0; !stop; i++) {
        const member = `user:admin${i}@acme.example`;
        const role = roles[i % roles.length] ?? 'roles/run.viewer';
        world.emulator.iam.editBindings(SERVICE, addMember(role, member));
        others.push(`${role} ${member}`);
        await new Promise((resolve) => setTimeout(resolve, 40));
      }
    })();
    const runs = await Promise.all(
      Array.from({ length: RUNS }, (_, i) => world.deploy({ inputs: { image: `${IMAGE}:v${i + 2}` } })),
    );
    stop = true;
    await writer;
    assertWonOrLostCleanly(runs, t);
    assert.ok(others.length > 0);
    for (const grant of others) {
      const [role = '', member = ''] = grant.split(' ');
      assert.ok(members(world, SERVICE, role).includes(member), `${grant} was lost`);
    }
    assert.deepEqual(members(world, SERVICE, INVOKER), [`serviceAccount:${CALLER}`], 'the drift was removed');
    const service = await readService(world, SERVICE);
    assert.ok(service !== undefined);
    assert.equal(servingProblem(service), undefined);
    assertServedByAWinner(service.latestReadyRevision, runs);
  });

  test('eight services of one policy, one run each: all deploy with their own invokers', async () => {
    const names = Array.from({ length: RUNS }, (_, i) => `svc-${i + 1}`);
    const block = EXAMPLE_POLICY.slice(EXAMPLE_POLICY.indexOf('  - name: hello'));
    const policy =
      EXAMPLE_POLICY.slice(0, EXAMPLE_POLICY.indexOf('  - name: hello')) +
      names
        .map((name, i) =>
          block
            .replace('  - name: hello', `  - name: ${name}`)
            .replace(
              `      - serviceAccount:${CALLER}`,
              i % 2 === 0 ? `      - serviceAccount:${CALLER}` : `      - serviceAccount:${OUTSIDER}`,
            ),
        )
        .join('');
    const projectPolicy = JSON.stringify(world.emulator.iam.peekPolicy('projects/demo-project'));
    const runs = await Promise.all(names.map((service) => world.deploy({ policy, inputs: { service } })));
    for (const [i, run] of runs.entries()) {
      assert.equal(run.code, 0, `${names[i]}:\n${run.stdout}`);
      assert.deepEqual(world.leaks(run), []);
    }
    for (const [i, name] of names.entries()) {
      const resource = `projects/demo-project/locations/us-central1/services/${name}`;
      const service = await readService(world, resource);
      assert.ok(service !== undefined, `${name} exists`);
      assert.equal(servingProblem(service), undefined, name);
      assert.deepEqual(members(world, resource, INVOKER), [
        `serviceAccount:${i % 2 === 0 ? CALLER : OUTSIDER}`,
      ]);
    }
    assert.equal(
      JSON.stringify(world.emulator.iam.peekPolicy('projects/demo-project')),
      projectPolicy,
      'the project policy is untouched',
    );
  });
});
