/**
 * Runs the action's `run(deps)` in this thread, as the runner would run the bundle: the same
 * environment, workspace and file commands as `runAction` (runner.ts), the production deps
 * (`defaultDeps`) except for the clock and sleep, which come from a virtual clock so retry waits
 * take no real time. What the bundle's process owns (process.env, stdout, stderr, the exit code)
 * this run owns for its duration, so it runs in a worker thread of its own, one run at a time.
 */
import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { isMainThread } from 'node:worker_threads';
import * as core from '@actions/core';
import { defaultDeps, run } from '../../src/main.ts';
import type { ActionRun, ActionRunOptions } from './runner.ts';
import { inputVariable, parseFileCommand } from './runner.ts';
import type { VirtualClock } from './virtual-clock.ts';

export interface InProcessOptions extends Pick<ActionRunOptions, 'inputs' | 'env' | 'files' | 'event'> {
  readonly clock: VirtualClock;
  /** The run is given up once the clock is this far past its start. */
  readonly limitMs: number;
}

/** Starts what stderr says about an error nobody handled during the run (the bundle dies of it). */
export const UNHANDLED_MARK = 'Unhandled error in the run:';

/** Collects the unhandled errors of the run in progress; after a run they are ignored (the bundle has exited). */
let unhandledSink: ((error: unknown) => void) | undefined;
let handlersInstalled = false;

function installUnhandledHandlers(): void {
  if (handlersInstalled) return;
  handlersInstalled = true;
  process.on('unhandledRejection', (error) => unhandledSink?.(error));
  process.on('uncaughtException', (error) => unhandledSink?.(error));
}

/**
 * Whether a run was given up at its limit (reported as killed) in this thread. It still holds the
 * thread's process state: the thread must end before anything else runs in it.
 */
export function hasAbandonedRun(): boolean {
  return abandoned;
}
let abandoned = false;

export async function runInProcess(options: InProcessOptions): Promise<ActionRun> {
  if (isMainThread)
    throw new Error('runInProcess takes over process.env and stdout: call it in a worker thread.');
  installUnhandledHandlers();
  const root = await mkdtemp(join(tmpdir(), 'action-run-'));
  const workspace = join(root, 'workspace');
  const runnerTemp = join(root, 'runner-temp');
  await mkdir(workspace, { recursive: true });
  await mkdir(runnerTemp, { recursive: true });
  const outputFile = join(runnerTemp, 'output.txt');
  const summaryFile = join(runnerTemp, 'summary.md');
  const eventFile = join(runnerTemp, 'event.json');
  await writeFile(outputFile, '');
  await writeFile(summaryFile, '');
  await writeFile(eventFile, JSON.stringify(options.event ?? {}));
  for (const [path, content] of Object.entries(options.files ?? {})) {
    const full = join(workspace, path);
    await mkdir(dirname(full), { recursive: true });
    await writeFile(full, content);
  }

  const env: Record<string, string> = {
    GITHUB_EVENT_PATH: eventFile,
    PATH: process.env.PATH ?? '',
    HOME: root,
    CI: 'true',
    GITHUB_ACTIONS: 'true',
    GITHUB_WORKSPACE: workspace,
    RUNNER_TEMP: runnerTemp,
    GITHUB_OUTPUT: outputFile,
    GITHUB_STEP_SUMMARY: summaryFile,
    GITHUB_ACTION: 'deploy',
  };
  for (const [key, value] of Object.entries(options.env ?? {})) {
    if (value !== undefined) env[key] = value;
  }
  for (const [name, value] of Object.entries(options.inputs ?? {})) {
    if (value !== undefined) env[inputVariable(name)] = value;
  }

  const captured = takeOverProcess(env);
  const { clock } = options;
  const started = clock.now();
  const done = run({ ...defaultDeps(), now: clock.now, sleep: clock.sleep }).then(
    () => 'done' as const,
    (error: unknown) => {
      // run() reports every failure itself; one it let through kills the bundle's process.
      unhandledSink?.(error);
      process.exitCode = 1;
      return 'done' as const;
    },
  );
  let watch: NodeJS.Timeout | undefined;
  const limit = new Promise<'limit'>((resolve) => {
    watch = setInterval(() => {
      if (clock.now() - started > options.limitMs) resolve('limit');
    }, 50);
  });
  const ended = await Promise.race([done, limit]);
  clearInterval(watch);
  if (ended === 'limit') abandoned = true;
  const durationMs = clock.now() - started;
  const { code, stdout, stderr } = captured.release();

  const outputs = parseFileCommand(await readFile(outputFile, 'utf8'));
  const summary = await readFile(summaryFile, 'utf8');
  const files = await readTree(root);
  await rm(root, { recursive: true, force: true });
  return {
    code: ended === 'limit' ? null : code,
    signal: ended === 'limit' ? 'SIGKILL' : null,
    stdout,
    stderr,
    outputs,
    summary,
    workspace,
    files,
    durationMs,
    sentSignals: [],
  };
}

