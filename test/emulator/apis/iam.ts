import { GoogleError, permissionDenied } from '../core/google-error.ts';
import type { EmulatorCore } from '../core/plugin.ts';
import type { RequestContext, Route } from '../core/types.ts';
import type { ServiceAccounts } from '../identity/service-accounts.ts';
import { getPolicy, setPolicy, testPermissions } from './iam-methods.ts';

/** IAM v1: roles.get, custom roles, and service accounts (get, IAM policy, testIamPermissions). */
export function iamRoutes(core: EmulatorCore, accounts: ServiceAccounts): Route[] {
  const sa = '/v1/projects/{project}/serviceAccounts/{account}';
  const saResource = (ctx: RequestContext): string => {
    const project = ctx.params.project ?? '';
    const email = ctx.params.account ?? '';
    if (project !== '-' && project !== core.project.id && project !== core.project.number) {
      throw new GoogleError('NOT_FOUND', `Unknown service account (project ${project} does not exist).`);
    }
    return `projects/${core.project.id}/serviceAccounts/${email}`;
  };
  const denied = (permission: string) =>
    permissionDenied(permission, `Permission '${permission}' denied on resource (or it may not exist).`);
  /** Permission first (its absence hides existence), then existence. */
  const guard = (ctx: RequestContext, permission: string): string => {
    const caller = core.authenticate(ctx);
    const resource = saResource(ctx);
    if (!core.iam.check(caller, permission, resource)) throw denied(permission);
    if (accounts.get(ctx.params.account ?? '') === undefined)
      throw new GoogleError('NOT_FOUND', 'Unknown service account');
    return resource;
  };

  return [
    {
      method: 'GET',
      pattern: '/v1/roles/{role}',
      handler: (ctx) => {
        core.authenticate(ctx);
        const role = core.iam.roles.get(`roles/${ctx.params.role ?? ''}`);
        if (role === undefined)
          throw new GoogleError('NOT_FOUND', `The role named roles/${ctx.params.role ?? ''} was not found.`);
        return { status: 200, body: role };
      },
    },
    {
      method: 'GET',
      pattern: '/v1/projects/{project}/roles/{role}',
      handler: (ctx) => {
        const caller = core.authenticate(ctx);
        const project = ctx.params.project ?? '';
        const name = `projects/${project}/roles/${ctx.params.role ?? ''}`;
        if (
          project !== core.project.id ||
          !core.iam.check(caller, 'iam.roles.get', `projects/${core.project.id}`)
        ) {
          throw denied('iam.roles.get');
        }
        const role = core.iam.roles.get(name);
        if (role === undefined) throw new GoogleError('NOT_FOUND', `The role named ${name} was not found.`);
        return { status: 200, body: role };
      },
    },
    {
      method: 'GET',
      pattern: sa,
      handler: (ctx) => {
        guard(ctx, 'iam.serviceAccounts.get');
        const account = accounts.get(ctx.params.account ?? '');
        if (account === undefined) throw new GoogleError('NOT_FOUND', 'Unknown service account');
        return {
          status: 200,
          body: {
            name: `projects/${core.project.id}/serviceAccounts/${account.email}`,
            projectId: core.project.id,
            uniqueId: account.uniqueId,
            email: account.email,
            displayName: account.displayName,
            etag: 'MDEwMjE5MjA=',
            oauth2ClientId: account.uniqueId,
            ...(account.disabled ? { disabled: true } : {}),
          },
        };
      },
    },
    {
      method: 'POST',
      pattern: `${sa}:getIamPolicy`,
      handler: (ctx) => ({
        status: 200,
        body: getPolicy(core, ctx, guard(ctx, 'iam.serviceAccounts.getIamPolicy')),
      }),
    },
    {
      method: 'POST',
      pattern: `${sa}:setIamPolicy`,
      handler: (ctx) => ({
        status: 200,
        body: setPolicy(core, ctx, guard(ctx, 'iam.serviceAccounts.setIamPolicy')),
      }),
    },
    {
      method: 'POST',
      pattern: `${sa}:testIamPermissions`,
      handler: (ctx) => {
        const caller = core.authenticate(ctx);
        const resource = saResource(ctx);
        if (accounts.get(ctx.params.account ?? '') === undefined) {
          return { status: 200, body: {} };
        }
        return { status: 200, body: testPermissions(core, ctx, caller, resource) };
      },
    },
  ];
}
