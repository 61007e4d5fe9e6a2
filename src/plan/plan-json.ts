import type { Plan, PlanJson } from './types.ts';

/**
 * The `plan` output. Built field by field (never by serializing the Service or policy) so no
 * etag, secret value or token can leak into it and the key order is stable.
 */
export function planJson(plan: Plan): PlanJson {
  return {
    version: 1,
    targets: plan.targets.map((target) => ({
      service: target.target.service,
      region: target.target.region,
      name: target.target.name,
      action: target.action,
      revision: target.revisionName,
      previousRevision: target.previousRevision ?? null,
      changes: target.changes.map((change) => ({
        path: change.path,
        before: change.before ?? null,
        after: change.after ?? null,
      })),
      invokers: {
        managed: target.invokers.managed,
        add: [...target.invokers.add],
        remove: [...target.invokers.remove],
        keep: [...target.invokers.keep],
      },
    })),
  };
}
