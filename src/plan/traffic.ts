/**
 * Traffic splits of a Cloud Run service as plain values, and the pure moves of a release: a
 * preview deploy that takes no traffic, a promotion, a canary step, a rollback. Revisions are
 * short names (`hello-00002-abc`), as `traffic[].revision` carries them.
 */

import type { protos } from '@google-cloud/run';
import { ActionError } from '../errors.ts';
import { enumName, TRAFFIC_TYPE } from './enums.ts';
import { shortName } from './resource-names.ts';
import type { FieldChange, RunService } from './types.ts';

type RunTrafficTarget = protos.google.cloud.run.v2.ITrafficTarget;

const LATEST_TYPE = 'TRAFFIC_TARGET_ALLOCATION_TYPE_LATEST';
const REVISION_TYPE = 'TRAFFIC_TARGET_ALLOCATION_TYPE_REVISION';

/** One share of requests: to whatever revision is latest ready, or to a named revision. */
export type TrafficTarget =
  | { readonly kind: 'latest'; readonly percent: number; readonly tag?: string }
  | { readonly kind: 'revision'; readonly revision: string; readonly percent: number; readonly tag?: string };

export type Traffic = readonly TrafficTarget[];

/** Where to move all traffic: the revision behind a tag, or a named revision. */
export type PromoteTo = { readonly tag: string } | { readonly revision: string };

/** What to do when a no-traffic deploy meets a service that has no serving revision yet. */
export type FirstDeployChoice = 'serve' | 'fail';

/**
 * The model of `traffic[]` (or `trafficStatuses[]`) in any form the client returns: enum names or
 * numbers, proto3 defaults, full or short revision names. An empty list is Cloud Run's default,
 * 100% to the latest revision.
 */
export function normalizeTraffic(raw: readonly RunTrafficTarget[] | null | undefined): TrafficTarget[] {
  const list = raw ?? [];
  if (list.length === 0) return [{ kind: 'latest', percent: 100 }];
  return list.map((entry): TrafficTarget => {
    const type = enumName(TRAFFIC_TYPE, entry.type);
    const revision = entry.revision ? shortName(entry.revision) : undefined;
    const percent = entry.percent ?? 0;
    const tag = entry.tag ? { tag: entry.tag } : {};
    if (type === REVISION_TYPE || (type === undefined && revision !== undefined)) {
      if (revision === undefined) {
        throw new ActionError('a traffic target of type REVISION names no revision', {
          remedy: 'Fix the traffic of the service (gcloud run services update-traffic), then re-run.',
        });
      }
      return { kind: 'revision', revision, percent, ...tag };
    }
    return { kind: 'latest', percent, ...tag };
  });
}

/** The client form, enum names (accepted in requests like numbers). */
export function toRunTraffic(traffic: Traffic): RunTrafficTarget[] {
  return traffic.map((target) => ({
    type: target.kind === 'latest' ? LATEST_TYPE : REVISION_TYPE,
    ...(target.kind === 'revision' ? { revision: target.revision } : {}),
    percent: target.percent,
    ...(target.tag === undefined ? {} : { tag: target.tag }),
  }));
}

/**
 * One form per split, so equal splits compare equal: untagged shares of the same destination
 * summed into the first one's place, untagged 0% targets dropped (they do nothing), tagged
 * targets kept in order.
 */
export function canonicalTraffic(traffic: Traffic): TrafficTarget[] {
  const result: TrafficTarget[] = [];
  for (const target of traffic) {
    if (target.tag !== undefined) {
      result.push(target);
      continue;
    }
    const index = result.findIndex((seen) => seen.tag === undefined && sameDestination(seen, target));
    const existing = result[index];
    if (existing === undefined) result.push(target);
    else result[index] = { ...existing, percent: existing.percent + target.percent };
  }
  return result.filter((target) => target.tag !== undefined || target.percent > 0);
}

