import type { JsonObject } from '../../validate/canonical.ts';
import type { ServiceName } from './names.ts';
import type { ServedTarget, TrafficTarget } from './traffic.ts';

/** The stored state of Cloud Run resources, shared by the model and its renderers. */

export const SERVICE_TYPE = 'type.googleapis.com/google.cloud.run.v2.Service';

export type ConditionState = 'CONDITION_RECONCILING' | 'CONDITION_SUCCEEDED' | 'CONDITION_FAILED';

export interface StoredRevision {
  readonly name: string;
  readonly serviceKey: string;
  readonly uid: string;
  /** The effective template, with `revision` set to this revision's name. */
  readonly template: JsonObject;
  readonly configKey: string;
  readonly createTime: number;
  state: 'pending' | 'ready' | 'failed';
  failure: string | undefined;
  updateTime: number;
}

export interface StoredService {
  readonly name: ServiceName;
  readonly uid: string;
  readonly createTime: number;
  readonly creator: string;
  /** Canonical input fields (no outputs, no name, no etag); the template with server defaults. */
  spec: JsonObject;
  traffic: TrafficTarget[];
  generation: number;
  observedGeneration: number;
  updateTime: number;
  lastModifier: string;
  etag: string;
  latestCreated: string | undefined;
  latestReady: string | undefined;
  /** The traffic in effect (after the last successful rollout): spec targets and concrete split. */
  trafficInEffect: TrafficTarget[];
  served: ServedTarget[];
  status: { state: ConditionState; message: string | undefined; time: number };
}

export interface StoredOperation {
  readonly name: string;
  readonly createTime: number;
  readonly doneAt: number;
  metadata: JsonObject;
  result:
    | { readonly response: JsonObject }
    | { readonly error: { code: number; message: string } }
    | undefined;
}

export function asObject(value: unknown): JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as JsonObject) : {};
}

export function timestamp(ms: number): string {
  return new Date(ms).toISOString();
}
