import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { planTarget } from '../../../src/plan/plan-target.ts';
import { RELEASE_ANNOTATION } from '../../../src/plan/traffic-record.ts';
import type { RunService } from '../../../src/plan/types.ts';
import {
  AT,
  asGetResult,
  asOperationResult,
  DEPLOY,
  IMAGE,
  IMAGE_2,
  NAME,
  PROJECT,
  runContext,
  stored,
  target,
} from './fixtures.ts';

const plan = (
  current: RunService | undefined,
  options: { image?: string; sha?: string; attempt?: string } = {},
) =>
  planTarget({
    release: DEPLOY,
    at: AT,
    projectId: PROJECT,
    target: target(),
    image: options.image ?? IMAGE,
    run: runContext({
      ...(options.sha === undefined ? {} : { sha: options.sha }),
      ...(options.attempt === undefined ? {} : { runAttempt: options.attempt }),
    }),
    current,
    policy: undefined,
  });

/** The service after a first deploy, as the server would return it. */
function deployed(): RunService {
  const first = plan(undefined);
  return stored(first.desired, first.revisionName);
}

describe('planTarget: first deploy', () => {
  const first = plan(undefined);
  const template = first.desired.template ?? {};
  const container = template.containers?.[0] ?? {};

  it('creates, with the full resource name and no previous revision', () => {
    assert.equal(first.action, 'create');
    assert.deepEqual(first.target, { service: 'hello', region: 'us-central1', name: NAME });
    assert.equal(first.previousRevision, undefined);
    assert.equal(first.desired.name, undefined, 'create takes the name from parent + serviceId');
  });

  it('builds the container from the settings', () => {
    assert.equal(container.image, IMAGE);
    assert.deepEqual(container.ports, [{ containerPort: 8080 }]);
    assert.deepEqual(container.env, [
      { name: 'API_URL', value: 'https://api.example.com' },
      { name: 'MODE', value: 'prod' },
      { name: 'DB_PASSWORD', valueSource: { secretKeyRef: { secret: 'db-password', version: 'latest' } } },
    ]);
    assert.deepEqual(container.resources, { limits: { cpu: '1', memory: '512Mi' } });
  });

  it('sets revision-level settings, ingress, labels and 100% to latest', () => {
    assert.equal(template.revision, first.revisionName);
    assert.match(first.revisionName, /^hello-0123456-1-[0-9a-f]{6}$/);
    assert.deepEqual(template.scaling, { minInstanceCount: 0, maxInstanceCount: 3 });
    assert.deepEqual(template.timeout, { seconds: 120 });
    assert.equal(template.maxInstanceRequestConcurrency, 40);
    assert.equal(template.serviceAccount, 'runtime@demo-project.iam.gserviceaccount.com');
    assert.equal(first.desired.ingress, 'INGRESS_TRAFFIC_ALL');
    const labels = { team: 'web', 'managed-by': 'cloud-run-keyless-deploy', 'commit-sha': runContext().sha };
    assert.deepEqual(first.desired.labels, labels);
    assert.deepEqual(template.labels, labels);
    assert.deepEqual(first.desired.traffic, [
      { type: 'TRAFFIC_TARGET_ALLOCATION_TYPE_LATEST', percent: 100 },
    ]);
  });

  it('lists every managed field as a change, never a secret value or plain value', () => {
    const paths = first.changes.map((change) => change.path);
    assert.ok(paths.includes('image') && paths.includes('env.API_URL') && paths.includes('traffic'));
    const secret = first.changes.find((change) => change.path === 'env.DB_PASSWORD');
    assert.deepEqual(secret, {
      path: 'env.DB_PASSWORD',
      before: undefined,
      after: 'secret db-password version latest',
    });
    const plain = first.changes.find((change) => change.path === 'env.API_URL');
    assert.equal(plain?.after, '(value)');
  });
});

describe('planTarget: no change detection', () => {
  const cases: { name: string; current: () => RunService; sha?: string; attempt?: string }[] = [
    { name: 'same commit re-run (getService form)', current: () => asGetResult(deployed()), attempt: '2' },
    {
      name: 'new commit, same image and settings',
      current: () => asGetResult(deployed()),
      sha: 'f'.repeat(40),
    },
    { name: 'operation result form (enum numbers, Long)', current: () => asOperationResult(deployed()) },
    { name: 'plain stored form', current: deployed },
  ];
  for (const testCase of cases) {
    it(`${testCase.name} → none, no changes`, () => {
      const result = plan(testCase.current(), {
        ...(testCase.sha === undefined ? {} : { sha: testCase.sha }),
        ...(testCase.attempt === undefined ? {} : { attempt: testCase.attempt }),
      });
      assert.deepEqual(result.changes, []);
      assert.equal(result.action, 'none');
    });
  }

  it('a new image is an update with exactly the image change', () => {
    const current = asGetResult(deployed());
    const result = plan(current, { image: IMAGE_2 });
    assert.equal(result.action, 'update');
    assert.deepEqual(result.changes, [{ path: 'image', before: IMAGE, after: IMAGE_2 }]);
    assert.equal(result.desired.name, NAME);
    assert.equal(result.desired.etag, '"etag-2"');
    assert.equal(result.previousRevision, current.latestReadyRevision);
  });

  it('cpu 1 and 1000m, memory 1Gi and 1024Mi are the same amount', () => {
    const current = asGetResult(deployed());
    const container = current.template?.containers?.[0];
    assert.ok(container?.resources?.limits);
    container.resources.limits = { cpu: '1000m', memory: '0.5Gi' };
    assert.equal(plan(current).action, 'none');
  });
});

