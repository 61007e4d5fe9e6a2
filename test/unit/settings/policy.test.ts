import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { Ajv } from 'ajv';
import { parse } from 'yaml';
import schema from '../../../schema/policy.v1.json' with { type: 'json' };
import { MAX_POLICY_BYTES } from '../../../src/settings/limits.ts';
import { parsePolicy } from '../../../src/settings/policy.ts';
import { SettingsError } from '../../../src/settings/problems.ts';

const ROOT = join(import.meta.dirname, '../../..');
const VALID = ['test/fixtures/policies/valid', 'examples/policies'].flatMap((directory) =>
  readdirSync(join(ROOT, directory))
    .filter((name) => name.endsWith('.yml'))
    .map((name) => `${directory}/${name}`),
);

const HEAD = `version: 1
project: { id: demo-project, number: "123456789012" }
deployer:
  workload_identity_provider: projects/123456789012/locations/global/workloadIdentityPools/github/providers/github
  service_account: deployer@demo-project.iam.gserviceaccount.com
services:
  - name: hello
    regions: [us-central1]
`;

function problemsOf(text: string): string[] {
  try {
    parsePolicy(text, 'p.yml');
  } catch (error) {
    assert.ok(error instanceof SettingsError);
    return error.problems.map((problem) => problem.message);
  }
  return assert.fail('the policy was accepted');
}

test('the published schema is a valid draft-07 schema', () => {
  const ajv = new Ajv({ strict: true, allowUnionTypes: true });
  assert.equal(ajv.validateSchema(schema), true, JSON.stringify(ajv.errors));
});

for (const file of VALID) {
  test(`valid: ${file} parses and matches the published schema as an editor sees it`, () => {
    const text = readFileSync(join(ROOT, file), 'utf8');
    assert.doesNotThrow(() => parsePolicy(text, file));
    // An independent validator without our format code: what editors and other tools check.
    const ajv = new Ajv({
      strict: true,
      allowUnionTypes: true,
      allErrors: true,
      formats: { 'service-account-email': true, 'iam-member': true },
    });
    const validate = ajv.compile(schema);
    assert.equal(validate(parse(text)), true, JSON.stringify(validate.errors));
  });
}

test('the valid corpus has at least 5 files', () => {
  assert.ok(VALID.length >= 5);
});

test('full.yml becomes the typed policy, every field mapped', () => {
  const file = 'test/fixtures/policies/valid/full.yml';
  const policy = parsePolicy(readFileSync(join(ROOT, file), 'utf8'), file);
  assert.deepEqual(policy.projectId, { value: 'demo-project', span: { file, line: 3, column: 16 } });
  assert.equal(policy.projectNumber.value, '123456789012');
  assert.equal(policy.serviceAccount.value, 'deployer@demo-project.iam.gserviceaccount.com');
  assert.equal(policy.planServiceAccount, 'planner@demo-project.iam.gserviceaccount.com');
  assert.deepEqual(policy.tokenLifetimeSeconds, { value: 600, span: { file, line: 8, column: 19 } });
  assert.deepEqual(policy.allowedRoles, [
    'projects/demo-project/roles/cloudRunDeployer',
    'roles/iam.serviceAccountUser',
  ]);
  assert.equal(policy.excessPermissions?.value, 'fail');
  assert.deepEqual(policy.allow, {
    repositories: ['acme/hello'],
    refs: ['refs/heads/main', 'refs/tags/v*'],
    environments: ['production'],
    events: ['push', 'workflow_dispatch'],
  });
  assert.deepEqual(policy.planAllow, {
    repositories: ['acme/hello'],
    refs: ['refs/pull/*/merge'],
    environments: undefined,
    events: ['pull_request'],
  });
  const [service] = policy.services;
  assert.ok(service);
  assert.deepEqual(service.imageRepositorySpan, { file, line: 21, column: 23 });
  assert.deepEqual(
    {
      ...service.settings,
      env: { ...service.settings.env },
      labels: { ...service.settings.labels },
      secrets: { ...service.settings.secrets },
    },
    {
      name: 'hello',
      regions: ['us-central1'],
      runtimeServiceAccount: 'runtime@demo-project.iam.gserviceaccount.com',
      imageRepository: 'us-docker.pkg.dev/demo-project/apps/hello',
      port: 8080,
      env: { LOG_LEVEL: 'info' },
      secrets: { DB_PASSWORD: { secret: 'db-password', version: 'latest' } },
      cpu: '1',
      memory: '512Mi',
      concurrency: 80,
      timeoutSeconds: 300,
      minInstances: 0,
      maxInstances: 10,
      ingress: 'all',
      labels: { team: 'web' },
      public: false,
      invokers: [
        'serviceAccount:caller@demo-project.iam.gserviceaccount.com',
        'serviceAccount:deployer@demo-project.iam.gserviceaccount.com',
      ],
      canary: {
        steps: [5, 25, 100],
        waitSeconds: 120,
        healthCheck: { path: '/healthz?deep=1', requests: 20, successRatio: 0.95, timeoutSeconds: 3 },
      },
      span: { file, line: 18, column: 5 },
    },
  );
  assert.deepEqual(service.invokersSpan, { file, line: 34, column: 5 });
  assert.ok(
    Object.isFrozen(service.settings.canary) && Object.isFrozen(service.settings.canary?.healthCheck),
  );
  assert.ok(
    Object.isFrozen(service.settings) &&
      Object.isFrozen(service.settings.env) &&
      Object.isFrozen(service.settings.regions),
  );
});

