/**
 * Release traffic mechanics with the real `@google-cloud/run` client against the emulator:
 * preview deploy without traffic, promotion, rollback from the release record, canary with a
 * health gate (failing and passing), etag conflicts, plan mode.
 */

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import { OAuth2Client } from 'google-auth-library';
import { applyTarget } from '../../src/apply/apply-target.ts';
import { readTarget } from '../../src/apply/read-target.ts';
import { createRunApi, type RunApi } from '../../src/apply/run-api.ts';
import { applyTraffic, type CanaryDeps, runCanary } from '../../src/apply/traffic.ts';
import { ActionError } from '../../src/errors.ts';
import type { Endpoints } from '../../src/google/endpoints.ts';
import type { RetryDeps } from '../../src/google/retry.ts';
import { planTarget, targetRef } from '../../src/plan/plan-target.ts';
import { shortName } from '../../src/plan/resource-names.ts';
import {
  dominantRevision,
  type FirstDeployChoice,
  normalizeTraffic,
  noTrafficDeploy,
  promote,
  rollback,
  toRunTraffic,
} from '../../src/plan/traffic.ts';
import { type RunId, readReleaseRecord, withReleaseRecord } from '../../src/plan/traffic-record.ts';
import type { RunService, TargetPlan } from '../../src/plan/types.ts';
import type { DeployTarget, RunContext, ServiceSettings } from '../../src/settings/types.ts';
import type { RunControls } from '../emulator/apis/run/plugin.ts';
import { type Emulator, startEmulator } from '../emulator/emulator.ts';
import { addMember } from '../emulator/iam/edits.ts';

const PROJECT = 'demo-project';
const REGION = 'us-central1';
const DEPLOYER = 'deployer@demo-project.iam.gserviceaccount.com';
const CALLER = 'caller@demo-project.iam.gserviceaccount.com';
const REPO = 'us-docker.pkg.dev/demo-project/apps/hello';
const WAIT = { validateOnly: false, waitTimeoutSeconds: 30 };

let emulator: Emulator;
let api: RunApi;
let controls: RunControls;
let deployerToken = '';
const logs: string[] = [];
const retryDeps: RetryDeps = {
  sleep: (ms) => delay(ms),
  now: () => Date.now(),
  random: () => 0.5,
  log: (message) => logs.push(message),
};
/** Apply's dependencies: no canary runs here, so no health check fetch or ID token. */
const deps = { ...retryDeps, fetch, idToken: undefined };

function settings(name: string, invokers: readonly string[] = [`serviceAccount:${CALLER}`]): ServiceSettings {
  return {
    name,
    regions: [REGION],
    runtimeServiceAccount: 'runtime@demo-project.iam.gserviceaccount.com',
    imageRepository: REPO,
    port: 8080,
    env: {},
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
    invokers,
    canary: undefined,
    span: undefined,
  };
}

function run(sha: string): RunContext {
  return {
    repository: 'acme/hello',
    sha: sha.repeat(40).slice(0, 40),
    ref: 'refs/heads/main',
    runId: `run-${sha}`,
    runAttempt: '1',
    serverUrl: 'https://github.com',
    eventName: 'push',
    workflow: 'deploy',
  };
}

function runId(context: RunContext): RunId {
  return { repository: context.repository, runId: context.runId, runAttempt: context.runAttempt };
}

