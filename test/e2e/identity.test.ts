/**
 * Issue #3 end to end: keyless authentication and the effective-permission preflight, each
 * failure ending the step before any change, with its cause and remedy, and no token anywhere.
 */
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, test } from 'node:test';
import { addMember, removeMember } from '../emulator/iam/edits.ts';
import type { ActionRun } from './runner.ts';
import { DEPLOYER, EXAMPLE_POLICY, mutations, World } from './world.ts';

const PRINCIPAL_SET =
  'principalSet://iam.googleapis.com/projects/123456789012/locations/global/workloadIdentityPools/github/attribute.repository/acme/hello';
const DEPLOYER_RESOURCE = `projects/demo-project/serviceAccounts/${DEPLOYER}`;
const RUNTIME_RESOURCE = 'projects/demo-project/serviceAccounts/runtime@demo-project.iam.gserviceaccount.com';

let world: World;
beforeEach(async () => {
  world = await World.start();
});
afterEach(async () => {
  await world.close();
});

/** A failed step: exit 1, nothing changed, the cause and a remedy printed, no token leaked. */
function assertRefused(run: ActionRun, cause: RegExp, remedy: RegExp): void {
  assert.equal(run.code, 1, `expected a failed step:\n${run.stdout}\n${run.stderr}`);
  const errors = run.stdout
    .split('\n')
    .filter((line) => line.startsWith('::error'))
    .join('\n')
    .replace(/%0A/g, '\n');
  assert.match(errors, cause);
  assert.match(errors, remedy);
  assert.doesNotMatch(run.stdout + run.stderr, /\n\s+at .*\.js:\d+/, 'no stack trace');
  assert.deepEqual(mutations(world.emulator), [], 'nothing was changed');
  assert.deepEqual(world.leaks(run), []);
}

describe('keyless authentication', () => {
  test('a correctly set-up deployer gets its token; no token appears anywhere', async () => {
    const run = await world.deploy();
    assert.equal(run.code, 0, run.stdout);
    assert.match(run.summary, /Deployer \| `deployer@demo-project\.iam\.gserviceaccount\.com`/);
    assert.match(run.summary, /Token lifetime \| 600 s/);
    assert.deepEqual(world.leaks(run), []);
    const exchanges = world.emulator.log.entries().filter((entry) => entry.api === 'sts');
    const impersonations = world.emulator.log
      .entries()
      .filter((entry) => entry.path.endsWith(':generateAccessToken'));
    assert.equal(exchanges.length, 1, 'one token exchange per run');
    assert.equal(impersonations.length, 1, 'one impersonation per run');
    const impersonation = impersonations[0]?.body as { scope: string[]; lifetime: string };
    assert.deepEqual(impersonation.scope, ['https://www.googleapis.com/auth/cloud-platform']);
    assert.equal(impersonation.lifetime, '600s');
  });

  test('without `permissions: id-token: write` it says so and shows the YAML', async () => {
    world.emulator.github.setIdTokenAvailable(false);
    assertRefused(await world.deploy(), /lacks the id-token permission/, /id-token: write/);
  });

  test('a fork pull request is told that forks never get OIDC tokens', async () => {
    world.emulator.github.simulateForkPullRequest();
    const run = await world.deploy({
      event: { pull_request: { head: { repo: { fork: true, full_name: 'someone/hello' } } } },
    });
    assertRefused(run, /pull request from a fork/, /fork != true|from the base repository/);
  });

  test('claims outside the policy are refused, naming the claim and the rule', async () => {
    world.emulator.github.setClaims({ ref: 'refs/heads/feature' });
    const run = await world.deploy({ env: { GITHUB_REF: 'refs/heads/feature' } });
    assertRefused(run, /ref.*refs\/heads\/feature/, /allow/);
    assert.equal(
      world.emulator.log.entries().filter((entry) => entry.api === 'sts').length,
      0,
      'no exchange attempted',
    );
  });

  test('a provider in another project number gets invalid_target with a remedy', async () => {
    const policy = EXAMPLE_POLICY.replace(
      'projects/123456789012/locations/global/workloadIdentityPools/github/providers/github',
      'projects/999999999999/locations/global/workloadIdentityPools/github/providers/github',
    );
    assertRefused(await world.deploy({ policy }), /invalid_target|provider/i, /Fix:/);
  });

  test('the attribute condition rejecting the token shows the presented claims', async () => {
    world.emulator.pools.updateProvider('github', 'github', {
      attributeCondition: "assertion.repository == 'acme/other'",
    });
    assertRefused(await world.deploy(), /attribute condition/, /repository.*acme\/hello/s);
  });

  test('a missing workload-identity binding prints the exact binding to add', async () => {
    world.emulator.iam.editBindings(
      DEPLOYER_RESOURCE,
      removeMember('roles/iam.workloadIdentityUser', PRINCIPAL_SET),
    );
    const run = await world.deploy();
    assertRefused(run, /getAccessToken/, /roles\/iam\.workloadIdentityUser/);
    assert.ok(run.stdout.includes(PRINCIPAL_SET), 'the principalSet member to bind is printed');
  });

  test('transient faults on OIDC, STS and IAM Credentials are survived', async () => {
    for (const api of ['oidc', 'sts', 'iamcredentials'] as const) {
      world.emulator.faults.add({ api, fault: { type: 'error', status: 503 }, times: 2 });
    }
    world.emulator.faults.add({ api: 'sts', fault: { type: 'reset' }, times: 1 });
    const run = await world.deploy();
    assert.equal(run.code, 0, run.stdout);
    assert.deepEqual(world.leaks(run), []);
  });

  test('a persistent STS outage fails within a bounded time with the last error', async () => {
    world.emulator.faults.add({ api: 'sts', fault: { type: 'error', status: 503 } });
    const started = Date.now();
    const run = await world.deploy({ timeoutMs: 120_000 });
    const elapsed = Date.now() - started;
    assertRefused(run, /503|unavailable/i, /Fix:/);
    assert.ok(elapsed < 90_000, `took ${elapsed} ms`);
  });
});

