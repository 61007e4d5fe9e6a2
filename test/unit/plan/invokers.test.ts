import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { planInvokers } from '../../../src/plan/invokers.ts';
import type { IamPolicy } from '../../../src/plan/types.ts';

const INVOKER = 'roles/run.invoker';
const CALLER = 'serviceAccount:caller@demo-project.iam.gserviceaccount.com';
const OTHER = 'user:someone@example.com';
const ETAG = Buffer.from('BwYAAAAAAAE=', 'base64');
const CONDITIONAL = {
  role: INVOKER,
  members: ['user:temp@example.com'],
  condition: { title: 'until', expression: 'request.time < timestamp("2030-01-01T00:00:00Z")' },
};
const VIEWER = { role: 'roles/run.viewer', members: ['group:ops@example.com'] };

interface Case {
  readonly name: string;
  readonly declared: readonly string[] | undefined;
  readonly current: IamPolicy | undefined;
  readonly expected: {
    managed: boolean;
    add: string[];
    remove: string[];
    keep: string[];
    policy: IamPolicy | undefined;
  };
}

const cases: Case[] = [
  {
    name: 'unmanaged: nothing at all',
    declared: undefined,
    current: { etag: ETAG, bindings: [{ role: INVOKER, members: [OTHER] }] },
    expected: { managed: false, add: [], remove: [], keep: [], policy: undefined },
  },
  {
    name: 'new service (no policy): add the declared members',
    declared: [CALLER],
    current: undefined,
    expected: {
      managed: true,
      add: [CALLER],
      remove: [],
      keep: [],
      policy: { version: 1, bindings: [{ role: INVOKER, members: [CALLER] }] },
    },
  },
  {
    name: 'empty policy read from the server keeps its etag',
    declared: [CALLER],
    current: { version: 1, etag: ETAG, bindings: [] },
    expected: {
      managed: true,
      add: [CALLER],
      remove: [],
      keep: [],
      policy: { version: 1, etag: ETAG, bindings: [{ role: INVOKER, members: [CALLER] }] },
    },
  },
  {
    name: 'already as declared: no policy to write',
    declared: [CALLER],
    current: { version: 1, etag: ETAG, bindings: [VIEWER, { role: INVOKER, members: [CALLER] }] },
    expected: { managed: true, add: [], remove: [], keep: [CALLER], policy: undefined },
  },
  {
    name: 'email members compare case-insensitively',
    declared: ['serviceAccount:Caller@demo-project.iam.gserviceaccount.com'],
    current: { etag: ETAG, bindings: [{ role: INVOKER, members: [CALLER] }] },
    expected: {
      managed: true,
      add: [],
      remove: [],
      keep: ['serviceAccount:Caller@demo-project.iam.gserviceaccount.com'],
      policy: undefined,
    },
  },
  {
    name: 'drift is removed, other roles and conditional invoker bindings untouched, version 3',
    declared: [CALLER],
    current: {
      version: 3,
      etag: ETAG,
      bindings: [VIEWER, { role: INVOKER, members: [OTHER, CALLER] }, CONDITIONAL],
    },
    expected: {
      managed: true,
      add: [],
      remove: [OTHER],
      keep: [CALLER],
      policy: {
        version: 3,
        etag: ETAG,
        bindings: [VIEWER, { role: INVOKER, members: [CALLER] }, CONDITIONAL],
      },
    },
  },
  {
    name: 'split unconditional invoker bindings merge into one, in place of the first',
    declared: [CALLER, 'allUsers'],
    current: {
      etag: ETAG,
      bindings: [
        { role: INVOKER, members: [CALLER] },
        VIEWER,
        { role: INVOKER, members: ['allUsers', OTHER] },
      ],
    },
    expected: {
      managed: true,
      add: [],
      remove: [OTHER],
      keep: ['allUsers', CALLER],
      policy: {
        version: 1,
        etag: ETAG,
        bindings: [{ role: INVOKER, members: ['allUsers', CALLER] }, VIEWER],
      },
    },
  },
  {
    name: 'an empty declared list removes the binding',
    declared: [],
    current: { etag: ETAG, bindings: [{ role: INVOKER, members: [OTHER] }, VIEWER] },
    expected: {
      managed: true,
      add: [],
      remove: [OTHER],
      keep: [],
      policy: { version: 1, etag: ETAG, bindings: [VIEWER] },
    },
  },
  {
    name: 'duplicates in the declared list count once',
    declared: [CALLER, CALLER],
    current: { etag: ETAG, bindings: [] },
    expected: {
      managed: true,
      add: [CALLER],
      remove: [],
      keep: [],
      policy: { version: 1, etag: ETAG, bindings: [{ role: INVOKER, members: [CALLER] }] },
    },
  },
];

describe('planInvokers', () => {
  for (const testCase of cases) {
    it(testCase.name, () => {
      assert.deepEqual(planInvokers(testCase.declared, testCase.current), testCase.expected);
    });
  }

  it('does not modify the policy it was given', () => {
    const current: IamPolicy = { etag: ETAG, bindings: [{ role: INVOKER, members: [OTHER] }] };
    const before = JSON.stringify(current);
    planInvokers([CALLER], current);
    assert.equal(JSON.stringify(current), before);
  });
});
