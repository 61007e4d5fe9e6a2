/**
 * The values of a release, as written in inputs and the policy: traffic tags, revision names,
 * `promote_to` / `rollback_to` targets, canary steps and the health gate. Pure: each parser returns
 * the value or what is wrong with it and how to write it instead.
 */
import type { Finding } from './identities.ts';
import { show } from './problems.ts';
import type { CanarySettings, FirstDeployChoice, TrafficChoice } from './types.ts';

export type Parsed<T> = { readonly ok: true; readonly value: T } | ({ readonly ok: false } & Finding);

export const TRAFFIC_CHOICES: readonly TrafficChoice[] = ['all', 'none'];
export const FIRST_DEPLOY_CHOICES: readonly FirstDeployChoice[] = ['fail', 'serve'];

/** What a canary uses for every field that neither the policy nor an input sets. */
export const DEFAULT_CANARY: Omit<CanarySettings, 'steps'> = Object.freeze({
  waitSeconds: 60,
  healthCheck: Object.freeze({ path: '/', requests: 10, successRatio: 1, timeoutSeconds: 5 }),
});
/** The tag of a canary revision when the `tag` input is empty. */
export const DEFAULT_CANARY_TAG = 'canary';

/** Cloud Run's traffic tag: a DNS label part (the tag URL is `TAG---SERVICE-…`). */
const TAG = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
/** `TAG---S` with the shortest service name must fit a 63-character label. */
const MAX_TAG = 63 - '---'.length - 1;
/** Revision names are DNS labels too. */
const REVISION = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
const MAX_REVISION = 63;
/** `projects/P/locations/L/services/S/revisions/NAME`; each part a plain lowercase word, shown in messages. */
const FULL_REVISION =
  /^projects\/([a-z0-9-]{1,63})\/locations\/([a-z0-9-]{1,63})\/services\/([a-z0-9-]{1,63})\/revisions\/([^/]*)$/;

const fail = (what: string, remedy: string): { ok: false; what: string; remedy: string } => ({
  ok: false,
  what,
  remedy,
});
const ok = <T>(value: T): { ok: true; value: T } => ({ ok: true, value });

const TAG_REMEDY =
  'Use lowercase letters, digits and hyphens, starting with a letter and not ending with a hyphen, e.g. pr-12 or canary.';

/** The shape of a traffic tag; its length with each service is checked once the service is known. */
export function checkTagShape(tag: string): Finding | undefined {
  if (TAG.test(tag) && tag.length <= MAX_TAG) return undefined;
  return { what: `${show(tag)} is not a valid traffic tag`, remedy: TAG_REMEDY };
}

/** A revision by name; a full resource name keeps its parts so they can be checked against the run. */
export interface RevisionRef {
  /** The short name (`hello-00003-abc`), as traffic targets carry it. */
  readonly name: string;
  /** Present when written as `projects/P/locations/L/services/S/revisions/NAME`. */
  readonly full:
    | { readonly project: string; readonly location: string; readonly service: string }
    | undefined;
}

export function parseRevision(text: string): Parsed<RevisionRef> {
  const full = FULL_REVISION.exec(text);
  const name = full === null ? text : (full[4] ?? '');
  if (!REVISION.test(name) || name.length > MAX_REVISION) {
    return fail(
      `${show(text)} is not a revision name`,
      'Write the revision name as Cloud Run shows it (SERVICE-…, lowercase letters, digits and hyphens, at most 63 characters), or its full name projects/PROJECT/locations/REGION/services/SERVICE/revisions/NAME.',
    );
  }
  if (full === null) return ok({ name, full: undefined });
  const [, project = '', location = '', service = ''] = full;
  return ok({ name, full: { project, location, service } });
}

/** What `promote_to` names, before it is checked against the service. */
export type PromoteInput =
  | { readonly tag: string }
  | { readonly revision: RevisionRef }
  | { readonly deployed: true };

const PROMOTE_REMEDY =
  'Write tag:NAME (the revision behind a traffic tag), revision:NAME (a revision by name) or deployed (the revision this workflow run deployed).';

export function parsePromoteTo(text: string): Parsed<PromoteInput> {
  if (text === 'deployed') return ok({ deployed: true });
  if (text.startsWith('tag:')) {
    const tag = text.slice('tag:'.length);
    const problem = checkTagShape(tag);
    return problem === undefined ? ok({ tag }) : fail(`${show(text)} names no valid traffic tag`, TAG_REMEDY);
  }
  if (text.startsWith('revision:')) {
    const revision = parseRevision(text.slice('revision:'.length));
    return revision.ok ? ok({ revision: revision.value }) : revision;
  }
  return fail(`${show(text)} is not tag:NAME, revision:NAME or deployed`, PROMOTE_REMEDY);
}

