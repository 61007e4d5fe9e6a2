/** The README's demo command keeps working: `npm run demo` is `node scripts/demo.ts`. */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

test('the demo deploys, then a declared invoker gets 200 and an undeclared one 403', () => {
  const script = fileURLToPath(new URL('../../scripts/demo.ts', import.meta.url));
  const result = spawnSync(process.execPath, [script], { encoding: 'utf8', timeout: 120_000 });
  assert.equal(result.status, 0, `${result.stdout}\n${result.stderr}`);
  assert.match(result.stdout, /ok {3}the step succeeded/);
  assert.match(
    result.stdout,
    /ok {3}caller@demo-project\.iam\.gserviceaccount\.com \(declared invoker\) calls .*: 200/,
  );
  assert.match(
    result.stdout,
    /ok {3}outsider@demo-project\.iam\.gserviceaccount\.com \(not declared\) calls .*: 403/,
  );
  assert.doesNotMatch(result.stdout, /FAIL/);
});
