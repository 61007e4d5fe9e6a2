/**
 * The release record: a small JSON annotation on the service saying which revision the last
 * deploy created (and from which workflow run), and what the last traffic move replaced, so a
 * later run can promote "what this workflow deployed" or roll back to what served before.
 * Kubernetes annotation rules apply (Cloud Run v2 follows them): the key is `PREFIX/NAME` with a
 * DNS-subdomain prefix outside the reserved `run.googleapis.com`, `cloud.googleapis.com`,
 * `serving.knative.dev`, `autoscaling.knative.dev`; the value is any string, the annotations of
 * one object at most 256 KiB together. A record stays well under 1 KiB.
 */
import { ActionError } from '../errors.ts';
import type { RunService } from './types.ts';

export const RELEASE_ANNOTATION = 'cloud-run-keyless-deploy/release';

export type ReleaseAction = 'deploy' | 'promote' | 'canary' | 'rollback';

/** A workflow run, as `OWNER/REPO/RUN_ID/RUN_ATTEMPT` identifies it. */
export interface RunId {
  readonly repository: string;
  readonly runId: string;
  readonly runAttempt: string;
}

export interface DeployedEntry {
  /** Short name of the revision created. */
  readonly revision: string;
  readonly run: RunId;
  readonly sha: string;
  /** ISO 8601. */
  readonly at: string;
}

export interface ReleaseEntry {
  readonly action: ReleaseAction;
  /** The revision that got the traffic (its largest share). */
  readonly revision: string;
  /** The revision that had the largest share before: what a rollback returns to, or came from. */
  readonly previous: string | undefined;
  readonly run: RunId;
  readonly at: string;
}

export interface ReleaseRecord {
  readonly version: 1;
  readonly deployed: DeployedEntry | undefined;
  readonly released: ReleaseEntry | undefined;
}

export const EMPTY_RECORD: ReleaseRecord = { version: 1, deployed: undefined, released: undefined };

/**
 * The record on a service; an empty one when there is none or it cannot be read (written by a
 * newer version, or edited by hand): a record is a convenience, never a reason to fail.
 */
export function readReleaseRecord(service: RunService | undefined): ReleaseRecord {
  const text = service?.annotations?.[RELEASE_ANNOTATION];
  if (!text) return EMPTY_RECORD;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return EMPTY_RECORD;
  }
  if (!isObject(value) || value.v !== 1) return EMPTY_RECORD;
  return { version: 1, deployed: deployedEntry(value.deployed), released: releaseEntry(value.released) };
}

/** The service's annotations with the record replaced (the compact form: short keys, no nulls). */
export function withReleaseRecord(
  annotations: Readonly<Record<string, string>> | null | undefined,
  record: ReleaseRecord,
): Record<string, string> {
  const value = {
    v: 1,
    ...(record.deployed === undefined ? {} : { deployed: record.deployed }),
    ...(record.released === undefined ? {} : { released: record.released }),
  };
  return { ...annotations, [RELEASE_ANNOTATION]: JSON.stringify(value) };
}

/**
 * The revision this workflow run deployed earlier (say, in a previous job), from the record. An
 * error when the last deploy of the service came from another run: promoting it would release
 * someone else's revision.
 */
export function deployedByRun(record: ReleaseRecord, run: RunId, serviceId: string): string {
  const deployed = record.deployed;
  if (deployed === undefined || !sameRun(deployed.run, run)) {
    const last =
      deployed === undefined
        ? 'no deploy is recorded on it'
        : `its last deploy was by ${describeRun(deployed.run)} (revision ${deployed.revision})`;
    throw new ActionError(`service '${serviceId}' has no revision deployed by ${describeRun(run)}: ${last}`, {
      remedy:
        'Promote by tag or by revision name (promote_to), or deploy again in this workflow run before promoting.',
      place: { kind: 'input', name: 'promote_to' },
    });
  }
  return deployed.revision;
}

export function sameRun(a: RunId, b: RunId): boolean {
  return a.repository === b.repository && a.runId === b.runId;
}

export function describeRun(run: RunId): string {
  return `${run.repository} run ${run.runId} (attempt ${run.runAttempt})`;
}

function deployedEntry(value: unknown): DeployedEntry | undefined {
  if (!isObject(value)) return undefined;
  const run = runId(value.run);
  const { revision, sha, at } = value;
  if (run === undefined || typeof revision !== 'string' || typeof sha !== 'string' || typeof at !== 'string')
    return undefined;
  return { revision, run, sha, at };
}

const ACTIONS: readonly string[] = ['deploy', 'promote', 'canary', 'rollback'];

function isAction(value: unknown): value is ReleaseAction {
  return typeof value === 'string' && ACTIONS.includes(value);
}

function releaseEntry(value: unknown): ReleaseEntry | undefined {
  if (!isObject(value)) return undefined;
  const run = runId(value.run);
  const { action, revision, previous, at } = value;
  if (
    run === undefined ||
    !isAction(action) ||
    typeof revision !== 'string' ||
    typeof at !== 'string' ||
    (previous !== undefined && typeof previous !== 'string')
  )
    return undefined;
  return { action, revision, previous, run, at };
}

function runId(value: unknown): RunId | undefined {
  if (!isObject(value)) return undefined;
  const { repository, runId: id, runAttempt } = value;
  if (typeof repository !== 'string' || typeof id !== 'string' || typeof runAttempt !== 'string')
    return undefined;
  return { repository, runId: id, runAttempt };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
