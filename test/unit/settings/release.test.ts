/**
 * The release inputs and the policy's canary → `Settings.release`, `Settings.image` and each
 * service's `canary`: every rule, and every error with its message, place and remedy.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { inputVariable, readInputs } from '../../../src/settings/inputs.ts';
import { loadSettings } from '../../../src/settings/load.ts';
import { SettingsError } from '../../../src/settings/problems.ts';
import type { CanarySettings, Settings } from '../../../src/settings/types.ts';

const ROOT = join(import.meta.dirname, '../../..');
const HELLO = readFileSync(join(ROOT, 'examples/policies/hello.yml'), 'utf8');
const CANARY = readFileSync(join(ROOT, 'examples/policies/canary.yml'), 'utf8');
const POLICY = '/repo/.github/cloud-run.yml';
const IMAGE = 'us-docker.pkg.dev/demo-project/apps/hello:v1';
const DEPLOYER = 'serviceAccount:deployer@demo-project.iam.gserviceaccount.com';
const TWO_REGIONS = HELLO.replace('regions: [us-central1]', 'regions: [us-central1, europe-west1]');
const NO_POLICY = {
  project_id: 'demo-project',
  project_number: '123456789012',
  workload_identity_provider:
    'projects/123456789012/locations/global/workloadIdentityPools/github/providers/github',
  service_account: 'deployer@demo-project.iam.gserviceaccount.com',
  service: 'hello',
  region: 'us-central1',
};

type Inputs = Readonly<Record<string, string>>;

function load(inputs: Inputs, policy: string | undefined): Settings {
  const env = Object.fromEntries(Object.entries(inputs).map(([name, value]) => [inputVariable(name), value]));
  return loadSettings(env, (path) => (path === POLICY ? policy : undefined), '/repo');
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

const DEFAULT_HEALTH = { path: '/', requests: 10, successRatio: 1, timeoutSeconds: 5 };
const POLICY_CANARY: CanarySettings = {
  steps: [10, 50, 100],
  waitSeconds: 60,
  healthCheck: { path: '/healthz', requests: 10, successRatio: 0.9, timeoutSeconds: 5 },
};

describe('release settings that load', () => {
  const cases: readonly {
    readonly name: string;
    readonly inputs: Inputs;
    readonly policy: string | undefined;
    readonly release: Settings['release'];
    readonly image?: string | undefined;
    readonly canary?: CanarySettings | undefined;
  }[] = [
    {
      name: 'no release input: a deploy with all traffic, first_deploy fail, no tag, no canary',
      inputs: { image: IMAGE },
      policy: HELLO,
      release: { kind: 'deploy', traffic: 'all', tag: undefined, firstDeploy: 'fail' },
      image: IMAGE,
    },
    {
      name: 'a preview: traffic none with its tag',
      inputs: { image: IMAGE, traffic: 'none', tag: 'pr-7', first_deploy: 'serve' },
      policy: HELLO,
      release: { kind: 'deploy', traffic: 'none', tag: 'pr-7', firstDeploy: 'serve' },
    },
    {
      name: 'a preview of a service with a canary: the canary does not run',
      inputs: { image: IMAGE, traffic: 'none', tag: 'pr-7' },
      policy: CANARY,
      release: { kind: 'deploy', traffic: 'none', tag: 'pr-7', firstDeploy: 'fail' },
      canary: undefined,
    },
    {
      name: "the policy's canary runs by default, tagged canary",
      inputs: { image: IMAGE },
      policy: CANARY,
      release: { kind: 'deploy', traffic: 'all', tag: 'canary', firstDeploy: 'fail' },
      canary: POLICY_CANARY,
    },
    {
      name: 'a tag input names the canary revision instead',
      inputs: { image: IMAGE, tag: 'blue', traffic: 'all' },
      policy: CANARY,
      release: { kind: 'deploy', traffic: 'all', tag: 'blue', firstDeploy: 'fail' },
      canary: POLICY_CANARY,
    },
    {
      name: "canary_steps: none switches the policy's canary off (and its default tag)",
      inputs: { image: IMAGE, canary_steps: 'none' },
      policy: CANARY,
      release: { kind: 'deploy', traffic: 'all', tag: undefined, firstDeploy: 'fail' },
      canary: undefined,
    },
    {
      name: "inputs override the policy's canary field by field",
      inputs: {
        image: IMAGE,
        canary_steps: ' 5, 50 ,100 ',
        canary_wait: '0s',
        health_check_path: '/ready?deep=1',
        health_check_success_ratio: '1',
      },
      policy: CANARY,
      release: { kind: 'deploy', traffic: 'all', tag: 'canary', firstDeploy: 'fail' },
      canary: {
        steps: [5, 50, 100],
        waitSeconds: 0,
        healthCheck: { path: '/ready?deep=1', requests: 10, successRatio: 1, timeoutSeconds: 5 },
      },
    },
    {
      name: 'canary_steps alone starts a canary with the defaults (invokers unmanaged without a policy)',
      inputs: { ...NO_POLICY, image: IMAGE, canary_steps: '20,100', health_check_requests: '3' },
      policy: undefined,
      release: { kind: 'deploy', traffic: 'all', tag: 'canary', firstDeploy: 'fail' },
      canary: { steps: [20, 100], waitSeconds: 60, healthCheck: { ...DEFAULT_HEALTH, requests: 3 } },
    },
    {
      name: 'canary_steps on a private service whose invokers list the deployer',
      inputs: { image: IMAGE, canary_steps: '50,100', health_check_timeout: '1m' },
      policy: HELLO.replace('    invokers:\n', `    invokers:\n      - ${DEPLOYER}\n`),
      release: { kind: 'deploy', traffic: 'all', tag: 'canary', firstDeploy: 'fail' },
      canary: { steps: [50, 100], waitSeconds: 60, healthCheck: { ...DEFAULT_HEALTH, timeoutSeconds: 60 } },
    },
    {
      name: 'canary_steps on a public service needs no deployer among the invokers',
      inputs: { image: IMAGE.replace('/hello:', '/website:'), canary_steps: '100' },
      policy: readFileSync(join(ROOT, 'examples/policies/public-website.yml'), 'utf8'),
      release: { kind: 'deploy', traffic: 'all', tag: 'canary', firstDeploy: 'fail' },
      canary: { steps: [100], waitSeconds: 60, healthCheck: DEFAULT_HEALTH },
    },
    {
      name: 'promote_to tag: no image, no canary',
      inputs: { promote_to: 'tag:pr-7' },
      policy: CANARY,
      release: { kind: 'promote', to: { tag: 'pr-7' } },
      image: undefined,
      canary: undefined,
    },
    {
      name: 'promote_to revision',
      inputs: { promote_to: 'revision:hello-00003-abc' },
      policy: HELLO,
      release: { kind: 'promote', to: { revision: 'hello-00003-abc' } },
    },
    {
      name: 'promote_to deployed, without a policy and without an image',
      inputs: { ...NO_POLICY, promote_to: 'deployed' },
      policy: undefined,
      release: { kind: 'promote', to: { deployed: true } },
      image: undefined,
    },
    {
      name: 'rollback_to previous',
      inputs: { rollback_to: 'previous' },
      policy: CANARY,
      release: { kind: 'rollback', to: { previous: true } },
      image: undefined,
      canary: undefined,
    },
    {
      name: 'rollback_to a full revision name is shortened (project by id or number)',
      inputs: {
        rollback_to: 'projects/123456789012/locations/us-central1/services/hello/revisions/hello-00001-xyz',
      },
      policy: HELLO,
      release: { kind: 'rollback', to: { revision: 'hello-00001-xyz' } },
    },
    {
      name: 'a full name in one region of several, with that region selected',
      inputs: {
        region: 'europe-west1',
        rollback_to: 'projects/demo-project/locations/europe-west1/services/hello/revisions/hello-00001-xyz',
      },
      policy: TWO_REGIONS,
      release: { kind: 'rollback', to: { revision: 'hello-00001-xyz' } },
    },
  ];
  for (const { name, inputs, policy, release, ...expected } of cases) {
    test(name, () => {
      const settings = load(inputs, policy);
      assert.deepEqual(settings.release, release);
      assert.ok(Object.isFrozen(settings.release));
      if ('image' in expected) assert.equal(settings.image, expected.image);
      for (const target of settings.targets) {
        if ('canary' in expected) assert.deepEqual(target.service.canary, expected.canary);
        if (release.kind !== 'deploy') assert.equal(target.service.canary, undefined);
      }
    });
  }

  test('plan mode is orthogonal: a planned promotion, a planned canary', () => {
    assert.equal(load({ mode: 'plan', promote_to: 'deployed' }, CANARY).mode, 'plan');
    const planned = load({ mode: 'plan', image: IMAGE }, CANARY);
    assert.deepEqual(planned.targets[0]?.service.canary, POLICY_CANARY);
  });

  test('every region of the service gets the same canary', () => {
    const settings = load(
      { image: IMAGE },
      CANARY.replace('regions: [us-central1]', 'regions: [us-central1, us-east1]'),
    );
    assert.deepEqual(
      settings.targets.map((target) => [target.region, target.service.canary?.steps]),
      [
        ['us-central1', [10, 50, 100]],
        ['us-east1', [10, 50, 100]],
      ],
    );
  });
});

describe('release settings that are refused', () => {
  const moveOnly = (input: string) =>
    ({
      place: `input:${input}`,
      message: new RegExp(`^input '${input}': rollback_to moves traffic only; remove the ${input} input$`),
      remedy: /rollback_to deploys no revision.*remove rollback_to/,
    }) as const;
  const cases: readonly {
    readonly name: string;
    readonly inputs: Inputs;
    readonly policy: string | undefined;
    readonly expected: readonly { place: string; message: RegExp; remedy: RegExp }[];
  }[] = [
    {
      name: 'promote_to and rollback_to together',
      inputs: { promote_to: 'deployed', rollback_to: 'previous' },
      policy: HELLO,
      expected: [
        {
          place: 'input:rollback_to',
          message: /cannot be combined with promote_to/,
          remedy: /either promote_to or rollback_to/,
        },
      ],
    },
    {
      name: 'promote_to with an image',
      inputs: { promote_to: 'tag:pr-7', image: IMAGE },
      policy: HELLO,
      expected: [
        {
          place: 'input:image',
          message: /^input 'image': promote_to moves traffic only; remove the image input$/,
          remedy: /To deploy instead, remove promote_to/,
        },
      ],
    },
    {
      name: 'rollback_to with every deploy input',
      inputs: {
        rollback_to: 'previous',
        image: IMAGE,
        traffic: 'all',
        tag: 'pr-1',
        first_deploy: 'fail',
        canary_steps: 'none',
        canary_wait: '1m',
        health_check_path: '/',
        health_check_requests: '1',
        health_check_success_ratio: '0.5',
        health_check_timeout: '2s',
      },
      policy: CANARY,
      expected: [
        'image',
        'traffic',
        'tag',
        'first_deploy',
        'canary_steps',
        'canary_wait',
        'health_check_path',
        'health_check_requests',
        'health_check_success_ratio',
        'health_check_timeout',
      ].map(moveOnly),
    },
    {
      name: 'a deploy without an image names the other choices; release problems come with it',
      inputs: { traffic: 'none' },
      policy: HELLO,
      expected: [
        {
          place: 'input:image',
          message: /^input 'image': is required$/,
          remedy: /promote_to or rollback_to/,
        },
        { place: 'input:tag', message: /is required with traffic: none/, remedy: /tag:/ },
      ],
    },
    {
      name: 'without a policy too',
      inputs: { ...NO_POLICY, traffic: 'none' },
      policy: undefined,
      expected: [
        { place: 'input:image', message: /is required when no policy file is used/, remedy: /Set image/ },
        { place: 'input:tag', message: /is required with traffic: none/, remedy: /tag:/ },
      ],
    },
    {
      name: 'traffic: none without a tag',
      inputs: { image: IMAGE, traffic: 'none' },
      policy: HELLO,
      expected: [
        {
          place: 'input:tag',
          message: /^input 'tag': is required with traffic: none$/,
          remedy: /tag: pr-\$\{\{ github\.event\.number \}\}/,
        },
      ],
    },
    {
      name: 'traffic: none with canary_steps',
      inputs: { image: IMAGE, traffic: 'none', tag: 'pr-1', canary_steps: '5,100' },
      policy: HELLO,
      expected: [
        {
          place: 'input:canary_steps',
          message: /a canary moves traffic, but traffic: none deploys without moving any/,
          remedy: /Remove canary_steps for a preview/,
        },
      ],
    },
    {
      name: 'health-check inputs without a canary',
      inputs: { image: IMAGE, health_check_path: '/healthz', canary_wait: '1m' },
      policy: HELLO,
      expected: ['canary_wait', 'health_check_path'].map((input) => ({
        place: `input:${input}`,
        message:
          /has no effect: no canary runs for service 'hello' \(the policy declares no canary for it and canary_steps is empty\)/,
        remedy: /set canary_steps/,
      })),
    },
    {
      name: 'health-check inputs with the canary switched off',
      inputs: { image: IMAGE, canary_steps: 'none', health_check_requests: '3' },
      policy: CANARY,
      expected: [
        {
          place: 'input:health_check_requests',
          message: /has no effect: no canary runs for service 'hello' \(canary_steps: none\)/,
          remedy: /Remove the input/,
        },
      ],
    },
    {
      name: 'health-check inputs on a preview',
      inputs: { image: IMAGE, traffic: 'none', tag: 'pr-2', health_check_timeout: '3s' },
      policy: CANARY,
      expected: [
        {
          place: 'input:health_check_timeout',
          message: /no canary runs for service 'hello' \(traffic: none\)/,
          remedy: /Remove the input/,
        },
      ],
    },
    {
      name: 'canary_steps on a private service whose invokers lack the deployer: located at the invokers',
      inputs: { image: IMAGE, canary_steps: '50,100' },
      policy: HELLO,
      expected: [
        {
          place: '.github/cloud-run.yml:41:5',
          message: new RegExp(
            `^\\.github/cloud-run\\.yml:41:5: service 'hello' \\(canary from the canary_steps input\\) runs a canary on a private service, but its invokers do not list the deployer ${DEPLOYER}$`,
          ),
          remedy: new RegExp(`^Add ${DEPLOYER} to invokers: the health check calls`),
        },
      ],
    },
    {
      name: 'a tag too long for the service',
      inputs: {
        ...NO_POLICY,
        service: `svc-${'a'.repeat(40)}`,
        image: IMAGE,
        traffic: 'none',
        tag: `pr-${'1'.repeat(20)}`,
      },
      policy: undefined,
      expected: [
        {
          place: 'input:tag',
          message: /^input 'tag': traffic tag 'pr-1+' is not valid for service 'svc-a+'$/,
          remedy: /at most 16 characters/,
        },
      ],
    },
    {
      name: 'promote_to a tag too long for the service',
      inputs: { ...NO_POLICY, service: `svc-${'a'.repeat(40)}`, promote_to: `tag:pr-${'1'.repeat(20)}` },
      policy: undefined,
      expected: [
        {
          place: 'input:promote_to',
          message: /traffic tag 'pr-1+' is not valid for service/,
          remedy: /at most/,
        },
      ],
    },
    {
      name: 'a revision of another service',
      inputs: { promote_to: 'revision:world-00001-abc' },
      policy: HELLO,
      expected: [
        {
          place: 'input:promote_to',
          message:
            /'world-00001-abc' is not a revision of service 'hello' \(its revisions are named hello-…\)/,
          remedy: /gcloud run revisions list --service hello/,
        },
      ],
    },
    {
      name: 'rollback_to a word that is not previous reads as a revision name, and is not one of the service',
      inputs: { rollback_to: 'prev' },
      policy: HELLO,
      expected: [
        {
          place: 'input:rollback_to',
          message: /'prev' is not a revision of service 'hello'/,
          remedy: /revisions list/,
        },
      ],
    },
    {
      name: 'a full name of another project, service and region',
      inputs: {
        rollback_to: 'projects/other-project/locations/asia-east1/services/world/revisions/hello-00001-abc',
      },
      policy: HELLO,
      expected: [
        {
          place: 'input:rollback_to',
          message: /names a revision in project 'other-project', but this run is for project 'demo-project'/,
          remedy: /short name \(hello-00001-abc\)/,
        },
        {
          place: 'input:rollback_to',
          message: /names a revision of service 'world', but this run is for service 'hello'/,
          remedy: /select service world/,
        },
        {
          place: 'input:rollback_to',
          message: /names a revision in region 'asia-east1', not a region of this run \(us-central1\)/,
          remedy: /region input/,
        },
      ],
    },
    {
      name: 'a full name in one of several regions the run moves',
      inputs: {
        promote_to: 'revision:projects/demo-project/locations/us-central1/services/hello/revisions/hello-1',
      },
      policy: TWO_REGIONS,
      expected: [
        {
          place: 'input:promote_to',
          message:
            /names a revision in region 'us-central1', but this run moves traffic in us-central1, europe-west1/,
          remedy: /Set region: us-central1/,
        },
      ],
    },
  ];
  for (const { name, inputs, policy, expected } of cases) {
    test(name, () => {
      const found = problems(inputs, policy);
      assert.equal(found.length, expected.length, JSON.stringify(found, null, 1));
      expected.forEach((want, index) => {
        const got = found[index];
        assert.ok(got);
        assert.equal(got.place, want.place);
        assert.match(got.message, want.message);
        assert.match(got.remedy, want.remedy);
      });
    });
  }
});

describe('release inputs, parsed on their own', () => {
  const read = (name: string, value: string) => readInputs({ [inputVariable(name)]: value });
  const VALID: readonly (readonly [string, string, string, unknown])[] = [
    ['traffic', 'none', 'traffic', 'none'],
    ['tag', 'pr-12', 'tag', 'pr-12'],
    ['first_deploy', 'serve', 'firstDeploy', 'serve'],
    ['promote_to', 'tag:canary', 'promoteTo', { tag: 'canary' }],
    ['promote_to', 'revision:hello-1', 'promoteTo', { revision: { name: 'hello-1', full: undefined } }],
    ['promote_to', 'deployed', 'promoteTo', { deployed: true }],
    ['rollback_to', 'previous', 'rollbackTo', { previous: true }],
    [
      'rollback_to',
      'projects/p/locations/us-east1/services/hello/revisions/hello-2',
      'rollbackTo',
      { revision: { name: 'hello-2', full: { project: 'p', location: 'us-east1', service: 'hello' } } },
    ],
    ['canary_steps', '1, 2,3 ,100', 'canarySteps', [1, 2, 3, 100]],
    ['canary_steps', '100', 'canarySteps', [100]],
    ['canary_steps', 'none', 'canarySteps', 'none'],
    ['canary_wait', '0s', 'canaryWaitSeconds', 0],
    ['canary_wait', '1h', 'canaryWaitSeconds', 3600],
    ['health_check_path', '/', 'healthCheckPath', '/'],
    ['health_check_requests', '100', 'healthCheckRequests', 100],
    ['health_check_success_ratio', '0', 'healthCheckSuccessRatio', 0],
    ['health_check_success_ratio', '0.95', 'healthCheckSuccessRatio', 0.95],
    ['health_check_success_ratio', '1.000', 'healthCheckSuccessRatio', 1],
    ['health_check_timeout', '1s', 'healthCheckTimeoutSeconds', 1],
    ['health_check_timeout', '1m', 'healthCheckTimeoutSeconds', 60],
  ];
  for (const [name, value, field, parsed] of VALID) {
    test(`${name}=${JSON.stringify(value)} is accepted`, () => {
      const { inputs, problems: found } = read(name, value);
      assert.deepEqual(found, []);
      assert.deepEqual((inputs as unknown as Record<string, unknown>)[field], parsed);
    });
  }

  const INVALID: readonly (readonly [string, string, RegExp, RegExp])[] = [
    ['traffic', 'some', /"some" is not one of all, none/, /one of: all, none/],
    ['traffic', 'None', /not one of all, none/, /lowercase/],
    ['tag', 'PR-1', /"PR-1" is not a valid traffic tag/, /starting with a letter/],
    ['tag', 'pr-', /not a valid traffic tag/, /not ending with a hyphen/],
    ['tag', `t${'a'.repeat(59)}`, /not a valid traffic tag/, /lowercase/],
    ['first_deploy', 'yes', /"yes" is not one of fail, serve/, /one of: fail, serve/],
    ['promote_to', 'latest', /"latest" is not tag:NAME, revision:NAME or deployed/, /tag:NAME/],
    ['promote_to', 'tag:', /"tag:" names no valid traffic tag/, /lowercase/],
    ['promote_to', 'revision:Hello-1', /"Hello-1" is not a revision name/, /at most 63 characters/],
    ['rollback_to', 'Hello-1', /"Hello-1" is neither previous nor a revision name/, /Write previous/],
    ['rollback_to', `h${'a'.repeat(63)}`, /neither previous nor a revision name/, /63/],
    ['rollback_to', 'projects/p/revisions/x', /neither previous nor a revision name/, /projects\/PROJECT/],
    ['canary_steps', '5,25', /"5,25" does not end at 100/, /ending at 100/],
    ['canary_steps', '25,5,100', /is not increasing: 5 follows 25/, /increasing/],
    ['canary_steps', '5,5,100', /is not increasing: 5 follows 5/, /increasing/],
    ['canary_steps', '0,100', /has 0, not a whole number from 1 to 100/, /whole percentages/],
    ['canary_steps', '5,250', /has 250/, /whole percentages/],
    ['canary_steps', '5;100', /is not a comma-separated list of whole percentages/, /Or none/],
    ['canary_steps', '5%,100%', /not a comma-separated list/, /5, 25, 100/],
    ['canary_steps', '5,,100', /not a comma-separated list/, /5, 25, 100/],
    ['canary_wait', '2h', /"2h" is not a duration from 0s to 1h/, /pause after each canary step/],
    ['canary_wait', '60', /is not a duration/, /Write it like/],
    ['health_check_path', 'healthz', /"healthz" is not a request path/, /starting with \//],
    ['health_check_path', '/a b', /not a request path/, /without spaces/],
    ['health_check_path', '/x#y', /not a request path/, /#/],
    ['health_check_path', `/${'a'.repeat(1024)}`, /not a request path/, /\/healthz/],
    ['health_check_requests', '0', /"0" is not a whole number from 1 to 100/, /e\.g\. 10/],
    ['health_check_requests', '101', /not a whole number from 1 to 100/, /requests/],
    ['health_check_requests', '1e1', /not a whole number/, /requests/],
    ['health_check_success_ratio', '1.5', /"1\.5" is not a ratio from 0 to 1/, /0\.9/],
    ['health_check_success_ratio', '90%', /not a ratio/, /decimal/],
    ['health_check_success_ratio', '.9', /not a ratio/, /decimal/],
    ['health_check_success_ratio', '-0', /not a ratio/, /decimal/],
    ['health_check_timeout', '0s', /"0s" is not a duration from 1s to 1m/, /waits at most/],
    ['health_check_timeout', '2m', /is not a duration from 1s to 1m/, /Write it like/],
  ];
  for (const [name, value, message, remedy] of INVALID) {
    test(`${name}=${JSON.stringify(value)} is refused at the input`, () => {
      const { problems: found } = read(name, value);
      assert.equal(found.length, 1, found.map((problem) => problem.message).join('\n'));
      const [problem] = found;
      assert.ok(problem);
      assert.deepEqual(problem.place, { kind: 'input', name });
      assert.ok(problem.message.startsWith(`input '${name}': `), problem.message);
      assert.match(problem.message, message);
      assert.match(problem.remedy ?? '', remedy);
    });
  }
});
