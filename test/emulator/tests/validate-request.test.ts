import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createValidator, type ValidationResult } from '../validate/index.ts';

const validator = createValidator();
const PARENT = '/v2/projects/p/locations/us-central1/services';
const SERVICE = `${PARENT}/hello`;

function create(body: unknown, query = 'serviceId=hello'): ValidationResult {
  return validator.validate({ api: 'run.v2', httpMethod: 'POST', url: `${PARENT}?${query}`, body });
}

function rejection(result: ValidationResult): {
  status: string;
  httpStatus: number;
  message: string;
  details: readonly unknown[];
} {
  assert.equal(result.ok, false, 'expected a rejection');
  if (result.ok) throw new Error('unreachable');
  return {
    status: result.error.status,
    httpStatus: result.error.httpStatus,
    message: result.error.message,
    details: result.error.details,
  };
}

const minimal = { template: { containers: [{ image: 'us-docker.pkg.dev/p/r/app:1' }] } };

describe('routes', () => {
  it('binds the Cloud Run methods the client calls, with decoded path parameters', () => {
    const cases: [string, string, string, Record<string, string>][] = [
      [
        'POST',
        `${PARENT}?serviceId=x`,
        'run.projects.locations.services.create',
        { parent: 'projects/p/locations/us-central1' },
      ],
      [
        'GET',
        SERVICE,
        'run.projects.locations.services.get',
        { name: 'projects/p/locations/us-central1/services/hello' },
      ],
      [
        'PATCH',
        SERVICE,
        'run.projects.locations.services.patch',
        { name: 'projects/p/locations/us-central1/services/hello' },
      ],
      [
        'GET',
        `${SERVICE}:getIamPolicy`,
        'run.projects.locations.services.getIamPolicy',
        { resource: 'projects/p/locations/us-central1/services/hello' },
      ],
      [
        'POST',
        `${SERVICE}:testIamPermissions`,
        'run.projects.locations.services.testIamPermissions',
        { resource: 'projects/p/locations/us-central1/services/hello' },
      ],
      [
        'GET',
        `${SERVICE}/revisions`,
        'run.projects.locations.services.revisions.list',
        { parent: 'projects/p/locations/us-central1/services/hello' },
      ],
      [
        'GET',
        '/v2/projects/p/locations/l/operations/abc?',
        'run.projects.locations.operations.get',
        { name: 'projects/p/locations/l/operations/abc' },
      ],
    ];
    for (const [httpMethod, url, id, params] of cases) {
      const result = validator.validate({ api: 'run.v2', httpMethod, url, body: undefined });
      assert.ok(result.ok, `${httpMethod} ${url}`);
      assert.equal(result.request.method.id, id);
      assert.deepEqual(result.request.params, params);
    }
    const email = validator.validate({
      api: 'iamcredentials.v1',
      httpMethod: 'POST',
      url: '/v1/projects/-/serviceAccounts/a%40p.iam.gserviceaccount.com:generateAccessToken',
      body: { scope: ['https://www.googleapis.com/auth/cloud-platform'], lifetime: '600s' },
    });
    assert.ok(email.ok);
    assert.equal(email.request.params.name, 'projects/-/serviceAccounts/a@p.iam.gserviceaccount.com');
  });

  it('answers 404 for malformed resource names and unbound methods, like an unmatched URL', () => {
    for (const [httpMethod, url] of [
      ['GET', '/v2/projects/p/services/hello'],
      ['GET', '/v2/projects/p/locations/us-central1/services/'],
      ['PUT', SERVICE],
      ['GET', `${SERVICE}/extra/segments`],
    ] as const) {
      const error = rejection(validator.validate({ api: 'run.v2', httpMethod, url, body: undefined }));
      assert.equal(error.status, 'NOT_FOUND', `${httpMethod} ${url}`);
      assert.equal(error.httpStatus, 404);
    }
  });
});

