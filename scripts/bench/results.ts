/** Repeated measurements of one deploy series folded into figures: medians, bound, ratios, requests. */
import { type Action, formula, lowerBoundMs, minimumChain } from './critical-path.ts';
import { auditRequests, classify, type LoggedRequest, minimumCalls } from './requests.ts';
import { type Summary, summarize } from './stats.ts';
import { phaseTimings } from './step-log.ts';

/** One run of the action, as measured. */
export interface Sample {
  readonly wallMs: number;
  readonly coldStartMs: number;
  readonly peakRssKiB: number;
  readonly requests: readonly LoggedRequest[];
  readonly stdout: string;
}

export interface SeriesSpec {
  readonly action: Action;
  readonly writesInvokers: boolean;
  readonly targets: number;
  readonly latencyMs: number;
  readonly operationMs: number;
  readonly concurrency: number;
  readonly runtimeAccounts: number;
  readonly customRoles: number;
}

export interface ExcessSummary {
  readonly kind: string;
  readonly min: number;
  readonly max: number;
  readonly reason: string;
}

export interface Series {
  readonly spec: SeriesSpec;
  readonly wallMs: Summary;
  readonly coldStartMs: Summary;
  readonly peakRssKiB: Summary;
  /** Critical-path lower bound (at most `concurrency` targets at once). */
  readonly boundMs: number;
  readonly formula: string;
  /** Median wall time over the bound. */
  readonly ratio: number;
  readonly requests: Summary;
  readonly minimumRequests: number;
  readonly excess: readonly ExcessSummary[];
  readonly missing: readonly { readonly kind: string; readonly count: number }[];
  readonly phases: readonly { readonly phase: string; readonly ms: Summary }[];
}

export function foldSeries(spec: SeriesSpec, samples: readonly Sample[]): Series {
  if (samples.length === 0) throw new Error('a series needs at least one sample');
  const scenario = { action: spec.action, writesInvokers: spec.writesInvokers };
  const boundMs = lowerBoundMs(scenario, spec.targets, spec.concurrency, spec.latencyMs, spec.operationMs);
  const wallMs = summarize(samples.map((sample) => sample.wallMs));
  const minimum = minimumCalls({ ...spec, ...scenario });
  const audits = samples.map((sample) => auditRequests(sample.requests, minimum));
  const excess = new Map<string, { counts: number[]; reason: string }>();
  for (const audit of audits) {
    for (const item of audit.excess) {
      const seen = excess.get(item.kind) ?? { counts: [], reason: item.reason };
      seen.counts.push(item.count);
      excess.set(item.kind, seen);
    }
  }
  const phaseRuns = samples.map((sample) => phaseTimings(sample.stdout));
  const phaseNames = [...new Set(phaseRuns.flat().map((timing) => timing.phase))];
  return {
    spec,
    wallMs,
    coldStartMs: summarize(samples.map((sample) => sample.coldStartMs)),
    peakRssKiB: summarize(samples.map((sample) => sample.peakRssKiB)),
    boundMs,
    formula: formula(minimumChain(scenario)),
    ratio: boundMs > 0 ? wallMs.median / boundMs : Number.POSITIVE_INFINITY,
    requests: summarize(audits.map((audit) => audit.total)),
    minimumRequests: audits[0]?.minimum ?? 0,
    // A kind missing from some runs counts 0 there.
    excess: [...excess].map(([kind, { counts, reason }]) => ({
      kind,
      min: counts.length < samples.length ? 0 : Math.min(...counts),
      max: Math.max(...counts),
      reason,
    })),
    missing: audits[0]?.missing ?? [],
    phases: phaseNames.map((phase) => ({
      phase,
      ms: summarize(phaseRuns.map((run) => run.find((timing) => timing.phase === phase)?.ms ?? 0)),
    })),
  };
}

export interface TimelineEntry {
  /** Arrival at the emulator, ms after the action process was spawned. */
  readonly atMs: number;
  readonly kind: string;
  readonly resource: string;
  readonly status: number | undefined;
}

export function timeline(requests: readonly LoggedRequest[], spawnedAt: number): TimelineEntry[] {
  return requests
    .map((request) => {
      const call = classify(request);
      return {
        atMs: Date.parse(request.time) - spawnedAt,
        kind: call.kind,
        resource: call.resource,
        status: call.status,
      };
    })
    .sort((a, b) => a.atMs - b.atMs);
}

export interface ColdStart {
  /** `node -e 0`, spawn to exit. */
  readonly bareNodeMs: Summary;
  readonly bareNodeRssKiB: Summary;
  /** The action without inputs (loads, fails in Settings, no request), spawn to exit. */
  readonly loadOnlyMs: Summary;
  readonly loadOnlyRssKiB: Summary;
  /** The action, spawn to its first request (every single-target deploy). */
  readonly actionMs: Summary;
  /** Its `Settings` phase (inputs, policy file, schema), part of the above. */
  readonly settingsMs: Summary;
  /** Median action cold start over median bare Node. */
  readonly ratio: number;
}

export interface BenchResults {
  readonly date: string;
  readonly node: string;
  readonly cpus: number;
  /** One-minute load average when the benchmark started and ended: other load skews every figure. */
  readonly loadAverage: { readonly before: number; readonly after: number };
  readonly command: string;
  readonly options: {
    readonly runs: number;
    readonly latencies: readonly number[];
    readonly operationMs: number;
    readonly scale: readonly number[];
    readonly scaleLatency: number;
    readonly concurrency: number;
  };
  readonly dist: {
    readonly indexBytes: number;
    readonly totalBytes: number;
    readonly files: number;
    readonly sha256: string;
  };
  readonly coldStart: ColdStart;
  readonly deploys: readonly Series[];
  readonly scale: readonly Series[];
  /** One create and one update at the highest latency, request by request. */
  readonly timelines: readonly {
    readonly action: Action;
    readonly latencyMs: number;
    readonly entries: readonly TimelineEntry[];
    readonly wallMs: number;
  }[];
  readonly durationMs: number;
}

export function coldStart(
  bare: readonly { wallMs: number; peakRssKiB: number }[],
  loadOnly: readonly { wallMs: number; peakRssKiB: number }[],
  deploys: readonly Sample[],
): ColdStart {
  const bareNodeMs = summarize(bare.map((sample) => sample.wallMs));
  const actionMs = summarize(deploys.map((sample) => sample.coldStartMs));
  return {
    bareNodeMs,
    bareNodeRssKiB: summarize(bare.map((sample) => sample.peakRssKiB)),
    loadOnlyMs: summarize(loadOnly.map((sample) => sample.wallMs)),
    loadOnlyRssKiB: summarize(loadOnly.map((sample) => sample.peakRssKiB)),
    actionMs,
    settingsMs: summarize(
      deploys.map(
        (sample) => phaseTimings(sample.stdout).find((timing) => timing.phase === 'Settings')?.ms ?? 0,
      ),
    ),
    ratio: actionMs.median / bareNodeMs.median,
  };
}
