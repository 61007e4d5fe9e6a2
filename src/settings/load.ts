/**
 * The one entry point: action inputs (from the environment) + the policy file (through an
 * injected reader) → `Settings`, or a `SettingsError` carrying every located problem.
 */
import { closeSync, openSync, readSync } from 'node:fs';
import { isAbsolute, relative, resolve, sep } from 'node:path';
import { type ActionError, describe } from '../errors.ts';
import { combine } from './combine.ts';
import { type Environment, readInputs } from './inputs.ts';
import { MAX_POLICY_BYTES } from './limits.ts';
import { type Policy, parsePolicy } from './policy.ts';
import { fileProblem, inputProblem, SettingsError } from './problems.ts';
import type { Settings } from './types.ts';

/** Reads a file; `undefined` when it does not exist. May return only the first bytes of a huge file. */
export type ReadFile = (absolutePath: string) => string | Uint8Array | undefined;

export const DEFAULT_POLICY_PATH = '.github/cloud-run.yml';

export function loadSettings(env: Environment, readFile: ReadFile, workspaceDir: string): Settings {
  const read = readInputs(env);
  const problems: ActionError[] = [...read.problems];
  const policy = loadPolicy(read.inputs.policy, readFile, workspaceDir, problems);
  if (problems.length > 0) throw new SettingsError(problems);
  return combine(read.inputs, policy);
}

function loadPolicy(
  input: string | undefined,
  readFile: ReadFile,
  workspaceDir: string,
  problems: ActionError[],
): Policy | undefined {
  const wanted = input ?? DEFAULT_POLICY_PATH;
  const absolute = resolve(workspaceDir, wanted);
  const shown = relative(workspaceDir, absolute).split(sep).join('/');
  if (shown === '' || shown.startsWith('../') || shown === '..' || isAbsolute(shown)) {
    problems.push(
      inputProblem(
        'policy',
        `'${wanted}' is outside the workspace ${workspaceDir}`,
        'Give a path inside the repository, e.g. .github/cloud-run.yml.',
      ),
    );
    return undefined;
  }
  let content: string | Uint8Array | undefined;
  try {
    content = readFile(absolute);
  } catch (error) {
    problems.push(
      inputProblem(
        'policy',
        `could not read '${shown}': ${describe(error)}`,
        'Check that the path names a readable file in the repository (and that actions/checkout ran).',
      ),
    );
    return undefined;
  }
  if (content === undefined) {
    if (input !== undefined) {
      problems.push(
        inputProblem(
          'policy',
          `'${shown}' does not exist in the workspace`,
          'Check the path (relative to the repository root) and that actions/checkout ran before this step.',
        ),
      );
    }
    return undefined;
  }
  const start = { kind: 'file', file: shown, line: 1, column: 1 } as const;
  let text: string;
  try {
    text = typeof content === 'string' ? content : new TextDecoder('utf-8', { fatal: true }).decode(content);
  } catch {
    problems.push(fileProblem(start, 'the policy file is not valid UTF-8', 'Save the file as UTF-8.'));
    return undefined;
  }
  try {
    return parsePolicy(text, shown);
  } catch (error) {
    if (!(error instanceof SettingsError)) throw error;
    problems.push(...error.problems);
    return undefined;
  }
}

/**
 * Reads a policy file from disk: `undefined` when missing, and never more than one byte past the
 * size limit, so a huge file is refused without loading it.
 */
export function readPolicyFile(absolutePath: string): Uint8Array | undefined {
  let descriptor: number;
  try {
    descriptor = openSync(absolutePath, 'r');
  } catch (error) {
    if (isMissing(error)) return undefined;
    throw error;
  }
  try {
    const buffer = Buffer.alloc(MAX_POLICY_BYTES + 1);
    let length = 0;
    while (length < buffer.length) {
      const got = readSync(descriptor, buffer, length, buffer.length - length, null);
      if (got === 0) break;
      length += got;
    }
    return buffer.subarray(0, length);
  } finally {
    closeSync(descriptor);
  }
}

function isMissing(error: unknown): boolean {
  return (
    typeof error === 'object' &&
    error !== null &&
    'code' in error &&
    (error.code === 'ENOENT' || error.code === 'ENOTDIR')
  );
}