describe('query parameters', () => {
  it('accepts declared parameters in camelCase or snake_case, and the system parameters clients send', () => {
    const ok = validator.validate({
      api: 'run.v2',
      httpMethod: 'PATCH',
      url: `${SERVICE}?update_mask=template,traffic&allowMissing=true&validateOnly=false&%24alt=json%3Benum-encoding%3Dint&prettyPrint=false&fields=name`,
      body: minimal,
    });
    assert.ok(ok.ok);
    assert.deepEqual(ok.request.query.get('updateMask'), ['template,traffic']);
    assert.deepEqual(ok.request.query.get('allowMissing'), ['true']);
  });

  it('rejects an unknown parameter with the binding wording', () => {
    const error = rejection(create(minimal, 'serviceId=hello&serviceID=x'));
    assert.equal(error.status, 'INVALID_ARGUMENT');
    assert.equal(
      error.message,
      `Invalid JSON payload received. Unknown name "serviceID": Cannot bind query parameter. Field 'serviceID' could not be found in request message.`,
    );
  });

  it('rejects values that do not parse as the parameter type', () => {
    assert.equal(
      rejection(create(minimal, 'serviceId=hello&validateOnly=yes')).message,
      `Invalid value at 'validate_only' (TYPE_BOOL), "yes"`,
    );
    const list = validator.validate({
      api: 'run.v2',
      httpMethod: 'GET',
      url: `${PARENT}?pageSize=ten`,
      body: undefined,
    });
    assert.equal(rejection(list).message, `Invalid value at 'page_size' (TYPE_INT32), "ten"`);
  });
});

