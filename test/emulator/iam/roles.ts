import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isObject } from '../core/body.ts';

export interface RoleDefinition {
  readonly name: string;
  readonly title: string;
  readonly description: string;
  readonly includedPermissions: readonly string[];
  readonly stage: string;
  readonly etag: string;
}

const PREDEFINED = /^roles\/([A-Za-z0-9_.]+)$/;
const CUSTOM = /^(projects|organizations)\/([^/]+)\/roles\/([A-Za-z0-9_.]+)$/;

/**
 * Predefined roles from `data/roles/*.json` (read on first use, one file per role) plus custom
 * roles from the state. Only roles present in the data exist: a role the data lacks is unknown.
 */
export class RoleCatalog {
  readonly #dir: string;
  readonly #predefined = new Map<string, RoleDefinition | undefined>();
  readonly #custom = new Map<string, RoleDefinition>();
  #allPermissions: Set<string> | undefined;

  constructor(dataDir: string, customRoles: readonly RoleDefinition[]) {
    this.#dir = dataDir;
    for (const role of customRoles) this.setCustom(role);
  }

  get(name: string): RoleDefinition | undefined {
    if (CUSTOM.test(name)) return this.#custom.get(name);
    const file = PREDEFINED.exec(name)?.[1];
    if (file === undefined) return undefined;
    if (!this.#predefined.has(name)) this.#predefined.set(name, this.#load(`${file}.json`));
    return this.#predefined.get(name);
  }

  setCustom(role: RoleDefinition): void {
    if (!CUSTOM.test(role.name)) {
      throw new Error(`Custom role name '${role.name}' must look like projects/PROJECT/roles/ROLE_ID.`);
    }
    this.#custom.set(role.name, role);
    this.#allPermissions = undefined;
  }

  customRoles(): readonly RoleDefinition[] {
    return [...this.#custom.values()].sort((a, b) => a.name.localeCompare(b.name));
  }

  /** Every permission named by any known role: the emulator's notion of "a real permission". */
  knownPermissions(): ReadonlySet<string> {
    if (this.#allPermissions === undefined) {
      const all = new Set<string>();
      for (const file of readdirSync(this.#dir)) {
        if (!file.endsWith('.json')) continue;
        const role = this.get(`roles/${file.slice(0, -'.json'.length)}`);
        for (const permission of role?.includedPermissions ?? []) all.add(permission);
      }
      for (const role of this.#custom.values())
        for (const permission of role.includedPermissions) all.add(permission);
      this.#allPermissions = all;
    }
    return this.#allPermissions;
  }

  #load(file: string): RoleDefinition | undefined {
    let text: string;
    try {
      text = readFileSync(join(this.#dir, file), 'utf8');
    } catch {
      return undefined;
    }
    const raw: unknown = JSON.parse(text);
    if (!isObject(raw) || typeof raw.name !== 'string' || !Array.isArray(raw.includedPermissions)) {
      throw new Error(`Role file ${file} is not a roles.get answer (name, includedPermissions).`);
    }
    return {
      name: raw.name,
      title: typeof raw.title === 'string' ? raw.title : '',
      description: typeof raw.description === 'string' ? raw.description : '',
      includedPermissions: raw.includedPermissions.filter((p): p is string => typeof p === 'string'),
      stage: typeof raw.stage === 'string' ? raw.stage : 'GA',
      etag: typeof raw.etag === 'string' ? raw.etag : 'AA==',
    };
  }
}
