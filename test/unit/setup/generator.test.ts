/** The set-up generator: role permissions, attribute condition, accounts and grants, determinism. */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, test } from 'node:test';
import { parse as parseCel } from '@marcbachmann/cel-js';
import fc from 'fast-check';
import { ActionError } from '../../../src/errors.ts';
import { checkClaims, refGlobMatches } from '../../../src/identity/claims.ts';
import { parsePolicy } from '../../../src/settings/policy.ts';
import type { ClaimRules } from '../../../src/settings/types.ts';
import {
  attributeCondition,
  attributeMapping,
  MAX_CONDITION_CHARS,
  refGlobRegex,
  rulesExpression,
} from '../../../src/setup/attributes.ts';
import { buildSetup } from '../../../src/setup/build-setup.ts';
import {
  deployerPermissions,
  plannerPermissions,
  runtimeAccounts,
} from '../../../src/setup/role-permissions.ts';

const ROOT = resolve(import.meta.dirname, '../../..');
const read = (name: string): string => readFileSync(resolve(ROOT, 'examples/policies', name), 'utf8');
const HELLO = read('hello.yml');

/** hello.yml with `edit` applied to its text. */
function hello(edit: (text: string) => string = (text) => text) {
  return parsePolicy(edit(HELLO), 'hello.yml');
}

const MINIMAL = `version: 1
project: { id: demo-project, number: "123456789012" }
deployer:
  workload_identity_provider: projects/123456789012/locations/global/workloadIdentityPools/github/providers/gh-actions
  service_account: deployer@demo-project.iam.gserviceaccount.com
  allow: { repositories: [acme/b, acme/a] }
services:
  - { name: api, regions: [us-central1, europe-west1] }
  - { name: web, regions: [us-central1], runtime_service_account: web@demo-project.iam.gserviceaccount.com }
`;

describe('custom role permissions', () => {
  test('hello.yml: create and update, invokers, operations, revisions, and iam.roles.get for its custom envelope', () => {
    assert.deepEqual(deployerPermissions(hello()), [
      'iam.roles.get',
      'run.operations.get',
      'run.revisions.get',
      'run.services.create',
      'run.services.get',
      'run.services.getIamPolicy',
      'run.services.setIamPolicy',
      'run.services.update',
    ]);
    assert.deepEqual(plannerPermissions(hello()), ['run.services.get', 'run.services.getIamPolicy']);
  });

  test('no managed invokers: no IAM policy permissions; no envelope: no iam.roles.get', () => {
    const policy = parsePolicy(MINIMAL, 'minimal.yml');
    assert.deepEqual(deployerPermissions(policy), [
      'run.operations.get',
      'run.revisions.get',
      'run.services.create',
      'run.services.get',
      'run.services.update',
    ]);
    assert.deepEqual(plannerPermissions(policy), ['run.services.get']);
  });

  test('iam.roles.get only when the preflight reads a role: custom envelope and the excess check on', () => {
    assert.ok(
      !deployerPermissions(
        hello((t) => t.replace('excess_permissions: fail', 'excess_permissions: off')),
      ).includes('iam.roles.get'),
    );
    const website = parsePolicy(read('public-website.yml'), 'public-website.yml');
    assert.ok(
      !deployerPermissions(website).includes('iam.roles.get'),
      'predefined roles come from the bundled facts',
    );
    assert.ok(deployerPermissions(website).includes('run.services.setIamPolicy'));
  });

  test('runtime accounts: the declared ones, else the default compute account, once each', () => {
    assert.deepEqual(runtimeAccounts(parsePolicy(MINIMAL, 'minimal.yml')), [
      '123456789012-compute@developer.gserviceaccount.com',
      'web@demo-project.iam.gserviceaccount.com',
    ]);
  });
});