describe('JSON bodies', () => {
  it('names an unknown field with its proto path, nested or at the root', () => {
    const nested = rejection(create({ template: { containers: [{ imagee: 'x' }] } }));
    assert.equal(nested.httpStatus, 400);
    assert.equal(
      nested.message,
      `Invalid JSON payload received. Unknown name "imagee" at 'service.template.containers[0]': Cannot find field.`,
    );
    assert.deepEqual(nested.details, [
      {
        '@type': 'type.googleapis.com/google.rpc.BadRequest',
        fieldViolations: [{ field: 'service.template.containers[0]', description: nested.message }],
      },
    ]);
    const root = rejection(
      validator.validate({
        api: 'run.v2',
        httpMethod: 'POST',
        url: `${SERVICE}:testIamPermissions`,
        body: { permission: ['a.b.c'] },
      }),
    );
    assert.equal(
      root.message,
      'Invalid JSON payload received. Unknown name "permission": Cannot find field.',
    );
  });

  it('reports every problem, one line each', () => {
    const error = rejection(create({ templat: {}, description: 5 }));
    assert.deepEqual(error.message.split('\n'), [
      `Invalid JSON payload received. Unknown name "templat" at 'service': Cannot find field.`,
      `Invalid value at 'service.description' (TYPE_STRING), 5`,
    ]);
  });

  it('checks scalar types as proto3 JSON does (int64 strings, int32 range, durations, bytes)', () => {
    const template = (extra: Record<string, unknown>) => ({ template: { ...minimal.template, ...extra } });
    assert.ok(create(template({ maxInstanceRequestConcurrency: '80', timeout: '300s' })).ok);
    assert.equal(
      rejection(create(template({ scaling: { minInstanceCount: 'one' } }))).message,
      `Invalid value at 'service.template.scaling.min_instance_count' (TYPE_INT32), "one"`,
    );
    assert.equal(
      rejection(create(template({ maxInstanceRequestConcurrency: 2 ** 31 }))).message,
      `Invalid value at 'service.template.max_instance_request_concurrency' (TYPE_INT32), 2147483648`,
    );
    assert.equal(
      rejection(create(template({ timeout: '5m' }))).message,
      `Invalid value at 'service.template.timeout' (type.googleapis.com/google.protobuf.Duration), "5m"`,
    );
    const policy = (etag: unknown) =>
      validator.validate({
        api: 'run.v2',
        httpMethod: 'POST',
        url: `${SERVICE}:setIamPolicy`,
        body: { policy: { etag } },
      });
    assert.ok(policy('BwXhqDa9DmA=').ok);
    assert.equal(
      rejection(policy('not base64!')).message,
      `Invalid value at 'policy.etag' (TYPE_BYTES), "not base64!"`,
    );
  });

  it('takes enums as names or proto numbers, never list positions', () => {
    assert.ok(create({ ...minimal, ingress: 'INGRESS_TRAFFIC_INTERNAL_ONLY', launchStage: 4 }).ok);
    assert.equal(
      rejection(create({ ...minimal, launchStage: 8 })).message,
      `Invalid value at 'service.launch_stage' (type.googleapis.com/google.api.LaunchStage), 8`,
    );
    assert.equal(
      rejection(create({ ...minimal, ingress: 'INGRESS_TRAFFIC_PUBLIC' })).message,
      `Invalid value at 'service.ingress' (type.googleapis.com/google.cloud.run.v2.IngressTraffic), "INGRESS_TRAFFIC_PUBLIC"`,
    );
  });

  it('rejects wrong shapes: objects on scalars, lists on singular fields, scalars on messages', () => {
    assert.equal(
      rejection(create({ ...minimal, description: { text: 'x' } })).message,
      `Invalid value at 'service' (description), Starting an object on a scalar field`,
    );
    assert.equal(
      rejection(create({ ...minimal, scaling: [] })).message,
      `Invalid JSON payload received. Unknown name "scaling" at 'service': Proto field is not repeating, cannot start list.`,
    );
    assert.equal(
      rejection(create({ template: 'hello' })).message,
      `Invalid value at 'service.template' (type.googleapis.com/google.cloud.run.v2.RevisionTemplate), "hello"`,
    );
    assert.equal(
      rejection(create([minimal])).message,
      'Invalid JSON payload received. Root element must be a message.',
    );
  });

  it('accepts a fetched service sent back: output-only fields, proto3 defaults, nulls and newer proto fields', () => {
    const fetched = {
      name: 'projects/p/locations/us-central1/services/hello',
      uid: 'abc',
      generation: '2',
      createTime: '2025-01-01T00:00:00.123456Z',
      terminalCondition: { type: 'Ready', state: 4, lastTransitionTime: '2025-01-01T00:00:00Z' },
      conditions: [],
      labels: {},
      annotations: {},
      description: '',
      ingress: 1,
      launchStage: 0,
      traffic: [{ type: 1, revision: '', percent: 100, tag: '' }],
      trafficStatuses: [{ type: 'TRAFFIC_TARGET_ALLOCATION_TYPE_LATEST', percent: 100, uri: '' }],
      template: {
        revision: '',
        executionEnvironment: 0,
        serviceMesh: null,
        containers: [
          { image: 'x', readinessProbe: { periodSeconds: 10 }, resources: { startupCpuBoost: false } },
        ],
      },
      iapEnabled: false,
      threatDetectionEnabled: false,
      reconciling: false,
      etag: '"abc"',
    };
    const result = validator.validate({ api: 'run.v2', httpMethod: 'PATCH', url: SERVICE, body: fetched });
    assert.ok(result.ok, result.ok ? '' : result.error.message);
  });

  it('accepts snake_case field names and the request fields real clients send beyond the public description', () => {
    const sts = validator.validate({
      api: 'sts.v1',
      httpMethod: 'POST',
      url: '/v1/token',
      body: {
        grant_type: 'urn:ietf:params:oauth:grant-type:token-exchange',
        subject_token_type: 'urn:ietf:params:oauth:token-type:jwt',
      },
    });
    assert.ok(sts.ok);
    const idToken = validator.validate({
      api: 'iamcredentials.v1',
      httpMethod: 'POST',
      url: '/v1/projects/-/serviceAccounts/a@p.iam.gserviceaccount.com:generateIdToken',
      body: { delegates: [], audience: 'https://x', includeEmail: true, useEmailAzp: true },
    });
    assert.ok(idToken.ok);
  });

  it('compiles all six descriptions fast enough for a quick emulator start', () => {
    const start = performance.now();
    const fresh = createValidator();
    for (const api of [
      'run.v2',
      'iamcredentials.v1',
      'sts.v1',
      'iam.v1',
      'cloudresourcemanager.v1',
      'cloudresourcemanager.v3',
    ] as const) {
      fresh.api(api);
    }
    assert.ok(performance.now() - start < 1500, 'compiling the API descriptions took too long');
  });
});
