/**
 * The malformed-policy corpus: each file's first line says where the error must be reported and
 * a fragment of its message (`# expect: LINE:COL fragment`).
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { ActionError } from '../../../src/errors.ts';
import { parsePolicy } from '../../../src/settings/policy.ts';
import { SettingsError } from '../../../src/settings/problems.ts';

const DIRECTORY = join(import.meta.dirname, '../../fixtures/policies/malformed');
const EXPECT = /^# expect: (\d+):(\d+) (.+)$/;
const files = readdirSync(DIRECTORY).filter((name) => name.endsWith('.yml'));

test('the malformed corpus has at least 35 files', () => {
  assert.ok(files.length >= 35, `only ${files.length} files`);
});

for (const name of files) {
  test(`malformed/${name}`, () => {
    const text = readFileSync(join(DIRECTORY, name), 'utf8');
    const header = EXPECT.exec(text.split('\n')[0] ?? '');
    assert.ok(header, `${name} must start with '# expect: LINE:COL fragment'`);
    const [, line, column, fragment = ''] = header;
    const file = `policies/${name}`;
    const error = (() => {
      try {
        parsePolicy(text, file);
      } catch (thrown) {
        return thrown;
      }
      return assert.fail(`${name} was accepted`);
    })();
    assert.ok(error instanceof SettingsError, `expected a SettingsError, got ${String(error)}`);
    const match = error.problems.find(
      (problem) => problem.message.includes(fragment) || problem.remedy?.includes(fragment),
    );
    const listing = error.problems.map((problem) => `${problem.message} | ${problem.remedy}`).join('\n');
    assert.ok(match, `no problem mentions '${fragment}':\n${listing}`);
    assert.ok(match instanceof ActionError);
    assert.deepEqual(
      match.place?.kind === 'file' ? [match.place.file, match.place.line, match.place.column] : match.place,
      [file, Number(line), Number(column)],
      listing,
    );
    assert.ok(match.message.startsWith(`${file}:${line}:${column}: `), match.message);
    assert.ok(match.remedy !== undefined && match.remedy.length > 0, 'every problem carries a remedy');
    for (const problem of error.problems) {
      assert.ok(
        !`${problem.message}${problem.remedy}`.includes('    at '),
        `stack trace in: ${problem.message}`,
      );
      assert.equal(problem.place?.kind, 'file');
    }
  });
}
