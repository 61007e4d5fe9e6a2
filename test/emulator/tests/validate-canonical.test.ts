import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { canonicalMessage } from '../validate/canonical.ts';
import { createValidator } from '../validate/index.ts';

const run = createValidator().api('run.v2');
const canonical = (body: Record<string, unknown>) => canonicalMessage(run, 'GoogleCloudRunV2Service', body);

describe('canonical services', () => {
  it('maps enum numbers to names by proto number, not by position in the description', () => {
    // LaunchStage GA is 4 in the proto; the fifth name of the discovery list is ALPHA.
    assert.deepEqual(canonical({ launchStage: 4, ingress: 2 }), {
      launchStage: 'GA',
      ingress: 'INGRESS_TRAFFIC_INTERNAL_ONLY',
    });
  });

  it('makes a fetched service sent back equal to the same service written by hand', () => {
    const byHand = {
      template: {
        containers: [{ image: 'app:1', env: [{ name: 'A', value: '1' }] }],
        scaling: { maxInstanceCount: 3 },
      },
      traffic: [{ type: 'TRAFFIC_TARGET_ALLOCATION_TYPE_LATEST', percent: 100 }],
    };
    const fetched = {
      name: 'projects/p/locations/us-central1/services/hello',
      uid: 'u',
      generation: '3',
      labels: {},
      annotations: {},
      description: '',
      launchStage: 0,
      terminalCondition: { type: 'Ready', state: 4 },
      template: {
        revision: '',
        executionEnvironment: 0,
        labels: {},
        containers: [
          {
            image: 'app:1',
            args: [],
            env: [{ name: 'A', value: '1' }],
            resources: { startupCpuBoost: false },
          },
        ],
        scaling: { minInstanceCount: 0, maxInstanceCount: 3 },
      },
      traffic: [{ type: 1, revision: '', percent: 100, tag: '' }],
      reconciling: false,
      iapEnabled: false,
    };
    assert.deepEqual(canonical(fetched), {
      ...canonical(byHand),
      name: 'projects/p/locations/us-central1/services/hello',
    });
  });

  it('keeps int64 as decimal strings and int32 as numbers, and accepts snake_case names', () => {
    assert.deepEqual(
      canonical({ template: { max_instance_request_concurrency: '80', scaling: { min_instance_count: 1 } } }),
      {
        template: { maxInstanceRequestConcurrency: 80, scaling: { minInstanceCount: 1 } },
      },
    );
  });
});
