/**
 * Issue #8 end to end: the set-up generated from each example policy, applied to a fresh emulator
 * world, is enough for every service and region to deploy (create, then update) and plan, with a
 * clean preflight; and taking any single permission away from it makes the preflight fail.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, test } from 'node:test';
import { type Claims, checkClaims, decodeJwtPayload } from '../../src/identity/claims.ts';
import { defaultComputeServiceAccount } from '../../src/permissions/required.ts';
import { type Policy, parsePolicy } from '../../src/settings/policy.ts';
import type { ClaimRules } from '../../src/settings/types.ts';
import { buildSetup } from '../../src/setup/build-setup.ts';
import type { Setup } from '../../src/setup/types.ts';
import { call, githubToken, stsForm } from '../emulator/tests/helpers.ts';
import type { ActionRun } from './runner.ts';
import { mutations, World } from './world.ts';

const ROOT = resolve(import.meta.dirname, '../..');
const EXAMPLES = ['hello.yml', 'private-api-with-secrets.yml', 'public-website.yml'];

interface Example {
  readonly file: string;
  readonly text: string;
  readonly policy: Policy;
  readonly setup: Setup;
}

function example(name: string): Example {
  const file = `examples/policies/${name}`;
  const text = readFileSync(resolve(ROOT, file), 'utf8');
  const policy = parsePolicy(text, file);
  return { file, text, policy, setup: buildSetup(policy) };
}

type Bindings = Map<string, Set<string>>;

function grant(bindings: Bindings, role: string, member: string): void {
  const members = bindings.get(role) ?? new Set<string>();
  members.add(member);
  bindings.set(role, members);
}

function policyJson(bindings: Bindings | undefined) {
  return {
    bindings: [...(bindings ?? new Map<string, Set<string>>())]
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([role, members]) => ({ role, members: [...members].sort() })),
  };
}

/** A GitHub token the policy's `deployer.allow` rules accept: the first allowed value of each claim. */
function allowedClaims(policy: Policy): Record<string, string> {
  const allow = policy.allow;
  assert.ok(allow !== undefined, 'the example policy must have deployer.allow');
  const claims: Record<string, string> = {
    repository: allow.repositories[0] ?? '',
    ref: (allow.refs?.[0] ?? 'refs/heads/main').replaceAll('*', '1.0.0'),
    event_name: allow.events?.[0] ?? 'push',
  };
  const environment = allow.environments?.[0];
  if (environment !== undefined) claims.environment = environment;
  return claims;
}

/**
 * The emulator world the generated set-up produces, from the structured set-up (not its text), on a
 * project that has only what every project has (its default compute account) plus the principals
 * the policy names as invokers, which exist before any deploy.
 */
function worldState(policy: Policy, setup: Setup): unknown {
  const accountPolicies = new Map<string, Bindings>();
  for (const binding of setup.serviceAccountBindings) {
    const bindings = accountPolicies.get(binding.serviceAccount) ?? new Map<string, Set<string>>();
    grant(bindings, binding.role, binding.member);
    accountPolicies.set(binding.serviceAccount, bindings);
  }
  const emails = new Set([
    ...setup.serviceAccounts.map((account) => account.email),
    defaultComputeServiceAccount(setup.project.number),
    ...policy.services.flatMap(({ settings }) =>
      (settings.invokers ?? [])
        .filter((member) => member.startsWith('serviceAccount:'))
        .map((member) => member.slice('serviceAccount:'.length)),
    ),
  ]);
  const projectBindings: Bindings = new Map();
  for (const binding of setup.projectBindings) grant(projectBindings, binding.role, binding.member);
  return {
    project: { id: setup.project.id, number: setup.project.number },
    customRoles: setup.customRoles.map((role) => ({
      name: role.name,
      title: role.title,
      description: role.description,
      stage: 'GA',
      includedPermissions: [...role.permissions],
    })),
    serviceAccounts: [...emails].sort().map((email) => ({
      email,
      ...(accountPolicies.has(email) ? { iamPolicy: policyJson(accountPolicies.get(email)) } : {}),
    })),
    iamPolicy: policyJson(projectBindings),
    workloadIdentityPools: [
      {
        id: setup.pool.id,
        displayName: setup.pool.displayName,
        providers: [
          {
            id: setup.provider.id,
            displayName: setup.provider.displayName,
            issuerUri: setup.provider.issuerUri,
            attributeMapping: { ...setup.provider.attributeMapping },
            attributeCondition: setup.provider.attributeCondition,
          },
        ],
      },
    ],
    github: { claims: allowedClaims(policy) },
  };
}

