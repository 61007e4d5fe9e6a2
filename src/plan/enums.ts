/**
 * Cloud Run enums arrive as names from `getService` and as numbers from operation results (see
 * notes): everything here compares names. Numbers come from the library's own protos, never from
 * list positions.
 */
import { protos } from '@google-cloud/run';
import type { Ingress } from '../settings/types.ts';

const v2 = protos.google.cloud.run.v2;

export const INGRESS = v2.IngressTraffic;
export const TRAFFIC_TYPE = v2.TrafficTargetAllocationType;
export const CONDITION_STATE = v2.Condition.State;

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
  const seen = new Set<unknown>();
  const visit = (node: unknown): void => {
    if ((typeof node !== 'object' && typeof node !== 'function') || node === null || seen.has(node)) return;
    seen.add(node);
    const entries = Object.entries(node);
    if (
      typeof node === 'object' &&
      entries.length > 0 &&
      entries.every(([, value]) => typeof value === 'number')
    ) {
      for (const [name, value] of entries) if (value === 0) names.add(name);
      return;
    }
    for (const [key, value] of entries) if (/^[A-Z]/.test(key)) visit(value);
  };
  visit(v2);
  visit(protos.google.api.LaunchStage);
  return names;
})();

/** Whether a string is the name of an enum's zero value (`LAUNCH_STAGE_UNSPECIFIED`, ...). */
export function isZeroEnumName(value: string): boolean {
  return ZERO_NAMES.has(value);
}
