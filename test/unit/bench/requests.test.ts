import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  auditRequests,
  classify,
  type LoggedRequest,
  minimumCalls,
} from '../../../scripts/bench/requests.ts';

const SERVICE = '/v2/projects/p/locations/us-central1/services/hello';
const OPERATION = '/v2/projects/p/locations/us-central1/operations/op-1';

function entry(api: string, method: string, path: string, body?: unknown): LoggedRequest {
  return { time: '2026-01-01T00:00:00.000Z', api, method, path, body, status: 200 };
}

const IDENTITY = [
  entry('oidc', 'GET', '/token'),
  entry('sts', 'POST', '/v1/token', { grant_type: 'x' }),
  entry(
    'iamcredentials',
    'POST',
    '/v1/projects/-/serviceAccounts/deployer%40p.iam.gserviceaccount.com:generateAccessToken',
  ),
];
const CHECKS = [
  entry('cloudresourcemanager', 'POST', '/v1/projects/p:testIamPermissions', { permissions: ['a'] }),
  entry('iam', 'POST', '/v1/projects/p/serviceAccounts/runtime@p.iam.gserviceaccount.com:testIamPermissions'),
  entry('iam', 'GET', '/v1/projects/p/roles/cloudRunDeployer'),
];

const CREATE = {
  action: 'create',
  writesInvokers: true,
  targets: 1,
  operationMs: 500,
  runtimeAccounts: 1,
  customRoles: 1,
} as const;

describe('request audit', () => {
  test('classifies every call the deploy makes by its API method', () => {
    const kinds = [
      ...IDENTITY,
      ...CHECKS,
      entry('run', 'GET', SERVICE),
      entry('run', 'POST', '/v2/projects/p/locations/us-central1/services'),
      entry('run', 'PATCH', SERVICE),
      entry('run', 'GET', `${SERVICE}:getIamPolicy`),
      entry('run', 'POST', `${SERVICE}:setIamPolicy`),
      entry('run', 'POST', `${SERVICE}:testIamPermissions`),
      entry('run', 'GET', OPERATION),
      entry('run', 'POST', `${OPERATION}:wait`),
      entry('run', 'GET', `${SERVICE}/revisions/hello-00001-abc`),
      entry('run', 'DELETE', SERVICE),
    ].map((request) => classify(request).kind);
    assert.deepEqual(kinds, [
      'github.oidc.token',
      'sts.token',
      'iamcredentials.generateAccessToken',
      'cloudresourcemanager.projects.testIamPermissions',
      'iam.serviceAccounts.testIamPermissions',
      'iam.roles.get',
      'run.services.get',
      'run.services.create',
      'run.services.update',
      'run.services.getIamPolicy',
      'run.services.setIamPolicy',
      'run.services.testIamPermissions',
      'run.operations.get',
      'run.operations.wait',
      'run.revisions.get',
      `run DELETE ${SERVICE}`,
    ]);
    assert.equal(
      classify(IDENTITY[2] ?? entry('x', 'GET', '/')).resource,
      'projects/-/serviceAccounts/deployer@p.iam.gserviceaccount.com',
    );
  });

  test('the minimum of a create reads no policy; an update reads it and checks the service', () => {
    const create = minimumCalls(CREATE);
    assert.equal(create.get('run.services.getIamPolicy'), undefined);
    assert.equal(create.get('run.services.setIamPolicy'), 1);
    assert.equal(
      [...create.values()].reduce((a, b) => a + b, 0),
      10,
    );
    const update = minimumCalls({ ...CREATE, action: 'update', writesInvokers: false, targets: 3 });
    assert.equal(update.get('run.services.getIamPolicy'), 3);
    assert.equal(update.get('run.services.testIamPermissions'), 3);
    assert.equal(update.get('run.services.update'), 3);
    assert.equal(update.get('run.services.setIamPolicy'), undefined);
    assert.equal(update.get('sts.token'), 1);
  });

  test('an operation done at once needs no observation', () => {
    assert.equal(minimumCalls({ ...CREATE, operationMs: 0 }).get('operation observation'), undefined);
  });

  test('a minimal create has no excess', () => {
    const log = [
      ...IDENTITY,
      entry('run', 'GET', SERVICE),
      ...CHECKS,
      entry('run', 'POST', '/v2/projects/p/locations/us-central1/services'),
      entry('run', 'POST', `${OPERATION}:wait`),
      entry('run', 'POST', `${SERVICE}:setIamPolicy`),
    ];
    assert.deepEqual(auditRequests(log, minimumCalls(CREATE)), {
      total: 10,
      minimum: 10,
      excess: [],
      missing: [],
    });
  });

  test('names extra polls, a policy read after create and repeated requests; reports skipped ones', () => {
    const log = [
      ...IDENTITY,
      entry('sts', 'POST', '/v1/token', { grant_type: 'x' }),
      entry('run', 'GET', SERVICE),
      ...CHECKS.slice(0, 2),
      entry('run', 'POST', '/v2/projects/p/locations/us-central1/services'),
      entry('run', 'GET', OPERATION),
      entry('run', 'GET', OPERATION),
      entry('run', 'GET', OPERATION),
      entry('run', 'GET', `${SERVICE}:getIamPolicy`),
      entry('run', 'POST', `${SERVICE}:setIamPolicy`),
    ];
    const audit = auditRequests(log, minimumCalls(CREATE));
    assert.equal(audit.total, 13);
    assert.deepEqual(
      audit.excess.map((item) => [item.kind, item.count]),
      [
        ['sts.token', 1],
        ['run.operations.get', 2],
        ['run.services.getIamPolicy', 1],
      ],
    );
    assert.match(audit.excess[0]?.reason ?? '', /repeated: the same request sent 2 times/);
    assert.match(audit.excess[1]?.reason ?? '', /still running.*first poll after 100 ms/);
    assert.match(audit.excess[2]?.reason ?? '', /known empty \(etag ACAB\)/);
    assert.deepEqual(audit.missing, [{ kind: 'iam.roles.get', count: 1 }]);
  });
});
