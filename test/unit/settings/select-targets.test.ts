/**
 * The `service` and `region` inputs select several services and regions of the policy: every
 * accepted selection (targets in policy order, regions in each service's order) and every refusal
 * with its message, place and remedy.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { inputVariable } from '../../../src/settings/inputs.ts';
import { loadSettings } from '../../../src/settings/load.ts';
import { SettingsError } from '../../../src/settings/problems.ts';
import type { Settings } from '../../../src/settings/types.ts';

const ROOT = join(import.meta.dirname, '../../..');
const MONOREPO = readFileSync(join(ROOT, 'test/fixtures/policies/valid/monorepo.yml'), 'utf8');
const HELLO = readFileSync(join(ROOT, 'examples/policies/hello.yml'), 'utf8');
const POLICY = '/repo/.github/cloud-run.yml';
/** In every repository of the monorepo policy (`…/monorepo` and `…/monorepo/web`). */
const IMAGE = 'us-docker.pkg.dev/demo-project/monorepo/web:v1';
/** In `…/monorepo` only, not in web's `…/monorepo/web`. */
const API_IMAGE = 'us-docker.pkg.dev/demo-project/monorepo/api:v1';
/** The monorepo policy whose third service is named `all`. */
const NAMED_ALL = MONOREPO.replace('  - name: web\n', '  - name: all\n');
const NO_POLICY = {
  project_id: 'demo-project',
  project_number: '123456789012',
  workload_identity_provider:
    'projects/123456789012/locations/global/workloadIdentityPools/github/providers/github',
  service_account: 'deployer@demo-project.iam.gserviceaccount.com',
  image: IMAGE,
};

type Inputs = Readonly<Record<string, string>>;

function load(inputs: Inputs, policy: string | undefined): Settings {
  const env = Object.fromEntries(Object.entries(inputs).map(([name, value]) => [inputVariable(name), value]));
  return loadSettings(env, (path) => (path === POLICY ? policy : undefined), '/repo');
}

function targets(settings: Settings): string[] {
  return settings.targets.map((target) => `${target.service.name}/${target.region}`);
}

interface Found {
  readonly place: string;
  readonly message: string;
  readonly remedy: string;
}

function problems(inputs: Inputs, policy: string | undefined): Found[] {
  try {
    load(inputs, policy);
  } catch (error) {
    assert.ok(error instanceof SettingsError, String(error));
    return error.problems.map((problem) => ({
      place:
        problem.place?.kind === 'input'
          ? `input:${problem.place.name}`
          : `${problem.place?.file}:${problem.place?.line}:${problem.place?.column}`,
      message: problem.message,
      remedy: problem.remedy ?? '',
    }));
  }
  return assert.fail('the settings were accepted');
}

