import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Emulator } from '../emulator.ts';
import { CALLER, call, DEPLOYER, federatedToken, OUTSIDER, PLANNER, RUNTIME, startCore } from './helpers.ts';

let emulator: Emulator;
let federated: string;
before(async () => {
  emulator = await startCore();
  federated = await federatedToken(emulator);
});
after(() => emulator.close());

const accessTokenUrl = (email: string, project = '-') =>
  `${emulator.urls.iamcredentials}/v1/projects/${project}/serviceAccounts/${email}:generateAccessToken`;
const idTokenUrl = (email: string) =>
  `${emulator.urls.iamcredentials}/v1/projects/-/serviceAccounts/${email}:generateIdToken`;
const SCOPE = ['https://www.googleapis.com/auth/cloud-platform'];

function denied(answer: { status: number; json: Record<string, unknown> }, permission: string) {
  assert.equal(answer.status, 403);
  const error = answer.json.error as Record<string, unknown>;
  assert.equal(error.status, 'PERMISSION_DENIED');
  assert.equal(error.message, `Permission '${permission}' denied on resource (or it may not exist).`);
  assert.deepEqual(error.details, [
    {
      '@type': 'type.googleapis.com/google.rpc.ErrorInfo',
      reason: 'IAM_PERMISSION_DENIED',
      domain: 'iam.googleapis.com',
      metadata: { permission },
    },
  ]);
}

