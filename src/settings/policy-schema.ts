/**
 * Structural checks of the policy against the published JSON Schema (schema/policy.v1.json),
 * with each ajv error turned into a located problem: ajv's instance paths are JSON pointers,
 * which `YamlTree` maps back to the YAML node that holds the value or the key.
 */
import type { ErrorObject } from 'ajv';
import schema from '../../schema/policy.v1.json' with { type: 'json' };
import type { ActionError } from '../errors.ts';
import { checkMember, checkServiceAccountEmail, type Finding } from './identities.ts';
import { getSchema, type PrecompiledValidate } from './policy-validator.generated.ts';
import { fileProblem, show } from './problems.ts';
import type { ExcessPermissionsMode, Ingress } from './types.ts';
import type { YamlTree, YamlValue } from './yaml-tree.ts';
import { pointerSegment } from './yaml-tree.ts';

const FORMATS: Readonly<Record<string, (value: string) => Finding | undefined>> = {
  'service-account-email': (value) => checkServiceAccountEmail(value),
  'iam-member': checkMember,
};

// Precompiled from the schema by scripts/gen-policy-validator.ts: no ajv compile at start.
function compiled<T = unknown>(ref: string): PrecompiledValidate<T> {
  const validate = getSchema<T>(ref);
  if (validate === undefined) throw new Error(`schema/policy.v1.json has no ${ref}`);
  return validate;
}

const validatePolicy = compiled<PolicyDocument>('policy');

/** A named definition of the schema (`serviceName`, `region`, ...), for checking action inputs the same way. */
export function definition(name: string): {
  readonly validate: PrecompiledValidate<unknown>;
  readonly schema: SchemaNode;
} {
  return { validate: compiled(`policy#/definitions/${name}`), schema: definitionNode(name) };
}

/** The policy's raw shape once the schema accepts it (snake_case, as written). */
export interface PolicyDocument {
  readonly version: 1;
  readonly project: { readonly id: string; readonly number: string | number };
  readonly deployer: {
    readonly workload_identity_provider: string;
    readonly service_account: string;
    readonly plan_service_account?: string;
    readonly token_lifetime?: string;
    readonly allowed_roles?: readonly string[];
    readonly excess_permissions?: ExcessPermissionsMode;
    readonly allow?: ClaimRulesDocument;
    readonly plan_allow?: ClaimRulesDocument;
  };
  readonly services: readonly ServiceDocument[];
}

/** `deployer.allow` / `deployer.plan_allow` as written. */
export interface ClaimRulesDocument {
  readonly repositories: readonly string[];
  readonly refs?: readonly string[];
  readonly environments?: readonly string[];
  readonly events?: readonly string[];
}

export interface ServiceDocument {
  readonly name: string;
  readonly regions: readonly string[];
  readonly runtime_service_account?: string;
  readonly image_repository?: string;
  readonly port?: number;
  readonly env?: Readonly<Record<string, string>>;
  readonly secrets?: Readonly<Record<string, { readonly secret: string; readonly version: string | number }>>;
  readonly cpu?: string | number;
  readonly memory?: string;
  readonly concurrency?: number;
  readonly timeout?: string;
  readonly min_instances?: number;
  readonly max_instances?: number;
  readonly ingress?: Ingress;
  readonly labels?: Readonly<Record<string, string>>;
  readonly public?: boolean;
  readonly invokers?: readonly string[];
  readonly canary?: CanaryDocument;
}

export interface CanaryDocument {
  readonly steps: readonly number[];
  readonly wait?: string;
  readonly health_check?: {
    readonly path?: string;
    readonly requests?: number;
    readonly success_ratio?: number;
    readonly timeout?: string;
  };
}

export interface SchemaResult {
  /** The data, typed, when the schema accepts it. */
  readonly document: PolicyDocument | undefined;
  readonly problems: readonly ActionError[];
  /** JSON pointers of values (or keys) that failed a check: semantic checks skip them. */
  readonly flagged: ReadonlySet<string>;
}

