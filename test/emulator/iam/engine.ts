import { GoogleError, invalidArgument, permissionDenied } from '../core/google-error.ts';
import type { Clock, Identity, ProjectInfo } from '../core/types.ts';
import { conditionHolds, conditionSyntaxError } from './conditions.ts';
import { type MemberContext, memberMatches, memberProblem } from './members.ts';
import {
  type Binding,
  downgradeBinding,
  EMPTY_ETAG,
  nextEtag,
  normalizeBindings,
  type PolicyInput,
  type PolicyJson,
  parsePolicy,
} from './policy.ts';
import { describeResource, permissionApplies, type ResourceInfo } from './resources.ts';
import type { RoleCatalog } from './roles.ts';

export interface IamEngineOptions {
  readonly project: ProjectInfo;
  readonly roles: RoleCatalog;
  readonly clock: Clock;
  /** Group email (lower case) → members. */
  readonly groups: ReadonlyMap<string, readonly string[]>;
  /** Whether a service account exists; members naming a missing one in this project are rejected. */
  readonly serviceAccountExists: (email: string) => boolean;
}

interface StoredPolicy {
  readonly bindings: readonly Binding[];
  readonly auditConfigs: readonly unknown[] | undefined;
  readonly etag: Buffer;
  readonly revision: number;
}

/** A change applied to a policy's bindings (out of band or by a simulated concurrent writer). */
export type BindingsEdit = (bindings: readonly Binding[]) => readonly Binding[];

export const STALE_ETAG_MESSAGE =
  'There were concurrent policy changes. Please retry the whole read-modify-write with exponential backoff.';

/**
 * IAM for the emulated project: policies per resource (projects, service accounts, Cloud Run
 * services), inheritance from the project, role expansion, member matching and conditions.
 */
export class IamEngine {
  readonly #options: IamEngineOptions;
  readonly #policies = new Map<string, StoredPolicy>();
  readonly #afterRead = new Map<string, BindingsEdit[]>();

  constructor(options: IamEngineOptions) {
    this.#options = options;
  }

  get roles(): RoleCatalog {
    return this.#options.roles;
  }

