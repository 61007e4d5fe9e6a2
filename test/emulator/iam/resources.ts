import type { ProjectInfo } from '../core/types.ts';

/** What IAM conditions see of a resource, and where its policy inherits from. */
export interface ResourceInfo {
  /** Normalized: the project is named by id, not number. */
  readonly name: string;
  readonly type: string;
  readonly service: string;
  readonly parent: string | undefined;
}

/**
 * Names `projects/P`, `projects/P/serviceAccounts/EMAIL`, `projects/P/locations/R/services/S`
 * (P as id or number) → their type and parent; `undefined` for anything else.
 */
export function describeResource(name: string, project: ProjectInfo): ResourceInfo | undefined {
  const parts = name.split('/');
  if (parts[0] !== 'projects' || parts[1] === undefined) return undefined;
  const id = parts[1] === project.number ? project.id : parts[1];
  const projectName = `projects/${id}`;
  const rest = parts.slice(2);
  if (rest.length === 0) {
    return {
      name: projectName,
      type: 'cloudresourcemanager.googleapis.com/Project',
      service: 'cloudresourcemanager.googleapis.com',
      parent: undefined,
    };
  }
  if (rest.length === 2 && rest[0] === 'serviceAccounts' && rest[1] !== '') {
    return {
      name: `${projectName}/serviceAccounts/${rest[1]}`,
      type: 'iam.googleapis.com/ServiceAccount',
      service: 'iam.googleapis.com',
      parent: projectName,
    };
  }
  if (
    rest.length === 4 &&
    rest[0] === 'locations' &&
    rest[2] === 'services' &&
    rest[1] !== '' &&
    rest[3] !== ''
  ) {
    return {
      name: `${projectName}/locations/${rest[1]}/services/${rest[3]}`,
      type: 'run.googleapis.com/Service',
      service: 'run.googleapis.com',
      parent: projectName,
    };
  }
  return undefined;
}

/** Whether a permission can be checked (and a role holding it granted) on this kind of resource. */
export function permissionApplies(permission: string, resource: ResourceInfo): boolean {
  switch (resource.type) {
    case 'iam.googleapis.com/ServiceAccount':
      return permission.startsWith('iam.serviceAccounts.');
    case 'run.googleapis.com/Service':
      return permission.startsWith('run.');
    default:
      return true;
  }
}
