/** Shared set-up of the hostile-input tests: inputs as the runner passes them, an in-memory workspace. */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ActionError } from '../../../src/errors.ts';
import { inputVariable } from '../../../src/settings/inputs.ts';
import { loadSettings } from '../../../src/settings/load.ts';
import { SettingsError } from '../../../src/settings/problems.ts';
import type { Settings } from '../../../src/settings/types.ts';

export const WORKSPACE = '/repo';
export const POLICY_PATH = `${WORKSPACE}/.github/cloud-run.yml`;
export const HELLO = readFileSync(join(import.meta.dirname, '../../../examples/policies/hello.yml'), 'utf8');
export const IMAGE = 'us-docker.pkg.dev/demo-project/apps/hello:v1';
/** Every input case must be answered within this. */
export const LIMIT_MS = 2_000;

export function inputsEnv(inputs: Readonly<Record<string, string | undefined>>): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(inputs))
    if (value !== undefined) env[inputVariable(name)] = value;
  return env;
}

/** `loadSettings` over the default policy path holding `policy` (none when `undefined`). */
export function load(inputs: Readonly<Record<string, string>>, policy: string | undefined): Settings {
  const files: Record<string, string> = policy === undefined ? {} : { [POLICY_PATH]: policy };
  return loadSettings(inputsEnv(inputs), (path) => files[path], WORKSPACE);
}

/** What a refused load reports, with the time it took. */
export interface Refusal {
  readonly error: SettingsError;
  readonly text: string;
  readonly ms: number;
}

/**
 * Loads and expects a refusal: a `SettingsError` whose every problem is located (file:line:col or
 * the input's name), carries a remedy, and contains no stack trace; all within LIMIT_MS.
 */
export function refused(inputs: Readonly<Record<string, string>>, policy: string | undefined): Refusal {
  const started = performance.now();
  let caught: unknown;
  try {
    load(inputs, policy);
  } catch (error) {
    caught = error;
  }
  const ms = performance.now() - started;
  assert.ok(ms < LIMIT_MS, `took ${Math.round(ms)} ms`);
  assert.ok(caught instanceof SettingsError, `expected a SettingsError, got ${String(caught)}`);
  assertLocated(caught);
  const text = caught.problems.map((problem) => `${problem.message}\n${problem.remedy ?? ''}`).join('\n');
  return { error: caught, text, ms };
}

export function assertLocated(error: SettingsError): void {
  assert.ok(error.problems.length > 0);
  for (const problem of error.problems) {
    assert.ok(problem instanceof ActionError);
    const place = problem.place;
    assert.ok(place !== undefined, `unlocated: ${problem.message}`);
    const prefix =
      place.kind === 'file' ? `${place.file}:${place.line}:${place.column}: ` : `input '${place.name}': `;
    assert.ok(problem.message.startsWith(prefix), `${problem.message} does not start with ${prefix}`);
    assert.ok((problem.remedy ?? '').trim().length > 0, `no remedy: ${problem.message}`);
    assert.doesNotMatch(`${problem.message}${problem.remedy}`, /\n\s+at /, 'stack trace');
    // A raw line break would let a value start its own workflow command (`::set-output …`).
    assert.doesNotMatch(problem.message, /[\r\n]::/, `a value broke out of its line: ${problem.message}`);
  }
}
