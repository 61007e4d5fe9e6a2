import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  forbiddenForPlanning,
  type RequirementInput,
  requiredPermissions,
  requirementInputFromSettings,
  type TargetFacts,
} from '../../../src/permissions/required.ts';
import type { Settings } from '../../../src/settings/types.ts';

const project = { id: 'demo', number: '123' };
const SERVICE = 'projects/demo/locations/us-central1/services/hello';

function target(over: Partial<TargetFacts> = {}): TargetFacts {
  return {
    service: SERVICE,
    exists: false,
    runtimeServiceAccount: undefined,
    managesInvokers: false,
    release: 'deploy',
    invokesAsDeployer: false,
    ...over,
  };
}

function flat(input: RequirementInput): string[] {
  return requiredPermissions(input)
    .map((r) => `${r.resource.kind}:${r.resource.name} ${r.permission}`)
    .sort();
}

describe('requiredPermissions', () => {
  const table: ReadonlyArray<readonly [string, RequirementInput, string[]]> = [
    [
      'deploy a new service with the default runtime account',
      { mode: 'deploy', project, targets: [target()], readsRevisions: false },
      [
        'project:demo run.operations.get',
        'project:demo run.services.create',
        'project:demo run.services.get',
        'service-account:123-compute@developer.gserviceaccount.com iam.serviceAccounts.actAs',
      ],
    ],
    [
      'update an existing service with managed invokers, reading revisions',
      {
        mode: 'deploy',
        project,
        targets: [
          target({
            exists: true,
            managesInvokers: true,
            runtimeServiceAccount: 'rt@demo.iam.gserviceaccount.com',
          }),
        ],
        readsRevisions: true,
      },
      [
        'project:demo run.operations.get',
        'project:demo run.revisions.get',
        `service-account:rt@demo.iam.gserviceaccount.com iam.serviceAccounts.actAs`,
        `service:${SERVICE} run.services.get`,
        `service:${SERVICE} run.services.getIamPolicy`,
        `service:${SERVICE} run.services.setIamPolicy`,
        `service:${SERVICE} run.services.update`,
      ],
    ],
    [
      'new service with invokers: IAM permissions must come from the project',
      { mode: 'deploy', project, targets: [target({ managesInvokers: true })], readsRevisions: false },
      [
        'project:demo run.operations.get',
        'project:demo run.services.create',
        'project:demo run.services.get',
        'project:demo run.services.getIamPolicy',
        'project:demo run.services.setIamPolicy',
        'service-account:123-compute@developer.gserviceaccount.com iam.serviceAccounts.actAs',
      ],
    ],
    [
      'plan: reads only',
      {
        mode: 'plan',
        project,
        targets: [
          target({ exists: true, managesInvokers: true }),
          target({ service: 'projects/demo/locations/europe-west1/services/hello' }),
        ],
        readsRevisions: true,
      },
      [
        'project:demo run.services.get',
        `service:${SERVICE} run.services.get`,
        `service:${SERVICE} run.services.getIamPolicy`,
      ],
    ],
    [
      'promote or roll back: update the service (traffic only), no create, no IAM policy',
      {
        mode: 'deploy',
        project,
        targets: [
          target({ exists: true, release: 'move', runtimeServiceAccount: 'rt@demo.iam.gserviceaccount.com' }),
        ],
        readsRevisions: true,
      },
      [
        'project:demo run.operations.get',
        'project:demo run.revisions.get',
        'service-account:rt@demo.iam.gserviceaccount.com iam.serviceAccounts.actAs',
        `service:${SERVICE} run.services.get`,
        `service:${SERVICE} run.services.update`,
      ],
    ],
    [
      'canary of a private service: the deployer invokes it for the health checks',
      {
        mode: 'deploy',
        project,
        targets: [target({ exists: true, invokesAsDeployer: true })],
        readsRevisions: false,
      },
      [
        'project:demo run.operations.get',
        'service-account:123-compute@developer.gserviceaccount.com iam.serviceAccounts.actAs',
        `service:${SERVICE} run.routes.invoke`,
        `service:${SERVICE} run.services.get`,
        `service:${SERVICE} run.services.update`,
      ],
    ],
    [
      'canary of a private service with managed invokers: the run binds the deployer itself',
      {
        mode: 'deploy',
        project,
        targets: [target({ exists: true, invokesAsDeployer: true, managesInvokers: true })],
        readsRevisions: false,
      },
      [
        'project:demo run.operations.get',
        'service-account:123-compute@developer.gserviceaccount.com iam.serviceAccounts.actAs',
        `service:${SERVICE} run.services.get`,
        `service:${SERVICE} run.services.getIamPolicy`,
        `service:${SERVICE} run.services.setIamPolicy`,
        `service:${SERVICE} run.services.update`,
      ],
    ],
    [
      'canary on a first deploy: no health check runs (the first revision takes the traffic)',
      { mode: 'deploy', project, targets: [target({ invokesAsDeployer: true })], readsRevisions: false },
      [
        'project:demo run.operations.get',
        'project:demo run.services.create',
        'project:demo run.services.get',
        'service-account:123-compute@developer.gserviceaccount.com iam.serviceAccounts.actAs',
      ],
    ],
  ];
  for (const [name, input, expected] of table) {
    test(name, () => assert.deepEqual(flat(input), expected));
  }

  test('two regions share one project requirement with both reasons', () => {
    const required = requiredPermissions({
      mode: 'deploy',
      project,
      targets: [target(), target({ service: 'projects/demo/locations/europe-west1/services/hello' })],
      readsRevisions: false,
    });
    const create = required.filter((r) => r.permission === 'run.services.create');
    assert.equal(create.length, 1);
    assert.deepEqual(create[0]?.reasons, ['create hello in us-central1', 'create hello in europe-west1']);
  });
});

