/**
 * The fault matrix, from the command line: every remote call the action makes × every fault class
 * the emulator can inject, transient and persistent (matrix-cells.ts). By default each cell runs
 * the action's `run(deps)` in-process on a virtual clock, on a pool of worker threads, as
 * `npm test` does (fault-matrix.test.ts); `--bundle` runs the bundled dist/index.js in a process
 * per cell instead, waiting every retry out in real time.
 *
 *   node test/e2e/fault-matrix.ts            # run every cell, print the table
 *   node test/e2e/fault-matrix.ts --write    # … and put it into docs/reliability.md
 *   node test/e2e/fault-matrix.ts --only service-create,role-get   # some calls' rows
 *   node test/e2e/fault-matrix.ts --threads 8                      # threads (or processes) at once
 *   node test/e2e/fault-matrix.ts --bundle --only health-check     # against dist/index.js
 */
import { fileURLToPath } from 'node:url';
import { brokenCell, type CellResult, runCell } from './matrix-cell.ts';
import { allCells, type Cell, cellName } from './matrix-cells.ts';
import { runCellsInProcess } from './matrix-pool.ts';
import { renderTable, writeTable } from './matrix-table.ts';
import { World } from './world.ts';

// The state invariants and run-output helpers, shared with the concurrency suite.
export { errorText, leftFiles, members, readService, servingProblem } from './matrix-judge.ts';

/** Threads of the in-process matrix: most of a cell is real waiting (deadlines, latency), not CPU. */
export const MATRIX_THREADS = 12;

/** Runs `cells` against the bundle, `limit` processes at once; results in the order of `cells`. */
async function runCellsOnBundle(
  cells: readonly Cell[],
  limit: number,
  onResult: (result: CellResult) => void,
): Promise<CellResult[]> {
  const results: CellResult[] = new Array(cells.length);
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < cells.length) {
      const index = next++;
      const cell = cells[index] as Cell;
      const result = await runCell(cell, () => World.start()).catch((error: unknown) =>
        brokenCell(cell, error),
      );
      results[index] = result;
      onResult(result);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, cells.length) }, lane));
  return results;
}

function option(args: readonly string[], name: string): string | undefined {
  return args.includes(name) ? args[args.indexOf(name) + 1] : undefined;
}

async function main(args: readonly string[]): Promise<void> {
  const only = option(args, '--only')?.split(',');
  const bundle = args.includes('--bundle');
  const threads = Number(option(args, '--threads') ?? (bundle ? 8 : MATRIX_THREADS));
  const cells = allCells().filter((cell) => only === undefined || only.includes(cell.call.id));
  const started = performance.now();
  const report = (result: CellResult): void => {
    process.stderr.write(
      `${cellName(result.cell)}: ${result.outcome} (${result.seconds} s) ${result.detail}\n`,
    );
  };
  const results = bundle
    ? await runCellsOnBundle(cells, threads, report)
    : await runCellsInProcess(cells, threads, report);
  const table = renderTable(results);
  process.stdout.write(`${table}\n\nWall time: ${Math.round((performance.now() - started) / 1000)} s\n`);
  if (args.includes('--write')) process.stdout.write(`Written to ${await writeTable(table)}\n`);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await main(process.argv.slice(2));
