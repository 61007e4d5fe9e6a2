/**
 * The precompiled policy validator (src/settings/policy-validator.generated.ts) is what
 * scripts/gen-policy-validator.ts makes of schema/policy.v1.json today, and answers every policy
 * and input value exactly as ajv compiling the schema at run time does: same verdict, same errors.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { Ajv, type ErrorObject } from 'ajv';
import { parse } from 'yaml';
import {
  AJV_OPTIONS,
  buildPolicyValidator,
  FORMAT_CHECKS,
  SCHEMA_FILE,
  VALIDATOR_FILE,
} from '../../../scripts/gen-policy-validator.ts';
import { checkMember, checkServiceAccountEmail } from '../../../src/settings/identities.ts';
import { getSchema } from '../../../src/settings/policy-validator.generated.ts';

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
const schema: unknown = JSON.parse(readFileSync(SCHEMA_FILE, 'utf8'));

/** ajv as src/settings/policy-schema.ts builds it. */
function runtimeAjv(): Ajv {
  const ajv = new Ajv({ ...AJV_OPTIONS });
  ajv.addFormat('service-account-email', (value: string) => checkServiceAccountEmail(value) === undefined);
  ajv.addFormat('iam-member', (value: string) => checkMember(value) === undefined);
  ajv.addSchema(schema as object, 'policy');
  return ajv;
}

function policyFiles(): string[] {
  const dirs = ['examples/policies', 'test/fixtures/policies/valid', 'test/fixtures/policies/malformed'];
  return dirs.flatMap((dir) =>
    readdirSync(join(ROOT, dir))
      .filter((file) => file.endsWith('.yml'))
      .map((file) => join(ROOT, dir, file)),
  );
}

/** Each parsed document, then variants with one key removed or one value of the wrong type. */
function corpus(): { label: string; data: unknown }[] {
  const documents: { label: string; data: unknown }[] = [];
  for (const file of policyFiles()) {
    let data: unknown;
    try {
      data = parse(readFileSync(file, 'utf8'), { maxAliasCount: 10, logLevel: 'silent' });
    } catch {
      continue; // not YAML at all: the schema never sees it
    }
    documents.push({ label: file, data });
  }
  const variants: { label: string; data: unknown }[] = [];
  const visit = (label: string, root: unknown, path: (string | number)[], node: unknown): void => {
    if (typeof node !== 'object' || node === null) return;
    for (const [key, child] of Object.entries(node)) {
      const here = [...path, Array.isArray(node) ? Number(key) : key];
      for (const [what, replacement] of [
        ['removed', undefined],
        ['as a number', 7],
        ['as a list', ['x']],
      ] as const) {
        variants.push({
          label: `${label} ${here.join('.')} ${what}`,
          data: replaced(root, here, replacement),
        });
      }
      visit(label, root, here, child);
    }
  };
  for (const { label, data } of documents.slice(0, 8)) visit(label, data, [], data);
  return [...documents, ...variants];
}

function replaced(root: unknown, path: readonly (string | number)[], value: unknown): unknown {
  const copy: unknown = structuredClone(root);
  let node = copy;
  for (const [index, key] of path.entries()) {
    if (typeof node !== 'object' || node === null) return copy;
    const record = node as Record<string | number, unknown>;
    if (index === path.length - 1) {
      if (value === undefined && !Array.isArray(node)) delete record[key];
      else record[key] = value;
    } else node = record[key];
  }
  return copy;
}

/** What the action reads of an error (policy-schema.ts's `locate`): everything but object identity. */
function comparable(errors: readonly ErrorObject[] | null | undefined): unknown {
  return JSON.parse(JSON.stringify(errors ?? []));
}

describe('the precompiled policy validator', () => {
  it('is what scripts/gen-policy-validator.ts generates from the schema today', async () => {
    assert.equal(
      readFileSync(VALIDATOR_FILE, 'utf8'),
      await buildPolicyValidator(),
      'stale: run `node scripts/gen-policy-validator.ts` after changing schema/policy.v1.json',
    );
  });

  it('knows every custom format the schema uses', () => {
    const used = new Set([...JSON.stringify(schema).matchAll(/"format":"([^"]+)"/g)].map((m) => m[1]));
    assert.deepEqual([...used].sort(), Object.keys(FORMAT_CHECKS).sort());
  });

  it('gives the same verdict and the same errors as ajv at run time, on every policy fixture and variant', () => {
    const ajv = runtimeAjv();
    const atRunTime = ajv.getSchema('policy');
    const precompiled = getSchema('policy');
    assert.ok(atRunTime !== undefined && precompiled !== undefined);
    const cases = corpus();
    let invalid = 0;
    for (const { label, data } of cases) {
      const expected: boolean = atRunTime(data) === true; // a sync schema: a boolean, never a promise
      assert.equal(precompiled(data), expected, label);
      assert.deepEqual(comparable(precompiled.errors), comparable(atRunTime.errors), label);
      if (!expected) invalid++;
    }
    assert.ok(
      cases.length > 1000 && invalid > 800,
      `a corpus worth the name (${cases.length}, ${invalid} invalid)`,
    );
  });

  it('checks input values against each definition as ajv does', () => {
    const ajv = runtimeAjv();
    const names = Object.keys((schema as { definitions: object }).definitions);
    const values = [
      'hello',
      'us-central1',
      'demo-project',
      '123456789012',
      '',
      'UPPER',
      'a'.repeat(80),
      12,
      'projects/123456789012/locations/global/workloadIdentityPools/github/providers/github',
      'europe-west1-b',
      'roles/run.invoker',
      'serviceAccount:runtime@demo-project.iam.gserviceaccount.com',
    ];
    for (const name of names) {
      const ref = `policy#/definitions/${name}`;
      const atRunTime = ajv.getSchema(ref);
      const precompiled = getSchema(ref);
      assert.ok(atRunTime !== undefined && precompiled !== undefined, ref);
      for (const value of values) {
        assert.equal(precompiled(value), atRunTime(value) === true, `${name}: ${JSON.stringify(value)}`);
        assert.deepEqual(comparable(precompiled.errors), comparable(atRunTime.errors));
      }
    }
  });

  it('has no validator for what the schema does not define', () => {
    assert.equal(getSchema('policy#/definitions/nothing'), undefined);
    assert.equal(getSchema('toString'), undefined);
  });
});
