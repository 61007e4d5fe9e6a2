import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { ServicesClient } from '@google-cloud/run';
import { OAuth2Client } from 'google-auth-library';
import { parse } from 'yaml';
import type { RunControls } from '../apis/run/plugin.ts';
import { type Emulator, startEmulator } from '../emulator.ts';

const PARENT = 'projects/demo-project/locations/us-central1';
const DEPLOYER = 'deployer@demo-project.iam.gserviceaccount.com';
const PLANNER = 'planner@demo-project.iam.gserviceaccount.com';
const RUNTIME = 'runtime@demo-project.iam.gserviceaccount.com';

let emulator: Emulator;
let controls: RunControls;

function tokenFor(email: string): string {
  return emulator.mintAccessToken(email).token;
}

/** The real `@google-cloud/run` client over REST, as the action builds it. */
function clientFor(email: string): ServicesClient {
  const authClient = new OAuth2Client();
  authClient.setCredentials({ access_token: tokenFor(email), expiry_date: Date.now() + 3_600_000 });
  const port = Number(new URL(emulator.urls.run).port);
  return new ServicesClient({ fallback: true, authClient, apiEndpoint: '127.0.0.1', port, protocol: 'http' });
}

async function rest(method: string, path: string, options: { token?: string; body?: unknown } = {}) {
  const response = await fetch(`${emulator.urls.run}${path}`, {
    method,
    headers: {
      ...(options.token === undefined ? {} : { authorization: `Bearer ${options.token}` }),
      ...(options.body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
  });
  return {
    status: response.status,
    body: (await response.json()) as { error?: { status: string; message: string } } & Record<
      string,
      unknown
    >,
  };
}

function grpcError(error: unknown): { code: number; message: string } {
  assert.ok(error instanceof Error);
  const { code } = error as Error & { code?: number };
  return { code: code ?? -1, message: error.message };
}

before(async () => {
  emulator = await startEmulator({ onError: (error) => assert.fail(`emulator bug: ${String(error)}`) });
  const plugin = emulator.plugin('run');
  assert.ok(plugin !== undefined, 'the Cloud Run plug-in is loaded by default');
  controls = plugin.controls as RunControls;
  controls.setOperationDuration(150);
});

after(() => emulator.close());

describe('the real Cloud Run client against the emulator', () => {
  it('creates, waits, reads, updates a fetched service, and manages its IAM policy', async () => {
    const client = clientFor(DEPLOYER);
    const name = `${PARENT}/services/e2e`;
    const [operation] = await client.createService({
      parent: PARENT,
      serviceId: 'e2e',
      service: {
        template: {
          serviceAccount: RUNTIME,
          containers: [{ image: 'us-docker.pkg.dev/demo-project/app/e2e:1' }],
        },
      },
    });
    assert.equal(operation.done, false, 'the first answer is a running operation');
    const [created] = await operation.promise();
    assert.equal(created.name, name);
    assert.equal(
      Number(created.terminalCondition?.state),
      4,
      'CONDITION_SUCCEEDED, a number in operation results',
    );
    assert.match(created.latestReadyRevision ?? '', /\/revisions\/e2e-00001-[a-z]{3}$/);

    const [fetched] = await client.getService({ name });
    assert.equal(fetched.terminalCondition?.state, 'CONDITION_SUCCEEDED');
    assert.equal(fetched.generation, '1');
    assert.equal(fetched.creator, DEPLOYER);
    assert.ok(fetched.template !== null && fetched.template !== undefined);
    fetched.template.revision = '';
    const container = fetched.template.containers?.[0];
    assert.ok(container !== undefined);
    container.image = 'us-docker.pkg.dev/demo-project/app/e2e:2';
    const [update] = await client.updateService({ service: fetched });
    const [updated] = await update.promise();
    assert.match(updated.latestReadyRevision ?? '', /\/revisions\/e2e-00002-[a-z]{3}$/);
    assert.equal(String(updated.generation), '2');

    const [policy] = await client.getIamPolicy({ resource: name, options: { requestedPolicyVersion: 3 } });
    assert.deepEqual(policy.bindings, []);
    const [written] = await client.setIamPolicy({
      resource: name,
      policy: {
        ...policy,
        bindings: [
          {
            role: 'roles/run.invoker',
            members: ['serviceAccount:caller@demo-project.iam.gserviceaccount.com'],
          },
        ],
      },
    });
    assert.deepEqual(
      written.bindings?.map((b) => b.role),
      ['roles/run.invoker'],
    );
    await assert.rejects(
      client.setIamPolicy({ resource: name, policy: { ...policy, bindings: [] } }),
      (error: unknown) =>
        grpcError(error).code === 10 && /concurrent policy changes/.test(grpcError(error).message),
      'a stale etag (compared as bytes) is ABORTED',
    );

    const [held] = await client.testIamPermissions({
      resource: name,
      permissions: ['run.services.get', 'run.services.delete'],
    });
    assert.deepEqual(held.permissions, ['run.services.get']);
  });

  it('reports a revision that fails to start as an operation error, and keeps the previous revision', async () => {
    const client = clientFor(DEPLOYER);
    const name = `${PARENT}/services/fails`;
    const image = 'us-docker.pkg.dev/demo-project/app/fails';
    const [first] = await client.createService({
      parent: PARENT,
      serviceId: 'fails',
      service: { template: { serviceAccount: RUNTIME, containers: [{ image: `${image}:good` }] } },
    });
    const [ready] = await first.promise();
    const stop = controls.failRevisions({ service: 'fails', image: ':bad' });
    try {
      const [second] = await client.updateService({
        service: { name, template: { serviceAccount: RUNTIME, containers: [{ image: `${image}:bad` }] } },
      });
      await assert.rejects(second.promise(), (error: unknown) => {
        const { code, message } = grpcError(error);
        return (
          code === 9 &&
          /is not ready and cannot serve traffic\. The user-provided container failed to start/.test(message)
        );
      });
    } finally {
      stop();
    }
    const [after] = await client.getService({ name });
    assert.equal(after.latestReadyRevision, ready.latestReadyRevision);
    assert.equal(after.terminalCondition?.state, 'CONDITION_FAILED');
  });

  it('denies callers without the permission, in Cloud Run wording', async () => {
    await assert.rejects(
      clientFor(PLANNER).createService({
        parent: PARENT,
        serviceId: 'nope',
        service: { template: { containers: [{ image: 'x' }] } },
      }),
      (error: unknown) =>
        grpcError(error).code === 7 &&
        grpcError(error).message ===
          `Permission 'run.services.create' denied on resource '${PARENT}/services/nope' (or resource may not exist).`,
    );
  });

  it('needs actAs on the runtime account', async () => {
    const { status, body } = await rest('POST', `/v2/${PARENT}/services?serviceId=actas`, {
      token: tokenFor(DEPLOYER),
      body: {
        template: {
          serviceAccount: 'caller@demo-project.iam.gserviceaccount.com',
          containers: [{ image: 'x' }],
        },
      },
    });
    assert.equal(status, 403);
    assert.equal(
      body.error?.message,
      "Permission 'iam.serviceaccounts.actAs' denied on service account caller@demo-project.iam.gserviceaccount.com (or it may not exist).",
    );
  });
});

describe('the REST surface', () => {
  it('authenticates first, then validates, then authorizes', async () => {
    const bad = { template: { containers: [{ imagee: 'x' }] } };
    assert.equal((await rest('POST', `/v2/${PARENT}/services?serviceId=v`, { body: bad })).status, 401);
    const invalid = await rest('POST', `/v2/${PARENT}/services?serviceId=v`, {
      token: tokenFor(PLANNER),
      body: bad,
    });
    assert.equal(invalid.status, 400);
    assert.equal(
      invalid.body.error?.message,
      `Invalid JSON payload received. Unknown name "imagee" at 'service.template.containers[0]': Cannot find field.`,
    );
  });

  it('encodes enums as numbers when asked with $alt=json;enum-encoding=int, as names otherwise', async () => {
    const token = tokenFor(DEPLOYER);
    const created = await rest(
      'POST',
      `/v2/${PARENT}/services?serviceId=enums&%24alt=json%3Benum-encoding%3Dint`,
      {
        token,
        body: { ingress: 1, template: { serviceAccount: RUNTIME, containers: [{ image: 'x' }] } },
      },
    );
    const metadata = created.body.metadata as Record<string, unknown>;
    assert.equal(metadata['@type'], 'type.googleapis.com/google.cloud.run.v2.Service');
    assert.equal(metadata.ingress, 1, 'inside google.protobuf.Any too');
    assert.equal((metadata.terminalCondition as Record<string, unknown>).state, 2);
    const asNumbers = await rest('GET', `/v2/${PARENT}/services/enums?%24alt=json%3Benum-encoding%3Dint`, {
      token,
    });
    assert.equal(asNumbers.body.launchStage, 4);
    const asNames = await rest('GET', `/v2/${PARENT}/services/enums`, { token });
    assert.equal(asNames.body.ingress, 'INGRESS_TRAFFIC_ALL');
    assert.equal(asNames.body.launchStage, 'GA');
  });

  it('answers 404 for unbound URLs and for missing services after the permission check', async () => {
    const token = tokenFor(DEPLOYER);
    assert.equal((await rest('GET', '/v2/projects/demo-project/services/x', { token })).status, 404);
    const missing = await rest('GET', `/v2/${PARENT}/services/missing?%24alt=json%3Benum-encoding%3Dint`, {
      token,
    });
    assert.equal(missing.status, 404);
    assert.equal(
      missing.body.error?.message,
      "Resource 'missing' of kind 'SERVICE' in region 'us-central1' in project 'demo-project' does not exist.",
    );
    const denied = await rest('GET', `/v2/${PARENT}/services/missing`, {
      token: tokenFor('outsider@demo-project.iam.gserviceaccount.com'),
    });
    assert.equal(denied.status, 403);
  });

  it('serves operations, revisions and lists to callers with the permissions', async () => {
    const token = tokenFor(DEPLOYER);
    const created = await rest('POST', `/v2/${PARENT}/services?serviceId=rest`, {
      token,
      body: { template: { serviceAccount: RUNTIME, containers: [{ image: 'x' }] } },
    });
    assert.equal(created.status, 200);
    const waited = await rest('POST', `/v2/${String(created.body.name)}:wait`, {
      token,
      body: { timeout: '5s' },
    });
    assert.equal(waited.body.done, true);
    const revisions = await rest('GET', `/v2/${PARENT}/services/rest/revisions`, { token });
    assert.equal((revisions.body.revisions as unknown[]).length, 1);
    assert.equal(
      (await rest('GET', `/v2/${PARENT}/services`, { token })).status,
      403,
      'the deployer role has no run.services.list',
    );
    const viewer = await rest('GET', `/v2/${PARENT}/services`, { token: tokenFor(PLANNER) });
    assert.ok((viewer.body.services as unknown[]).length >= 1);
    const job = await rest('GET', `/v2/${PARENT}/jobs`, { token });
    assert.equal(job.status, 501);
  });

  it('offers its controls on the control listener', async () => {
    const post = (path: string, body: unknown) =>
      fetch(`${emulator.urls.control}/run${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    assert.equal((await post('/operation-duration', { ms: 0 })).status, 200);
    const token = tokenFor(DEPLOYER);
    await rest('POST', `/v2/${PARENT}/services?serviceId=oob`, {
      token,
      body: { template: { serviceAccount: RUNTIME, containers: [{ image: 'x' }] } },
    });
    const changed = await post('/out-of-band-update', {
      name: `${PARENT}/services/oob`,
      service: { labels: { changed: 'yes' } },
    });
    assert.equal(changed.status, 200);
    const got = await rest('GET', `/v2/${PARENT}/services/oob`, { token });
    assert.deepEqual(got.body.labels, { changed: 'yes' });
    assert.equal(got.body.generation, '2');
    assert.equal(got.body.lastModifier, 'someone-else@example.com');
    controls.setOperationDuration(150);
  });

  it('deletes a service with its policy and its URL', async () => {
    const token = tokenFor(DEPLOYER);
    const body = { template: { serviceAccount: RUNTIME, containers: [{ image: 'x' }] } };
    controls.setOperationDuration(0);
    await rest('POST', `/v2/${PARENT}/services?serviceId=gone`, { token, body });
    const policy = await rest('GET', `/v2/${PARENT}/services/gone:getIamPolicy`, { token });
    await rest('POST', `/v2/${PARENT}/services/gone:setIamPolicy`, {
      token,
      body: { policy: { ...policy.body, bindings: [{ role: 'roles/run.invoker', members: ['allUsers'] }] } },
    });
    const uri = controls.serviceUrl(`${PARENT}/services/gone`);
    assert.equal((await fetch(uri)).status, 200);
    assert.equal(
      (await rest('DELETE', `/v2/${PARENT}/services/gone`, { token })).status,
      403,
      'the deployer may not delete',
    );
    emulator.iam.editBindings(`projects/demo-project`, (bindings) => [
      ...bindings,
      { role: 'roles/run.admin', members: ['serviceAccount:planner@demo-project.iam.gserviceaccount.com'] },
    ]);
    const deleted = await rest('DELETE', `/v2/${PARENT}/services/gone`, { token: tokenFor(PLANNER) });
    assert.equal(deleted.body.done, true);
    await assert.rejects(fetch(uri), 'the service URL stops answering');
    await rest('POST', `/v2/${PARENT}/services?serviceId=gone`, { token, body });
    const fresh = await rest('GET', `/v2/${PARENT}/services/gone:getIamPolicy`, { token });
    assert.equal(fresh.body.bindings, undefined, 'a new service of the same name starts without grants');
    controls.setOperationDuration(150);
  });
});

describe('services declared in the state file', () => {
  it('exist, ready, when the emulator starts', async () => {
    const world = parse(readFileSync(new URL('../worlds/example.yml', import.meta.url), 'utf8')) as Record<
      string,
      unknown
    >;
    const seeded = await startEmulator({
      state: {
        ...world,
        services: [
          {
            name: `${PARENT}/services/seeded`,
            service: {
              labels: { origin: 'state' },
              template: { containers: [{ image: 'us-docker.pkg.dev/demo-project/app/seeded:1' }] },
            },
          },
        ],
      },
    });
    try {
      const response = await fetch(`${seeded.urls.run}/v2/${PARENT}/services/seeded`, {
        headers: { authorization: `Bearer ${seeded.mintAccessToken(DEPLOYER).token}` },
      });
      const service = (await response.json()) as Record<string, unknown>;
      assert.equal(response.status, 200);
      assert.deepEqual(service.labels, { origin: 'state' });
      assert.equal((service.terminalCondition as Record<string, unknown>).state, 'CONDITION_SUCCEEDED');
    } finally {
      await seeded.close();
    }
    await assert.rejects(
      startEmulator({
        state: {
          ...world,
          services: [
            { name: `${PARENT}/services/bad`, service: { template: { containers: [{ imagee: 'x' }] } } },
          ],
        },
      }),
      /services\[0\]\.service: Invalid JSON payload received\. Unknown name "imagee"/,
    );
  });
});