export function checkSchema(tree: YamlTree): SchemaResult {
  if (validatePolicy(tree.data)) return { document: tree.data, problems: [], flagged: new Set() };
  const problems = new Map<string, ActionError>();
  const flagged = new Set<string>();
  for (const error of validatePolicy.errors ?? []) {
    const located = locate(error, tree);
    if (located === undefined) continue;
    if (located.flag !== undefined) flagged.add(located.flag);
    if (!problems.has(located.problem.message)) problems.set(located.problem.message, located.problem);
  }
  return { document: undefined, problems: [...problems.values()], flagged };
}

interface Located {
  readonly problem: ActionError;
  readonly flag: string | undefined;
}

/** A schema object as read from the JSON file (annotations included). */
export interface SchemaNode {
  readonly title?: string;
  readonly description?: string;
  readonly examples?: readonly unknown[];
  readonly properties?: Readonly<Record<string, SchemaNode>>;
  readonly $ref?: string;
  readonly enum?: readonly unknown[];
}

function asNode(value: unknown): SchemaNode {
  return typeof value === 'object' && value !== null ? (value as SchemaNode) : {};
}

function definitionNode(name: string): SchemaNode {
  const definitions: Readonly<Record<string, unknown>> = schema.definitions;
  return asNode(definitions[name]);
}

/** The property's own annotations over those of the definition it refers to. */
function resolve(node: SchemaNode): SchemaNode {
  if (node.$ref === undefined) return node;
  return { ...definitionNode(node.$ref.replace('#/definitions/', '')), ...node };
}

function locate(error: ErrorObject, tree: YamlTree): Located | undefined {
  const path = error.instancePath;
  const parent = asNode(error.parentSchema);
  const where = display(path, tree.data);
  // propertyNames: ajv reports the inner failure with `propertyName` set, then a summary without detail.
  if (error.keyword === 'propertyNames') return undefined;
  if (error.propertyName !== undefined) {
    const key = `${path}/${pointerSegment(error.propertyName)}`;
    return {
      problem: fileProblem(
        tree.keyAt(key),
        `${where}: key ${show(error.propertyName)} is not a valid ${parent.title ?? 'key'}`,
        expected(parent),
      ),
      flag: key,
    };
  }
  const value = { place: tree.valueAt(path), flag: path };
  const say = (what: string, remedy: string): Located => ({
    problem: fileProblem(value.place, what, remedy),
    flag: value.flag,
  });
  const params: Readonly<Record<string, unknown>> = error.params;
  switch (error.keyword) {
    case 'required': {
      const missing = String(params.missingProperty);
      const property = resolve(asNode(parent.properties?.[missing]));
      return {
        problem: fileProblem(
          tree.keyAt(path),
          `${where} is missing the required key '${missing}'`,
          `Add '${missing}:'${property.description === undefined ? '.' : ` (${property.description})`}${example(property)}`,
        ),
        flag: undefined,
      };
    }
    case 'additionalProperties': {
      const unknown = String(params.additionalProperty);
      const valid = Object.keys(parent.properties ?? {});
      const near = closest(unknown, valid);
      return {
        problem: fileProblem(
          tree.keyAt(`${path}/${pointerSegment(unknown)}`),
          `unknown key ${show(unknown)} in ${where}`,
          `${near === undefined ? 'Remove it' : `Did you mean '${near}'? Rename or remove it`}; valid keys here: ${valid.join(', ')}.`,
        ),
        flag: undefined,
      };
    }
    case 'type':
      return say(
        `${where} must be ${String(params.type).replace(',', ' or ')}, not ${kindOf(error.data)}`,
        typeRemedy(String(params.type), error.data, parent),
      );
    case 'enum':
      return say(
        `${where} is ${show(error.data)}, expected one of: ${(parent.enum ?? []).join(', ')}`,
        `Write one of: ${(parent.enum ?? []).join(', ')}.`,
      );
    case 'const':
      return say(
        `${where} is ${show(error.data)}, expected ${show(error.schema)}`,
        `Write ${String(error.schema)}${parent.description === undefined ? '.' : ` (${parent.description})`}`,
      );
    case 'pattern':
      return say(`${where} ${show(error.data)} is not a valid ${parent.title ?? 'value'}`, expected(parent));
    case 'format': {
      const finding =
        typeof error.data === 'string' ? FORMATS[String(params.format)]?.(error.data) : undefined;
      return finding === undefined
        ? say(`${where} is not a valid ${parent.title ?? 'value'}`, expected(parent))
        : say(`${where}: ${finding.what}`, finding.remedy);
    }
    case 'uniqueItems': {
      // ajv names the later of the two equal items `i`.
      const repeat = `${path}/${String(params.i)}`;
      return {
        problem: fileProblem(
          tree.valueAt(repeat),
          `${where} lists ${show(valueAt(tree.data, repeat))} twice`,
          'Remove the repeated entry.',
        ),
        flag: repeat,
      };
    }
    default:
      return say(`${where} ${error.message ?? 'is not valid'}`, expected(parent));
  }
}