describe('one rule set in CEL', () => {
  test('hello.yml pins repository, refs (exact and glob) and events', () => {
    assert.equal(
      rulesExpression({
        repositories: ['acme/hello'],
        refs: ['refs/heads/main', 'refs/tags/v*'],
        environments: undefined,
        events: ['push', 'workflow_dispatch'],
      }),
      'assertion.repository == "acme/hello" && (assertion.ref == "refs/heads/main" || assertion.ref.matches("^refs/tags/v[^/]*$")) && assertion.event_name in ["push", "workflow_dispatch"]',
    );
  });

  test('environments require the claim; several repositories use `in`, sorted', () => {
    assert.equal(
      rulesExpression({
        repositories: ['acme/b', 'acme/a'],
        refs: undefined,
        environments: ['prod'],
        events: undefined,
      }),
      'assertion.repository in ["acme/a", "acme/b"] && has(assertion.environment) && assertion.environment == "prod"',
    );
  });

  test('quotes and backslashes in values stay inside the CEL string literal', () => {
    assert.match(
      rulesExpression({
        repositories: ['acme/a'],
        refs: ['refs/heads/"x\\'],
        environments: undefined,
        events: undefined,
      }),
      /assertion\.ref == "refs\/heads\/\\"x\\\\"$/,
    );
  });

  test('the ref regex matches exactly what the action’s glob matches', () => {
    const segment = fc.stringMatching(/^[a-z.*+?()[\]$^]{0,6}$/);
    fc.assert(
      fc.property(segment, fc.stringMatching(/^[a-z./+?()$^]{0,10}$/), (pattern, rest) => {
        const glob = `refs/${pattern}`;
        const ref = `refs/${rest}`;
        assert.equal(new RegExp(refGlobRegex(glob)).test(ref), refGlobMatches(glob, ref));
      }),
      { numRuns: 500 },
    );
  });
});

const DEPLOY_RULES: ClaimRules = {
  repositories: ['acme/hello'],
  refs: ['refs/heads/main', 'refs/tags/v*'],
  environments: undefined,
  events: ['push', 'workflow_dispatch'],
};
const PLAN_RULES: ClaimRules = {
  repositories: ['acme/hello'],
  refs: ['refs/heads/main', 'refs/pull/*/merge'],
  environments: undefined,
  events: ['push', 'pull_request'],
};

/** Whether the action's own claim check admits `claims` under `rules`. */
function admits(rules: ClaimRules, claims: Record<string, string>): boolean {
  try {
    checkClaims(claims, rules, 'p.yml');
    return true;
  } catch {
    return false;
  }
}

