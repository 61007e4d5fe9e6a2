/**
 * Custom attributes computed by the provider's mapping (a CEL ternary, as the set-up generator
 * writes `attribute.can_deploy`) and IAM principal sets that select by them: only tokens whose
 * mapping gives exactly the bound value may impersonate the account.
 */
import assert from 'node:assert/strict';
import { afterEach, beforeEach, test } from 'node:test';
import type { Emulator } from '../emulator.ts';
import { addMember, removeMember } from '../iam/edits.ts';
import { call, DEPLOYER, githubToken, PLANNER, POOL, startCore, stsForm } from './helpers.ts';

const REPOSITORY_SET = `principalSet://iam.googleapis.com/${POOL}/attribute.repository/acme/hello`;
const CAN_DEPLOY = `principalSet://iam.googleapis.com/${POOL}/attribute.can_deploy/true`;
const CAN_PLAN = `principalSet://iam.googleapis.com/${POOL}/attribute.can_plan/true`;
const WORKLOAD_IDENTITY_USER = 'roles/iam.workloadIdentityUser';
const SCOPE = ['https://www.googleapis.com/auth/cloud-platform'];

let emulator: Emulator;
beforeEach(async () => {
  emulator = await startCore();
  emulator.pools.updateProvider('github', 'github', {
    attributeMapping: {
      'google.subject': 'assertion.sub',
      'attribute.repository': 'assertion.repository',
      'attribute.can_deploy':
        '(assertion.repository == "acme/hello" && assertion.ref == "refs/heads/main" && assertion.event_name == "push") ? "true" : "false"',
      'attribute.can_plan':
        '(assertion.repository == "acme/hello" && assertion.event_name in ["push", "pull_request"]) ? "true" : "false"',
    },
  });
  for (const [account, member] of [
    [DEPLOYER, CAN_DEPLOY],
    [PLANNER, CAN_PLAN],
  ] as const) {
    const resource = `projects/demo-project/serviceAccounts/${account}`;
    emulator.iam.editBindings(resource, removeMember(WORKLOAD_IDENTITY_USER, REPOSITORY_SET));
    emulator.iam.editBindings(resource, addMember(WORKLOAD_IDENTITY_USER, member));
  }
});
afterEach(() => emulator.close());

/** The GitHub token of `claims` → federated token → generateAccessToken of `account`: the status. */
async function impersonate(claims: Record<string, string>, account: string): Promise<number> {
  emulator.github.setClaims(claims);
  const exchange = await call(`${emulator.urls.sts}/v1/token`, {
    form: stsForm(await githubToken(emulator)),
  });
  assert.equal(exchange.status, 200, exchange.text);
  const answer = await call(
    `${emulator.urls.iamcredentials}/v1/projects/-/serviceAccounts/${account}:generateAccessToken`,
    { token: String(exchange.json.access_token), json: { scope: SCOPE } },
  );
  return answer.status;
}

test('a push to main: the ternary maps can_deploy and can_plan to "true"; both accounts admit it', async () => {
  const push = { ref: 'refs/heads/main', event_name: 'push' };
  assert.equal(await impersonate(push, DEPLOYER), 200);
  assert.equal(await impersonate(push, PLANNER), 200);
});

test('a pull request: can_deploy is "false", so only the planner admits it', async () => {
  const pullRequest = { ref: 'refs/pull/7/merge', event_name: 'pull_request' };
  assert.equal(await impersonate(pullRequest, DEPLOYER), 403);
  assert.equal(await impersonate(pullRequest, PLANNER), 200);
});

test('the principal set matches the attribute value exactly, not any value of the attribute', async () => {
  emulator.iam.editBindings(
    `projects/demo-project/serviceAccounts/${DEPLOYER}`,
    addMember(WORKLOAD_IDENTITY_USER, `principalSet://iam.googleapis.com/${POOL}/attribute.can_deploy/TRUE`),
  );
  assert.equal(await impersonate({ ref: 'refs/heads/feature', event_name: 'push' }, DEPLOYER), 403);
});
