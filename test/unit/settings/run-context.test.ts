import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ActionError } from '../../../src/errors.ts';
import { readRunContext } from '../../../src/settings/run-context.ts';

const ENV = {
  GITHUB_REPOSITORY: 'acme/hello',
  GITHUB_SHA: 'a'.repeat(40),
  GITHUB_REF: 'refs/heads/main',
  GITHUB_RUN_ID: '42',
  GITHUB_RUN_ATTEMPT: '2',
  GITHUB_SERVER_URL: 'https://github.example.com',
  GITHUB_EVENT_NAME: 'push',
  GITHUB_WORKFLOW: 'deploy',
};

test('reads the GITHUB_* variables', () => {
  assert.deepEqual(readRunContext(ENV), {
    repository: 'acme/hello',
    sha: 'a'.repeat(40),
    ref: 'refs/heads/main',
    runId: '42',
    runAttempt: '2',
    serverUrl: 'https://github.example.com',
    eventName: 'push',
    workflow: 'deploy',
  });
});

test('optional variables fall back; missing required ones are named', () => {
  const context = readRunContext({ ...ENV, GITHUB_RUN_ATTEMPT: undefined, GITHUB_SERVER_URL: '' });
  assert.equal(context.runAttempt, '1');
  assert.equal(context.serverUrl, 'https://github.com');
  assert.throws(
    () => readRunContext({ ...ENV, GITHUB_SHA: '', GITHUB_RUN_ID: undefined }),
    (error: unknown) =>
      error instanceof ActionError && error.message === 'The runner did not set GITHUB_SHA, GITHUB_RUN_ID.',
  );
});
