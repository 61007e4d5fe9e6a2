/**
 * One step deploys six targets (three services × two regions, `service: all`) where one target's
 * new revision fails to start: the other five are deployed, the failed one is reported with its
 * error and keeps serving its previous revision, the step fails, and the six writes run in
 * parallel, at most four at once.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { LogEntry } from '../emulator/core/request-log.ts';
import type { ActionRun } from './runner.ts';
import { CALLER, EXAMPLE_POLICY, IMAGE, World } from './world.ts';

const SERVICES = ['alpha', 'beta', 'gamma'] as const;
const REGIONS = ['us-central1', 'europe-west1'] as const;
const FAILING = { service: 'beta', region: 'europe-west1' } as const;
/** The action deploys at most this many targets at once (`TARGET_CONCURRENCY` in main.ts). */
const AT_ONCE = 4;
/** Long enough that the first four rollouts overlap however slowly the machine starts them. */
const ROLLOUT_MS = 1_500;

/** The example policy's deployer block with three services, each in both regions. */
const POLICY = `${EXAMPLE_POLICY.slice(0, EXAMPLE_POLICY.indexOf('services:'))}services:
${SERVICES.map(
  (name) => `  - name: ${name}
    regions: [${REGIONS.join(', ')}]
    runtime_service_account: runtime@demo-project.iam.gserviceaccount.com
    image_repository: ${IMAGE}
    max_instances: 3
    invokers:
      - serviceAccount:${CALLER}
`,
).join('')}`;

/** Every target in the order the action deploys them: policy order, then each service's regions. */
const TARGETS = SERVICES.flatMap((service) => REGIONS.map((region) => `${service}/${region}`));

interface TargetSummary {
  readonly service: string;
  readonly region: string;
  readonly status: string;
  readonly url: string | null;
  readonly revision: string | null;
  readonly error: string | null;
}

const summaryOf = (run: ActionRun) => JSON.parse(run.outputs.summary ?? '[]') as TargetSummary[];
const key = (target: { service: string; region: string }) => `${target.service}/${target.region}`;
const serviceName = (service: string, region: string) =>
  `projects/demo-project/locations/${region}/services/${service}`;
const isFailing = (service: string, region: string) =>
  service === FAILING.service && region === FAILING.region;

/** The most intervals open at one instant (an interval ending as another starts does not overlap). */
function mostAtOnce(intervals: readonly { start: number; end: number }[]): number {
  const edges = intervals.flatMap(({ start, end }) => [
    { at: start, step: 1 },
    { at: end, step: -1 },
  ]);
  edges.sort((a, b) => a.at - b.at || a.step - b.step);
  let open = 0;
  let most = 0;
  for (const { step } of edges) {
    open += step;
    most = Math.max(most, open);
  }
  return most;
}

describe('one step, six targets (service: all), one failing revision', () => {
  let world: World;
  let firstRevisions: Map<string, string>;
  let run: ActionRun;
  /** The emulator log of the second run only. */
  let log: readonly LogEntry[];

  before(async () => {
    world = await World.start();
    const first = await world.deploy({ policy: POLICY, inputs: { image: `${IMAGE}:v1`, service: 'all' } });
    assert.equal(first.code, 0, `${first.stdout}\n${first.stderr}`);
    assert.deepEqual(summaryOf(first).map(key), TARGETS, 'one run created all six targets');
    firstRevisions = new Map(summaryOf(first).map((target) => [key(target), target.revision ?? '']));
    const since = world.emulator.log.entries().length;
    world.runControls().model.setOperationDuration(ROLLOUT_MS);
    const remove = world.runControls().failRevisions({ ...FAILING, image: ':v2' });
    try {
      run = await world.deploy({ policy: POLICY, inputs: { image: `${IMAGE}:v2`, service: 'all' } });
    } finally {
      remove();
    }
    log = world.emulator.log.entries().slice(since);
  });

  after(async () => {
    await world.close();
  });

  it('fails the step, naming the failed target and what the others do', () => {
    assert.equal(run.code, 1, run.stdout);
    assert.match(
      run.stdout,
      /\n::error::revision \S+ of service beta in europe-west1 did not become ready: .*targets that failed still serve their previous revision/,
    );
  });

  it('reports the other five deployed and the failed one failed with its error in the summary output', () => {
    const targets = summaryOf(run);
    assert.deepEqual(targets.map(key), TARGETS);
    for (const target of targets) {
      const failing = isFailing(target.service, target.region);
      assert.equal(target.status, failing ? 'failed' : 'deployed', key(target));
      if (failing) {
        assert.match(target.error ?? '', /failed to start and listen on the port/);
      } else {
        assert.equal(target.error, null, key(target));
        assert.match(target.revision ?? '', new RegExp(`^${target.service}-`));
        assert.notEqual(target.revision, firstRevisions.get(key(target)), key(target));
      }
    }
  });

  it('leaves the failed target serving its previous revision, the others the new one', async () => {
    for (const service of SERVICES) {
      for (const region of REGIONS) {
        const target = `${service}/${region}`;
        const state = world.service(serviceName(service, region));
        const served = await world.servedBy(state.uri ?? '', CALLER);
        assert.equal(served.status, 200, target);
        const expected = isFailing(service, region)
          ? firstRevisions.get(target)
          : state.latestReadyRevision?.split('/').at(-1);
        assert.equal(served.revision, expected, target);
        if (!isFailing(service, region)) assert.notEqual(served.revision, firstRevisions.get(target), target);
      }
    }
  });

  it('lists all six targets in the job summary, the failed one with its error', () => {
    const rows = run.summary.split('\n').filter((line) => /^\| \w+ \([a-z0-9-]+\) \|/.test(line));
    assert.equal(rows.length, 6, rows.join('\n'));
    for (const service of SERVICES) {
      for (const region of REGIONS) {
        const row = rows.find((line) => line.startsWith(`| ${service} (${region}) |`));
        assert.match(
          row ?? '',
          isFailing(service, region) ? /❌ failed.*failed to start/ : /✅ deployed/,
          `${service} (${region})`,
        );
      }
    }
  });

  it('writes the six targets in parallel, at most four at once', () => {
    const model = world.runControls().model;
    // Each target's rollout runs from its write's arrival until its operation is done.
    const writes = new Map(
      log
        .filter((entry) => entry.api === 'run' && entry.method === 'PATCH')
        .map((entry) => [entry.path.replace(/^\/v2\//, ''), Date.parse(entry.time)]),
    );
    assert.deepEqual(
      [...writes.keys()].sort(),
      TARGETS.map((target) => {
        const [service = '', region = ''] = target.split('/');
        return serviceName(service, region);
      }).sort(),
      'one write per target',
    );
    const operations = new Set(
      log.filter((entry) => /\/operations\/[^/:]+$/.test(entry.path)).map((entry) => entry.path.slice(4)),
    );
    const rollouts = [...operations].map((operation) => {
      const metadata = model.getOperation(operation).metadata as { name?: string } | undefined;
      const start = writes.get(metadata?.name ?? '');
      assert.ok(start !== undefined, `operation ${operation} of no write in this run`);
      return { start, end: model.operationDoneAt(operation) };
    });
    assert.equal(rollouts.length, 6, 'one operation per target');
    // Sequential writes would never overlap; more than four at once would break the bound.
    assert.equal(mostAtOnce(rollouts), AT_ONCE);
  });

  it('leaks no minted token', () => {
    assert.deepEqual(world.leaks(run), []);
  });
});