describe('forbiddenForPlanning', () => {
  test('mutating permissions on the project and on each existing service', () => {
    const forbidden = forbiddenForPlanning({
      mode: 'plan',
      project,
      targets: [target({ exists: true }), target({ service: 'projects/demo/locations/x/services/new' })],
      readsRevisions: false,
    });
    const keys = forbidden.map((r) => `${r.resource.kind} ${r.permission}`);
    assert.ok(keys.includes('project run.services.update'));
    assert.ok(keys.includes('project run.services.setIamPolicy'));
    assert.ok(keys.includes('service run.services.create'));
    assert.ok(!keys.includes('service run.revisions.delete'));
    assert.equal(forbidden.filter((r) => r.resource.kind === 'service').length, 4);
  });
});

describe('requirementInputFromSettings', () => {
  test('maps targets to full names, existence, runtime account and invoker management', () => {
    const service = {
      name: 'hello',
      regions: ['us-central1', 'europe-west1'],
      runtimeServiceAccount: 'rt@demo.iam.gserviceaccount.com',
      imageRepository: undefined,
      port: undefined,
      env: {},
      secrets: {},
      cpu: undefined,
      memory: undefined,
      concurrency: undefined,
      timeoutSeconds: undefined,
      minInstances: undefined,
      maxInstances: undefined,
      ingress: undefined,
      labels: {},
      public: false,
      invokers: undefined,
      canary: undefined,
      span: undefined,
    };
    const settings: Settings = {
      mode: 'deploy',
      project,
      deployer: {
        workloadIdentityProvider: 'projects/123/locations/global/workloadIdentityPools/p/providers/p',
        serviceAccount: 'd@demo.iam.gserviceaccount.com',
        planServiceAccount: undefined,
        planAllow: undefined,
        audience: 'a',
        tokenLifetimeSeconds: 600,
        universeDomain: 'googleapis.com',
        allow: undefined,
        allowedRoles: [],
        excessPermissions: 'fail',
      },
      targets: [
        { service, region: 'us-central1' },
        {
          service: { ...service, name: 'pub', public: true, runtimeServiceAccount: undefined },
          region: 'europe-west1',
        },
      ],
      release: { kind: 'deploy', traffic: 'all', tag: undefined, firstDeploy: 'fail' },
      image: 'img',
      waitTimeoutSeconds: 600,
      policyFile: undefined,
      prComment: { enabled: false, githubToken: undefined },
    };
    const input = requirementInputFromSettings(
      settings,
      (name) => ({
        exists: name === SERVICE,
        // What the read found is used only where the settings name no account.
        runtimeServiceAccount:
          name === SERVICE ? 'ignored@demo.iam.gserviceaccount.com' : 'pub-rt@demo.iam.gserviceaccount.com',
      }),
      true,
    );
    assert.deepEqual(input.targets, [
      {
        service: SERVICE,
        exists: true,
        runtimeServiceAccount: 'rt@demo.iam.gserviceaccount.com',
        managesInvokers: false,
        release: 'deploy',
        invokesAsDeployer: false,
      },
      {
        service: 'projects/demo/locations/europe-west1/services/pub',
        exists: false,
        runtimeServiceAccount: 'pub-rt@demo.iam.gserviceaccount.com',
        managesInvokers: true,
        release: 'deploy',
        invokesAsDeployer: false,
      },
    ]);
    assert.equal(input.readsRevisions, true);
  });
});
