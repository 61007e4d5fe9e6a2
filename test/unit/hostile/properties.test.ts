/**
 * Property tests over every input parser: each `INPUT_*` value random (printable, control
 * characters, astral Unicode, near-valid values with one character changed). Whatever arrives,
 * reading the inputs never throws, every problem names its input with a remedy, and a value that
 * is accepted is a sane one. Fixed seed; RUNS_PER_INPUT cases per input declared in action.yml,
 * plus the line-break, all-inputs, policy-path and service/region-list suites (19,600 cases for
 * the 27 inputs).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { ActionError } from '../../../src/errors.ts';
import {
  CANARY_WAIT,
  HEALTH_CHECK_TIMEOUT,
  TOKEN_LIFETIME,
  WAIT_TIMEOUT,
} from '../../../src/settings/durations.ts';
import { INPUT_DEFAULTS, type Inputs, readInputs } from '../../../src/settings/inputs.ts';
import { loadSettings } from '../../../src/settings/load.ts';
import { definition } from '../../../src/settings/policy-schema.ts';
import { SettingsError } from '../../../src/settings/problems.ts';
import { HELLO, inputsEnv, LIMIT_MS, POLICY_PATH, WORKSPACE } from './support.ts';

const SEED = 8_2026_11;
const RUNS_PER_INPUT = 600;
const RUNS_ALL_INPUTS = 1_500;
const RUNS_POLICY_PATH = 500;
const RUNS_SELECTION = 800;

/** A valid value per input, the starting point of near-valid mutations. */
const VALID: Readonly<Record<string, string>> = {
  policy: '.github/cloud-run.yml',
  service: 'hello',
  region: 'us-central1',
  image: 'us-docker.pkg.dev/demo-project/apps/hello:v1',
  mode: 'deploy',
  project_id: 'demo-project',
  project_number: '123456789012',
  workload_identity_provider:
    'projects/123456789012/locations/global/workloadIdentityPools/github/providers/github',
  service_account: 'deployer@demo-project.iam.gserviceaccount.com',
  audience:
    'https://iam.googleapis.com/projects/123456789012/locations/global/workloadIdentityPools/github/providers/github',
  token_lifetime: '10m',
  universe_domain: 'googleapis.com',
  excess_permissions: 'fail',
  wait_timeout: '10m',
  pr_comment: 'true',
  traffic: 'none',
  tag: 'pr-12',
  first_deploy: 'serve',
  promote_to: 'revision:hello-00003-abc',
  rollback_to: 'projects/demo-project/locations/us-central1/services/hello/revisions/hello-00001-xyz',
  canary_steps: '5,25,100',
  canary_wait: '60s',
  health_check_path: '/healthz?deep=1',
  health_check_requests: '10',
  health_check_success_ratio: '0.95',
  health_check_timeout: '5s',
};
const NAMES = Object.keys(INPUT_DEFAULTS);

const hostileChar = fc.oneof(
  fc.constantFrom(
    '\n',
    '\r',
    '\t',
    '\u0000',
    '\u001b',
    '\u007f',
    '\u200b',
    '\u202e',
    '\ufeff',
    ' ',
    '%',
    ':',
    '/',
    '@',
  ),
  fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }),
);

/** A valid value with one character inserted, replaced or removed. */
function nearValid(valid: string): fc.Arbitrary<string> {
  return fc
    .record({
      at: fc.nat(valid.length),
      char: hostileChar,
      kind: fc.constantFrom('insert', 'replace', 'drop'),
    })
    .map(({ at, char, kind }) =>
      kind === 'insert'
        ? valid.slice(0, at) + char + valid.slice(at)
        : kind === 'replace'
          ? valid.slice(0, at) + char + valid.slice(at + 1)
          : valid.slice(0, at) + valid.slice(at + 1),
    );
}

/** The list inputs, their schema definition, and items to build lists from (valid, unknown, the keyword). */
const LISTS: Readonly<Record<string, { readonly definition: string; readonly items: readonly string[] }>> = {
  service: { definition: 'serviceName', items: ['api', 'worker', 'web', 'all', 'hello'] },
  region: { definition: 'region', items: ['us-central1', 'europe-west1', 'asia-northeast1', 'us-east1'] },
};

