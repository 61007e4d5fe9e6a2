import assert from 'node:assert/strict';
import { beforeEach, describe, it } from 'node:test';
import { RunModel } from '../apis/run/model.ts';
import { GoogleError } from '../core/google-error.ts';
import type { Identity } from '../core/types.ts';

const PROJECT = { id: 'demo-project', number: '123456789012' };
const PARENT = 'projects/demo-project/locations/us-central1';
const NAME = `${PARENT}/services/hello`;
const DEPLOYER: Identity = { kind: 'serviceAccount', email: 'deployer@demo-project.iam.gserviceaccount.com' };
const RUNTIME = 'runtime@demo-project.iam.gserviceaccount.com';

let now = 0;
let model: RunModel;
let actAs: Set<string>;

function service(
  image = 'app:1',
  extra: Record<string, unknown> = {},
  template: Record<string, unknown> = {},
) {
  return { template: { serviceAccount: RUNTIME, containers: [{ image }], ...template }, ...extra };
}

function rejects(action: () => unknown, status: string, message: RegExp): void {
  assert.throws(action, (error: unknown) => {
    assert.ok(error instanceof GoogleError, `expected a GoogleError, got ${String(error)}`);
    assert.equal(error.status, status);
    assert.match(error.message, message);
    return true;
  });
}

beforeEach(() => {
  now = Date.parse('2025-06-01T00:00:00Z');
  actAs = new Set([RUNTIME]);
  let n = 0;
  model = new RunModel({
    project: PROJECT,
    clock: { now: () => now },
    random: {
      uuid: () => `00000000-0000-4000-8000-${String(++n).padStart(12, '0')}`,
      letters: () => ['abc', 'def', 'ghi', 'jkl', 'mno'][n++ % 5] ?? 'xyz',
    },
    urls: {
      serviceUrl: (key) => `http://serving.test/${key.split('/').at(-1)}`,
      tagUrl: (key, tag) => `http://serving.test/${tag}---${key.split('/').at(-1)}`,
    },
    canActAs: (_caller, email) => actAs.has(email),
  });
  model.setOperationDuration(1000);
});

