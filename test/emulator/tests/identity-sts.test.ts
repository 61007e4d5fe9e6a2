import assert from 'node:assert/strict';
import { after, before, beforeEach, test } from 'node:test';
import { generateKeyPair, SignJWT } from 'jose';
import type { Emulator } from '../emulator.ts';
import { call, fakeClock, githubToken, OIDC_AUDIENCE, STS_AUDIENCE, startCore, stsForm } from './helpers.ts';

let emulator: Emulator;
const clock = fakeClock();
before(async () => {
  emulator = await startCore({ clock });
});
after(() => emulator.close());
beforeEach(() => {
  emulator.github.setClaims({}, true);
  emulator.pools.updateProvider('github', 'github', {
    disabled: false,
    attributeCondition: 'assertion.repository == "acme/hello"',
    allowedAudiences: [],
  });
  emulator.pools.setPoolDisabled('github', false);
});

const exchange = (form: Record<string, string>) => call(`${emulator.urls.sts}/v1/token`, { form });
const oauthError = (
  answer: { status: number; json: Record<string, unknown> },
  error: string,
  description: RegExp | string,
) => {
  assert.equal(answer.status, 400);
  assert.equal(answer.json.error, error);
  if (typeof description === 'string') assert.equal(answer.json.error_description, description);
  else assert.match(String(answer.json.error_description), description);
};

test('a form-encoded exchange returns a federated token with the principal and mapped attributes', async () => {
  const answer = await exchange(stsForm(await githubToken(emulator)));
  assert.equal(answer.status, 200);
  assert.deepEqual(Object.keys(answer.json).sort(), [
    'access_token',
    'expires_in',
    'issued_token_type',
    'token_type',
  ]);
  assert.equal(answer.json.issued_token_type, 'urn:ietf:params:oauth:token-type:access_token');
  assert.equal(answer.json.token_type, 'Bearer');
  assert.equal(answer.json.expires_in, 3599);
  const found = emulator.identityOf(String(answer.json.access_token));
  assert.equal(found?.kind, 'federated');
  if (found?.kind !== 'federated') return;
  assert.equal(found.subject, 'repo:acme/hello:ref:refs/heads/main');
  assert.deepEqual(found.attributes, {
    repository: 'acme/hello',
    repository_owner: 'acme',
    ref: 'refs/heads/main',
    event_name: 'push',
    environment: '',
  });
});

test('a JSON camelCase exchange works too', async () => {
  const jwt = await githubToken(emulator);
  const answer = await call(`${emulator.urls.sts}/v1/token`, {
    json: {
      grantType: 'urn:ietf:params:oauth:grant-type:token-exchange',
      audience: STS_AUDIENCE,
      scope: 'https://www.googleapis.com/auth/cloud-platform',
      requestedTokenType: 'urn:ietf:params:oauth:token-type:access_token',
      subjectToken: jwt,
      subjectTokenType: 'urn:ietf:params:oauth:token-type:jwt',
    },
  });
  assert.equal(answer.status, 200, answer.text);
});

test('parameter checks: grant type, requested and subject token types, missing token, unknown names', async () => {
  const jwt = await githubToken(emulator);
  oauthError(
    await exchange(stsForm(jwt, { grant_type: 'client_credentials' })),
    'unsupported_grant_type',
    /client_credentials/,
  );
  oauthError(
    await exchange(stsForm(jwt, { requested_token_type: 'urn:ietf:params:oauth:token-type:id_token' })),
    'invalid_request',
    /requested_token_type/,
  );
  oauthError(
    await exchange(stsForm(jwt, { subject_token_type: 'urn:ietf:params:oauth:token-type:saml2' })),
    'invalid_request',
    /subject_token_type/,
  );
  oauthError(await exchange(stsForm('', {})), 'invalid_request', /subject_token/);
  const unknown = await exchange({ ...stsForm(jwt), colour: 'blue' });
  assert.equal(unknown.status, 400);
  assert.match(String((unknown.json.error as Record<string, unknown>).message), /Unknown name "colour"/);
});

