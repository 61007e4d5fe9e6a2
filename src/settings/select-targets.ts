/**
 * The `service` and `region` inputs → which of the policy's services the run deploys, and where.
 * Pure: services come out in policy order, each with its regions in the order the policy lists them.
 */
import type { ActionError } from '../errors.ts';
import type { Policy, PolicyService } from './policy.ts';
import { at, inputProblem } from './problems.ts';

/** The keyword of the `service` input that selects every service of the policy. */
export const ALL_SERVICES = 'all';

export interface SelectedService {
  readonly service: PolicyService;
  /** Never empty. */
  readonly regions: readonly string[];
}

export function selectTargets(
  service: readonly string[] | undefined,
  region: readonly string[] | undefined,
  policy: Policy,
  problems: ActionError[],
): readonly SelectedService[] | undefined {
  const services = selectServices(service, policy, problems);
  return services === undefined ? undefined : selectRegions(region, services, policy, problems);
}

function selectServices(
  listed: readonly string[] | undefined,
  policy: Policy,
  problems: ActionError[],
): readonly PolicyService[] | undefined {
  const names = policy.services.map((service) => service.settings.name);
  const choices = `${names.join(', ')}; several of them, comma-separated; or ${ALL_SERVICES} for every service`;
  if (listed === undefined) {
    const [only] = policy.services;
    if (policy.services.length === 1 && only !== undefined) return [only];
    problems.push(
      inputProblem(
        'service',
        `is required: the policy ${policy.file} declares several services`,
        `Set service to one of: ${choices}.`,
      ),
    );
    return undefined;
  }
  // A service actually named `all` keeps its name: `service: all` selected it before the keyword existed.
  if (listed.length === 1 && listed[0] === ALL_SERVICES && !names.includes(ALL_SERVICES)) {
    return policy.services;
  }
  const unknown = listed.filter((name) => !names.includes(name));
  for (const name of unknown) {
    problems.push(
      inputProblem(
        'service',
        `'${name}' is not declared in the policy ${policy.file}`,
        `Set service to one of: ${choices}; or declare it under services.`,
      ),
    );
  }
  if (unknown.length > 0) return undefined;
  return policy.services.filter((service) => listed.includes(service.settings.name));
}

function selectRegions(
  listed: readonly string[] | undefined,
  services: readonly PolicyService[],
  policy: Policy,
  problems: ActionError[],
): readonly SelectedService[] | undefined {
  if (listed === undefined)
    return services.map((service) => ({ service, regions: service.settings.regions }));
  const where = (service: PolicyService): string => {
    const span = service.settings.span;
    return span === undefined ? policy.file : at(span);
  };
  const before = problems.length;
  const offered = new Set(services.flatMap((service) => service.settings.regions));
  for (const region of listed.filter((each) => !offered.has(each))) {
    const [only] = services;
    problems.push(
      services.length === 1 && only !== undefined
        ? inputProblem(
            'region',
            `'${region}' is not a region of service '${only.settings.name}' in the policy (${where(only)})`,
            `Set region to one of: ${only.settings.regions.join(', ')}, or leave it empty to deploy to all of them.`,
          )
        : inputProblem(
            'region',
            `'${region}' is not a region of any selected service (${services.map((service) => `${service.settings.name}: ${service.settings.regions.join(', ')}`).join('; ')})`,
            'Set region to regions of the selected services (comma-separated), or leave it empty to deploy each service to all of its regions.',
          ),
    );
  }
  const selected = services.map((service) => ({
    service,
    regions: service.settings.regions.filter((region) => listed.includes(region)),
  }));
  // A service left without a region is named only when some listed region did match: when none
  // did, the problems above already say so.
  const matched = listed.some((region) => offered.has(region));
  for (const { service, regions } of selected) {
    if (regions.length > 0 || !matched) continue;
    const name = service.settings.name;
    problems.push(
      inputProblem(
        'region',
        `selects none of the regions of service '${name}' (${service.settings.regions.join(', ')}, declared at ${where(service)})`,
        `Add one of its regions to region, leave region empty to deploy each service to all of its regions, or leave ${name} out of service.`,
      ),
    );
  }
  return problems.length > before ? undefined : selected;
}
