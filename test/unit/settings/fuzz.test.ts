/**
 * Whatever text the policy file holds and whatever the inputs say, loading fails only with
 * located `ActionError`s, never with a crash, a stack trace or an unlocated message.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import fc from 'fast-check';
import { stringify } from 'yaml';
import { ActionError } from '../../../src/errors.ts';
import { inputVariable, readInputs } from '../../../src/settings/inputs.ts';
import { loadSettings } from '../../../src/settings/load.ts';
import { parsePolicy } from '../../../src/settings/policy.ts';
import { SettingsError } from '../../../src/settings/problems.ts';

const HELLO = readFileSync(join(import.meta.dirname, '../../../examples/policies/hello.yml'), 'utf8');
const CANARY = readFileSync(join(import.meta.dirname, '../../../examples/policies/canary.yml'), 'utf8');
const SEED = 20261128;

function assertLocated(error: unknown): void {
  assert.ok(error instanceof SettingsError, `unexpected ${String(error)}`);
  assert.ok(error.problems.length > 0);
  for (const problem of error.problems) {
    assert.ok(problem instanceof ActionError);
    assert.ok(problem.place !== undefined);
    if (problem.place.kind === 'file') {
      assert.ok(
        problem.message.startsWith(`${problem.place.file}:${problem.place.line}:${problem.place.column}: `),
        problem.message,
      );
      assert.ok(problem.place.line >= 1 && problem.place.column >= 1);
    } else {
      assert.ok(problem.message.startsWith(`input '${problem.place.name}': `), problem.message);
    }
    assert.ok(!`${problem.message}${problem.remedy}`.includes('    at '), problem.message);
    assert.ok((problem.remedy ?? '').length > 0);
  }
}

function parsesOrLocates(text: string): void {
  try {
    parsePolicy(text, 'p.yml');
  } catch (error) {
    assertLocated(error);
  }
}

/** An example policy (with or without a canary) with one line replaced, dropped or duplicated: near-valid files. */
const mutatedPolicy = fc
  .record({
    base: fc.constantFrom(HELLO, CANARY),
    line: fc.nat(60),
    kind: fc.constantFrom('replace', 'drop', 'duplicate', 'insert'),
    text: fc.string({ unit: 'binary', maxLength: 40 }),
  })
  .map(({ base, line, kind, text }) => {
    const lines = base.split('\n');
    const at = line % lines.length;
    if (kind === 'replace') lines[at] = text;
    if (kind === 'drop') lines.splice(at, 1);
    if (kind === 'duplicate') lines.splice(at, 0, lines[at] ?? '');
    if (kind === 'insert') lines.splice(at, 0, `${' '.repeat(line % 7)}${text}`);
    return lines.join('\n');
  });

test('arbitrary text never escapes as anything but located problems', () => {
  fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 300 }), parsesOrLocates), {
    seed: SEED,
    numRuns: 2000,
  });
});

test('arbitrary YAML data never escapes as anything but located problems', () => {
  fc.assert(
    fc.property(fc.jsonValue({ maxDepth: 6 }), (value) => parsesOrLocates(stringify(value))),
    { seed: SEED, numRuns: 1500 },
  );
});

test('near-valid policies never escape as anything but located problems', () => {
  fc.assert(fc.property(mutatedPolicy, parsesOrLocates), { seed: SEED, numRuns: 3000 });
});

const INPUT_NAMES = [
  'policy',
  'service',
  'region',
  'image',
  'mode',
  'project_id',
  'project_number',
  'workload_identity_provider',
  'service_account',
  'audience',
  'token_lifetime',
  'universe_domain',
  'excess_permissions',
  'wait_timeout',
  'traffic',
  'tag',
  'first_deploy',
  'promote_to',
  'rollback_to',
  'canary_steps',
  'canary_wait',
  'health_check_path',
  'health_check_requests',
  'health_check_success_ratio',
  'health_check_timeout',
];

test('arbitrary inputs either load or fail with problems naming inputs', () => {
  const inputs = fc.dictionary(fc.constantFrom(...INPUT_NAMES), fc.string({ unit: 'binary', maxLength: 30 }));
  fc.assert(
    fc.property(inputs, fc.constantFrom(undefined, HELLO, CANARY), (values, policy) => {
      const env = Object.fromEntries(
        Object.entries(values).map(([name, value]) => [inputVariable(name), value]),
      );
      assert.doesNotThrow(() => readInputs(env));
      try {
        loadSettings(env, (path) => (path === '/repo/.github/cloud-run.yml' ? policy : undefined), '/repo');
      } catch (error) {
        assertLocated(error);
      }
    }),
    { seed: SEED, numRuns: 2000 },
  );
});