describe('planTarget: updates keep what the policy does not manage', () => {
  function customized(): RunService {
    const current = asGetResult(deployed());
    const template = current.template ?? {};
    const [main] = template.containers ?? [];
    assert.ok(main);
    return {
      ...current,
      description: 'set by hand',
      annotations: { 'run.googleapis.com/launch-stage': 'BETA' },
      labels: { ...current.labels, owner: 'ops' },
      traffic: [
        {
          type: 'TRAFFIC_TARGET_ALLOCATION_TYPE_REVISION',
          revision: 'hello-old',
          percent: 100,
          tag: 'stable',
        },
      ],
      template: {
        ...template,
        vpcAccess: { connector: 'projects/demo-project/locations/us-central1/connectors/c' },
        containers: [
          {
            ...main,
            env: [...(main.env ?? []), { name: 'STALE', value: 'x' }],
            startupProbe: { tcpSocket: { port: 8080 } },
            resources: { ...main.resources, limits: { ...main.resources?.limits, 'nvidia.com/gpu': '1' } },
          },
          { name: 'sidecar', image: 'busybox' },
        ],
      },
    };
  }

  it('keeps unmanaged fields and containers, removes undeclared env, retags traffic', () => {
    const current = customized();
    const result = plan(current);
    const template = result.desired.template ?? {};
    const [main, sidecar] = template.containers ?? [];
    assert.equal(result.desired.description, 'set by hand');
    // Annotations set by others stay; the release record joins them.
    assert.deepEqual(Object.keys(result.desired.annotations ?? {}).sort(), [
      RELEASE_ANNOTATION,
      'run.googleapis.com/launch-stage',
    ]);
    assert.equal(result.desired.annotations?.['run.googleapis.com/launch-stage'], 'BETA');
    assert.equal(result.desired.labels?.owner, 'ops');
    assert.deepEqual(template.vpcAccess, {
      connector: 'projects/demo-project/locations/us-central1/connectors/c',
    });
    assert.deepEqual(main?.startupProbe, { tcpSocket: { port: 8080 } });
    assert.equal(main?.resources?.limits?.['nvidia.com/gpu'], '1');
    assert.deepEqual(sidecar, { name: 'sidecar', image: 'busybox' });
    assert.ok(!(main?.env ?? []).some((variable) => variable.name === 'STALE'));
    assert.deepEqual(result.desired.traffic, [
      { type: 'TRAFFIC_TARGET_ALLOCATION_TYPE_LATEST', percent: 100 },
      { type: 'TRAFFIC_TARGET_ALLOCATION_TYPE_REVISION', revision: 'hello-old', tag: 'stable' },
    ]);
    assert.deepEqual(
      result.changes.map((change) => change.path),
      ['env.STALE', 'traffic'],
    );
    assert.equal(result.action, 'update');
  });

  it('never sends output-only fields nor echoes the previous revision name', () => {
    const current = customized();
    const result = plan(current);
    for (const field of [
      'uid',
      'generation',
      'uri',
      'terminalCondition',
      'latestReadyRevision',
      'conditions',
    ]) {
      assert.ok(!(field in result.desired), field);
    }
    assert.notEqual(result.desired.template?.revision, current.template?.revision);
    assert.doesNotMatch(JSON.stringify(result.desired), /UNSPECIFIED|"":|:""/);
  });

  it('shows a changed plain value without showing it', () => {
    const result = planTarget({
      release: DEPLOY,
      at: AT,
      projectId: PROJECT,
      target: target({ env: { API_URL: 'https://other.example.com', MODE: 'prod' } }),
      image: IMAGE,
      run: runContext(),
      current: asGetResult(deployed()),
      policy: undefined,
    });
    assert.deepEqual(result.changes, [{ path: 'env.API_URL', before: '(value)', after: '(changed value)' }]);
  });

  it('reports each managed setting that changed', () => {
    const result = planTarget({
      release: DEPLOY,
      at: AT,
      projectId: PROJECT,
      target: target({
        memory: '1Gi',
        maxInstances: 5,
        ingress: 'internal',
        labels: { team: 'api' },
        timeoutSeconds: 300,
      }),
      image: IMAGE,
      run: runContext(),
      current: asGetResult(deployed()),
      policy: undefined,
    });
    assert.deepEqual(result.changes, [
      { path: 'resources.memory', before: '512Mi', after: '1Gi' },
      { path: 'timeout', before: '120s', after: '300s' },
      { path: 'scaling.maxInstances', before: '3', after: '5' },
      { path: 'ingress', before: 'all', after: 'internal' },
      { path: 'labels.team', before: 'web', after: 'api' },
      { path: 'template.labels.team', before: 'web', after: 'api' },
    ]);
  });

  it('refuses a name declared both as env and as secret', () => {
    assert.throws(
      () =>
        planTarget({
          release: DEPLOY,
          at: AT,
          projectId: PROJECT,
          target: target({ env: { DB_PASSWORD: 'x' } }),
          image: IMAGE,
          run: runContext(),
          current: undefined,
          policy: undefined,
        }),
      /declares 'DB_PASSWORD' both as env and as a secret/,
    );
  });
});
