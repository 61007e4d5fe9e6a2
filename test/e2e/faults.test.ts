/**
 * Issue #6, faults, on the bundle: a few cells of the fault matrix (fault-matrix.test.ts runs every
 * cell in-process) with dist/index.js in its own process, as the runner runs it, waiting every
 * retry out in real time. They prove what only the bundle shows: it loads and runs under faults,
 * and its process ends once the run has reported, even with a request abandoned at its deadline
 * (an unanswered request once held the step open for good: findings 1 and 2). The same cells also
 * run in-process, and both ways must end alike: the in-process matrix is as good as the bundle's.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type CellResult, runCell } from './matrix-cell.ts';
import { type Cell, cellName, cellOf, type FaultClass, type Persistence } from './matrix-cells.ts';
import { runCellsInProcess } from './matrix-pool.ts';
import { acceptable, renderTable } from './matrix-table.ts';
import { World } from './world.ts';

function cell(callId: string, fault: FaultClass, persistence: Persistence): Cell {
  return cellOf({ callId, fault, persistence });
}

const SUBSET: readonly Cell[] = [
  // Unanswered requests of each client (fetch, google-auth-library, gax): the process still ends.
  cell('oidc-token', 'timeout', 'transient'),
  cell('sts-exchange', 'timeout', 'transient'),
  cell('service-update', 'timeout', 'persistent'),
  // Real retry waits, survived and given up.
  cell('service-create', '503', 'transient'),
  cell('operation-poll', '503', 'persistent'),
  cell('iam-set-policy', 'reset', 'persistent'),
  cell('role-get', '500', 'persistent'),
  // The canary's health gate against the serving listener's faults.
  cell('health-check', 'reset', 'transient'),
];

describe('fault matrix on the bundle, a subset', { concurrency: 4 }, () => {
  const results: CellResult[] = [];
  // The same cells in-process, as fault-matrix.test.ts runs them: the two ways must agree.
  let inProcess: Promise<CellResult[]>;
  before(() => {
    inProcess = runCellsInProcess(SUBSET, 3);
  });
  after(() => {
    process.stdout.write(`\n${renderTable(results)}\n`);
  });

  for (const [index, chosen] of SUBSET.entries()) {
    const name = cellName(chosen);
    test(name, async () => {
      const result = await runCell(chosen, () => World.start());
      results.push(result);
      assert.ok(
        acceptable(result),
        `${name}: ${result.outcome}${result.expected === undefined ? '' : ` (expected ${result.expected})`} after ${result.seconds} s, ${result.attempts} requests: ${result.detail}`,
      );
      const twin = (await inProcess)[index];
      assert.equal(twin?.outcome, result.outcome, `in-process: ${twin?.detail}`);
      // Retries of a transient fault are deterministic; a persistent fault's count depends on jitter.
      if (chosen.persistence === 'transient') assert.equal(twin?.attempts, result.attempts);
    });
  }
});
