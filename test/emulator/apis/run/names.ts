import { GoogleError, invalidArgument } from '../../core/google-error.ts';
import type { ProjectInfo } from '../../core/types.ts';

/** Cloud Run regions (as of 2025); a name in another location is answered like Google does. */
export const REGIONS: ReadonlySet<string> = new Set([
  'africa-south1',
  'asia-east1',
  'asia-east2',
  'asia-northeast1',
  'asia-northeast2',
  'asia-northeast3',
  'asia-south1',
  'asia-south2',
  'asia-southeast1',
  'asia-southeast2',
  'australia-southeast1',
  'australia-southeast2',
  'europe-central2',
  'europe-north1',
  'europe-north2',
  'europe-southwest1',
  'europe-west1',
  'europe-west2',
  'europe-west3',
  'europe-west4',
  'europe-west6',
  'europe-west8',
  'europe-west9',
  'europe-west10',
  'europe-west12',
  'me-central1',
  'me-central2',
  'me-west1',
  'northamerica-northeast1',
  'northamerica-northeast2',
  'northamerica-south1',
  'southamerica-east1',
  'southamerica-west1',
  'us-central1',
  'us-east1',
  'us-east4',
  'us-east5',
  'us-south1',
  'us-west1',
  'us-west2',
  'us-west3',
  'us-west4',
]);

export interface LocationName {
  /** The project id (numbers are mapped to the id). */
  readonly project: string;
  readonly location: string;
  /** `projects/ID/locations/L`. */
  readonly full: string;
}

export interface ServiceName extends LocationName {
  readonly service: string;
  /** `projects/ID/locations/L/services/S`. */
  readonly key: string;
}

function projectId(given: string, project: ProjectInfo): string {
  if (given !== project.id && given !== project.number) {
    // The caller's permission check on an unknown project fails first, as on Google.
    throw new GoogleError('PERMISSION_DENIED', `Permission denied on resource project ${given}.`);
  }
  return project.id;
}

export function parseLocation(name: string, project: ProjectInfo): LocationName {
  const match = /^projects\/([^/]+)\/locations\/([^/]+)$/.exec(name);
  if (match === null)
    throw invalidArgument(`Invalid location name '${name}'; expected projects/PROJECT/locations/REGION.`);
  const [, given = '', location = ''] = match;
  const id = projectId(given, project);
  if (!REGIONS.has(location)) {
    throw new GoogleError(
      'NOT_FOUND',
      `Location '${location}' is not a Cloud Run region. Use one of the regions listed at https://cloud.google.com/run/docs/locations.`,
    );
  }
  return { project: id, location, full: `projects/${id}/locations/${location}` };
}

export function parseServiceName(name: string, project: ProjectInfo): ServiceName {
  const match = /^(projects\/[^/]+\/locations\/[^/]+)\/services\/([^/]+)$/.exec(name);
  if (match === null)
    throw invalidArgument(
      `Invalid service name '${name}'; expected projects/PROJECT/locations/REGION/services/SERVICE.`,
    );
  const location = parseLocation(match[1] ?? '', project);
  const service = match[2] ?? '';
  return { ...location, service, key: `${location.full}/services/${service}` };
}

const SERVICE_ID = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;

/** Cloud Run's rule for service ids: a letter first, then lowercase letters, digits and hyphens. */
export function checkServiceId(id: string): void {
  if (id === '') throw invalidArgument('service_id must be set: the name of the new service, e.g. "hello".');
  if (!SERVICE_ID.test(id) || id.length >= 50) {
    throw invalidArgument(
      `Invalid service_id '${id}': it must start with a lowercase letter, contain only lowercase letters, digits and hyphens, not end with a hyphen, and be shorter than 50 characters.`,
    );
  }
}

/** `${service}-${5-digit generation}-${3 random letters}`, Cloud Run's automatic revision name. */
export function automaticRevisionName(service: string, generation: number, letters: string): string {
  return `${service}-${String(generation).padStart(5, '0')}-${letters}`;
}

export function serviceNotFound(name: ServiceName): GoogleError {
  return new GoogleError(
    'NOT_FOUND',
    `Resource '${name.service}' of kind 'SERVICE' in region '${name.location}' in project '${name.project}' does not exist.`,
  );
}
