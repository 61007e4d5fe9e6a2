import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { inputVariable } from '../../../src/settings/inputs.ts';
import { MAX_POLICY_BYTES } from '../../../src/settings/limits.ts';
import { loadSettings, type ReadFile, readPolicyFile } from '../../../src/settings/load.ts';
import { SettingsError } from '../../../src/settings/problems.ts';
import type { Settings } from '../../../src/settings/types.ts';

const WORKSPACE = '/repo';
const ROOT = join(import.meta.dirname, '../../..');
const HELLO = readFileSync(join(ROOT, 'examples/policies/hello.yml'), 'utf8');
const IMAGE = 'us-docker.pkg.dev/demo-project/apps/hello:v1';
const PROVIDER = 'projects/123456789012/locations/global/workloadIdentityPools/github/providers/github';
const TWO_SERVICES = `${HELLO}  - name: worker
    regions: [us-east1, europe-west1]
`;

function env(inputs: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(inputs).map(([name, value]) => [inputVariable(name), value]));
}

function files(contents: Record<string, string>): ReadFile {
  return (path) => contents[path];
}

function load(inputs: Record<string, string>, contents: Record<string, string> = {}): Settings {
  return loadSettings(env(inputs), files(contents), WORKSPACE);
}

function problems(
  inputs: Record<string, string>,
  contents: Record<string, string> = {},
): { place: string; message: string }[] {
  try {
    load(inputs, contents);
  } catch (error) {
    assert.ok(error instanceof SettingsError, String(error));
    return error.problems.map((problem) => ({
      place:
        problem.place?.kind === 'input'
          ? `input:${problem.place.name}`
          : `${problem.place?.file}:${problem.place?.line}:${problem.place?.column}`,
      message: problem.message,
    }));
  }
  return assert.fail('settings were accepted');
}

const WITHOUT_POLICY = {
  project_id: 'demo-project',
  project_number: '123456789012',
  workload_identity_provider: PROVIDER,
  service_account: 'deployer@demo-project.iam.gserviceaccount.com',
  service: 'hello',
  region: 'us-central1',
  image: IMAGE,
};

test('without a policy file at the default path, the inputs say everything', () => {
  const settings = load(WITHOUT_POLICY);
  assert.equal(settings.policyFile, undefined);
  assert.equal(settings.mode, 'deploy');
  assert.deepEqual(settings.project, { id: 'demo-project', number: '123456789012' });
  assert.equal(settings.deployer.audience, `https://iam.googleapis.com/${PROVIDER}`);
  assert.equal(settings.deployer.tokenLifetimeSeconds, 600);
  assert.equal(settings.deployer.excessPermissions, 'fail');
  assert.deepEqual(settings.deployer.allowedRoles, []);
  assert.equal(settings.deployer.allow, undefined);
  assert.equal(settings.deployer.planAllow, undefined);
  assert.equal(settings.targets.length, 1);
  assert.equal(settings.targets[0]?.region, 'us-central1');
  assert.equal(settings.targets[0]?.service.name, 'hello');
  assert.equal(settings.targets[0]?.service.invokers, undefined, 'invokers unmanaged');
  assert.equal(settings.image, IMAGE);
  assert.equal(settings.waitTimeoutSeconds, 600);
});

test('without a policy, each missing required input is named', () => {
  assert.deepEqual(
    problems({ image: IMAGE }).map((problem) => problem.place),
    [
      'input:project_id',
      'input:project_number',
      'input:workload_identity_provider',
      'input:service_account',
      'input:service',
      'input:region',
    ],
  );
  assert.match(
    problems({ ...WITHOUT_POLICY, image: '' })[0]?.message ?? '',
    /input 'image': is required when no policy file is used/,
  );
});

test('deployer.plan_allow: who may plan, apart from who may deploy', async (t) => {
  const PLAN_ALLOW = `  plan_allow: # who may plan (impersonate the read-only planner): also pull requests, which cannot deploy
    repositories: [acme/hello]
    refs: [refs/heads/main, "refs/tags/v*", "refs/pull/*/merge"]
    events: [push, workflow_dispatch, pull_request]
`;
  assert.ok(HELLO.includes(PLAN_ALLOW), 'hello.yml declares plan_allow');
  const withoutPlanAllow = HELLO.replace(PLAN_ALLOW, '');
  // [case, policy text, expected planAllow]
  const cases: readonly [string, string, Settings['deployer']['planAllow']][] = [
    [
      'declared: its own rules, allow unchanged',
      HELLO,
      {
        repositories: ['acme/hello'],
        refs: ['refs/heads/main', 'refs/tags/v*', 'refs/pull/*/merge'],
        environments: undefined,
        events: ['push', 'workflow_dispatch', 'pull_request'],
      },
    ],
    ['omitted: undefined (planning then checks allow)', withoutPlanAllow, undefined],
  ];
  for (const [name, text, expected] of cases) {
    await t.test(name, () => {
      for (const mode of ['deploy', 'plan']) {
        const settings = load({ image: IMAGE, mode }, { '/repo/.github/cloud-run.yml': text });
        assert.deepEqual(settings.deployer.planAllow, expected);
        assert.deepEqual(settings.deployer.allow, {
          repositories: ['acme/hello'],
          refs: ['refs/heads/main', 'refs/tags/v*'],
          environments: undefined,
          events: ['push', 'workflow_dispatch'],
        });
      }
    });
  }
});

