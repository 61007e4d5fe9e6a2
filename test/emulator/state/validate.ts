import { isObject } from '../core/body.ts';
import { GITHUB_CLAIM_NAMES } from '../identity/github-claims.ts';
import type {
  CustomRoleState,
  EmulatorState,
  GithubState,
  PoolState,
  ProviderState,
  ServiceAccountState,
} from './types.ts';

/** A state file problem, with the path of the offending value (e.g. `serviceAccounts[1].email`). */
export class StateError extends Error {
  constructor(path: string, problem: string) {
    super(
      `Invalid emulator state at '${path}': ${problem}. Fix the state file (see test/emulator/README.md).`,
    );
    this.name = 'StateError';
  }
}

type Fields = Record<string, unknown>;

function object(
  value: unknown,
  path: string,
  required: readonly string[],
  optional: readonly string[],
): Fields {
  if (!isObject(value)) throw new StateError(path, `expected a mapping, got ${describeType(value)}`);
  const allowed = new Set([...required, ...optional]);
  for (const key of Object.keys(value)) {
    if (!allowed.has(key)) {
      throw new StateError(join(path, key), `unknown key '${key}' (allowed: ${[...allowed].join(', ')})`);
    }
  }
  for (const key of required) if (value[key] === undefined) throw new StateError(join(path, key), 'required');
  return value;
}

function string(value: unknown, path: string, pattern?: RegExp, hint?: string): string {
  if (typeof value !== 'string') throw new StateError(path, `expected a string, got ${describeType(value)}`);
  if (pattern !== undefined && !pattern.test(value))
    throw new StateError(path, `'${value}' is not ${hint ?? pattern.source}`);
  return value;
}

function optionalString(value: unknown, path: string, fallback: string): string {
  return value === undefined ? fallback : string(value, path);
}

function bool(value: unknown, path: string, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  if (typeof value !== 'boolean')
    throw new StateError(path, `expected true or false, got ${describeType(value)}`);
  return value;
}

function list(value: unknown, path: string): readonly unknown[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) throw new StateError(path, `expected a list, got ${describeType(value)}`);
  return value;
}

function stringMap(value: unknown, path: string): Record<string, string> {
  if (value === undefined) return {};
  if (!isObject(value)) throw new StateError(path, `expected a mapping, got ${describeType(value)}`);
  const out: Record<string, string> = {};
  for (const [key, item] of Object.entries(value)) out[key] = scalar(item, join(path, key));
  return out;
}

/** YAML turns `true` and numbers into non-strings; claims are strings on the wire. */
function scalar(value: unknown, path: string): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  throw new StateError(path, `expected a string, got ${describeType(value)}`);
}

function join(path: string, key: string | number): string {
  if (typeof key === 'number') return `${path}[${key}]`;
  return path === '' ? key : `${path}.${key}`;
}

function describeType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  return typeof value === 'object' ? 'a mapping' : `${typeof value} ${JSON.stringify(value)}`;
}

const PROJECT_ID = /^[a-z][a-z0-9-]{4,28}[a-z0-9]$/;
const PROJECT_NUMBER = /^[0-9]{1,19}$/;
const EMAIL = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;
const POOL_ID = /^[a-z0-9-]{4,32}$/;

/** Validates a parsed state document strictly; unknown keys and wrong types are errors with their path. */
export function validateState(raw: unknown): EmulatorState {
  const root = object(
    raw,
    '',
    ['project'],
    [
      'limits',
      'groups',
      'customRoles',
      'serviceAccounts',
      'iamPolicy',
      'workloadIdentityPools',
      'github',
      'services',
    ],
  );
  const project = object(root.project, 'project', ['id', 'number'], ['displayName']);
  const id = string(
    project.id,
    'project.id',
    PROJECT_ID,
    'a project id (6-30 lower-case letters, digits, hyphens)',
  );
  const number = scalar(project.number, 'project.number');
  if (!PROJECT_NUMBER.test(number))
    throw new StateError('project.number', `'${number}' is not a project number`);

  const limits = object(root.limits ?? {}, 'limits', [], ['maxAccessTokenLifetimeSeconds']);
  const maxLifetime = limits.maxAccessTokenLifetimeSeconds ?? 3600;
  if (
    typeof maxLifetime !== 'number' ||
    !Number.isInteger(maxLifetime) ||
    maxLifetime < 1 ||
    maxLifetime > 43200
  ) {
    throw new StateError('limits.maxAccessTokenLifetimeSeconds', 'expected an integer from 1 to 43200');
  }

  const groupsRaw = root.groups ?? {};
  if (!isObject(groupsRaw))
    throw new StateError('groups', `expected a mapping, got ${describeType(groupsRaw)}`);
  const groups: Record<string, readonly string[]> = {};
  for (const [group, members] of Object.entries(groupsRaw)) {
    string(group, `groups.${group}`, EMAIL, 'a group email');
    groups[group.toLowerCase()] = list(members, `groups.${group}`).map((m, i) =>
      string(m, `groups.${group}[${i}]`),
    );
  }

  return {
    project: { id, number, displayName: optionalString(project.displayName, 'project.displayName', id) },
    limits: { maxAccessTokenLifetimeSeconds: maxLifetime },
    groups,
    customRoles: list(root.customRoles, 'customRoles').map((role, i) =>
      customRole(role, `customRoles[${i}]`, id),
    ),
    serviceAccounts: list(root.serviceAccounts, 'serviceAccounts').map((sa, i) =>
      serviceAccount(sa, `serviceAccounts[${i}]`),
    ),
    iamPolicy: root.iamPolicy,
    workloadIdentityPools: list(root.workloadIdentityPools, 'workloadIdentityPools').map((pool, i) =>
      workloadIdentityPool(pool, `workloadIdentityPools[${i}]`),
    ),
    github: github(root.github ?? {}, 'github'),
    services: root.services,
  };
}

