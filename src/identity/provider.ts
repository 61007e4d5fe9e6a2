/** The parts of a workload identity provider name, as far as they can be read from the string. */
export interface ProviderParts {
  /** What stands where the project number belongs (a project id when misconfigured). */
  readonly project: string;
  readonly pool: string;
  /** `undefined` when a pool name was given instead of a provider name. */
  readonly provider: string | undefined;
}

const PROVIDER_NAME =
  /^(?:\/\/iam\.[^/]+\/)?projects\/([^/]+)\/locations\/global\/workloadIdentityPools\/([^/]+)(?:\/providers\/([^/]+))?$/;

export function parseProvider(name: string): ProviderParts | undefined {
  const match = PROVIDER_NAME.exec(name.trim());
  if (match === null || match[1] === undefined || match[2] === undefined) return undefined;
  return { project: match[1], pool: match[2], provider: match[3] };
}

/** `projects/N/locations/global/workloadIdentityPools/P/providers/X` without any `//iam…/` prefix. */
export function providerResourceName(name: string): string {
  return name.trim().replace(/^\/\/iam\.[^/]+\//, '');
}

/** The STS audience: the provider's full resource name on the IAM host of the universe. */
export function stsAudience(provider: string, universeDomain: string): string {
  return `//iam.${universeDomain}/${providerResourceName(provider)}`;
}

/** The principal set of one repository in the provider's pool, for `roles/iam.workloadIdentityUser`. */
export function repositoryPrincipalSet(parts: ProviderParts, repository: string): string {
  return `principalSet://iam.googleapis.com/projects/${parts.project}/locations/global/workloadIdentityPools/${parts.pool}/attribute.repository/${repository}`;
}