test('a policy at the default path is read; identity comes from it', () => {
  const settings = load({ image: IMAGE }, { '/repo/.github/cloud-run.yml': HELLO });
  assert.equal(settings.policyFile, '.github/cloud-run.yml');
  assert.equal(settings.deployer.serviceAccount, 'deployer@demo-project.iam.gserviceaccount.com');
  assert.equal(settings.deployer.planServiceAccount, 'planner@demo-project.iam.gserviceaccount.com');
  assert.equal(settings.deployer.workloadIdentityProvider, PROVIDER);
  assert.deepEqual(settings.deployer.allow?.repositories, ['acme/hello']);
  assert.equal(settings.deployer.excessPermissions, 'fail');
  assert.deepEqual(
    settings.targets.map((target) => [target.service.name, target.region]),
    [['hello', 'us-central1']],
  );
  assert.deepEqual(settings.targets[0]?.service.invokers, [
    'serviceAccount:caller@demo-project.iam.gserviceaccount.com',
  ]);
});

test('an explicit policy path must exist; the default path may be missing', () => {
  assert.deepEqual(problems({ ...WITHOUT_POLICY, policy: 'deploy/cloud-run.yml' }), [
    {
      place: 'input:policy',
      message: "input 'policy': 'deploy/cloud-run.yml' does not exist in the workspace",
    },
  ]);
  assert.equal(
    load({ ...WITHOUT_POLICY, policy: 'deploy/p.yml' }, { '/repo/deploy/p.yml': HELLO }).policyFile,
    'deploy/p.yml',
  );
});

test('a policy path outside the workspace is refused', () => {
  assert.equal(problems({ ...WITHOUT_POLICY, policy: '../other/p.yml' })[0]?.place, 'input:policy');
  assert.equal(problems({ ...WITHOUT_POLICY, policy: '/etc/passwd' })[0]?.place, 'input:policy');
});

test('a reader failure is reported against the policy input', () => {
  const failing: ReadFile = () => {
    throw new Error('EACCES: permission denied');
  };
  assert.throws(
    () => loadSettings(env(WITHOUT_POLICY), failing, WORKSPACE),
    (error: unknown) => {
      assert.ok(error instanceof SettingsError);
      assert.match(error.message, /input 'policy': could not read '\.github\/cloud-run\.yml': EACCES/);
      return true;
    },
  );
});

test('a policy that is not UTF-8 is a located problem', () => {
  const settings = () =>
    loadSettings(env({ image: IMAGE }), () => new Uint8Array([0x76, 0xff, 0xfe]), WORKSPACE);
  assert.throws(settings, /\.github\/cloud-run\.yml:1:1: the policy file is not valid UTF-8/);
});

test('input problems and policy problems are reported together', () => {
  const found = problems(
    { mode: 'ship', image: IMAGE },
    { '/repo/.github/cloud-run.yml': HELLO.replace('memory: 512Mi', 'memory: lots') },
  );
  assert.deepEqual(
    found.map((problem) => problem.place),
    ['input:mode', '.github/cloud-run.yml:32:13'],
  );
});

const CONFLICTS: readonly (readonly [string, string, RegExp])[] = [
  [
    'project_id',
    'other-project',
    /"other-project" differs from project\.id "demo-project" pinned by the policy at \.github\/cloud-run\.yml:5:7/,
  ],
  [
    'project_number',
    '999',
    /differs from project\.number "123456789012" pinned by the policy at \.github\/cloud-run\.yml:6:11/,
  ],
  [
    'workload_identity_provider',
    PROVIDER.replace('github/providers', 'other/providers'),
    /differs from deployer\.workload_identity_provider/,
  ],
  [
    'service_account',
    'other@demo-project.iam.gserviceaccount.com',
    /differs from deployer\.service_account .* at \.github\/cloud-run\.yml:9:20/,
  ],
  ['excess_permissions', 'off', /"off" differs from deployer\.excess_permissions "fail"/],
  [
    'token_lifetime',
    '20m',
    /20m is longer than deployer\.token_lifetime 10m at \.github\/cloud-run\.yml:11:19/,
  ],
  ['service', 'other', /'other' is not declared in the policy \.github\/cloud-run\.yml/],
  [
    'region',
    'europe-west1',
    /'europe-west1' is not a region of service 'hello' in the policy \(\.github\/cloud-run\.yml:25:5\)/,
  ],
  [
    'image',
    'us-docker.pkg.dev/demo-project/apps/hello-evil:v1',
    /is not in the repository 'us-docker\.pkg\.dev\/demo-project\/apps\/hello' .*\(\.github\/cloud-run\.yml:28:23\)/,
  ],
  ['image', 'docker.io/library/nginx:1', /is not in the repository/],
];

