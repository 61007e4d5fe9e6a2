import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { GoogleError } from '../core/google-error.ts';
import type { Identity } from '../core/types.ts';
import type { Emulator } from '../emulator.ts';
import { addMember } from '../iam/edits.ts';
import { CALLER, DEPLOYER, NUMBER, OUTSIDER, PLANNER, POOL, RUNTIME, startCore } from './helpers.ts';

let emulator: Emulator;
before(async () => {
  emulator = await startCore({
    state: {
      project: { id: 'demo-project', number: NUMBER },
      groups: {
        'devs@acme.example': ['user:dev@acme.example', 'group:nested@acme.example'],
        'nested@acme.example': ['user:deep@acme.example'],
      },
      serviceAccounts: [
        { email: DEPLOYER },
        { email: RUNTIME },
        { email: CALLER },
        { email: PLANNER },
        { email: OUTSIDER },
      ],
      iamPolicy: {
        bindings: [
          { role: 'roles/run.viewer', members: [`serviceAccount:${PLANNER}`, 'group:devs@acme.example'] },
        ],
      },
    },
  });
});
after(() => emulator.close());

const SERVICE = 'projects/demo-project/locations/us-central1/services/hello';
const sa = (email: string): Identity => ({ kind: 'serviceAccount', email });
const federated = (
  attributes: Record<string, string>,
  subject = 'repo:acme/hello:ref:refs/heads/main',
): Identity => ({
  kind: 'federated',
  pool: POOL,
  provider: `${POOL}/providers/github`,
  subject,
  attributes,
});

function googleError(status: string, message: RegExp | string) {
  return (error: unknown) => {
    assert.ok(error instanceof GoogleError, String(error));
    assert.equal(error.status, status);
    if (typeof message === 'string') assert.equal(error.message, message);
    else assert.match(error.message, message);
    return true;
  };
}

test('project grants are inherited by services and service accounts; number and id name the same project', () => {
  const iam = emulator.iam;
  assert.equal(iam.check(sa(PLANNER), 'run.services.get', SERVICE), true);
  assert.equal(
    iam.check(sa(PLANNER), 'run.services.get', `projects/${NUMBER}/locations/us-central1/services/hello`),
    true,
  );
  assert.equal(iam.check(sa(PLANNER), 'run.services.update', SERVICE), false);
  assert.equal(iam.check(sa(CALLER), 'run.services.get', SERVICE), false);
});

test('groups (nested) grant their members', () => {
  assert.equal(
    emulator.iam.check(
      { kind: 'user', email: 'deep@acme.example' },
      'run.services.list',
      'projects/demo-project',
    ),
    true,
  );
  assert.equal(
    emulator.iam.check(
      { kind: 'user', email: 'stranger@acme.example' },
      'run.services.list',
      'projects/demo-project',
    ),
    false,
  );
});

test('authorize throws 403 with ErrorInfo IAM_PERMISSION_DENIED', () => {
  assert.throws(
    () => emulator.iam.authorize(sa(CALLER), 'run.services.update', SERVICE),
    (error: unknown) => {
      assert.ok(error instanceof GoogleError);
      assert.equal(error.httpStatus, 403);
      assert.deepEqual(error.toBody().error.details, [
        {
          '@type': 'type.googleapis.com/google.rpc.ErrorInfo',
          reason: 'IAM_PERMISSION_DENIED',
          domain: 'iam.googleapis.com',
          metadata: { permission: 'run.services.update' },
        },
      ]);
      return true;
    },
  );
});

test('principal, principalSet attribute and pool-wide members match federated identities', () => {
  const iam = emulator.iam;
  const resource = `projects/demo-project/serviceAccounts/${RUNTIME}`;
  iam.replacePolicy(resource, {
    bindings: [
      {
        role: 'roles/iam.workloadIdentityUser',
        members: [`principalSet://iam.googleapis.com/${POOL}/attribute.repository/acme/hello`],
      },
      {
        role: 'roles/iam.serviceAccountUser',
        members: [`principal://iam.googleapis.com/${POOL}/subject/repo:acme/other:ref:refs/heads/main`],
      },
      {
        role: 'roles/iam.serviceAccountTokenCreator',
        members: [`principalSet://iam.googleapis.com/${POOL}/*`],
      },
    ],
  });
  assert.equal(
    iam.check(federated({ repository: 'acme/hello' }), 'iam.serviceAccounts.getAccessToken', resource),
    true,
  );
  assert.equal(
    iam.check(federated({ repository: 'acme/other' }), 'iam.serviceAccounts.getAccessToken', resource),
    true,
    'pool-wide token creator',
  );
  assert.equal(
    iam.check(federated({ repository: 'acme/hello' }), 'iam.serviceAccounts.actAs', resource),
    false,
  );
  assert.equal(
    iam.check(federated({}, 'repo:acme/other:ref:refs/heads/main'), 'iam.serviceAccounts.actAs', resource),
    true,
  );
  const otherPool = {
    ...federated({ repository: 'acme/hello' }),
    pool: `projects/${NUMBER}/locations/global/workloadIdentityPools/other`,
  };
  assert.equal(iam.check(otherPool, 'iam.serviceAccounts.getAccessToken', resource), false);
});

