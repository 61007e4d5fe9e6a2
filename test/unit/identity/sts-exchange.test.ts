import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parseExchangeResponse } from '../../../src/identity/sts-exchange.ts';

describe('parseExchangeResponse', () => {
  test('the token and its expiry from expires_in', () => {
    const body = {
      access_token: 'ya29.federated',
      issued_token_type: 'urn:ietf:params:oauth:token-type:access_token',
      token_type: 'Bearer',
      expires_in: 3599,
    };
    assert.deepEqual(parseExchangeResponse(body, 1_000), {
      accessToken: 'ya29.federated',
      expiryDate: 3_600_000,
    });
  });

  const broken: ReadonlyArray<readonly [string, unknown, RegExp]> = [
    ['no body', undefined, /without an access token/],
    ['an empty token', { access_token: '', expires_in: 3599 }, /without an access token/],
    ['no expiry', { access_token: 't' }, /without expires_in/],
    ['a zero expiry', { access_token: 't', expires_in: 0 }, /without expires_in/],
  ];
  for (const [label, body, message] of broken) {
    test(`${label} is refused`, () => assert.throws(() => parseExchangeResponse(body, 0), message));
  }
});
