import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ActionError } from '../../../src/errors.ts';
import { checkClaims, decodeJwtPayload, refGlobMatches } from '../../../src/identity/claims.ts';
import type { ClaimRules } from '../../../src/settings/types.ts';

function jwt(payload: unknown): string {
  const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  return `${part({ alg: 'RS256', typ: 'JWT' })}.${part(payload)}.c2ln`;
}

const claims = {
  repository: 'Acme/Hello',
  ref: 'refs/heads/main',
  environment: 'production',
  event_name: 'push',
  sub: 'repo:Acme/Hello:environment:production',
};

describe('decodeJwtPayload', () => {
  test('decodes the payload', () => assert.deepEqual(decodeJwtPayload(jwt(claims)), claims));
  for (const bad of ['', 'a.b', 'a.b.c.d', `x.${Buffer.from('[1]').toString('base64url')}.y`, 'x.!!!.y']) {
    test(`refuses ${JSON.stringify(bad)}`, () => assert.throws(() => decodeJwtPayload(bad), ActionError));
  }
});

describe('refGlobMatches', () => {
  const table: ReadonlyArray<readonly [string, string, boolean]> = [
    ['refs/heads/main', 'refs/heads/main', true],
    ['refs/heads/main', 'refs/heads/main2', false],
    ['refs/tags/v*', 'refs/tags/v1.2.3', true],
    ['refs/tags/v*', 'refs/tags/x1', false],
    ['refs/heads/*', 'refs/heads/feature/x', false],
    ['refs/heads/*/*', 'refs/heads/feature/x', true],
    ['refs/heads/release-*', 'refs/heads/release-2026.1', true],
    ['refs/heads/a.b', 'refs/heads/aXb', false],
    ['refs/heads/(x)', 'refs/heads/(x)', true],
  ];
  for (const [pattern, ref, expected] of table) {
    test(`${pattern} ~ ${ref} → ${expected}`, () => assert.equal(refGlobMatches(pattern, ref), expected));
  }
});

describe('checkClaims', () => {
  const open: ClaimRules = {
    repositories: ['acme/hello'],
    refs: undefined,
    environments: undefined,
    events: undefined,
  };
  const passing: ReadonlyArray<readonly [string, ClaimRules]> = [
    ['repository only, case-insensitive', open],
    [
      'all rules',
      {
        repositories: ['x/y', 'ACME/hello'],
        refs: ['refs/heads/*'],
        environments: ['production'],
        events: ['push', 'workflow_dispatch'],
      },
    ],
  ];
  for (const [name, rules] of passing) {
    test(`accepts: ${name}`, () => checkClaims(claims, rules, '.github/cloud-run.yml'));
  }

  const failing: ReadonlyArray<readonly [string, ClaimRules, Record<string, unknown>, RegExp, RegExp]> = [
    [
      'other repository',
      open,
      { ...claims, repository: 'evil/fork' },
      /'repository' claim is 'evil\/fork', which the policy's deployer.allow.repositories rule \('acme\/hello'\)/,
      /deployer\.allow\.repositories in \.github\/cloud-run\.yml/,
    ],
    [
      'ref outside the globs',
      { ...open, refs: ['refs/heads/main', 'refs/tags/v*'] },
      { ...claims, ref: 'refs/heads/feature' },
      /'ref' claim is 'refs\/heads\/feature'.*\('refs\/heads\/main', 'refs\/tags\/v\*'\)/,
      /Run from an allowed ref/,
    ],
    [
      'no environment',
      { ...open, environments: ['production'] },
      { repository: 'acme/hello', ref: 'refs/heads/main', event_name: 'push' },
      /'environment' claim is absent/,
      /environment: production/,
    ],
    [
      'other environment',
      { ...open, environments: ['production'] },
      { ...claims, environment: 'staging' },
      /'environment' claim is 'staging'/,
      /deployer\.allow\.environments/,
    ],
    [
      'event',
      { ...open, events: ['push'] },
      { ...claims, event_name: 'pull_request_target' },
      /'event_name' claim is 'pull_request_target'/,
      /deployer\.allow\.events/,
    ],
    ['repository missing', open, {}, /'repository' claim is absent/, /deployer\.allow\.repositories/],
    ['repository not a string', open, { repository: 42 }, /'repository' claim is absent/, /deployer\.allow/],
  ];
  for (const [name, rules, tokenClaims, message, remedy] of failing) {
    test(`refuses: ${name}`, () => {
      assert.throws(
        () => checkClaims(tokenClaims, rules, '.github/cloud-run.yml'),
        (error: unknown) => {
          assert.ok(error instanceof ActionError);
          assert.match(error.message, message);
          assert.match(error.remedy ?? '', remedy);
          return true;
        },
      );
    });
  }

  test('refuses against plan_allow, naming it and planning', () => {
    assert.throws(
      () =>
        checkClaims(
          { ...claims, event_name: 'pull_request' },
          { ...open, events: ['push'] },
          '.github/cloud-run.yml',
          'deployer.plan_allow',
        ),
      (error: unknown) => {
        assert.ok(error instanceof ActionError);
        assert.match(error.message, /the policy's deployer\.plan_allow\.events rule \('push'\)/);
        assert.match(
          error.remedy ?? '',
          /change deployer\.plan_allow\.events in .* if this one should plan\./,
        );
        return true;
      },
    );
  });
});
