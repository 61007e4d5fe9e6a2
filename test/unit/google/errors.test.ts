import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  classifyError,
  type ErrorCategory,
  isRefusedBeforeActing,
  isTransient,
  retryAfterMs,
} from '../../../src/google/errors.ts';

/** Shapes as the libraries throw them (see the comments in src/google/errors.ts). */
function gaxError(code: number, message: string, extra: Record<string, unknown> = {}): Error {
  return Object.assign(new Error(message), { code, ...extra });
}

function gaxiosError(status: number, data: unknown, headers: Record<string, string> = {}): Error {
  return Object.assign(new Error(`Request failed with status code ${status}`), {
    status,
    response: { status, data, headers: new Headers(headers) },
  });
}

function googleBody(code: number, status: string, message: string, details: unknown[] = []) {
  return { error: { code, status, message, details } };
}

function networkError(code: string): Error {
  const cause = Object.assign(new Error(`connect ${code} 127.0.0.1:1`), { code });
  return Object.assign(new Error('request to http://127.0.0.1:1/ failed'), { cause, code });
}

function fetchError(code: string): Error {
  return new TypeError('fetch failed', { cause: Object.assign(new Error('other side closed'), { code }) });
}

describe('classifyError', () => {
  const cases: ReadonlyArray<readonly [string, unknown, ErrorCategory]> = [
    ['gax UNAVAILABLE', gaxError(14, 'unavailable'), 'transient'],
    ['gax DEADLINE_EXCEEDED', gaxError(4, 'deadline'), 'transient'],
    ['gax RESOURCE_EXHAUSTED', gaxError(8, 'quota'), 'transient'],
    ['gax INTERNAL', gaxError(13, 'internal'), 'transient'],
    ['gax ABORTED', gaxError(10, 'concurrent policy changes'), 'conflict'],
    ['gax ALREADY_EXISTS', gaxError(6, 'exists'), 'already-exists'],
    ['gax PERMISSION_DENIED', gaxError(7, 'denied'), 'permission'],
    ['gax UNAUTHENTICATED', gaxError(16, 'no'), 'auth'],
    ['gax NOT_FOUND', gaxError(5, 'missing'), 'not-found'],
    ['gax INVALID_ARGUMENT', gaxError(3, 'bad'), 'invalid'],
    ['gax FAILED_PRECONDITION', gaxError(9, 'bad'), 'invalid'],
    ['gaxios 503 Google body', gaxiosError(503, googleBody(503, 'UNAVAILABLE', 'down')), 'transient'],
    ['gaxios 500 no body', gaxiosError(500, ''), 'transient'],
    ['gaxios 502 html', gaxiosError(502, '<html>bad gateway</html>'), 'transient'],
    ['gaxios 501', gaxiosError(501, ''), 'invalid'],
    ['gaxios 408', gaxiosError(408, ''), 'transient'],
    ['gaxios 429', gaxiosError(429, googleBody(429, 'RESOURCE_EXHAUSTED', 'slow down')), 'transient'],
    ['gaxios 409 ABORTED', gaxiosError(409, googleBody(409, 'ABORTED', 'etag')), 'conflict'],
    ['gaxios 409 ALREADY_EXISTS', gaxiosError(409, googleBody(409, 'ALREADY_EXISTS', 'x')), 'already-exists'],
    ['gaxios 409 no body', gaxiosError(409, ''), 'conflict'],
    ['gaxios 403', gaxiosError(403, googleBody(403, 'PERMISSION_DENIED', 'denied')), 'permission'],
    ['gaxios 401', gaxiosError(401, googleBody(401, 'UNAUTHENTICATED', 'no')), 'auth'],
    ['gaxios 404', gaxiosError(404, googleBody(404, 'NOT_FOUND', 'no')), 'not-found'],
    ['gaxios 400', gaxiosError(400, googleBody(400, 'INVALID_ARGUMENT', 'bad')), 'invalid'],
    ['STS OAuth 400', gaxiosError(400, { error: 'invalid_grant', error_description: 'x' }), 'invalid'],
    ['ECONNRESET', networkError('ECONNRESET'), 'transient'],
    ['ECONNREFUSED', networkError('ECONNREFUSED'), 'transient'],
    ['fetch socket closed', fetchError('UND_ERR_SOCKET'), 'transient'],
    ['timeout DOMException', new DOMException('The operation timed out.', 'TimeoutError'), 'transient'],
    ['abort is not transient', new DOMException('aborted', 'AbortError'), 'unknown'],
    ['ENOTFOUND is not transient', networkError('ENOTFOUND'), 'unknown'],
    ['plain error', new Error('boom'), 'unknown'],
    ['a string', 'boom', 'unknown'],
  ];
  for (const [name, error, category] of cases) {
    test(name, () => assert.equal(classifyError(error).category, category));
  }

  test('reads ErrorInfo from a Google JSON body', () => {
    const error = gaxiosError(
      403,
      googleBody(403, 'PERMISSION_DENIED', "Permission 'iam.serviceAccounts.getAccessToken' denied", [
        {
          '@type': 'type.googleapis.com/google.rpc.ErrorInfo',
          reason: 'IAM_PERMISSION_DENIED',
          domain: 'iam.googleapis.com',
          metadata: { permission: 'iam.serviceAccounts.getAccessToken' },
        },
      ]),
    );
    const classified = classifyError(error);
    assert.equal(classified.reason, 'IAM_PERMISSION_DENIED');
    assert.deepEqual(classified.metadata, { permission: 'iam.serviceAccounts.getAccessToken' });
    assert.equal(classified.grpcCode, 7);
    assert.equal(classified.httpStatus, 403);
    assert.equal(classified.message, "Permission 'iam.serviceAccounts.getAccessToken' denied");
  });

  test('reads ErrorInfo from a gax error', () => {
    const classified = classifyError(
      gaxError(7, 'denied', { reason: 'IAM_PERMISSION_DENIED', errorInfoMetadata: { permission: 'run.x' } }),
    );
    assert.equal(classified.status, 'PERMISSION_DENIED');
    assert.equal(classified.reason, 'IAM_PERMISSION_DENIED');
    assert.deepEqual(classified.metadata, { permission: 'run.x' });
  });

  test('reads the OAuth error of STS, even behind a wrapping error', () => {
    const inner = gaxiosError(400, {
      error: 'unauthorized_client',
      error_description: 'The given credential is rejected by the attribute condition.',
    });
    const classified = classifyError(new Error('wrapped', { cause: inner }));
    assert.equal(classified.oauthError, 'unauthorized_client');
    assert.equal(classified.message, 'The given credential is rejected by the attribute condition.');
  });

  test('parses a JSON body delivered as text', () => {
    const classified = classifyError(
      gaxiosError(403, JSON.stringify(googleBody(403, 'PERMISSION_DENIED', 'no'))),
    );
    assert.equal(classified.status, 'PERMISSION_DENIED');
  });

  test('isTransient', () => {
    assert.equal(isTransient(gaxError(14, 'x')), true);
    assert.equal(isTransient(gaxiosError(403, '')), false);
  });
});