describe('selections that load', () => {
  const cases: readonly {
    readonly name: string;
    readonly inputs: Inputs;
    readonly policy?: string;
    readonly targets: readonly string[];
  }[] = [
    {
      name: 'all: every service in policy order, each in its regions in the order it lists them',
      inputs: { service: 'all' },
      targets: [
        'api/us-central1',
        'api/europe-west1',
        'worker/europe-west1',
        'worker/us-central1',
        'web/asia-northeast1',
      ],
    },
    {
      name: 'a list, in any order and with spaces, comes out in policy order',
      inputs: { service: ' web ,api ' },
      targets: ['api/us-central1', 'api/europe-west1', 'web/asia-northeast1'],
    },
    {
      name: 'one name from several services',
      inputs: { service: 'worker' },
      targets: ['worker/europe-west1', 'worker/us-central1'],
    },
    {
      name: 'a region list applies to every selected service, each keeping its own order',
      inputs: { service: 'api, worker', region: 'europe-west1, us-central1' },
      targets: ['api/us-central1', 'api/europe-west1', 'worker/europe-west1', 'worker/us-central1'],
    },
    {
      name: 'each selected service gets the listed regions it has',
      inputs: { service: 'all', region: 'europe-west1,asia-northeast1' },
      targets: ['api/europe-west1', 'worker/europe-west1', 'web/asia-northeast1'],
    },
    {
      name: 'one region for several services',
      inputs: { service: 'api,worker', region: 'us-central1' },
      targets: ['api/us-central1', 'worker/us-central1'],
    },
    {
      name: 'a service named all is selected by its name, not as every service',
      inputs: { service: 'all' },
      policy: NAMED_ALL,
      targets: ['all/asia-northeast1'],
    },
    {
      name: 'a policy with one service needs no service input',
      inputs: { region: 'us-central1', image: 'us-docker.pkg.dev/demo-project/apps/hello:v1' },
      policy: HELLO,
      targets: ['hello/us-central1'],
    },
  ];
  for (const { name, inputs, policy, targets: expected } of cases) {
    test(name, () => {
      assert.deepEqual(targets(load({ image: IMAGE, ...inputs }, policy ?? MONOREPO)), expected);
    });
  }

  test('without a policy: one service and one region, as before', () => {
    assert.deepEqual(targets(load({ ...NO_POLICY, service: 'hello', region: 'us-central1' }, undefined)), [
      'hello/us-central1',
    ]);
  });

  test('one image for every selected service; each service keeps its own settings', () => {
    const settings = load({ image: IMAGE, service: 'all' }, MONOREPO);
    assert.equal(settings.image, IMAGE);
    const byName = new Map(settings.targets.map((target) => [target.service.name, target.service]));
    assert.equal(byName.get('api')?.public, true);
    assert.equal(byName.get('worker')?.public, false);
    assert.equal(byName.get('web')?.imageRepository, 'us-docker.pkg.dev/demo-project/monorepo/web');
  });

  test('the canary is per service; the run names no tag when only some services run one', () => {
    const both = load({ image: IMAGE, service: 'api, worker' }, MONOREPO);
    assert.deepEqual(
      both.targets.map((target) => [target.service.name, target.service.canary?.steps]),
      [
        ['api', [10, 100]],
        ['api', [10, 100]],
        ['worker', undefined],
        ['worker', undefined],
      ],
    );
    assert.deepEqual(both.release, { kind: 'deploy', traffic: 'all', tag: undefined, firstDeploy: 'fail' });
    // Alone, the canary service keeps its default tag, as a one-service run always did.
    const api = load({ image: IMAGE, service: 'api' }, MONOREPO);
    assert.deepEqual(api.release, { kind: 'deploy', traffic: 'all', tag: 'canary', firstDeploy: 'fail' });
  });

  test('canary inputs apply when one selected service runs a canary, to that one only', () => {
    const settings = load({ image: IMAGE, service: 'api, worker', canary_wait: '30s' }, MONOREPO);
    assert.deepEqual(
      settings.targets.map((target) => [target.service.name, target.service.canary?.waitSeconds]),
      [
        ['api', 30],
        ['api', 30],
        ['worker', undefined],
        ['worker', undefined],
      ],
    );
  });

  test('an explicit tag and a promotion are one release for every service', () => {
    const preview = load({ image: IMAGE, service: 'all', traffic: 'none', tag: 'pr-7' }, MONOREPO);
    assert.deepEqual(preview.release, { kind: 'deploy', traffic: 'none', tag: 'pr-7', firstDeploy: 'fail' });
    assert.ok(preview.targets.every((target) => target.service.canary === undefined));
    const promote = load({ service: 'all', promote_to: 'tag:pr-7' }, MONOREPO);
    assert.deepEqual(promote.release, { kind: 'promote', to: { tag: 'pr-7' } });
    assert.equal(promote.targets.length, 5);
  });
});

