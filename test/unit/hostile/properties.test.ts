/**
 * Property tests over every input parser: each `INPUT_*` value random (printable, control
 * characters, astral Unicode, near-valid values with one character changed). Whatever arrives,
 * reading the inputs never throws, every problem names its input with a remedy, and a value that
 * is accepted is a sane one. Fixed seed; 10,400 generated cases in all.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { ActionError } from '../../../src/errors.ts';
import { TOKEN_LIFETIME, WAIT_TIMEOUT } from '../../../src/settings/durations.ts';
import { INPUT_DEFAULTS, type Inputs, readInputs } from '../../../src/settings/inputs.ts';
import { loadSettings } from '../../../src/settings/load.ts';
import { SettingsError } from '../../../src/settings/problems.ts';
import { HELLO, inputsEnv, LIMIT_MS, POLICY_PATH, WORKSPACE } from './support.ts';

const SEED = 8_2026_11;
const RUNS_PER_INPUT = 600;
const RUNS_ALL_INPUTS = 1_500;
const RUNS_POLICY_PATH = 500;

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

function value(name: string): fc.Arbitrary<string> {
  return fc.oneof(
    fc.string({ unit: 'binary', maxLength: 80 }),
    fc.string({ unit: 'grapheme-ascii', maxLength: 80 }),
    fc.string({ unit: hostileChar, maxLength: 20 }),
    fc.string({ maxLength: 2000 }),
    nearValid(VALID[name] ?? ''),
  );
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
  };
  return byName[name];
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
          if (typeof parsed === 'string')
            assert.match(parsed, PLAIN, `${name} accepted ${JSON.stringify(parsed)}`);
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
