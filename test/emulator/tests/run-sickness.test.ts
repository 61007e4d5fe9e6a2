/**
 * Ready but unhealthy revisions (`sickRevisions`), tag URLs for declared invokers, and the
 * deployer minting an ID token for itself: what a canary's health gate meets.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { RunControls } from '../apis/run/plugin.ts';
import { type Emulator, startEmulator } from '../emulator.ts';
import { addMember } from '../iam/edits.ts';
import { CALLER, call, DEPLOYER, federatedToken, OUTSIDER, RUNTIME } from './helpers.ts';

const PARENT = 'projects/demo-project/locations/us-central1';
const LATEST = 'TRAFFIC_TARGET_ALLOCATION_TYPE_LATEST';
const REVISION = 'TRAFFIC_TARGET_ALLOCATION_TYPE_REVISION';

let emulator: Emulator;
let controls: RunControls;

before(async () => {
  emulator = await startEmulator({ onError: (error) => assert.fail(`emulator bug: ${String(error)}`) });
  controls = emulator.plugin('run')?.controls as RunControls;
  controls.setOperationDuration(0);
});

after(() => emulator.close());

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

/** Creates the service with `image`, then (optionally) deploys `next` with `traffic`; answers the service. */
async function service(
  id: string,
  image: string,
  invokers: readonly string[],
  next?: { image: string; traffic: (old: string) => unknown[] },
): Promise<{ uri: string; old: string; latest: string; tagUrl: (tag: string) => string }> {
  const template = (img: string) => ({ serviceAccount: RUNTIME, containers: [{ image: img }] });
  await api('POST', `${PARENT}/services?serviceId=${id}`, { template: template(image) });
  const first = await api('GET', `${PARENT}/services/${id}`);
  const old = String(first.latestReadyRevision).split('/').at(-1) ?? '';
  if (next !== undefined) {
    const operation = await api('PATCH', `${PARENT}/services/${id}`, {
      template: template(next.image),
      traffic: next.traffic(old),
    });
    assert.equal(operation.error, undefined, JSON.stringify(operation.error));
  }
  const policy = await api('GET', `${PARENT}/services/${id}:getIamPolicy`);
  await api('POST', `${PARENT}/services/${id}:setIamPolicy`, {
    policy: { ...policy, bindings: [{ role: 'roles/run.invoker', members: invokers }] },
  });
  const current = await api('GET', `${PARENT}/services/${id}`);
  const statuses = (current.trafficStatuses ?? []) as { tag?: string; uri?: string }[];
  return {
    uri: String(current.uri),
    old,
    latest: String(current.latestReadyRevision).split('/').at(-1) ?? '',
    tagUrl: (tag) => statuses.find((status) => status.tag === tag)?.uri ?? assert.fail(`no tag ${tag}`),
  };
}

/** Asks IAM Credentials for an ID token as `email` itself; answers the HTTP status and token. */
async function mintIdToken(email: string, audience: string): Promise<{ status: number; token: string }> {
  const response = await fetch(
    `${emulator.urls.iamcredentials}/v1/projects/-/serviceAccounts/${email}:generateIdToken`,
    {
      method: 'POST',
      headers: {
        authorization: `Bearer ${emulator.mintAccessToken(email).token}`,
        'content-type': 'application/json',
      },
      // What google-auth-library's Impersonated.fetchIdToken sends.
      body: JSON.stringify({ delegates: [], audience, includeEmail: true, useEmailAzp: true }),
    },
  );
  const body = (await response.json()) as { token?: string };
  return { status: response.status, token: body.token ?? '' };
}

async function idToken(email: string, audience: string): Promise<string> {
  const minted = await mintIdToken(email, audience);
  assert.equal(minted.status, 200, `generateIdToken for ${email}`);
  return minted.token;
}

async function get(url: string, token?: string) {
  const response = await fetch(
    url,
    token === undefined ? {} : { headers: { authorization: `Bearer ${token}` } },
  );
  return {
    status: response.status,
    revision: response.headers.get('x-emulator-revision'),
    contentType: response.headers.get('content-type') ?? '',
    text: await response.text(),
  };
}