test('the federated principal impersonates the deployer and the planner', async () => {
  for (const email of [DEPLOYER, PLANNER]) {
    const answer = await call(accessTokenUrl(email), {
      token: federated,
      json: { scope: SCOPE, lifetime: '600s' },
    });
    assert.equal(answer.status, 200, answer.text);
    assert.match(String(answer.json.expireTime), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    const expiresIn = Date.parse(String(answer.json.expireTime)) - Date.now();
    assert.ok(expiresIn > 595_000 && expiresIn <= 600_000, String(expiresIn));
    assert.deepEqual(emulator.identityOf(String(answer.json.accessToken)), { kind: 'serviceAccount', email });
  }
});

test('no grant, or an unknown account, is the same 403 with ErrorInfo', async () => {
  denied(
    await call(accessTokenUrl(RUNTIME), { token: federated, json: { scope: SCOPE } }),
    'iam.serviceAccounts.getAccessToken',
  );
  denied(
    await call(accessTokenUrl(`ghost@demo-project.iam.gserviceaccount.com`), {
      token: federated,
      json: { scope: SCOPE },
    }),
    'iam.serviceAccounts.getAccessToken',
  );
  const deployer = emulator.mintAccessToken(DEPLOYER).token;
  denied(
    await call(accessTokenUrl(RUNTIME), { token: deployer, json: { scope: SCOPE } }),
    'iam.serviceAccounts.getAccessToken',
  );
});

test('requests need a bearer token', async () => {
  assert.equal((await call(accessTokenUrl(DEPLOYER), { json: { scope: SCOPE } })).status, 401);
});

test('lifetime: over the limit, malformed, and the default', async () => {
  const over = await call(accessTokenUrl(DEPLOYER), {
    token: federated,
    json: { scope: SCOPE, lifetime: '3601s' },
  });
  assert.equal(over.status, 400);
  assert.equal(
    (over.json.error as Record<string, unknown>).message,
    `Access tokens for service account ${DEPLOYER} can not have lifetimes of more than 1 hour. Use the Org Policy Constraint constraints/iam.allowServiceAccountCredentialLifetimeExtension to allow up to 12 hours.`,
  );
  const malformed = await call(accessTokenUrl(DEPLOYER), {
    token: federated,
    json: { scope: SCOPE, lifetime: '10m' },
  });
  assert.equal(malformed.status, 400);
  assert.equal(
    (malformed.json.error as Record<string, unknown>).message,
    `Invalid value at 'lifetime' (type.googleapis.com/google.protobuf.Duration), "10m"`,
  );
  const fallback = await call(accessTokenUrl(DEPLOYER), { token: federated, json: { scope: SCOPE } });
  const expiresIn = Date.parse(String(fallback.json.expireTime)) - Date.now();
  assert.ok(expiresIn > 3_595_000 && expiresIn <= 3_600_000);
});

test('a state limit raises the maximum lifetime', async () => {
  const own = await startCore({
    state: {
      project: { id: 'demo-project', number: '123456789012' },
      limits: { maxAccessTokenLifetimeSeconds: 7200 },
      serviceAccounts: [
        {
          email: DEPLOYER,
          iamPolicy: {
            bindings: [
              { role: 'roles/iam.serviceAccountTokenCreator', members: [`serviceAccount:${CALLER}`] },
            ],
          },
        },
        { email: CALLER },
      ],
    },
  });
  try {
    const token = own.mintAccessToken(CALLER).token;
    const answer = await call(
      `${own.urls.iamcredentials}/v1/projects/-/serviceAccounts/${DEPLOYER}:generateAccessToken`,
      { token, json: { scope: SCOPE, lifetime: '7200s' } },
    );
    assert.equal(answer.status, 200, answer.text);
  } finally {
    await own.close();
  }
});

test('body checks: scope required, unknown field, project must be - or the own project', async () => {
  const noScope = await call(accessTokenUrl(DEPLOYER), { token: federated, json: { lifetime: '60s' } });
  assert.equal(noScope.status, 400);
  const unknown = await call(accessTokenUrl(DEPLOYER), {
    token: federated,
    json: { scope: SCOPE, lifetimeSeconds: 60 },
  });
  assert.equal(
    (unknown.json.error as Record<string, unknown>).message,
    'Invalid JSON payload received. Unknown name "lifetimeSeconds": Cannot find field.',
  );
  const wrongProject = await call(accessTokenUrl(DEPLOYER, 'elsewhere'), {
    token: federated,
    json: { scope: SCOPE },
  });
  assert.equal(wrongProject.status, 400);
  assert.equal(
    (await call(accessTokenUrl(DEPLOYER, 'demo-project'), { token: federated, json: { scope: SCOPE } }))
      .status,
    200,
  );
});

test('delegation chains need implicitDelegation on each hop', async () => {
  const token = emulator.mintAccessToken(CALLER).token;
  const body = { scope: SCOPE, delegates: [`projects/-/serviceAccounts/${OUTSIDER}`] };
  denied(await call(accessTokenUrl(CALLER), { token, json: body }), 'iam.serviceAccounts.implicitDelegation');
  emulator.iam.replacePolicy(`projects/demo-project/serviceAccounts/${OUTSIDER}`, {
    bindings: [
      {
        role: 'roles/iam.serviceAccountTokenCreator',
        members: [`serviceAccount:${CALLER}`, `serviceAccount:${OUTSIDER}`],
      },
    ],
  });
  denied(await call(accessTokenUrl(RUNTIME), { token, json: body }), 'iam.serviceAccounts.getAccessToken');
  emulator.iam.replacePolicy(`projects/demo-project/serviceAccounts/${CALLER}`, {
    bindings: [
      {
        role: 'roles/iam.serviceAccountTokenCreator',
        members: [`serviceAccount:${CALLER}`, `serviceAccount:${OUTSIDER}`],
      },
    ],
  });
  assert.equal((await call(accessTokenUrl(CALLER), { token, json: body })).status, 200);
});

test('generateIdToken mints a Google ID token that verifyGoogleIdToken accepts for its audience only', async () => {
  const token = emulator.mintAccessToken(CALLER).token;
  const answer = await call(idTokenUrl(CALLER), {
    token,
    json: { audience: 'https://hello.example', includeEmail: true, delegates: [], useEmailAzp: true },
  });
  assert.equal(answer.status, 200, answer.text);
  const jwt = String(answer.json.token);
  const payload = JSON.parse(Buffer.from(jwt.split('.')[1] ?? '', 'base64url').toString()) as Record<
    string,
    unknown
  >;
  assert.equal(payload.iss, 'https://accounts.google.com');
  assert.equal(payload.email, CALLER);
  assert.equal(payload.email_verified, true);
  assert.equal(payload.azp, CALLER);
  assert.match(String(payload.sub), /^\d{21}$/);
  const verified = await emulator.core.verifyGoogleIdToken(jwt, [
    'https://other.example',
    'https://hello.example',
  ]);
  assert.deepEqual(verified.ok ? verified.identity : verified.reason, {
    kind: 'serviceAccount',
    email: CALLER,
  });
  const wrongAudience = await emulator.core.verifyGoogleIdToken(jwt, 'https://other.example');
  assert.equal(wrongAudience.ok, false);
  const tampered = await emulator.core.verifyGoogleIdToken(
    `${jwt.slice(0, -4)}AAAA`,
    'https://hello.example',
  );
  assert.equal(tampered.ok, false);
  assert.ok(emulator.mintedSecrets().some((secret) => secret.kind === 'id-token' && secret.value === jwt));

  const withoutEmail = await call(idTokenUrl(CALLER), { token, json: { audience: 'a' } });
  const plain = JSON.parse(
    Buffer.from(String(withoutEmail.json.token).split('.')[1] ?? '', 'base64url').toString(),
  ) as Record<string, unknown>;
  assert.equal(plain.email, undefined);
  assert.equal(plain.azp, plain.sub);
  const identity = await emulator.core.verifyGoogleIdToken(String(withoutEmail.json.token), 'a');
  assert.deepEqual(identity.ok ? identity.identity : identity.reason, {
    kind: 'serviceAccount',
    email: CALLER,
  });

  denied(
    await call(idTokenUrl(RUNTIME), { token, json: { audience: 'a' } }),
    'iam.serviceAccounts.getOpenIdToken',
  );
  assert.equal((await call(idTokenUrl(CALLER), { token, json: { includeEmail: true } })).status, 400);
});
