import assert from 'node:assert/strict';
import { after, before, beforeEach, test } from 'node:test';
import { createRemoteJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import type { Emulator } from '../emulator.ts';
import { call, githubToken, OIDC_AUDIENCE, startCore } from './helpers.ts';

let emulator: Emulator;
before(async () => {
  emulator = await startCore();
});
after(() => emulator.close());
beforeEach(() => {
  emulator.github.setClaims({}, true);
  emulator.github.setIdTokenAvailable(true);
});

test('the token endpoint needs the request token', async () => {
  const url = `${emulator.env().ACTIONS_ID_TOKEN_REQUEST_URL}&audience=x`;
  assert.equal((await call(url)).status, 401);
  assert.equal((await call(url, { token: 'wrong' })).status, 401);
  assert.equal((await call(url, { token: emulator.github.requestToken })).status, 200);
});

test('tokens are RS256 with typ/x5t/kid, verifiable through the served JWKS, with GitHub claims', async () => {
  const jwt = await githubToken(emulator);
  const header = decodeProtectedHeader(jwt);
  assert.equal(header.alg, 'RS256');
  assert.equal(header.typ, 'JWT');
  assert.ok(typeof header.kid === 'string' && header.kid === header.x5t);

  const discovery = await call(`${emulator.urls.oidc}/.well-known/openid-configuration`);
  assert.equal(discovery.json.issuer, 'https://token.actions.githubusercontent.com');
  const jwks = createRemoteJWKSet(new URL(String(discovery.json.jwks_uri)));
  const { payload } = await jwtVerify(jwt, jwks, {
    issuer: 'https://token.actions.githubusercontent.com',
    audience: OIDC_AUDIENCE,
  });
  assert.equal(payload.sub, 'repo:acme/hello:ref:refs/heads/main');
  assert.equal(payload.repository, 'acme/hello');
  assert.equal(payload.repository_owner, 'acme');
  assert.equal(payload.job_workflow_ref, 'acme/hello/.github/workflows/deploy.yml@refs/heads/main');
  assert.equal(payload.environment, undefined);
  assert.equal((payload.exp ?? 0) - (payload.iat ?? 0), 300);
  assert.equal(payload.nbf, payload.iat);
  assert.match(String(payload.jti), /^[0-9a-f-]{36}$/);
  for (const claim of [
    'repository_id',
    'repository_owner_id',
    'repository_visibility',
    'ref_type',
    'ref_protected',
    'sha',
    'head_ref',
    'base_ref',
    'actor',
    'actor_id',
    'event_name',
    'run_id',
    'run_number',
    'run_attempt',
    'runner_environment',
    'workflow',
    'workflow_ref',
    'workflow_sha',
    'job_workflow_sha',
  ]) {
    assert.equal(typeof payload[claim], 'string', claim);
  }
});

test('sub follows GitHub formats: environment, tag ref, pull_request', async () => {
  const subOf = async () =>
    JSON.parse(
      Buffer.from((await githubToken(emulator)).split('.')[1] ?? '', 'base64url').toString(),
    ) as Record<string, string>;
  emulator.github.setClaims({ environment: 'production' });
  let claims = await subOf();
  assert.equal(claims.sub, 'repo:acme/hello:environment:production');
  assert.equal(claims.environment, 'production');
  emulator.github.setClaims({ ref: 'refs/tags/v1.2.0', ref_type: 'tag', environment: '' });
  claims = await subOf();
  assert.equal(claims.sub, 'repo:acme/hello:ref:refs/tags/v1.2.0');
  assert.equal(claims.environment, undefined);
  emulator.github.setClaims({ event_name: 'pull_request', ref: 'refs/pull/3/merge' });
  assert.equal((await subOf()).sub, 'repo:acme/hello:pull_request');
  emulator.github.setClaims({ sub: 'custom:subject' });
  assert.equal((await subOf()).sub, 'custom:subject');
});

test('the env line matches the claims; the default audience is the owner URL', async () => {
  emulator.github.setClaims({ repository: 'acme/other', sha: 'a'.repeat(40), actor: 'hubot' });
  const env = emulator.env();
  assert.equal(env.GITHUB_REPOSITORY, 'acme/other');
  assert.equal(env.GITHUB_SHA, 'a'.repeat(40));
  assert.equal(env.GITHUB_ACTOR, 'hubot');
  const answer = await call(`${env.ACTIONS_ID_TOKEN_REQUEST_URL}`, {
    token: env.ACTIONS_ID_TOKEN_REQUEST_TOKEN ?? '',
  });
  const payload = JSON.parse(
    Buffer.from(String(answer.json.value).split('.')[1] ?? '', 'base64url').toString(),
  ) as Record<string, string>;
  assert.equal(payload.aud, 'https://github.com/acme');
});

test('without id-token permission (or from a fork) the runner sets no request variables and no token is issued', async () => {
  emulator.github.simulateForkPullRequest();
  const env = emulator.env();
  assert.equal(env.ACTIONS_ID_TOKEN_REQUEST_URL, undefined);
  assert.equal(env.ACTIONS_ID_TOKEN_REQUEST_TOKEN, undefined);
  assert.equal(env.GITHUB_EVENT_NAME, 'pull_request');
  assert.equal(env.GITHUB_REF, 'refs/pull/7/merge');
  const refused = await call(`${emulator.urls.oidc}/token?api-version=2.0&audience=x`, {
    token: emulator.github.requestToken,
  });
  assert.equal(refused.status, 403);
});

test('claims and id-token availability are settable through the control API', async () => {
  const control = emulator.urls.control;
  const patched = await call(`${control}/github/claims`, {
    method: 'PATCH',
    json: { claims: { environment: 'staging' } },
  });
  assert.equal(patched.json.sub, 'repo:acme/hello:environment:staging');
  const unknown = await call(`${control}/github/claims`, {
    method: 'PATCH',
    json: { claims: { colour: 'x' } },
  });
  assert.equal(unknown.status, 400);
  const off = await call(`${control}/github/id-token-available`, { json: { available: false } });
  assert.equal(off.json.ACTIONS_ID_TOKEN_REQUEST_URL, undefined);
  const minted = await call(`${control}/github/token`, { json: { audience: 'aud-x' } });
  assert.equal(typeof minted.json.value, 'string');
});
