/** Facts about the workflow run, read once from the runner's `GITHUB_*` variables. */
import { ActionError } from '../errors.ts';
import type { Environment } from './inputs.ts';
import type { RunContext } from './types.ts';

const REQUIRED = ['GITHUB_REPOSITORY', 'GITHUB_SHA', 'GITHUB_RUN_ID', 'GITHUB_EVENT_NAME'] as const;

export function readRunContext(env: Environment): RunContext {
  const missing = REQUIRED.filter((name) => (env[name] ?? '') === '');
  if (missing.length > 0) {
    throw new ActionError(`The runner did not set ${missing.join(', ')}.`, {
      remedy: 'Run this action as a step of a GitHub Actions job (the runner sets the GITHUB_* variables).',
    });
  }
  const get = (name: string, fallback: string): string => {
    const value = env[name];
    return value === undefined || value === '' ? fallback : value;
  };
  return Object.freeze({
    repository: get('GITHUB_REPOSITORY', ''),
    sha: get('GITHUB_SHA', ''),
    ref: get('GITHUB_REF', ''),
    runId: get('GITHUB_RUN_ID', ''),
    runAttempt: get('GITHUB_RUN_ATTEMPT', '1'),
    serverUrl: get('GITHUB_SERVER_URL', 'https://github.com'),
    eventName: get('GITHUB_EVENT_NAME', ''),
    workflow: get('GITHUB_WORKFLOW', ''),
  });
}