interface Captured {
  /** Gives process.env, stdout, stderr and the exit code back; returns what the run left in them. */
  release(): { code: number; stdout: string; stderr: string };
}

/** The runner's environment in process.env; stdout, stderr and the exit code captured. */
function takeOverProcess(env: Readonly<Record<string, string>>): Captured {
  const saved = { ...process.env };
  replaceEnv(env);
  forgetSummaryFile();
  process.exitCode = 0;
  let stdout = '';
  let stderr = '';
  const restoreOut = capture(process.stdout, (text) => {
    stdout += text;
  });
  const restoreErr = capture(process.stderr, (text) => {
    stderr += text;
  });
  unhandledSink = (error) => {
    stderr += `${UNHANDLED_MARK} ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`;
  };
  return {
    release() {
      unhandledSink = undefined;
      restoreOut();
      restoreErr();
      const code = Number(process.exitCode ?? 0);
      process.exitCode = 0;
      replaceEnv(saved);
      return { code, stdout, stderr };
    },
  };
}

/**
 * `core.summary` keeps the path of the first summary file it wrote, and any unwritten text, for
 * the life of the process: one run per process on a runner, so each run here starts it afresh.
 */
function forgetSummaryFile(): void {
  core.summary.emptyBuffer();
  Reflect.set(core.summary, '_filePath', undefined);
}

function replaceEnv(env: Readonly<Record<string, string | undefined>>): void {
  for (const key of Object.keys(process.env)) delete process.env[key];
  for (const [key, value] of Object.entries(env)) {
    if (value !== undefined) process.env[key] = value;
  }
}

/** Routes `stream.write` to `sink` until the returned function is called. */
function capture(stream: NodeJS.WriteStream, sink: (text: string) => void): () => void {
  const original = Object.getOwnPropertyDescriptor(stream, 'write');
  const write = (chunk: string | Uint8Array, ...rest: unknown[]): boolean => {
    sink(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
    const callback = rest.find((item) => typeof item === 'function');
    if (typeof callback === 'function') queueMicrotask(() => callback());
    return true;
  };
  Object.defineProperty(stream, 'write', { value: write, configurable: true, writable: true });
  return () => {
    if (original === undefined) Reflect.deleteProperty(stream, 'write');
    else Object.defineProperty(stream, 'write', original);
  };
}

/** Every file under `dir`, by relative path, with its content (as runner.ts collects them). */
async function readTree(dir: string, prefix = ''): Promise<Record<string, string>> {
  const found: Record<string, string> = {};
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const full = join(dir, entry.name);
    const rel = prefix === '' ? entry.name : `${prefix}/${entry.name}`;
    if (entry.isDirectory()) Object.assign(found, await readTree(full, rel));
    else if ((await stat(full)).size < 5_000_000) found[rel] = await readFile(full, 'utf8');
  }
  return found;
}
