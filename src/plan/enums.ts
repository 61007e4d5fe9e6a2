/**
 * Cloud Run enums arrive as names from `getService` and as numbers from operation results (see
 * notes): everything here compares names. Numbers come from the library's own protos, never from
 * list positions: the JSON descriptor its clients load (not the 1.2 MB static protos module, which
 * would load with them).
 */
import runProtos from '@google-cloud/run/build/protos/protos.json' with { type: 'json' };
import type { Ingress } from '../settings/types.ts';

const v2 = runProtos.nested.google.nested.cloud.nested.run.nested.v2.nested;

export const INGRESS = v2.IngressTraffic.values;
export const TRAFFIC_TYPE = v2.TrafficTargetAllocationType.values;
export const CONDITION_STATE = v2.Condition.nested.State.values;

/** The enum name of `value` (a name or a number); `undefined` for unset or unspecified (0). */
export function enumName(table: object, value: string | number | null | undefined): string | undefined {
  if (value === null || value === undefined) return undefined;
  const entries: [string, unknown][] = Object.entries(table);
  const entry = entries.find(([name, number]) =>
    typeof value === 'number' ? number === value : name === value,
  );
  if (entry === undefined) return typeof value === 'string' ? value : undefined;
  return entry[1] === 0 ? undefined : entry[0];
}

const INGRESS_NAMES: Readonly<Record<Ingress, keyof typeof INGRESS>> = {
  all: 'INGRESS_TRAFFIC_ALL',
  internal: 'INGRESS_TRAFFIC_INTERNAL_ONLY',
  'internal-and-cloud-load-balancing': 'INGRESS_TRAFFIC_INTERNAL_LOAD_BALANCER',
  none: 'INGRESS_TRAFFIC_NONE',
};

export function ingressEnum(ingress: Ingress): keyof typeof INGRESS {
  return INGRESS_NAMES[ingress];
}

/** The policy-file spelling of an ingress enum value, or the enum name when it has none. */
export function ingressLabel(value: string | number | null | undefined): string | undefined {
  const name = enumName(INGRESS, value);
  if (name === undefined) return undefined;
  const entry = Object.entries(INGRESS_NAMES).find(([, enumValue]) => enumValue === name);
  return entry === undefined ? name : entry[0];
}

/** Names of every zero value of the Cloud Run enums (proto3 defaults that decode as names). */
const ZERO_NAMES: ReadonlySet<string> = (() => {
  const names = new Set<string>();
  // A descriptor node: an enum has `values`, a message or package has `nested`.
  const visit = (node: unknown): void => {
    if (typeof node !== 'object' || node === null) return;
    if ('values' in node && typeof node.values === 'object' && node.values !== null) {
      for (const [name, value] of Object.entries(node.values)) if (value === 0) names.add(name);
    }
    if ('nested' in node && typeof node.nested === 'object' && node.nested !== null) {
      for (const child of Object.values(node.nested)) visit(child);
    }
  };
  visit(runProtos.nested.google.nested.cloud.nested.run.nested.v2);
  visit(runProtos.nested.google.nested.api.nested.LaunchStage);
  return names;
})();

/** Whether a string is the name of an enum's zero value (`LAUNCH_STAGE_UNSPECIFIED`, ...). */
export function isZeroEnumName(value: string): boolean {
  return ZERO_NAMES.has(value);
}