  /** The resource's type and normalized name; throws for names the emulator does not model. */
  resource(name: string): ResourceInfo {
    const info = describeResource(name, this.#options.project);
    if (info === undefined) throw new Error(`IAM engine: unsupported resource name '${name}'.`);
    return info;
  }

  /**
   * The policy as `getIamPolicy` returns it. Conditional bindings are shown only when
   * `requestedVersion` is 3. Runs (then forgets) any concurrent-writer edit queued for the resource.
   */
  getPolicy(resource: string, requestedVersion = 1): PolicyJson {
    if (![0, 1, 3].includes(requestedVersion)) {
      throw invalidArgument(`Invalid requested policy version ${requestedVersion}; use 1 or 3.`);
    }
    const name = this.resource(resource).name;
    const answer = this.#render(name, requestedVersion);
    const edits = this.#afterRead.get(name);
    if (edits !== undefined) {
      this.#afterRead.delete(name);
      for (const edit of edits) this.editBindings(name, edit);
    }
    return answer;
  }

  /**
   * `setIamPolicy`: validates roles, members and conditions like IAM, compares the etag as bytes
   * (stale → 409 ABORTED) and stores the policy with a new etag.
   */
  setPolicy(resource: string, rawPolicy: unknown, updateMask?: string): PolicyJson {
    const info = this.resource(resource);
    const input = parsePolicy(rawPolicy);
    const current = this.#stored(info.name);
    if (input.etag !== undefined && !input.etag.equals(current.etag)) {
      throw new GoogleError('ABORTED', STALE_ETAG_MESSAGE);
    }
    this.#validate(info, input);
    const fields =
      updateMask === undefined || updateMask === '' ? ['bindings', 'etag'] : updateMask.split(',');
    for (const field of fields) {
      if (!['bindings', 'etag', 'auditConfigs', 'audit_configs', 'version'].includes(field.trim())) {
        throw invalidArgument(`Invalid update_mask path: ${field}`);
      }
    }
    const keepAudit = !fields.some((f) => f.trim() === 'auditConfigs' || f.trim() === 'audit_configs');
    this.#write(info.name, input.bindings, keepAudit ? current.auditConfigs : input.auditConfigs);
    return this.#render(info.name, 3);
  }

  /** The stored policy (version 3 view) without running concurrent-writer hooks. */
  peekPolicy(resource: string): PolicyJson {
    return this.#render(this.resource(resource).name, 3);
  }

  /** Out-of-band write: no etag check, no caller, but the same validation. */
  replacePolicy(resource: string, rawPolicy: unknown): PolicyJson {
    const info = this.resource(resource);
    const input = parsePolicy(rawPolicy);
    this.#validate(info, input);
    this.#write(info.name, input.bindings, input.auditConfigs);
    return this.#render(info.name, 3);
  }

  /** Out-of-band edit of the bindings (bumps the etag). */
  editBindings(resource: string, edit: BindingsEdit): PolicyJson {
    const info = this.resource(resource);
    const current = this.#stored(info.name);
    const bindings = edit(current.bindings);
    this.#validate(info, { version: 3, bindings, auditConfigs: undefined, etag: undefined });
    this.#write(info.name, bindings, current.auditConfigs);
    return this.#render(info.name, 3);
  }

  /**
   * Simulates a concurrent writer: right after the next `getPolicy` of `resource`, `edit` is
   * applied, so the reader's following write carries a stale etag.
   */
  afterNextRead(resource: string, edit: BindingsEdit): void {
    const name = this.resource(resource).name;
    this.#afterRead.set(name, [...(this.#afterRead.get(name) ?? []), edit]);
  }

  /** Whether the identity holds the permission on the resource (own or inherited grants). */
  check(identity: Identity, permission: string, resource: string): boolean {
    const info = this.resource(resource);
    const now = new Date(this.#options.clock.now());
    const context = this.#memberContext();
    for (let name: string | undefined = info.name; name !== undefined; name = this.resource(name).parent) {
      for (const binding of this.#stored(name).bindings) {
        if (!binding.members.some((member) => memberMatches(member, identity, context))) continue;
        if (!this.#options.roles.get(binding.role)?.includedPermissions.includes(permission)) continue;
        if (binding.condition !== undefined && !conditionHolds(binding.condition.expression, info, now))
          continue;
        return true;
      }
    }
    return false;
  }

  /** Throws 403 `IAM_PERMISSION_DENIED` (with the API's own wording) unless `check` passes. */
  authorize(identity: Identity, permission: string, resource: string, message?: string): void {
    if (this.check(identity, permission, resource)) return;
    throw permissionDenied(
      permission,
      message ?? `Permission '${permission}' denied on resource '${resource}' (or it may not exist).`,
    );
  }

  /**
   * `testIamPermissions`: the subset held, in request order. Wildcards, malformed or unknown
   * permissions, and permissions that do not apply to the resource type are 400, like IAM.
   */
  testPermissions(identity: Identity, resource: string, permissions: readonly string[]): string[] {
    const info = this.resource(resource);
    const known = this.#options.roles.knownPermissions();
    for (const permission of permissions) {
      if (permission.includes('*') || !/^[a-z][a-zA-Z0-9]*(\.[a-zA-Z0-9]+){2,}$/.test(permission)) {
        throw invalidArgument(`Permission ${permission} is not valid.`);
      }
      if (!known.has(permission) || !permissionApplies(permission, info)) {
        throw invalidArgument(`Permission ${permission} is not valid for this resource.`);
      }
    }
    return [...new Set(permissions)].filter((permission) => this.check(identity, permission, info.name));
  }

  /** Every stored policy by resource name, in name order, for snapshots. */
  snapshot(): Record<string, PolicyJson> {
    const names = [...this.#policies.keys()].sort();
    return Object.fromEntries(names.map((name) => [name, this.#render(name, 3)]));
  }

  #stored(name: string): StoredPolicy {
    return (
      this.#policies.get(name) ?? { bindings: [], auditConfigs: undefined, etag: EMPTY_ETAG, revision: 0 }
    );
  }

  #write(name: string, bindings: readonly Binding[], auditConfigs: readonly unknown[] | undefined): void {
    const revision = this.#stored(name).revision + 1;
    const normalized = normalizeBindings(bindings);
    this.#policies.set(name, {
      bindings: normalized,
      auditConfigs,
      etag: nextEtag(name, revision, normalized),
      revision,
    });
  }

  #render(name: string, requestedVersion: number): PolicyJson {
    const stored = this.#stored(name);
    const conditional = stored.bindings.some((binding) => binding.condition !== undefined);
    const bindings = requestedVersion === 3 ? stored.bindings : stored.bindings.map(downgradeBinding);
    return {
      version: conditional && requestedVersion === 3 ? 3 : 1,
      etag: stored.etag.toString('base64'),
      ...(bindings.length > 0 ? { bindings } : {}),
      ...(stored.auditConfigs !== undefined && stored.auditConfigs.length > 0
        ? { auditConfigs: stored.auditConfigs }
        : {}),
    };
  }

  #validate(resource: ResourceInfo, input: PolicyInput): void {
    const conditional = input.bindings.some((binding) => binding.condition !== undefined);
    if (input.version !== undefined && ![0, 1, 3].includes(input.version)) {
      throw invalidArgument(`Invalid policy version ${input.version}. Valid versions are 1 and 3.`);
    }
    if (conditional && input.version !== 3) {
      throw invalidArgument(
        'Conditional role bindings require policy version 3. Set the policy version to 3 and retry.',
      );
    }
    for (const binding of input.bindings) {
      const role = this.#options.roles.get(binding.role);
      if (role === undefined || !role.includedPermissions.some((p) => permissionApplies(p, resource))) {
        throw invalidArgument(`Role ${binding.role} is not supported for this resource.`);
      }
      for (const member of binding.members) {
        const problem = memberProblem(member);
        if (problem !== undefined) throw invalidArgument(problem);
        this.#checkServiceAccountMember(member);
      }
      if (binding.condition !== undefined) {
        if (binding.condition.title === undefined || binding.condition.title === '') {
          throw invalidArgument('Condition title is required.');
        }
        const syntax = conditionSyntaxError(binding.condition.expression);
        if (syntax !== undefined) {
          throw invalidArgument(`Condition expression is not valid CEL: ${syntax}`);
        }
      }
    }
  }

  #checkServiceAccountMember(member: string): void {
    if (!member.startsWith('serviceAccount:')) return;
    const email = member.slice('serviceAccount:'.length);
    const { id, number } = this.#options.project;
    const inProject =
      email.endsWith(`@${id}.iam.gserviceaccount.com`) ||
      email === `${number}-compute@developer.gserviceaccount.com`;
    if (inProject && !this.#options.serviceAccountExists(email)) {
      throw invalidArgument(`Service account ${email} does not exist.`);
    }
  }

  #memberContext(): MemberContext {
    return { projectNumber: this.#options.project.number, groups: this.#options.groups };
  }
}
