import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { describe, test } from 'node:test';
import { buildRoleFacts, FACTS_FILE, renderRoleFacts } from '../../../scripts/gen-role-facts.ts';
import { expandEnvelope, predefinedRole, rolesGranting } from '../../../src/permissions/roles.ts';

describe('role facts', () => {
  test('src/permissions/role-facts.json is in sync with test/emulator/data/roles (run node scripts/gen-role-facts.ts)', async () => {
    // Parsed, not textual: the formatter may lay the file out differently from the generator.
    assert.deepEqual(
      JSON.parse(await readFile(FACTS_FILE, 'utf8')),
      JSON.parse(renderRoleFacts(await buildRoleFacts())),
    );
  });

  test('stays small enough to bundle', async () => {
    assert.ok((await readFile(FACTS_FILE, 'utf8')).length < 20_000);
  });

  const smallest: ReadonlyArray<readonly [string, string]> = [
    ['run.services.create', 'roles/run.developer'],
    ['run.services.update', 'roles/run.developer'],
    ['run.services.get', 'roles/run.viewer'],
    ['run.operations.get', 'roles/run.viewer'],
    ['run.services.setIamPolicy', 'roles/run.admin'],
    ['iam.serviceAccounts.actAs', 'roles/iam.serviceAccountUser'],
    ['resourcemanager.projects.setIamPolicy', 'roles/resourcemanager.projectIamAdmin'],
    ['iam.serviceAccountKeys.create', 'roles/iam.serviceAccountKeyAdmin'],
    ['resourcemanager.projects.delete', 'roles/owner'],
    ['compute.instances.create', 'roles/editor'],
  ];
  for (const [permission, role] of smallest) {
    test(`the narrowest predefined role with ${permission} is ${role}`, () =>
      assert.equal(rolesGranting(permission)[0], role));
  }

  test('unknown permission → no role', () => assert.deepEqual(rolesGranting('x.y.z'), []));
  test('no prototype lookups', () => assert.equal(predefinedRole('constructor'), undefined));

  test('expandEnvelope: predefined from facts, custom from fetched, others unexpanded', () => {
    const envelope = expandEnvelope(
      ['roles/iam.serviceAccountUser', 'projects/p/roles/deployer', 'projects/p/roles/unread'],
      new Map([['projects/p/roles/deployer', ['run.services.update']]]),
    );
    assert.deepEqual([...envelope.permissions].sort(), ['iam.serviceAccounts.actAs', 'run.services.update']);
    assert.deepEqual(envelope.unexpanded, ['projects/p/roles/unread']);
  });
});
