import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Emulator } from '../emulator.ts';
import { CALLER, call, DEPLOYER, federatedToken, NUMBER, PLANNER, RUNTIME, startCore } from './helpers.ts';

let emulator: Emulator;
before(async () => {
  emulator = await startCore();
});
after(() => emulator.close());

const owner = () => {
  // The owner of the example world is a user; tests act as it through a service account granted owner.
  emulator.iam.editBindings('projects/demo-project', (bindings) => [
    ...bindings,
    { role: 'roles/owner', members: [`serviceAccount:${CALLER}`] },
  ]);
  return emulator.mintAccessToken(CALLER).token;
};

test('IAM roles.get serves predefined roles from the data, 404 otherwise', async () => {
  const token = emulator.mintAccessToken(PLANNER).token;
  const invoker = await call(`${emulator.urls.iam}/v1/roles/run.invoker`, { token });
  assert.equal(invoker.status, 200);
  assert.equal(invoker.json.name, 'roles/run.invoker');
  assert.deepEqual(invoker.json.includedPermissions, [
    'run.instances.invoke',
    'run.jobs.run',
    'run.routes.invoke',
  ]);
  const missing = await call(`${emulator.urls.iam}/v1/roles/run.nothing`, { token });
  assert.equal(missing.status, 404);
  assert.equal((missing.json.error as Record<string, unknown>).status, 'NOT_FOUND');
});

test('custom roles need iam.roles.get', async () => {
  const url = `${emulator.urls.iam}/v1/projects/demo-project/roles/cloudRunDeployer`;
  assert.equal((await call(url, { token: emulator.mintAccessToken(PLANNER).token })).status, 403);
  const answer = await call(url, { token: owner() });
  assert.equal(answer.status, 200);
  assert.ok((answer.json.includedPermissions as string[]).includes('run.services.setIamPolicy'));
});

test('service account testIamPermissions reports actAs for the deployer on the runtime account', async () => {
  const url = `${emulator.urls.iam}/v1/projects/-/serviceAccounts/${RUNTIME}:testIamPermissions`;
  const body = { permissions: ['iam.serviceAccounts.actAs', 'iam.serviceAccounts.getAccessToken'] };
  const deployer = await call(url, { token: emulator.mintAccessToken(DEPLOYER).token, json: body });
  assert.deepEqual(deployer.json, { permissions: ['iam.serviceAccounts.actAs'] });
  const planner = await call(url, { token: emulator.mintAccessToken(PLANNER).token, json: body });
  assert.deepEqual(planner.json, {});
  const wildcard = await call(url, {
    token: emulator.mintAccessToken(PLANNER).token,
    json: { permissions: ['iam.*'] },
  });
  assert.equal(wildcard.status, 400);
});

test('service account IAM policy: get/set authorized, etag round trip, stale etag ABORTED', async () => {
  const url = `${emulator.urls.iam}/v1/projects/demo-project/serviceAccounts/${RUNTIME}`;
  const deployer = emulator.mintAccessToken(DEPLOYER).token;
  const refused = await call(`${url}:getIamPolicy`, { token: deployer, json: {} });
  assert.equal(refused.status, 403);
  assert.equal(
    (refused.json.error as Record<string, unknown>).message,
    "Permission 'iam.serviceAccounts.getIamPolicy' denied on resource (or it may not exist).",
  );
  const token = owner();
  const read = await call(`${url}:getIamPolicy`, { token, json: { options: { requestedPolicyVersion: 3 } } });
  assert.equal(read.status, 200);
  const policy = read.json as { etag: string; bindings: Array<{ role: string; members: string[] }> };
  const written = await call(`${url}:setIamPolicy`, {
    token,
    json: {
      policy: {
        ...policy,
        bindings: [
          ...policy.bindings,
          { role: 'roles/iam.serviceAccountUser', members: [`serviceAccount:${PLANNER}`] },
        ],
      },
    },
  });
  assert.equal(written.status, 200, written.text);
  assert.notEqual(written.json.etag, policy.etag);
  const stale = await call(`${url}:setIamPolicy`, { token, json: { policy } });
  assert.equal(stale.status, 409);
  assert.equal((stale.json.error as Record<string, unknown>).status, 'ABORTED');
  const missing = await call(
    `${emulator.urls.iam}/v1/projects/-/serviceAccounts/ghost@demo-project.iam.gserviceaccount.com:getIamPolicy`,
    { token, json: {} },
  );
  assert.equal(missing.status, 404);
});

