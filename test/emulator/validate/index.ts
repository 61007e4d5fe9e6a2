import type { GoogleError } from '../core/google-error.ts';
import { checkMessage } from './body.ts';
import { compileApi } from './compile.ts';
import type { ApiName } from './discovery.ts';
import { DISCOVERY_FILES, readDiscovery } from './discovery.ts';
import type { ProtoIndex } from './proto-index.ts';
import { loadRunProtos } from './proto-index.ts';
import type { QueryValues } from './query.ts';
import { checkQuery } from './query.ts';
import type { ApiSpec, MethodSpec } from './spec.ts';
import { invalidArgument, noSuchRoute } from './violations.ts';

export type { ApiName } from './discovery.ts';
export type { QueryValues } from './query.ts';
export type { MethodSpec } from './spec.ts';
export type { Violation } from './violations.ts';

/** A request that passed validation, with its method and decoded path parameters. */
export interface ValidRequest {
  readonly method: MethodSpec;
  /** Path parameters by discovery name (`name`, `parent`, `resource`), percent-decoded. */
  readonly params: Readonly<Record<string, string>>;
  /** Query parameters by declared name; snake_case spellings are folded into it. */
  readonly query: QueryValues;
}

export type ValidationResult =
  | { readonly ok: true; readonly request: ValidRequest }
  | { readonly ok: false; readonly error: GoogleError };

export interface RequestInput {
  readonly api: ApiName;
  readonly httpMethod: string;
  /** Path and query as received, e.g. `/v2/projects/p/locations/l/services?serviceId=x`. */
  readonly url: string;
  /** The parsed JSON body, or `undefined` when there is none. */
  readonly body: unknown;
}

export type RouteResult =
  | { readonly ok: true; readonly method: MethodSpec; readonly params: Readonly<Record<string, string>> }
  | { readonly ok: false; readonly error: GoogleError };

export interface RequestValidator {
  /** Only finds the method a URL is bound to (404 when none), without checking query or body. */
  route(api: ApiName, httpMethod: string, url: string): RouteResult;
  validate(input: RequestInput): ValidationResult;
  /** The compiled description of one API (methods, messages), e.g. for tests or routing tables. */
  api(name: ApiName): ApiSpec;
}

/**
 * A validator over the six shipped discovery documents (Cloud Run augmented with the newer protos
 * of `@google-cloud/run`), each compiled once, that checks route, query and body of a request the
 * way Google's front end does, before any handler runs.
 */
export function createValidator(protos?: ProtoIndex): RequestValidator {
  const apis = new Map<ApiName, ApiSpec>();
  let index = protos;
  // Compiled on first use: a plug-in that checks one API pays for that one at start.
  const spec = (name: ApiName): ApiSpec => {
    const cached = apis.get(name);
    if (cached !== undefined) return cached;
    if (!DISCOVERY_FILES.includes(name)) throw new Error(`No API description is shipped for '${name}'.`);
    index ??= loadRunProtos();
    const compiled = compileApi(name, readDiscovery(name), index, { augmentFromProtos: name === 'run.v2' });
    apis.set(name, compiled);
    return compiled;
  };
  return {
    api: spec,
    route: (api, httpMethod, url) =>
      findRoute(spec(api), httpMethod, new URL(url, 'http://emulator.invalid')),
    validate: (input) => validateRequest(spec(input.api), input),
  };
}

function findRoute(api: ApiSpec, httpMethod: string, url: URL): RouteResult {
  const path = url.pathname.replace(/^\//, '');
  const verb = httpMethod.toUpperCase();
  for (const method of api.methods) {
    if (method.httpMethod !== verb) continue;
    const match = method.route.exec(path);
    if (match === null) continue;
    const params: Record<string, string> = {};
    method.pathParams.forEach((name, i) => {
      params[name] = safeDecode(match[i + 1] ?? '');
    });
    return { ok: true, method, params };
  }
  return { ok: false, error: noSuchRoute(verb, url.pathname) };
}

function validateRequest(api: ApiSpec, input: RequestInput): ValidationResult {
  const url = new URL(input.url, 'http://emulator.invalid');
  const routed = findRoute(api, input.httpMethod, url);
  if (!routed.ok) return routed;
  const { method, params } = routed;
  const { violations, values } = checkQuery(api, method, url.searchParams);
  if (method.request !== undefined && input.body !== undefined) {
    violations.push(...checkMessage(api, method.request, input.body, method.bodyField));
  }
  if (violations.length > 0) return { ok: false, error: invalidArgument(violations) };
  return { ok: true, request: { method, params, query: values } };
}

function safeDecode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}
