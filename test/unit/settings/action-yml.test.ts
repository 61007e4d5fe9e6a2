/** action.yml and the code agree: same inputs, same defaults, the outputs the action sets, node24. */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { parse } from 'yaml';
import { INPUT_DEFAULTS } from '../../../src/settings/inputs.ts';

const action: unknown = parse(readFileSync(join(import.meta.dirname, '../../../action.yml'), 'utf8'));

function section(name: string): Record<string, Record<string, unknown>> {
  assert.ok(typeof action === 'object' && action !== null && name in action);
  return (action as Record<string, Record<string, Record<string, unknown>>>)[name] ?? {};
}

test('action.yml declares exactly the inputs the code reads, with the same defaults', () => {
  const inputs = section('inputs');
  assert.deepEqual(Object.keys(inputs).sort(), Object.keys(INPUT_DEFAULTS).sort());
  for (const [name, spec] of Object.entries(inputs)) {
    assert.equal(spec.default, INPUT_DEFAULTS[name], `default of ${name}`);
    assert.equal(typeof spec.description, 'string', `description of ${name}`);
  }
});

test('inputs the policy can pin have no action.yml default (a default would always conflict)', () => {
  const inputs = section('inputs');
  const pinnable = ['policy', 'token_lifetime', 'excess_permissions', 'project_id', 'service_account'];
  const canary = ['canary_steps', 'canary_wait', 'health_check_path', 'health_check_requests'];
  for (const name of [...pinnable, ...canary, 'health_check_success_ratio', 'health_check_timeout']) {
    assert.equal(inputs[name]?.default, undefined, name);
  }
});

test('the deploy-only inputs have no default: promote_to and rollback_to require them empty', () => {
  const inputs = section('inputs');
  for (const name of ['image', 'traffic', 'tag', 'first_deploy', 'promote_to', 'rollback_to']) {
    assert.equal(inputs[name]?.default, undefined, name);
    assert.equal(inputs[name]?.required, false, name);
  }
});

test('action.yml declares the outputs and runs on node24 from dist/index.js', () => {
  assert.deepEqual(Object.keys(section('outputs')).sort(), [
    'changed',
    'plan',
    'previous_revision',
    'revision',
    'service_url',
    'summary',
    'tag_url',
    'traffic',
  ]);
  assert.deepEqual(section('runs'), { using: 'node24', main: 'dist/index.js' });
  assert.ok(section('branding').icon && section('branding').color);
});