describe('retryAfterMs', () => {
  const now = Date.parse('2026-01-01T00:00:00Z');
  test('delta seconds', () =>
    assert.equal(retryAfterMs(gaxiosError(429, '', { 'retry-after': '7' }), now), 7000));
  test('HTTP date', () =>
    assert.equal(
      retryAfterMs(gaxiosError(503, '', { 'Retry-After': 'Thu, 01 Jan 2026 00:00:30 GMT' }), now),
      30_000,
    ));
  test('date in the past is zero', () =>
    assert.equal(
      retryAfterMs(gaxiosError(503, '', { 'retry-after': 'Wed, 31 Dec 2025 00:00:00 GMT' }), now),
      0,
    ));
  test('plain header object', () => {
    const error = Object.assign(new Error('x'), {
      response: { status: 503, headers: { 'Retry-After': '2' } },
    });
    assert.equal(retryAfterMs(error, now), 2000);
  });
  test('garbage is ignored', () =>
    assert.equal(retryAfterMs(gaxiosError(503, '', { 'retry-after': 'soon' }), now), undefined));
  test('absent', () => assert.equal(retryAfterMs(new Error('x'), now), undefined));
});

describe('isRefusedBeforeActing: only an answered 429/503 proves Google did not act', () => {
  const cases: ReadonlyArray<readonly [string, unknown, boolean]> = [
    // gax's REST transport keeps the received status in httpStatusCode.
    ['gax 503', gaxError(14, 'unavailable', { httpStatusCode: 503 }), true],
    ['gax 429', gaxError(8, 'quota', { httpStatusCode: 429 }), true],
    ['gax 500', gaxError(13, 'internal', { httpStatusCode: 500 }), false],
    ['gax reset (UNAVAILABLE, no answer)', gaxError(14, 'request failed, reason: socket hang up'), false],
    ['gax timeout', gaxError(4, 'Deadline exceeded'), false],
    ['gaxios 503', gaxiosError(503, googleBody(503, 'UNAVAILABLE', 'down')), true],
    ['a network failure', networkError('ECONNRESET'), false],
    ['gax ALREADY_EXISTS', gaxError(6, 'exists', { httpStatusCode: 409 }), false],
  ];
  for (const [label, error, expected] of cases) {
    test(label, () => assert.equal(isRefusedBeforeActing(error), expected));
  }

  test('the gax HTTP status is reported with the gRPC status', () => {
    const info = classifyError(gaxError(14, 'unavailable', { httpStatusCode: 503 }));
    assert.equal(info.httpStatus, 503);
    assert.equal(info.status, 'UNAVAILABLE');
    assert.equal(info.category, 'transient');
  });
});
