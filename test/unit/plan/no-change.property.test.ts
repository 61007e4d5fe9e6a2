/**
 * The change list is the only thing deciding "no write": it must be empty exactly when the
 * service to send equals the current one (up to encoding, the revision name and the commit label).
 * Random pairs of settings catch a managed field missing from the comparison.
 */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { protos } from '@google-cloud/run';
import fc from 'fast-check';
import { COMMIT_LABEL } from '../../../src/plan/labels.ts';
import { planTarget } from '../../../src/plan/plan-target.ts';
import { withoutDefaults } from '../../../src/plan/proto-plain.ts';
import { cpuMillis, memoryBytes } from '../../../src/plan/quantities.ts';
import { RELEASE_ANNOTATION } from '../../../src/plan/traffic-record.ts';
import type { RunService } from '../../../src/plan/types.ts';
import type { ServiceSettings } from '../../../src/settings/types.ts';
import {
  AT,
  asGetResult,
  DEPLOY,
  IMAGE,
  IMAGE_2,
  PROJECT,
  runContext,
  settings,
  stored,
} from './fixtures.ts';

const Service = protos.google.cloud.run.v2.Service;

const FIELDS = [
  'port',
  'env',
  'secrets',
  'cpu',
  'memory',
  'concurrency',
  'timeoutSeconds',
  'minInstances',
  'maxInstances',
  'ingress',
  'labels',
  'runtimeServiceAccount',
] as const;

const settingsArbitrary: fc.Arbitrary<Pick<ServiceSettings, (typeof FIELDS)[number]>> = fc.record({
  port: fc.constantFrom(undefined, 8080, 9000),
  env: fc.dictionary(fc.constantFrom('A', 'B', 'C'), fc.constantFrom('', 'x', 'y')),
  secrets: fc.dictionary(
    fc.constantFrom('S1', 'S2'),
    fc.record({ secret: fc.constantFrom('db', 'api'), version: fc.constantFrom('latest', '2') }),
  ),
  cpu: fc.constantFrom(undefined, '1', '2'),
  memory: fc.constantFrom(undefined, '512Mi', '1Gi'),
  concurrency: fc.constantFrom(undefined, 10, 80),
  timeoutSeconds: fc.constantFrom(undefined, 60, 300),
  minInstances: fc.constantFrom(undefined, 0, 1),
  maxInstances: fc.constantFrom(undefined, 3, 10),
  ingress: fc.constantFrom(undefined, 'all' as const, 'internal' as const),
  labels: fc.dictionary(fc.constantFrom('team', 'tier'), fc.constantFrom('web', 'api')),
  runtimeServiceAccount: fc.constantFrom(undefined, 'a@demo-project.iam.gserviceaccount.com'),
});

/** One encoding (enum names, int64 numbers, no defaults), without what may differ between runs. */
function canonical(service: RunService): unknown {
  const object = Service.toObject(Service.fromObject(service), { enums: String, longs: Number });
  const { name: _name, etag: _etag, labels = {}, template = {}, annotations = {}, ...rest } = object;
  const { revision: _revision, labels: templateLabels = {}, containers = [], ...templateRest } = template;
  const drop = (map: Record<string, string>) =>
    Object.fromEntries(Object.entries(map).filter(([key]) => key !== COMMIT_LABEL));
  const inputs = {
    ...Object.fromEntries(
      Object.entries(rest).filter(([key]) => ['ingress', 'traffic', 'description', 'scaling'].includes(key)),
    ),
    // The release record says which run deployed: it goes out with a change, never makes one.
    annotations: Object.fromEntries(
      Object.entries(annotations as Record<string, string>).filter(([key]) => key !== RELEASE_ANNOTATION),
    ),
  };
  // Env order is not a change (nothing depends on it), and 1 CPU is 1000m: compare amounts.
  const sameAmounts = containers.map((container: protos.google.cloud.run.v2.IContainer) => {
    const limits = container.resources?.limits ?? {};
    return {
      ...container,
      env: [...(container.env ?? [])].sort((a, b) => (a.name ?? '').localeCompare(b.name ?? '')),
      resources: {
        ...container.resources,
        limits: {
          ...limits,
          cpu: `${cpuMillis(limits.cpu ?? '')}`,
          memory: `${memoryBytes(limits.memory ?? '')}`,
        },
      },
    };
  });
  return withoutDefaults({
    ...inputs,
    labels: drop(labels),
    template: { ...templateRest, containers: sameAmounts, labels: drop(templateLabels) },
  });
}

it('no change ⇔ nothing to send differs', () => {
  // The second deploy differs from the first in at most one field, so both outcomes are frequent.
  const pair = fc
    .tuple(settingsArbitrary, settingsArbitrary, fc.constantFrom(...FIELDS), fc.boolean())
    .map(
      ([first, other, field, mutate]) =>
        [first, mutate ? { ...first, [field]: other[field] } : first] as const,
    );
  fc.assert(
    fc.property(pair, fc.boolean(), fc.boolean(), ([first, second], newImage, newSha) => {
      const firstPlan = planTarget({
        release: DEPLOY,
        at: AT,
        projectId: PROJECT,
        target: { service: settings(first), region: 'us-central1' },
        image: IMAGE,
        run: runContext(),
        current: undefined,
        policy: undefined,
      });
      const current = asGetResult(stored(firstPlan.desired, firstPlan.revisionName));
      const next = planTarget({
        release: DEPLOY,
        at: AT,
        projectId: PROJECT,
        target: { service: settings(second), region: 'us-central1' },
        image: newImage ? IMAGE_2 : IMAGE,
        run: runContext(newSha ? { sha: 'f'.repeat(40) } : { runAttempt: '2' }),
        current,
        policy: undefined,
      });
      assert.equal(next.changes.length === 0, isDeepEqual(canonical(next.desired), canonical(current)));
      assert.equal(next.action, next.changes.length === 0 ? 'none' : 'update');
    }),
    { numRuns: 500 },
  );
});

function isDeepEqual(a: unknown, b: unknown): boolean {
  try {
    assert.deepEqual(a, b);
    return true;
  } catch {
    return false;
  }
}