test('omitted settings stay undefined; invokers are unmanaged without the key', () => {
  const [service] = parsePolicy(HEAD, 'p.yml').services;
  assert.ok(service);
  const { settings } = service;
  assert.equal(settings.invokers, undefined);
  assert.equal(settings.public, false);
  assert.equal(settings.port, undefined);
  assert.equal(settings.timeoutSeconds, undefined);
  assert.deepEqual(Object.keys(settings.env), []);
  const policy = parsePolicy(HEAD, 'p.yml');
  assert.equal(policy.tokenLifetimeSeconds, undefined);
  assert.equal(policy.excessPermissions, undefined);
  assert.equal(policy.allow, undefined);
  assert.deepEqual(policy.allowedRoles, []);
});

test('numbers: an unquoted project number, cpu and secret version become strings', () => {
  const policy = parsePolicy(
    readFileSync(join(ROOT, 'test/fixtures/policies/valid/multi-service.yml'), 'utf8'),
    'm.yml',
  );
  assert.equal(policy.projectNumber.value, '987654321098');
  assert.equal(policy.services[0]?.settings.cpu, '2');
  assert.deepEqual(
    { ...policy.services[0]?.settings.secrets },
    { STRIPE_KEY: { secret: 'projects/shop-secrets-01/secrets/stripe-key', version: '3' } },
  );
  assert.equal(policy.services[0]?.settings.timeoutSeconds, 3600);
  assert.deepEqual(policy.services[0]?.settings.invokers, []);
});

test('a project number too large for exact integers must be quoted', () => {
  const problems = problemsOf(HEAD.replace('"123456789012"', '12345678901234567890'));
  assert.match(problems[0] ?? '', /^p\.yml:2:38: project\.number must be <= 9007199254740991/);
});

test('aliases expand to the same values, with the anchor positions', () => {
  const policy = parsePolicy(
    readFileSync(join(ROOT, 'test/fixtures/policies/valid/anchors-and-unicode.yml'), 'utf8'),
    'a.yml',
  );
  assert.deepEqual({ ...policy.services[1]?.settings.env }, { ...policy.services[0]?.settings.env });
  assert.equal(policy.services[1]?.settings.labels.équipe, 'données');
});

test('__proto__ and constructor as data keys pollute nothing', () => {
  const text = `${HEAD}    env:\n      __proto__: "x"\n      constructor: "y"\n    labels: { constructor: z }\n`;
  const env = parsePolicy(text, 'p.yml').services[0]?.settings.env;
  assert.ok(env);
  assert.equal(Object.getPrototypeOf(env), null);
  assert.deepEqual(Object.entries(env), [
    ['__proto__', 'x'],
    ['constructor', 'y'],
  ]);
  assert.equal(({} as Record<string, unknown>).x, undefined);
  assert.equal(Object.prototype.toString.call({}), '[object Object]');
  const top = problemsOf(`__proto__: { polluted: true }\n${HEAD}`);
  assert.ok(top.some((message) => message.includes('unknown key "__proto__"')));
  assert.equal(({} as Record<string, unknown>).polluted, undefined);
});

test('every problem of a file is reported, in file order', () => {
  const text =
    HEAD.replace('version: 1', 'version: 3').replace('name: hello', 'name: Hello') +
    '    port: "80"\n    bogus: 1\n';
  const problems = problemsOf(text);
  assert.deepEqual(
    problems.map((message) => message.split(': ')[0]),
    ['p.yml:1:10', 'p.yml:7:11', 'p.yml:9:11', 'p.yml:10:5'],
  );
});

test('a file over the size limit is refused before parsing', () => {
  const problems = problemsOf(`${HEAD}# ${'x'.repeat(MAX_POLICY_BYTES)}\n`);
  assert.equal(problems.length, 1);
  assert.match(problems[0] ?? '', /^p\.yml:1:1: the policy file is \d+ bytes, more than the limit/);
});

test('semantic checks skip values the schema already rejected (one problem per value)', () => {
  assert.deepEqual(problemsOf(`${HEAD}    timeout: forever\n`).length, 1);
  assert.deepEqual(problemsOf(`${HEAD}    public: "true"\n    invokers: [allUsers]\n`).length, 1);
});

test('cpu and memory pairings follow Cloud Run', () => {
  assert.doesNotThrow(() => parsePolicy(`${HEAD}    cpu: "4"\n    memory: 2Gi\n`, 'p.yml'));
  assert.match(
    problemsOf(`${HEAD}    cpu: "4"\n    memory: 1Gi\n`)[0] ?? '',
    /cpu '4' needs at least 2Gi of memory/,
  );
  assert.doesNotThrow(() => parsePolicy(`${HEAD}    cpu: 0.5\n    concurrency: 1\n`, 'p.yml'));
  assert.match(problemsOf(`${HEAD}    cpu: "0.05"\n    concurrency: 1\n`)[0] ?? '', /not a CPU amount/);
});