async function planFor(target: DeployTarget, image: string, context: RunContext): Promise<TargetPlan> {
  const reads = await readTarget(api, targetRef(PROJECT, target), true, deps);
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

/** A deploy with 100% to the new revision (the existing engine, unchanged). */
async function deployAll(target: DeployTarget, image: string, context: RunContext): Promise<string> {
  const outcome = await applyTarget(api, await planFor(target, image, context), WAIT, deps);
  return shortName(outcome.revision ?? '');
}

/** A preview deploy: the plan's desired traffic replaced by `noTrafficDeploy` (the lead's hook). */
async function deployPreview(
  target: DeployTarget,
  image: string,
  context: RunContext,
  tag: string,
  firstDeploy: FirstDeployChoice = 'fail',
): Promise<string> {
  const plan = await planFor(target, image, context);
  const current = await api.getService(plan.target.name);
  const traffic = noTrafficDeploy(current, target.service.name, plan.revisionName, tag, firstDeploy);
  const preview: TargetPlan = { ...plan, desired: { ...plan.desired, traffic: toRunTraffic(traffic) } };
  const outcome = await applyTarget(api, preview, WAIT, deps);
  return shortName(outcome.revision ?? '');
}

function nameOf(service: string): string {
  return `projects/${PROJECT}/locations/${REGION}/services/${service}`;
}

async function read(service: string): Promise<RunService> {
  const found = await api.getService(nameOf(service));
  assert.ok(found, `service ${service} exists`);
  return found;
}

/** What actually serves, as the emulator's front end routes it: [revision, percent, tag?]. */
function served(service: string): (string | number)[][] {
  return (controls.model.servingView(nameOf(service))?.served ?? [])
    .filter((split) => split.percent > 0)
    .map((split) => [split.revision, split.percent]);
}

function tagUrl(service: RunService, tag: string): string {
  const uri = (service.trafficStatuses ?? []).find((status) => status.tag === tag)?.uri;
  assert.ok(uri, `tag ${tag} has a URL`);
  return uri;
}

async function idToken(email: string, audience: string, accessToken: string): Promise<string> {
  const response = await fetch(
    `${emulator.urls.iamcredentials}/v1/projects/-/serviceAccounts/${email}:generateIdToken`,
    {
      method: 'POST',
      headers: { authorization: `Bearer ${accessToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ audience, includeEmail: true }),
    },
  );
  const body = (await response.json()) as { token: string };
  assert.equal(response.status, 200, JSON.stringify(body));
  return body.token;
}

async function call(url: string, token: string): Promise<{ status: number; revision: unknown }> {
  const response = await fetch(`${url}/hello`, { headers: { authorization: `Bearer ${token}` } });
  const text = await response.text();
  return {
    status: response.status,
    revision: response.status === 200 ? JSON.parse(text).revision : undefined,
  };
}

/** Traffic written to a service, in order: each PATCH's split as `revision|LATEST:percent`. */
function trafficWrites(service: string): string[] {
  return emulator.log
    .entries()
    .filter(
      (entry) =>
        entry.api === 'run' && entry.method === 'PATCH' && entry.path.endsWith(`/services/${service}`),
    )
    .map((entry) => {
      const body = entry.body as { traffic?: RunService['traffic'] };
      return normalizeTraffic(body.traffic)
        .filter((target) => target.percent > 0)
        .map((target) => `${target.kind === 'latest' ? 'LATEST' : target.revision}:${target.percent}`)
        .join(',');
    });
}

before(async () => {
  emulator = await startEmulator();
  deployerToken = emulator.mintAccessToken(DEPLOYER).token;
  const authClient = new OAuth2Client();
  authClient.setCredentials({ access_token: deployerToken, expiry_date: Date.now() + 3_600_000 });
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
  controls.setOperationDuration(100);
  // The canary's health check calls the tag URL as the deployer: it may mint its own ID tokens.
  emulator.iam.editBindings(
    `projects/${PROJECT}/serviceAccounts/${DEPLOYER}`,
    addMember('roles/iam.serviceAccountTokenCreator', `serviceAccount:${DEPLOYER}`),
  );
});

after(async () => {
  await api.close();
  await emulator.close();
});

describe('preview, promote, rollback', () => {
  const target: DeployTarget = { service: settings('hello'), region: REGION };
  let oldRevision = '';
  let newRevision = '';

  it('a no-traffic deploy leaves 100% on the old revision; its tag URL serves the new one to an invoker', async () => {
    oldRevision = await deployAll(target, `${REPO}:v1`, run('a'));
    newRevision = await deployPreview(target, `${REPO}:v2`, run('b'), 'pr-7');
    assert.notEqual(newRevision, oldRevision);
    assert.deepEqual(served('hello'), [[oldRevision, 100]]);
    const service = await read('hello');
    assert.equal(shortName(service.latestReadyRevision ?? ''), newRevision);
    const token = await idToken(CALLER, String(service.uri), emulator.mintAccessToken(CALLER).token);
    assert.deepEqual(await call(tagUrl(service, 'pr-7'), token), { status: 200, revision: newRevision });
    for (let i = 0; i < 5; i++) {
      assert.deepEqual(await call(String(service.uri), token), { status: 200, revision: oldRevision });
    }
  });

  it('promote by tag moves 100% and changes nothing else; again, it writes nothing', async () => {
    const before = await read('hello');
    const context = run('c');
    const traffic = promote(normalizeTraffic(before.traffic), { tag: 'pr-7' });
    const record = {
      ...readReleaseRecord(before),
      released: {
        action: 'promote' as const,
        revision: newRevision,
        previous: dominantRevision(
          normalizeTraffic(before.traffic),
          shortName(before.latestReadyRevision ?? ''),
        ),
        run: runId(context),
        at: new Date().toISOString(),
      },
    };
    const outcome = await applyTraffic(
      api,
      before,
      { traffic, annotations: withReleaseRecord(before.annotations, record) },
      WAIT,
      deps,
    );
    assert.equal(outcome.changed, true);
    assert.deepEqual(served('hello'), [[newRevision, 100]]);
    const after = await read('hello');
    assert.equal(after.latestCreatedRevision, before.latestCreatedRevision, 'no new revision');
    // The revision name is not echoed back (the real service may refuse it); all else stays.
    assert.deepEqual({ ...after.template, revision: '' }, { ...before.template, revision: '' });
    assert.deepEqual(after.labels, before.labels);
    assert.equal(tagUrl(after, 'pr-7'), tagUrl(before, 'pr-7'), 'the tag and its URL stay');
    assert.equal(readReleaseRecord(after).released?.previous, oldRevision);

    const writes = trafficWrites('hello').length;
    const again = await applyTraffic(
      api,
      after,
      { traffic: promote(normalizeTraffic(after.traffic), { tag: 'pr-7' }) },
      WAIT,
      deps,
    );
    assert.equal(again.changed, false);
    assert.equal(trafficWrites('hello').length, writes);
  });

  it('rollback returns to the previous revision from the record and records what it rolled back from', async () => {
    const current = await read('hello');
    const context = run('d');
    const traffic = rollback(normalizeTraffic(current.traffic), {
      previous: readReleaseRecord(current).released?.previous,
    });
    const record = {
      ...readReleaseRecord(current),
      released: {
        action: 'rollback' as const,
        revision: oldRevision,
        previous: dominantRevision(normalizeTraffic(current.traffic), undefined),
        run: runId(context),
        at: new Date().toISOString(),
      },
    };
    await applyTraffic(
      api,
      current,
      { traffic, annotations: withReleaseRecord(current.annotations, record) },
      WAIT,
      deps,
    );
    assert.deepEqual(served('hello'), [[oldRevision, 100]]);
    const after = await read('hello');
    assert.deepEqual(
      readReleaseRecord(after).released,
      record.released,
      'a later run sees what was rolled back from',
    );
    assert.equal(readReleaseRecord(after).released?.previous, newRevision);
  });

  it('a traffic change from a stale read is refused, nothing overwritten', async () => {
    const stale = await read('hello');
    await controls.outOfBandUpdate(nameOf('hello'), { description: 'edited in the console' });
    await assert.rejects(
      applyTraffic(
        api,
        stale,
        { traffic: promote(normalizeTraffic(stale.traffic), { tag: 'pr-7' }) },
        WAIT,
        deps,
      ),
      (error) => {
        assert.ok(error instanceof ActionError);
        assert.match(error.message, /changed since it was read .*nothing was overwritten/);
        assert.match(error.remedy ?? '', /re-run/);
        return true;
      },
    );
    assert.deepEqual(served('hello'), [[oldRevision, 100]]);
  });

  it('plan mode validates the traffic change and changes nothing', async () => {
    const current = await read('hello');
    const outcome = await applyTraffic(
      api,
      current,
      { traffic: promote(normalizeTraffic(current.traffic), { revision: newRevision }) },
      { validateOnly: true, waitTimeoutSeconds: 30 },
      deps,
    );
    assert.equal(outcome.changed, false);
    assert.equal((await read('hello')).etag, current.etag);
    assert.deepEqual(served('hello'), [[oldRevision, 100]]);
  });
});

describe('no-traffic deploy of a service that does not exist yet', () => {
  it('fails before writing anything when the user chose fail', async () => {
    const target: DeployTarget = { service: settings('fresh'), region: REGION };
    await assert.rejects(
      deployPreview(target, `${REPO}:v1`, run('a'), 'pr-1', 'fail'),
      /no serving revision yet/,
    );
    assert.equal(await api.getService(nameOf('fresh')), undefined);
  });

  it('serves 100% with the tag when the user chose serve', async () => {
    const target: DeployTarget = { service: settings('fresh'), region: REGION };
    const revision = await deployPreview(target, `${REPO}:v1`, run('a'), 'pr-1', 'serve');
    assert.deepEqual(served('fresh'), [[revision, 100]]);
    const service = await read('fresh');
    const token = await idToken(CALLER, String(service.uri), emulator.mintAccessToken(CALLER).token);
    assert.deepEqual(await call(tagUrl(service, 'pr-1'), token), { status: 200, revision });
  });
});

describe('canary', () => {
  const target: DeployTarget = {
    service: settings('shop', [`serviceAccount:${CALLER}`, `serviceAccount:${DEPLOYER}`]),
    region: REGION,
  };
  const answered: unknown[] = [];
  let failFrom = Number.POSITIVE_INFINITY;
  let checks = 0;
  /** The real fetch to the tag URL; answers 503 from the `failFrom`-th check on (a sick revision). */
  const canaryDeps: CanaryDeps = {
    ...deps,
    fetch: async (url, init) => {
      const response = await fetch(url, init);
      answered.push(response.headers.get('x-emulator-revision'));
      checks++;
      return checks >= failFrom ? new Response('unhealthy', { status: 503 }) : response;
    },
    idToken: (audience) => idToken(DEPLOYER, audience, deployerToken),
  };
  const check = { path: '/healthz', requests: 4, successRatio: 0.75, timeoutMs: 2_000, intervalMs: 1 };

  it('a failing health check at step two restores the split exactly and names step two', async () => {
    const stable = await deployAll(target, `${REPO}:v1`, run('a'));
    const canary = await deployPreview(target, `${REPO}:v2`, run('b'), 'canary');
    const before = await read('shop');
    const writes = trafficWrites('shop').length;
    failFrom = check.requests + 1; // the first check passes, the second one fails entirely
    await assert.rejects(
      runCanary(
        api,
        {
          service: before,
          revision: canary,
          tag: 'canary',
          steps: [5, 25, 100],
          waitSeconds: 0,
          check,
          waitTimeoutSeconds: 30,
        },
        canaryDeps,
      ),
      (error) => {
        assert.ok(error instanceof ActionError);
        assert.match(
          error.message,
          new RegExp(
            `^canary step 2 of 3 \\(25% to ${canary}\\) failed its health check: 0 of 4 requests to http://127\\.0\\.0\\.1:\\d+/healthz answered 2xx \\(needed 3; failures: HTTP 503\\)$`,
          ),
        );
        assert.match(
          error.remedy ?? '',
          new RegExp(
            `back to the split from before the release \\(100% ${stable}, 0% ${canary} \\(tag canary\\)\\)`,
          ),
        );
        return true;
      },
    );
    assert.deepEqual(trafficWrites('shop').slice(writes), [
      `${stable}:95,${canary}:5`,
      `${stable}:75,${canary}:25`,
      `${stable}:100`,
    ]);
    const after = await read('shop');
    assert.deepEqual(
      normalizeTraffic(after.traffic),
      normalizeTraffic(before.traffic),
      'the exact split is back',
    );
    assert.deepEqual(normalizeTraffic(after.trafficStatuses), normalizeTraffic(before.trafficStatuses));
    assert.deepEqual(served('shop'), [[stable, 100]]);
    assert.ok(
      answered.length > 0 && answered.every((revision) => revision === canary),
      'checks hit the canary',
    );
  });

  it('a passing canary ends at 100% with each step in the log', async () => {
    const before = await read('shop');
    const canary = shortName(before.latestReadyRevision ?? '');
    const writes = trafficWrites('shop').length;
    failFrom = Number.POSITIVE_INFINITY;
    answered.length = 0;
    const done = await runCanary(
      api,
      {
        service: before,
        revision: canary,
        tag: 'canary',
        steps: [5, 25, 100],
        waitSeconds: 0,
        check,
        waitTimeoutSeconds: 30,
      },
      canaryDeps,
    );
    const stable = dominantRevision(normalizeTraffic(before.traffic), undefined);
    assert.deepEqual(trafficWrites('shop').slice(writes), [
      `${stable}:95,${canary}:5`,
      `${stable}:75,${canary}:25`,
      `${canary}:100`,
    ]);
    assert.deepEqual(served('shop'), [[canary, 100]]);
    assert.equal(normalizeTraffic(done.trafficStatuses).find((t) => t.tag === 'canary')?.percent, 100);
    assert.equal(answered.length, 2 * check.requests, 'two gates, none after the last step');
    assert.ok(answered.every((revision) => revision === canary));
  });

  it('a gate that cannot run (no ID token) also restores the split, naming the step', async () => {
    const canary = await deployPreview(target, `${REPO}:v3`, run('c'), 'canary');
    const before = await read('shop');
    const stable = dominantRevision(normalizeTraffic(before.traffic), undefined);
    const noToken: CanaryDeps = {
      ...canaryDeps,
      idToken: async () => {
        throw new ActionError('generateIdToken denied', { remedy: 'Grant getOpenIdToken.' });
      },
    };
    await assert.rejects(
      runCanary(
        api,
        {
          service: before,
          revision: canary,
          tag: 'canary',
          steps: [10, 100],
          waitSeconds: 0,
          check,
          waitTimeoutSeconds: 30,
        },
        noToken,
      ),
      (error) => {
        assert.ok(error instanceof ActionError);
        assert.equal(error.message, `canary step 1 of 2 (10% to ${canary}): generateIdToken denied`);
        assert.match(error.remedy ?? '', /^The traffic is back .* Grant getOpenIdToken\.$/);
        return true;
      },
    );
    assert.deepEqual(normalizeTraffic((await read('shop')).traffic), normalizeTraffic(before.traffic));
    assert.deepEqual(served('shop'), [[stable, 100]]);
  });

  it('a split someone else sets during the canary is neither overwritten nor "restored"', async () => {
    const before = await read('shop');
    const canary = shortName(before.latestReadyRevision ?? '');
    const stable = dominantRevision(normalizeTraffic(before.traffic), undefined) ?? '';
    const theirs = [
      { type: 2, revision: stable, percent: 70 },
      { type: 2, revision: canary, percent: 30, tag: 'canary' },
    ];
    const interfering: CanaryDeps = {
      ...canaryDeps,
      idToken: async (audience) => {
        // An operator moves traffic by hand while the first gate runs.
        await controls.outOfBandUpdate(nameOf('shop'), { traffic: theirs }, ['traffic']);
        return idToken(DEPLOYER, audience, deployerToken);
      },
    };
    await assert.rejects(
      runCanary(
        api,
        {
          service: before,
          revision: canary,
          tag: 'canary',
          steps: [10, 50, 100],
          waitSeconds: 0,
          check,
          waitTimeoutSeconds: 30,
        },
        interfering,
      ),
      (error) => {
        assert.ok(error instanceof ActionError);
        assert.match(
          error.message,
          /^canary step 2 of 3 \(50% .*changed since it was read.*nothing was overwritten$/,
        );
        assert.match(error.remedy ?? '', /left the traffic as the other change set it/);
        return true;
      },
    );
    assert.deepEqual(served('shop'), [
      [stable, 70],
      [canary, 30],
    ]);
  });
});
