import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { freshRevisionName } from '../../../src/plan/revision-name.ts';

const SHA = 'ABCDEF0123456789abcdef0123456789abcdef01';
const VALID = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;

describe('freshRevisionName', () => {
  it('is service, short sha, attempt and a hash', () => {
    const name = freshRevisionName({ service: 'hello', sha: SHA, runAttempt: '2', seed: 's', taken: [] });
    assert.match(name, /^hello-abcdef0-2-[0-9a-f]{6}$/);
  });

  it('is deterministic for one seed and differs between seeds', () => {
    const make = (seed: string) =>
      freshRevisionName({ service: 'hello', sha: SHA, runAttempt: '1', seed, taken: [] });
    assert.equal(make('run 1'), make('run 1'));
    assert.notEqual(make('run 1'), make('run 2'));
  });

  it('never returns a taken name', () => {
    const input = { service: 'hello', sha: SHA, runAttempt: '1', seed: 'same' };
    const first = freshRevisionName({ ...input, taken: [] });
    const second = freshRevisionName({ ...input, taken: [first] });
    assert.notEqual(first, second);
    assert.match(second, /^hello-abcdef0-1-/);
  });

  it('fits 63 characters and the revision name rules for any valid service name', () => {
    const serviceName = fc
      .tuple(
        fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz'),
        fc.string({ unit: fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz0123456789-'), maxLength: 47 }),
        fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz0123456789'),
      )
      .map(([head, middle, tail]) => `${head}${middle}${tail}`);
    fc.assert(
      fc.property(serviceName, fc.nat({ max: 999 }), fc.string(), (service, attempt, seed) => {
        const name = freshRevisionName({ service, sha: SHA, runAttempt: String(attempt), seed, taken: [] });
        return name.length <= 63 && name.startsWith(`${service}-`) && VALID.test(name);
      }),
    );
  });

  it('refuses a service name too long to leave room for a suffix', () => {
    assert.throws(
      () => freshRevisionName({ service: 'a'.repeat(60), sha: SHA, runAttempt: '1', seed: 's', taken: [] }),
      /too long to derive a revision name/,
    );
  });
});
