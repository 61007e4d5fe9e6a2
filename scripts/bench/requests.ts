/**
 * The emulator's request log read as API calls: what each request was, the fewest of each a
 * deploy needs, and every request beyond that with the reason it is not needed.
 */
import type { Action } from './critical-path.ts';

/** The fields of an emulator log entry this module reads. */
export interface LoggedRequest {
  readonly time: string;
  readonly api: string;
  readonly method: string;
  readonly path: string;
  readonly body: unknown;
  readonly status: number | undefined;
}

export interface Call {
  /** The API method, e.g. `run.services.get`; `api METHOD path` for anything unrecognised. */
  readonly kind: string;
  /** The resource it addressed (service, operation, account, project), for telling repeats apart. */
  readonly resource: string;
  readonly time: string;
  readonly status: number | undefined;
  /** Method, path and body: equal keys are the same request. */
  readonly key: string;
}

const RULES: readonly { api: string; method: string; path: RegExp; kind: string }[] = [
  { api: 'oidc', method: 'GET', path: /^\/token$/, kind: 'github.oidc.token' },
  { api: 'sts', method: 'POST', path: /^\/v1\/token$/, kind: 'sts.token' },
  {
    api: 'iamcredentials',
    method: 'POST',
    path: /:generateAccessToken$/,
    kind: 'iamcredentials.generateAccessToken',
  },
  {
    api: 'cloudresourcemanager',
    method: 'POST',
    path: /:testIamPermissions$/,
    kind: 'cloudresourcemanager.projects.testIamPermissions',
  },
  {
    api: 'iam',
    method: 'POST',
    path: /\/serviceAccounts\/[^/]+:testIamPermissions$/,
    kind: 'iam.serviceAccounts.testIamPermissions',
  },
  { api: 'iam', method: 'GET', path: /\/roles\/[^/]+$/, kind: 'iam.roles.get' },
  { api: 'run', method: 'GET', path: /\/services\/[^/:]+$/, kind: 'run.services.get' },
  { api: 'run', method: 'POST', path: /\/services$/, kind: 'run.services.create' },
  { api: 'run', method: 'PATCH', path: /\/services\/[^/:]+$/, kind: 'run.services.update' },
  { api: 'run', method: 'GET', path: /\/services\/[^/]+:getIamPolicy$/, kind: 'run.services.getIamPolicy' },
  { api: 'run', method: 'POST', path: /\/services\/[^/]+:setIamPolicy$/, kind: 'run.services.setIamPolicy' },
  {
    api: 'run',
    method: 'POST',
    path: /\/services\/[^/]+:testIamPermissions$/,
    kind: 'run.services.testIamPermissions',
  },
  { api: 'run', method: 'GET', path: /\/operations\/[^/:]+$/, kind: 'run.operations.get' },
  { api: 'run', method: 'POST', path: /\/operations\/[^/]+:wait$/, kind: 'run.operations.wait' },
  { api: 'run', method: 'GET', path: /\/revisions\/[^/:]+$/, kind: 'run.revisions.get' },
];

