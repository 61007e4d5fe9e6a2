import assert from 'node:assert/strict';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, afterEach, before, describe, test } from 'node:test';
import * as core from '@actions/core';
import { ActionError } from '../../src/errors.ts';
import { CALL_RETRY } from '../../src/google/retry.ts';
import { checkClaims, decodeJwtPayload } from '../../src/identity/claims.ts';
import { GitHubTokenError, requestGitHubIdToken } from '../../src/identity/github-token-request.ts';
import { getGitHubIdToken, type OidcDeps } from '../../src/identity/oidc.ts';
import { DEFAULT_AUDIENCE, type Harness, startHarness } from './identity-harness.ts';

let h: Harness;
before(async () => {
  h = await startHarness();
});
after(async () => h.close());
afterEach(() => {
  h.emulator.github.setClaims({}, true);
  h.emulator.github.setIdTokenAvailable(true);
  h.emulator.faults.clear();
});

/** The runner's environment for the emulator's current GitHub state (as the job would see it). */
function deps(extraEnv: Record<string, string> = {}): OidcDeps {
  const env = { ...h.emulator.env(), ...extraEnv };
  return {
    env,
    readFile: async (path) => (await import('node:fs/promises')).readFile(path, 'utf8'),
    getIDToken: async (audience) => {
      Object.assign(process.env, env);
      return core.getIDToken(audience);
    },
    setSecret: (secret) => h.observed.secrets.push(secret),
    retry: h.retry,
  };
}

describe('GitHub OIDC token against the emulator', () => {
  test('the token carries the requested audience and passes the policy claim check', async () => {
    const token = await getGitHubIdToken(DEFAULT_AUDIENCE, deps());
    const claims = decodeJwtPayload(token);
    assert.equal(claims.aud, DEFAULT_AUDIENCE);
    assert.ok(h.observed.secrets.includes(token));
    checkClaims(
      claims,
      { repositories: ['acme/hello'], refs: ['refs/heads/main'], environments: undefined, events: ['push'] },
      '.github/cloud-run.yml',
    );
  });

  test('a job without id-token: write is told what YAML to add', async () => {
    h.emulator.github.setIdTokenAvailable(false);
    await assert.rejects(getGitHubIdToken(DEFAULT_AUDIENCE, deps()), (error: unknown) => {
      assert.ok(error instanceof ActionError);
      assert.match(error.remedy ?? '', /id-token: write/);
      return true;
    });
  });

  test('a fork pull request is told that forks never get tokens', async () => {
    h.emulator.github.simulateForkPullRequest();
    const dir = await mkdtemp(join(tmpdir(), 'event-'));
    const eventPath = join(dir, 'event.json');
    await writeFile(
      eventPath,
      JSON.stringify({ pull_request: { head: { repo: { fork: true, full_name: 'mallory/hello' } } } }),
    );
    await assert.rejects(
      getGitHubIdToken(DEFAULT_AUDIENCE, deps({ GITHUB_EVENT_PATH: eventPath })),
      /from a fork/,
    );
  });

  test('transient failures of the token service are retried', async () => {
    h.emulator.faults.add({ api: 'oidc', fault: { type: 'reset' }, times: 1 });
    const token = await getGitHubIdToken(DEFAULT_AUDIENCE, deps());
    assert.match(token, /^[\w-]+\.[\w-]+\.[\w-]+$/);
  });

  test('the policy claim check refuses a ref outside the rules', async () => {
    h.emulator.github.setClaims({ ref: 'refs/heads/feature' });
    const claims = decodeJwtPayload(await getGitHubIdToken(DEFAULT_AUDIENCE, deps()));
    assert.throws(
      () =>
        checkClaims(
          claims,
          {
            repositories: ['acme/hello'],
            refs: ['refs/heads/main'],
            environments: undefined,
            events: undefined,
          },
          '.github/cloud-run.yml',
        ),
      /'ref' claim is 'refs\/heads\/feature'/,
    );
  });
});

/** Requests the emulator's GitHub token service saw. */
function tokenRequests(): number {
  return h.emulator.log.entries().filter((entry) => entry.api === 'oidc' && /^\/token/.test(entry.path))
    .length;
}

/** The action's own request (one per attempt, own timeout) in place of core.getIDToken. */
function direct(timeoutMs = 10_000): OidcDeps {
  const base = deps();
  return { ...base, getIDToken: (audience) => requestGitHubIdToken(audience, base.env, timeoutMs) };
}

describe('requestGitHubIdToken against the emulator', () => {
  test('gets the token for the audience, as core.getIDToken does', async () => {
    const token = await requestGitHubIdToken(DEFAULT_AUDIENCE, h.emulator.env(), 10_000);
    assert.equal(decodeJwtPayload(token).aud, DEFAULT_AUDIENCE);
  });

  test('a persistent 503 costs one request per attempt and is named', async () => {
    h.emulator.faults.add({ api: 'oidc', fault: { type: 'error', status: 503 } });
    const before = tokenRequests();
    await assert.rejects(getGitHubIdToken(DEFAULT_AUDIENCE, direct()), (error: unknown) => {
      assert.ok(error instanceof ActionError);
      assert.match(error.message, /Could not get a GitHub OIDC token .*GitHub answered HTTP 503/);
      return true;
    });
    assert.equal(tokenRequests() - before, CALL_RETRY.maxAttempts);
  });

  test('an unanswered request ends at its timeout and the next attempt gets the token', async () => {
    h.emulator.faults.add({ api: 'oidc', fault: { type: 'timeout' }, times: 1 });
    const before = tokenRequests();
    const started = Date.now();
    const token = await getGitHubIdToken(DEFAULT_AUDIENCE, direct(300));
    assert.match(token, /^[\w-]+\.[\w-]+\.[\w-]+$/);
    assert.equal(tokenRequests() - before, 2);
    assert.ok(Date.now() - started < 5_000);
    assert.ok(h.observed.logs.some((line) => /no answer within 0\.3 s/.test(line)));
  });

  test('a reset is named as a network failure, with its code', async () => {
    h.emulator.faults.add({ api: 'oidc', fault: { type: 'reset' }, times: 1 });
    await assert.rejects(
      requestGitHubIdToken(DEFAULT_AUDIENCE, h.emulator.env(), 10_000),
      (error: unknown) => {
        assert.ok(error instanceof GitHubTokenError);
        assert.match(
          error.message,
          /the token request failed: network failure before an answer \((ECONNRESET|UND_ERR_SOCKET): /,
        );
        return true;
      },
    );
  });
});
