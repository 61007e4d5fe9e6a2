import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { eagerRefreshMillis } from '../../../src/identity/federation.ts';
import { explainFederationFailure, type FederationContext } from '../../../src/identity/federation-errors.ts';
import { parseProvider, stsAudience } from '../../../src/identity/provider.ts';

const PROVIDER = 'projects/123456789012/locations/global/workloadIdentityPools/github/providers/gh';
const context: FederationContext = {
  provider: PROVIDER,
  serviceAccount: 'deployer@demo.iam.gserviceaccount.com',
  audience: `https://iam.googleapis.com/${PROVIDER}`,
  claims: {
    repository: 'acme/hello',
    ref: 'refs/heads/main',
    event_name: 'push',
    sub: 'repo:acme/hello:ref:refs/heads/main',
  },
  lifetimeSeconds: 600,
};

/** As google-auth-library throws STS failures: message rewritten, gaxios fields copied. */
function stsError(error: string, description: string): Error {
  return Object.assign(new Error(`Error code ${error}: ${description}`), {
    status: 400,
    response: { status: 400, data: { error, error_description: description }, headers: new Headers() },
  });
}

function iamError(status: number, name: string, message: string, permission?: string): Error {
  const details =
    permission === undefined
      ? []
      : [
          {
            '@type': 'type.googleapis.com/google.rpc.ErrorInfo',
            reason: 'IAM_PERMISSION_DENIED',
            metadata: { permission },
          },
        ];
  return Object.assign(new Error(`${name}: unable to impersonate: ${message}`), {
    status,
    response: {
      status,
      data: { error: { code: status, status: name, message, details } },
      headers: new Headers(),
    },
  });
}

function explained(
  stage: 'exchange' | 'impersonation' | 'id-token',
  error: unknown,
  over: Partial<FederationContext> = {},
) {
  const result = explainFederationFailure(stage, error, { ...context, ...over });
  assert.equal(result.cause, error);
  return { message: result.message, remedy: result.remedy ?? '' };
}

describe('parseProvider / stsAudience', () => {
  test('full provider', () =>
    assert.deepEqual(parseProvider(PROVIDER), { project: '123456789012', pool: 'github', provider: 'gh' }));
  test('with the //iam prefix', () =>
    assert.equal(parseProvider(`//iam.googleapis.com/${PROVIDER}`)?.provider, 'gh'));
  test('a pool', () =>
    assert.equal(parseProvider('projects/1/locations/global/workloadIdentityPools/p')?.provider, undefined));
  test('garbage', () => assert.equal(parseProvider('github'), undefined));
  test('audience', () =>
    assert.equal(stsAudience(PROVIDER, 'googleapis.com'), `//iam.googleapis.com/${PROVIDER}`));
  test('audience keeps one prefix', () =>
    assert.equal(
      stsAudience(`//iam.googleapis.com/${PROVIDER}`, 'googleapis.com'),
      `//iam.googleapis.com/${PROVIDER}`,
    ));
});

describe('eagerRefreshMillis', () => {
  for (const [lifetime, expected] of [
    [600, 60_000],
    [3600, 60_000],
    [120, 30_000],
    [60, 15_000],
  ] as const) {
    test(`${lifetime} s → ${expected} ms`, () => assert.equal(eagerRefreshMillis(lifetime), expected));
  }
});

