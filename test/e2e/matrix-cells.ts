/**
 * The cells of the fault matrix: every remote call the action makes × every fault class the
 * emulator can inject × transient or persistent, and what each cell should end in.
 */
import type { FaultKind } from '../emulator/core/faults.ts';
import type { ApiName } from '../emulator/core/types.ts';

/**
 * How a cell's world is set up before the faulted run:
 * - `create`: no service yet; the run creates it.
 * - `update`: one deployed service with an invoker drifted in; the run deploys a new image.
 * - `canary`: the same, and the run releases the new image as a canary behind a health gate.
 * - `rollback`: two deploys; the run rolls back to the first revision by name.
 */
export type Scenario = 'create' | 'update' | 'canary' | 'rollback';

/** One remote call of the action, as the emulator's fault tables and request log see it. */
export interface RemoteCall {
  readonly id: string;
  readonly label: string;
  /** `serving`: the service's own listeners (its URL and tag URLs), not a Google API. */
  readonly api: ApiName | 'serving';
  readonly method: string;
  /** RegExp source over the raw request path. */
  readonly path: string;
  readonly scenario: Scenario;
  /** What a clean failure of this call must say about which call failed. */
  readonly named: RegExp;
  /** A best-effort call: its failure is reported as a warning and the run goes on; one attempt may do. */
  readonly optional?: boolean;
  /** A write that is unsafe to repeat blindly after an unanswered attempt. */
  readonly mutation?: boolean;
  /** Runs after Cloud Run started changing things (a failure may leave a new revision serving). */
  readonly afterDeploy?: boolean;
  /**
   * A canary health check: its answers are judged by the gate (a share of 2xx), not retried. It
   * always makes `GATE.requests` requests; faults within the allowed failures pass the gate.
   */
  readonly gate?: boolean;
}

/** The canary of the `canary` scenario: half the traffic, then all, behind one health gate. */
export const GATE = {
  steps: '50,100',
  path: '/healthz',
  requests: 4,
  /** Two of four must answer 2xx: the two failures of a transient fault pass, four do not. */
  successRatio: 0.5,
  timeout: '5s',
} as const;

export const CALLS: readonly RemoteCall[] = [
  {
    id: 'oidc-token',
    label: 'GitHub OIDC token',
    api: 'oidc',
    method: 'GET',
    path: '^/token$',
    scenario: 'update',
    named: /OIDC token/,
  },
  {
    id: 'sts-exchange',
    label: 'STS token exchange',
    api: 'sts',
    method: 'POST',
    path: '^/v1/token$',
    scenario: 'update',
    named: /exchang|STS|federat/i,
  },
  {
    id: 'generate-access-token',
    label: 'IAM Credentials generateAccessToken',
    api: 'iamcredentials',
    method: 'POST',
    path: ':generateAccessToken$',
    scenario: 'update',
    named: /impersonat|generateAccessToken|access token/i,
  },
  {
    id: 'service-get',
    label: 'Cloud Run services.get',
    api: 'run',
    method: 'GET',
    path: '/services/[^/:]+$',
    scenario: 'update',
    named: /reading service/,
  },
  {
    id: 'iam-get-policy',
    label: 'Cloud Run services.getIamPolicy',
    api: 'run',
    method: 'GET',
    path: ':getIamPolicy$',
    scenario: 'update',
    named: /IAM policy|getIamPolicy/,
  },
  {
    id: 'project-permissions',
    label: 'Resource Manager projects.testIamPermissions',
    api: 'cloudresourcemanager',
    method: 'POST',
    path: ':testIamPermissions$',
    scenario: 'update',
    named: /permissions on project/,
  },
  {
    id: 'service-permissions',
    label: 'Cloud Run services.testIamPermissions',
    api: 'run',
    method: 'POST',
    path: '/services/[^/:]+:testIamPermissions$',
    scenario: 'update',
    named: /permissions on service/,
  },
  {
    id: 'runtime-sa-permissions',
    label: 'IAM serviceAccounts.testIamPermissions',
    api: 'iam',
    method: 'POST',
    path: '/serviceAccounts/[^/]+:testIamPermissions$',
    scenario: 'update',
    named: /permissions on service-account/,
  },
  {
    id: 'role-get',
    label: 'IAM roles.get (envelope)',
    api: 'iam',
    method: 'GET',
    path: '/roles/',
    scenario: 'update',
    named: /role/,
    optional: true,
  },
  {
    id: 'service-create',
    label: 'Cloud Run services.create',
    api: 'run',
    method: 'POST',
    path: '/locations/[^/]+/services$',
    scenario: 'create',
    named: /creating service/,
    mutation: true,
  },
  {
    id: 'service-update',
    label: 'Cloud Run services.patch (update)',
    api: 'run',
    method: 'PATCH',
    path: '/services/[^/:]+$',
    scenario: 'update',
    named: /updating service/,
    mutation: true,
  },
  {
    id: 'operation-poll',
    label: 'Cloud Run operations.get (wait)',
    api: 'run',
    method: 'GET',
    path: '/operations/',
    scenario: 'update',
    named: /waiting for|update of service/,
    afterDeploy: true,
  },
  {
    id: 'iam-set-policy',
    label: 'Cloud Run services.setIamPolicy',
    api: 'run',
    method: 'POST',
    path: ':setIamPolicy$',
    scenario: 'update',
    named: /run\.invoker/,
    afterDeploy: true,
  },
  {
    id: 'health-check',
    label: 'Canary health check (tag URL)',
    api: 'serving',
    method: 'GET',
    path: `^${GATE.path}$`,
    scenario: 'canary',
    named: /canary step 1 of 2 .* failed its health check/,
    afterDeploy: true,
    gate: true,
  },
  {
    id: 'revision-get',
    label: 'Cloud Run revisions.get (rollback)',
    api: 'run',
    method: 'GET',
    path: '/revisions/[^/:]+$',
    scenario: 'rollback',
    named: /reading revision/,
  },
  {
    id: 'traffic-update',
    label: 'Cloud Run services.patch (traffic)',
    api: 'run',
    method: 'PATCH',
    path: '/services/[^/:]+$',
    scenario: 'rollback',
    named: /traffic of service/,
    mutation: true,
  },
];

