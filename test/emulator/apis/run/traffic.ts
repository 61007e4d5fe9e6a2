import { invalidArgument } from '../../core/google-error.ts';
import type { JsonObject } from '../../validate/canonical.ts';

export const LATEST = 'TRAFFIC_TARGET_ALLOCATION_TYPE_LATEST';
export const REVISION = 'TRAFFIC_TARGET_ALLOCATION_TYPE_REVISION';

/** One traffic target of a service's spec, canonical. */
export interface TrafficTarget {
  readonly type: typeof LATEST | typeof REVISION;
  /** Short revision name; only for REVISION targets. */
  readonly revision?: string;
  readonly percent: number;
  readonly tag?: string;
}

/** Where a share of requests actually goes: a concrete revision. */
export interface ServedTarget {
  readonly revision: string;
  readonly percent: number;
  readonly tag?: string;
}

const TAG = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;

/**
 * Reads and checks `traffic[]` of a canonical service: types set and consistent, percents in
 * 0..100 summing to 100, tags well-formed and unique. Empty means 100% to the latest revision.
 */
export function parseTraffic(raw: unknown, serviceId: string): TrafficTarget[] {
  const list = Array.isArray(raw) ? (raw as JsonObject[]) : [];
  if (list.length === 0) return [{ type: LATEST, percent: 100 }];
  const tags = new Set<string>();
  let total = 0;
  const targets = list.map((entry, i): TrafficTarget => {
    const at = `service.traffic[${i}]`;
    const revision = typeof entry.revision === 'string' && entry.revision !== '' ? entry.revision : undefined;
    const declared = entry.type;
    const type = declared === LATEST || declared === REVISION ? declared : undefined;
    if (type === undefined) {
      throw invalidArgument(
        `${at}.type must be TRAFFIC_TARGET_ALLOCATION_TYPE_LATEST or TRAFFIC_TARGET_ALLOCATION_TYPE_REVISION.`,
      );
    }
    if (type === LATEST && revision !== undefined) {
      throw invalidArgument(
        `${at}: a target of type TRAFFIC_TARGET_ALLOCATION_TYPE_LATEST must not name a revision ('${revision}').`,
      );
    }
    if (type === REVISION && revision === undefined) {
      throw invalidArgument(
        `${at}: a target of type TRAFFIC_TARGET_ALLOCATION_TYPE_REVISION must name a revision.`,
      );
    }
    const percent = typeof entry.percent === 'number' ? entry.percent : 0;
    if (percent < 0 || percent > 100)
      throw invalidArgument(`${at}.percent must be between 0 and 100, got ${percent}.`);
    total += percent;
    const tag = typeof entry.tag === 'string' && entry.tag !== '' ? entry.tag : undefined;
    if (tag !== undefined) {
      if (!TAG.test(tag) || tag.length + serviceId.length + 2 > 63) {
        throw invalidArgument(
          `${at}.tag '${tag}' is invalid: use lowercase letters, digits and hyphens, starting with a letter, and keep '${tag}---${serviceId}' within 63 characters.`,
        );
      }
      if (tags.has(tag))
        throw invalidArgument(
          `${at}.tag '${tag}' is used by more than one traffic target; tags must be unique.`,
        );
      tags.add(tag);
    }
    return {
      type,
      ...(revision === undefined ? {} : { revision }),
      percent,
      ...(tag === undefined ? {} : { tag }),
    };
  });
  if (total !== 100)
    throw invalidArgument(`Traffic percentages must add up to 100, but they add up to ${total}.`);
  return targets;
}

/**
 * The first REVISION target that names no revision of this service (neither existing nor created
 * by this request). Cloud Run accepts such a request and fails its operation (code 13).
 */
export function missingTrafficRevision(
  targets: readonly TrafficTarget[],
  known: (revision: string) => boolean,
  serviceId: string,
): string | undefined {
  return targets.find(
    (target) =>
      target.revision !== undefined &&
      (!target.revision.startsWith(`${serviceId}-`) || !known(target.revision)),
  )?.revision;
}

/** The concrete split, with LATEST bound to the given ready revision. */
export function resolveTraffic(targets: readonly TrafficTarget[], latestReady: string): ServedTarget[] {
  return targets.map((target) => ({
    revision: target.revision ?? latestReady,
    percent: target.percent,
    ...(target.tag === undefined ? {} : { tag: target.tag }),
  }));
}
