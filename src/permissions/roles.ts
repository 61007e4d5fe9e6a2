import facts from './role-facts.json' with { type: 'json' };

export interface RoleFact {
  readonly title: string;
  /** How many permissions the whole role has: smaller is narrower. */
  readonly size: number;
  /** Only the permissions of `catalog.ts`: enough for the preflight, small enough to bundle. */
  readonly permissions: readonly string[];
}

const PREDEFINED: Readonly<Record<string, RoleFact>> = facts.roles;

export function predefinedRole(name: string): RoleFact | undefined {
  return Object.hasOwn(PREDEFINED, name) ? PREDEFINED[name] : undefined;
}

/** The predefined roles (of the bundled facts) that grant `permission`, narrowest first. */
export function rolesGranting(permission: string): string[] {
  return Object.entries(PREDEFINED)
    .filter(([, role]) => role.permissions.includes(permission))
    .sort(([nameA, a], [nameB, b]) => a.size - b.size || nameA.localeCompare(nameB))
    .map(([name]) => name);
}

export interface Envelope {
  readonly roles: readonly string[];
  /** Union of the roles' permissions (as far as the preflight tests them). */
  readonly permissions: ReadonlySet<string>;
  /** Roles that could be neither found in the facts nor fetched: the envelope is then unknown. */
  readonly unexpanded: readonly string[];
}

/**
 * Expands the allowed roles to permissions: predefined roles from the bundled facts, others
 * (custom roles, newer predefined roles) from `fetched` (IAM `roles.get` answers).
 */
export function expandEnvelope(
  roles: readonly string[],
  fetched: ReadonlyMap<string, readonly string[]>,
): Envelope {
  const permissions = new Set<string>();
  const unexpanded: string[] = [];
  for (const role of roles) {
    const granted = predefinedRole(role)?.permissions ?? fetched.get(role);
    if (granted === undefined) unexpanded.push(role);
    else for (const permission of granted) permissions.add(permission);
  }
  return { roles, permissions, unexpanded };
}
