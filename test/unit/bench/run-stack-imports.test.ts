/**
 * The Run stack chunk stays lean (docs/benchmark.md): src/ loads only the Cloud Run clients it
 * uses, never the `@google-cloud/run` index (which loads all eight v2 clients and the 1.2 MB static
 * protos module), and the enum tables read from the JSON descriptor equal the static protos'.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { protos } from '@google-cloud/run';
import { CONDITION_STATE, INGRESS, isZeroEnumName, TRAFFIC_TYPE } from '../../../src/plan/enums.ts';

const SRC = fileURLToPath(new URL('../../../src', import.meta.url));

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory()
      ? sources(join(dir, entry.name))
      : entry.name.endsWith('.ts')
        ? [join(dir, entry.name)]
        : [],
  );
}

/** Every enum under a static protos namespace, by path: `Condition.State` → its name → number table. */
function staticEnums(node: object, path: string, into: Map<string, object>, seen = new Set<object>()) {
  if (seen.has(node)) return into;
  seen.add(node);
  const entries = Object.entries(node);
  if (entries.length > 0 && entries.every(([, value]) => typeof value === 'number')) {
    into.set(path, node);
    return into;
  }
  for (const [key, value] of entries) {
    if (/^[A-Z]/.test(key) && (typeof value === 'object' || typeof value === 'function') && value !== null)
      staticEnums(value, path === '' ? key : `${path}.${key}`, into, seen);
  }
  return into;
}

describe('the Run stack imports', () => {
  it('no source imports the @google-cloud/run index except for types', () => {
    const offenders = sources(SRC).filter((file) =>
      /^import\s+(?!type\b)[^;]*from '@google-cloud\/run';/m.test(readFileSync(file, 'utf8')),
    );
    assert.deepEqual(offenders, []);
  });

  it('the enum tables equal those of the static protos', () => {
    const v2 = protos.google.cloud.run.v2;
    assert.deepEqual({ ...INGRESS }, { ...v2.IngressTraffic });
    assert.deepEqual({ ...TRAFFIC_TYPE }, { ...v2.TrafficTargetAllocationType });
    assert.deepEqual({ ...CONDITION_STATE }, { ...v2.Condition.State });
  });

  it('every zero value of every v2 enum and of LaunchStage counts as unset, and no other value does', () => {
    const enums = staticEnums(protos.google.cloud.run.v2, '', new Map());
    enums.set('LaunchStage', protos.google.api.LaunchStage);
    assert.ok(enums.size > 10, `found ${enums.size} enums`);
    for (const [path, table] of enums) {
      for (const [name, value] of Object.entries(table)) {
        assert.equal(isZeroEnumName(name), value === 0, `${path}.${name} = ${String(value)}`);
      }
    }
  });
});
