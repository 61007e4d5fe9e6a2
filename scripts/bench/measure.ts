/**
 * Measurements of real processes: the bundled action run as the runner runs it (wall time, time to
 * its first request, peak RSS), a bare `node -e 0` beside it, and the size of dist/.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { type ActionRun, DIST, runAction } from '../../test/e2e/runner.ts';
import type { Emulator } from '../../test/emulator/emulator.ts';
import type { LoggedRequest } from './requests.ts';

/** How often /proc is sampled for the peak RSS; VmHWM is a high-water mark, so late samples still see it. */
const RSS_SAMPLE_MS = 5;

export interface ProcessSample {
  readonly wallMs: number;
  /** Peak resident set (VmHWM) in KiB; 0 when /proc could not be read. */
  readonly peakRssKiB: number;
}

export interface DeployMeasurement extends ProcessSample {
  readonly run: ActionRun;
  /** Process spawn to the first request the emulator received. */
  readonly coldStartMs: number;
  readonly requests: readonly LoggedRequest[];
  /** Spawn time (epoch ms), to place the requests on a timeline. */
  readonly spawnedAt: number;
}

function readPeakRss(pid: number): number | undefined {
  try {
    const match = /^VmHWM:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match?.[1] === undefined ? undefined : Number(match[1]);
  } catch {
    return undefined; // the process is gone (or /proc is not Linux's)
  }
}

/** Samples VmHWM of `pid` until stopped; returns the highest seen. */
function watchPeakRss(pid: number): () => number {
  let peak = readPeakRss(pid) ?? 0;
  const timer = setInterval(() => {
    peak = Math.max(peak, readPeakRss(pid) ?? 0);
  }, RSS_SAMPLE_MS);
  return () => {
    clearInterval(timer);
    return peak;
  };
}

/** Runs dist/index.js against `emulator` with `policy` as `.github/cloud-run.yml`; the log is cleared first. */
export async function measureDeploy(
  emulator: Emulator,
  image: string,
  policy: string,
): Promise<DeployMeasurement> {
  emulator.log.clear();
  let spawnedAt = 0;
  let stopRss: () => number = () => 0;
  const run = await runAction({
    env: emulator.env(),
    // Every service of the policy: the scale policies declare several.
    inputs: { image, service: 'all' },
    files: { '.github/cloud-run.yml': policy },
    timeoutMs: 240_000,
    onSpawn: (pid) => {
      spawnedAt = Date.now();
      stopRss = watchPeakRss(pid);
    },
  });
  const peakRssKiB = stopRss();
  if (run.code !== 0) {
    throw new Error(
      `the action failed (exit ${run.code}, signal ${run.signal}); a benchmark of a failing deploy means nothing:\n${run.stdout}\n${run.stderr}`,
    );
  }
  const requests = emulator.log.entries();
  const first = Math.min(...requests.map((entry) => Date.parse(entry.time)));
  if (!Number.isFinite(first)) throw new Error('the action made no request to the emulator');
  return {
    run,
    wallMs: run.durationMs,
    peakRssKiB,
    coldStartMs: first - spawnedAt,
    requests,
    spawnedAt,
  };
}

/** A bare Node process (`node -e 0`) from spawn to exit: the floor any action starts from. */
export async function measureBareNode(): Promise<ProcessSample> {
  const child = spawn(process.execPath, ['-e', '0'], {
    stdio: 'ignore',
    env: { PATH: process.env.PATH ?? '' },
  });
  const spawnedAt = performance.now();
  const stopRss = child.pid === undefined ? () => 0 : watchPeakRss(child.pid);
  const code = await new Promise<number | null>((done) => child.on('exit', (exitCode) => done(exitCode)));
  const wallMs = performance.now() - spawnedAt;
  const peakRssKiB = stopRss();
  if (code !== 0)
    throw new Error(`node -e 0 exited with ${code}; check the Node binary at ${process.execPath}`);
  return { wallMs, peakRssKiB };
}

/**
 * The action with no inputs at all: it loads, fails in its Settings phase and exits without a
 * request, so spawn → exit is the cost of loading the bundle (plus a bare Node's start).
 */
export async function measureLoadOnly(): Promise<ProcessSample> {
  const workspace = await mkdtemp(join(tmpdir(), 'bench-load-'));
  try {
    const child = spawn(process.execPath, [DIST], {
      cwd: workspace,
      stdio: ['ignore', 'pipe', 'ignore'],
      env: { PATH: process.env.PATH ?? '', GITHUB_WORKSPACE: workspace },
    });
    const spawnedAt = performance.now();
    const stopRss = child.pid === undefined ? () => 0 : watchPeakRss(child.pid);
    let stdout = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
    });
    const code = await new Promise<number | null>((done) => child.on('close', (exitCode) => done(exitCode)));
    const wallMs = performance.now() - spawnedAt;
    const peakRssKiB = stopRss();
    if (code !== 1 || !/^::error/m.test(stdout)) {
      throw new Error(
        `the action without inputs was expected to fail in Settings (exit 1), got exit ${code}:\n${stdout}`,
      );
    }
    return { wallMs, peakRssKiB };
  } finally {
    await rm(workspace, { recursive: true, force: true });
  }
}

export interface DistSize {
  readonly indexBytes: number;
  readonly totalBytes: number;
  readonly files: number;
  /** Of dist/index.js, to tell builds apart (the lead may rebuild while the benchmark runs). */
  readonly sha256: string;
}

export async function distSize(): Promise<DistSize> {
  const dir = dirname(DIST);
  let totalBytes = 0;
  let files = 0;
  const walk = async (path: string): Promise<void> => {
    for (const entry of await readdir(path, { withFileTypes: true })) {
      const full = join(path, entry.name);
      if (entry.isDirectory()) await walk(full);
      else {
        totalBytes += (await stat(full)).size;
        files += 1;
      }
    }
  };
  await walk(dir);
  const sha256 = createHash('sha256')
    .update(await readFile(DIST))
    .digest('hex');
  return { indexBytes: (await stat(DIST)).size, totalBytes, files, sha256 };
}
