/** README.md's Inputs and Outputs tables match action.yml (regenerate: node scripts/readme-tables.ts --write). */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import {
  ACTION_FILE,
  inputsTable,
  outputsTable,
  README_FILE,
  readActionMetadata,
  renderReadme,
  replaceSection,
} from '../../scripts/readme-tables.ts';

const ACTION = `inputs:
  image:
    description: >-
      Container image, e.g. a|b.
    required: true
  mode:
    description: deploy or plan.
    default: deploy
outputs:
  service_url:
    description: URL of the service.
`;

describe('README tables', () => {
  test('README.md’s tables are the ones action.yml gives', () => {
    const readme = readFileSync(README_FILE, 'utf8');
    assert.equal(
      readme,
      renderReadme(readme, readFileSync(ACTION_FILE, 'utf8')),
      'README.md’s Inputs/Outputs tables differ from action.yml: run `node scripts/readme-tables.ts --write`',
    );
  });

  test('every input and output of action.yml has a row', () => {
    const readme = readFileSync(README_FILE, 'utf8');
    const metadata = readActionMetadata(readFileSync(ACTION_FILE, 'utf8'));
    for (const { name } of [...metadata.inputs, ...metadata.outputs]) {
      assert.ok(readme.includes(`| \`${name}\` |`), `${name} has no row in README.md`);
    }
  });

  test('rows: name, one-line description with pipes escaped, default, required', () => {
    const metadata = readActionMetadata(ACTION);
    assert.equal(
      inputsTable(metadata.inputs),
      [
        '| Name | Description | Default | Required |',
        '| --- | --- | --- | --- |',
        '| `image` | Container image, e.g. a\\|b. |  | yes |',
        '| `mode` | deploy or plan. | `deploy` | no |',
      ].join('\n'),
    );
    assert.equal(
      outputsTable(metadata.outputs),
      '| Name | Description |\n| --- | --- |\n| `service_url` | URL of the service. |',
    );
  });

  test('a changed description or a new input is drift; rendering twice changes nothing', () => {
    const readme =
      '# X\n<!-- inputs:start -->\n<!-- inputs:end -->\n<!-- outputs:start -->\nold\n<!-- outputs:end -->\n';
    const once = renderReadme(readme, ACTION);
    assert.equal(renderReadme(once, ACTION), once);
    assert.notEqual(renderReadme(once, ACTION.replace('deploy or plan.', 'deploy, or plan.')), once);
    assert.notEqual(
      renderReadme(
        once,
        `${ACTION.split('outputs:')[0]}  extra:\n    description: new\noutputs:${ACTION.split('outputs:')[1]}`,
      ),
      once,
    );
    assert.ok(!once.includes('old'));
  });

  test('missing or repeated markers are refused with the fix', () => {
    assert.throws(() => replaceSection('no markers', 'inputs', 'x'), /<!-- inputs:start -->.*--write/);
    assert.throws(
      () => replaceSection('<!-- inputs:start --><!-- inputs:start --><!-- inputs:end -->', 'inputs', 'x'),
      /exactly one/,
    );
  });
});
