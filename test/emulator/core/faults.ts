import { isObject } from './body.ts';
import { ALL_APIS, type ApiName } from './types.ts';

/** What to do instead of (or before) answering a matching request. */
export type FaultKind =
  | { readonly type: 'latency'; readonly ms: number }
  | { readonly type: 'error'; readonly status: 429 | 500 | 503; readonly retryAfterSeconds?: number }
  | { readonly type: 'reset' }
  | { readonly type: 'timeout' };

export interface FaultSpec {
  /** Listener to match; all listeners except control when omitted. */
  readonly api?: ApiName;
  /** HTTP method to match; any when omitted. */
  readonly method?: string;
  /** RegExp source matched against the raw path (e.g. `:generateAccessToken$`); any when omitted. */
  readonly path?: string;
  readonly fault: FaultKind;
  /** Fire this many times, then let requests through; persistent when omitted. */
  readonly times?: number;
}

export interface ActiveFault extends FaultSpec {
  readonly id: number;
  /** How many times it has fired. */
  fired: number;
}

/** The fault table consulted by every listener before routing. */
export class Faults {
  readonly #faults: ActiveFault[] = [];
  #nextId = 1;

  add(spec: FaultSpec): number {
    validateFault(spec);
    const id = this.#nextId++;
    this.#faults.push({ ...spec, id, fired: 0 });
    return id;
  }

  remove(id: number): boolean {
    const index = this.#faults.findIndex((fault) => fault.id === id);
    if (index < 0) return false;
    this.#faults.splice(index, 1);
    return true;
  }

  clear(): void {
    this.#faults.length = 0;
  }

  list(): readonly ActiveFault[] {
    return this.#faults.map((fault) => ({ ...fault }));
  }

  /** The first live fault matching the request, counted as fired; exhausted ones are skipped. */
  take(api: ApiName, method: string, path: string): FaultKind | undefined {
    for (const fault of this.#faults) {
      if (fault.api === undefined ? api === 'control' : fault.api !== api) continue;
      if (fault.method !== undefined && fault.method.toUpperCase() !== method) continue;
      if (fault.path !== undefined && !new RegExp(fault.path).test(path)) continue;
      if (fault.times !== undefined && fault.fired >= fault.times) continue;
      fault.fired += 1;
      return fault.fault;
    }
    return undefined;
  }
}

function validateFault(spec: FaultSpec): void {
  const kind = spec.fault;
  if (kind.type === 'latency' && (!Number.isFinite(kind.ms) || kind.ms < 0)) {
    throw new Error(`Fault latency must be a non-negative number of ms, got ${String(kind.ms)}.`);
  }
  if (kind.type === 'error' && ![429, 500, 503].includes(kind.status)) {
    throw new Error(`Fault error status must be 429, 500 or 503, got ${String(kind.status)}.`);
  }
  if (spec.times !== undefined && (!Number.isInteger(spec.times) || spec.times < 1)) {
    throw new Error(`Fault 'times' must be a positive integer, got ${String(spec.times)}.`);
  }
  if (spec.path !== undefined) new RegExp(spec.path);
}

/** A fault from JSON (the control API), checked field by field. */
export function parseFaultSpec(raw: unknown): FaultSpec {
  if (!isObject(raw) || !isObject(raw.fault))
    throw new Error('A fault needs a "fault" object, e.g. {"fault": {"type": "reset"}}.');
  for (const key of Object.keys(raw)) {
    if (!['api', 'method', 'path', 'fault', 'times'].includes(key))
      throw new Error(`Unknown fault field '${key}'.`);
  }
  const { api, method, path, times } = raw;
  if (api !== undefined && !ALL_APIS.includes(api as ApiName))
    throw new Error(`Unknown api '${String(api)}'; use one of ${ALL_APIS.join(', ')}.`);
  if (method !== undefined && typeof method !== 'string') throw new Error('Fault "method" must be a string.');
  if (path !== undefined && typeof path !== 'string')
    throw new Error('Fault "path" must be a RegExp source string.');
  if (times !== undefined && typeof times !== 'number') throw new Error('Fault "times" must be a number.');
  const spec = raw.fault;
  let fault: FaultKind;
  switch (spec.type) {
    case 'latency':
      fault = { type: 'latency', ms: Number(spec.ms) };
      break;
    case 'error': {
      const status = spec.status;
      if (status !== 429 && status !== 500 && status !== 503)
        throw new Error(`Fault error status must be 429, 500 or 503, got ${String(status)}.`);
      const retryAfter = spec.retryAfterSeconds;
      if (retryAfter !== undefined && typeof retryAfter !== 'number')
        throw new Error('retryAfterSeconds must be a number.');
      fault = {
        type: 'error',
        status,
        ...(retryAfter === undefined ? {} : { retryAfterSeconds: retryAfter }),
      };
      break;
    }
    case 'reset':
    case 'timeout':
      fault = { type: spec.type };
      break;
    default:
      throw new Error(`Unknown fault type '${String(spec.type)}'; use latency, error, reset or timeout.`);
  }
  return {
    fault,
    ...(api === undefined ? {} : { api: api as ApiName }),
    ...(method === undefined ? {} : { method }),
    ...(path === undefined ? {} : { path }),
    ...(times === undefined ? {} : { times }),
  };
}
