import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ActionError } from '../../../src/errors.ts';
import { CALL_RETRY, REQUEST_TIMEOUT_MS, type RetryDeps } from '../../../src/google/retry.ts';
import { GitHubTokenError } from '../../../src/identity/github-token-request.ts';
import {
  getGitHubIdToken,
  isForkPullRequest,
  isTransientOidcFailure,
  type OidcDeps,
} from '../../../src/identity/oidc.ts';

const retry: RetryDeps = { sleep: async () => {}, random: () => 0.5, now: () => 0, log: () => {} };

function deps(over: Partial<OidcDeps> & { files?: Record<string, string> } = {}) {
  const secrets: string[] = [];
  const logs: string[] = [];
  const base: OidcDeps = {
    env: {
      ACTIONS_ID_TOKEN_REQUEST_URL: 'http://127.0.0.1/token?x=1',
      ACTIONS_ID_TOKEN_REQUEST_TOKEN: 'req',
    },
    readFile: async (path) => {
      const content = over.files?.[path];
      if (content === undefined) throw new Error(`ENOENT ${path}`);
      return content;
    },
    getIDToken: async () => 'header.payload.sig',
    setSecret: (secret) => {
      secrets.push(secret);
    },
    retry: { ...retry, log: (message) => logs.push(message) },
  };
  return { deps: { ...base, ...over }, secrets, logs };
}

const forkEvent = JSON.stringify({
  pull_request: {
    head: { repo: { fork: true, full_name: 'mallory/hello' } },
    base: { repo: { full_name: 'acme/hello' } },
  },
});

describe('isForkPullRequest', () => {
  const table: ReadonlyArray<readonly [string | undefined, unknown, boolean]> = [
    ['pull_request', JSON.parse(forkEvent), true],
    ['pull_request_target', JSON.parse(forkEvent), true],
    ['pull_request', { pull_request: { head: { repo: { fork: false, full_name: 'other/hello' } } } }, true],
    ['pull_request', { pull_request: { head: { repo: { fork: false, full_name: 'ACME/hello' } } } }, false],
    ['push', JSON.parse(forkEvent), false],
    ['pull_request', undefined, false],
    ['pull_request', { pull_request: {} }, false],
  ];
  table.forEach(([event, payload, expected], index) => {
    test(`case ${index}: ${event} → ${expected}`, () =>
      assert.equal(isForkPullRequest(event, payload, 'acme/hello'), expected));
  });
});

describe('isTransientOidcFailure', () => {
  const message = (code: string) =>
    new Error(`Error message: Failed to get ID Token. \n Error Code : ${code}\n Error Message: x`);
  const table: ReadonlyArray<readonly [Error, boolean]> = [
    [message('503'), true],
    [message('500'), true],
    [message('429'), true],
    [message('undefined'), true],
    [message('403'), false],
    [message('400'), false],
    [new Error('Response json body do not have ID Token field'), false],
    // requestGitHubIdToken's errors: by status, or by the network failure in their cause.
    [new GitHubTokenError('GitHub answered HTTP 503: x', { status: 503 }), true],
    [new GitHubTokenError('GitHub answered HTTP 429: x', { status: 429 }), true],
    [new GitHubTokenError('GitHub answered HTTP 403: x', { status: 403 }), false],
    [
      new GitHubTokenError('the token request failed: ECONNRESET', {
        cause: new TypeError('fetch failed', {
          cause: Object.assign(new Error('reset'), { code: 'ECONNRESET' }),
        }),
      }),
      true,
    ],
    [new DOMException('GitHub OIDC token request got no answer within 10.0 s', 'TimeoutError'), true],
    [new GitHubTokenError('GitHub answered without a token (no "value" in the JSON body)'), false],
  ];
  table.forEach(([error, expected], index) => {
    test(`case ${index} → ${expected}`, () => assert.equal(isTransientOidcFailure(error), expected));
  });
});

describe('getGitHubIdToken', () => {
  test('returns and masks the token', async () => {
    const { deps: d, secrets } = deps();
    assert.equal(await getGitHubIdToken('aud', d), 'header.payload.sig');
    assert.deepEqual(secrets, ['header.payload.sig']);
  });

  test('without the variables, asks for id-token: write and shows the YAML', async () => {
    const { deps: d } = deps({ env: { GITHUB_EVENT_NAME: 'push' } });
    await assert.rejects(getGitHubIdToken('aud', d), (error: unknown) => {
      assert.ok(error instanceof ActionError);
      assert.match(error.message, /lacks the id-token permission/);
      assert.match(error.remedy ?? '', /permissions:\n {2}id-token: write/);
      return true;
    });
  });

  test('for a fork pull request, explains that forks never get a token', async () => {
    const { deps: d } = deps({
      env: {
        GITHUB_EVENT_NAME: 'pull_request',
        GITHUB_EVENT_PATH: '/e.json',
        GITHUB_REPOSITORY: 'acme/hello',
      },
      files: { '/e.json': forkEvent },
    });
    await assert.rejects(getGitHubIdToken('aud', d), (error: unknown) => {
      assert.ok(error instanceof ActionError);
      assert.match(error.message, /pull request from a fork/);
      assert.match(error.remedy ?? '', /base repository/);
      return true;
    });
  });

  test('an unreadable event payload falls back to the permission advice', async () => {
    const { deps: d } = deps({
      env: { GITHUB_EVENT_NAME: 'pull_request', GITHUB_EVENT_PATH: '/missing.json' },
    });
    await assert.rejects(getGitHubIdToken('aud', d), /lacks the id-token permission/);
  });

  test('retries transient failures, bounded, then reports the last one', async () => {
    let calls = 0;
    const { deps: d, logs } = deps({
      getIDToken: async () => {
        calls++;
        throw new Error(
          `Error message: Failed to get ID Token. \n Error Code : 50${calls}\n Error Message: down`,
        );
      },
    });
    await assert.rejects(getGitHubIdToken('aud', d), (error: unknown) => {
      assert.ok(error instanceof ActionError);
      assert.match(
        error.message,
        new RegExp(
          `Could not get a GitHub OIDC token for audience 'aud'.*Error Code : 50${CALL_RETRY.maxAttempts}`,
        ),
      );
      return true;
    });
    assert.equal(calls, CALL_RETRY.maxAttempts);
    assert.equal(logs.length, CALL_RETRY.maxAttempts);
  });

  test('an attempt that never answers is abandoned at its deadline and tried anew', async (t) => {
    t.mock.timers.enable({ apis: ['setTimeout'] });
    let calls = 0;
    const { deps: d, logs } = deps({
      getIDToken: (): Promise<string> => {
        calls++;
        // The first request is never answered; the second is.
        return calls === 1 ? new Promise(() => {}) : Promise.resolve('header.payload.sig');
      },
    });
    const pending = getGitHubIdToken('aud', d);
    // Let the first attempt start, then pass its deadline.
    await Promise.resolve();
    t.mock.timers.tick(REQUEST_TIMEOUT_MS);
    assert.equal(await pending, 'header.payload.sig');
    assert.equal(calls, 2);
    assert.match(logs[0] ?? '', /GitHub OIDC token request got no answer within 10\.0 s; retrying/);
  });

  test('does not retry a refusal', async () => {
    let calls = 0;
    const { deps: d } = deps({
      getIDToken: async () => {
        calls++;
        throw new Error('Error message: Failed to get ID Token. \n Error Code : 403\n Error Message: no');
      },
    });
    await assert.rejects(getGitHubIdToken('aud', d), ActionError);
    assert.equal(calls, 1);
  });
});
