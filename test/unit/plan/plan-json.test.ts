import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { planJson } from '../../../src/plan/plan-json.ts';
import { planTarget } from '../../../src/plan/plan-target.ts';
import { AT, DEPLOY, IMAGE, PROJECT, runContext, target } from './fixtures.ts';

describe('planJson', () => {
  const targetPlan = planTarget({
    release: DEPLOY,
    at: AT,
    projectId: PROJECT,
    target: target({ env: { TOKEN: 'plain-secret-value' } }),
    image: IMAGE,
    run: runContext(),
    current: undefined,
    policy: { etag: Buffer.from('secret-etag'), bindings: [] },
  });
  const json = planJson({ targets: [targetPlan] });
  const text = JSON.stringify(json);

  it('carries the decisions in a stable shape', () => {
    const [first] = json.targets;
    assert.equal(json.version, 1);
    assert.deepEqual(Object.keys(first ?? {}), [
      'service',
      'region',
      'name',
      'action',
      'revision',
      'previousRevision',
      'changes',
      'invokers',
    ]);
    assert.equal(first?.action, 'create');
    assert.equal(first?.previousRevision, null);
    assert.deepEqual(first?.invokers, {
      managed: true,
      add: ['serviceAccount:caller@demo-project.iam.gserviceaccount.com'],
      remove: [],
      keep: [],
    });
  });

  it('never contains env values, etags or the desired service', () => {
    assert.ok(!text.includes('plain-secret-value'));
    assert.ok(!text.includes(Buffer.from('secret-etag').toString('base64')));
    assert.ok(!text.includes('etag'));
    assert.ok(text.includes('secret db-password version latest'));
  });
});