/** Comma-separated lists: known items, near-valid ones, empty ones, odd separators. */
function list(items: readonly string[]): fc.Arbitrary<string> {
  const item = fc.oneof(
    { weight: 12, arbitrary: fc.constantFrom(...items) },
    { weight: 1, arbitrary: fc.constantFrom(...items).chain(nearValid) },
    { weight: 1, arbitrary: fc.constantFrom('', ' ', '\t') },
  );
  const separator = fc.oneof(
    { weight: 8, arbitrary: fc.constantFrom(',', ', ', ' , ') },
    { weight: 1, arbitrary: fc.constantFrom(',,', ';', ',\n', ' ') },
  );
  return fc
    .array(fc.tuple(item, separator), { minLength: 1, maxLength: 4 })
    .map((pairs) => pairs.map(([text, sep], i) => (i === pairs.length - 1 ? text : text + sep)).join(''));
}

function value(name: string): fc.Arbitrary<string> {
  const items = LISTS[name]?.items;
  return fc.oneof(
    fc.string({ unit: 'binary', maxLength: 80 }),
    fc.string({ unit: 'grapheme-ascii', maxLength: 80 }),
    fc.string({ unit: hostileChar, maxLength: 20 }),
    fc.string({ maxLength: 2000 }),
    nearValid(VALID[name] ?? ''),
    ...(items === undefined ? [] : [list(items)]),
  );
}

/** An accepted list holds at least one item, each valid by the schema, none twice. */
function assertListSane(inputs: Inputs): void {
  for (const [name, listed] of [
    ['service', inputs.service],
    ['region', inputs.region],
  ] as const) {
    const form = LISTS[name];
    if (listed === undefined || form === undefined) continue;
    assert.ok(listed.length > 0, `${name} accepted an empty list`);
    assert.equal(new Set(listed).size, listed.length, `${name} accepted ${JSON.stringify(listed)}`);
    const { validate } = definition(form.definition);
    for (const item of listed) assert.ok(validate(item), `${name} accepted ${JSON.stringify(item)}`);
  }
}

/** Printable ASCII without spaces: what every accepted identifier-like input must be. */
const PLAIN = /^[!-~]+$/;

/** The accepted (parsed) value of `name`, when it is one to check. */
function accepted(inputs: Inputs, name: string): unknown {
  const byName: Readonly<Record<string, unknown>> = {
    service: inputs.service,
    region: inputs.region,
    image: inputs.image,
    mode: inputs.mode,
    project_id: inputs.projectId,
    project_number: inputs.projectNumber,
    workload_identity_provider: inputs.workloadIdentityProvider,
    service_account: inputs.serviceAccount,
    audience: inputs.audience,
    token_lifetime: inputs.tokenLifetimeSeconds,
    universe_domain: inputs.universeDomain,
    excess_permissions: inputs.excessPermissions,
    wait_timeout: inputs.waitTimeoutSeconds,
    traffic: inputs.traffic,
    tag: inputs.tag,
    first_deploy: inputs.firstDeploy,
    promote_to: inputs.promoteTo,
    rollback_to: inputs.rollbackTo,
    canary_steps: inputs.canarySteps,
    canary_wait: inputs.canaryWaitSeconds,
    health_check_path: inputs.healthCheckPath,
    health_check_requests: inputs.healthCheckRequests,
    health_check_success_ratio: inputs.healthCheckSuccessRatio,
    health_check_timeout: inputs.healthCheckTimeoutSeconds,
  };
  return byName[name];
}

/** Every string inside an accepted value (a promote target's tag, a revision's parts, ...). */
function strings(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (typeof value === 'object' && value !== null) return Object.values(value).flatMap(strings);
  return [];
}

