/**
 * The permissions the preflight knows about: what a run may need, what plan mode must not hold,
 * and the tell-tale permissions of roles broader than a deployer needs. `scripts/gen-role-facts.ts`
 * keeps only these when it extracts role facts, so the bundled facts stay small.
 */

/** Every permission `requiredPermissions` can ask for. */
export const REQUIRABLE = [
  'run.services.get',
  'run.services.create',
  'run.services.update',
  'run.services.getIamPolicy',
  'run.services.setIamPolicy',
  'run.operations.get',
  'run.revisions.get',
  'iam.serviceAccounts.actAs',
] as const;

/** Permissions that change Cloud Run: a read-only planning account must hold none of them. */
export const MUTATING_RUN = [
  'run.services.create',
  'run.services.update',
  'run.services.delete',
  'run.services.setIamPolicy',
  'run.revisions.delete',
] as const;

/**
 * Project-level permissions whose presence shows a broader role than deploying needs, each with
 * what it lets the holder do (the roles that grant it come from the role facts).
 */
export const TELL_TALES: Readonly<Record<string, string>> = {
  'resourcemanager.projects.setIamPolicy': 'grant any role on the project to anyone',
  'resourcemanager.projects.delete': 'delete the project',
  'iam.serviceAccountKeys.create': 'create long-lived service account keys',
  'iam.serviceAccounts.getAccessToken': 'impersonate every service account of the project',
  'iam.serviceAccounts.create': 'create service accounts',
  'iam.roles.create': 'create custom roles',
  'compute.instances.create': 'create virtual machines',
  'storage.buckets.delete': 'delete storage buckets',
  'secretmanager.versions.access': 'read every secret of the project',
  'run.services.delete': 'delete Cloud Run services',
  'run.services.setIamPolicy': 'change who may invoke every Cloud Run service of the project',
};

export const KNOWN_PERMISSIONS: readonly string[] = [
  ...new Set<string>([...REQUIRABLE, ...MUTATING_RUN, ...Object.keys(TELL_TALES)]),
].sort();
