import assert from 'node:assert/strict';
import { after, before, beforeEach, test } from 'node:test';
import type { Emulator } from '../emulator.ts';
import { call, DEPLOYER, fakeClock, startCore } from './helpers.ts';

let emulator: Emulator;
const clock = fakeClock();
before(async () => {
  emulator = await startCore({ clock });
});
after(() => emulator.close());
beforeEach(() => emulator.faults.clear());

const projectUrl = () => `${emulator.urls.cloudresourcemanager}/v1/projects/demo-project`;

test('unknown routes answer Google 404 JSON', async () => {
  const answer = await call(`${emulator.urls.iam}/v1/nothing/here`);
  assert.equal(answer.status, 404);
  assert.deepEqual(answer.json, {
    error: {
      code: 404,
      message: 'The requested URL /v1/nothing/here was not found on this server.',
      status: 'NOT_FOUND',
    },
  });
});

test('a missing bearer token is 401 CREDENTIALS_MISSING with Google wording', async () => {
  const answer = await call(projectUrl());
  assert.equal(answer.status, 401);
  const error = answer.json.error as Record<string, unknown>;
  assert.equal(error.status, 'UNAUTHENTICATED');
  assert.match(
    String(error.message),
    /^Request is missing required authentication credential\. Expected OAuth 2 access token/,
  );
  assert.equal((error.details as Array<Record<string, unknown>>)[0]?.reason, 'CREDENTIALS_MISSING');
  assert.match(answer.headers.get('www-authenticate') ?? '', /^Bearer/);
});

test('an unknown or expired token is 401 "invalid authentication credentials"', async () => {
  const unknown = await call(projectUrl(), { token: 'ya29.forged' });
  assert.equal(unknown.status, 401);
  assert.match(
    String((unknown.json.error as Record<string, unknown>).message),
    /^Request had invalid authentication credentials\./,
  );

  const { token } = emulator.mintAccessToken(DEPLOYER, { lifetimeSeconds: 60 });
  assert.equal(
    (await call(`${projectUrl()}:testIamPermissions`, { token, json: { permissions: [] } })).status,
    200,
  );
  clock.advance(61_000);
  const expired = await call(`${projectUrl()}:testIamPermissions`, { token, json: { permissions: [] } });
  assert.equal(expired.status, 401);
  const details = (expired.json.error as Record<string, unknown>).details as Array<Record<string, unknown>>;
  assert.equal(details[0]?.reason, 'ACCESS_TOKEN_EXPIRED');
});

test('malformed JSON is 400 INVALID_ARGUMENT "Invalid JSON payload received."', async () => {
  const { token } = emulator.mintAccessToken(DEPLOYER);
  const answer = await call(`${projectUrl()}:testIamPermissions`, { token, raw: '{"permissions": [' });
  assert.equal(answer.status, 400);
  const error = answer.json.error as Record<string, unknown>;
  assert.equal(error.status, 'INVALID_ARGUMENT');
  assert.match(String(error.message), /^Invalid JSON payload received\./);
});

test('unknown body fields are rejected with the Cannot find field wording', async () => {
  const { token } = emulator.mintAccessToken(DEPLOYER);
  const answer = await call(`${projectUrl()}:testIamPermissions`, { token, json: { permission: ['a.b.c'] } });
  assert.equal(answer.status, 400);
  assert.equal(
    (answer.json.error as Record<string, unknown>).message,
    'Invalid JSON payload received. Unknown name "permission": Cannot find field.',
  );
});

test('error faults answer in Google shape with Retry-After, `times` then healthy', async () => {
  emulator.faults.add({
    api: 'iam',
    path: '^/v1/roles/',
    fault: { type: 'error', status: 503, retryAfterSeconds: 7 },
    times: 2,
  });
  const { token } = emulator.mintAccessToken(DEPLOYER);
  const url = `${emulator.urls.iam}/v1/roles/run.invoker`;
  for (let i = 0; i < 2; i++) {
    const failed = await call(url, { token });
    assert.equal(failed.status, 503);
    assert.equal(failed.headers.get('retry-after'), '7');
    assert.equal((failed.json.error as Record<string, unknown>).status, 'UNAVAILABLE');
  }
  assert.equal((await call(url, { token })).status, 200);
  assert.deepEqual(
    emulator.log
      .entries()
      .slice(-3)
      .map((entry) => [entry.status, entry.fault]),
    [
      [503, 'error'],
      [503, 'error'],
      [200, undefined],
    ],
  );
});

