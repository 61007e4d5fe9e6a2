/**
 * Issue #6, faults: a representative subset of the fault matrix (test/e2e/fault-matrix.ts runs
 * all 156 cells). Every remote call is faulted at least once; every fault class is tried
 * transient and persistent. Each cell has its own emulator; cells run concurrently. The table of
 * the cells tried is printed at the end.
 */
import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import {
  acceptable,
  CALLS,
  type Cell,
  type CellResult,
  cellName,
  type FaultClass,
  type Persistence,
  renderTable,
  runCell,
} from './fault-matrix.ts';

function cell(id: string, fault: FaultClass, persistence: Persistence): Cell {
  const call = CALLS.find((candidate) => candidate.id === id);
  if (call === undefined) throw new Error(`no remote call '${id}' in the matrix`);
  return { call, fault, persistence };
}

/**
 * Chosen so that every call and every fault class appears, the persistent cells are the ones
 * that end in seconds, the defects fixed once stay fixed, and the whole file stays near two
 * minutes on two cores.
 */
const SUBSET: readonly Cell[] = [
  cell('oidc-token', '503', 'transient'),
  cell('oidc-token', '500', 'persistent'),
  // An unanswered token request or exchange once hung the run for good (findings 1 and 2).
  cell('oidc-token', 'timeout', 'transient'),
  cell('sts-exchange', 'timeout', 'transient'),
  cell('sts-exchange', 'reset', 'transient'),
  cell('sts-exchange', '429', 'persistent'),
  cell('generate-access-token', '429', 'transient'),
  cell('generate-access-token', 'timeout', 'transient'),
  cell('generate-access-token', '503', 'persistent'),
  cell('service-get', '503', 'transient'),
  cell('service-get', '429', 'transient'),
  cell('service-get', 'latency', 'persistent'),
  cell('iam-get-policy', '503', 'transient'),
  cell('iam-get-policy', '429', 'persistent'),
  cell('project-permissions', '500', 'transient'),
  cell('project-permissions', '429', 'persistent'),
  cell('service-permissions', 'reset', 'transient'),
  cell('service-permissions', 'latency', 'persistent'),
  cell('runtime-sa-permissions', '503', 'transient'),
  cell('runtime-sa-permissions', 'reset', 'persistent'),
  cell('role-get', '500', 'persistent'),
  cell('service-create', '503', 'transient'),
  cell('service-create', '429', 'transient'),
  cell('service-create', 'reset', 'transient'),
  cell('service-create', 'latency', 'transient'),
  cell('service-update', '429', 'transient'),
  cell('service-update', '500', 'persistent'),
  cell('service-update', 'timeout', 'persistent'),
  cell('operation-poll', 'reset', 'transient'),
  // Polls that keep failing are named as such, not waited out as a slow deploy (finding 6).
  cell('operation-poll', '503', 'persistent'),
  cell('iam-set-policy', '500', 'transient'),
  cell('iam-set-policy', 'reset', 'persistent'),
  cell('iam-set-policy', 'latency', 'transient'),
];

describe('fault matrix, representative subset', { concurrency: 4 }, () => {
  const results: CellResult[] = [];
  after(() => {
    process.stdout.write(`\n${renderTable(results)}\n`);
  });

  for (const chosen of SUBSET) {
    const name = cellName(chosen);
    test(name, async () => {
      const result = await runCell(chosen);
      results.push(result);
      assert.ok(
        acceptable(result),
        `${name}: ${result.outcome}${result.expected === undefined ? '' : ` (expected ${result.expected})`} after ${result.seconds} s, ${result.attempts} requests: ${result.detail}`,
      );
    });
  }
});