/** An accepted release value is in its range: steps increasing to 100, a ratio in 0..1, ... */
function assertReleaseSane(inputs: Inputs): void {
  const steps = inputs.canarySteps;
  if (steps !== undefined && steps !== 'none') {
    assert.equal(steps.at(-1), 100);
    for (const [i, step] of steps.entries()) {
      assert.ok(Number.isInteger(step) && step >= 1 && step > (steps[i - 1] ?? 0));
    }
  }
  const within = (value: number | undefined, min: number, max: number, name: string): void =>
    assert.ok(value === undefined || (value >= min && value <= max), `${name} ${value}`);
  within(inputs.canaryWaitSeconds, CANARY_WAIT.min, CANARY_WAIT.max, 'canary_wait');
  within(inputs.healthCheckRequests, 1, 100, 'health_check_requests');
  within(inputs.healthCheckSuccessRatio, 0, 1, 'health_check_success_ratio');
  within(
    inputs.healthCheckTimeoutSeconds,
    HEALTH_CHECK_TIMEOUT.min,
    HEALTH_CHECK_TIMEOUT.max,
    'health_check_timeout',
  );
  if (inputs.healthCheckPath !== undefined) assert.ok(inputs.healthCheckPath.startsWith('/'));
  for (const text of [inputs.tag, ...strings(inputs.promoteTo), ...strings(inputs.rollbackTo)]) {
    if (text !== undefined) assert.match(text, /^[a-z0-9][a-z0-9-]*$/, `accepted ${JSON.stringify(text)}`);
  }
}

function assertInputProblem(problem: ActionError, name: string): void {
  assert.ok(problem instanceof ActionError);
  assert.deepEqual(problem.place, { kind: 'input', name });
  assert.ok(problem.message.startsWith(`input '${name}': `), problem.message);
  assert.ok((problem.remedy ?? '').trim() !== '', `no remedy: ${problem.message}`);
  assert.ok(problem.message.length < 2_000, 'the message repeats a huge value');
}

describe('every input parser, random values', () => {
  for (const name of NAMES) {
    test(`${name}: never throws; refuses at the input or accepts a sane value`, () => {
      fc.assert(
        fc.property(value(name), (text) => {
          const started = performance.now();
          const { inputs, problems } = readInputs(inputsEnv({ [name]: text }));
          assert.ok(performance.now() - started < LIMIT_MS);
          for (const problem of problems) assertInputProblem(problem, name);
          if (problems.length > 0 || name === 'policy') return;
          const parsed = accepted(inputs, name);
          for (const text of strings(parsed))
            assert.match(text, PLAIN, `${name} accepted ${JSON.stringify(text)}`);
          assertReleaseSane(inputs);
          assertListSane(inputs);
          if (name === 'mode') assert.ok(['deploy', 'plan'].includes(inputs.mode));
          if (name === 'token_lifetime' && inputs.tokenLifetimeSeconds !== undefined) {
            assert.ok(
              inputs.tokenLifetimeSeconds >= TOKEN_LIFETIME.min &&
                inputs.tokenLifetimeSeconds <= TOKEN_LIFETIME.max,
            );
          }
          assert.ok(
            inputs.waitTimeoutSeconds >= WAIT_TIMEOUT.min && inputs.waitTimeoutSeconds <= WAIT_TIMEOUT.max,
          );
        }),
        { seed: SEED, numRuns: RUNS_PER_INPUT },
      );
    });
  }

  test('no problem message carries a raw line break (it could start a workflow command)', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...NAMES),
        fc.string({ unit: hostileChar, maxLength: 20 }),
        (name, text) => {
          const { problems } = readInputs(inputsEnv({ [name]: `${VALID[name] ?? ''}${text}` }));
          for (const problem of problems) assert.doesNotMatch(problem.message, /[\r\n]/, problem.message);
        },
      ),
      { seed: SEED, numRuns: RUNS_PER_INPUT },
    );
  });
});