test('conditional bindings grant only when their CEL holds; version 1 readers see _withcond_ roles', () => {
  const iam = emulator.iam;
  const project = 'projects/demo-project';
  const before = iam.getPolicy(project, 3);
  iam.setPolicy(project, {
    version: 3,
    etag: before.etag,
    bindings: [
      ...(before.bindings ?? []),
      {
        role: 'roles/run.developer',
        members: [`serviceAccount:${CALLER}`],
        condition: {
          title: 'only hello',
          expression:
            'resource.name.endsWith("/services/hello") && resource.type == "run.googleapis.com/Service"',
        },
      },
      {
        role: 'roles/run.admin',
        members: [`serviceAccount:${CALLER}`],
        condition: { title: 'broken', expression: 'resource.nope.startsWith("x")' },
      },
    ],
  });
  assert.equal(iam.check(sa(CALLER), 'run.services.update', SERVICE), true);
  assert.equal(
    iam.check(
      sa(CALLER),
      'run.services.update',
      'projects/demo-project/locations/us-central1/services/other',
    ),
    false,
  );
  assert.equal(
    iam.check(sa(CALLER), 'run.services.setIamPolicy', SERVICE),
    false,
    'an unevaluable condition grants nothing',
  );

  const v3 = iam.getPolicy(project, 3);
  assert.equal(v3.version, 3);
  assert.equal(v3.bindings?.find((b) => b.role === 'roles/run.developer')?.condition?.title, 'only hello');
  const v1 = iam.getPolicy(project, 1);
  assert.equal(v1.version, 1);
  assert.ok(
    v1.bindings?.some(
      (b) => /^roles\/run\.developer_withcond_[0-9a-f]{20}$/.test(b.role) && b.condition === undefined,
    ),
  );
  iam.replacePolicy(project, { bindings: (before.bindings ?? []) as unknown[] });
});

