import assert from 'node:assert/strict';
import { after, afterEach, before, describe, test } from 'node:test';
import { ActionError } from '../../src/errors.ts';
import { CALL_RETRY } from '../../src/google/retry.ts';
import { DEFAULT_AUDIENCE, DEPLOYER, type Harness, PROVIDER, startHarness } from './identity-harness.ts';

let h: Harness;
before(async () => {
  h = await startHarness();
});
after(async () => h.close());
afterEach(() => {
  h.emulator.faults.clear();
  h.emulator.github.setClaims({}, true);
  h.observed.logs.length = 0;
});

function stsCalls(): number {
  return h.emulator.log.entries().filter((e) => e.api === 'sts').length;
}
function impersonations(): number {
  return h.emulator.log.entries().filter((e) => e.path.endsWith(':generateAccessToken')).length;
}

async function failure(promise: Promise<unknown>): Promise<ActionError> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof ActionError, `expected an ActionError, got ${String(error)}`);
    return error;
  }
  assert.fail('expected a failure');
}

describe('keyless exchange against the emulator', () => {
  test('a correct deployer gets its token once; every token is masked; ID tokens use the federated identity', async () => {
    const before = { sts: stsCalls(), impersonations: impersonations() };
    const credentials = await h.credentials();
    assert.match(credentials.accessToken, /\S/);
    assert.ok(credentials.expiresAt.getTime() > Date.now() + 500_000, 'lifetime of about 600 s');
    // The client reuses the token: more calls exchange nothing.
    for (let i = 0; i < 3; i++) {
      const headers = await credentials.authClient.getRequestHeaders();
      assert.equal(headers.get('authorization'), `Bearer ${credentials.accessToken}`);
    }
    const response = await credentials.authClient.request<{ permissions?: string[] }>({
      url: `${h.endpoints.cloudresourcemanager}/v1/projects/demo-project:testIamPermissions`,
      method: 'POST',
      data: { permissions: ['run.services.create', 'resourcemanager.projects.delete'] },
    });
    assert.deepEqual(response.data.permissions, ['run.services.create']);
    assert.equal(stsCalls() - before.sts, 1, 'one STS exchange');
    assert.equal(impersonations() - before.impersonations, 1, 'one impersonation');

    const idToken = await credentials.mintIdToken('https://hello-abc.a.run.app');
    const claims = JSON.parse(Buffer.from(idToken.split('.')[1] ?? '', 'base64url').toString('utf8'));
    assert.equal(claims.email, DEPLOYER);
    assert.equal(claims.aud, 'https://hello-abc.a.run.app');
    assert.equal(stsCalls() - before.sts, 1, 'the ID token needs no second exchange');

    // Everything minted for us (GitHub JWT, federated token, access token, ID token) was masked.
    const minted = h.emulator
      .mintedSecrets()
      .filter((s) => s.kind !== 'oidc-request-token')
      .map((s) => s.value);
    for (const value of minted) assert.ok(h.observed.secrets.includes(value), 'masked');
    assert.deepEqual(h.leaked(), []);
  });

  test('a run that outlives its token renews it once, masked, without a second exchange', async () => {
    const before = { sts: stsCalls(), impersonations: impersonations() };
    const credentials = await h.credentials({ lifetimeSeconds: 2 });
    await new Promise((resolve) => setTimeout(resolve, 1_700));
    const [a, b] = await Promise.all([
      credentials.authClient.getRequestHeaders(),
      credentials.authClient.getRequestHeaders(),
    ]);
    const renewed = a.get('authorization')?.replace('Bearer ', '') ?? '';
    assert.notEqual(renewed, credentials.accessToken);
    assert.equal(b.get('authorization'), `Bearer ${renewed}`);
    assert.ok(h.observed.secrets.includes(renewed));
    assert.equal(impersonations() - before.impersonations, 2);
    assert.equal(stsCalls() - before.sts, 1);
  });

  test('attribute condition rejects another repository: shows the claims and the condition command', async () => {
    h.emulator.github.setClaims({ repository: 'mallory/hello', repository_owner: 'mallory' });
    const error = await failure(h.credentials());
    assert.match(error.message, /unauthorized_client/);
    assert.match(error.message, /attribute condition rejected this token/);
    assert.match(error.message, /repository = 'mallory\/hello'/);
    assert.match(error.message, /ref = 'refs\/heads\/main'/);
    assert.match(error.message, /event_name = 'push'/);
    assert.match(error.message, /sub = 'repo:mallory\/hello:ref:refs\/heads\/main'/);
    assert.match(error.remedy ?? '', /--attribute-condition=/);
    assert.deepEqual(h.leaked([error.message, error.remedy ?? '']), []);
  });

  test('a project id instead of the number', async () => {
    const error = await failure(
      h.credentials({ provider: PROVIDER.replace('123456789012', 'demo-project') }),
    );
    assert.match(error.message, /invalid_target/);
    assert.match(error.message, /'demo-project' is a project id/);
    assert.match(error.remedy ?? '', /gcloud projects describe demo-project/);
  });

  test('a pool instead of a provider', async () => {
    const error = await failure(h.credentials({ provider: PROVIDER.replace('/providers/github', '') }));
    assert.match(error.message, /names a pool, not a provider/);
  });

  test('an unknown provider', async () => {
    const error = await failure(
      h.credentials({ provider: PROVIDER.replace('/providers/github', '/providers/gitlab') }),
    );
    assert.match(error.message, /No such provider/);
  });

  test('an audience the provider does not accept', async () => {
    const error = await failure(h.credentials({ audience: 'https://example.com/other' }));
    assert.match(error.message, /invalid_grant/);
    assert.match(error.message, /issued for audience 'https:\/\/example.com\/other'/);
    assert.match(error.remedy ?? '', /--allowed-audiences='https:\/\/example.com\/other'/);
  });

  test('missing workload identity binding: prints the exact command', async () => {
    const error = await failure(
      h.credentials({ serviceAccount: 'runtime@demo-project.iam.gserviceaccount.com' }),
    );
    assert.match(error.message, /lacks 'iam.serviceAccounts.getAccessToken'/);
    assert.ok(
      (error.remedy ?? '').endsWith(
        'grant it (once, as a project admin): `gcloud iam service-accounts add-iam-policy-binding runtime@demo-project.iam.gserviceaccount.com --role=roles/iam.workloadIdentityUser --member=principalSet://iam.googleapis.com/projects/123456789012/locations/global/workloadIdentityPools/github/attribute.repository/acme/hello`',
      ),
      error.remedy,
    );
  });

  test('a lifetime over the limit', async () => {
    const error = await failure(h.credentials({ lifetimeSeconds: 7200 }));
    assert.match(error.message, /lifetime of 7200 s is over the allowed maximum/);
    assert.match(error.remedy ?? '', /constraints\/iam.allowServiceAccountCredentialLifetimeExtension/);
  });

  test('transient faults on STS and IAM Credentials are survived', async () => {
    h.emulator.faults.add({ api: 'sts', fault: { type: 'error', status: 503 }, times: 4 });
    h.emulator.faults.add({ api: 'iamcredentials', fault: { type: 'reset' }, times: 3 });
    const credentials = await h.credentials();
    assert.match(credentials.accessToken, /\S/);
    assert.ok(h.observed.logs.some((line) => /STS token exchange failed \(attempt 1\)/.test(line)));
    assert.deepEqual(h.leaked(), []);
  });

  test('a persistent STS outage fails in bounded time with the last error', async () => {
    h.emulator.faults.add({ api: 'sts', fault: { type: 'error', status: 503 } });
    const started = Date.now();
    const error = await failure(h.credentials());
    assert.ok(Date.now() - started < 30_000);
    assert.match(error.message, /503|UNAVAILABLE/);
    assert.match(error.message, /kept failing after retries/);
    assert.match(h.observed.logs.at(-1) ?? '', /giving up/);
  });

  test('an STS exchange that gets no answer is abandoned and retried with a new request', async () => {
    h.emulator.faults.add({ api: 'sts', fault: { type: 'timeout' }, times: 1 });
    const before = stsCalls();
    const started = Date.now();
    const credentials = await h.credentials({ requestTimeoutMs: 1_000 });
    assert.match(credentials.accessToken, /\S/);
    assert.equal(stsCalls() - before, 2, 'the retry is a request of its own');
    assert.ok(Date.now() - started < 10_000);
    assert.ok(
      h.observed.logs.some((line) => /STS token exchange got no answer within 1\.0 s; retrying/.test(line)),
    );
    assert.deepEqual(h.leaked(), []);
  });

  test('a persistent STS 429 costs one request per attempt (no library retries underneath)', async () => {
    h.emulator.faults.add({ api: 'sts', fault: { type: 'error', status: 429, retryAfterSeconds: 1 } });
    const before = stsCalls();
    const error = await failure(h.credentials());
    assert.match(error.message, /RESOURCE_EXHAUSTED|429/);
    assert.equal(stsCalls() - before, CALL_RETRY.maxAttempts);
  });

  test('a hanging IAM Credentials fails in bounded time', async () => {
    h.emulator.faults.add({ api: 'iamcredentials', fault: { type: 'timeout' } });
    const started = Date.now();
    const error = await failure(h.credentials({ requestTimeoutMs: 1_000 }));
    assert.ok(Date.now() - started < 10_000);
    assert.match(error.message, /got no answer within 1.0 s/);
    assert.match(error.message, /Could not get an access token for service account/);
  });

  test('default audience constant matches the provider', () => {
    assert.equal(DEFAULT_AUDIENCE, `https://iam.googleapis.com/${PROVIDER}`);
  });
});
