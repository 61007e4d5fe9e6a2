import { isObject } from '../../core/body.ts';
import { Faults } from '../../core/faults.ts';
import { GoogleError, invalidArgument } from '../../core/google-error.ts';
import type { EmulatorCore, EmulatorPlugin } from '../../core/plugin.ts';
import type { Identity, Route } from '../../core/types.ts';
import { createRoundRobinPicker, invoke } from '../../serving/invoke.ts';
import { ServingListeners } from '../../serving/listeners.ts';
import { SickRevisions, type SickRule, sickRuleProblem } from '../../serving/sickness.ts';
import { canonicalMessage } from '../../validate/canonical.ts';
import { createValidator, type RequestValidator } from '../../validate/index.ts';
import type { FailureRule } from './failures.ts';
import { cryptoRandom, RunModel, type RunRandom } from './model.ts';
import { parseServiceName } from './names.ts';
import { runRoutes } from './routes.ts';

/** Changes made "by someone else" (the console, another pipeline) never pass IAM or actAs checks. */
const OUT_OF_BAND: Identity = { kind: 'user', email: 'someone-else@example.com' };

/** In-process controls of the Cloud Run emulation, reached with `emulator.plugin('run').controls`. */
export interface RunControls {
  readonly model: RunModel;
  /** How long create/update/delete operations take (ms, default 250; 0 = done in the first answer). */
  setOperationDuration(ms: number): void;
  /** New revisions matching the rule fail to start; returns a function removing the rule. */
  failRevisions(rule: FailureRule): () => void;
  clearFailures(): void;
  /**
   * Revisions matching the rule deploy and become Ready, but answer requests (on `path` and
   * below, after the first `afterRequests`) with `status` (503 by default), as a container with
   * a broken health endpoint would. Returns a function removing the rule; throws on a bad rule.
   */
  sickRevisions(rule: SickRule): () => void;
  clearSickness(): void;
  /**
   * Faults of the serving listeners (service and tag URLs), matched by method and path: the
   * network or Cloud Run's front end failing as a caller of the service sees it (429/500/503
   * with Google's JSON error body, reset, timeout, latency). Specs leave `api` out.
   */
  readonly servingFaults: Faults;
  /**
   * Changes a service out of band (as a console user would): `service` holds the fields to set,
   * `updateMask` which ones (all given top-level fields when omitted). Completes at once.
   */
  outOfBandUpdate(
    name: string,
    service: Record<string, unknown>,
    updateMask?: readonly string[],
  ): Promise<void>;
  /** The URL a service is served at. */
  serviceUrl(name: string): string;
}

export interface RunPluginOptions {
  readonly random?: RunRandom;
  readonly validator?: RequestValidator;
}

/**
 * The Cloud Run plug-in: Admin API v2 routes, serving listeners, controls. `state` (the state
 * file's `services`) lists services to create at start: `[{name, service}]`, `service` being a
 * Cloud Run v2 Service body (validated like an API request).
 */