describe('effective-permission preflight', () => {
  test('a missing deploy permission is listed with where and the smallest role', async () => {
    world.emulator.iam.roles.setCustom({
      name: 'projects/demo-project/roles/cloudRunDeployer',
      title: 'Cloud Run keyless deployer',
      description: 'Without create or update.',
      stage: 'GA',
      etag: 'BwYbAAAAAAE=',
      includedPermissions: ['run.services.get', 'run.operations.get', 'run.revisions.get', 'iam.roles.get'],
    });
    const run = await world.deploy();
    assertRefused(run, /run\.services\.create on project demo-project/, /roles\/run\.developer|custom role/);
    assert.match(run.summary, /❌ missing/);
  });

  test('a missing actAs on the runtime account names the account and the role', async () => {
    world.emulator.iam.editBindings(
      RUNTIME_RESOURCE,
      removeMember('roles/iam.serviceAccountUser', `serviceAccount:${DEPLOYER}`),
    );
    assertRefused(
      await world.deploy(),
      /iam\.serviceAccounts\.actAs on service account runtime@/,
      /roles\/iam\.serviceAccountUser/,
    );
  });

  for (const role of ['roles/editor', 'roles/owner']) {
    test(`a deployer that holds ${role} is refused as over-privileged`, async () => {
      world.emulator.iam.editBindings('projects/demo-project', addMember(role, `serviceAccount:${DEPLOYER}`));
      const run = await world.deploy();
      assertRefused(run, /excess|beyond|outside/i, /Fix:/);
      assert.match(run.summary, /⚠️ excess/);
    });
  }

  test('excess_permissions: warn reports an Editor deployer and deploys', async () => {
    world.emulator.iam.editBindings(
      'projects/demo-project',
      addMember('roles/editor', `serviceAccount:${DEPLOYER}`),
    );
    const policy = EXAMPLE_POLICY.replace('excess_permissions: fail', 'excess_permissions: warn');
    assert.notEqual(policy, EXAMPLE_POLICY);
    const run = await world.deploy({ policy });
    assert.equal(run.code, 0, run.stdout);
    assert.match(run.stdout, /::warning::.*(excess|beyond|outside)/i);
    assert.match(run.summary, /⚠️ excess/);
  });
});
