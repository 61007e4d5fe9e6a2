/**
 * Issue #6, faults: every cell of the fault matrix (every remote call × 429/500/503/reset/timeout/
 * latency × transient/persistent), each with its own emulator. The action's `run(deps)` runs
 * in-process on a virtual clock (retry waits are skipped, every time-based decision is the one it
 * takes in real time) on a pool of worker threads; faults.test.ts proves the bundle on a subset.
 * The whole table is printed at the end.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { MATRIX_THREADS } from './fault-matrix.ts';
import type { CellResult } from './matrix-cell.ts';
import { allCells, type Cell, cellName } from './matrix-cells.ts';
import { runCellsInProcess } from './matrix-pool.ts';
import { acceptable, renderTable, UNTESTED } from './matrix-table.ts';

const CELLS = allCells();

describe('fault matrix, every cell', () => {
  const pending = new Map<Cell, PromiseWithResolvers<CellResult>>(
    CELLS.map((cell) => [cell, Promise.withResolvers<CellResult>()]),
  );
  let all: Promise<CellResult[]>;
  before(() => {
    all = runCellsInProcess(CELLS, MATRIX_THREADS, (result) => pending.get(result.cell)?.resolve(result));
    // A pool that fails ends every cell's wait.
    all.catch((error: unknown) => {
      for (const waiting of pending.values()) waiting.reject(error);
    });
  });
  after(async () => {
    process.stdout.write(`\n${renderTable(await all)}\n`);
  });

  for (const cell of CELLS) {
    const name = cellName(cell);
    test(name, async () => {
      const result = await pending.get(cell)?.promise;
      assert.ok(result !== undefined, `${name} has no result`);
      assert.ok(
        acceptable(result),
        `${name}: ${result.outcome}${result.expected === undefined ? '' : ` (expected ${result.expected})`} after ${result.seconds} s, ${result.attempts} requests: ${result.detail}`,
      );
    });
  }

  test('the table shows every cell, none untested', async () => {
    const results = await all;
    assert.equal(results.length, CELLS.length);
    const table = renderTable(results);
    assert.doesNotMatch(table, new RegExp(`\\| ${UNTESTED} \\|`));
    assert.match(
      table,
      new RegExp(`^${CELLS.length} cells: \\d+ survived, \\d+ failed-cleanly, 0 unexpected\\.`),
    );
  });
});
