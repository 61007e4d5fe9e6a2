/** The step's outputs, from what the run recorded. */

import * as core from '@actions/core';
import { shortName } from '../plan/resource-names.ts';
import type { PlanJson } from '../plan/types.ts';
import type { RunRecord } from './types.ts';

export interface Outputs {
  readonly service_url: string;
  readonly revision: string;
  readonly previous_revision: string;
  readonly changed: string;
  readonly tag_url: string;
  readonly traffic: string;
  readonly plan: string;
  readonly summary: string;
}

/** Short revision name (`svc-00002-abc`) from a full resource name. */
function short(name: string | undefined): string {
  return name === undefined ? '' : shortName(name);
}

/**
 * The single-value outputs describe the first target (the common one-service case); `summary`
 * and `plan` cover every target.
 */
export function outputsFor(record: RunRecord, plan: PlanJson): Outputs {
  const first = record.results[0];
  const changed = record.results.some((result) => result.status === 'deployed');
  const summary = record.results.map((result) => ({
    service: result.target.service,
    region: result.target.region,
    status: result.status,
    url: result.url ?? null,
    tagUrl: result.tagUrl ?? null,
    traffic: result.traffic ?? null,
    revision: short(result.outcome?.revision) || null,
    previousRevision: short(result.outcome?.plan.previousRevision) || null,
    invokers: result.outcome
      ? {
          added: [...result.outcome.invokers.add],
          removed: [...result.outcome.invokers.remove],
        }
      : null,
    error: result.error ?? null,
  }));
  return {
    service_url: first?.url ?? '',
    revision: short(first?.outcome?.revision),
    previous_revision: short(first?.outcome?.plan.previousRevision),
    changed: String(changed),
    tag_url: first?.tagUrl ?? '',
    traffic: first?.traffic ?? '',
    plan: JSON.stringify(plan),
    summary: JSON.stringify(summary),
  };
}

export function writeOutputs(record: RunRecord, plan: PlanJson): void {
  for (const [name, value] of Object.entries(outputsFor(record, plan))) core.setOutput(name, value);
}
