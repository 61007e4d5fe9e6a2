import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { protos } from '@google-cloud/run';
import { enumName, INGRESS, ingressLabel } from '../../../src/plan/enums.ts';
import { durationSeconds, int64, withoutDefaults } from '../../../src/plan/proto-plain.ts';
import { cpuMillis, memoryBytes } from '../../../src/plan/quantities.ts';

const Duration = protos.google.protobuf.Duration;

describe('enums', () => {
  it('reads names and numbers alike; unspecified is unset', () => {
    assert.equal(enumName(INGRESS, 1), 'INGRESS_TRAFFIC_ALL');
    assert.equal(enumName(INGRESS, 'INGRESS_TRAFFIC_ALL'), 'INGRESS_TRAFFIC_ALL');
    assert.equal(enumName(INGRESS, 0), undefined);
    assert.equal(enumName(INGRESS, 'INGRESS_TRAFFIC_UNSPECIFIED'), undefined);
    assert.equal(ingressLabel(3), 'internal-and-cloud-load-balancing');
    assert.equal(ingressLabel('INGRESS_TRAFFIC_NONE'), 'none');
  });
});

describe('proto plain values', () => {
  it('int64 and durations in every decoded form', () => {
    const long = Duration.fromObject({ seconds: 300 });
    assert.equal(int64('300'), 300);
    assert.equal(durationSeconds(long), 300);
    assert.equal(durationSeconds({ seconds: '300', nanos: 0 }), 300);
    assert.equal(durationSeconds('1.5s'), 1.5);
    assert.equal(durationSeconds({ seconds: '0', nanos: 0 }), undefined);
  });

  it('drops defaults but keeps empty values in maps', () => {
    assert.deepEqual(
      withoutDefaults({
        name: '',
        launchStage: 'LAUNCH_STAGE_UNSPECIFIED',
        labels: { empty: '' },
        template: { revision: '', containers: [{ image: 'x', args: [] }], scaling: { minInstanceCount: 0 } },
      }),
      { labels: { empty: '' }, template: { containers: [{ image: 'x' }] } },
    );
  });
});

describe('quantities', () => {
  const cpu: [string, number | undefined][] = [
    ['1', 1000],
    ['1000m', 1000],
    ['0.5', 500],
    ['2', 2000],
    ['x', undefined],
  ];
  for (const [text, millis] of cpu) it(`cpu ${text}`, () => assert.equal(cpuMillis(text), millis));
  const memory: [string, number | undefined][] = [
    ['512Mi', 512 * 2 ** 20],
    ['0.5Gi', 512 * 2 ** 20],
    ['1G', 1e9],
    ['1Gb', undefined],
  ];
  for (const [text, bytes] of memory) it(`memory ${text}`, () => assert.equal(memoryBytes(text), bytes));
});
