import { isObject } from '../../core/body.ts';
import { GoogleError } from '../../core/google-error.ts';
import type { EmulatorCore } from '../../core/plugin.ts';
import type { Identity, Reply, RequestContext, Route } from '../../core/types.ts';
import { canonicalMessage } from '../../validate/canonical.ts';
import { encodeEnumsAsNumbers, wantsIntEnums } from '../../validate/encode.ts';
import type { RequestValidator, ValidRequest } from '../../validate/index.ts';
import type { RunModel } from './model.ts';
import { parseServiceName } from './names.ts';

/** What the API routes need besides the model: listeners must exist before URLs are handed out. */
export interface RunRouteDeps {
  readonly core: EmulatorCore;
  readonly model: RunModel;
  readonly validator: RequestValidator;
  reserveUrls(key: string, tags: readonly string[]): Promise<void>;
  releaseUrls(key: string): Promise<void>;
  /** Real-time sleep for `operations.wait`. */
  sleep(ms: number): Promise<void>;
}

type MethodHandler = (
  deps: RunRouteDeps,
  caller: Identity,
  request: ValidRequest,
  body: unknown,
) => Promise<unknown> | unknown;

const SERVICE_SCHEMA = 'GoogleCloudRunV2Service';
const WAIT_CAP_MS = 60_000;

function first(request: ValidRequest, name: string): string | undefined {
  return request.query.get(name)?.[0];
}

function flag(request: ValidRequest, name: string): boolean {
  return first(request, name) === 'true';
}

function integer(request: ValidRequest, name: string): number | undefined {
  const value = first(request, name);
  return value === undefined ? undefined : Number(value);
}

function param(request: ValidRequest, name: string): string {
  return request.params[name] ?? '';
}

function projectOf(deps: RunRouteDeps): string {
  return `projects/${deps.core.project.id}`;
}

/** 403 in Cloud Run's wording unless the caller holds the permission on `resource`. */
function authorize(
  deps: RunRouteDeps,
  caller: Identity,
  permission: string,
  resource: string,
  shown: string,
): void {
  deps.core.iam.authorize(
    caller,
    permission,
    resource,
    `Permission '${permission}' denied on resource '${shown}' (or resource may not exist).`,
  );
}

function serviceKey(deps: RunRouteDeps, name: string): string {
  return parseServiceName(name, deps.core.project).key;
}

function tagsOf(service: Record<string, unknown>): string[] {
  const traffic = Array.isArray(service.traffic) ? service.traffic : [];
  return traffic.flatMap((target: unknown) =>
    isObject(target) && typeof target.tag === 'string' && target.tag !== '' ? [target.tag] : [],
  );
}

/** Runs a create/update with the service's listeners reserved, releasing them if no service results. */
async function withUrls<T>(
  deps: RunRouteDeps,
  key: string,
  tags: readonly string[],
  action: () => T,
): Promise<T> {
  await deps.reserveUrls(key, tags);
  try {
    return action();
  } finally {
    if (!deps.model.exists(key)) await deps.releaseUrls(key);
  }
}