export async function createRunPlugin(
  core: EmulatorCore,
  state: unknown,
  options: RunPluginOptions = {},
): Promise<EmulatorPlugin> {
  const validator = options.validator ?? createValidator();
  const pick = createRoundRobinPicker();
  const sick = new SickRevisions();
  const servingFaults = new Faults();
  const serving: ServingListeners = new ServingListeners(
    (request) =>
      invoke(
        {
          view: (key) => model.servingView(key),
          verifyIdToken: (jwt, audiences) => core.verifyGoogleIdToken(jwt, audiences),
          canInvoke: (identity, key) => core.iam.check(identity, 'run.routes.invoke', key),
          isPublic: (key) => allUsersMayInvoke(core, key),
          pick,
          sickStatus: (query) => sick.statusFor(query),
        },
        request,
      ),
    servingFaults,
  );
  const model = new RunModel({
    project: core.project,
    clock: core.clock,
    random: options.random ?? cryptoRandom,
    urls: serving,
    canActAs: (caller, email) =>
      caller === OUT_OF_BAND ||
      (core.serviceAccount(email) !== undefined &&
        core.iam.check(
          caller,
          'iam.serviceAccounts.actAs',
          `projects/${core.project.id}/serviceAccounts/${email}`,
        )),
  });

  const outOfBandUpdate = async (
    name: string,
    service: Record<string, unknown>,
    updateMask?: readonly string[],
  ) => {
    const key = parseServiceName(name, core.project).key;
    const checked = validator.validate({
      api: 'run.v2',
      httpMethod: 'PATCH',
      url: `/v2/${key}`,
      body: service,
    });
    if (!checked.ok) throw checked.error;
    const canonical = canonicalMessage(validator.api('run.v2'), 'GoogleCloudRunV2Service', service);
    const tags = Array.isArray(canonical.traffic)
      ? canonical.traffic.flatMap((t) => (isObject(t) && typeof t.tag === 'string' ? [t.tag] : []))
      : [];
    await serving.reserve(key, tags);
    immediately(model, () =>
      model.updateService(OUT_OF_BAND, key, canonical, {
        updateMask:
          updateMask ?? Object.keys(service).filter((field) => field !== 'name' && field !== 'etag'),
        allowMissing: false,
        validateOnly: false,
      }),
    );
  };

  await seed(core, state, validator, model, serving);

  const controls: RunControls = {
    model,
    setOperationDuration: (ms) => model.setOperationDuration(ms),
    failRevisions: (rule) => model.failRevisions(rule),
    clearFailures: () => model.clearFailures(),
    sickRevisions: (rule) => sick.add(rule),
    clearSickness: () => sick.clear(),
    servingFaults,
    outOfBandUpdate,
    serviceUrl: (name) => serving.serviceUrl(parseServiceName(name, core.project).key),
  };

  return {
    api: 'run',
    routes: runRoutes({
      core,
      model,
      validator,
      reserveUrls: (key, tags) => serving.reserve(key, tags),
      releaseUrls: (key) => serving.release(key),
      sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    }),
    controlRoutes: controlRoutes(controls),
    controls,
    snapshot: () => model.snapshot(),
    close: () => serving.closeAll(),
  };
}

/** Whether `allUsers` holds `run.routes.invoke` on the service or its project. */
function allUsersMayInvoke(core: EmulatorCore, key: string): boolean {
  return [key, `projects/${core.project.id}`].some((resource) =>
    (core.iam.peekPolicy(resource).bindings ?? []).some(
      (binding) =>
        binding.condition === undefined &&
        binding.members.includes('allUsers') &&
        core.iam.roles.get(binding.role)?.includedPermissions.includes('run.routes.invoke') === true,
    ),
  );
}

function immediately<T>(model: RunModel, action: () => T): T {
  const previous = model.operationDuration();
  model.setOperationDuration(0);
  try {
    return action();
  } finally {
    model.setOperationDuration(previous);
  }
}

async function seed(
  core: EmulatorCore,
  state: unknown,
  validator: RequestValidator,
  model: RunModel,
  serving: ServingListeners,
): Promise<void> {
  if (state === undefined || state === null) return;
  if (!Array.isArray(state))
    throw new Error('Invalid emulator state: services must be a list of {name, service}.');
  for (const [i, entry] of state.entries()) {
    const at = `services[${i}]`;
    if (!isObject(entry) || typeof entry.name !== 'string' || !isObject(entry.service)) {
      throw new Error(
        `Invalid emulator state: ${at} must be {name: projects/P/locations/R/services/S, service: {...}}.`,
      );
    }
    const match = /^(projects\/[^/]+\/locations\/[^/]+)\/services\/([^/]+)$/.exec(entry.name);
    if (match === null)
      throw new Error(`Invalid emulator state: ${at}.name '${entry.name}' is not a service name.`);
    const [, parent = '', id = ''] = match;
    const checked = validator.validate({
      api: 'run.v2',
      httpMethod: 'POST',
      url: `/v2/${parent}/services?serviceId=${id}`,
      body: entry.service,
    });
    if (!checked.ok) throw new Error(`Invalid emulator state: ${at}.service: ${checked.error.message}`);
    const service = canonicalMessage(validator.api('run.v2'), 'GoogleCloudRunV2Service', entry.service);
    const tags = Array.isArray(service.traffic)
      ? service.traffic.flatMap((t) => (isObject(t) && typeof t.tag === 'string' ? [t.tag] : []))
      : [];
    try {
      await serving.reserve(parseServiceName(entry.name, core.project).key, tags);
      immediately(model, () => model.createService(OUT_OF_BAND, parent, id, service, false));
    } catch (error) {
      const detail = error instanceof GoogleError || error instanceof Error ? error.message : String(error);
      throw new Error(`Invalid emulator state: ${at} is rejected by Cloud Run: ${detail}`);
    }
  }
}