test('429 and 500 faults carry their statuses', async () => {
  const { token } = emulator.mintAccessToken(DEPLOYER);
  emulator.faults.add({ api: 'iam', fault: { type: 'error', status: 429 }, times: 1 });
  emulator.faults.add({ api: 'iam', fault: { type: 'error', status: 500 }, times: 1 });
  const first = await call(`${emulator.urls.iam}/v1/roles/run.invoker`, { token });
  const second = await call(`${emulator.urls.iam}/v1/roles/run.invoker`, { token });
  assert.deepEqual(
    [first.status, (first.json.error as Record<string, unknown>).status],
    [429, 'RESOURCE_EXHAUSTED'],
  );
  assert.deepEqual([second.status, (second.json.error as Record<string, unknown>).status], [500, 'INTERNAL']);
});

test('a latency fault delays the answer; faults match method and api', async () => {
  const { token } = emulator.mintAccessToken(DEPLOYER);
  emulator.faults.add({ api: 'iam', method: 'GET', fault: { type: 'latency', ms: 150 } });
  emulator.faults.add({ api: 'sts', fault: { type: 'error', status: 500 } });
  const started = performance.now();
  assert.equal((await call(`${emulator.urls.iam}/v1/roles/run.invoker`, { token })).status, 200);
  assert.ok(performance.now() - started >= 140);
});

test('a reset fault destroys the connection', async () => {
  emulator.faults.add({ api: 'iam', fault: { type: 'reset' }, times: 1 });
  await assert.rejects(call(`${emulator.urls.iam}/v1/roles/run.invoker`), /fetch failed/);
  assert.equal(emulator.log.entries().at(-1)?.status, undefined);
});

test('a timeout fault never answers, and the emulator still closes', async () => {
  const own = await startCore();
  own.faults.add({ api: 'iam', fault: { type: 'timeout' } });
  const pending = fetch(`${own.urls.iam}/v1/roles/run.invoker`, { signal: AbortSignal.timeout(300) });
  await assert.rejects(pending, /aborted|timeout/i);
  const hanging = fetch(`${own.urls.iam}/v1/roles/run.invoker`).catch((error: unknown) => error);
  await new Promise((resolve) => setTimeout(resolve, 50));
  await own.close();
  assert.ok((await hanging) instanceof Error);
});

test('the control API adds faults, reads the log and the snapshot', async () => {
  const control = emulator.urls.control;
  const added = await call(`${control}/faults`, {
    json: { api: 'iam', fault: { type: 'error', status: 503 }, times: 1 },
  });
  assert.equal(added.status, 200);
  assert.equal(typeof added.json.id, 'number');
  assert.equal((await call(`${emulator.urls.iam}/v1/roles/run.invoker`)).status, 503);
  const log = await call(`${control}/log`);
  const entries = log.json.entries as Array<Record<string, unknown>>;
  assert.equal(entries.at(-1)?.status, 503);
  const bad = await call(`${control}/faults`, { json: { fault: { type: 'error', status: 418 } } });
  assert.equal(bad.status, 400);
  const snapshot = await call(`${control}/snapshot`);
  assert.equal(snapshot.text, emulator.snapshot());
  assert.equal((await call(`${control}/faults`, { method: 'DELETE' })).status, 200);
  assert.deepEqual(emulator.faults.list(), []);
});

test('minted secrets include every token handed out', async () => {
  const record = emulator.mintAccessToken(DEPLOYER);
  const secrets = emulator.mintedSecrets();
  assert.ok(secrets.some((secret) => secret.kind === 'access-token' && secret.value === record.token));
  assert.ok(secrets.some((secret) => secret.kind === 'oidc-request-token'));
  const viaControl = await call(`${emulator.urls.control}/secrets`);
  assert.equal((viaControl.json.secrets as unknown[]).length, secrets.length);
});
