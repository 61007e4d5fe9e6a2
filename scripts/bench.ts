/**
 * `npm run bench`: the bundled action run as the runner runs it, against the emulator with latency
 * injected into every Google API and the OIDC endpoint. Prints a Markdown table, then the results
 * as JSON; writes the figures into docs/benchmark.md (between its bench markers).
 * See docs/benchmark.md for what each figure means; `node scripts/bench.ts --help` for options.
 */

import { readFile, writeFile } from 'node:fs/promises';
import { availableParallelism, loadavg } from 'node:os';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { TARGET_CONCURRENCY } from '../src/main.ts';
import { EXAMPLE_POLICY, IMAGE } from '../test/e2e/world.ts';
import { REGIONS } from '../test/emulator/apis/run/names.ts';
import type { RunControls } from '../test/emulator/apis/run/plugin.ts';
import { type Emulator, startEmulator } from '../test/emulator/emulator.ts';
import type { Action } from './bench/critical-path.ts';
import {
  distSize,
  measureBareNode,
  measureDeploy,
  measureLoadOnly,
  type ProcessSample,
} from './bench/measure.ts';
import { type BenchOptions, parseOptions, USAGE } from './bench/options.ts';
import { policyWithTargets } from './bench/policy.ts';
import { renderMarkdown, spliceGenerated } from './bench/report.ts';
import {
  type BenchResults,
  coldStart,
  foldSeries,
  type Sample,
  type SeriesSpec,
  timeline,
} from './bench/results.ts';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
/** The example's own region first, then every other Cloud Run region the emulator knows. */
const SCALE_REGIONS = ['us-central1', ...[...REGIONS].filter((region) => region !== 'us-central1')];

/** A fresh example world whose every API answers `latencyMs` late and whose operations take `operationMs`. */
async function startWorld(latencyMs: number, operationMs: number): Promise<Emulator> {
  const emulator = await startEmulator();
  const controls = emulator.plugin('run')?.controls as RunControls | undefined;
  if (controls === undefined) throw new Error('the emulator has no Cloud Run plug-in');
  controls.setOperationDuration(operationMs);
  if (latencyMs > 0) emulator.faults.add({ fault: { type: 'latency', ms: latencyMs } });
  return emulator;
}

function sampleOf(measured: Awaited<ReturnType<typeof measureDeploy>>): Sample {
  return {
    wallMs: measured.wallMs,
    coldStartMs: measured.coldStartMs,
    peakRssKiB: measured.peakRssKiB,
    requests: measured.requests,
    stdout: measured.run.stdout,
  };
}

function progress(message: string): void {
  process.stderr.write(`${message}\n`);
}

async function bench(options: BenchOptions, command: string): Promise<BenchResults> {
  const started = performance.now();
  const loadBefore = loadavg()[0] ?? 0;
  const distBefore = await distSize();
  const concurrency = TARGET_CONCURRENCY;
  // Built first, so an impossible size fails before minutes of measuring.
  const scalePolicies = new Map(
    options.scale.map((targets) => [targets, policyWithTargets(EXAMPLE_POLICY, targets, SCALE_REGIONS)]),
  );
  const spec = (action: Action, targets: number, latencyMs: number): SeriesSpec => ({
    action,
    // The example policy declares invokers: a create writes them, an image update leaves them.
    writesInvokers: action === 'create',
    targets,
    latencyMs,
    operationMs: options.operationMs,
    concurrency,
    runtimeAccounts: 1,
    customRoles: 1,
  });
  const bare: ProcessSample[] = [];
  const loadOnly: ProcessSample[] = [];
  const deploys = new Map<string, Sample[]>();
  const scale = new Map<number, Sample[]>();
  const timelines: BenchResults['timelines'][number][] = [];
  const topLatency = Math.max(...options.latencies);
  const add = <K>(map: Map<K, Sample[]>, key: K, sample: Sample) =>
    map.set(key, [...(map.get(key) ?? []), sample]);

  // Repetitions outermost, so drift (thermal, other load) spreads over every series alike.
  for (let run = 1; run <= options.runs; run++) {
    for (let i = 0; i < 3; i++) bare.push(await measureBareNode());
    loadOnly.push(await measureLoadOnly());
    for (const latencyMs of options.latencies) {
      const emulator = await startWorld(latencyMs, options.operationMs);
      try {
        for (const [action, tag] of [
          ['create', 'v1'],
          ['update', 'v2'],
        ] as const) {
          const measured = await measureDeploy(emulator, `${IMAGE}:${tag}`, EXAMPLE_POLICY);
          add(deploys, `${action} ${latencyMs}`, sampleOf(measured));
          progress(
            `run ${run}/${options.runs}: ${action} at ${latencyMs} ms: ${Math.round(measured.wallMs)} ms`,
          );
          if (run === options.runs && latencyMs === topLatency) {
            timelines.push({
              action,
              latencyMs,
              entries: timeline(measured.requests, measured.spawnedAt),
              wallMs: measured.wallMs,
            });
          }
        }
      } finally {
        await emulator.close();
      }
    }
    for (const targets of options.scale) {
      const emulator = await startWorld(options.scaleLatency, options.operationMs);
      try {
        const measured = await measureDeploy(emulator, `${IMAGE}:v1`, scalePolicies.get(targets) ?? '');
        add(scale, targets, sampleOf(measured));
        progress(`run ${run}/${options.runs}: ${targets} target(s): ${Math.round(measured.wallMs)} ms`);
      } finally {
        await emulator.close();
      }
    }
  }

  const distAfter = await distSize();
  if (distAfter.sha256 !== distBefore.sha256) {
    throw new Error(
      'dist/index.js changed while the benchmark ran, so its figures mix two builds; run it again when no build is under way.',
    );
  }
  const deploySeries = options.latencies.flatMap((latencyMs) =>
    (['create', 'update'] as const).map((action) =>
      foldSeries(spec(action, 1, latencyMs), deploys.get(`${action} ${latencyMs}`) ?? []),
    ),
  );
  return {
    date: new Date().toISOString(),
    node: process.versions.node,
    cpus: availableParallelism(),
    command,
    loadAverage: { before: loadBefore, after: loadavg()[0] ?? 0 },
    options: {
      runs: options.runs,
      latencies: options.latencies,
      operationMs: options.operationMs,
      scale: options.scale,
      scaleLatency: options.scaleLatency,
      concurrency,
    },
    dist: distBefore,
    coldStart: coldStart(bare, loadOnly, [...deploys.values()].flat()),
    deploys: deploySeries,
    scale: options.scale.map((targets) =>
      foldSeries(spec('create', targets, options.scaleLatency), scale.get(targets) ?? []),
    ),
    timelines,
    durationMs: performance.now() - started,
  };
}

async function main(argv: readonly string[]): Promise<void> {
  if (argv.includes('--help')) {
    console.log(USAGE);
    return;
  }
  const options = parseOptions(argv, process.env, resolve(ROOT, 'docs/benchmark.md'));
  const results = await bench(options, ['node scripts/bench.ts', ...argv].join(' '));
  const markdown = renderMarkdown(results);
  console.log(markdown);
  console.log(JSON.stringify(results, null, 2));
  if (options.doc !== undefined) {
    const current = await readFile(options.doc, 'utf8').catch(() => '# Benchmark\n');
    await writeFile(options.doc, spliceGenerated(current, markdown));
    progress(`wrote ${options.doc}`);
  }
}

await main(process.argv.slice(2)).catch((error: unknown) => {
  progress(`bench: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
});