/** Whether two splits send the same shares to the same places with the same tags. */
export function sameTraffic(a: Traffic, b: Traffic): boolean {
  const key = (traffic: Traffic): string =>
    canonicalTraffic(traffic)
      .map((target) => `${destination(target)}|${target.percent}|${target.tag ?? ''}`)
      .sort()
      .join('\n');
  return key(a) === key(b);
}

/**
 * The same split with every share of LATEST given to `latestReady` by name, so a later deploy
 * does not move it. A tag on LATEST stays on LATEST (at 0%): it keeps following new revisions.
 */
export function pinLatest(traffic: Traffic, latestReady: string): TrafficTarget[] {
  const pinned = traffic.flatMap((target): TrafficTarget[] => {
    if (target.kind !== 'latest') return [target];
    const share: TrafficTarget[] =
      target.percent > 0 ? [{ kind: 'revision', revision: latestReady, percent: target.percent }] : [];
    return target.tag === undefined ? share : [...share, { kind: 'latest', percent: 0, tag: target.tag }];
  });
  return canonicalTraffic(pinned);
}

/** The concrete revision each target serves; LATEST resolves to `latestReady`. */
function revisionOf(target: TrafficTarget, latestReady: string | undefined): string | undefined {
  return target.kind === 'revision' ? target.revision : latestReady;
}

/** The revision with the largest share (the first on a tie); `undefined` when nothing serves. */
export function dominantRevision(traffic: Traffic, latestReady: string | undefined): string | undefined {
  const shares = new Map<string, number>();
  for (const target of traffic) {
    const revision = revisionOf(target, latestReady);
    if (revision !== undefined) shares.set(revision, (shares.get(revision) ?? 0) + target.percent);
  }
  let best: string | undefined;
  let bestShare = 0;
  for (const [revision, share] of shares) {
    if (share > bestShare) {
      best = revision;
      bestShare = share;
    }
  }
  return best;
}

const TAG = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;

/** Cloud Run's rule: `TAG---SERVICE` must be a valid DNS label (63 characters at most). */
export function checkTag(tag: string, serviceId: string): void {
  if (!TAG.test(tag) || tag.length + 3 + serviceId.length > 63) {
    throw new ActionError(`traffic tag '${tag}' is not valid for service '${serviceId}'`, {
      remedy: `Use lowercase letters, digits and hyphens, starting with a letter and not ending with a hyphen, at most ${Math.max(1, 60 - serviceId.length)} characters (the tag URL is '${tag}---${serviceId}-…').`,
      place: { kind: 'input', name: 'tag' },
    });
  }
}

/**
 * The traffic of a deploy whose new revision takes no traffic (a preview): the current split
 * kept exactly, LATEST pinned to the revision serving now, and `tag` moved onto the new revision.
 * A service with no serving revision (first deploy) cannot keep its traffic elsewhere: then the
 * new revision serves 100% when the user chose `serve`, and it is an error otherwise.
 */
export function noTrafficDeploy(
  current: RunService | undefined,
  serviceId: string,
  newRevision: string,
  tag: string,
  firstDeploy: FirstDeployChoice,
): TrafficTarget[] {
  checkTag(tag, serviceId);
  const tagged: TrafficTarget = { kind: 'revision', revision: newRevision, percent: 0, tag };
  const latestReady = current?.latestReadyRevision ? shortName(current.latestReadyRevision) : undefined;
  if (current === undefined || latestReady === undefined) {
    if (firstDeploy === 'fail') {
      throw new ActionError(
        `service '${serviceId}' has no serving revision yet, so revision ${newRevision} cannot be deployed without traffic`,
        {
          remedy:
            'Deploy the service once with traffic (traffic: all), or set first_deploy: serve to let the first revision serve 100% of the traffic.',
          place: { kind: 'input', name: 'traffic' },
        },
      );
    }
    return [{ kind: 'latest', percent: 100 }, tagged];
  }
  const kept = pinLatest(normalizeTraffic(current.traffic), latestReady).map((target) =>
    target.tag === tag ? withoutTag(target) : target,
  );
  return [...canonicalTraffic(kept), tagged];
}

