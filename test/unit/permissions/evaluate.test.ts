import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ActionError } from '../../../src/errors.ts';
import { TELL_TALES } from '../../../src/permissions/catalog.ts';
import { type EvaluationInput, evaluate, planChecks } from '../../../src/permissions/evaluate.ts';
import { customRolePermissions, missingPermissionsError } from '../../../src/permissions/messages.ts';
import { enforcePreflight } from '../../../src/permissions/preflight.ts';
import {
  forbiddenForPlanning,
  type RequirementInput,
  requiredPermissions,
} from '../../../src/permissions/required.ts';
import { expandEnvelope } from '../../../src/permissions/roles.ts';

const project = { id: 'demo', number: '123' };
const SERVICE = 'projects/demo/locations/us-central1/services/hello';
const RUNTIME = 'rt@demo.iam.gserviceaccount.com';
const DEPLOYER = 'deployer@demo.iam.gserviceaccount.com';

const existing: RequirementInput = {
  mode: 'deploy',
  project,
  targets: [
    {
      service: SERVICE,
      exists: true,
      runtimeServiceAccount: RUNTIME,
      managesInvokers: true,
      release: 'deploy',
      invokesAsDeployer: false,
    },
  ],
  readsRevisions: false,
};
const fresh: RequirementInput = {
  mode: 'deploy',
  project,
  targets: [
    {
      service: SERVICE,
      exists: false,
      runtimeServiceAccount: RUNTIME,
      managesInvokers: false,
      release: 'deploy',
      invokesAsDeployer: false,
    },
  ],
  readsRevisions: false,
};

function held(entries: Record<string, readonly string[]>): Map<string, Set<string>> {
  return new Map(Object.entries(entries).map(([key, permissions]) => [key, new Set(permissions)]));
}

function input(
  over: Partial<EvaluationInput> & { requirement?: RequirementInput; roles?: string[] },
): EvaluationInput {
  const requirement = over.requirement ?? existing;
  return {
    identity: DEPLOYER,
    tokenLifetimeSeconds: 600,
    tokenExpiresAt: '2026-01-01T00:10:00.000Z',
    required: requiredPermissions(requirement),
    forbidden: [],
    envelope: expandEnvelope(over.roles ?? ['roles/run.admin', 'roles/iam.serviceAccountUser'], new Map()),
    excessMode: 'fail',
    held: new Map(),
    projectId: 'demo',
    ...over,
  };
}

const states = (result: ReturnType<typeof evaluate>) =>
  result.findings.map((f) => `${f.state} ${f.resource.kind} ${f.permission}`).sort();

describe('planChecks', () => {
  test('one batch per resource; service permissions also asked of the project; tell-tales on the project', () => {
    const checks = planChecks('demo', requiredPermissions(existing), [], true);
    assert.deepEqual(
      checks.map((c) => `${c.resource.kind}:${c.resource.name}`),
      ['project:demo', `service:${SERVICE}`, `service-account:${RUNTIME}`],
    );
    const projectCheck = checks[0]?.permissions ?? [];
    assert.ok(projectCheck.includes('run.services.update'));
    for (const tell of Object.keys(TELL_TALES)) assert.ok(projectCheck.includes(tell), tell);
    assert.deepEqual(checks[2]?.permissions, ['iam.serviceAccounts.actAs']);
  });
  test('no tell-tales when the envelope is not checked', () => {
    const checks = planChecks('demo', requiredPermissions(fresh), [], false);
    assert.ok(!checks[0]?.permissions.includes('resourcemanager.projects.setIamPolicy'));
  });
});