function controlRoutes(controls: RunControls): Route[] {
  const body = (value: unknown): Record<string, unknown> => (isObject(value) ? value : {});
  return [
    {
      method: 'POST',
      pattern: '/operation-duration',
      handler: (ctx) => {
        const ms = body(ctx.body).ms;
        if (typeof ms !== 'number' || ms < 0) throw invalidArgument('Send {"ms": N} with N ≥ 0.');
        controls.setOperationDuration(ms);
        return { status: 200, body: { ms } };
      },
    },
    {
      method: 'POST',
      pattern: '/fail-revisions',
      handler: (ctx) => {
        const { service, region, image, message } = body(ctx.body);
        const rule: FailureRule = {
          ...(typeof service === 'string' ? { service } : {}),
          ...(typeof region === 'string' ? { region } : {}),
          ...(typeof image === 'string' ? { image } : {}),
          ...(typeof message === 'string' ? { message } : {}),
        };
        controls.failRevisions(rule);
        return { status: 200, body: rule };
      },
    },
    {
      method: 'DELETE',
      pattern: '/fail-revisions',
      handler: () => {
        controls.clearFailures();
        return { status: 200, body: {} };
      },
    },
    {
      method: 'POST',
      pattern: '/sick-revisions',
      handler: (ctx) => {
        const rule = sickRule(body(ctx.body));
        controls.sickRevisions(rule);
        return { status: 200, body: rule };
      },
    },
    {
      method: 'DELETE',
      pattern: '/sick-revisions',
      handler: () => {
        controls.clearSickness();
        return { status: 200, body: {} };
      },
    },
    {
      method: 'POST',
      pattern: '/out-of-band-update',
      handler: async (ctx) => {
        const { name, service, updateMask } = body(ctx.body);
        if (typeof name !== 'string' || !isObject(service)) {
          throw invalidArgument(
            'Send {"name": "projects/P/locations/R/services/S", "service": {...}, "updateMask"?: ["field", ...]}.',
          );
        }
        const mask = Array.isArray(updateMask) ? updateMask.map(String) : undefined;
        await controls.outOfBandUpdate(name, service, mask);
        return { status: 200, body: controls.model.getService(name) };
      },
    },
  ];
}

/** A sick-revision rule from a control request; anything malformed is a 400 naming the field. */
function sickRule(fields: Record<string, unknown>): SickRule {
  const usage =
    'Send {"service"?: "id", "image"?: "substring", "status"?: 500..599, "path"?: "/prefix", "afterRequests"?: N}.';
  const known = new Set(['service', 'image', 'status', 'path', 'afterRequests']);
  const unknown = Object.keys(fields).filter((field) => !known.has(field));
  if (unknown.length > 0) throw invalidArgument(`Unknown field ${unknown.join(', ')}. ${usage}`);
  const { service, image, status, path, afterRequests } = fields;
  for (const [name, value] of Object.entries({ service, image, path })) {
    if (value !== undefined && typeof value !== 'string')
      throw invalidArgument(`${name} must be a string. ${usage}`);
  }
  for (const [name, value] of Object.entries({ status, afterRequests })) {
    if (value !== undefined && typeof value !== 'number')
      throw invalidArgument(`${name} must be a number. ${usage}`);
  }
  const rule: SickRule = {
    ...(typeof service === 'string' ? { service } : {}),
    ...(typeof image === 'string' ? { image } : {}),
    ...(typeof status === 'number' ? { status } : {}),
    ...(typeof path === 'string' ? { path } : {}),
    ...(typeof afterRequests === 'number' ? { afterRequests } : {}),
  };
  const problem = sickRuleProblem(rule);
  if (problem !== undefined) throw invalidArgument(`${problem}. ${usage}`);
  return rule;
}
