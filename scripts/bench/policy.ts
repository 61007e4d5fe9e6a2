/**
 * The example policy grown to N service-region pairs deployed in one step (`service: all`): its
 * service copied as `hello`, `hello-2`, … as few times as the regions Cloud Run has allow, the
 * pairs shared evenly between the copies.
 */
import { parse, stringify } from 'yaml';

export function policyWithTargets(
  examplePolicy: string,
  targets: number,
  regions: readonly string[],
): string {
  if (!Number.isInteger(targets) || targets < 1) throw new Error(`targets must be ≥ 1, got ${targets}`);
  if (regions.length === 0) throw new Error('no regions to deploy to');
  const policy = parse(examplePolicy) as { services?: unknown };
  const [service, ...others] = Array.isArray(policy.services) ? (policy.services as unknown[]) : [];
  if (typeof service !== 'object' || service === null || !('name' in service) || others.length > 0)
    throw new Error('the example policy must declare exactly one service');
  const copies = Math.ceil(targets / regions.length);
  const services = Array.from({ length: copies }, (_, index) => {
    // Even shares: the first `targets % copies` copies take one region more.
    const share = Math.floor(targets / copies) + (index < targets % copies ? 1 : 0);
    const name = index === 0 ? String(service.name) : `${String(service.name)}-${index + 1}`;
    return { ...service, name, regions: regions.slice(0, share) };
  });
  return stringify({ ...policy, services });
}
