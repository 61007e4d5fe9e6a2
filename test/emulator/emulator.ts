import { existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { iamRoutes } from './apis/iam.ts';
import { resourceManagerRoutes } from './apis/resourcemanager.ts';
import { validated } from './apis/validated.ts';
import { controlRoutes } from './control/routes.ts';
import { authenticate } from './core/auth.ts';
import { Faults } from './core/faults.ts';
import { type Listener, startListener } from './core/listener.ts';
import type { EmulatorCore, EmulatorPlugin, PluginFactory } from './core/plugin.ts';
import { RequestLog } from './core/request-log.ts';
import { Router } from './core/router.ts';
import { type AccessTokenRecord, type MintedSecret, TokenRegistry } from './core/tokens.ts';
import { ALL_APIS, type ApiName, type Clock, type Identity, type Route } from './core/types.ts';
import { IamEngine } from './iam/engine.ts';
import { RoleCatalog } from './iam/roles.ts';
import { GithubIssuer } from './identity/github-issuer.ts';
import { GoogleIdTokens } from './identity/google-id-tokens.ts';
import { iamCredentialsRoutes } from './identity/iamcredentials.ts';
import { createSigningKey } from './identity/keys.ts';
import { ServiceAccounts } from './identity/service-accounts.ts';
import { stsRoutes } from './identity/sts.ts';
import { WorkloadIdentity } from './identity/workload-identity.ts';
import { stableStringify } from './snapshot.ts';
import { EXAMPLE_WORLD, loadStateFile } from './state/load.ts';
import type { EmulatorState } from './state/types.ts';
import { validateState } from './state/validate.ts';
import { createValidator } from './validate/index.ts';

const ROLES_DIR = fileURLToPath(new URL('./data/roles/', import.meta.url));
const RUN_PLUGIN = fileURLToPath(new URL('./apis/run/plugin.ts', import.meta.url));

export interface EmulatorOptions {
  /** A state file path (YAML/JSON) or a state document; the example world when omitted. */
  readonly state?: string | unknown;
  /** Time source for token expiry, policy conditions and logs; the real clock by default. */
  readonly clock?: Clock;
  /** Plug-ins; by default the Cloud Run plug-in (`apis/run/plugin.ts`) when it exists. */
  readonly plugins?: readonly PluginFactory[];
  /** Told about emulator bugs (handler crashes answered as 500). */
  readonly onError?: (error: unknown) => void;
}

export interface Emulator {
  /** Base URL of every listener. */
  readonly urls: Readonly<Record<ApiName, string>>;
  readonly core: EmulatorCore;
  readonly iam: IamEngine;
  readonly faults: Faults;
  readonly log: RequestLog;
  readonly github: GithubIssuer;
  readonly pools: WorkloadIdentity;
  readonly serviceAccounts: ServiceAccounts;
  /** Everything the action needs in its environment to run against this emulator. */
  env(): Record<string, string>;
  /** The one JSON line `main.ts` prints when ready. */
  readyLine(): string;
  /** Mints an access token for a service account directly (test setup; no IAM check). */
  mintAccessToken(
    email: string,
    options?: { scopes?: readonly string[]; lifetimeSeconds?: number },
  ): AccessTokenRecord;
  /** The identity behind a live bearer token, or `undefined` (unknown or expired). */
  identityOf(token: string): Identity | undefined;
  /** Every token and JWT ever handed out (including the OIDC request token). */
  mintedSecrets(): readonly MintedSecret[];
  /** Deterministic serialization of the whole mutable world (not tokens or the log). */
  snapshot(): string;
  plugin(api: ApiName): EmulatorPlugin | undefined;
  close(): Promise<void>;
}

/** Starts every listener on 127.0.0.1 (ephemeral ports) and returns once all are ready. */
export async function startEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
  const state = resolveState(options.state);
  const clock = options.clock ?? { now: () => Date.now() };
  const tokens = new TokenRegistry(clock);
  const faults = new Faults();
  const log = new RequestLog();
  const accounts = new ServiceAccounts(state.serviceAccounts);
  const roles = new RoleCatalog(
    ROLES_DIR,
    state.customRoles.map((role) => ({ ...role, etag: 'BwYAAAAAAAA=' })),
  );
  const iam = new IamEngine({
    project: state.project,
    roles,
    clock,
    groups: new Map(Object.entries(state.groups)),
    serviceAccountExists: (email) => accounts.get(email) !== undefined,
  });
  const [githubKey, googleKey] = await Promise.all([createSigningKey(), createSigningKey()]);
  const github = new GithubIssuer(githubKey, state.github, tokens, clock);
  const idTokens = new GoogleIdTokens(googleKey, tokens, clock, (id) => accounts.byUniqueId(id));
  const pools = new WorkloadIdentity(state.project.number, state.workloadIdentityPools);
  const project = { id: state.project.id, number: state.project.number };

  const core: EmulatorCore = {
    project,
    clock,
    iam,
    authenticate: (ctx) => authenticate(tokens, ctx),
    verifyGoogleIdToken: (jwt, audiences) => idTokens.verify(jwt, audiences),
    serviceAccount: (email) => accounts.get(email),
    recordSecret: (kind, value) => tokens.recordSecret(kind, value),
  };

  seedPolicies(iam, state);

  const factories = options.plugins ?? (await defaultPlugins());
  const plugins = new Map<ApiName, EmulatorPlugin>();
  for (const factory of factories) {
    const plugin = await factory(core, state.services);
    plugins.set(plugin.api, plugin);
  }

  const routers = new Map<ApiName, Router>(ALL_APIS.map((api) => [api, new Router()]));
  const urls = {} as Record<ApiName, string>;
  const addRoutes = (api: ApiName, routes: readonly Route[]) => routers.get(api)?.add(...routes);
  addRoutes(
    'oidc',
    github.routes(() => urls.oidc),
  );
  addRoutes(
    'sts',
    stsRoutes({
      tokens,
      clock,
      pools,
      issuerKeys: (issuer) => (issuer === github.issuer ? github.publicKeys() : undefined),
    }),
  );
  const validator = createValidator();
  addRoutes(
    'iamcredentials',
    validated(
      validator,
      () => 'iamcredentials.v1',
      iamCredentialsRoutes({
        core,
        tokens,
        accounts,
        idTokens,
        maxLifetimeSeconds: () => state.limits.maxAccessTokenLifetimeSeconds,
      }),
    ),
  );
  addRoutes(
    'iam',
    validated(validator, () => 'iam.v1', iamRoutes(core, accounts)),
  );
  addRoutes(
    'cloudresourcemanager',
    validated(
      validator,
      (path) => (path.startsWith('/v1/') ? 'cloudresourcemanager.v1' : 'cloudresourcemanager.v3'),
      resourceManagerRoutes(core, state.project.displayName),
    ),
  );
  for (const plugin of plugins.values()) {
    addRoutes(plugin.api, plugin.routes);
    for (const route of plugin.controlRoutes ?? []) {
      addRoutes('control', [{ ...route, pattern: prefixPattern(plugin.api, route.pattern) }]);
    }
  }

  const listeners: Listener[] = [];
  const emulator: Emulator = {
    urls,
    core,
    iam,
    faults,
    log,
    github,
    pools,
    serviceAccounts: accounts,
    env: () => environment(urls, github),
    readyLine: () =>
      JSON.stringify({ ready: true, urls, control: urls.control, env: environment(urls, github) }),
    mintAccessToken: (email, mintOptions = {}) => {
      const account = accounts.get(email);
      if (account === undefined)
        throw new Error(`No service account ${email} in the emulated project; declare it in the state.`);
      return tokens.mint(
        'access-token',
        { kind: 'serviceAccount', email: account.email },
        mintOptions.scopes ?? ['https://www.googleapis.com/auth/cloud-platform'],
        mintOptions.lifetimeSeconds ?? 3600,
      );
    },
    identityOf: (token) => {
      const found = tokens.lookup(token);
      return found.ok ? found.record.identity : undefined;
    },
    mintedSecrets: () => tokens.mintedSecrets(),
    snapshot: () =>
      stableStringify({
        project: state.project,
        iamPolicies: iam.snapshot(),
        customRoles: roles.customRoles(),
        serviceAccounts: accounts.all(),
        workloadIdentityPools: pools.snapshot(),
        github: github.snapshot(),
        plugins: Object.fromEntries([...plugins].map(([api, plugin]) => [api, plugin.snapshot()])),
      }),
    plugin: (api) => plugins.get(api),
    close: async () => {
      for (const plugin of plugins.values()) await plugin.close?.();
      await Promise.all(listeners.map((listener) => listener.close()));
    },
  };
  addRoutes('control', controlRoutes(emulator));

  try {
    for (const api of ALL_APIS) {
      const router = routers.get(api);
      if (router === undefined) continue;
      const listener = await startListener(api, {
        router,
        faults,
        log,
        clock,
        ...(options.onError ? { onError: options.onError } : {}),
      });
      listeners.push(listener);
      urls[api] = listener.url;
    }
    for (const plugin of plugins.values()) await plugin.start?.(urls);
  } catch (error) {
    await emulator.close();
    throw error;
  }
  return emulator;
}

