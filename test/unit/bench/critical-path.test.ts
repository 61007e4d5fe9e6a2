import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  chainMs,
  formula,
  lowerBoundMs,
  minimumChain,
  SHARED_STAGES,
  targetStages,
} from '../../../scripts/bench/critical-path.ts';

const create = { action: 'create', writesInvokers: true } as const;
const update = { action: 'update', writesInvokers: false } as const;

describe('critical path', () => {
  test('a create with invokers: OIDC, STS, impersonation, one read round, create, operation, setIamPolicy', () => {
    assert.deepEqual(
      minimumChain(create).map((stage) => stage.name),
      [
        'GitHub OIDC token',
        'STS exchange',
        'generateAccessToken',
        'getService ∥ getIamPolicy ∥ testIamPermissions ∥ roles.get',
        'services.create',
        'operation done',
        'setIamPolicy',
      ],
    );
    assert.equal(formula(minimumChain(create)), '6L + max(L, D)');
    assert.equal(formula(minimumChain(update)), '5L + max(L, D)');
  });

  test('the operation overlaps the request that observes it: 6L + D when D ≥ L', () => {
    assert.equal(chainMs(minimumChain(create), 50, 500), 6 * 50 + 500);
    assert.equal(chainMs(minimumChain(update), 150, 500), 5 * 150 + 500);
  });

  test('an operation shorter than a round trip still costs the poll round trip', () => {
    assert.equal(chainMs(minimumChain(update), 150, 100), 6 * 150);
  });

  test('an operation done in the write answer (D = 0) needs no observation', () => {
    assert.equal(chainMs(minimumChain(create), 50, 0), 6 * 50);
    assert.equal(chainMs(minimumChain(update), 0, 0), 0);
  });

  test('without latency the bound is the operation itself', () => {
    assert.equal(lowerBoundMs(create, 1, 4, 0, 500), 500);
  });

  test('targets beyond the concurrency bound add whole target chains, shared stages once', () => {
    const shared = chainMs(SHARED_STAGES, 50, 500);
    const perTarget = chainMs(targetStages(create), 50, 500);
    assert.equal(shared, 200);
    assert.equal(perTarget, 600);
    assert.equal(lowerBoundMs(create, 4, 4, 50, 500), shared + perTarget);
    assert.equal(lowerBoundMs(create, 5, 4, 50, 500), shared + 2 * perTarget);
    assert.equal(lowerBoundMs(create, 42, 4, 50, 500), shared + 11 * perTarget);
  });

  test('rejects nonsense sizes', () => {
    assert.throws(() => lowerBoundMs(create, 0, 4, 50, 500), /targets must be ≥ 1/);
    assert.throws(() => lowerBoundMs(create, 1, 0, 50, 500), /concurrency must be ≥ 1/);
  });
});