describe('creating a service', () => {
  it('returns a running operation, then the ready service when its time has come', () => {
    const operation = model.createService(DEPLOYER, PARENT, 'hello', service(), false);
    assert.match(
      String(operation.name),
      /^projects\/demo-project\/locations\/us-central1\/operations\/[0-9a-f-]{36}$/,
    );
    assert.equal(operation.done, undefined, '`done` is omitted while running');
    const metadata = operation.metadata as Record<string, unknown>;
    assert.equal(metadata['@type'], 'type.googleapis.com/google.cloud.run.v2.Service');
    assert.equal(metadata.reconciling, true);
    assert.equal((metadata.terminalCondition as Record<string, unknown>).state, 'CONDITION_RECONCILING');

    now += 1000;
    const done = model.getOperation(String(operation.name));
    assert.equal(done.done, true);
    const response = done.response as Record<string, unknown>;
    assert.equal(response['@type'], 'type.googleapis.com/google.cloud.run.v2.Service');
    assert.equal(response.name, NAME);
    assert.equal(response.generation, '1');
    assert.equal(response.observedGeneration, '1');
    assert.equal(response.creator, DEPLOYER.email);
    assert.equal(response.lastModifier, DEPLOYER.email);
    assert.match(
      String(response.latestReadyRevision),
      /^projects\/demo-project\/locations\/us-central1\/services\/hello\/revisions\/hello-00001-[a-z]{3}$/,
    );
    assert.equal(response.latestReadyRevision, response.latestCreatedRevision);
    assert.deepEqual(response.terminalCondition, {
      type: 'Ready',
      state: 'CONDITION_SUCCEEDED',
      lastTransitionTime: '2025-06-01T00:00:01.000Z',
    });
    assert.deepEqual(response.trafficStatuses, [
      { type: 'TRAFFIC_TARGET_ALLOCATION_TYPE_LATEST', percent: 100 },
    ]);
    assert.equal(response.uri, 'http://serving.test/hello');
    assert.deepEqual(response.urls, ['http://serving.test/hello']);
    assert.equal(response.reconciling, undefined);
    assert.match(String(response.etag), /^".+"$/);
  });

  it('fills the defaults Cloud Run fills', () => {
    model.setOperationDuration(0);
    actAs.add('123456789012-compute@developer.gserviceaccount.com');
    model.createService(DEPLOYER, PARENT, 'hello', { template: { containers: [{ image: 'app:1' }] } }, false);
    const got = model.getService(NAME);
    const template = got.template as Record<string, unknown>;
    assert.equal(got.ingress, 'INGRESS_TRAFFIC_ALL');
    assert.equal(got.launchStage, 'GA');
    assert.equal(template.serviceAccount, '123456789012-compute@developer.gserviceaccount.com');
    assert.equal(template.timeout, '300s');
    assert.equal(template.maxInstanceRequestConcurrency, 80);
    assert.deepEqual(template.containers, [
      {
        image: 'app:1',
        resources: { limits: { cpu: '1000m', memory: '512Mi' } },
        ports: [{ name: 'http1', containerPort: 8080 }],
      },
    ]);
  });

  it('checks the service id like Cloud Run', () => {
    for (const id of ['Hello', '1hello', 'hello-', 'hel_lo', 'a'.repeat(50)]) {
      rejects(
        () => model.createService(DEPLOYER, PARENT, id, service(), false),
        'INVALID_ARGUMENT',
        /service_id/,
      );
    }
    model.createService(DEPLOYER, PARENT, 'a'.repeat(49), service(), false);
    model.createService(DEPLOYER, PARENT, 'hello', service(), false);
    rejects(
      () => model.createService(DEPLOYER, PARENT, 'hello', service(), false),
      'ALREADY_EXISTS',
      /Resource 'hello' already exists/,
    );
  });

  it('requires actAs on the runtime service account (the default compute one when unset)', () => {
    actAs.clear();
    rejects(
      () => model.createService(DEPLOYER, PARENT, 'hello', service(), false),
      'PERMISSION_DENIED',
      /^Permission 'iam\.serviceaccounts\.actAs' denied on service account runtime@demo-project\.iam\.gserviceaccount\.com \(or it may not exist\)\.$/,
    );
    rejects(
      () =>
        model.createService(DEPLOYER, PARENT, 'hello', { template: { containers: [{ image: 'x' }] } }, false),
      'PERMISSION_DENIED',
      /123456789012-compute@developer\.gserviceaccount\.com/,
    );
  });

  it('rejects invalid values with the field named', () => {
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ template: { containers: [{}] } }, /containers\[0\]\.image: a container image is required/],
      [{ template: { containers: [] } }, /at least one container/],
      [{}, /template: a revision template is required/],
      [service('x', {}, { scaling: { minInstanceCount: -1 } }), /min_instance_count must not be negative/],
      [
        service('x', {}, { scaling: { minInstanceCount: 5, maxInstanceCount: 2 } }),
        /must not exceed max_instance_count/,
      ],
      [
        { template: { containers: [{ image: 'x', resources: { limits: { cpu: '3' } } }] } },
        /limits\.cpu: invalid value '3'/,
      ],
      [
        { template: { containers: [{ image: 'x', resources: { limits: { memory: '64Mi' } } }] } },
        /limits\.memory: invalid value '64Mi'/,
      ],
      [
        { template: { containers: [{ image: 'x', resources: { limits: { memory: 'lots' } } }] } },
        /limits\.memory: invalid value 'lots'/,
      ],
      [
        { template: { containers: [{ image: 'x', env: [{ name: 'PORT', value: '1' }] }] } },
        /'PORT' is reserved/,
      ],
      [service('x', {}, { timeout: '7200s' }), /timeout must be between/],
      [
        service('x', {}, { revision: 'other-001' }),
        /must start with the service name followed by a hyphen \('hello-'\)/,
      ],
      [service('x', { labels: { Team: 'a' } }), /label 'Team: a' is invalid/],
    ];
    for (const [body, message] of cases) {
      rejects(() => model.createService(DEPLOYER, PARENT, 'hello', body, false), 'INVALID_ARGUMENT', message);
    }
  });

  it('does nothing but answer for validateOnly', () => {
    const answer = model.createService(DEPLOYER, PARENT, 'hello', service(), true);
    assert.equal(answer.done, true);
    assert.equal((answer.response as Record<string, unknown>).name, NAME);
    rejects(
      () => model.getService(NAME),
      'NOT_FOUND',
      /^Resource 'hello' of kind 'SERVICE' in region 'us-central1' in project 'demo-project' does not exist\.$/,
    );
  });

  it('rejects unknown regions and foreign projects', () => {
    rejects(
      () =>
        model.createService(
          DEPLOYER,
          'projects/demo-project/locations/us-centrall1',
          'hello',
          service(),
          false,
        ),
      'NOT_FOUND',
      /us-centrall1/,
    );
    rejects(
      () => model.createService(DEPLOYER, 'projects/other/locations/us-central1', 'hello', service(), false),
      'PERMISSION_DENIED',
      /other/,
    );
  });
});

