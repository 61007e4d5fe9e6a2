import { createHash } from 'node:crypto';
import { isObject } from '../core/body.ts';
import { invalidArgument, unknownField } from '../core/google-error.ts';

export interface Condition {
  readonly expression: string;
  readonly title?: string;
  readonly description?: string;
  readonly location?: string;
}

export interface Binding {
  readonly role: string;
  readonly members: readonly string[];
  readonly condition?: Condition;
}

/** A policy as written by a caller, after shape validation (roles and members checked later). */
export interface PolicyInput {
  readonly version: number | undefined;
  readonly bindings: readonly Binding[];
  readonly auditConfigs: readonly unknown[] | undefined;
  /** Decoded etag bytes, when the caller sent one. */
  readonly etag: Buffer | undefined;
}

/** The JSON form Google returns. */
export interface PolicyJson {
  readonly version: number;
  readonly etag: string;
  readonly bindings?: readonly Binding[];
  readonly auditConfigs?: readonly unknown[];
}

/** Etag of a policy that was never written; the real services return it too. */
export const EMPTY_ETAG = Buffer.from('ACAB', 'base64');

/** Etags are bytes: base64 on the wire (the clients re-encode canonically), compared decoded. */
export function decodeEtag(value: string, at: string): Buffer {
  if (!/^[A-Za-z0-9+/_-]*={0,2}$/.test(value)) {
    throw invalidArgument(`Invalid value at '${at}' (TYPE_BYTES), Base64 decoding failed for "${value}"`);
  }
  return Buffer.from(value.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
}

/** A deterministic new etag: 0x07 and 7 bytes of a hash of the resource, revision and content. */
export function nextEtag(resource: string, revision: number, bindings: readonly Binding[]): Buffer {
  const digest = createHash('sha256')
    .update(`${resource}\n${revision}\n${JSON.stringify(bindings)}`)
    .digest();
  return Buffer.concat([Buffer.from([0x07]), digest.subarray(0, 7)]);
}

const POLICY_FIELDS = new Set(['version', 'bindings', 'auditConfigs', 'etag']);
const BINDING_FIELDS = new Set(['role', 'members', 'condition']);
const CONDITION_FIELDS = new Set(['expression', 'title', 'description', 'location']);

/** Checks the JSON shape of a `Policy` the way the API front end does (field names and types). */
export function parsePolicy(raw: unknown, at = 'policy'): PolicyInput {
  if (!isObject(raw)) throw invalidArgument(`Invalid value at '${at}': expected an object.`);
  rejectUnknown(raw, POLICY_FIELDS, at);
  const version = raw.version;
  if (version !== undefined && (typeof version !== 'number' || !Number.isInteger(version))) {
    throw invalidArgument(`Invalid value at '${at}.version' (TYPE_INT32), ${JSON.stringify(version)}`);
  }
  const bindingsRaw = raw.bindings ?? [];
  if (!Array.isArray(bindingsRaw))
    throw invalidArgument(`Invalid value at '${at}.bindings': expected a list.`);
  const bindings = bindingsRaw.map((binding, index) => parseBinding(binding, `${at}.bindings[${index}]`));
  const auditConfigs = raw.auditConfigs;
  if (auditConfigs !== undefined && !Array.isArray(auditConfigs)) {
    throw invalidArgument(`Invalid value at '${at}.audit_configs': expected a list.`);
  }
  const etag = raw.etag;
  if (etag !== undefined && typeof etag !== 'string') {
    throw invalidArgument(`Invalid value at '${at}.etag' (TYPE_BYTES), ${JSON.stringify(etag)}`);
  }
  return {
    version,
    bindings,
    auditConfigs,
    etag: etag === undefined || etag === '' ? undefined : decodeEtag(etag, `${at}.etag`),
  };
}

function parseBinding(raw: unknown, at: string): Binding {
  if (!isObject(raw)) throw invalidArgument(`Invalid value at '${at}': expected an object.`);
  rejectUnknown(raw, BINDING_FIELDS, at);
  const { role, members, condition } = raw;
  if (typeof role !== 'string')
    throw invalidArgument(`Invalid value at '${at}.role' (TYPE_STRING), ${JSON.stringify(role)}`);
  if (members !== undefined && (!Array.isArray(members) || !members.every((m) => typeof m === 'string'))) {
    throw invalidArgument(`Invalid value at '${at}.members' (TYPE_STRING): expected a list of strings.`);
  }
  const list: readonly string[] = members ?? [];
  if (condition === undefined || condition === null) return { role, members: list };
  if (!isObject(condition)) throw invalidArgument(`Invalid value at '${at}.condition': expected an object.`);
  rejectUnknown(condition, CONDITION_FIELDS, `${at}.condition`);
  const parsed: Record<string, string> = {};
  for (const key of CONDITION_FIELDS) {
    const value = condition[key];
    if (value === undefined) continue;
    if (typeof value !== 'string') {
      throw invalidArgument(
        `Invalid value at '${at}.condition.${key}' (TYPE_STRING), ${JSON.stringify(value)}`,
      );
    }
    parsed[key] = value;
  }
  return {
    role,
    members: list,
    condition: { expression: parsed.expression ?? '', ...omitExpression(parsed) },
  };
}

function omitExpression(fields: Record<string, string>): Omit<Condition, 'expression'> {
  const { expression: _ignored, ...rest } = fields;
  return rest;
}

function rejectUnknown(object: Record<string, unknown>, known: ReadonlySet<string>, at: string): void {
  for (const key of Object.keys(object)) if (!known.has(key)) throw unknownField(key, at);
}

/**
 * Canonical order (as the real services answer): bindings by role, unconditional first, then by
 * condition; members sorted and de-duplicated; bindings left without members dropped.
 */
export function normalizeBindings(bindings: readonly Binding[]): Binding[] {
  const merged = new Map<string, Binding>();
  for (const binding of bindings) {
    const key = `${binding.role}\n${binding.condition === undefined ? '' : JSON.stringify(binding.condition)}`;
    const existing = merged.get(key);
    const members = new Set([...(existing?.members ?? []), ...binding.members]);
    merged.set(key, { ...binding, members: [...members] });
  }
  return [...merged.values()]
    .filter((binding) => binding.members.length > 0)
    .map((binding) => ({ ...binding, members: [...binding.members].sort() }))
    .sort((a, b) => {
      if (a.role !== b.role) return a.role < b.role ? -1 : 1;
      const ca = a.condition === undefined ? '' : JSON.stringify(a.condition);
      const cb = b.condition === undefined ? '' : JSON.stringify(b.condition);
      return ca < cb ? -1 : ca > cb ? 1 : 0;
    });
}

/**
 * What a caller asking for policy version < 3 sees of a conditional binding: the role renamed
 * `ROLE_withcond_HASH` and the condition left out (documented IAM behaviour).
 */
export function downgradeBinding(binding: Binding): Binding {
  if (binding.condition === undefined) return binding;
  const hash = createHash('sha256').update(JSON.stringify(binding.condition)).digest('hex').slice(0, 20);
  return { role: `${binding.role}_withcond_${hash}`, members: binding.members };
}