export function classify(entry: LoggedRequest): Call {
  const rule = RULES.find(
    (candidate) =>
      candidate.api === entry.api && candidate.method === entry.method && candidate.path.test(entry.path),
  );
  const resource = decodeURIComponent(entry.path.replace(/^\/v\d+\//, '').replace(/:[A-Za-z]+$/, ''));
  return {
    kind: rule?.kind ?? `${entry.api} ${entry.method} ${entry.path}`,
    resource,
    time: entry.time,
    status: entry.status,
    key: `${entry.method} ${entry.path} ${JSON.stringify(entry.body ?? null)}`,
  };
}

/** Calls that watch an operation; one per operation is needed when it does not finish at once. */
const OBSERVE = new Set(['run.operations.get', 'run.operations.wait']);

export interface MinimumInput {
  readonly action: Action;
  readonly writesInvokers: boolean;
  readonly targets: number;
  readonly operationMs: number;
  /** Distinct runtime service accounts (each needs an actAs check). */
  readonly runtimeAccounts: number;
  /** Roles of the envelope that are not predefined (each is read to expand it). */
  readonly customRoles: number;
}

/**
 * The fewest calls of each kind: identity once; one check per project, runtime account and custom
 * role; per target one read, (update) its policy and a service-level check, one write, one
 * observation when the operation does not finish in the write's answer, and the policy write when
 * invokers change. A created service's policy is not read: it is known empty (etag `ACAB`), and
 * writing with that etag fails safely (ABORTED) should anyone have written first.
 */
export function minimumCalls(input: MinimumInput): Map<string, number> {
  const n = input.targets;
  const calls = new Map<string, number>([
    ['github.oidc.token', 1],
    ['sts.token', 1],
    ['iamcredentials.generateAccessToken', 1],
    ['cloudresourcemanager.projects.testIamPermissions', 1],
    ['iam.serviceAccounts.testIamPermissions', input.runtimeAccounts],
    ['iam.roles.get', input.customRoles],
    ['run.services.get', n],
  ]);
  if (input.action === 'update') {
    calls.set('run.services.getIamPolicy', n);
    calls.set('run.services.testIamPermissions', n);
  }
  calls.set(input.action === 'create' ? 'run.services.create' : 'run.services.update', n);
  if (input.operationMs > 0) calls.set('operation observation', n);
  if (input.writesInvokers) calls.set('run.services.setIamPolicy', n);
  return new Map([...calls].filter(([, count]) => count > 0));
}

export interface Excess {
  readonly kind: string;
  readonly count: number;
  readonly reason: string;
}

export interface RequestAudit {
  readonly total: number;
  readonly minimum: number;
  /** Calls beyond the minimum, by kind, with why they are not needed. */
  readonly excess: readonly Excess[];
  /** Kinds made fewer times than the minimum assumes (a check skipped, or a model gap). */
  readonly missing: readonly { readonly kind: string; readonly count: number }[];
}

/** Service calls the action sends alongside `getService`, whatever it finds. */
const SPECULATIVE = new Set(['run.services.getIamPolicy', 'run.services.testIamPermissions']);

const NOT_NEEDED: Readonly<Record<string, string>> = {
  'run.services.getIamPolicy':
    'the policy of a service this run just created is known empty (etag ACAB); write it with that etag',
  'run.services.get': 'the service is already known from the operation result or the first read',
  'run.revisions.get': 'the operation result already names the serving revision',
};

function countBy<T>(items: readonly T[], key: (item: T) => string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const item of items) counts.set(key(item), (counts.get(key(item)) ?? 0) + 1);
  return counts;
}

function excessReason(kind: string, calls: readonly Call[], needed: number): string {
  const ofKind = calls.filter((call) => call.kind === kind);
  if (OBSERVE.has(kind)) {
    return 'polls that found the operation still running: the price of seeing completion early (first poll after 100 ms, then ×1.5 up to 2 s); `operations.wait` would need one request, but the Run client cannot send it over REST';
  }
  if (SPECULATIVE.has(kind) && ofKind.filter((call) => call.status === 404).length > needed) {
    return 'answered 404: sent with the service read, before it was known the service does not exist, so reads and checks take one round trip instead of two (the price of saving L on a create)';
  }
  const repeats = [...countBy(ofKind, (call) => call.key)].filter(([, count]) => count > 1);
  if (repeats.length > 0) {
    const times = repeats.map(([, count]) => count).join(', ');
    return `repeated: the same request sent ${times} times`;
  }
  return NOT_NEEDED[kind] ?? `made ${ofKind.length} times where ${needed} suffice`;
}

/** Compares the calls made with the minimum, naming each extra one. */
export function auditRequests(entries: readonly LoggedRequest[], minimum: Map<string, number>): RequestAudit {
  const calls = entries.map(classify);
  const made = countBy(calls, (call) => (OBSERVE.has(call.kind) ? 'operation observation' : call.kind));
  const excess: Excess[] = [];
  for (const [kind, count] of made) {
    const needed = minimum.get(kind) ?? 0;
    if (count <= needed) continue;
    const realKind =
      kind === 'operation observation' ? (calls.find((call) => OBSERVE.has(call.kind))?.kind ?? kind) : kind;
    excess.push({ kind: realKind, count: count - needed, reason: excessReason(realKind, calls, needed) });
  }
  const missing = [...minimum]
    .map(([kind, needed]) => ({ kind, count: needed - (made.get(kind) ?? 0) }))
    .filter((gap) => gap.count > 0);
  const minimumTotal = [...minimum.values()].reduce((sum, count) => sum + count, 0);
  return { total: calls.length, minimum: minimumTotal, excess, missing };
}
