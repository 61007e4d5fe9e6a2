import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { describeHealth, type HealthCheckSpec, healthCheck } from '../../../src/apply/health-check.ts';

const SPEC: HealthCheckSpec = {
  url: 'http://127.0.0.1:1/healthz',
  idToken: 'id-token',
  requests: 10,
  successRatio: 0.9,
  timeoutMs: 500,
  intervalMs: 100,
};

/** A fetch answering from a script of statuses (a number) or failures (an Error). */
function scripted(answers: readonly (number | Error)[]) {
  const calls: { url: string; authorization: string | undefined }[] = [];
  let i = 0;
  const fetch = async (url: string, init: RequestInit): Promise<Response> => {
    calls.push({ url, authorization: new Headers(init.headers).get('authorization') ?? undefined });
    const answer = answers[i++ % answers.length] ?? 200;
    if (answer instanceof Error) throw answer;
    return new Response('body', { status: answer });
  };
  const sleeps: number[] = [];
  return { calls, sleeps, deps: { fetch, sleep: async (ms: number) => void sleeps.push(ms) } };
}

describe('healthCheck', () => {
  it('passes at exactly the ratio, sending the ID token to the URL, pausing between requests', async () => {
    const { calls, sleeps, deps } = scripted([200, 200, 200, 200, 200, 200, 200, 200, 200, 503]);
    const result = await healthCheck(SPEC, deps);
    assert.deepEqual(result, { passed: true, succeeded: 9, requests: 10, failures: ['HTTP 503'] });
    assert.equal(calls.length, 10);
    assert.ok(calls.every((call) => call.url === SPEC.url && call.authorization === 'Bearer id-token'));
    assert.deepEqual(sleeps, Array(9).fill(100));
  });

  it('fails below the ratio, listing each reason once', async () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
    const timeout = new DOMException('The operation was aborted due to timeout', 'TimeoutError');
    const { deps } = scripted([200, 500, refused, timeout, 500, 200, 200, 200, 200, 200]);
    const result = await healthCheck(SPEC, deps);
    assert.equal(result.passed, false);
    assert.equal(result.succeeded, 6);
    assert.deepEqual(result.failures, [
      'HTTP 500',
      'network failure before an answer (connect ECONNREFUSED)',
      'no answer within 0.5 s',
    ]);
    assert.equal(
      describeHealth(SPEC, result),
      `6 of 10 requests to ${SPEC.url} answered 2xx (needed 9; failures: HTTP 500, network failure before an answer (connect ECONNREFUSED), no answer within 0.5 s)`,
    );
  });

  it('a redirect (a sign-in page) is no success; no token is sent for a public service', async () => {
    const { calls, deps } = scripted([302]);
    const { idToken: _token, ...publicSpec } = SPEC;
    const result = await healthCheck({ ...publicSpec, requests: 2, successRatio: 0.5 }, deps);
    assert.equal(result.passed, false);
    assert.ok(calls.every((call) => call.authorization === undefined));
  });
});