const HANDLERS: Readonly<Record<string, MethodHandler>> = {
  'run.projects.locations.services.create': async (deps, caller, request, body) => {
    const parent = param(request, 'parent');
    const serviceId = first(request, 'serviceId') ?? '';
    const name = `${parent}/services/${serviceId}`;
    authorize(deps, caller, 'run.services.create', projectOf(deps), name);
    const service = canonicalMessage(
      deps.validator.api('run.v2'),
      SERVICE_SCHEMA,
      isObject(body) ? body : {},
    );
    const key = /^[a-z]([-a-z0-9]*[a-z0-9])?$/.test(serviceId) ? serviceKey(deps, name) : undefined;
    if (key === undefined)
      return deps.model.createService(caller, parent, serviceId, service, flag(request, 'validateOnly'));
    return withUrls(deps, key, tagsOf(service), () =>
      deps.model.createService(caller, parent, serviceId, service, flag(request, 'validateOnly')),
    );
  },
  'run.projects.locations.services.get': (deps, caller, request) => {
    const name = param(request, 'name');
    authorize(deps, caller, 'run.services.get', serviceKey(deps, name), name);
    return deps.model.getService(name);
  },
  'run.projects.locations.services.list': (deps, caller, request) => {
    const parent = param(request, 'parent');
    authorize(deps, caller, 'run.services.list', projectOf(deps), parent);
    return deps.model.listServices(parent, integer(request, 'pageSize'), first(request, 'pageToken'));
  },
  'run.projects.locations.services.patch': async (deps, caller, request, body) => {
    const name = param(request, 'name');
    const key = serviceKey(deps, name);
    const allowMissing = flag(request, 'allowMissing');
    if (allowMissing && !deps.model.exists(name))
      authorize(deps, caller, 'run.services.create', projectOf(deps), name);
    else authorize(deps, caller, 'run.services.update', key, name);
    const service = canonicalMessage(
      deps.validator.api('run.v2'),
      SERVICE_SCHEMA,
      isObject(body) ? body : {},
    );
    const mask = (first(request, 'updateMask') ?? '').split(',').filter((path) => path.trim() !== '');
    return withUrls(deps, key, tagsOf(service), () =>
      deps.model.updateService(caller, name, service, {
        updateMask: mask,
        allowMissing,
        validateOnly: flag(request, 'validateOnly'),
      }),
    );
  },
  'run.projects.locations.services.delete': async (deps, caller, request) => {
    const name = param(request, 'name');
    const key = serviceKey(deps, name);
    authorize(deps, caller, 'run.services.delete', key, name);
    const operation = deps.model.deleteService(name, first(request, 'etag'), flag(request, 'validateOnly'));
    if (!deps.model.exists(name)) {
      // The policy goes with the service: a later service of the same name starts without grants.
      deps.core.iam.replacePolicy(key, { bindings: [] });
      await deps.releaseUrls(key);
    }
    return operation;
  },
  'run.projects.locations.services.getIamPolicy': (deps, caller, request) => {
    const resource = param(request, 'resource');
    authorize(deps, caller, 'run.services.getIamPolicy', serviceKey(deps, resource), resource);
    deps.model.getService(resource);
    return deps.core.iam.getPolicy(
      serviceKey(deps, resource),
      integer(request, 'options.requestedPolicyVersion') ?? 0,
    );
  },
  'run.projects.locations.services.setIamPolicy': (deps, caller, request, body) => {
    const resource = param(request, 'resource');
    authorize(deps, caller, 'run.services.setIamPolicy', serviceKey(deps, resource), resource);
    deps.model.getService(resource);
    const { policy, updateMask } = isObject(body) ? body : {};
    if (!isObject(policy))
      throw new GoogleError('INVALID_ARGUMENT', "Invalid 'policy': a policy is required.");
    return deps.core.iam.setPolicy(
      serviceKey(deps, resource),
      policy,
      typeof updateMask === 'string' ? updateMask : undefined,
    );
  },
  'run.projects.locations.services.testIamPermissions': (deps, caller, request, body) => {
    const resource = param(request, 'resource');
    deps.model.getService(resource);
    const permissions = isObject(body) && Array.isArray(body.permissions) ? body.permissions.map(String) : [];
    const held = deps.core.iam.testPermissions(caller, serviceKey(deps, resource), permissions);
    return held.length === 0 ? {} : { permissions: held };
  },
  'run.projects.locations.services.revisions.get': (deps, caller, request) => {
    const name = param(request, 'name');
    const service = name.replace(/\/revisions\/[^/]+$/, '');
    authorize(deps, caller, 'run.revisions.get', serviceKey(deps, service), name);
    return deps.model.getRevision(name);
  },
  'run.projects.locations.services.revisions.list': (deps, caller, request) => {
    const parent = param(request, 'parent');
    authorize(deps, caller, 'run.revisions.list', serviceKey(deps, parent), parent);
    return deps.model.listRevisions(parent, integer(request, 'pageSize'), first(request, 'pageToken'));
  },
  'run.projects.locations.operations.get': (deps, caller, request) => {
    const name = param(request, 'name');
    authorize(deps, caller, 'run.operations.get', projectOf(deps), name);
    return deps.model.getOperation(name);
  },
  'run.projects.locations.operations.list': (deps, caller, request) => {
    const name = param(request, 'name');
    authorize(deps, caller, 'run.operations.list', projectOf(deps), name);
    return deps.model.listOperations(name, integer(request, 'pageSize'), first(request, 'pageToken'));
  },
  'run.projects.locations.operations.delete': (deps, caller, request) => {
    const name = param(request, 'name');
    authorize(deps, caller, 'run.operations.delete', projectOf(deps), name);
    deps.model.deleteOperation(name);
    return {};
  },
  'run.projects.locations.operations.wait': async (deps, caller, request, body) => {
    const name = param(request, 'name');
    authorize(deps, caller, 'run.operations.get', projectOf(deps), name);
    const timeout =
      isObject(body) && typeof body.timeout === 'string'
        ? Number(body.timeout.slice(0, -1)) * 1000
        : WAIT_CAP_MS;
    const remaining = deps.model.operationDoneAt(name) - deps.core.clock.now();
    if (remaining > 0) await deps.sleep(Math.min(remaining, timeout, WAIT_CAP_MS));
    return deps.model.getOperation(name);
  },
};

/**
 * The Cloud Run Admin API v2 as `@google-cloud/run` speaks it over REST: every request is
 * authenticated, validated against the API description (route, query, body), authorized with
 * the real permission names, then handled by the model.
 */
export function runRoutes(deps: RunRouteDeps): Route[] {
  const handle = async (ctx: RequestContext): Promise<Reply> => {
    const url = `${ctx.path}${ctx.query.size > 0 ? `?${ctx.query.toString()}` : ''}`;
    const routed = deps.validator.route('run.v2', ctx.method, url);
    if (!routed.ok) throw routed.error;
    const caller = deps.core.authenticate(ctx);
    const checked = deps.validator.validate({ api: 'run.v2', httpMethod: ctx.method, url, body: ctx.body });
    if (!checked.ok) throw checked.error;
    const handler = HANDLERS[checked.request.method.id];
    if (handler === undefined) {
      throw new GoogleError(
        'UNIMPLEMENTED',
        `The Cloud Run emulator does not implement ${checked.request.method.id}; only services, revisions (get, list) and operations are emulated.`,
      );
    }
    const answer = await handler(deps, caller, checked.request, ctx.body);
    const { response } = checked.request.method;
    const encoded =
      response !== undefined && wantsIntEnums(checked.request.query)
        ? encodeEnumsAsNumbers(deps.validator.api('run.v2'), response, answer)
        : answer;
    return { status: 200, body: encoded };
  };
  return ['GET', 'POST', 'PATCH', 'DELETE', 'PUT'].map((method) => ({
    method,
    pattern: /^\/v2\/.+$/,
    handler: handle,
  }));
}
