/**
 * The deploy engine (plan + apply) with the real `@google-cloud/run` client against the emulator:
 * create, new revision, no-op, failing revision, stale etag, concurrent IAM writer, validateOnly.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import { OAuth2Client } from 'google-auth-library';
import { applyTarget } from '../../src/apply/apply-target.ts';
import { readTarget } from '../../src/apply/read-target.ts';
import { createRunApi, type RunApi } from '../../src/apply/run-api.ts';
import { ActionError } from '../../src/errors.ts';
import type { Endpoints } from '../../src/google/endpoints.ts';
import type { RetryDeps } from '../../src/google/retry.ts';
import { planTarget, targetRef } from '../../src/plan/plan-target.ts';
import type { TargetPlan } from '../../src/plan/types.ts';
import type { DeployTarget, RunContext, ServiceSettings } from '../../src/settings/types.ts';
import type { RunControls } from '../emulator/apis/run/plugin.ts';
import { type Emulator, startEmulator } from '../emulator/emulator.ts';
import { addMember } from '../emulator/iam/edits.ts';

const PROJECT = 'demo-project';
const DEPLOYER = 'deployer@demo-project.iam.gserviceaccount.com';
const CALLER = 'serviceAccount:caller@demo-project.iam.gserviceaccount.com';
const OUTSIDER = 'serviceAccount:outsider@demo-project.iam.gserviceaccount.com';
const REPO = 'us-docker.pkg.dev/demo-project/apps/hello';

const UNTIL_2030 = { title: 'until 2030', expression: 'request.time < timestamp("2030-01-01T00:00:00Z")' };

let emulator: Emulator;
let api: RunApi;
let controls: RunControls;
const logs: string[] = [];
const retryDeps: RetryDeps = {
  sleep: (ms) => delay(ms),
  now: () => Date.now(),
  random: () => 0.5,
  log: (message) => logs.push(message),
};
/** Apply's dependencies: no canary runs here, so no health check fetch or ID token. */
const deps = { ...retryDeps, fetch, idToken: undefined };

function settings(name: string, overrides: Partial<ServiceSettings> = {}): ServiceSettings {
  return {
    name,
    regions: ['us-central1'],
    runtimeServiceAccount: 'runtime@demo-project.iam.gserviceaccount.com',
    imageRepository: REPO,
    port: 8080,
    env: { MODE: 'prod' },
    secrets: {},
    cpu: '1',
    memory: '512Mi',
    concurrency: 20,
    timeoutSeconds: 60,
    minInstances: undefined,
    maxInstances: 2,
    ingress: 'all',
    labels: { team: 'web' },
    public: false,
    invokers: [CALLER],
    canary: undefined,
    span: undefined,
    ...overrides,
  };
}

function run(sha: string, attempt = '1'): RunContext {
  return {
    repository: 'acme/hello',
    sha: sha.repeat(40).slice(0, 40),
    ref: 'refs/heads/main',
    runId: `run-${sha}-${attempt}`,
    runAttempt: attempt,
    serverUrl: 'https://github.com',
    eventName: 'push',
    workflow: 'deploy',
  };
}

async function planFor(target: DeployTarget, image: string, context: RunContext): Promise<TargetPlan> {
  const ref = targetRef(PROJECT, target);
  const reads = await readTarget(api, ref, target.service.invokers !== undefined, deps);
  return planTarget({
    release: { kind: 'deploy', traffic: 'all', tag: undefined, firstDeploy: 'fail' },
    at: new Date().toISOString(),
    projectId: PROJECT,
    target,
    image,
    run: context,
    current: reads.current,
    policy: reads.policy,
  });
}

async function deploy(target: DeployTarget, image: string, context: RunContext, validateOnly = false) {
  const plan = await planFor(target, image, context);
  const outcome = await applyTarget(api, plan, { validateOnly, waitTimeoutSeconds: 30 }, deps);
  return { plan, outcome };
}

function writes(service: string): string[] {
  return emulator.log
    .entries()
    .filter((entry) => entry.api === 'run' && entry.method !== 'GET' && entry.path.includes(`/services`))
    .filter((entry) => entry.path.includes(`/services/${service}`) || entry.query.serviceId === service)
    .map((entry) => `${entry.method} ${entry.path}`);
}