export type FaultClass = '429' | '500' | '503' | 'reset' | 'timeout' | 'latency';
export const FAULT_CLASSES: readonly FaultClass[] = ['429', '500', '503', 'reset', 'timeout', 'latency'];
export type Persistence = 'transient' | 'persistent';
export const PERSISTENCES: readonly Persistence[] = ['transient', 'persistent'];

/** Added latency per request: long enough to be felt, short of every client timeout. */
export const LATENCY_MS = 2_000;
/** wait_timeout of every cell, so a persistent polling failure ends within the run's bound. */
export const WAIT_TIMEOUT = '40s';
/** A cell's run is stopped after this: well past every retry budget the action has. */
export const RUN_LIMIT_MS = 150_000;
/** A clean failure slower than this is reported as a finding. */
export const SLOW_FAILURE_MS = 30_000;

export interface Cell {
  readonly call: RemoteCall;
  readonly fault: FaultClass;
  readonly persistence: Persistence;
}

/** A cell by name, as it crosses to a worker thread. */
export interface CellKey {
  readonly callId: string;
  readonly fault: FaultClass;
  readonly persistence: Persistence;
}

export type Outcome = 'survived' | 'failed-cleanly' | 'unexpected';

export function allCells(): Cell[] {
  return CALLS.flatMap((call) =>
    FAULT_CLASSES.flatMap((fault) => PERSISTENCES.map((persistence) => ({ call, fault, persistence }))),
  );
}

export function cellKey(cell: Cell): CellKey {
  return { callId: cell.call.id, fault: cell.fault, persistence: cell.persistence };
}

export function cellOf(key: CellKey): Cell {
  const call = CALLS.find((candidate) => candidate.id === key.callId);
  if (call === undefined) throw new Error(`no remote call '${key.callId}' in the matrix`);
  return { call, fault: key.fault, persistence: key.persistence };
}

export function cellName(cell: Cell): string {
  return `${cell.call.id} × ${cell.fault} (${cell.persistence})`;
}

/** A timeout costs a whole client deadline, so a transient one fires once; other faults twice. */
export function transientTimes(fault: FaultClass): number {
  return fault === 'timeout' ? 1 : 2;
}

export function faultKind(fault: FaultClass): FaultKind {
  switch (fault) {
    case '429':
      return { type: 'error', status: 429, retryAfterSeconds: 1 };
    case '500':
      return { type: 'error', status: 500 };
    case '503':
      return { type: 'error', status: 503 };
    case 'reset':
      return { type: 'reset' };
    case 'timeout':
      return { type: 'timeout' };
    case 'latency':
      return { type: 'latency', ms: LATENCY_MS };
  }
}

/**
 * What the cell should end in. Latency and transient faults should be survived, persistent
 * faults should fail cleanly (except on a best-effort call). A write that got no answer (reset,
 * timeout) or an INTERNAL may or may not have been applied: failing cleanly is as right as a
 * careful retry.
 */
export function expectedOutcome(cell: Cell): Outcome | undefined {
  if (cell.fault === 'latency' || cell.call.optional) return 'survived';
  if (cell.persistence === 'persistent') return 'failed-cleanly';
  if (cell.call.mutation && ['500', 'reset', 'timeout'].includes(cell.fault)) return undefined;
  return 'survived';
}
