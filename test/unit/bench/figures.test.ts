import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parse } from 'yaml';
import { parseOptions } from '../../../scripts/bench/options.ts';
import { policyWithTargets } from '../../../scripts/bench/policy.ts';
import { BEGIN, END, spliceGenerated } from '../../../scripts/bench/report.ts';
import { foldSeries, timeline } from '../../../scripts/bench/results.ts';
import { summarize } from '../../../scripts/bench/stats.ts';
import { phaseTimings } from '../../../scripts/bench/step-log.ts';

describe('bench figures', () => {
  test('median, min and max; the median of an even count is the mean of the middle two', () => {
    assert.deepEqual(summarize([5, 1, 3]), { median: 3, min: 1, max: 5, runs: 3 });
    assert.deepEqual(summarize([4, 1, 3, 10]), { median: 3.5, min: 1, max: 10, runs: 4 });
    assert.throws(() => summarize([]), /at least one value/);
  });

  test('reads the phase timings the action prints', () => {
    const stdout =
      '::group::Settings\nSettings: 30 ms\n::endgroup::\nsomething: else\n  Read services: 108 ms\nDeploy: 982 ms\n';
    assert.deepEqual(phaseTimings(stdout), [
      { phase: 'Settings', ms: 30 },
      { phase: 'Read services', ms: 108 },
      { phase: 'Deploy', ms: 982 },
    ]);
  });

  test('a policy with N targets: its service in N regions, copied when N exceeds the regions', () => {
    const example = 'version: 1\nservices:\n  - name: hello\n    regions: [us-central1]\n    port: 8080\n';
    const services = (targets: number, regions: string[]) =>
      (
        parse(policyWithTargets(example, targets, regions)) as {
          services: { name: string; regions: string[]; port: number }[];
        }
      ).services;
    assert.deepEqual(services(3, ['us-central1', 'us-east1', 'europe-west1', 'x']), [
      { name: 'hello', regions: ['us-central1', 'us-east1', 'europe-west1'], port: 8080 },
    ]);
    assert.deepEqual(services(5, ['a', 'b']), [
      { name: 'hello', regions: ['a', 'b'], port: 8080 },
      { name: 'hello-2', regions: ['a', 'b'], port: 8080 },
      { name: 'hello-3', regions: ['a'], port: 8080 },
    ]);
    const fifty = services(
      50,
      Array.from({ length: 42 }, (_, i) => `r${i}`),
    );
    assert.deepEqual(
      fifty.map((service) => [service.name, service.regions.length]),
      [
        ['hello', 25],
        ['hello-2', 25],
      ],
    );
    assert.throws(() => policyWithTargets(example, 0, ['a']), /targets must be ≥ 1/);
  });

  test('options: flags over environment over defaults; --quick shortens; bad values are refused', () => {
    const defaults = parseOptions([], {}, 'docs/benchmark.md');
    assert.deepEqual(defaults, {
      runs: 5,
      latencies: [0, 50, 150],
      operationMs: 500,
      scale: [1, 10, 50],
      scaleLatency: 50,
      doc: 'docs/benchmark.md',
    });
    const chosen = parseOptions(
      ['--runs', '2', '--no-doc'],
      { BENCH_RUNS: '9', BENCH_LATENCIES: '10,20' },
      'd.md',
    );
    assert.equal(chosen.runs, 2);
    assert.deepEqual(chosen.latencies, [10, 20]);
    assert.equal(chosen.doc, undefined);
    assert.equal(parseOptions(['--quick'], {}, 'd.md').runs, 1);
    assert.throws(() => parseOptions(['--runs', '0'], {}, 'd.md'), /--runs must be an integer ≥ 1, got '0'/);
    assert.throws(() => parseOptions(['--latencies', '5,x'], {}, 'd.md'), /--latencies must be an integer/);
  });

  test('the generated block replaces only what lies between the markers', () => {
    const doc = `# Benchmark\n\nintro\n\n${BEGIN}\nold figures\n${END}\n\n## Findings\nkept\n`;
    const next = spliceGenerated(doc, 'new figures');
    assert.equal(next, `# Benchmark\n\nintro\n\n${BEGIN}\nnew figures\n${END}\n\n## Findings\nkept\n`);
    assert.equal(spliceGenerated('# B\n', 'x'), `# B\n\n${BEGIN}\nx\n${END}\n`);
  });

  test('a series folds samples into medians, its bound and ratio, and request excess over runs', () => {
    const at = (ms: number) => new Date(1_000 + ms).toISOString();
    const request = (path: string, ms: number, method = 'GET') => ({
      time: at(ms),
      api: 'run',
      method,
      path,
      body: undefined,
      status: 200,
    });
    const op = '/v2/projects/p/locations/l/operations/1';
    const sample = (wallMs: number, polls: number) => ({
      wallMs,
      coldStartMs: wallMs / 10,
      peakRssKiB: 100_000,
      requests: [
        request('/v2/projects/p/locations/l/services', 0, 'POST'),
        ...Array.from({ length: polls }, (_, i) => request(op, 10 * (i + 1))),
      ],
      stdout: 'Settings: 20 ms\nDeploy: 700 ms\n',
    });
    const series = foldSeries(
      {
        action: 'create',
        writesInvokers: false,
        targets: 1,
        latencyMs: 50,
        operationMs: 500,
        concurrency: 4,
        runtimeAccounts: 0,
        customRoles: 0,
      },
      [sample(1000, 1), sample(1600, 3), sample(1200, 2)],
    );
    assert.equal(series.wallMs.median, 1200);
    assert.equal(series.boundMs, 5 * 50 + 500);
    assert.equal(series.ratio, 1200 / 750);
    assert.deepEqual(
      series.excess.map((item) => [item.kind, item.min, item.max]),
      [['run.operations.get', 0, 2]],
    );
    assert.deepEqual(
      series.phases.map((phase) => [phase.phase, phase.ms.median]),
      [
        ['Settings', 20],
        ['Deploy', 700],
      ],
    );
    const line = timeline(sample(1000, 2).requests, 1_000 - 5);
    assert.deepEqual(
      line.map((entry) => [entry.atMs, entry.kind]),
      [
        [5, 'run.services.create'],
        [15, 'run.operations.get'],
        [25, 'run.operations.get'],
      ],
    );
  });
});
