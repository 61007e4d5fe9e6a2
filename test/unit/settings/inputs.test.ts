import assert from 'node:assert/strict';
import { test } from 'node:test';
import { INPUT_DEFAULTS, inputVariable, readInputs } from '../../../src/settings/inputs.ts';

function read(inputs: Record<string, string>) {
  return readInputs(
    Object.fromEntries(Object.entries(inputs).map(([name, value]) => [inputVariable(name), value])),
  );
}

test('inputVariable follows the runner: uppercase, spaces as underscores, hyphens kept', () => {
  assert.equal(inputVariable('project_id'), 'INPUT_PROJECT_ID');
  assert.equal(inputVariable('wait timeout'), 'INPUT_WAIT_TIMEOUT');
  assert.equal(inputVariable('a-b'), 'INPUT_A-B');
});

test('defaults apply when inputs are absent or blank', () => {
  const { inputs, problems } = read({ mode: '  ', universe_domain: '' });
  assert.deepEqual(problems, []);
  assert.equal(inputs.mode, 'deploy');
  assert.equal(inputs.universeDomain, 'googleapis.com');
  assert.equal(inputs.waitTimeoutSeconds, 600);
  assert.equal(inputs.tokenLifetimeSeconds, undefined);
  assert.equal(inputs.excessPermissions, undefined);
  assert.equal(inputs.policy, undefined);
  assert.equal(INPUT_DEFAULTS.policy, undefined);
});

test('valid values are parsed and trimmed', () => {
  const { inputs, problems } = read({
    policy: ' deploy/policy.yml ',
    service: 'hello',
    region: 'europe-west4',
    image: `us-docker.pkg.dev/demo-project/apps/hello@sha256:${'a'.repeat(64)}`,
    mode: 'plan',
    project_id: 'demo-project',
    project_number: '123456789012',
    workload_identity_provider:
      'projects/123456789012/locations/global/workloadIdentityPools/github/providers/github',
    service_account: 'deployer@demo-project.iam.gserviceaccount.com',
    audience: 'my-audience',
    token_lifetime: '15m',
    universe_domain: 'example-universe.goog',
    excess_permissions: 'warn',
    wait_timeout: '1h',
    pr_comment: 'false',
    github_token: 'ghs_exampletoken',
  });
  assert.deepEqual(problems, []);
  assert.deepEqual(inputs, {
    policy: 'deploy/policy.yml',
    service: ['hello'],
    region: ['europe-west4'],
    image: `us-docker.pkg.dev/demo-project/apps/hello@sha256:${'a'.repeat(64)}`,
    mode: 'plan',
    projectId: 'demo-project',
    projectNumber: '123456789012',
    workloadIdentityProvider:
      'projects/123456789012/locations/global/workloadIdentityPools/github/providers/github',
    serviceAccount: 'deployer@demo-project.iam.gserviceaccount.com',
    audience: 'my-audience',
    tokenLifetimeSeconds: 900,
    universeDomain: 'example-universe.goog',
    excessPermissions: 'warn',
    waitTimeoutSeconds: 3600,
    prComment: false,
    githubToken: 'ghs_exampletoken',
    traffic: undefined,
    tag: undefined,
    firstDeploy: undefined,
    promoteTo: undefined,
    rollbackTo: undefined,
    canarySteps: undefined,
    canaryWaitSeconds: undefined,
    healthCheckPath: undefined,
    healthCheckRequests: undefined,
    healthCheckSuccessRatio: undefined,
    healthCheckTimeoutSeconds: undefined,
  });
});

test('service and region take comma-separated lists, trimmed, in the order written', () => {
  const { inputs, problems } = read({ service: ' worker , api,all ', region: 'us-east1,europe-west1' });
  assert.deepEqual(problems, []);
  assert.deepEqual(inputs.service, ['worker', 'api', 'all']);
  assert.deepEqual(inputs.region, ['us-east1', 'europe-west1']);
  assert.ok(Object.isFrozen(inputs.service));
});

const INVALID: readonly (readonly [string, string, RegExp])[] = [
  ['pr_comment', 'yes', /"yes" is not one of true, false/],
  ['mode', 'Deploy', /"Deploy" is not one of deploy, plan/],
  ['mode', 'apply', /not one of deploy, plan/],
  ['excess_permissions', 'FAIL', /not one of fail, warn, off/],
  ['excess_permissions', 'true', /not one of fail, warn, off/],
  ['service', 'Hello', /not a valid Cloud Run service name/],
  ['service', 'a'.repeat(50), /not a valid Cloud Run service name/],
  ['service', 'api,,worker', /^input 'service': "api,,worker" has an empty item$/],
  ['service', ',api', /has an empty item/],
  ['service', 'api, worker, api', /^input 'service': lists "api" twice$/],
  ['service', 'api, Worker', /^input 'service': "Worker" is not a valid Cloud Run service name$/],
  ['region', 'us-central1,', /has an empty item/],
  ['region', 'us-east1, us-east1', /lists "us-east1" twice/],
  ['region', 'us-east1, us-east1-b', /"us-east1-b" is not a valid Cloud Run region/],
  ['region', 'us-central1-a', /not a valid Cloud Run region/],
  ['region', 'us central1', /whitespace/],
  ['project_id', 'demo', /not a valid project ID/],
  ['project_number', '12-34', /not a valid project number/],
  ['project_number', '０１２３', /non-ASCII character/],
  ['workload_identity_provider', 'github', /not a valid workload identity provider/],
  ['service_account', 'deployer@gmail.com', /not a service account email/],
  ['service_account', 'dеployer@demo-project.iam.gserviceaccount.com', /U\+0435.*looks like 'e'/],
  ['service_account', 'Deployer@demo-project.iam.gserviceaccount.com', /not a service account email/],
  ['image', 'hello:latest', /not a full container image reference/],
  ['image', 'us-docker.pkg.dev/p/r/Hello:1', /not a full container image reference/],
  ['image', 'us-docker.pkg.dev/p/r/hello@sha256:abc', /not a full container image reference/],
  ['token_lifetime', '2h', /not a duration from 5m1s to 1h/],
  ['token_lifetime', '5m', /not a duration from 5m1s to 1h/],
  ['token_lifetime', '600', /not a duration/],
  ['token_lifetime', '10 m', /not a duration/],
  ['wait_timeout', '7h', /not a duration from 10s to 6h/],
  ['universe_domain', 'https://googleapis.com', /not a domain name/],
  ['audience', 'has space', /not a valid audience/],
];

for (const [name, value, message] of INVALID) {
  test(`input ${name}=${JSON.stringify(value)} is refused, naming the input and the expected form`, () => {
    const { inputs, problems } = read({ [name]: value });
    assert.equal(problems.length, 1);
    const [problem] = problems;
    assert.ok(problem);
    assert.deepEqual(problem.place, { kind: 'input', name });
    assert.ok(problem.message.startsWith(`input '${name}': `), problem.message);
    assert.match(problem.message, message);
    assert.ok((problem.remedy ?? '').length > 10, 'the remedy shows the expected form');
    assert.ok(!inputs.mode || ['deploy', 'plan'].includes(inputs.mode));
  });
}

test('every invalid input is reported, not only the first', () => {
  const { problems } = read({ mode: 'x', region: 'y', wait_timeout: 'z' });
  assert.deepEqual(
    problems.map((problem) => (problem.place?.kind === 'input' ? problem.place.name : '')),
    ['region', 'mode', 'wait_timeout'],
  );
});