for (const [name, value, message] of CONFLICTS) {
  test(`with a policy, input ${name}=${value} that contradicts it is an error naming both places`, () => {
    const found = problems({ image: IMAGE, [name]: value }, { '/repo/.github/cloud-run.yml': HELLO });
    assert.equal(found.length, 1, JSON.stringify(found));
    assert.equal(found[0]?.place, `input:${name}`);
    assert.match(found[0]?.message ?? '', message);
  });
}

test('with a policy, inputs equal to pinned values are accepted', () => {
  const settings = load(
    {
      image: IMAGE,
      project_id: 'demo-project',
      project_number: '123456789012',
      service_account: 'deployer@demo-project.iam.gserviceaccount.com',
      excess_permissions: 'fail',
    },
    { '/repo/.github/cloud-run.yml': HELLO },
  );
  assert.equal(settings.project.id, 'demo-project');
});

test('token_lifetime may shorten the policy value, and applies without one', () => {
  const policy = { '/repo/.github/cloud-run.yml': HELLO };
  assert.equal(load({ image: IMAGE, token_lifetime: '6m' }, policy).deployer.tokenLifetimeSeconds, 360);
  assert.equal(load({ image: IMAGE, token_lifetime: '600s' }, policy).deployer.tokenLifetimeSeconds, 600);
  const unpinned = { '/repo/.github/cloud-run.yml': HELLO.replace('  token_lifetime: 10m\n', '') };
  assert.equal(load({ image: IMAGE, token_lifetime: '1h' }, unpinned).deployer.tokenLifetimeSeconds, 3600);
  assert.equal(load({ image: IMAGE }, unpinned).deployer.tokenLifetimeSeconds, 600);
});

test('service and region select among the policy choices', () => {
  const policy = { '/repo/.github/cloud-run.yml': TWO_SERVICES };
  assert.match(
    problems({ image: IMAGE }, policy)[0]?.message ?? '',
    /input 'service': is required: the policy .* declares several services/,
  );
  const worker = load({ image: IMAGE, service: 'worker' }, policy);
  assert.deepEqual(
    worker.targets.map((target) => target.region),
    ['us-east1', 'europe-west1'],
  );
  const one = load({ image: IMAGE, service: 'worker', region: 'europe-west1' }, policy);
  assert.deepEqual(
    one.targets.map((target) => target.region),
    ['europe-west1'],
  );
  const unknown = problems({ image: IMAGE, service: 'worker', region: 'us-central1' }, policy);
  assert.match(unknown[0]?.message ?? '', /'us-central1' is not a region of service 'worker'/);
});

test('the image is required with a policy too', () => {
  assert.deepEqual(
    problems({}, { '/repo/.github/cloud-run.yml': HELLO }).map((problem) => problem.place),
    ['input:image'],
  );
});

test('audience and universe domain: default derived from the provider, input overrides', () => {
  const policy = { '/repo/.github/cloud-run.yml': HELLO };
  assert.equal(
    load({ image: IMAGE, universe_domain: 'example.goog' }, policy).deployer.audience,
    `https://iam.example.goog/${PROVIDER}`,
  );
  assert.equal(load({ image: IMAGE, audience: 'custom' }, policy).deployer.audience, 'custom');
});

test('the settings are frozen', () => {
  const settings = load({ image: IMAGE }, { '/repo/.github/cloud-run.yml': HELLO });
  assert.ok(
    Object.isFrozen(settings) && Object.isFrozen(settings.deployer) && Object.isFrozen(settings.targets),
  );
});

test('readPolicyFile: missing → undefined, content → bytes, a huge file stops one byte past the limit', () => {
  const directory = mkdtempSync(join(tmpdir(), 'settings-'));
  assert.equal(readPolicyFile(join(directory, 'missing.yml')), undefined);
  assert.equal(readPolicyFile(join(directory, 'missing-dir/x.yml')), undefined);
  writeFileSync(join(directory, 'p.yml'), HELLO);
  assert.equal(Buffer.from(readPolicyFile(join(directory, 'p.yml')) ?? []).toString('utf8'), HELLO);
  writeFileSync(join(directory, 'big.yml'), Buffer.alloc(MAX_POLICY_BYTES * 2, 0x61));
  assert.equal(readPolicyFile(join(directory, 'big.yml'))?.length, MAX_POLICY_BYTES + 1);
  mkdirSync(join(directory, 'dir.yml'));
  assert.throws(() => readPolicyFile(join(directory, 'dir.yml')), /EISDIR/);
  assert.throws(
    () => loadSettings(env({ image: IMAGE, policy: 'big.yml' }), readPolicyFile, directory),
    /big\.yml:1:1: the policy file is \d+ bytes, more than the limit/,
  );
});
