import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { EXAMPLE_WORLD, loadStateFile } from '../state/load.ts';
import { validateState } from '../state/validate.ts';
import { call, startCore } from './helpers.ts';

test('the example world loads and describes the demo deploy', () => {
  const state = loadStateFile(EXAMPLE_WORLD);
  assert.deepEqual(state.project, {
    id: 'demo-project',
    number: '123456789012',
    displayName: 'Demo Project',
  });
  assert.equal(
    state.workloadIdentityPools[0]?.providers[0]?.attributeCondition,
    'assertion.repository == "acme/hello"',
  );
  assert.ok(state.serviceAccounts.some((sa) => sa.email === 'deployer@demo-project.iam.gserviceaccount.com'));
});

test('unknown keys are rejected with their path', () => {
  assert.throws(
    () =>
      validateState({
        project: { id: 'demo-project', number: '1' },
        serviceAccounts: [{ email: 'a@b.co' }, { email: 'c@d.co', dispalyName: 'x' }],
      }),
    /Invalid emulator state at 'serviceAccounts\[1\]\.dispalyName': unknown key 'dispalyName'/,
  );
  assert.throws(
    () => validateState({ project: { id: 'demo-project', number: '1' }, extra: 1 }),
    /at 'extra': unknown key/,
  );
  assert.throws(
    () =>
      validateState({
        project: { id: 'demo-project', number: '1' },
        workloadIdentityPools: [
          {
            id: 'github',
            providers: [
              {
                id: 'github',
                issuerUri: 'https://x',
                attributeMapping: { 'attribute.repo': 'assertion.repository' },
              },
            ],
          },
        ],
      }),
    /workloadIdentityPools\[0\]\.providers\[0\]\.attributeMapping': must map 'google.subject'/,
  );
});

test('wrong types and missing required keys name the path', () => {
  assert.throws(() => validateState({}), /at 'project': required/);
  assert.throws(() => validateState({ project: { id: 'Bad_Id', number: '1' } }), /at 'project.id'/);
  assert.throws(
    () =>
      validateState({ project: { id: 'demo-project', number: '1' }, github: { idTokenAvailable: 'yes' } }),
    /at 'github.idTokenAvailable': expected true or false/,
  );
  assert.throws(
    () => validateState({ project: { id: 'demo-project', number: '1' }, github: { claims: { nope: 'x' } } }),
    /at 'github.claims.nope': unknown GitHub OIDC claim/,
  );
});

test('startEmulator takes a state file path or object; bad policies in the state are reported', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'emulator-state-'));
  const file = join(dir, 'world.json');
  writeFileSync(file, JSON.stringify({ project: { id: 'other-project', number: '42' } }));
  const fromFile = await startCore({ state: file });
  try {
    const answer = await call(`${fromFile.urls.control}/snapshot`);
    assert.match(answer.text, /"id": "other-project"/);
  } finally {
    await fromFile.close();
  }
  await assert.rejects(
    startCore({
      state: {
        project: { id: 'other-project', number: '42' },
        iamPolicy: { bindings: [{ role: 'roles/nope', members: ['allUsers'] }] },
      },
    }),
    /IAM policy of projects\/other-project is rejected: Role roles\/nope is not supported/,
  );
  await assert.rejects(
    startCore({
      state: { project: { id: 'other-project', number: '42' }, github: { claims: { colour: 'blue' } } },
    }),
    /at 'github.claims.colour': unknown GitHub OIDC claim/,
  );
});