async function control(method: string, path: string, body?: unknown) {
  const response = await fetch(`${emulator.urls.control}/run${path}`, {
    method,
    headers: { 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: response.status, json: (await response.json()) as Record<string, unknown> };
}

describe('a sick revision', () => {
  it('deploys and becomes Ready, then answers its requests with the error status', async () => {
    const remove = controls.sickRevisions({ image: ':sick' });
    try {
      const { uri, latest } = await service('ready-but-sick', 'app:sick', ['allUsers']);
      const current = await api('GET', `${PARENT}/services/ready-but-sick`);
      assert.equal((current.terminalCondition as { state?: string }).state, 'CONDITION_SUCCEEDED');
      const answer = await get(`${uri}/healthz`);
      assert.equal(answer.status, 503);
      assert.equal(answer.revision, latest, 'the revision still names itself');
      assert.match(answer.contentType, /^text\/html/);
      assert.match(answer.text, /<title>503 Service Unavailable<\/title>/);
    } finally {
      remove();
    }
  });

  it('is matched by service, image and path prefix; others and other paths stay healthy', async () => {
    const { uri, tagUrl, old, latest } = await service('half-sick', 'app:good', ['allUsers'], {
      image: 'app:bad',
      traffic: (old) => [
        { type: REVISION, revision: old, percent: 100 },
        { type: LATEST, percent: 0, tag: 'canary' },
      ],
    });
    const remove = controls.sickRevisions({
      service: 'half-sick',
      image: ':bad',
      path: '/healthz',
      status: 500,
    });
    const other = controls.sickRevisions({ service: 'another-service', status: 502 });
    try {
      const canary = await get(`${tagUrl('canary')}/healthz/deep`);
      assert.equal(canary.status, 500);
      assert.equal(canary.revision, latest);
      assert.match(canary.text, /500 Internal Server Error/);
      assert.equal((await get(`${tagUrl('canary')}/`)).status, 200, 'other paths answer');
      const stable = await get(`${uri}/healthz`);
      assert.equal(stable.status, 200, 'the old revision is not sick');
      assert.equal(stable.revision, old);
    } finally {
      remove();
      other();
    }
    assert.equal((await get(`${tagUrl('canary')}/healthz`)).status, 200, 'removing the rule heals it');
  });

  it('answers normally for the first afterRequests matching requests, then fails', async () => {
    const { tagUrl } = await service('turns-sick', 'app:1', ['allUsers'], {
      image: 'app:2',
      traffic: () => [{ type: LATEST, percent: 100, tag: 'canary' }],
    });
    const remove = controls.sickRevisions({ service: 'turns-sick', path: '/healthz', afterRequests: 3 });
    try {
      await get(`${tagUrl('canary')}/other`); // not on the path: not counted
      const statuses: number[] = [];
      for (let i = 0; i < 5; i++) statuses.push((await get(`${tagUrl('canary')}/healthz`)).status);
      assert.deepEqual(statuses, [200, 200, 200, 503, 503]);
    } finally {
      remove();
    }
  });

  it('does not get past IAM: refused callers still get the front end 403, without a revision', async () => {
    const remove = controls.sickRevisions({ service: 'sick-private' });
    try {
      const { uri } = await service('sick-private', 'app:1', [`serviceAccount:${CALLER}`]);
      const refused = await get(uri, await idToken(OUTSIDER, uri));
      assert.equal(refused.status, 403);
      assert.equal(refused.revision, null);
      const invoker = await get(uri, await idToken(CALLER, uri));
      assert.equal(invoker.status, 503);
    } finally {
      remove();
    }
  });

  it('refuses unusable rules in process', () => {
    assert.throws(() => controls.sickRevisions({ status: 404 }), /status must be an integer in 500\.\.599/);
    assert.throws(() => controls.sickRevisions({ path: 'healthz' }), /path must start with "\/"/);
    assert.throws(() => controls.sickRevisions({ afterRequests: -1 }), /afterRequests must be an integer/);
  });

  it('is controlled over HTTP: POST adds a rule, bad input is a 400, DELETE clears', async () => {
    const { uri } = await service('sick-over-http', 'app:1', ['allUsers']);
    const added = await control('POST', '/sick-revisions', { service: 'sick-over-http', status: 504 });
    assert.equal(added.status, 200);
    assert.deepEqual(added.json, { service: 'sick-over-http', status: 504 });
    assert.equal((await get(uri)).status, 504);
    for (const bad of [{ status: 200 }, { status: '503' }, { path: 'x' }, { revision: 'r' }]) {
      const refused = await control('POST', '/sick-revisions', bad);
      assert.equal(refused.status, 400, JSON.stringify(bad));
      assert.match(String((refused.json.error as { message?: string }).message), /Send \{/);
    }
    assert.equal((await control('DELETE', '/sick-revisions')).status, 200);
    assert.equal((await get(uri)).status, 200);
  });
});

describe('tag URLs and the deployer as a health checker', () => {
  it('serve the tagged revision to a declared invoker whose token is for the service URL or the tag URL', async () => {
    const { uri, tagUrl, old, latest } = await service('preview', 'app:1', [`serviceAccount:${CALLER}`], {
      image: 'app:2',
      traffic: (old) => [
        { type: REVISION, revision: old, percent: 100 },
        { type: LATEST, percent: 0, tag: 'pr-7' },
      ],
    });
    const tag = tagUrl('pr-7');
    for (const audience of [uri, tag]) {
      const answer = await get(`${tag}/`, await idToken(CALLER, audience));
      assert.equal(answer.status, 200, `audience ${audience}`);
      assert.equal(answer.revision, latest);
    }
    assert.equal((await get(tag, await idToken(OUTSIDER, tag))).status, 403);
    assert.equal((await get(tag)).status, 403);
    assert.equal(
      (await get(uri, await idToken(CALLER, uri))).revision,
      old,
      'the service URL keeps the old one',
    );
  });

  it('the example deployer cannot mint ID tokens for itself until it holds getOpenIdToken on itself', async () => {
    const { uri, tagUrl } = await service('gated', 'app:1', [`serviceAccount:${DEPLOYER}`], {
      image: 'app:2',
      traffic: () => [{ type: LATEST, percent: 100, tag: 'canary' }],
    });
    assert.equal(
      (await mintIdToken(DEPLOYER, uri)).status,
      403,
      'the example world grants it nothing on itself',
    );
    const self = `projects/demo-project/serviceAccounts/${DEPLOYER}`;
    emulator.iam.editBindings(
      self,
      addMember('roles/iam.serviceAccountTokenCreator', `serviceAccount:${DEPLOYER}`),
    );
    const token = await idToken(DEPLOYER, uri);
    const answer = await get(`${tagUrl('canary')}/healthz`, token);
    assert.equal(answer.status, 200, 'a deployer listed among the invokers passes the front end');
  });
});

describe('the federated principal minting an ID token of the deployer', () => {
  it('works through roles/iam.workloadIdentityUser alone, and the token passes the tag URL as the deployer', async () => {
    const { uri, tagUrl } = await service('federated-gate', 'app:1', [`serviceAccount:${DEPLOYER}`], {
      image: 'app:2',
      traffic: () => [{ type: LATEST, percent: 100, tag: 'canary' }],
    });
    const answer = await call(
      `${emulator.urls.iamcredentials}/v1/projects/-/serviceAccounts/${DEPLOYER}:generateIdToken`,
      { token: await federatedToken(emulator), json: { audience: uri, includeEmail: true, delegates: [] } },
    );
    assert.equal(answer.status, 200, answer.text);
    const verified = await emulator.core.verifyGoogleIdToken(String(answer.json.token), uri);
    assert.deepEqual(verified.ok ? verified.identity : verified.reason, {
      kind: 'serviceAccount',
      email: DEPLOYER,
    });
    const served = await get(`${tagUrl('canary')}/healthz`, String(answer.json.token));
    assert.equal(served.status, 200);
  });
});

describe('failing revisions by region', () => {
  it('a rule for one region fails that rollout only; the same service elsewhere becomes Ready', async () => {
    const remove = controls.failRevisions({ service: 'regional', region: 'europe-west1' });
    try {
      const body = { template: { serviceAccount: RUNTIME, containers: [{ image: 'app:1' }] } };
      const us = await api('POST', `${PARENT}/services?serviceId=regional`, body);
      const eu = await api(
        'POST',
        'projects/demo-project/locations/europe-west1/services?serviceId=regional',
        body,
      );
      assert.equal(us.error, undefined);
      assert.equal((eu.error as { code?: number } | undefined)?.code, 9);
    } finally {
      remove();
    }
  });
});