function customRole(raw: unknown, path: string, projectId: string): CustomRoleState {
  const role = object(raw, path, ['name', 'includedPermissions'], ['title', 'description', 'stage']);
  const name = string(
    role.name,
    join(path, 'name'),
    /^projects\/[^/]+\/roles\/[A-Za-z0-9_.]{3,64}$/,
    'projects/PROJECT_ID/roles/ROLE_ID',
  );
  if (name.split('/')[1] !== projectId)
    throw new StateError(join(path, 'name'), `must be in project '${projectId}'`);
  return {
    name,
    title: optionalString(role.title, join(path, 'title'), name.split('/')[3] ?? name),
    description: optionalString(role.description, join(path, 'description'), ''),
    stage: optionalString(role.stage, join(path, 'stage'), 'GA'),
    includedPermissions: list(role.includedPermissions, join(path, 'includedPermissions')).map((p, i) =>
      string(
        p,
        `${path}.includedPermissions[${i}]`,
        /^[a-z][a-zA-Z0-9]*(\.[a-zA-Z0-9]+){2,}$/,
        'a permission name',
      ),
    ),
  };
}

function serviceAccount(raw: unknown, path: string): ServiceAccountState {
  const sa = object(raw, path, ['email'], ['displayName', 'disabled', 'iamPolicy']);
  return {
    email: string(sa.email, join(path, 'email'), EMAIL, 'an email'),
    displayName: optionalString(sa.displayName, join(path, 'displayName'), ''),
    disabled: bool(sa.disabled, join(path, 'disabled'), false),
    iamPolicy: sa.iamPolicy,
  };
}

function workloadIdentityPool(raw: unknown, path: string): PoolState {
  const pool = object(raw, path, ['id'], ['displayName', 'disabled', 'providers']);
  return {
    id: string(pool.id, join(path, 'id'), POOL_ID, 'a pool id (4-32 lower-case letters, digits, hyphens)'),
    displayName: optionalString(pool.displayName, join(path, 'displayName'), ''),
    disabled: bool(pool.disabled, join(path, 'disabled'), false),
    providers: list(pool.providers, join(path, 'providers')).map((provider, i) =>
      workloadIdentityProvider(provider, `${path}.providers[${i}]`),
    ),
  };
}

function workloadIdentityProvider(raw: unknown, path: string): ProviderState {
  const provider = object(
    raw,
    path,
    ['id', 'issuerUri', 'attributeMapping'],
    ['displayName', 'disabled', 'allowedAudiences', 'attributeCondition'],
  );
  const attributeMapping = stringMap(provider.attributeMapping, join(path, 'attributeMapping'));
  if (attributeMapping['google.subject'] === undefined) {
    throw new StateError(join(path, 'attributeMapping'), "must map 'google.subject'");
  }
  for (const key of Object.keys(attributeMapping)) {
    if (
      !/^(google\.(subject|groups|display_name|profile_photo|posix_username)|attribute\.[a-z_][a-z0-9_]*)$/.test(
        key,
      )
    ) {
      throw new StateError(
        join(path, `attributeMapping.${key}`),
        'not google.subject, google.groups, … or attribute.NAME',
      );
    }
  }
  return {
    id: string(
      provider.id,
      join(path, 'id'),
      POOL_ID,
      'a provider id (4-32 lower-case letters, digits, hyphens)',
    ),
    displayName: optionalString(provider.displayName, join(path, 'displayName'), ''),
    disabled: bool(provider.disabled, join(path, 'disabled'), false),
    issuerUri: string(provider.issuerUri, join(path, 'issuerUri'), /^https:\/\//, 'an https URL'),
    allowedAudiences: list(provider.allowedAudiences, join(path, 'allowedAudiences')).map((a, i) =>
      string(a, `${path}.allowedAudiences[${i}]`),
    ),
    attributeMapping,
    attributeCondition:
      provider.attributeCondition === undefined
        ? undefined
        : string(provider.attributeCondition, join(path, 'attributeCondition')),
  };
}

function github(raw: unknown, path: string): GithubState {
  const section = object(raw, path, [], ['requestToken', 'issuer', 'claims', 'idTokenAvailable']);
  const claims = stringMap(section.claims, join(path, 'claims'));
  for (const name of Object.keys(claims)) {
    if (!GITHUB_CLAIM_NAMES.has(name)) {
      throw new StateError(
        join(path, `claims.${name}`),
        `unknown GitHub OIDC claim (known: ${[...GITHUB_CLAIM_NAMES].join(', ')})`,
      );
    }
  }
  return {
    requestToken:
      section.requestToken === undefined
        ? undefined
        : string(section.requestToken, join(path, 'requestToken')),
    issuer: optionalString(
      section.issuer,
      join(path, 'issuer'),
      'https://token.actions.githubusercontent.com',
    ),
    claims,
    idTokenAvailable: bool(section.idTokenAvailable, join(path, 'idTokenAvailable'), true),
  };
}
