/**
 * The part of a Service a client sends: what it read, without the fields the server owns and
 * without proto3 defaults. Its own module so the traffic writer can use it without the deploy's
 * planning code (each lazily loaded chunk of the bundle carries its own copy of what it imports).
 */
import { withoutDefaults } from './proto-plain.ts';
import type { RunService } from './types.ts';

/** Fields the server owns; sending them back is pointless at best. `etag` is added for updates. */
const OUTPUT_ONLY = new Set([
  'uid',
  'generation',
  'createTime',
  'updateTime',
  'deleteTime',
  'expireTime',
  'creator',
  'lastModifier',
  'observedGeneration',
  'terminalCondition',
  'conditions',
  'latestReadyRevision',
  'latestCreatedRevision',
  'trafficStatuses',
  'uri',
  'urls',
  'satisfiesPzs',
  'reconciling',
  'etag',
]);

/** The current service without output-only fields and proto3 defaults. */
export function inputFields(current: RunService): RunService {
  const plain = withoutDefaults(current);
  if (typeof plain !== 'object' || plain === null) return {};
  return Object.fromEntries(Object.entries(plain).filter(([key]) => !OUTPUT_ONLY.has(key)));
}