test('Resource Manager v1 and v3: get, testIamPermissions, IAM policy with concurrent writer', async () => {
  const federated = await federatedToken(emulator);
  const rm = emulator.urls.cloudresourcemanager;
  const planner = emulator.mintAccessToken(PLANNER).token;
  assert.equal(
    (await call(`${rm}/v1/projects/demo-project`, { token: planner })).status,
    200,
    'run.viewer has resourcemanager.projects.get',
  );
  const deployer = emulator.mintAccessToken(DEPLOYER).token;
  assert.equal(
    (await call(`${rm}/v1/projects/demo-project`, { token: deployer })).status,
    403,
    'the minimal deployer role lacks it',
  );
  const token = owner();
  const v1 = await call(`${rm}/v1/projects/${NUMBER}`, { token });
  assert.deepEqual(
    [v1.json.projectId, v1.json.projectNumber, v1.json.lifecycleState],
    ['demo-project', NUMBER, 'ACTIVE'],
  );
  const v3 = await call(`${rm}/v3/projects/demo-project`, { token });
  assert.deepEqual(
    [v3.json.name, v3.json.projectId, v3.json.state],
    [`projects/${NUMBER}`, 'demo-project', 'ACTIVE'],
  );
  const unknown = await call(`${rm}/v3/projects/nope-project`, { token });
  assert.equal(unknown.status, 403);
  assert.equal(
    (unknown.json.error as Record<string, unknown>).message,
    'The caller does not have permission',
  );

  const tested = await call(`${rm}/v3/projects/${NUMBER}:testIamPermissions`, {
    token: federated,
    json: { permissions: ['run.services.get'] },
  });
  assert.deepEqual(tested.json, {}, 'the federated principal itself holds nothing on the project');

  emulator.iam.afterNextRead('projects/demo-project', (bindings) => [
    ...bindings,
    { role: 'roles/viewer', members: ['user:sneaky@acme.example'] },
  ]);
  const read = await call(`${rm}/v1/projects/demo-project:getIamPolicy`, { token, json: {} });
  assert.equal(read.status, 200);
  const stale = await call(`${rm}/v1/projects/demo-project:setIamPolicy`, {
    token,
    json: { policy: read.json },
  });
  assert.equal(stale.status, 409);
  assert.equal(
    (stale.json.error as Record<string, unknown>).message,
    'There were concurrent policy changes. Please retry the whole read-modify-write with exponential backoff.',
  );
  const again = await call(`${rm}/v3/projects/demo-project:getIamPolicy`, {
    token,
    json: { options: { requestedPolicyVersion: 3 } },
  });
  assert.match(again.text, /sneaky@acme.example/);
  const written = await call(`${rm}/v3/projects/demo-project:setIamPolicy`, {
    token,
    json: { policy: again.json, updateMask: 'bindings,etag' },
  });
  assert.equal(written.status, 200, written.text);
  const badField = await call(`${rm}/v1/projects/demo-project:setIamPolicy`, {
    token,
    json: { policy: again.json, mask: 'x' },
  });
  assert.equal(badField.status, 400);
});

test('out-of-band IAM edits through the control API', async () => {
  const control = emulator.urls.control;
  const resource = 'projects/demo-project/locations/us-central1/services/hello';
  const added = await call(`${control}/iam/bindings`, {
    json: { resource, role: 'roles/run.invoker', member: `serviceAccount:${CALLER}` },
  });
  assert.equal(added.status, 200, added.text);
  const read = await call(`${control}/iam/policy?resource=${encodeURIComponent(resource)}`);
  assert.deepEqual(read.json.bindings, [
    { role: 'roles/run.invoker', members: [`serviceAccount:${CALLER}`] },
  ]);
  await call(`${control}/iam/concurrent-writer`, {
    json: { resource, role: 'roles/run.invoker', member: 'allUsers' },
  });
  emulator.iam.getPolicy(resource);
  assert.match(JSON.stringify(emulator.iam.peekPolicy(resource)), /allUsers/);
  const removed = await call(`${control}/iam/bindings`, {
    method: 'DELETE',
    json: { resource, role: 'roles/run.invoker', member: 'allUsers' },
  });
  assert.doesNotMatch(removed.text, /allUsers/);
  const rejected = await call(`${control}/iam/bindings`, {
    json: { resource, role: 'roles/nope', member: 'allUsers' },
  });
  assert.equal(rejected.status, 400);
  const replaced = await call(`${control}/iam/policy`, {
    method: 'PUT',
    json: { resource, policy: { bindings: [] } },
  });
  assert.equal(replaced.status, 200);
  const minted = await call(`${control}/tokens`, { json: { serviceAccount: DEPLOYER } });
  assert.equal(emulator.identityOf(String(minted.json.accessToken))?.kind, 'serviceAccount');
});