describe('revisions', () => {
  beforeEach(() => model.setOperationDuration(0));

  it('names revisions service-generation-letters and reuses one when the template is unchanged', () => {
    model.createService(DEPLOYER, PARENT, 'hello', service('app:1'), false);
    model.updateService(DEPLOYER, NAME, service('app:2'), {
      updateMask: [],
      allowMissing: false,
      validateOnly: false,
    });
    const second = model.getService(NAME);
    assert.match(String(second.latestCreatedRevision), /\/revisions\/hello-00002-[a-z]{3}$/);
    model.updateService(DEPLOYER, NAME, service('app:2', { labels: { team: 'a' } }), {
      updateMask: [],
      allowMissing: false,
      validateOnly: false,
    });
    const third = model.getService(NAME);
    assert.equal(third.generation, '3');
    assert.equal(
      third.latestCreatedRevision,
      second.latestCreatedRevision,
      'a label change on the service makes no revision',
    );
    assert.equal((model.listRevisions(NAME, undefined, undefined).revisions as unknown[]).length, 2);
  });

  it('refuses a named revision reused with a different configuration, and accepts the same one', () => {
    model.createService(DEPLOYER, PARENT, 'hello', service('app:1', {}, { revision: 'hello-v1' }), false);
    model.updateService(DEPLOYER, NAME, service('app:1', {}, { revision: 'hello-v1' }), {
      updateMask: [],
      allowMissing: false,
      validateOnly: false,
    });
    rejects(
      () =>
        model.updateService(DEPLOYER, NAME, service('app:2', {}, { revision: 'hello-v1' }), {
          updateMask: [],
          allowMissing: false,
          validateOnly: false,
        }),
      'ALREADY_EXISTS',
      /^Revision named 'hello-v1' with different configuration already exists\.$/,
    );
  });

  it('renders a revision with its service, template and conditions', () => {
    model.createService(
      DEPLOYER,
      PARENT,
      'hello',
      service('app:1', {}, { revision: 'hello-v1', labels: { team: 'a' } }),
      false,
    );
    const revision = model.getRevision(`${NAME}/revisions/hello-v1`);
    assert.equal(revision.service, NAME);
    assert.deepEqual(revision.labels, { team: 'a' });
    assert.equal(revision.serviceAccount, RUNTIME);
    assert.equal((revision.conditions as { type: string; state: string }[])[0]?.state, 'CONDITION_SUCCEEDED');
    rejects(
      () => model.getRevision(`${NAME}/revisions/hello-v9`),
      'NOT_FOUND',
      /'hello-v9' of kind 'REVISION'/,
    );
  });
});

