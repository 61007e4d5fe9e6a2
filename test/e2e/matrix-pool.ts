/**
 * Runs fault-matrix cells in-process on a pool of worker threads (matrix-worker.ts), one cell at a
 * time per thread: each run owns its thread's process.env and stdout as the bundle owns its
 * process. Threads load the action and the emulator once and then take cell after cell; a thread
 * that had to give a run up, or died, is replaced.
 *
 * A cell either mostly waits in real time (a timeout fault costs whole request deadlines, a
 * latency fault its delay) or mostly computes (its retry waits are skipped). Waiting cells get
 * most threads, longest first; a few threads keep the CPU busy with the others meanwhile.
 */
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { Worker } from 'node:worker_threads';
import { brokenCell, type CellResult } from './matrix-cell.ts';
import { type Cell, cellKey } from './matrix-cells.ts';
import type { CellReply, CellRequest } from './matrix-worker.ts';

const WORKER = new URL('./matrix-worker.ts', import.meta.url);

/** Threads that run the computing cells while the others wait. */
const COMPUTING_THREADS = 3;
/** Pause between the starts of the waiting threads. */
const STAGGER_MS = 400;

/** How long a cell waits in real time, roughly: whole request deadlines, or latencies. */
function realWait(cell: Cell): number {
  const persistent = cell.persistence === 'persistent' ? 1 : 0;
  if (cell.fault === 'timeout') return 4 + persistent;
  if (cell.fault === 'latency') return 2 + persistent;
  return 0;
}

/** Where threads keep compiled code (V8's compile cache), so each loads the action and emulator faster. */
const COMPILE_CACHE = process.env.NODE_COMPILE_CACHE ?? join(tmpdir(), 'keyless-deploy-compile-cache');

function startWorker(): Worker {
  return new Worker(WORKER, { env: { ...process.env, NODE_COMPILE_CACHE: COMPILE_CACHE } });
}

interface Queued {
  readonly cell: Cell;
  readonly index: number;
}

/** Runs `cells` on `threads` worker threads; results in the order of `cells`. */
export async function runCellsInProcess(
  cells: readonly Cell[],
  threads: number,
  onResult: (result: CellResult) => void = () => {},
): Promise<CellResult[]> {
  const results: CellResult[] = new Array(cells.length);
  const queued = cells.map((cell, index) => ({ cell, index }));
  const waiting = queued
    .filter(({ cell }) => realWait(cell) > 0)
    .sort((a, b) => realWait(b.cell) - realWait(a.cell) || a.index - b.index);
  const computing = queued.filter(({ cell }) => realWait(cell) === 0);

  /** Runs one cell on `worker` (or a new one); returns the worker if it can take another. */
  const runOn = async (worker: Worker | undefined, next: Queued): Promise<Worker | undefined> => {
    const thread = worker ?? startWorker();
    const reply = await ask(thread, { index: next.index, key: cellKey(next.cell) });
    const result = reply.ok ? { cell: next.cell, ...reply.reply.result } : brokenCell(next.cell, reply.error);
    results[next.index] = result;
    onResult(result);
    if (reply.ok && !reply.reply.spent) return thread;
    await thread.terminate();
    return undefined;
  };
  /** Runs the cells `take` gives, one after another, on one thread. */
  const lane = async (first: Worker | undefined, take: () => Queued | undefined): Promise<void> => {
    let worker = first;
    try {
      for (let next = take(); next !== undefined; next = take()) worker = await runOn(worker, next);
    } finally {
      await worker?.terminate();
    }
  };
  // A computing lane with nothing left to compute takes the shortest wait, not the longest.
  const computeFirst = () => computing.shift() ?? waiting.pop();
  const waitFirst = () => waiting.shift() ?? computing.shift();
  // One computing cell first, alone: its thread fills the compile cache the others then load from.
  const first = computing.shift() ?? waiting.pop();
  const warm = first === undefined ? undefined : await runOn(undefined, first);
  const lanes = Math.min(threads, waiting.length + computing.length);
  const computingLanes = Math.min(COMPUTING_THREADS, lanes);
  if (lanes === 0) await warm?.terminate();
  await Promise.all(
    Array.from({ length: lanes }, async (_, i) => {
      if (i < computingLanes) return lane(i === 0 ? warm : undefined, computeFirst);
      // Threads start one after another: all loading at once would starve the runs in progress.
      await delay((i - computingLanes) * STAGGER_MS);
      return lane(undefined, waitFirst);
    }),
  );
  return results;
}

type Answer =
  | { readonly ok: true; readonly reply: CellReply }
  | { readonly ok: false; readonly error: unknown };

/** Sends one cell and waits for its reply, or for the thread to die. */
function ask(worker: Worker, request: CellRequest): Promise<Answer> {
  return new Promise((resolve) => {
    const settle = (answer: Answer): void => {
      worker.off('message', onMessage);
      worker.off('error', onError);
      worker.off('exit', onExit);
      resolve(answer);
    };
    const onMessage = (reply: CellReply): void => settle({ ok: true, reply });
    const onError = (error: unknown): void => settle({ ok: false, error });
    const onExit = (code: number): void =>
      settle({ ok: false, error: new Error(`the worker thread exited (code ${code})`) });
    worker.on('message', onMessage);
    worker.on('error', onError);
    worker.on('exit', onExit);
    worker.postMessage(request);
  });
}