describe('attribute mapping and condition: can_deploy, can_plan', () => {
  test('without a planner: can_deploy only, the condition is allow', () => {
    const mapping = attributeMapping({ deploy: DEPLOY_RULES, plan: undefined });
    assert.equal(mapping['attribute.can_deploy'], `(${rulesExpression(DEPLOY_RULES)}) ? "true" : "false"`);
    assert.equal(mapping['attribute.can_plan'], undefined);
    assert.equal(
      attributeCondition({ deploy: DEPLOY_RULES, plan: undefined }),
      rulesExpression(DEPLOY_RULES),
    );
  });

  test('a planner without plan_allow: can_plan uses allow, the condition stays allow', () => {
    const access = { deploy: DEPLOY_RULES, plan: DEPLOY_RULES };
    const mapping = attributeMapping(access);
    assert.equal(mapping['attribute.can_plan'], mapping['attribute.can_deploy']);
    assert.equal(attributeCondition(access), rulesExpression(DEPLOY_RULES));
  });

  test('plan_allow: can_plan from it, the condition admits either rule set', () => {
    const access = { deploy: DEPLOY_RULES, plan: PLAN_RULES };
    assert.equal(
      attributeMapping(access)['attribute.can_plan'],
      `(${rulesExpression(PLAN_RULES)}) ? "true" : "false"`,
    );
    assert.equal(
      attributeCondition(access),
      `(${rulesExpression(DEPLOY_RULES)}) || (${rulesExpression(PLAN_RULES)})`,
    );
  });

  test('keys sorted, valid Google attribute names, the claims kept', () => {
    const keys = Object.keys(attributeMapping({ deploy: DEPLOY_RULES, plan: PLAN_RULES }));
    assert.deepEqual(keys, [...keys].sort());
    for (const key of keys) assert.match(key, /^(google\.subject|attribute\.[a-z0-9_]{1,100})$/);
    for (const claim of ['repository', 'ref', 'event_name', 'environment', 'repository_owner']) {
      assert.ok(keys.includes(`attribute.${claim}`), claim);
    }
  });

  test('evaluated as CEL, can_deploy / can_plan / the condition agree with the action’s claim check', () => {
    const access = { deploy: DEPLOY_RULES, plan: PLAN_RULES };
    const mapping = attributeMapping(access);
    const evaluate = (expression: string, assertion: Record<string, string>): unknown =>
      parseCel(expression)({ assertion });
    const claims = fc.record(
      {
        repository: fc.constantFrom('acme/hello', 'acme/other'),
        ref: fc.constantFrom(
          'refs/heads/main',
          'refs/heads/feature',
          'refs/tags/v1.2',
          'refs/tags/v1/evil',
          'refs/pull/7/merge',
          'refs/pull/7/head',
        ),
        event_name: fc.constantFrom('push', 'workflow_dispatch', 'pull_request', 'pull_request_target'),
        environment: fc.constantFrom('production', 'staging'),
      },
      { requiredKeys: ['repository', 'ref', 'event_name'] },
    );
    fc.assert(
      fc.property(claims, (assertion) => {
        const deploy = admits(DEPLOY_RULES, assertion);
        const plan = admits(PLAN_RULES, assertion);
        assert.equal(evaluate(mapping['attribute.can_deploy'] ?? '', assertion), deploy ? 'true' : 'false');
        assert.equal(evaluate(mapping['attribute.can_plan'] ?? '', assertion), plan ? 'true' : 'false');
        assert.equal(evaluate(attributeCondition(access), assertion), deploy || plan);
      }),
      { numRuns: 300 },
    );
    // The case the split exists for: a pull request may plan and may not deploy.
    const pullRequest = { repository: 'acme/hello', ref: 'refs/pull/7/merge', event_name: 'pull_request' };
    assert.equal(evaluate(mapping['attribute.can_deploy'] ?? '', pullRequest), 'false');
    assert.equal(evaluate(mapping['attribute.can_plan'] ?? '', pullRequest), 'true');
  });
});

