import { ActionError } from '../errors.ts';
import type { Finding, PreflightResult } from './evaluate.ts';
import type { CheckedResource } from './required.ts';

const CUSTOM_ROLE_ID = 'cloudRunDeployer';

export function describeResource(resource: CheckedResource): string {
  switch (resource.kind) {
    case 'project':
      return `project ${resource.name}`;
    case 'service':
      return `service ${resource.name}`;
    case 'service-account':
      return `service account ${resource.name}`;
  }
}

function rolesHint(roles: readonly string[], limit: number): string {
  if (roles.length === 0) return 'no predefined role in the bundled facts';
  return roles.slice(0, limit).join(', ');
}

function line(finding: Finding, rolesLabel: string, limit: number): string {
  return `  - ${finding.permission} on ${describeResource(finding.resource)} (${finding.reasons.join('; ')}); ${rolesLabel}: ${rolesHint(finding.roles, limit)}`;
}

/**
 * The permissions of a minimal custom role for this run: everything needed on the project or the
 * services. `create` and `update` go together so the role also serves the runs after the first.
 */
export function customRolePermissions(result: PreflightResult): string[] {
  const permissions = new Set(
    result.findings
      .filter((f) => (f.state === 'held' || f.state === 'missing') && f.resource.kind !== 'service-account')
      .map((f) => f.permission),
  );
  if (permissions.has('run.services.create') || permissions.has('run.services.update')) {
    permissions.add('run.services.create');
    permissions.add('run.services.update');
  }
  return [...permissions].sort();
}

export function missingPermissionsError(result: PreflightResult, projectId: string): ActionError | undefined {
  const missing = result.findings.filter((f) => f.state === 'missing');
  if (missing.length === 0) return undefined;
  const member = `serviceAccount:${result.identity}`;
  const permissions = customRolePermissions(result);
  const actAs = [
    ...new Set(missing.filter((f) => f.resource.kind === 'service-account').map((f) => f.resource.name)),
  ];
  const needsRole = missing.some((f) => f.resource.kind !== 'service-account');
  const commands = [
    ...(needsRole
      ? [
          `gcloud iam roles create ${CUSTOM_ROLE_ID} --project=${projectId} --title="Cloud Run deployer" --stage=GA --permissions=${permissions.join(',')}`,
          `gcloud projects add-iam-policy-binding ${projectId} --member=${member} --role=projects/${projectId}/roles/${CUSTOM_ROLE_ID}`,
        ]
      : []),
    ...actAs.map(
      (account) =>
        `gcloud iam service-accounts add-iam-policy-binding ${account} --member=${member} --role=roles/iam.serviceAccountUser`,
    ),
  ];
  const yaml = [
    `title: Cloud Run deployer`,
    `description: Exactly what the Cloud Run deploy action needs`,
    `stage: GA`,
    `includedPermissions:`,
    ...permissions.map((permission) => `- ${permission}`),
  ];
  return new ActionError(
    `${result.identity} lacks ${missing.length} permission${missing.length === 1 ? '' : 's'} this run needs:\n${missing.map((f) => line(f, 'smallest predefined role', 1)).join('\n')}`,
    {
      remedy: [
        needsRole
          ? 'Grant exactly what this run needs: a minimal custom role (use `gcloud iam roles update` if it exists), and roles/iam.serviceAccountUser on each runtime service account it lacks:'
          : 'Let the deployer act as each runtime service account:',
        ...commands.map((command) => `  ${command}`),
        ...(needsRole
          ? [
              `The custom role as a file for \`gcloud iam roles create ${CUSTOM_ROLE_ID} --project=${projectId} --file=role.yaml\`:`,
              ...yaml.map((text) => `  ${text}`),
            ]
          : []),
        'Or grant the smallest predefined roles named above. IAM changes can take a minute to apply.',
      ].join('\n'),
    },
  );
}

export function forbiddenPermissionsError(
  result: PreflightResult,
  projectId: string,
): ActionError | undefined {
  const forbidden = result.findings.filter((f) => f.state === 'forbidden');
  if (forbidden.length === 0) return undefined;
  return new ActionError(
    `The planning account ${result.identity} can change Cloud Run, but plan mode must run read-only:\n${forbidden.map((f) => line(f, 'granted by e.g.', 3)).join('\n')}`,
    {
      remedy: `Give ${result.identity} only read access (roles/run.viewer on project ${projectId}, or a custom role with run.services.get and run.services.getIamPolicy) and remove the roles above: \`gcloud projects get-iam-policy ${projectId} --flatten=bindings --filter=bindings.members:serviceAccount:${result.identity} --format='value(bindings.role)'\` lists them.`,
    },
  );
}

export function excessPermissionsError(result: PreflightResult, projectId: string): ActionError | undefined {
  const excess = result.findings.filter((f) => f.state === 'excess');
  if (excess.length === 0) return undefined;
  return new ActionError(
    `${result.identity} holds permissions outside its envelope (deployer.allowed_roles: ${result.envelope.roles.join(', ') || 'none'}):\n${excess.map((f) => `  - ${f.permission} on ${describeResource(f.resource)}: lets it ${f.reasons.join('; ')}; indicates ${rolesHint(f.roles, 3)}`).join('\n')}`,
    {
      remedy: `Remove the broader roles from the deployer (\`gcloud projects get-iam-policy ${projectId} --flatten=bindings --filter=bindings.members:serviceAccount:${result.identity} --format='value(bindings.role)'\` lists them; \`gcloud projects remove-iam-policy-binding ${projectId} --member=serviceAccount:${result.identity} --role=ROLE\` removes one). If a role is intended, add it to deployer.allowed_roles; excess_permissions: warn only reports this.`,
    },
  );
}
