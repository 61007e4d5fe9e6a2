import type { PoolState, ProviderState } from '../state/types.ts';

export interface ResolvedProvider {
  /** `projects/NUMBER/locations/global/workloadIdentityPools/POOL`. */
  readonly pool: string;
  /** `…/providers/PROVIDER`. */
  readonly name: string;
  readonly poolDisabled: boolean;
  readonly provider: ProviderState;
}

/** The workload identity pools and providers of the emulated project (mutable for tests). */
export class WorkloadIdentity {
  readonly #projectNumber: string;
  #pools: PoolState[];

  constructor(projectNumber: string, pools: readonly PoolState[]) {
    this.#projectNumber = projectNumber;
    this.#pools = [...pools];
  }

  find(projectNumber: string, poolId: string, providerId: string): ResolvedProvider | undefined {
    if (projectNumber !== this.#projectNumber) return undefined;
    const pool = this.#pools.find((candidate) => candidate.id === poolId);
    const provider = pool?.providers.find((candidate) => candidate.id === providerId);
    if (pool === undefined || provider === undefined) return undefined;
    const poolName = `projects/${projectNumber}/locations/global/workloadIdentityPools/${pool.id}`;
    return {
      pool: poolName,
      name: `${poolName}/providers/${provider.id}`,
      poolDisabled: pool.disabled,
      provider,
    };
  }

  /** Replaces fields of one provider (e.g. `disabled`, `attributeCondition`) out of band. */
  updateProvider(poolId: string, providerId: string, patch: Partial<ProviderState>): void {
    this.#pools = this.#pools.map((pool) => {
      if (pool.id !== poolId) return pool;
      if (!pool.providers.some((provider) => provider.id === providerId)) {
        throw new Error(`No provider '${providerId}' in pool '${poolId}'.`);
      }
      return {
        ...pool,
        providers: pool.providers.map((provider) =>
          provider.id === providerId ? { ...provider, ...patch } : provider,
        ),
      };
    });
    if (!this.#pools.some((pool) => pool.id === poolId))
      throw new Error(`No workload identity pool '${poolId}'.`);
  }

  setPoolDisabled(poolId: string, disabled: boolean): void {
    if (!this.#pools.some((pool) => pool.id === poolId))
      throw new Error(`No workload identity pool '${poolId}'.`);
    this.#pools = this.#pools.map((pool) => (pool.id === poolId ? { ...pool, disabled } : pool));
  }

  snapshot(): readonly PoolState[] {
    return this.#pools;
  }
}
