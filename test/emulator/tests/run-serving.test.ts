import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { RunControls } from '../apis/run/plugin.ts';
import { type Emulator, startEmulator } from '../emulator.ts';

const PARENT = 'projects/demo-project/locations/us-central1';
const DEPLOYER = 'deployer@demo-project.iam.gserviceaccount.com';
const RUNTIME = 'runtime@demo-project.iam.gserviceaccount.com';
const CALLER = 'caller@demo-project.iam.gserviceaccount.com';
const OUTSIDER = 'outsider@demo-project.iam.gserviceaccount.com';
const LATEST = 'TRAFFIC_TARGET_ALLOCATION_TYPE_LATEST';
const REVISION = 'TRAFFIC_TARGET_ALLOCATION_TYPE_REVISION';

let emulator: Emulator;
let controls: RunControls;

async function api(method: string, path: string, body?: unknown): Promise<Record<string, unknown>> {
  const response = await fetch(`${emulator.urls.run}/v2/${path}`, {
    method,
    headers: {
      authorization: `Bearer ${emulator.mintAccessToken(DEPLOYER).token}`,
      'content-type': 'application/json',
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const json = (await response.json()) as Record<string, unknown>;
  assert.equal(response.status, 200, JSON.stringify(json));
  return json;
}

/** Deploys (operations complete at once) and returns the service. */
async function deploy(
  id: string,
  image: string,
  extra: Record<string, unknown> = {},
): Promise<Record<string, unknown>> {
  const body = { template: { serviceAccount: RUNTIME, containers: [{ image }] }, ...extra };
  const exists = await fetch(`${emulator.urls.run}/v2/${PARENT}/services/${id}`, {
    headers: { authorization: `Bearer ${emulator.mintAccessToken(DEPLOYER).token}` },
  });
  await exists.arrayBuffer();
  if (exists.status === 404) await api('POST', `${PARENT}/services?serviceId=${id}`, body);
  else await api('PATCH', `${PARENT}/services/${id}`, body);
  return api('GET', `${PARENT}/services/${id}`);
}

async function grantInvoker(id: string, members: readonly string[]): Promise<void> {
  const policy = await api('GET', `${PARENT}/services/${id}:getIamPolicy`);
  await api('POST', `${PARENT}/services/${id}:setIamPolicy`, {
    policy: { ...policy, bindings: [{ role: 'roles/run.invoker', members }] },
  });
}

/** A Google ID token for `email`, minted by the emulator's IAM Credentials API (the account may sign for itself). */
async function idToken(email: string, audience: string): Promise<string> {
  const response = await fetch(
    `${emulator.urls.iamcredentials}/v1/projects/-/serviceAccounts/${email}:generateIdToken`,
    {
      method: 'POST',
      headers: {
        authorization: `Bearer ${emulator.mintAccessToken(email).token}`,
        'content-type': 'application/json',
      },
      body: JSON.stringify({ audience, includeEmail: true }),
    },
  );
  const body = (await response.json()) as { token: string };
  assert.equal(response.status, 200, JSON.stringify(body));
  return body.token;
}

async function call(
  url: string,
  authorization?: string,
): Promise<{ status: number; text: string; json: Record<string, unknown> | undefined }> {
  const response = await fetch(
    `${url}/hello?x=1`,
    authorization === undefined ? {} : { headers: { authorization } },
  );
  const text = await response.text();
  const json = response.headers.get('content-type')?.startsWith('application/json')
    ? (JSON.parse(text) as Record<string, unknown>)
    : undefined;
  return { status: response.status, text, json };
}

function shortName(revision: unknown): string {
  return String(revision).split('/').at(-1) ?? '';
}

before(async () => {
  emulator = await startEmulator({ onError: (error) => assert.fail(`emulator bug: ${String(error)}`) });
  controls = emulator.plugin('run')?.controls as RunControls;
  controls.setOperationDuration(0);
});

after(() => emulator.close());

describe('serving a private service', () => {
  let uri = '';
  let revision = '';

  before(async () => {
    const service = await deploy('private', 'us-docker.pkg.dev/demo-project/app/private:1');
    uri = String(service.uri);
    revision = shortName(service.latestReadyRevision);
    await grantInvoker('private', [`serviceAccount:${CALLER}`]);
  });

  it('has its own loopback URL', () => {
    assert.match(uri, /^http:\/\/127\.0\.0\.1:\d+$/);
    assert.notEqual(uri, emulator.urls.run);
  });

  it('refuses requests without credentials (403) or with an unusable token (401), in Google pages', async () => {
    const anonymous = await call(uri);
    assert.equal(anonymous.status, 403);
    assert.match(
      anonymous.text,
      /Your client does not have permission to get URL <code>\/hello<\/code> from this server\./,
    );
    assert.equal((await call(uri, 'Basic abc')).status, 401);
    assert.equal(
      (await call(uri, `Bearer ${emulator.mintAccessToken(CALLER).token}`)).status,
      401,
      'an access token is not an ID token',
    );
    assert.equal(
      (await call(uri, `Bearer ${await idToken(CALLER, 'https://elsewhere.example')}`)).status,
      401,
      'wrong audience',
    );
  });

  it('refuses an authenticated identity without run.routes.invoke', async () => {
    assert.equal((await call(uri, `Bearer ${await idToken(OUTSIDER, uri)}`)).status, 403);
  });

  it('answers an invoker with the service, revision and image that served', async () => {
    const answer = await call(uri, `Bearer ${await idToken(CALLER, uri)}`);
    assert.equal(answer.status, 200);
    assert.deepEqual(answer.json, {
      service: 'private',
      revision,
      image: 'us-docker.pkg.dev/demo-project/app/private:1',
      method: 'GET',
      path: '/hello',
    });
  });
});

describe('public and closed services', () => {
  it('lets anyone in when allUsers holds the invoker role', async () => {
    const service = await deploy('public', 'app:1');
    assert.equal((await call(String(service.uri))).status, 403);
    await grantInvoker('public', ['allUsers']);
    assert.equal((await call(String(service.uri))).status, 200);
  });

  it('does not let anonymous callers in on allAuthenticatedUsers', async () => {
    const service = await deploy('authenticated', 'app:1');
    await grantInvoker('authenticated', ['allAuthenticatedUsers']);
    assert.equal((await call(String(service.uri))).status, 403);
    assert.equal(
      (await call(String(service.uri), `Bearer ${await idToken(OUTSIDER, String(service.uri))}`)).status,
      200,
    );
  });

  it('answers 404 to external callers of an internal-only service', async () => {
    const service = await deploy('internal', 'app:1', { ingress: 'INGRESS_TRAFFIC_INTERNAL_ONLY' });
    await grantInvoker('internal', ['allUsers']);
    const answer = await call(String(service.uri));
    assert.equal(answer.status, 404);
    assert.match(answer.text, /Error: Page not found/);
  });
});

describe('traffic', () => {
  it('keeps serving the previous revision when a new one fails to start', async () => {
    const first = await deploy('rollback', 'app:good');
    await grantInvoker('rollback', ['allUsers']);
    const stop = controls.failRevisions({ image: ':broken' });
    try {
      const response = await fetch(`${emulator.urls.run}/v2/${PARENT}/services/rollback`, {
        method: 'PATCH',
        headers: {
          authorization: `Bearer ${emulator.mintAccessToken(DEPLOYER).token}`,
          'content-type': 'application/json',
        },
        body: JSON.stringify({
          template: { serviceAccount: RUNTIME, containers: [{ image: 'app:broken' }] },
        }),
      });
      const operation = (await response.json()) as { done?: boolean; error?: { code: number } };
      assert.equal(operation.done, true);
      assert.equal(operation.error?.code, 9);
    } finally {
      stop();
    }
    const answer = await call(String(first.uri));
    assert.equal(answer.json?.revision, shortName(first.latestReadyRevision));
    assert.equal(answer.json?.image, 'app:good');
  });

  it('splits requests exactly by percentage and serves tags on their own URLs', async () => {
    const first = await deploy('split', 'app:1');
    await grantInvoker('split', ['allUsers']);
    const old = shortName(first.latestReadyRevision);
    const second = await deploy('split', 'app:2', {
      traffic: [
        { type: REVISION, revision: old, percent: 70, tag: 'stable' },
        { type: LATEST, percent: 30, tag: 'canary' },
      ],
    });
    const latest = shortName(second.latestReadyRevision);
    const counts = new Map<string, number>();
    for (let i = 0; i < 100; i++) {
      const revision = String((await call(String(second.uri))).json?.revision);
      counts.set(revision, (counts.get(revision) ?? 0) + 1);
    }
    assert.deepEqual(Object.fromEntries(counts), { [old]: 70, [latest]: 30 });
    const statuses = second.trafficStatuses as { tag: string; uri: string }[];
    const canary = statuses.find((status) => status.tag === 'canary')?.uri ?? '';
    assert.notEqual(canary, second.uri);
    assert.equal((await call(canary)).json?.revision, latest);
    assert.equal((await call(canary)).json?.tag, 'canary');
  });

  it('accepts an ID token for a tag URL on that URL only', async () => {
    const service = await deploy('tagged', 'app:1', {
      traffic: [{ type: LATEST, percent: 100, tag: 'blue' }],
    });
    await grantInvoker('tagged', [`serviceAccount:${CALLER}`]);
    const tagUrl = (service.trafficStatuses as { uri: string }[])[0]?.uri ?? '';
    const forTag = await idToken(CALLER, tagUrl);
    assert.equal((await call(tagUrl, `Bearer ${forTag}`)).status, 200);
    assert.equal(
      (await call(tagUrl, `Bearer ${await idToken(CALLER, String(service.uri))}`)).status,
      200,
      'the service URL is an audience too',
    );
    const other = await deploy('other', 'app:1');
    assert.equal((await call(String(other.uri), `Bearer ${forTag}`)).status, 401);
  });
});