describe('a revision that fails to start', () => {
  it('fails the operation with the container message and leaves traffic on the previous revision', () => {
    model.setOperationDuration(0);
    model.createService(DEPLOYER, PARENT, 'hello', service('app:1'), false);
    const before = model.getService(NAME);
    model.failRevisions({ image: ':broken' });
    model.setOperationDuration(500);
    const operation = model.updateService(DEPLOYER, NAME, service('app:broken'), {
      updateMask: [],
      allowMissing: false,
      validateOnly: false,
    });
    now += 500;
    const done = model.getOperation(String(operation.name));
    const error = done.error as { code: number; message: string };
    assert.equal(done.done, true);
    assert.equal(error.code, 9);
    assert.match(
      error.message,
      /^Revision 'hello-00002-[a-z]{3}' is not ready and cannot serve traffic\. The user-provided container failed to start and listen on the port defined provided by the PORT=8080 environment variable/,
    );
    assert.match(
      error.message,
      /Logs URL: https:\/\/console\.cloud\.google\.com\/logs\/viewer\?project=demo-project/,
    );
    const after = model.getService(NAME);
    assert.equal(after.latestReadyRevision, before.latestReadyRevision);
    assert.notEqual(after.latestCreatedRevision, before.latestCreatedRevision);
    assert.equal((after.terminalCondition as Record<string, unknown>).state, 'CONDITION_FAILED');
    assert.equal(after.observedGeneration, '2');
    assert.deepEqual(model.servingView(`${NAME}`)?.served, [
      { revision: String(before.latestReadyRevision).split('/').at(-1), percent: 100 },
    ]);
    const failed = model.getRevision(String(after.latestCreatedRevision));
    assert.equal((failed.conditions as { state: string }[])[0]?.state, 'CONDITION_FAILED');
  });
});

