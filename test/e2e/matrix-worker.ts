/**
 * A worker thread of the in-process fault matrix: runs the cells it is sent one at a time, each
 * against a fresh emulator sharing one virtual clock with the action's `run(deps)`, and posts each
 * result back. Started by matrix-pool.ts.
 */
import { flushCompileCache } from 'node:module';
import { parentPort } from 'node:worker_threads';
import { startEmulator } from '../emulator/emulator.ts';
import { hasAbandonedRun, runInProcess } from './in-process.ts';
import { brokenCell, type CellResult, runCell, type Stage } from './matrix-cell.ts';
import { type CellKey, cellOf } from './matrix-cells.ts';
import { createVirtualClock } from './virtual-clock.ts';
import { EXAMPLE_POLICY, IMAGE } from './world.ts';

/** A cell to run, by position in the pool's list. */
export interface CellRequest {
  readonly index: number;
  readonly key: CellKey;
}

/** A cell's result (without the cell, which the pool knows), and whether this thread is spent. */
export interface CellReply {
  readonly index: number;
  readonly result: Omit<CellResult, 'cell'>;
  /** A run was given up in this thread: it takes no more cells. */
  readonly spent: boolean;
}

/** An emulator on a virtual clock, and runs of the action in this thread on the same clock. */
async function startInProcessStage(): Promise<Stage> {
  const clock = createVirtualClock();
  const emulator = await startEmulator({ clock });
  return {
    emulator,
    deploy: (options) =>
      runInProcess({
        clock,
        limitMs: options.timeoutMs ?? 60_000,
        env: { ...emulator.env(), ...options.env },
        inputs: { image: `${IMAGE}:v1`, ...options.inputs },
        files: options.policy === null ? {} : { '.github/cloud-run.yml': options.policy ?? EXAMPLE_POLICY },
        event: options.event,
      }),
    close: () => emulator.close(),
  };
}

const port = parentPort;
if (port === null) throw new Error('matrix-worker.ts runs as a worker thread (see matrix-pool.ts).');
port.on('message', async ({ index, key }: CellRequest) => {
  const cell = cellOf(key);
  let result: CellResult;
  try {
    result = await runCell(cell, startInProcessStage);
  } catch (error) {
    result = brokenCell(cell, error);
  }
  const { cell: _cell, ...rest } = result;
  // The action's modules load lazily, during a run: what this cell compiled is kept for other threads.
  flushCompileCache();
  const reply: CellReply = { index, result: rest, spent: hasAbandonedRun() };
  port.postMessage(reply);
});