test('audience: malformed → invalid_request; project id, missing provider, unknown or disabled → invalid_target', async () => {
  const jwt = await githubToken(emulator);
  oauthError(
    await exchange(
      stsForm(jwt, {
        audience: 'projects/123456789012/locations/global/workloadIdentityPools/github/providers/github',
      }),
    ),
    'invalid_request',
    /^Invalid value for "audience"\. This value should be the full resource name of the Identity Provider\./,
  );
  const target = /^The target service indicated by the "audience" parameters is invalid\./;
  oauthError(
    await exchange(stsForm(jwt, { audience: STS_AUDIENCE.replace('123456789012', 'demo-project') })),
    'invalid_target',
    target,
  );
  oauthError(
    await exchange(stsForm(jwt, { audience: STS_AUDIENCE.replace('/providers/github', '') })),
    'invalid_target',
    target,
  );
  oauthError(
    await exchange(
      stsForm(jwt, { audience: STS_AUDIENCE.replace('/providers/github', '/providers/gitlab') }),
    ),
    'invalid_target',
    target,
  );
  emulator.pools.updateProvider('github', 'github', { disabled: true });
  oauthError(await exchange(stsForm(jwt)), 'invalid_target', target);
  emulator.pools.updateProvider('github', 'github', { disabled: false });
  emulator.pools.setPoolDisabled('github', true);
  oauthError(await exchange(stsForm(jwt)), 'invalid_target', target);
});

test('the JWT audience must be allowed by the provider', async () => {
  oauthError(
    await exchange(stsForm(await githubToken(emulator, 'https://github.com/acme'))),
    'invalid_grant',
    'The audience in ID Token [https://github.com/acme] does not match the expected audience.',
  );
  emulator.pools.updateProvider('github', 'github', { allowedAudiences: ['https://github.com/acme'] });
  assert.equal((await exchange(stsForm(await githubToken(emulator, 'https://github.com/acme')))).status, 200);
  oauthError(
    await exchange(stsForm(await githubToken(emulator, OIDC_AUDIENCE))),
    'invalid_grant',
    /does not match the expected audience/,
  );
});

test('signature, issuer, expiry and garbage are invalid_grant', async () => {
  const { privateKey } = await generateKeyPair('RS256');
  const now = Math.floor(clock.now() / 1000);
  const claims = emulator.github.claims();
  const forged = await new SignJWT({ ...claims, aud: OIDC_AUDIENCE })
    .setProtectedHeader({ alg: 'RS256', typ: 'JWT', kid: 'forged' })
    .setIssuer('https://token.actions.githubusercontent.com')
    .setIssuedAt(now)
    .setExpirationTime(now + 300)
    .sign(privateKey);
  oauthError(await exchange(stsForm(forged)), 'invalid_grant', 'Invalid ID Token signature.');
  const otherIssuer = await new SignJWT({ ...claims, aud: OIDC_AUDIENCE })
    .setProtectedHeader({ alg: 'RS256' })
    .setIssuer('https://gitlab.com')
    .setIssuedAt(now)
    .setExpirationTime(now + 300)
    .sign(privateKey);
  oauthError(
    await exchange(stsForm(otherIssuer)),
    'invalid_grant',
    /issuer in ID Token https:\/\/gitlab.com does not match/,
  );
  oauthError(await exchange(stsForm('not.a.jwt')), 'invalid_grant', 'Unable to parse the ID Token.');

  const jwt = await githubToken(emulator);
  clock.advance(301_000);
  oauthError(await exchange(stsForm(jwt)), 'invalid_grant', /^ID Token issued at \d+ is stale to sign-in\.$/);
});

test('the attribute condition rejects other repositories with unauthorized_client', async () => {
  emulator.github.setClaims({ repository: 'acme/other' });
  oauthError(
    await exchange(stsForm(await githubToken(emulator))),
    'unauthorized_client',
    'The given credential is rejected by the attribute condition.',
  );
  emulator.pools.updateProvider('github', 'github', { attributeCondition: 'assertion.nope == "x"' });
  oauthError(
    await exchange(stsForm(await githubToken(emulator))),
    'unauthorized_client',
    /rejected by the attribute condition/,
  );
});

test('mapped attributes over 127 bytes are rejected', async () => {
  emulator.github.setClaims({ environment: 'e'.repeat(120) });
  oauthError(
    await exchange(stsForm(await githubToken(emulator))),
    'invalid_request',
    /^The size of mapped attribute google\.subject exceeds the 127 bytes limit\./,
  );
});