/** What `rollback_to` names, before it is checked against the service. */
export type RollbackInput = { readonly revision: RevisionRef } | { readonly previous: true };

export function parseRollbackTo(text: string): Parsed<RollbackInput> {
  if (text === 'previous') return ok({ previous: true });
  const revision = parseRevision(text);
  if (revision.ok) return ok({ revision: revision.value });
  return fail(
    `${show(text)} is neither previous nor a revision name`,
    `Write previous (the revision that served before the last release) or a revision name such as hello-00003-abc. ${revision.remedy}`,
  );
}

/** Why a list of canary percentages is not valid, and at which entry (for a located error). */
export interface StepsProblem {
  readonly why: string;
  /** The offending entry; `undefined` when the list as a whole is wrong. */
  readonly index: number | undefined;
}

export const STEPS_REMEDY = 'List increasing whole percentages ending at 100, e.g. 5, 25, 100.';

/** Whole numbers in 1..100, strictly increasing, ending at 100. */
export function stepsProblem(steps: readonly number[]): StepsProblem | undefined {
  for (const [index, step] of steps.entries()) {
    if (!Number.isInteger(step) || step < 1 || step > 100)
      return { why: `has ${step}, not a whole number from 1 to 100`, index };
    const previous = steps[index - 1];
    if (previous !== undefined && step <= previous)
      return { why: `is not increasing: ${step} follows ${previous}`, index };
  }
  if (steps[steps.length - 1] !== 100) {
    const last = steps.length === 0 ? undefined : steps.length - 1;
    return { why: 'does not end at 100 (the last step moves all traffic)', index: last };
  }
  return undefined;
}

/** `canary_steps`: comma-separated percentages, or `none` to switch a policy's canary off. */
export function parseStepsInput(text: string): Parsed<readonly number[] | 'none'> {
  if (text === 'none') return ok('none');
  const parts = text.split(',').map((part) => part.trim());
  if (parts.length > 100 || !parts.every((part) => /^[0-9]{1,3}$/.test(part))) {
    return fail(
      `${show(text)} is not a comma-separated list of whole percentages`,
      `${STEPS_REMEDY} Or none.`,
    );
  }
  const steps = parts.map(Number);
  const problem = stepsProblem(steps);
  return problem === undefined ? ok(steps) : fail(`${show(text)} ${problem.why}`, STEPS_REMEDY);
}

/** A path on the tag URL: starts with `/`, printable ASCII without spaces. */
export function checkHealthPath(path: string): Finding | undefined {
  if (/^\/[!-~]{0,1023}$/.test(path) && !path.includes('#')) return undefined;
  return {
    what: `${show(path)} is not a request path`,
    remedy: 'Write a path starting with / without spaces or #, e.g. /healthz (a query string is fine).',
  };
}

export function parseRequests(text: string): Parsed<number> {
  const value = /^[0-9]{1,3}$/.test(text) ? Number(text) : Number.NaN;
  return value >= 1 && value <= 100
    ? ok(value)
    : fail(
        `${show(text)} is not a whole number from 1 to 100`,
        'Write how many requests each gate sends, e.g. 10.',
      );
}

export function parseRatio(text: string): Parsed<number> {
  const value = /^[01](?:\.[0-9]{1,6})?$/.test(text) ? Number(text) : Number.NaN;
  return value >= 0 && value <= 1
    ? ok(value)
    : fail(
        `${show(text)} is not a ratio from 0 to 1`,
        'Write the share of requests that must answer 2xx as a decimal, e.g. 0.9 (90%) or 1 (all).',
      );
}

/**
 * A canary of a private service calls the tag URL as the deployer, and managed invokers are the
 * complete list: without the deployer in it, every health check would answer 403.
 */
export function deployerNotInvoker(subject: string, deployer: string): Finding {
  const member = `serviceAccount:${deployer}`;
  return {
    what: `${subject} runs a canary on a private service, but its invokers do not list the deployer ${member}`,
    remedy: `Add ${member} to invokers: the health check calls the canary's tag URL as the deployer, and invokers are authoritative (members not listed are removed).`,
  };
}

/** Whether a private service's managed invokers lack the deployer a canary's health check runs as. */
export function lacksDeployerInvoker(
  isPublic: boolean,
  invokers: readonly unknown[] | undefined,
  deployer: string,
): boolean {
  return !isPublic && invokers !== undefined && !invokers.includes(`serviceAccount:${deployer}`);
}
