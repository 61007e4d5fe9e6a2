import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { AnnotationProperties } from '@actions/core';
import { ActionError } from '../../../src/errors.ts';
import { annotationsFor, emitAnnotations } from '../../../src/settings/annotate.ts';
import { parsePolicy } from '../../../src/settings/policy.ts';
import { inputProblem, SettingsError } from '../../../src/settings/problems.ts';

function caught(action: () => unknown): unknown {
  try {
    action();
  } catch (error) {
    return error;
  }
  return assert.fail('nothing was thrown');
}

test('one annotation per policy problem, at its file position, message without the prefix', () => {
  const error = caught(() => parsePolicy('version: 2\nproject: 5\n', 'ci/p.yml'));
  const emitted: [string, AnnotationProperties][] = [];
  emitAnnotations(error, (message, properties) => emitted.push([message, properties]));
  assert.ok(emitted.length >= 3);
  const version = emitted.find(([message]) => message.startsWith('version'));
  assert.deepEqual(version, [
    'version is 2, expected 1\nWrite 1 (The policy format version. Always 1.)',
    { title: 'Policy file', file: 'ci/p.yml', startLine: 1, startColumn: 10, endLine: 1, endColumn: 11 },
  ]);
});

test('a multi-line node keeps only its start, as GitHub requires', () => {
  const error = caught(() => parsePolicy('project:\n  id: x\n', 'p.yml'));
  const located = annotationsFor(error).find((annotation) =>
    annotation.message.includes("missing the required key 'version'"),
  );
  assert.ok(located);
  assert.equal(located.properties.endLine, undefined);
  assert.equal(located.properties.endColumn, undefined);
});

test('input problems are titled with the input; unlocated errors produce no annotation', () => {
  const error = new SettingsError([
    inputProblem('mode', '"x" is not one of deploy, plan', 'Set mode to deploy or plan.'),
  ]);
  assert.deepEqual(annotationsFor(error), [
    {
      message: `input 'mode': "x" is not one of deploy, plan\nSet mode to deploy or plan.`,
      properties: { title: "Input 'mode'" },
    },
  ]);
  assert.deepEqual(annotationsFor(new ActionError('no place')), []);
  assert.deepEqual(annotationsFor('a string'), []);
});

test('SettingsError: one problem keeps its message; several are listed', () => {
  const one = new SettingsError([inputProblem('a', 'bad', 'Fix a.')]);
  assert.equal(one.message, "input 'a': bad");
  assert.equal(one.remedy, 'Fix a.');
  assert.deepEqual(one.place, { kind: 'input', name: 'a' });
  const two = new SettingsError([inputProblem('a', 'bad', 'Fix a.'), inputProblem('b', 'worse', 'Fix b.')]);
  assert.equal(
    two.message,
    "The action settings have 2 problems:\n- input 'a': bad Fix a.\n- input 'b': worse Fix b.",
  );
  assert.ok(two instanceof ActionError);
});

test('SettingsError keeps at most the first 50 problems and says how many there were', () => {
  const many = Array.from({ length: 120 }, (_, index) => inputProblem(`i${index}`, 'bad', 'Fix it.'));
  const error = new SettingsError(many);
  assert.equal(error.problems.length, 50);
  assert.match(error.message, /^The action settings have 120 problems \(the first 50 are listed\):/);
});