describe('buildSetup', () => {
  test('hello.yml: pool, provider, accounts, roles and grants', () => {
    const setup = buildSetup(hello());
    assert.deepEqual(setup.pool, { id: 'github', displayName: 'GitHub Actions' });
    assert.equal(setup.provider.id, 'github');
    assert.equal(setup.provider.issuerUri, 'https://token.actions.githubusercontent.com');
    assert.equal(setup.provider.attributeMapping['google.subject'], 'assertion.sub');
    assert.deepEqual(
      setup.serviceAccounts.map((a) => [a.accountId, a.purpose]),
      [
        ['deployer', 'deployer'],
        ['planner', 'planner'],
        ['runtime', 'runtime'],
      ],
    );
    assert.deepEqual(
      setup.customRoles.map((r) => r.name),
      ['projects/demo-project/roles/cloudRunDeployer', 'projects/demo-project/roles/cloudRunPlanner'],
    );
    assert.deepEqual(setup.projectBindings, [
      {
        role: 'projects/demo-project/roles/cloudRunDeployer',
        member: 'serviceAccount:deployer@demo-project.iam.gserviceaccount.com',
      },
      {
        role: 'projects/demo-project/roles/cloudRunPlanner',
        member: 'serviceAccount:planner@demo-project.iam.gserviceaccount.com',
      },
    ]);
    const pool =
      'principalSet://iam.googleapis.com/projects/123456789012/locations/global/workloadIdentityPools/github';
    assert.deepEqual(setup.serviceAccountBindings, [
      {
        serviceAccount: 'deployer@demo-project.iam.gserviceaccount.com',
        role: 'roles/iam.workloadIdentityUser',
        member: `${pool}/attribute.can_deploy/true`,
      },
      {
        serviceAccount: 'planner@demo-project.iam.gserviceaccount.com',
        role: 'roles/iam.workloadIdentityUser',
        member: `${pool}/attribute.can_plan/true`,
      },
      {
        serviceAccount: 'runtime@demo-project.iam.gserviceaccount.com',
        role: 'roles/iam.serviceAccountUser',
        member: 'serviceAccount:deployer@demo-project.iam.gserviceaccount.com',
      },
    ]);
    assert.deepEqual(setup.secretBindings, []);
  });

  test('hello.yml: the deployer trusts allow, the planner plan_allow, the provider either', () => {
    const policy = hello();
    const { provider } = buildSetup(policy);
    assert.ok(policy.allow !== undefined && policy.planAllow !== undefined);
    assert.deepEqual(
      provider.attributeMapping,
      attributeMapping({ deploy: policy.allow, plan: policy.planAllow }),
    );
    assert.equal(
      provider.attributeCondition,
      `(${rulesExpression(policy.allow)}) || (${rulesExpression(policy.planAllow)})`,
    );
  });

  test('a planner without plan_allow: can_plan repeats allow; no planner: no can_plan, no planner grant', () => {
    const noPlanAllow = buildSetup(hello((t) => t.replace(/ {2}plan_allow:.*\n(?: {4}.*\n)+/, '')));
    const mapping = noPlanAllow.provider.attributeMapping;
    assert.equal(mapping['attribute.can_plan'], mapping['attribute.can_deploy']);
    assert.ok(
      noPlanAllow.serviceAccountBindings.some(
        (b) => b.serviceAccount.startsWith('planner@') && b.member.endsWith('/attribute.can_plan/true'),
      ),
    );
    const minimal = buildSetup(parsePolicy(MINIMAL, 'm.yml'));
    assert.equal(minimal.provider.attributeMapping['attribute.can_plan'], undefined);
    assert.deepEqual(
      minimal.serviceAccountBindings.filter((b) => b.role === 'roles/iam.workloadIdentityUser'),
      [
        {
          serviceAccount: 'deployer@demo-project.iam.gserviceaccount.com',
          role: 'roles/iam.workloadIdentityUser',
          member:
            'principalSet://iam.googleapis.com/projects/123456789012/locations/global/workloadIdentityPools/github/attribute.can_deploy/true',
        },
      ],
    );
  });

  test('a condition over Google’s 4096 characters is refused with a remedy', () => {
    const many = Array.from({ length: 200 }, (_, i) => `acme/repository-number-${i}`).join(', ');
    const text = MINIMAL.replace('[acme/b, acme/a]', `[${many}]`);
    const policy = parsePolicy(text, 'm.yml');
    assert.ok(policy.allow !== undefined);
    assert.ok(rulesExpression(policy.allow).length > MAX_CONDITION_CHARS);
    assert.throws(
      () => buildSetup(policy),
      (error: unknown) =>
        error instanceof ActionError &&
        /at most 2048|at most 4096/.test(error.message) &&
        /Shorten deployer\.allow/.test(error.remedy ?? ''),
    );
  });

  test('the envelope’s custom role names the deployer role; otherwise cloudRunDeployer', () => {
    const renamed = hello((t) => t.replace('roles/cloudRunDeployer', 'roles/deployOnly'));
    assert.equal(buildSetup(renamed).customRoles[0]?.name, 'projects/demo-project/roles/deployOnly');
    assert.equal(
      buildSetup(parsePolicy(MINIMAL, 'm.yml')).customRoles[0]?.name,
      'projects/demo-project/roles/cloudRunDeployer',
    );
  });

  test('secrets: the runtime account may read each secret, in its own project', () => {
    const setup = buildSetup(parsePolicy(read('private-api-with-secrets.yml'), 'p.yml'));
    assert.deepEqual(setup.secretBindings, [
      {
        project: 'demo-project',
        secret: 'orders-db-password',
        role: 'roles/secretmanager.secretAccessor',
        member: 'serviceAccount:orders-runtime@demo-project.iam.gserviceaccount.com',
      },
    ]);
    assert.ok(setup.apis.includes('secretmanager.googleapis.com'));
  });

  test('the default compute account is granted actAs, not created, and noted', () => {
    const setup = buildSetup(parsePolicy(MINIMAL, 'm.yml'));
    assert.ok(!setup.serviceAccounts.some((a) => a.email.includes('-compute@')));
    assert.ok(
      setup.serviceAccountBindings.some(
        (b) =>
          b.serviceAccount === '123456789012-compute@developer.gserviceaccount.com' &&
          b.role === 'roles/iam.serviceAccountUser',
      ),
    );
    assert.ok(setup.notes.some((note) => note.includes('default compute account')));
  });

  test('an envelope that misses a permission of the role is noted', () => {
    const narrow = hello((t) =>
      t.replace('    - projects/demo-project/roles/cloudRunDeployer\n', '    - roles/run.developer\n'),
    );
    assert.ok(buildSetup(narrow).notes.some((note) => note.includes('run.services.setIamPolicy')));
  });

  test('a policy without deployer.allow is refused, located at the deployer', () => {
    const text = MINIMAL.replace('  allow: { repositories: [acme/b, acme/a] }\n', '');
    assert.throws(
      () => buildSetup(parsePolicy(text, 'm.yml')),
      (error: unknown) =>
        error instanceof ActionError &&
        error.place?.kind === 'file' &&
        error.place.line === 5 &&
        /deployer\.allow/.test(error.remedy ?? ''),
    );
  });

  test('the order of services and repositories does not change the set-up', () => {
    const swapped = MINIMAL.replace('[acme/b, acme/a]', '[acme/a, acme/b]').replace(
      /( {2}- \{ name: api.*\n)( {2}- \{ name: web.*\n)/,
      '$2$1',
    );
    assert.notEqual(swapped, MINIMAL);
    const { policyFile: _a, ...one } = buildSetup(parsePolicy(MINIMAL, 'm.yml'));
    const { policyFile: _b, ...two } = buildSetup(parsePolicy(swapped, 'm.yml'));
    assert.deepEqual(two, one);
  });
});

describe('canary permissions', () => {
  const CANARY = read('canary.yml');
  const DEPLOYER = 'deployer@demo-project.iam.gserviceaccount.com';
  const onDeployer = (text: string) =>
    buildSetup(parsePolicy(text, 'c.yml'))
      .serviceAccountBindings.filter((binding) => binding.serviceAccount === DEPLOYER)
      .map((binding) => binding.role);

  test('a private canary adds no grant on the deployer: the workflow identity mints its ID tokens', () => {
    const withoutCanary = CANARY.replace(/ {4}canary:\n(?: {6}.*\n)+/, '');
    assert.notEqual(withoutCanary, CANARY);
    assert.deepEqual(onDeployer(CANARY), onDeployer(withoutCanary));
    assert.deepEqual([...new Set(onDeployer(CANARY))], ['roles/iam.workloadIdentityUser']);
  });

  test('the workload identity binding covers getOpenIdToken (per the verified role definition)', () => {
    const role = JSON.parse(
      readFileSync(resolve(ROOT, 'test/emulator/data/roles/iam.workloadIdentityUser.json'), 'utf8'),
    ) as { includedPermissions: string[] };
    assert.ok(role.includedPermissions.includes('iam.serviceAccounts.getOpenIdToken'));
  });

  test('the invoke permission comes from the invokers list, never from the project-wide role', () => {
    const policy = parsePolicy(CANARY, 'c.yml');
    assert.ok(!deployerPermissions(policy).includes('run.routes.invoke'));
    assert.deepEqual(
      deployerPermissions(policy),
      deployerPermissions(parsePolicy(CANARY.replace(/ {4}canary:\n(?: {6}.*\n)+/, ''), 'c.yml')),
      'a canary adds no project permission',
    );
  });

  test('a canary with unmanaged invokers: told to grant run.invoker by hand', () => {
    const unmanaged = CANARY.replace(/ {4}invokers:\n(?: {6}.*\n)+/, '');
    assert.notEqual(unmanaged, CANARY);
    const note = buildSetup(parsePolicy(unmanaged, 'c.yml')).notes.find((n) => n.includes('run.invoker'));
    assert.match(note ?? '', /hello runs a canary and its invokers are not managed/);
    assert.match(note ?? '', /--member=serviceAccount:deployer@demo-project\.iam\.gserviceaccount\.com/);
    assert.ok(
      !buildSetup(parsePolicy(CANARY, 'c.yml')).notes.some((n) => n.includes('run.invoker')),
      'listed invokers need no note',
    );
  });
});