describe('evaluate', () => {
  test('a service-level grant counts, and so does a project-level one', () => {
    const result = evaluate(
      input({
        held: held({
          'project:demo': ['run.operations.get', 'run.services.get'],
          [`service:${SERVICE}`]: [
            'run.services.update',
            'run.services.getIamPolicy',
            'run.services.setIamPolicy',
          ],
          [`service-account:${RUNTIME}`]: ['iam.serviceAccounts.actAs'],
        }),
      }),
    );
    assert.ok(result.findings.every((f) => f.state === 'held'));
  });

  test('missing permissions are listed where they were checked, with the narrowest role', () => {
    const result = evaluate(
      input({ requirement: fresh, held: held({ 'project:demo': ['run.services.get'] }) }),
    );
    assert.deepEqual(states(result), [
      'held project run.services.get',
      'missing project run.operations.get',
      'missing project run.services.create',
      'missing service-account iam.serviceAccounts.actAs',
    ]);
    const actAs = result.findings.find((f) => f.permission === 'iam.serviceAccounts.actAs');
    assert.equal(actAs?.roles[0], 'roles/iam.serviceAccountUser');
  });

  test('an Editor deployer shows excess tell-tales outside the envelope', () => {
    const result = evaluate(
      input({
        requirement: fresh,
        roles: ['roles/run.developer', 'roles/iam.serviceAccountUser'],
        held: held({
          'project:demo': [
            'run.services.get',
            'run.services.create',
            'run.operations.get',
            'compute.instances.create',
            'storage.buckets.delete',
            'run.services.delete',
          ],
          [`service-account:${RUNTIME}`]: ['iam.serviceAccounts.actAs'],
        }),
      }),
    );
    const excess = result.findings.filter((f) => f.state === 'excess');
    assert.deepEqual(excess.map((f) => f.permission).sort(), [
      'compute.instances.create',
      'storage.buckets.delete',
    ]);
    assert.equal(excess.find((f) => f.permission === 'compute.instances.create')?.roles[0], 'roles/editor');
  });

  test('project-level setIamPolicy while only one service is managed is excess unless allowed', () => {
    const heldAll = held({
      'project:demo': ['run.services.setIamPolicy'],
      [`service:${SERVICE}`]: [
        'run.services.get',
        'run.services.update',
        'run.services.getIamPolicy',
        'run.services.setIamPolicy',
      ],
    });
    const narrow = evaluate(input({ roles: ['roles/run.developer'], held: heldAll }));
    assert.deepEqual(
      narrow.findings.filter((f) => f.state === 'excess').map((f) => `${f.permission} ${f.roles[0]}`),
      ['run.services.setIamPolicy roles/run.admin'],
    );
    const allowed = evaluate(input({ roles: ['roles/run.admin'], held: heldAll }));
    assert.equal(allowed.findings.filter((f) => f.state === 'excess').length, 0);
  });

  test('an unexpandable envelope skips the excess check', () => {
    const result = evaluate(
      input({
        envelope: expandEnvelope(['projects/demo/roles/unknown'], new Map()),
        held: held({ 'project:demo': ['resourcemanager.projects.setIamPolicy'] }),
      }),
    );
    assert.equal(result.findings.filter((f) => f.state === 'excess').length, 0);
    assert.deepEqual(result.envelope.unexpanded, ['projects/demo/roles/unknown']);
  });

  test('mode off reports no excess', () => {
    const result = evaluate(
      input({ excessMode: 'off', held: held({ 'project:demo': ['resourcemanager.projects.delete'] }) }),
    );
    assert.equal(result.findings.filter((f) => f.state === 'excess').length, 0);
  });

  test('a planning account holding a mutating permission is forbidden', () => {
    const plan: RequirementInput = { ...existing, mode: 'plan' };
    const result = evaluate(
      input({
        requirement: plan,
        forbidden: forbiddenForPlanning(plan),
        held: held({
          'project:demo': ['run.services.get', 'run.services.update'],
          [`service:${SERVICE}`]: ['run.services.get', 'run.services.getIamPolicy'],
        }),
      }),
    );
    assert.deepEqual(
      result.findings.filter((f) => f.state === 'forbidden').map((f) => `${f.resource.kind} ${f.permission}`),
      ['project run.services.update', 'service run.services.update'],
    );
  });
});