function resolveState(source: unknown): EmulatorState {
  if (source === undefined) return loadStateFile(EXAMPLE_WORLD);
  if (typeof source === 'string') return loadStateFile(source);
  return validateState(source);
}

/** Policies from the state, written through the engine so they are validated like API writes. */
function seedPolicies(iam: IamEngine, state: EmulatorState): void {
  const where = (resource: string, write: () => void) => {
    try {
      write();
    } catch (error) {
      const detail = error instanceof Error ? error.message : String(error);
      throw new Error(`Invalid emulator state: the IAM policy of ${resource} is rejected: ${detail}`);
    }
  };
  const projectName = `projects/${state.project.id}`;
  if (state.iamPolicy !== undefined)
    where(projectName, () => iam.replacePolicy(projectName, state.iamPolicy));
  for (const account of state.serviceAccounts) {
    if (account.iamPolicy === undefined) continue;
    const name = `${projectName}/serviceAccounts/${account.email}`;
    where(name, () => iam.replacePolicy(name, account.iamPolicy));
  }
}

async function defaultPlugins(): Promise<PluginFactory[]> {
  if (!existsSync(RUN_PLUGIN)) return [];
  const module: unknown = await import(pathToFileURL(RUN_PLUGIN).href);
  const factory =
    typeof module === 'object' && module !== null
      ? (module as Record<string, unknown>).createRunPlugin
      : undefined;
  if (!isPluginFactory(factory)) throw new Error(`${RUN_PLUGIN} must export createRunPlugin(core, state).`);
  return [factory];
}

function isPluginFactory(value: unknown): value is PluginFactory {
  return typeof value === 'function';
}

function prefixPattern(api: ApiName, pattern: string | RegExp): string | RegExp {
  if (typeof pattern === 'string') return `/${api}${pattern}`;
  const source = pattern.source.startsWith('^') ? pattern.source.slice(1) : pattern.source;
  return new RegExp(`^/${api}${source}`, pattern.flags);
}

function environment(urls: Readonly<Record<ApiName, string>>, github: GithubIssuer): Record<string, string> {
  return {
    ...github.env(urls.oidc),
    KEYLESS_DEPLOY_ENDPOINT_STS: urls.sts,
    KEYLESS_DEPLOY_ENDPOINT_IAMCREDENTIALS: urls.iamcredentials,
    KEYLESS_DEPLOY_ENDPOINT_IAM: urls.iam,
    KEYLESS_DEPLOY_ENDPOINT_CLOUDRESOURCEMANAGER: urls.cloudresourcemanager,
    KEYLESS_DEPLOY_ENDPOINT_RUN: urls.run,
  };
}