function withoutTag(target: TrafficTarget): TrafficTarget {
  const { tag: _tag, ...rest } = target;
  return rest;
}

/**
 * 100% to the revision behind a tag, or to a named revision; every tag stays where it is. The
 * share goes to the tag's own target, or to an untagged target of the revision (added when
 * there is none), so promoting twice gives the same split.
 */
export function promote(current: Traffic, to: PromoteTo): TrafficTarget[] {
  const traffic = canonicalTraffic(current);
  let index: number;
  let added: TrafficTarget | undefined;
  if ('tag' in to) {
    index = traffic.findIndex((target) => target.tag === to.tag);
    if (index === -1) {
      const tags = traffic.flatMap((target) => (target.tag === undefined ? [] : [target.tag]));
      throw new ActionError(`no traffic target has the tag '${to.tag}'`, {
        remedy: `Promote one of the tags the service has (${tags.length === 0 ? 'none' : tags.join(', ')}), or a revision by name.`,
        place: { kind: 'input', name: 'promote_to' },
      });
    }
  } else {
    const ofRevision = (target: TrafficTarget): boolean =>
      target.kind === 'revision' && target.revision === to.revision;
    index = traffic.findIndex((target) => ofRevision(target) && target.tag === undefined);
    if (index === -1) index = traffic.findIndex(ofRevision);
    if (index === -1) {
      index = traffic.length;
      added = { kind: 'revision', revision: to.revision, percent: 100 };
    }
  }
  const moved = traffic.map((target, i) => ({ ...target, percent: i === index ? 100 : 0 }));
  return canonicalTraffic(added === undefined ? moved : [...moved, added]);
}

/** Checks canary percentages: whole numbers in 1..100, strictly increasing, ending at 100. */
export function canarySteps(steps: readonly number[]): number[] {
  const fail = (why: string): never => {
    throw new ActionError(`canary_steps ${JSON.stringify(steps)} ${why}`, {
      remedy: 'List increasing whole percentages ending at 100, e.g. "5, 25, 100".',
      place: { kind: 'input', name: 'canary_steps' },
    });
  };
  if (steps.length === 0) fail('is empty');
  steps.forEach((step, i) => {
    if (!Number.isInteger(step) || step < 1 || step > 100) fail(`has ${step}, not a whole number in 1..100`);
    const previous = steps[i - 1];
    if (previous !== undefined && step <= previous) fail(`is not increasing at ${step}`);
  });
  if (steps[steps.length - 1] !== 100) fail('does not end at 100');
  return [...steps];
}

/**
 * The split of one canary step: `percent` to `newRevision` (on its tagged target when it has
 * one), the rest shared over the targets that had traffic in `before`, proportionally, in whole
 * percents (largest remainder; ties go to the earlier target). Tags and 0% targets stay.
 * `before` must not route anything through LATEST (pin it first), or the share would follow
 * the new revision.
 */
export function canarySplit(before: Traffic, newRevision: string, percent: number): TrafficTarget[] {
  const traffic = canonicalTraffic(before);
  const isNew = (target: TrafficTarget): boolean =>
    target.kind === 'revision' && target.revision === newRevision;
  if (traffic.some((target) => target.kind === 'latest' && target.percent > 0)) {
    throw new ActionError('the traffic before the canary still routes through LATEST', {
      remedy:
        'Pin LATEST to the serving revision (deploy the canary with traffic: none) before the first step.',
    });
  }
  const base = traffic.map((target) => (isNew(target) ? 0 : target.percent));
  const total = base.reduce((sum, share) => sum + share, 0);
  const rest = total === 0 ? 0 : 100 - percent;
  const exact = base.map((share) => (total === 0 ? 0 : (share * rest) / total));
  const shares = exact.map(Math.floor);
  let left = rest - shares.reduce((sum, share) => sum + share, 0);
  const byRemainder = exact
    .map((value, i) => ({ i, remainder: value - Math.floor(value) }))
    .sort((a, b) => b.remainder - a.remainder || a.i - b.i);
  for (const { i } of byRemainder) {
    if (left <= 0) break;
    shares[i] = (shares[i] ?? 0) + 1;
    left--;
  }
  const canaryShare = 100 - rest;
  let target = traffic.findIndex((t) => isNew(t) && t.tag !== undefined);
  if (target === -1) target = traffic.findIndex(isNew);
  const split = traffic.map((t, i) => ({
    ...t,
    percent: i === target ? canaryShare : isNew(t) ? 0 : (shares[i] ?? 0),
  }));
  if (target === -1) split.push({ kind: 'revision', revision: newRevision, percent: canaryShare });
  return canonicalTraffic(split);
}