function policyCalls(service: string): string[] {
  const call = new RegExp(`/services/${service}:((get|set)IamPolicy)$`);
  return emulator.log
    .entries()
    .filter((entry) => entry.api === 'run' && call.test(entry.path))
    .map((entry) => `${entry.method} ${call.exec(entry.path)?.[1] ?? ''}`);
}

function invokerMembers(service: string): string[] {
  const policy = emulator.iam.peekPolicy(`projects/${PROJECT}/locations/us-central1/services/${service}`);
  return (policy.bindings ?? [])
    .filter((binding) => binding.role === 'roles/run.invoker' && binding.condition === undefined)
    .flatMap((b) => b.members);
}

before(async () => {
  emulator = await startEmulator();
  const token = emulator.mintAccessToken(DEPLOYER).token;
  const authClient = new OAuth2Client();
  authClient.setCredentials({ access_token: token, expiry_date: Date.now() + 3_600_000 });
  const endpoints: Endpoints = {
    universeDomain: 'googleapis.com',
    sts: emulator.urls.sts,
    iamcredentials: emulator.urls.iamcredentials,
    iam: emulator.urls.iam,
    cloudresourcemanager: emulator.urls.cloudresourcemanager,
    run: emulator.urls.run,
  };
  api = createRunApi(authClient, endpoints);
  controls = emulator.plugin('run')?.controls as RunControls;
  controls.setOperationDuration(300);
});

after(async () => {
  await api.close();
  await emulator.close();
});

describe('a created service whose policy someone else writes first', () => {
  it('the write with the never-written etag fails with ABORTED; re-read, nothing is lost', async () => {
    const target: DeployTarget = { service: settings('early'), region: 'us-central1' };
    const resource = targetRef(PROJECT, target).name;
    // The policy another writer set once the service existed, before this run's invoker write.
    emulator.iam.editBindings(resource, addMember('roles/run.developer', 'user:dev@acme.example'));
    logs.length = 0;
    const { plan, outcome } = await deploy(target, `${REPO}:v1`, run('g'));
    assert.equal(plan.action, 'create');
    assert.deepEqual(outcome.invokers.add, [CALLER]);
    assert.equal(outcome.invokersChanged, true);
    assert.deepEqual(invokerMembers('early'), [CALLER]);
    const developer = (emulator.iam.peekPolicy(resource).bindings ?? []).find(
      (binding) => binding.role === 'roles/run.developer',
    );
    assert.deepEqual(developer?.members, ['user:dev@acme.example']);
    assert.deepEqual(policyCalls('early'), ['POST setIamPolicy', 'GET getIamPolicy', 'POST setIamPolicy']);
    assert.ok(
      logs.some((line) => /Updating the invokers .* failed \(attempt 1\)/.test(line)),
      logs.join('\n'),
    );
  });
});