describe('selections that are refused', () => {
  const SERVICE_LINE = /\.github\/cloud-run\.yml:\d+:\d+/.source;
  const cases: readonly {
    readonly name: string;
    readonly inputs: Inputs;
    readonly policy: string | undefined;
    readonly expected: readonly { place: string; message: RegExp; remedy: RegExp }[];
  }[] = [
    {
      name: 'several services and no service input',
      inputs: { image: IMAGE },
      policy: MONOREPO,
      expected: [
        {
          place: 'input:service',
          message:
            /^input 'service': is required: the policy \.github\/cloud-run\.yml declares several services$/,
          remedy:
            /^Set service to one of: api, worker, web; several of them, comma-separated; or all for every service\.$/,
        },
      ],
    },
    {
      name: 'each undeclared name of a list, with the declared names',
      inputs: { image: IMAGE, service: 'api, nope, other' },
      policy: MONOREPO,
      expected: ['nope', 'other'].map((unknown) => ({
        place: 'input:service',
        message: new RegExp(
          `^input 'service': '${unknown}' is not declared in the policy \\.github/cloud-run\\.yml$`,
        ),
        remedy:
          /one of: api, worker, web; several of them, comma-separated; or all for every service; or declare it under services\.$/,
      })),
    },
    {
      name: 'all combined with names is a name like any other',
      inputs: { image: IMAGE, service: 'all, api' },
      policy: MONOREPO,
      expected: [
        {
          place: 'input:service',
          message: /'all' is not declared in the policy/,
          remedy: /or all for every service/,
        },
      ],
    },
    {
      name: 'a service listed twice',
      inputs: { image: IMAGE, service: 'api, worker, api' },
      policy: MONOREPO,
      expected: [
        {
          place: 'input:service',
          message: /^input 'service': lists "api" twice$/,
          remedy: /List each service name once/,
        },
      ],
    },
    {
      name: 'an empty item in the service list',
      inputs: { image: IMAGE, service: 'api,,worker' },
      policy: MONOREPO,
      expected: [
        {
          place: 'input:service',
          message: /^input 'service': "api,,worker" has an empty item$/,
          remedy: /single commas, e.g\. api, worker/,
        },
      ],
    },
    {
      name: 'a trailing comma',
      inputs: { image: IMAGE, service: 'api,' },
      policy: MONOREPO,
      expected: [{ place: 'input:service', message: /has an empty item/, remedy: /trailing/ }],
    },
    {
      name: 'an invalid name in a list',
      inputs: { image: IMAGE, service: 'api, Worker' },
      policy: MONOREPO,
      expected: [
        {
          place: 'input:service',
          message: /^input 'service': "Worker" is not a valid Cloud Run service name$/,
          remedy: /Lowercase letters/,
        },
      ],
    },
    {
      name: 'a region listed twice',
      inputs: { image: IMAGE, service: 'api', region: 'us-central1, us-central1' },
      policy: MONOREPO,
      expected: [
        { place: 'input:region', message: /lists "us-central1" twice/, remedy: /List each region once/ },
      ],
    },
    {
      name: 'an invalid region in a list',
      inputs: { image: IMAGE, service: 'api', region: 'us-central1, us-central1-a' },
      policy: MONOREPO,
      expected: [
        {
          place: 'input:region',
          message: /"us-central1-a" is not a valid Cloud Run region/,
          remedy: /not a zone/,
        },
      ],
    },
    {
      name: 'a listed region that no selected service has',
      inputs: { image: IMAGE, service: 'api, worker', region: 'us-central1, asia-northeast1' },
      policy: MONOREPO,
      expected: [
        {
          place: 'input:region',
          message:
            /^input 'region': 'asia-northeast1' is not a region of any selected service \(api: us-central1, europe-west1; worker: europe-west1, us-central1\)$/,
          remedy: /regions of the selected services .* or leave it empty/,
        },
      ],
    },
    {
      name: 'a selected service left with no region, named with its regions and policy line',
      inputs: { image: IMAGE, service: 'all', region: 'us-central1' },
      policy: MONOREPO,
      expected: [
        {
          place: 'input:region',
          message: new RegExp(
            `^input 'region': selects none of the regions of service 'web' \\(asia-northeast1, declared at ${SERVICE_LINE}\\)$`,
          ),
          remedy: /Add one of its regions to region, leave region empty .* or leave web out of service\./,
        },
      ],
    },
    {
      name: 'one service: a region it lacks keeps the single-service message',
      inputs: { image: IMAGE, service: 'api', region: 'us-central1, europe-west4' },
      policy: MONOREPO,
      expected: [
        {
          place: 'input:region',
          message: new RegExp(
            `^input 'region': 'europe-west4' is not a region of service 'api' in the policy \\(${SERVICE_LINE}\\)$`,
          ),
          remedy: /^Set region to one of: us-central1, europe-west1, or leave it empty/,
        },
      ],
    },
    {
      name: "the image outside one selected service's repository, naming it and its policy line",
      inputs: { image: API_IMAGE, service: 'all' },
      policy: MONOREPO,
      expected: [
        {
          place: 'input:image',
          message: new RegExp(
            `is not in the repository 'us-docker\\.pkg\\.dev/demo-project/monorepo/web' that the policy allows for service 'web' \\(${SERVICE_LINE}\\)$`,
          ),
          remedy: /Build and push the image to us-docker\.pkg\.dev\/demo-project\/monorepo\/web/,
        },
      ],
    },
    {
      name: 'a revision of one service cannot be promoted in another',
      inputs: { service: 'api, worker', region: 'us-central1', promote_to: 'revision:api-00002-abc' },
      policy: MONOREPO,
      expected: [
        {
          place: 'input:promote_to',
          message: /'api-00002-abc' is not a revision of service 'worker'/,
          remedy: /gcloud run revisions list --service worker/,
        },
      ],
    },
    {
      name: 'a problem every selected service shares is reported once',
      inputs: { image: IMAGE, service: 'all', traffic: 'none' },
      policy: MONOREPO,
      expected: [{ place: 'input:tag', message: /is required with traffic: none/, remedy: /Set tag/ }],
    },
    {
      name: 'canary inputs when no selected service runs a canary',
      inputs: { image: IMAGE, service: 'worker', canary_wait: '30s' },
      policy: MONOREPO,
      expected: [
        {
          place: 'input:canary_wait',
          message: /has no effect: no canary runs for service 'worker'/,
          remedy: /Remove the input/,
        },
      ],
    },
    {
      name: 'without a policy, a list of services',
      inputs: { ...NO_POLICY, service: 'hello, world', region: 'us-central1' },
      policy: undefined,
      expected: [
        {
          place: 'input:service',
          message:
            /^input 'service': "hello, world" selects several services \(or all\), which needs a policy file \(none at \.github\/cloud-run\.yml or the policy input\)$/,
          remedy:
            /^Set service to one service, or add a policy file that declares the services and their regions\.$/,
        },
      ],
    },
    {
      name: 'without a policy, all',
      inputs: { ...NO_POLICY, service: 'all', region: 'us-central1' },
      policy: undefined,
      expected: [
        {
          place: 'input:service',
          message: /"all" selects .*which needs a policy file/,
          remedy: /one service/,
        },
      ],
    },
    {
      name: 'without a policy, a list of regions',
      inputs: { ...NO_POLICY, service: 'hello', region: 'us-central1,europe-west1' },
      policy: undefined,
      expected: [
        {
          place: 'input:region',
          message: /"us-central1, europe-west1" selects several regions, which needs a policy file/,
          remedy: /^Set region to one region, or add a policy file that declares the service's regions\.$/,
        },
      ],
    },
  ];
  for (const { name, inputs, policy, expected } of cases) {
    test(name, () => {
      const found = problems(inputs, policy);
      assert.equal(found.length, expected.length, JSON.stringify(found, null, 2));
      for (const [i, want] of expected.entries()) {
        const got = found[i];
        assert.equal(got?.place, want.place);
        assert.match(got?.message ?? '', want.message);
        assert.match(got?.remedy ?? '', want.remedy);
      }
    });
  }
});