describe('updating a service', () => {
  beforeEach(() => {
    model.setOperationDuration(0);
    model.createService(DEPLOYER, PARENT, 'hello', service('app:1', { labels: { team: 'a' } }), false);
  });

  it('compares the etag verbatim and answers ABORTED when stale', () => {
    const { etag } = model.getService(NAME);
    model.updateService(DEPLOYER, NAME, service('app:2', { etag }), {
      updateMask: [],
      allowMissing: false,
      validateOnly: false,
    });
    rejects(
      () =>
        model.updateService(DEPLOYER, NAME, service('app:3', { etag }), {
          updateMask: [],
          allowMissing: false,
          validateOnly: false,
        }),
      'ABORTED',
      /etag of service 'hello' has changed/,
    );
  });

  it('changes only the masked fields', () => {
    model.updateService(
      DEPLOYER,
      NAME,
      { labels: { team: 'b' }, template: { containers: [{ image: 'ignored' }] } },
      {
        updateMask: ['labels'],
        allowMissing: false,
        validateOnly: false,
      },
    );
    const got = model.getService(NAME);
    assert.deepEqual(got.labels, { team: 'b' });
    assert.equal(
      ((got.template as Record<string, unknown>).containers as { image: string }[])[0]?.image,
      'app:1',
    );
    assert.equal(got.generation, '2');
  });

  it('creates a missing service only with allowMissing', () => {
    const other = `${PARENT}/services/other`;
    rejects(
      () =>
        model.updateService(DEPLOYER, other, service(), {
          updateMask: [],
          allowMissing: false,
          validateOnly: false,
        }),
      'NOT_FOUND',
      /'other'/,
    );
    model.updateService(DEPLOYER, other, service(), {
      updateMask: [],
      allowMissing: true,
      validateOnly: false,
    });
    assert.equal(model.getService(other).generation, '1');
  });

  it('resolves traffic: pinned revisions, tags with their own URLs, and rejects bad splits', () => {
    const first = String(model.getService(NAME).latestReadyRevision).split('/').at(-1) ?? '';
    const update = (traffic: unknown[]) =>
      model.updateService(DEPLOYER, NAME, service('app:2', { traffic }), {
        updateMask: [],
        allowMissing: false,
        validateOnly: false,
      });
    update([
      { type: 'TRAFFIC_TARGET_ALLOCATION_TYPE_REVISION', revision: first, percent: 90, tag: 'stable' },
      { type: 'TRAFFIC_TARGET_ALLOCATION_TYPE_LATEST', percent: 10, tag: 'canary' },
    ]);
    const got = model.getService(NAME);
    const latest = String(got.latestReadyRevision).split('/').at(-1) ?? '';
    assert.deepEqual(got.trafficStatuses, [
      {
        type: 'TRAFFIC_TARGET_ALLOCATION_TYPE_REVISION',
        revision: first,
        percent: 90,
        tag: 'stable',
        uri: 'http://serving.test/stable---hello',
      },
      {
        type: 'TRAFFIC_TARGET_ALLOCATION_TYPE_LATEST',
        percent: 10,
        tag: 'canary',
        uri: 'http://serving.test/canary---hello',
      },
    ]);
    assert.deepEqual(model.servingView(NAME)?.served, [
      { revision: first, percent: 90, tag: 'stable' },
      { revision: latest, percent: 10, tag: 'canary' },
    ]);
    const latestType = 'TRAFFIC_TARGET_ALLOCATION_TYPE_LATEST';
    const revisionType = 'TRAFFIC_TARGET_ALLOCATION_TYPE_REVISION';
    const bad: [unknown[], RegExp][] = [
      [[{ type: latestType, percent: 90 }], /add up to 100, but they add up to 90/],
      [
        [
          { type: latestType, percent: 50, tag: 'a' },
          { type: latestType, percent: 50, tag: 'a' },
        ],
        /tag 'a' is used by more than one/,
      ],
      [[{ type: latestType, percent: 100, tag: 'Bad_Tag' }], /tag 'Bad_Tag' is invalid/],
      [[{ type: revisionType, percent: 100 }], /must name a revision/],
      [[{ type: latestType, revision: first, percent: 100 }], /must not name a revision/],
      [[{ percent: 100 }], /type must be/],
    ];
    for (const [traffic, message] of bad) rejects(() => update(traffic), 'INVALID_ARGUMENT', message);
  });

  it('accepts traffic to a revision that does not exist, then fails the operation and keeps the routes', () => {
    const before = model.servingView(NAME)?.served;
    for (const revision of ['hello-00009-zzz', 'other-00001-abc']) {
      const operation = model.updateService(
        DEPLOYER,
        NAME,
        service('app:1', {
          traffic: [{ type: 'TRAFFIC_TARGET_ALLOCATION_TYPE_REVISION', revision, percent: 100 }],
        }),
        { updateMask: [], allowMissing: false, validateOnly: false },
      );
      assert.deepEqual(operation.error, {
        code: 13,
        message: `Revision '${revision}' does not exist or is deleted. Update all traffic to route to currently available revisions.`,
      });
      assert.deepEqual(model.servingView(NAME)?.served, before);
      assert.equal(
        (model.getService(NAME).terminalCondition as Record<string, unknown>).state,
        'CONDITION_FAILED',
      );
    }
  });
});

describe('deleting and listing', () => {
  it('lists services in pages and deletes them with their revisions', () => {
    model.setOperationDuration(0);
    for (const id of ['a', 'b', 'c']) model.createService(DEPLOYER, PARENT, id, service(), false);
    const first = model.listServices(PARENT, 2, undefined);
    assert.deepEqual(
      (first.services as { name: string }[]).map((s) => s.name.split('/').at(-1)),
      ['a', 'b'],
    );
    const second = model.listServices(PARENT, 2, String(first.nextPageToken));
    assert.deepEqual(
      (second.services as { name: string }[]).map((s) => s.name.split('/').at(-1)),
      ['c'],
    );
    assert.equal(second.nextPageToken, undefined);
    rejects(() => model.listServices(PARENT, 2, 'garbage!'), 'INVALID_ARGUMENT', /page_token/);
    const deleted = model.deleteService(`${PARENT}/services/a`, undefined, false);
    assert.equal(deleted.done, true);
    assert.equal(model.exists(`${PARENT}/services/a`), false);
    assert.deepEqual(model.listRevisions(`${PARENT}/services/a`, undefined, undefined), {});
    assert.deepEqual(
      model.listServices('projects/demo-project/locations/europe-west1', undefined, undefined),
      {},
    );
  });
});