describe('explainFederationFailure: exchange', () => {
  const invalidTarget = () =>
    stsError('invalid_target', 'The target service indicated by the "audience" parameters is invalid.');
  test('project id instead of number', () => {
    const { message, remedy } = explained('exchange', invalidTarget(), {
      provider: 'projects/demo-project/locations/global/workloadIdentityPools/github/providers/gh',
    });
    assert.match(message, /'demo-project' is a project id; provider names need the project number/);
    assert.match(remedy, /gcloud projects describe demo-project --format='value\(projectNumber\)'/);
  });
  test('pool instead of provider', () => {
    const { message, remedy } = explained('exchange', invalidTarget(), {
      provider: 'projects/1/locations/global/workloadIdentityPools/github',
    });
    assert.match(message, /names a pool, not a provider/);
    assert.match(remedy, /workloadIdentityPools\/github\/providers\/PROVIDER/);
  });
  test('not a provider name at all', () => {
    const { message } = explained('exchange', invalidTarget(), { provider: 'github' });
    assert.match(message, /'github' is not a workload identity provider name/);
  });
  test('unknown provider', () => {
    const { message, remedy } = explained('exchange', invalidTarget());
    assert.match(message, /No such provider/);
    assert.match(
      remedy,
      /providers describe gh --project=123456789012 --location=global --workload-identity-pool=github/,
    );
  });
  test('attribute condition', () => {
    const { message, remedy } = explained(
      'exchange',
      stsError('unauthorized_client', 'The given credential is rejected by the attribute condition.'),
    );
    assert.match(message, /attribute condition rejected this token/);
    assert.match(
      message,
      /repository = 'acme\/hello'\n {2}ref = 'refs\/heads\/main'\n {2}environment = \(absent\)/,
    );
    assert.match(message, /sub = 'repo:acme\/hello:ref:refs\/heads\/main'/);
    assert.match(remedy, /--attribute-condition="assertion.repository == 'acme\/hello'"/);
  });
  test('audience mismatch', () => {
    const { message, remedy } = explained(
      'exchange',
      stsError('invalid_grant', 'The audience in ID Token [x] does not match the expected audience.'),
      { audience: 'sts.googleapis.com' },
    );
    assert.match(
      message,
      /issued for audience 'sts.googleapis.com', which the provider's allowed audiences must include/,
    );
    assert.match(remedy, /--allowed-audiences='sts.googleapis.com'/);
  });
  test('expired token', () => {
    const { message } = explained('exchange', stsError('invalid_grant', 'ID Token expired.'));
    assert.match(message, /has expired/);
  });
  test('persistent outage', () => {
    const error = Object.assign(new Error('Request failed with status code 503'), {
      status: 503,
      response: { status: 503, data: '', headers: new Headers() },
    });
    const { message, remedy } = explained('exchange', error);
    assert.match(message, /HTTP 503.*kept failing after retries/);
    assert.match(remedy, /Re-run the job later/);
  });
});

describe('explainFederationFailure: impersonation', () => {
  test('missing workload identity binding prints the exact command', () => {
    const { message, remedy } = explained(
      'impersonation',
      iamError(
        403,
        'PERMISSION_DENIED',
        "Permission 'iam.serviceAccounts.getAccessToken' denied on resource (or it may not exist).",
        'iam.serviceAccounts.getAccessToken',
      ),
    );
    assert.match(message, /lacks 'iam.serviceAccounts.getAccessToken'/);
    // The generated set-up refuses some runs on purpose; a hand-made one gets the exact command.
    assert.match(
      remedy ?? '',
      /this may be the intended refusal: the deployer admits only runs its deployer\.allow rules admit/,
    );
    assert.ok(
      (remedy ?? '').endsWith(
        'grant it (once, as a project admin): `gcloud iam service-accounts add-iam-policy-binding deployer@demo.iam.gserviceaccount.com --role=roles/iam.workloadIdentityUser --member=principalSet://iam.googleapis.com/projects/123456789012/locations/global/workloadIdentityPools/github/attribute.repository/acme/hello`',
      ),
      remedy,
    );
  });
  test('ID token denied names getOpenIdToken', () => {
    const { message } = explained('id-token', iamError(403, 'PERMISSION_DENIED', 'denied'));
    assert.match(message, /Could not get an ID token .* lacks 'iam.serviceAccounts.getOpenIdToken'/);
  });
  test('service account missing', () => {
    const { message } = explained(
      'impersonation',
      iamError(404, 'NOT_FOUND', 'Not found; Gaia id not found'),
    );
    assert.match(message, /does not exist/);
  });
  test('lifetime over the limit', () => {
    const { message, remedy } = explained(
      'impersonation',
      iamError(400, 'INVALID_ARGUMENT', 'The lifetime requested is greater than the maximum allowed 3600s.'),
      { lifetimeSeconds: 7200 },
    );
    assert.match(message, /lifetime of 7200 s is over the allowed maximum/);
    assert.match(remedy, /constraints\/iam.allowServiceAccountCredentialLifetimeExtension/);
  });
});