function expected(node: SchemaNode): string {
  return `${node.description ?? 'See schema/policy.v1.json for the expected form.'}${example(node)}`;
}

function example(node: SchemaNode): string {
  const [first] = node.examples ?? [];
  return first === undefined ? '' : ` Example: ${typeof first === 'string' ? first : JSON.stringify(first)}`;
}

function typeRemedy(expectedType: string, data: unknown, node: SchemaNode): string {
  if (expectedType === 'boolean') return 'Write true or false, unquoted.';
  if (expectedType.startsWith('string') && (typeof data === 'number' || typeof data === 'boolean')) {
    return `Quote the value: "${String(data)}" (YAML reads it as a ${typeof data} otherwise).`;
  }
  if (expectedType === 'integer' && typeof data === 'string') return 'Write a whole number without quotes.';
  return expected(node);
}

function kindOf(data: unknown): string {
  if (data === null) return 'empty (null)';
  if (Array.isArray(data)) return 'a list';
  if (typeof data === 'object') return 'a map';
  if (typeof data === 'number' && !Number.isInteger(data)) return `the number ${String(data)}`;
  return `${typeof data} ${show(data)}`;
}

/** `services[0].env.LOG_LEVEL` for `/services/0/env/LOG_LEVEL`; `the policy` for the root. */
function display(pointer: string, data: YamlValue): string {
  if (pointer === '') return 'the policy';
  let text = '';
  let node: YamlValue | undefined = data;
  for (const raw of pointer.slice(1).split('/')) {
    const segment = raw.replaceAll('~1', '/').replaceAll('~0', '~');
    if (Array.isArray(node)) {
      text += `[${segment}]`;
      node = node[Number(segment)];
    } else {
      text += text === '' ? segment : `.${segment}`;
      node = isObject(node) ? node[segment] : undefined;
    }
  }
  return text;
}

function valueAt(data: YamlValue, pointer: string): YamlValue | undefined {
  let node: YamlValue | undefined = data;
  for (const raw of pointer.slice(1).split('/')) {
    const segment = raw.replaceAll('~1', '/').replaceAll('~0', '~');
    node = Array.isArray(node) ? node[Number(segment)] : isObject(node) ? node[segment] : undefined;
  }
  return node;
}

function isObject(value: YamlValue | undefined): value is { readonly [key: string]: YamlValue } {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The valid key nearest to a misspelt one, when it is close enough to be a likely typo. */
function closest(word: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Math.max(2, Math.floor(word.length / 3)) + 1;
  for (const candidate of candidates) {
    const distance = editDistance(word.toLowerCase(), candidate);
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, index) => index);
  for (let i = 1; i <= a.length; i += 1) {
    const current = [i];
    for (let j = 1; j <= b.length; j += 1) {
      const substitution = (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, substitution));
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}