describe('messages and enforcePreflight', () => {
  test('missing permissions: one error, each permission, where, role, and a minimal custom role', () => {
    const result = evaluate(
      input({ requirement: fresh, held: held({ 'project:demo': ['run.services.get'] }) }),
    );
    const error = missingPermissionsError(result, 'demo');
    assert.ok(error instanceof ActionError);
    assert.match(error.message, /^deployer@demo.iam.gserviceaccount.com lacks 3 permissions this run needs:/);
    assert.match(
      error.message,
      /- run.services.create on project demo \(create hello in us-central1\); smallest predefined role: roles\/run.developer/,
    );
    assert.match(
      error.message,
      /- iam.serviceAccounts.actAs on service account rt@demo.iam.gserviceaccount.com .*roles\/iam.serviceAccountUser/,
    );
    const remedy = error.remedy ?? '';
    assert.match(
      remedy,
      /gcloud iam roles create cloudRunDeployer --project=demo --title="Cloud Run deployer" --stage=GA --permissions=run.operations.get,run.services.create,run.services.get,run.services.update/,
    );
    assert.match(
      remedy,
      /gcloud projects add-iam-policy-binding demo --member=serviceAccount:deployer@demo.iam.gserviceaccount.com --role=projects\/demo\/roles\/cloudRunDeployer/,
    );
    assert.match(
      remedy,
      /gcloud iam service-accounts add-iam-policy-binding rt@demo.iam.gserviceaccount.com --member=serviceAccount:deployer@demo.iam.gserviceaccount.com --role=roles\/iam.serviceAccountUser/,
    );
    assert.match(remedy, /includedPermissions:\n {2}- run.operations.get\n/);
  });

  test('custom role permissions exclude actAs and pair create with update', () => {
    const result = evaluate(input({ requirement: fresh }));
    assert.deepEqual(customRolePermissions(result), [
      'run.operations.get',
      'run.services.create',
      'run.services.get',
      'run.services.update',
    ]);
  });

  test('enforce: passes, fails on excess in fail mode, warns in warn mode', () => {
    const all = held({
      'project:demo': [
        'run.services.get',
        'run.services.create',
        'run.operations.get',
        'resourcemanager.projects.setIamPolicy',
      ],
      [`service-account:${RUNTIME}`]: ['iam.serviceAccounts.actAs'],
    });
    const warnings: string[] = [];
    assert.throws(
      () =>
        enforcePreflight(evaluate(input({ requirement: fresh, held: all })), 'demo', (m) => warnings.push(m)),
      /outside its envelope.*\n {2}- resourcemanager.projects.setIamPolicy on project demo: lets it grant any role on the project to anyone; indicates roles\/resourcemanager.projectIamAdmin/,
    );
    enforcePreflight(evaluate(input({ requirement: fresh, held: all, excessMode: 'warn' })), 'demo', (m) =>
      warnings.push(m),
    );
    assert.equal(warnings.length, 1);
    assert.match(warnings[0] ?? '', /gcloud projects remove-iam-policy-binding demo/);
  });

  test('enforce: missing permissions fail, and the excess is still reported', () => {
    const result = evaluate(
      input({ requirement: fresh, held: held({ 'project:demo': ['resourcemanager.projects.delete'] }) }),
    );
    const warnings: string[] = [];
    assert.throws(() => enforcePreflight(result, 'demo', (m) => warnings.push(m)), /lacks 4 permissions/);
    assert.equal(warnings.length, 1);
    assert.match(
      warnings[0] ?? '',
      /resourcemanager.projects.delete on project demo: lets it delete the project; indicates roles\/owner/,
    );
  });

  test('missing only actAs: no custom role, just the service account binding', () => {
    const result = evaluate(
      input({
        requirement: fresh,
        held: held({ 'project:demo': ['run.services.get', 'run.services.create', 'run.operations.get'] }),
      }),
    );
    const error = missingPermissionsError(result, 'demo');
    assert.ok(error);
    assert.doesNotMatch(error.remedy ?? '', /gcloud iam roles create/);
    assert.match(
      error.remedy ?? '',
      /^Let the deployer act as each runtime service account:\n {2}gcloud iam service-accounts add-iam-policy-binding rt@/,
    );
  });
});
