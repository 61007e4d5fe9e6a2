import type { TargetOutcome } from '../apply/apply-target.ts';
import type { PreflightResult } from '../permissions/evaluate.ts';
import type { Plan, TargetRef } from '../plan/types.ts';
import type { Mode, Release, Settings } from '../settings/types.ts';
import type { ServingFacts } from './serving.ts';

/** How one target ended. */
export type TargetStatus = 'deployed' | 'unchanged' | 'planned' | 'failed';

export interface TargetResult extends ServingFacts {
  readonly target: TargetRef;
  readonly status: TargetStatus;
  readonly outcome: TargetOutcome | undefined;
  readonly error: string | undefined;
}

/**
 * Everything the run learned, filled in phase by phase, so the summary can be written whatever
 * phase failed.
 */
export interface RunRecord {
  mode: Mode | undefined;
  release: Release | undefined;
  policyFile: string | undefined;
  image: string | undefined;
  imagePinned: boolean | undefined;
  identity:
    | { readonly serviceAccount: string; readonly provider: string; readonly lifetimeSeconds: number }
    | undefined;
  /** Why claims were not checked, or which rules they passed. */
  claimCheck: string | undefined;
  preflight: PreflightResult | undefined;
  plan: Plan | undefined;
  results: TargetResult[];
  timings: { readonly phase: string; readonly ms: number }[];
  error: { readonly message: string; readonly remedy: string | undefined } | undefined;
  prComment: Settings['prComment'] | undefined;
}

export function emptyRecord(): RunRecord {
  return {
    mode: undefined,
    release: undefined,
    policyFile: undefined,
    image: undefined,
    imagePinned: undefined,
    identity: undefined,
    claimCheck: undefined,
    preflight: undefined,
    plan: undefined,
    results: [],
    timings: [],
    error: undefined,
    prComment: undefined,
  };
}
