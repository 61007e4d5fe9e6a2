import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkMember, checkServiceAccountEmail, nonAscii } from '../../../src/settings/identities.ts';

const VALID_MEMBERS = [
  'allUsers',
  'allAuthenticatedUsers',
  'user:alice@example.com',
  "user:o'brien+ci@example.co.uk",
  'group:team@example.com',
  'domain:example.com',
  'serviceAccount:caller@demo-project.iam.gserviceaccount.com',
  'serviceAccount:123456789012-compute@developer.gserviceaccount.com',
  'principal://iam.googleapis.com/projects/123456789012/locations/global/workloadIdentityPools/github/subject/repo:acme/hello:ref:refs/heads/main',
  'principal://iam.googleapis.com/locations/global/workforcePools/staff/subject/bob@example.com',
  'principalSet://iam.googleapis.com/projects/123456789012/locations/global/workloadIdentityPools/github/group/admins',
  'principalSet://iam.googleapis.com/projects/123456789012/locations/global/workloadIdentityPools/github/attribute.repository_owner/acme',
  'principalSet://iam.googleapis.com/projects/123456789012/locations/global/workloadIdentityPools/github/*',
  'principalSet://iam.googleapis.com/projects/123456789012/locations/global/workloadIdentityPools/demo-project.svc.id.goog/namespace/default',
  'principalSet://iam.googleapis.com/locations/global/workforcePools/staff/*',
];

for (const member of VALID_MEMBERS) {
  test(`member ${member} is valid`, () => {
    assert.equal(checkMember(member), undefined);
  });
}

const INVALID_MEMBERS: readonly (readonly [string, RegExp])[] = [
  ['', /has no type prefix/],
  ['allusers', /Write 'allUsers' with exactly this casing/],
  ['alice@example.com', /has no type prefix/],
  ['serviceAccount:', /has no email after 'serviceAccount:'/],
  ['user:', /has no email after 'user:'/],
  ['serviceaccount:x@p.iam.gserviceaccount.com', /Write the prefix as 'serviceAccount:'/],
  ['Group:team@example.com', /Write the prefix as 'group:'/],
  ['admin:bob@example.com', /unknown type 'admin:'/],
  ['projectOwner:demo-project', /unknown type 'projectOwner:'/],
  ['deleted:user:bob@example.com?uid=123', /deleted principal/],
  ['user:bob', /not an email address/],
  ['user:bob@example', /not an email address/],
  ['user:bob@@example.com', /not an email address/],
  ['user: bob@example.com', /whitespace/],
  ['user:bоb@example.com', /U\+043E.*looks like 'o'/],
  ['user:bob@exаmple.com', /U\+0430.*looks like 'a'/],
  ['user:bob\u200b@example.com', /U\+200B/],
  ['user:bob@ｅxample.com', /U\+FF45.*looks like 'e'/],
  ['user:caller@demo-project.iam.gserviceaccount.com', /Write it as serviceAccount:/],
  ['serviceAccount:caller@example.com', /not a service account email/],
  ['serviceAccount:Caller@demo-project.iam.gserviceaccount.com', /not a service account email/],
  ['domain:example', /does not name a domain/],
  [
    'principal://iam.googleapis.com/projects/demo-project/locations/global/workloadIdentityPools/github/subject/x',
    /not a valid principal identifier/,
  ],
  [
    'principal://iam.googleapis.com/projects/123/locations/global/workloadIdentityPools/github/subject/',
    /not a valid principal identifier/,
  ],
  [
    'principal://example.com/projects/123/locations/global/workloadIdentityPools/github/subject/x',
    /not a valid principal identifier/,
  ],
  [
    'principalSet://iam.googleapis.com/projects/123/locations/global/workloadIdentityPools/github',
    /not a valid principal set identifier/,
  ],
  [
    'principalSet://iam.googleapis.com/projects/123/locations/global/workloadIdentityPools/github/attribute.Repo/x',
    /not a valid principal set identifier/,
  ],
  [
    'principalSet://iam.googleapis.com/projects/123/locations/global/workloadIdentityPools/gh/*',
    /not a valid principal set identifier/,
  ],
];

for (const [member, message] of INVALID_MEMBERS) {
  test(`member ${JSON.stringify(member)} is refused`, () => {
    const finding = checkMember(member);
    assert.ok(finding, 'expected a finding');
    assert.match(`${finding.what} ${finding.remedy}`, message);
  });
}

test('service account emails', () => {
  assert.equal(checkServiceAccountEmail('deployer@demo-project.iam.gserviceaccount.com'), undefined);
  assert.equal(checkServiceAccountEmail('demo-project@appspot.gserviceaccount.com'), undefined);
  assert.match(
    checkServiceAccountEmail('deployer@demo-project.iam.gserviceaccount.com.evil.com')?.what ?? '',
    /not a service account email/,
  );
  assert.match(
    checkServiceAccountEmail('deployer@demo-project.iam.gserviceaccount.cоm')?.what ?? '',
    /U\+043E/,
  );
});

test('nonAscii names the code point and, for known look-alikes, the letter imitated', () => {
  assert.equal(nonAscii('plain-ascii', 'x'), undefined);
  assert.match(nonAscii('а', 'x')?.what ?? '', /'а' \(U\+0430\), which looks like 'a'/);
  assert.match(nonAscii('é', 'x')?.what ?? '', /U\+00E9.*looks like 'e'/);
  assert.match(nonAscii('\u2028', 'x')?.what ?? '', /whitespace \(U\+2028\)/);
  assert.doesNotMatch(nonAscii('\u200b', 'x')?.what ?? '', /looks like/);
});
