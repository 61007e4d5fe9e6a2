/** The gcloud and Terraform renderings, and the `npm run setup` command line. */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, test } from 'node:test';
import { parsePolicy } from '../../../src/settings/policy.ts';
import { SettingsError } from '../../../src/settings/problems.ts';
import { buildSetup } from '../../../src/setup/build-setup.ts';
import { generateSetup } from '../../../src/setup/generate.ts';
import { gcloudDict, shellQuote } from '../../../src/setup/render-gcloud.ts';
import { hclString } from '../../../src/setup/render-terraform.ts';

const ROOT = resolve(import.meta.dirname, '../../..');
const HELLO_FILE = 'examples/policies/hello.yml';
const HELLO = readFileSync(resolve(ROOT, HELLO_FILE), 'utf8');

describe('quoting', () => {
  test('shell words: safe ones bare, others single-quoted with embedded quotes escaped', () => {
    assert.equal(
      shellQuote('serviceAccount:a@p.iam.gserviceaccount.com'),
      'serviceAccount:a@p.iam.gserviceaccount.com',
    );
    assert.equal(shellQuote('GitHub Actions'), `'GitHub Actions'`);
    assert.equal(shellQuote(`a == "b" && c'd $HOME`), `'a == "b" && c'\\''d $HOME'`);
  });

  test('HCL strings: quotes escaped, template sequences kept literal', () => {
    // biome-ignore lint/suspicious/noTemplateCurlyInString: HCL template sequences, not JavaScript ones
    assert.equal(hclString('a "b" ${c} %{d}'), '"a \\"b\\" $${c} %%{d}"');
  });
});

/** What gcloud makes of a dictionary flag value (`gcloud topic escaping`). */
function parseGcloudDict(value: string): Record<string, string> {
  const custom = /^\^([^^]+)\^/.exec(value);
  const delimiter = custom?.[1] ?? ',';
  const items = (custom === null ? value : value.slice(custom[0].length)).split(delimiter);
  return Object.fromEntries(
    items.map((item) => [item.slice(0, item.indexOf('=')), item.slice(item.indexOf('=') + 1)]),
  );
}

/** The value of `--NAME=` in a generated script, shell quoting undone. */
function flagValue(script: string, name: string): string {
  const line = script.split('\n').find((text) => text.trimStart().startsWith(`--${name}=`)) ?? '';
  const word = line.trim().slice(`--${name}=`.length).replace(/ \\$/, '');
  return word.startsWith("'") ? word.slice(1, -1).replaceAll(`'\\''`, "'") : word;
}

describe('gcloud dictionary flags', () => {
  test('without commas: comma-separated, as gcloud reads by default', () => {
    assert.equal(
      gcloudDict({ 'google.subject': 'assertion.sub', 'attribute.ref': 'assertion.ref' }),
      'google.subject=assertion.sub,attribute.ref=assertion.ref',
    );
  });

  test('with commas (CEL lists): a delimiter no item contains, ^;^ first', () => {
    const entries = { 'attribute.a': 'x in ["a", "b"]', 'google.subject': 'assertion.sub' };
    const value = gcloudDict(entries);
    assert.equal(value, '^;^attribute.a=x in ["a", "b"];google.subject=assertion.sub');
    assert.deepEqual(parseGcloudDict(value), entries);
    const withSemicolon = { 'attribute.a': 'x in ["a;", "b"]', 'google.subject': 'assertion.sub' };
    assert.deepEqual(parseGcloudDict(gcloudDict(withSemicolon)), withSemicolon);
  });

  test('the generated create-oidc command gives gcloud exactly the mapping and condition', () => {
    const setup = buildSetup(parsePolicy(HELLO, HELLO_FILE));
    const script = generateSetup(HELLO, HELLO_FILE, 'gcloud');
    assert.deepEqual(parseGcloudDict(flagValue(script, 'attribute-mapping')), {
      ...setup.provider.attributeMapping,
    });
    assert.equal(flagValue(script, 'attribute-condition'), setup.provider.attributeCondition);
  });
});

