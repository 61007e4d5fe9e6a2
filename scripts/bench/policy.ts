/**
 * The example policy deploying its one service to N regions: N service-region pairs in one step.
 * One step deploys one service (the `service` input picks it), so N is bounded by the regions
 * Cloud Run has.
 */
import { parse, stringify } from 'yaml';

export function policyWithTargets(
  examplePolicy: string,
  targets: number,
  regions: readonly string[],
): string {
  if (!Number.isInteger(targets) || targets < 1) throw new Error(`targets must be ≥ 1, got ${targets}`);
  if (targets > regions.length) {
    throw new Error(
      `${targets} targets need ${targets} regions, but Cloud Run has ${regions.length}: one step deploys one service, once per region. Use --scale with values up to ${regions.length}.`,
    );
  }
  const policy = parse(examplePolicy) as { services?: unknown };
  const [service, ...others] = Array.isArray(policy.services) ? (policy.services as unknown[]) : [];
  if (typeof service !== 'object' || service === null || others.length > 0)
    throw new Error('the example policy must declare exactly one service');
  return stringify({ ...policy, services: [{ ...service, regions: regions.slice(0, targets) }] });
}