/** The split of every canary step, the steps checked first. */
export function canaryPlan(
  before: Traffic,
  newRevision: string,
  steps: readonly number[],
): TrafficTarget[][] {
  return canarySteps(steps).map((percent) => canarySplit(before, newRevision, percent));
}

/** Where a rollback goes: a named revision, or the one that served before the last release. */
export type RollbackTo = { readonly revision: string } | { readonly previous: string | undefined };

/** 100% back to a revision, tags kept (a promotion by revision name). */
export function rollback(current: Traffic, to: RollbackTo): TrafficTarget[] {
  if ('revision' in to) return promote(current, { revision: to.revision });
  if (to.previous === undefined) {
    throw new ActionError('the service carries no record of a revision that served before the last release', {
      remedy: 'Name the revision to return to with rollback_to: REVISION.',
      place: { kind: 'input', name: 'rollback_to' },
    });
  }
  return promote(current, { revision: to.previous });
}

/**
 * Plan rows for a traffic change: one per destination whose share changes (`traffic.REVISION`
 * or `traffic.LATEST`, shown as `25%`) and one per tag that appears, moves or goes
 * (`traffic.tag.NAME`, shown as its destination).
 */
export function trafficChanges(before: Traffic, after: Traffic): FieldChange[] {
  const shares = (traffic: Traffic): Map<string, number> => {
    const map = new Map<string, number>();
    for (const target of traffic) {
      map.set(destination(target), (map.get(destination(target)) ?? 0) + target.percent);
    }
    return map;
  };
  const tags = (traffic: Traffic): Map<string, string> =>
    new Map(
      traffic.flatMap((target) => (target.tag === undefined ? [] : [[target.tag, destination(target)]])),
    );
  const rows: FieldChange[] = [];
  const [a, b] = [shares(before), shares(after)];
  for (const key of [...new Set([...a.keys(), ...b.keys()])].sort()) {
    const [x, y] = [a.get(key) ?? 0, b.get(key) ?? 0];
    if (x !== y) rows.push({ path: `traffic.${key}`, before: `${x}%`, after: `${y}%` });
  }
  const [s, t] = [tags(before), tags(after)];
  for (const tag of [...new Set([...s.keys(), ...t.keys()])].sort()) {
    if (s.get(tag) !== t.get(tag))
      rows.push({ path: `traffic.tag.${tag}`, before: s.get(tag), after: t.get(tag) });
  }
  return rows;
}

/** E.g. `95% hello-00001-abc, 5% hello-00002-def (tag canary)`, for logs and plan rows. */
export function describeTraffic(traffic: Traffic): string {
  return canonicalTraffic(traffic)
    .map(
      (target) =>
        `${target.percent}% ${destination(target)}${target.tag === undefined ? '' : ` (tag ${target.tag})`}`,
    )
    .join(', ');
}

/** The split in effect, as the service's traffic statuses report it (empty when none). */
export function describeServing(service: RunService): string {
  const statuses = service.trafficStatuses ?? [];
  return statuses.length === 0 ? '' : describeTraffic(normalizeTraffic(statuses));
}

function destination(target: TrafficTarget): string {
  return target.kind === 'latest' ? 'LATEST' : target.revision;
}

function sameDestination(a: TrafficTarget, b: TrafficTarget): boolean {
  return destination(a) === destination(b);
}