describe('generateSetup', () => {
  const gcloud = generateSetup(HELLO, HELLO_FILE, 'gcloud');
  const terraform = generateSetup(HELLO, HELLO_FILE, 'terraform');

  test('gcloud: every step, in dependency order', () => {
    const order = [
      'gcloud services enable',
      'gcloud iam workload-identity-pools create github',
      'gcloud iam workload-identity-pools providers create-oidc github',
      'gcloud iam service-accounts create deployer',
      'gcloud iam roles create cloudRunDeployer',
      'gcloud projects add-iam-policy-binding demo-project',
      'gcloud iam service-accounts add-iam-policy-binding deployer@demo-project.iam.gserviceaccount.com',
    ].map((step) => gcloud.indexOf(step));
    assert.ok(
      order.every((at) => at >= 0),
      `a step is missing:\n${gcloud}`,
    );
    assert.deepEqual(
      [...order].sort((a, b) => a - b),
      order,
    );
    assert.match(gcloud, /^#!\/usr\/bin\/env bash\n/);
    assert.match(
      gcloud,
      /--permissions=iam\.roles\.get,run\.operations\.get,run\.revisions\.get,run\.services\.create,/,
    );
    assert.match(
      gcloud,
      /--attribute-condition='\(assertion\.repository == "acme\/hello" && .*\) \|\| \(assertion\.repository == "acme\/hello" && /,
    );
  });

  test('terraform: the resources, wired by reference', () => {
    for (const resource of [
      'resource "google_iam_workload_identity_pool" "pool_github"',
      'resource "google_iam_workload_identity_pool_provider" "provider_github"',
      'resource "google_service_account" "sa_deployer"',
      'resource "google_project_iam_custom_role" "role_cloudrundeployer"',
      'resource "google_project_iam_member"',
      'resource "google_service_account_iam_member"',
    ]) {
      assert.ok(terraform.includes(resource), `${resource} is missing`);
    }
    assert.match(terraform, /role += google_project_iam_custom_role\.role_cloudrundeployer\.id/);
    assert.match(
      terraform,
      /member += "principalSet:\/\/iam\.googleapis\.com\/\$\{google_iam_workload_identity_pool\.pool_github\.name\}\/attribute\.can_deploy\/true"/,
    );
    const braces = [...terraform].reduce((depth, c) => depth + (c === '{' ? 1 : c === '}' ? -1 : 0), 0);
    assert.equal(braces, 0, 'balanced braces');
  });

  test('deterministic, and both formats together', () => {
    assert.equal(generateSetup(HELLO, HELLO_FILE, 'gcloud'), gcloud);
    const both = generateSetup(HELLO, HELLO_FILE, 'both');
    assert.ok(both.includes(gcloud) && both.includes(terraform));
  });

  test('an invalid policy fails with its located problems', () => {
    assert.throws(
      () =>
        generateSetup(
          HELLO.replace('regions: [us-central1]', 'regions: [us-central1-a]'),
          HELLO_FILE,
          'gcloud',
        ),
      (error: unknown) => error instanceof SettingsError && /hello\.yml:\d+:\d+/.test(error.message),
    );
  });
});

describe('scripts/setup.ts', () => {
  const run = (...args: string[]) =>
    spawnSync(process.execPath, ['scripts/setup.ts', ...args], { cwd: ROOT, encoding: 'utf8' });

  test('prints the chosen format for --policy', () => {
    const result = run('--policy', HELLO_FILE, '--format', 'terraform');
    assert.equal(result.status, 0, result.stderr);
    assert.equal(result.stdout, generateSetup(HELLO, HELLO_FILE, 'terraform'));
  });

  test('an unknown format, a missing file: exit 1 with the fix', () => {
    const format = run('--policy', HELLO_FILE, '--format', 'pulumi');
    assert.equal(format.status, 1);
    assert.match(format.stderr, /Unknown --format 'pulumi'/);
    const missing = run('--policy', 'nope.yml');
    assert.equal(missing.status, 1);
    assert.match(missing.stderr, /Could not read the policy file nope\.yml.*\nFix: /);
  });
});

describe('docs/setup.md', () => {
  test('its example is what the generator prints for hello.yml', () => {
    const doc = readFileSync(resolve(ROOT, 'docs/setup.md'), 'utf8');
    for (const format of ['gcloud', 'terraform'] as const) {
      const fence = format === 'gcloud' ? 'bash' : 'hcl';
      assert.ok(
        doc.includes(`\`\`\`${fence}\n${generateSetup(HELLO, HELLO_FILE, format)}\`\`\``),
        `the ${format} example in docs/setup.md is stale: regenerate it with npm run setup -- --policy ${HELLO_FILE} --format ${format}`,
      );
    }
  });
});