/** The same set-up with one permission taken out of one custom role. */
function without(setup: Setup, roleId: string, permission: string): Setup {
  return {
    ...setup,
    customRoles: setup.customRoles.map((role) =>
      role.id === roleId ? { ...role, permissions: role.permissions.filter((p) => p !== permission) } : role,
    ),
  };
}

/** Whether the action's own claim check admits `claims` under `rules`. */
function admits(rules: ClaimRules, claims: Claims, where: string): boolean {
  try {
    checkClaims(claims, rules, where);
    return true;
  } catch {
    return false;
  }
}

function log(run: ActionRun): string {
  return `exit ${run.code}\n${run.stdout}\n${run.stderr}\n${run.summary}`;
}

/** Succeeded, with a preflight that found nothing missing and nothing excess, and no warning. */
function assertClean(run: ActionRun, what: string): void {
  assert.equal(run.code, 0, `${what} failed:\n${log(run)}`);
  assert.match(run.summary, /### Permission check of/, `${what}: no permission check in the summary`);
  assert.doesNotMatch(run.summary, /❌ missing|⚠️ excess|⛔ forbidden/, `${what}: unclean preflight`);
  assert.match(run.summary, /missing: 0, excess: 0\./, `${what}: preflight counts`);
  assert.doesNotMatch(run.stdout, /^::warning/m, `${what}: warned:\n${run.stdout}`);
}

/**
 * Failed for want of `permission`: the preflight reports it missing, or (for what the run reads
 * before the preflight: the service and its invokers) Google's denial names it.
 */
function assertRefused(run: ActionRun, permission: string, what: string): void {
  assert.notEqual(run.code, 0, `${what} should have failed:\n${log(run)}`);
  const missing = run.summary
    .split('\n')
    .some((line) => line.includes(`\`${permission}\``) && line.includes('❌ missing'));
  const denied = run.summary.includes(`Permission '${permission}' denied`);
  assert.ok(missing || denied, `${what}: ${permission} is neither missing nor denied:\n${run.summary}`);
}

function image(policy: Policy, service: string, tag: string): string {
  const settings = policy.services.find(({ settings }) => settings.name === service)?.settings;
  return `${settings?.imageRepository ?? `us-docker.pkg.dev/${policy.projectId.value}/apps/${service}`}:${tag}`;
}

describe('the generated set-up, applied to a fresh emulator world', { concurrency: 3 }, () => {
  for (const name of EXAMPLES) {
    test(`${name}: every service and region plans, deploys, updates and plans again`, async () => {
      const { text, policy, setup } = example(name);
      const world = await World.start(worldState(policy, setup));
      try {
        for (const { settings } of policy.services) {
          for (const region of settings.regions) {
            const target = `${settings.name} (${region})`;
            const inputs = { service: settings.name, region };
            const planner = policy.planServiceAccount !== undefined;
            if (planner) {
              const plan = await world.deploy({
                policy: text,
                inputs: { ...inputs, mode: 'plan', image: image(policy, settings.name, 'v1') },
              });
              assertClean(plan, `planning ${target} before it exists`);
              assert.match(plan.summary, new RegExp(`Permission check of \`${policy.planServiceAccount}\``));
            }
            const created = await world.deploy({
              policy: text,
              inputs: { ...inputs, image: image(policy, settings.name, 'v1') },
            });
            assertClean(created, `creating ${target}`);
            assert.match(created.summary, new RegExp(`${settings.name} \\(${region}\\) \\| ✅ deployed`));
            const updated = await world.deploy({
              policy: text,
              inputs: { ...inputs, image: image(policy, settings.name, 'v2') },
            });
            assertClean(updated, `updating ${target}`);
            assert.equal(updated.outputs.previous_revision, created.outputs.revision);
            assert.notEqual(updated.outputs.revision, created.outputs.revision);
            if (planner) {
              const plan = await world.deploy({
                policy: text,
                inputs: { ...inputs, mode: 'plan', image: image(policy, settings.name, 'v3') },
              });
              assertClean(plan, `planning ${target} once it exists`);
            }
          }
        }
      } finally {
        await world.close();
      }
    });
  }
});

describe('the generated custom roles are minimal (hello.yml)', { concurrency: 4 }, () => {
  const hello = example('hello.yml');
  const deployerRole = hello.setup.customRoles.find((role) => role.name.endsWith('/cloudRunDeployer'));
  const plannerRole = hello.setup.customRoles.find((role) => role.name.endsWith('/cloudRunPlanner'));
  assert.ok(deployerRole !== undefined && plannerRole !== undefined);
  const deploy = (world: World, tag: string) =>
    world.deploy({ policy: hello.text, inputs: { image: image(hello.policy, 'hello', tag) } });

  for (const permission of deployerRole.permissions) {
    test(`without ${permission}, the deployer run is refused or its preflight degraded`, async () => {
      const world = await World.start(
        worldState(hello.policy, without(hello.setup, deployerRole.id, permission)),
      );
      try {
        if (permission === 'iam.roles.get') {
          // Without it the preflight cannot read the envelope's custom role: the excess check is skipped.
          const run = await deploy(world, 'v1');
          assert.match(
            run.stdout,
            /::warning.*Could not read role projects\/demo-project\/roles\/cloudRunDeployer/,
          );
          assert.match(run.stdout, /The excess-permission check is skipped/);
          return;
        }
        if (permission === 'run.services.update') {
          // Only a service that exists is updated: the first deploy creates it, the next one needs update.
          assertClean(await deploy(world, 'v1'), 'the first deploy');
          assertRefused(await deploy(world, 'v2'), permission, 'the second deploy');
          return;
        }
        assertRefused(await deploy(world, 'v1'), permission, 'the first deploy');
      } finally {
        await world.close();
      }
    });
  }

  test('without actAs on the runtime account, the deployer run is refused', async () => {
    const setup: Setup = {
      ...hello.setup,
      serviceAccountBindings: hello.setup.serviceAccountBindings.filter(
        (binding) => binding.role !== 'roles/iam.serviceAccountUser',
      ),
    };
    const world = await World.start(worldState(hello.policy, setup));
    try {
      assertRefused(await deploy(world, 'v1'), 'iam.serviceAccounts.actAs', 'the first deploy');
    } finally {
      await world.close();
    }
  });

  for (const permission of plannerRole.permissions) {
    test(`without ${permission}, the planner run is refused`, async () => {
      const world = await World.start(
        worldState(hello.policy, without(hello.setup, plannerRole.id, permission)),
      );
      try {
        // The deployer (unchanged) creates the service, so planning also reads its invokers.
        assertClean(await deploy(world, 'v1'), 'the first deploy');
        const plan = await world.deploy({
          policy: hello.text,
          inputs: { mode: 'plan', image: image(hello.policy, 'hello', 'v2') },
        });
        assertRefused(plan, permission, 'planning');
      } finally {
        await world.close();
      }
    });
  }
});

describe('the generated provider condition admits exactly what deployer.allow or plan_allow admits', () => {
  // [policy, claim overrides, whether deployer.allow or deployer.plan_allow admits them]
  const cases: readonly [string, Record<string, string>, boolean][] = [
    ['hello.yml', {}, true],
    ['hello.yml', { ref: 'refs/tags/v2.1' }, true],
    ['hello.yml', { ref: 'refs/tags/v2/evil' }, false],
    ['hello.yml', { ref: 'refs/heads/feature' }, false],
    ['hello.yml', { event_name: 'pull_request' }, true],
    ['hello.yml', { event_name: 'pull_request', ref: 'refs/pull/7/merge' }, true],
    ['hello.yml', { event_name: 'pull_request', ref: 'refs/pull/7/head' }, false],
    ['hello.yml', { event_name: 'pull_request_target', ref: 'refs/pull/7/merge' }, false],
    ['hello.yml', { repository: 'acme/other' }, false],
    ['private-api-with-secrets.yml', {}, true],
    ['private-api-with-secrets.yml', { environment: '' }, false],
    ['private-api-with-secrets.yml', { environment: 'staging' }, false],
    ['private-api-with-secrets.yml', { event_name: 'workflow_dispatch' }, true],
  ];
  for (const [name, claims, expected] of cases) {
    test(`${name} with ${JSON.stringify(claims)}`, async () => {
      const { policy, setup } = example(name);
      const world = await World.start(worldState(policy, setup));
      try {
        world.emulator.github.setClaims(claims);
        const token = await githubToken(world.emulator);
        const admitted = [policy.allow, policy.planAllow].some(
          (rules) => rules !== undefined && admits(rules, decodeJwtPayload(token), name),
        );
        assert.equal(admitted, expected, "the action's own claim check");
        const exchange = await call(`${world.emulator.urls.sts}/v1/token`, { form: stsForm(token) });
        assert.equal(exchange.status === 200, admitted, `STS answered ${exchange.status}: ${exchange.text}`);
        if (!admitted) assert.equal(exchange.json.error, 'unauthorized_client');
      } finally {
        await world.close();
      }
    });
  }
});

describe('plan_allow (hello.yml): a pull request plans as the planner and cannot deploy', () => {
  const hello = example('hello.yml');
  const PULL_REQUEST = { ref: 'refs/pull/7/merge', event_name: 'pull_request' };
  const SCOPE = ['https://www.googleapis.com/auth/cloud-platform'];
  const planner = hello.policy.planServiceAccount ?? '';
  const deployer = hello.policy.serviceAccount.value;
  // What a pull request can do to the policy file in its own branch: the action's claim check reads
  // it from the workspace, so only the Google side (the generated set-up) can stop it.
  const widened = hello.text
    .replace('events: [push, workflow_dispatch]\n', 'events: [push, workflow_dispatch, pull_request]\n')
    .replace(
      'refs: [refs/heads/main, "refs/tags/v*"]\n',
      'refs: [refs/heads/main, "refs/tags/v*", "refs/pull/*/merge"]\n',
    );

  test('Google: the pull request token impersonates the planner, and is refused the deployer', async () => {
    const world = await World.start(worldState(hello.policy, hello.setup));
    try {
      world.emulator.github.setClaims(PULL_REQUEST);
      const exchange = await call(`${world.emulator.urls.sts}/v1/token`, {
        form: stsForm(await githubToken(world.emulator)),
      });
      assert.equal(exchange.status, 200, exchange.text);
      const impersonate = (account: string) =>
        call(
          `${world.emulator.urls.iamcredentials}/v1/projects/-/serviceAccounts/${account}:generateAccessToken`,
          {
            token: String(exchange.json.access_token),
            json: { scope: SCOPE },
          },
        );
      const asPlanner = await impersonate(planner);
      assert.equal(asPlanner.status, 200, asPlanner.text);
      const asDeployer = await impersonate(deployer);
      assert.equal(asDeployer.status, 403, asDeployer.text);
      assert.match(asDeployer.text, /iam\.serviceAccounts\.getAccessToken/);
    } finally {
      await world.close();
    }
  });

  test('the action: the pull request plans cleanly, its deploy fails at federation, a push to main deploys', async () => {
    assert.notEqual(widened, hello.text);
    const world = await World.start(worldState(hello.policy, hello.setup));
    try {
      world.emulator.github.setClaims(PULL_REQUEST);
      const plan = await world.deploy({
        policy: hello.text,
        inputs: { mode: 'plan', image: image(hello.policy, 'hello', 'v1') },
        env: { GITHUB_REF: PULL_REQUEST.ref, GITHUB_EVENT_NAME: PULL_REQUEST.event_name },
      });
      assertClean(plan, 'planning from the pull request');
      assert.match(plan.summary, new RegExp(`Permission check of \`${planner}\``));

      const deploy = await world.deploy({
        policy: widened,
        inputs: { image: image(hello.policy, 'hello', 'v1') },
        env: { GITHUB_REF: PULL_REQUEST.ref, GITHUB_EVENT_NAME: PULL_REQUEST.event_name },
      });
      assert.equal(deploy.code, 1, log(deploy));
      assert.match(
        `${deploy.stdout}\n${deploy.summary}`,
        new RegExp(
          `Could not get an access token for service account '${deployer}'[^\\n]*iam\\.serviceAccounts\\.getAccessToken`,
        ),
      );
      assert.deepEqual(mutations(world.emulator), [], 'the refused deploy wrote nothing');

      world.emulator.github.setClaims({ ref: 'refs/heads/main', event_name: 'push' });
      const pushed = await world.deploy({
        policy: hello.text,
        inputs: { image: image(hello.policy, 'hello', 'v1') },
      });
      assertClean(pushed, 'deploying a push to main');
    } finally {
      await world.close();
    }
  });
});
