import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { IdentityPoolClient } from 'google-auth-library';
import type { Emulator } from '../emulator.ts';
import { call, DEPLOYER, githubToken, STS_AUDIENCE, startCore } from './helpers.ts';

let emulator: Emulator;
before(async () => {
  emulator = await startCore();
});
after(() => emulator.close());

test('the real IdentityPoolClient gets an impersonated token the emulator accepts', async () => {
  const jwt = await githubToken(emulator);
  const client = new IdentityPoolClient({
    audience: STS_AUDIENCE,
    subject_token_type: 'urn:ietf:params:oauth:token-type:jwt',
    token_url: `${emulator.urls.sts}/v1/token`,
    service_account_impersonation_url: `${emulator.urls.iamcredentials}/v1/projects/-/serviceAccounts/${DEPLOYER}:generateAccessToken`,
    subject_token_supplier: { getSubjectToken: async () => jwt },
    service_account_impersonation: { token_lifetime_seconds: 600 },
  });
  const { token } = await client.getAccessToken();
  assert.ok(typeof token === 'string' && token.startsWith('ya29.c.'));

  const answer = await call(
    `${emulator.urls.cloudresourcemanager}/v1/projects/demo-project:testIamPermissions`,
    {
      token,
      json: { permissions: ['run.services.create', 'run.services.delete', 'resourcemanager.projects.get'] },
    },
  );
  assert.equal(answer.status, 200);
  assert.deepEqual(answer.json, { permissions: ['run.services.create'] });

  const paths = emulator.log
    .entries()
    .map((entry) => `${entry.api} ${entry.method} ${entry.path} ${entry.status}`);
  assert.deepEqual(paths.slice(-3), [
    'sts POST /v1/token 200',
    `iamcredentials POST /v1/projects/-/serviceAccounts/${DEPLOYER}:generateAccessToken 200`,
    'cloudresourcemanager POST /v1/projects/demo-project:testIamPermissions 200',
  ]);
  const exchange = emulator.log.entries().at(-2);
  assert.equal(
    exchange?.caller,
    `principal://iam.googleapis.com/projects/123456789012/locations/global/workloadIdentityPools/github/subject/repo:acme/hello:ref:refs/heads/main`,
  );
  assert.deepEqual(exchange?.body, {
    scope: ['https://www.googleapis.com/auth/cloud-platform'],
    lifetime: '600s',
  });
});

// Its start-up time is a speed figure, measured by `npm run bench:emulator`, not asserted here.
test('the standalone command prints its ready line', async () => {
  const main = fileURLToPath(new URL('../main.ts', import.meta.url));
  const child = spawn(process.execPath, [main], { stdio: ['ignore', 'pipe', 'pipe'] });
  try {
    const line = await new Promise<string>((resolve, reject) => {
      let buffer = '';
      child.stdout.on('data', (chunk: Buffer) => {
        buffer += chunk.toString();
        const newline = buffer.indexOf('\n');
        if (newline >= 0) resolve(buffer.slice(0, newline));
      });
      child.once('exit', (code) => reject(new Error(`exited with ${code}`)));
    });
    const ready = JSON.parse(line) as { ready: boolean; control: string; env: Record<string, string> };
    assert.equal(ready.ready, true);
    assert.match(
      ready.env.ACTIONS_ID_TOKEN_REQUEST_URL ?? '',
      /^http:\/\/127\.0\.0\.1:\d+\/token\?api-version=2\.0$/,
    );
    for (const api of ['STS', 'IAMCREDENTIALS', 'IAM', 'CLOUDRESOURCEMANAGER', 'RUN']) {
      assert.match(ready.env[`KEYLESS_DEPLOY_ENDPOINT_${api}`] ?? '', /^http:\/\/127\.0\.0\.1:\d+$/);
    }
    const snapshot = await call(`${ready.control}/snapshot`);
    assert.equal(snapshot.status, 200);
  } finally {
    child.kill('SIGTERM');
  }
});
