/**
 * Runs the bundled `dist/index.js` exactly as the GitHub runner does: inputs as `INPUT_*`
 * variables, file commands in `GITHUB_OUTPUT` / `GITHUB_STEP_SUMMARY`, the OIDC request
 * variables, a workspace directory, and nothing else of this process's environment.
 */
import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The bundle under test; `KEYLESS_DEPLOY_DIST` points at a private build (e.g. while others edit dist/). */
export const DIST =
  process.env.KEYLESS_DEPLOY_DIST ?? resolve(dirname(fileURLToPath(import.meta.url)), '../../dist/index.js');

export interface ActionRunOptions {
  /** Inputs by their `action.yml` names; `undefined` values are left out. */
  readonly inputs?: Readonly<Record<string, string | undefined>>;
  /** Extra environment (the emulator's env line, GITHUB_* overrides). */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Files to place in the workspace before the run, by relative path. */
  readonly files?: Readonly<Record<string, string>>;
  /** The webhook payload the runner writes to `GITHUB_EVENT_PATH`. */
  readonly event?: unknown;
  readonly timeoutMs?: number;
  /** Called with the child process once spawned (for cancellation tests). */
  readonly onSpawn?: (pid: number) => void;
  /** Signals to send the run, as the runner does on cancellation (see `SignalPlan`). */
  readonly signals?: readonly SignalPlan[];
}

/** Send `signal` `delayMs` (default 0) after the run's stdout first matches `when`. */
export interface SignalPlan {
  readonly signal: NodeJS.Signals;
  readonly when: RegExp;
  readonly delayMs?: number;
}

/** A signal sent, `atMs` after the spawn (comparable with `durationMs`). */
export interface SentSignal {
  readonly signal: NodeJS.Signals;
  readonly atMs: number;
}

export interface ActionRun {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly outputs: Readonly<Record<string, string>>;
  readonly summary: string;
  readonly workspace: string;
  /** Every file the run left in the workspace and runner temp, with its content. */
  readonly files: Readonly<Record<string, string>>;
  readonly durationMs: number;
  /** The signals `signals` made the harness send, in order. */
  readonly sentSignals: readonly SentSignal[];
}

/** The runner's name mangling: `INPUT_` + name upper-cased with spaces as underscores. */
export function inputVariable(name: string): string {
  return `INPUT_${name.replace(/ /g, '_').toUpperCase()}`;
}

export async function runAction(options: ActionRunOptions = {}): Promise<ActionRun> {
  const root = await mkdtemp(join(tmpdir(), 'action-run-'));
  const workspace = join(root, 'workspace');
  const runnerTemp = join(root, 'runner-temp');
  await mkdir(workspace, { recursive: true });
  await mkdir(runnerTemp, { recursive: true });
  const outputFile = join(runnerTemp, 'output.txt');
  const summaryFile = join(runnerTemp, 'summary.md');
  await writeFile(outputFile, '');
  await writeFile(summaryFile, '');
  for (const [path, content] of Object.entries(options.files ?? {})) {
    const full = join(workspace, path);
    await mkdir(dirname(full), { recursive: true });
    await writeFile(full, content);
  }

  const eventFile = join(runnerTemp, 'event.json');
  await writeFile(eventFile, JSON.stringify(options.event ?? {}));

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

  const started = performance.now();
  const child = spawn(process.execPath, [DIST], { cwd: workspace, env, stdio: ['ignore', 'pipe', 'pipe'] });
  if (child.pid !== undefined) options.onSpawn?.(child.pid);
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk;
  });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
  });
  const sentSignals: SentSignal[] = [];
  const pendingSignals = [...(options.signals ?? [])];
  const signalTimers: NodeJS.Timeout[] = [];
  child.stdout.on('data', () => {
    for (const plan of pendingSignals.filter((candidate) => candidate.when.test(stdout))) {
      pendingSignals.splice(pendingSignals.indexOf(plan), 1);
      const send = (): void => {
        if (child.exitCode !== null || child.signalCode !== null) return;
        sentSignals.push({ signal: plan.signal, atMs: performance.now() - started });
        child.kill(plan.signal);
      };
      signalTimers.push(setTimeout(send, plan.delayMs ?? 0));
    }
  });
  const timeout = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 60_000);
  const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((done) =>
    child.on('close', (c, s) => done([c, s])),
  );
  clearTimeout(timeout);
  for (const timer of signalTimers) clearTimeout(timer);
  const durationMs = performance.now() - started;

  const outputs = parseFileCommand(await readFile(outputFile, 'utf8'));
  const summary = await readFile(summaryFile, 'utf8');
  const files = await readTree(root);
  await rm(root, { recursive: true, force: true });
  return { code, signal, stdout, stderr, outputs, summary, workspace, files, durationMs, sentSignals };
}

/** Parses `name<<DELIMITER\nvalue\nDELIMITER` blocks (and plain `name=value` lines). */
export function parseFileCommand(text: string): Record<string, string> {
  const result: Record<string, string> = {};
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? '';
    const heredoc = /^([^=<]+)<<(.+)$/.exec(line);
    if (heredoc) {
      const [, name = '', delimiter] = heredoc;
      const value: string[] = [];
      for (i++; i < lines.length && lines[i] !== delimiter; i++) value.push(lines[i] ?? '');
      result[name] = value.join('\n');
    } else if (line.includes('=')) {
      const at = line.indexOf('=');
      result[line.slice(0, at)] = line.slice(at + 1);
    }
  }
  return result;
}

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

/** Every place a run could have leaked a secret to, for hygiene assertions. */
export function leakSurfaces(run: ActionRun): Record<string, string> {
  return {
    // `::add-mask::` lines are how a secret is registered; the runner consumes them.
    stdout: run.stdout
      .split('\n')
      .filter((line) => !line.startsWith('::add-mask::'))
      .join('\n'),
    stderr: run.stderr,
    outputs: JSON.stringify(run.outputs),
    summary: run.summary,
    ...Object.fromEntries(Object.entries(run.files).map(([path, text]) => [`file ${path}`, text])),
  };
}

/** Names each surface where any of `secrets` appears (empty when clean). */
export function findLeaks(run: ActionRun, secrets: Iterable<string>): string[] {
  const leaks: string[] = [];
  const surfaces = leakSurfaces(run);
  for (const secret of secrets) {
    if (secret.length < 8) continue;
    for (const [where, text] of Object.entries(surfaces)) {
      if (text.includes(secret)) leaks.push(`${where} contains a minted secret (${secret.slice(0, 6)}…)`);
    }
  }
  return leaks;
}