test('setPolicy: etag bumps on every write, stale etag is 409 ABORTED, bytes compared (not text)', () => {
  const iam = emulator.iam;
  assert.deepEqual(iam.getPolicy(SERVICE), { version: 1, etag: 'ACAB' });
  const first = iam.setPolicy(SERVICE, {
    bindings: [{ role: 'roles/run.invoker', members: [`serviceAccount:${CALLER}`] }],
    etag: 'ACAB',
  });
  assert.notEqual(first.etag, 'ACAB');
  assert.match(first.etag, /^[A-Za-z0-9+/]+=*$/);
  // URL-safe base64 of the same bytes is the same etag.
  const urlSafe = first.etag.replace(/\+/g, '-').replace(/\//g, '_');
  const second = iam.setPolicy(SERVICE, {
    bindings: [{ role: 'roles/run.invoker', members: [`serviceAccount:${CALLER}`] }],
    etag: urlSafe,
  });
  assert.notEqual(second.etag, first.etag);
  assert.throws(
    () => iam.setPolicy(SERVICE, { bindings: [], etag: first.etag }),
    googleError(
      'ABORTED',
      'There were concurrent policy changes. Please retry the whole read-modify-write with exponential backoff.',
    ),
  );
  assert.equal(new GoogleError('ABORTED', 'x').toBody().error.status, 'ABORTED');
});

test('the concurrent writer edits right after the next read, so the reader meets a stale etag', () => {
  const iam = emulator.iam;
  iam.afterNextRead(SERVICE, addMember('roles/run.invoker', `serviceAccount:${OUTSIDER}`));
  const read = iam.getPolicy(SERVICE, 3);
  assert.ok(!JSON.stringify(read).includes(OUTSIDER));
  assert.throws(
    () => iam.setPolicy(SERVICE, { ...read, bindings: [] }),
    googleError('ABORTED', /concurrent policy changes/),
  );
  const again = iam.getPolicy(SERVICE, 3);
  assert.ok(JSON.stringify(again).includes(OUTSIDER));
  iam.setPolicy(SERVICE, { ...again, bindings: [] });
  assert.deepEqual(iam.getPolicy(SERVICE, 3).bindings, undefined);
});

test('policy writes are validated like IAM', () => {
  const iam = emulator.iam;
  const write =
    (bindings: unknown[], extra: Record<string, unknown> = {}) =>
    () =>
      iam.setPolicy(SERVICE, { bindings, ...extra });
  assert.throws(
    write([{ role: 'roles/does.notExist', members: ['allUsers'] }]),
    googleError('INVALID_ARGUMENT', 'Role roles/does.notExist is not supported for this resource.'),
  );
  assert.throws(
    write([{ role: 'roles/iam.serviceAccountUser', members: ['allUsers'] }]),
    googleError('INVALID_ARGUMENT', /not supported for this resource/),
  );
  assert.throws(
    write([{ role: 'roles/run.invoker', members: ['bob@acme.example'] }]),
    googleError('INVALID_ARGUMENT', /Invalid member type/),
  );
  assert.throws(
    write([
      { role: 'roles/run.invoker', members: ['serviceAccount:ghost@demo-project.iam.gserviceaccount.com'] },
    ]),
    googleError(
      'INVALID_ARGUMENT',
      'Service account ghost@demo-project.iam.gserviceaccount.com does not exist.',
    ),
  );
  assert.throws(
    write([
      { role: 'roles/run.invoker', members: ['allUsers'], condition: { title: 't', expression: 'true' } },
    ]),
    googleError('INVALID_ARGUMENT', /require policy version 3/),
  );
  assert.throws(
    write(
      [
        {
          role: 'roles/run.invoker',
          members: ['allUsers'],
          condition: { title: 't', expression: 'request.time <' },
        },
      ],
      { version: 3 },
    ),
    googleError('INVALID_ARGUMENT', /not valid CEL/),
  );
  assert.throws(
    write([{ role: 'roles/run.invoker', member: ['allUsers'] }]),
    googleError('INVALID_ARGUMENT', /Unknown name "member" at 'policy.bindings\[0\]': Cannot find field\./),
  );
  assert.throws(
    () => iam.setPolicy(SERVICE, { bindings: [], etag: '***' }),
    googleError('INVALID_ARGUMENT', /Base64 decoding failed/),
  );
});

test('testPermissions returns the held subset and rejects wildcard, unknown and inapplicable permissions', () => {
  const iam = emulator.iam;
  assert.deepEqual(
    iam.testPermissions(sa(PLANNER), SERVICE, [
      'run.services.get',
      'run.services.update',
      'run.routes.invoke',
    ]),
    ['run.services.get'],
  );
  assert.throws(
    () => iam.testPermissions(sa(PLANNER), SERVICE, ['run.*']),
    googleError('INVALID_ARGUMENT', 'Permission run.* is not valid.'),
  );
  assert.throws(
    () => iam.testPermissions(sa(PLANNER), SERVICE, ['run.services.fly']),
    googleError('INVALID_ARGUMENT', /not valid for this resource/),
  );
  assert.throws(
    () => iam.testPermissions(sa(PLANNER), SERVICE, ['iam.serviceAccounts.actAs']),
    googleError('INVALID_ARGUMENT', 'Permission iam.serviceAccounts.actAs is not valid for this resource.'),
  );
});

test('custom roles expand to their permissions', () => {
  emulator.iam.roles.setCustom({
    name: 'projects/demo-project/roles/tiny',
    title: 'tiny',
    description: '',
    includedPermissions: ['run.services.get'],
    stage: 'GA',
    etag: 'BwY=',
  });
  emulator.iam.editBindings(
    'projects/demo-project',
    addMember('projects/demo-project/roles/tiny', `serviceAccount:${OUTSIDER}`),
  );
  assert.equal(emulator.iam.check(sa(OUTSIDER), 'run.services.get', SERVICE), true);
  assert.equal(emulator.iam.check(sa(OUTSIDER), 'run.services.list', SERVICE), false);
});

test('snapshots are deterministic and change with every policy write', () => {
  const first = emulator.snapshot();
  assert.equal(emulator.snapshot(), first);
  emulator.iam.editBindings(SERVICE, addMember('roles/run.invoker', 'allUsers'));
  const second = emulator.snapshot();
  assert.notEqual(second, first);
  assert.ok(second.includes('"allUsers"'));
});
