import { GoogleError, permissionDenied } from '../core/google-error.ts';
import type { EmulatorCore } from '../core/plugin.ts';
import type { RequestContext, Route } from '../core/types.ts';
import { getPolicy, setPolicy, testPermissions } from './iam-methods.ts';

const CREATE_TIME = '2024-01-15T10:00:00.000Z';

/** Resource Manager v1 and v3 for the one emulated project. */
export function resourceManagerRoutes(core: EmulatorCore, displayName: string): Route[] {
  /** The project by id or number; unknown projects look like a denial, as on Google. */
  const project = (ctx: RequestContext, permission: string | undefined): string => {
    const caller = core.authenticate(ctx);
    const key = ctx.params.project ?? '';
    const known = key === core.project.id || key === core.project.number;
    const resource = `projects/${core.project.id}`;
    if (!known || (permission !== undefined && !core.iam.check(caller, permission, resource))) {
      throw permissionDenied(
        permission ?? 'resourcemanager.projects.get',
        'The caller does not have permission',
        'cloudresourcemanager.googleapis.com',
      );
    }
    return resource;
  };
  const v1Project = {
    projectNumber: core.project.number,
    projectId: core.project.id,
    lifecycleState: 'ACTIVE',
    name: displayName,
    createTime: CREATE_TIME,
  };
  const v3Project = {
    name: `projects/${core.project.number}`,
    projectId: core.project.id,
    state: 'ACTIVE',
    displayName,
    createTime: CREATE_TIME,
    updateTime: CREATE_TIME,
    etag: 'W/"2f4d6a1c9e3b"',
  };
  const routes: Route[] = [];
  for (const [version, body] of [
    ['v1', v1Project],
    ['v3', v3Project],
  ] as const) {
    const base = `/${version}/projects/{project}`;
    routes.push(
      {
        method: 'GET',
        pattern: base,
        handler: (ctx) => {
          project(ctx, 'resourcemanager.projects.get');
          return { status: 200, body };
        },
      },
      {
        method: 'POST',
        pattern: `${base}:getIamPolicy`,
        handler: (ctx) => ({
          status: 200,
          body: getPolicy(core, ctx, project(ctx, 'resourcemanager.projects.getIamPolicy')),
        }),
      },
      {
        method: 'POST',
        pattern: `${base}:setIamPolicy`,
        handler: (ctx) => ({
          status: 200,
          body: setPolicy(core, ctx, project(ctx, 'resourcemanager.projects.setIamPolicy')),
        }),
      },
      {
        method: 'POST',
        pattern: `${base}:testIamPermissions`,
        handler: (ctx) => {
          const resource = project(ctx, undefined);
          const caller = ctx.caller;
          if (caller === undefined)
            throw new GoogleError('INTERNAL', 'Emulator bug: caller missing after authentication.');
          return { status: 200, body: testPermissions(core, ctx, caller, resource) };
        },
      },
    );
  }
  return routes;
}