describe('loadSettings, every input random at once', () => {
  test('refuses with located problems only, or loads', () => {
    const env = fc.record(Object.fromEntries(NAMES.filter((n) => n !== 'policy').map((n) => [n, value(n)])), {
      requiredKeys: [],
    });
    fc.assert(
      fc.property(env, fc.boolean(), (inputs, withPolicy) => {
        const files: Record<string, string> = withPolicy ? { [POLICY_PATH]: HELLO } : {};
        const started = performance.now();
        try {
          loadSettings(inputsEnv(inputs), (path) => files[path], WORKSPACE);
        } catch (error) {
          assert.ok(error instanceof SettingsError, `crashed with ${String(error)}`);
          for (const problem of error.problems) {
            assert.ok(problem.place !== undefined, `unlocated: ${problem.message}`);
            assert.ok((problem.remedy ?? '').trim() !== '');
          }
        }
        assert.ok(performance.now() - started < LIMIT_MS);
      }),
      { seed: SEED, numRuns: RUNS_ALL_INPUTS },
    );
  });

  test('a policy path never reads outside the workspace', () => {
    const path = fc.oneof(
      value('policy'),
      fc.constantFrom(
        '../secrets.yml',
        '/etc/passwd',
        '.github/../../x.yml',
        '..',
        '.',
        './',
        '~/x',
        'C:\\x',
        '\\\\host\\x',
      ),
    );
    fc.assert(
      fc.property(path, (policy) => {
        const read: string[] = [];
        try {
          loadSettings(
            inputsEnv({ policy, image: VALID.image ?? '' }),
            (absolute) => {
              read.push(absolute);
              return absolute === POLICY_PATH ? HELLO : undefined;
            },
            WORKSPACE,
          );
        } catch (error) {
          assert.ok(error instanceof SettingsError, `crashed with ${String(error)}`);
        }
        for (const absolute of read) assert.ok(absolute.startsWith(`${WORKSPACE}/`), `read ${absolute}`);
      }),
      { seed: SEED, numRuns: RUNS_POLICY_PATH },
    );
  });
});

const MONOREPO = readFileSync(
  join(import.meta.dirname, '../../fixtures/policies/valid/monorepo.yml'),
  'utf8',
);
const MONOREPO_SERVICES: readonly (readonly [string, readonly string[]])[] = [
  ['api', ['us-central1', 'europe-west1']],
  ['worker', ['europe-west1', 'us-central1']],
  ['web', ['asia-northeast1']],
];

/** What a selection deploys, worked out independently: policy order, each service's region order. */
function expectedTargets(service: string, region: string | undefined): string[] {
  const names = service.split(',').map((item) => item.trim());
  // A blank input is not set: every region.
  const regions = region?.trim() ? region.split(',').map((item) => item.trim()) : undefined;
  return MONOREPO_SERVICES.filter(([name]) => service.trim() === 'all' || names.includes(name)).flatMap(
    ([name, own]) => own.filter((each) => regions?.includes(each) ?? true).map((each) => `${name}/${each}`),
  );
}

describe('service and region lists against a policy of three services', () => {
  test('load exactly the selected targets in order, or refuse at service or region', () => {
    // Well-formed selections (distinct known names) as often as hostile lists.
    const wellFormed = (items: readonly string[]) =>
      fc
        .tuple(fc.shuffledSubarray([...items], { minLength: 1 }), fc.constantFrom(',', ', ', ' , '))
        .map(([names, separator]) => names.join(separator));
    const serviceInput = fc.oneof(
      wellFormed(MONOREPO_SERVICES.map(([name]) => name)),
      fc.constant('all'),
      list(LISTS.service?.items ?? []),
    );
    const regionInput = fc.option(
      fc.oneof(wellFormed(LISTS.region?.items ?? []), list(LISTS.region?.items ?? [])),
      { nil: undefined },
    );
    let loaded = 0;
    fc.assert(
      fc.property(serviceInput, regionInput, (service, region) => {
        const inputs = { image: 'us-docker.pkg.dev/demo-project/monorepo/web:v1', service, region };
        const files: Record<string, string> = { [POLICY_PATH]: MONOREPO };
        const started = performance.now();
        try {
          const settings = loadSettings(inputsEnv(inputs), (path) => files[path], WORKSPACE);
          loaded += 1;
          assert.deepEqual(
            settings.targets.map((target) => `${target.service.name}/${target.region}`),
            expectedTargets(service, region),
          );
        } catch (error) {
          assert.ok(error instanceof SettingsError, `crashed with ${String(error)}`);
          for (const problem of error.problems) {
            const place = problem.place;
            assert.ok(place?.kind === 'input' && ['service', 'region'].includes(place.name), problem.message);
            assertInputProblem(problem, place.name);
          }
        }
        assert.ok(performance.now() - started < LIMIT_MS);
      }),
      { seed: SEED, numRuns: RUNS_SELECTION },
    );
    assert.ok(loaded > RUNS_SELECTION / 10, `only ${loaded} selections loaded: the generator is too hostile`);
  });
});