describe('deploy lifecycle of one service', () => {
  const target: DeployTarget = { service: settings('hello'), region: 'us-central1' };
  let firstRevision = '';

  it('first deploy creates the service, waits for Ready and sets the invokers', async () => {
    const { plan, outcome } = await deploy(target, `${REPO}:v1`, run('a'));
    assert.equal(plan.action, 'create');
    assert.equal(outcome.deployed, true);
    assert.equal(outcome.revision, `${plan.target.name}/revisions/${plan.revisionName}`);
    const service = await api.getService(plan.target.name);
    assert.equal(service?.latestReadyRevision, outcome.revision);
    assert.equal(service?.template?.containers?.[0]?.image, `${REPO}:v1`);
    assert.equal(service?.labels?.['managed-by'], 'cloud-run-keyless-deploy');
    assert.deepEqual(outcome.invokers.add, [CALLER]);
    assert.equal(outcome.invokersChanged, true);
    assert.deepEqual(invokerMembers('hello'), [CALLER]);
    // The new service's policy is known (never written): written once with its etag, not read.
    assert.deepEqual(policyCalls('hello'), ['POST setIamPolicy']);
    firstRevision = outcome.revision ?? '';
  });

  it('a new image rolls out a new revision, reporting the previous one', async () => {
    const { plan, outcome } = await deploy(target, `${REPO}:v2`, run('b'));
    assert.equal(plan.action, 'update');
    assert.deepEqual(plan.changes, [{ path: 'image', before: `${REPO}:v1`, after: `${REPO}:v2` }]);
    assert.equal(plan.previousRevision, firstRevision);
    assert.notEqual(outcome.revision, firstRevision);
    const service = await api.getService(plan.target.name);
    assert.equal(service?.latestReadyRevision, outcome.revision);
    assert.equal(outcome.invokersChanged, false);
  });

  it('the same image and settings again (new commit or re-run) write nothing', async () => {
    const before = writes('hello').length;
    for (const context of [run('b', '2'), run('c')]) {
      const { plan, outcome } = await deploy(target, `${REPO}:v2`, context);
      assert.equal(plan.action, 'none');
      assert.deepEqual(plan.changes, []);
      assert.equal(outcome.deployed, false);
      assert.equal(outcome.invokersChanged, false);
    }
    assert.deepEqual(writes('hello').slice(before), []);
  });

  it('a revision that fails to start fails the step with its own message; traffic stays', async () => {
    const name = targetRef(PROJECT, target).name;
    const serving = (await api.getService(name))?.latestReadyRevision ?? '';
    const servingShort = serving.split('/').pop() ?? '';
    const stop = controls.failRevisions({ service: 'hello', image: 'broken' });
    const plan = await planFor(target, `${REPO}:broken`, run('d'));
    try {
      await assert.rejects(
        applyTarget(api, plan, { validateOnly: false, waitTimeoutSeconds: 30 }, deps),
        (error) => {
          assert.ok(error instanceof ActionError);
          assert.match(
            error.message,
            new RegExp(`revision ${plan.revisionName} of service hello .* did not become ready`),
          );
          assert.match(error.message, /failed to start and listen on the port/);
          assert.match(error.message, /Logs URL: /);
          assert.match(error.remedy ?? '', new RegExp(`Traffic still goes to ${servingShort}`));
          return true;
        },
      );
    } finally {
      stop();
    }
    assert.equal((await api.getService(name))?.latestReadyRevision, serving);
    const served = controls.model.servingView(name)?.served ?? [];
    assert.deepEqual(
      served.map((split) => [split.revision.split('/').pop(), split.percent]),
      [[servingShort, 100]],
    );

    // Deploying the good image again is a change (the template holds the broken one) and recovers.
    const { plan: recovery, outcome } = await deploy(target, `${REPO}:v2`, run('d', '2'));
    assert.deepEqual(recovery.changes, [
      { path: 'image', before: `${REPO}:broken`, after: `${REPO}:v2` },
      { path: 'revision', before: `${plan.revisionName} (not ready)`, after: 'a new revision' },
    ]);
    assert.equal(outcome.deployed, true);
  });

  it('invoker drift is removed; a concurrent writer on another role during the RMW loses nothing', async () => {
    const resource = targetRef(PROJECT, target).name;
    emulator.iam.editBindings(resource, addMember('roles/run.invoker', OUTSIDER));
    emulator.iam.editBindings(resource, addMember('roles/run.invoker', 'user:temp@acme.example', UNTIL_2030));
    // Another writer grants a different role right after the policy is read for planning, so
    // the write made from that read meets a stale etag.
    emulator.iam.afterNextRead(resource, addMember('roles/run.developer', 'user:dev@acme.example'));
    const plan = await planFor(target, `${REPO}:v2`, run('e'));
    assert.equal(plan.action, 'none');
    assert.deepEqual(plan.invokers.remove, [OUTSIDER]);
    logs.length = 0;
    const outcome = await applyTarget(api, plan, { validateOnly: false, waitTimeoutSeconds: 30 }, deps);
    assert.deepEqual(outcome.invokers.remove, [OUTSIDER]);
    assert.equal(outcome.invokersChanged, true);
    assert.deepEqual(invokerMembers('hello'), [CALLER]);
    const policy = emulator.iam.peekPolicy(resource);
    const developer = (policy.bindings ?? []).find((binding) => binding.role === 'roles/run.developer');
    assert.deepEqual(developer?.members, ['user:dev@acme.example']);
    const conditional = (policy.bindings ?? []).find((binding) => binding.condition !== undefined);
    assert.deepEqual(conditional, {
      role: 'roles/run.invoker',
      members: ['user:temp@acme.example'],
      condition: UNTIL_2030,
    });
    assert.equal(policy.version, 3);
    assert.ok(
      logs.some((line) => /Updating the invokers .* failed \(attempt 1\)/.test(line)),
      logs.join('\n'),
    );
  });

  it('validateOnly changes nothing, not even the invokers', async () => {
    const resource = targetRef(PROJECT, target).name;
    emulator.iam.editBindings(resource, addMember('roles/run.invoker', OUTSIDER));
    const before = await api.getService(resource);
    const { plan, outcome } = await deploy(target, `${REPO}:v3`, run('f'), true);
    assert.equal(plan.action, 'update');
    assert.equal(outcome.deployed, false);
    assert.deepEqual(outcome.invokers.remove, [OUTSIDER]);
    assert.equal(outcome.invokersChanged, false);
    const afterwards = await api.getService(resource);
    assert.equal(afterwards?.latestCreatedRevision, before?.latestCreatedRevision);
    assert.equal(afterwards?.etag, before?.etag);
    assert.deepEqual(invokerMembers('hello').sort(), [CALLER, OUTSIDER].sort());
  });

  it('keeps what others set outside the policy, removes undeclared env', async () => {
    const resource = targetRef(PROJECT, target).name;
    const current = await api.getService(resource);
    const template = current?.template ?? {};
    const [container] = template.containers ?? [];
    await controls.outOfBandUpdate(resource, {
      description: 'edited in the console',
      annotations: { 'example.com/owner': 'ops' },
      template: {
        ...JSON.parse(JSON.stringify({ ...template, revision: undefined })),
        timeout: '60s',
        containers: [
          {
            ...JSON.parse(JSON.stringify(container)),
            env: [
              ...(container?.env ?? []).map((variable) => ({ name: variable.name, value: variable.value })),
              { name: 'DEBUG', value: '1' },
            ],
            startupProbe: { tcpSocket: { port: 8080 } },
          },
        ],
      },
    });
    const { plan, outcome } = await deploy(target, `${REPO}:v4`, run('g'));
    assert.deepEqual(
      plan.changes.map((change) => change.path),
      ['image', 'env.DEBUG'],
    );
    assert.equal(outcome.deployed, true);
    const service = await api.getService(resource);
    assert.equal(service?.description, 'edited in the console');
    assert.equal(service?.annotations?.['example.com/owner'], 'ops');
    const deployed = service?.template?.containers?.[0];
    assert.deepEqual(
      deployed?.env?.map((variable) => variable.name),
      ['MODE'],
    );
    assert.ok(deployed?.startupProbe?.tcpSocket, 'the probe set by someone else is kept');
  });

  it('a service changed since it was read is not overwritten', async () => {
    const plan = await planFor(target, `${REPO}:v6`, run('i'));
    // Someone else deploys in between.
    const other = await planFor(target, `${REPO}:v5`, run('h'));
    await applyTarget(api, other, { validateOnly: false, waitTimeoutSeconds: 30 }, deps);
    await assert.rejects(
      applyTarget(api, plan, { validateOnly: false, waitTimeoutSeconds: 30 }, deps),
      (error) => {
        assert.ok(error instanceof ActionError);
        assert.match(error.message, /changed since it was read/);
        assert.match(error.remedy ?? '', /Re-run/);
        return true;
      },
    );
    const service = await api.getService(plan.target.name);
    assert.equal(service?.template?.containers?.[0]?.image, `${REPO}:v5`);
  });
});

describe('validateOnly create', () => {
  it('does not create the service', async () => {
    const target: DeployTarget = { service: settings('dry-run'), region: 'us-central1' };
    const { plan, outcome } = await deploy(target, `${REPO}:v1`, run('a'), true);
    assert.equal(plan.action, 'create');
    assert.equal(outcome.deployed, false);
    assert.equal(await api.getService(plan.target.name), undefined);
  });
});

describe('wait timeout', () => {
  it('fails with the operation name when the rollout outlasts wait_timeout', async () => {
    const target: DeployTarget = { service: settings('slow'), region: 'us-central1' };
    controls.setOperationDuration(5_000);
    try {
      const plan = await planFor(target, `${REPO}:v1`, run('a'));
      await assert.rejects(
        applyTarget(api, plan, { validateOnly: false, waitTimeoutSeconds: 1 }, deps),
        (error) => {
          assert.ok(error instanceof ActionError);
          assert.match(
            error.message,
            /timed out after 1 s waiting for create of service slow .*operations\//,
          );
          return true;
        },
      );
    } finally {
      controls.setOperationDuration(300);
    }
  });
});
