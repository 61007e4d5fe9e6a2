/**
 * The policy file → a typed `Policy`: YAML with positions, the JSON Schema, then the semantic
 * rules, collecting every problem before throwing them together as a `SettingsError`.
 */
import type { ActionError } from '../errors.ts';
import { parseDuration } from './durations.ts';
import { checkRules } from './policy-rules.ts';
import {
  type CanaryDocument,
  type ClaimRulesDocument,
  checkSchema,
  type PolicyDocument,
  type ServiceDocument,
} from './policy-schema.ts';
import type { FilePlace } from './problems.ts';
import { SettingsError } from './problems.ts';
import { DEFAULT_CANARY } from './release-values.ts';
import type {
  CanarySettings,
  ClaimRules,
  ExcessPermissionsMode,
  SecretReference,
  ServiceSettings,
  SourceSpan,
} from './types.ts';
import { parseYamlTree, type YamlTree } from './yaml-tree.ts';

/** A value the policy pins, with where it is written (for conflicts with action inputs). */
export interface Pinned<T> {
  readonly value: T;
  readonly span: SourceSpan;
}

export interface PolicyService {
  readonly settings: ServiceSettings;
  /** Where `image_repository` is written, when it is. */
  readonly imageRepositorySpan: SourceSpan | undefined;
  /** Where the `invokers` key is written, when it is. */
  readonly invokersSpan: SourceSpan | undefined;
}

export interface Policy {
  readonly file: string;
  readonly projectId: Pinned<string>;
  readonly projectNumber: Pinned<string>;
  readonly workloadIdentityProvider: Pinned<string>;
  readonly serviceAccount: Pinned<string>;
  readonly planServiceAccount: string | undefined;
  /** Pinned only when the file sets `token_lifetime`; otherwise the input or the default applies. */
  readonly tokenLifetimeSeconds: Pinned<number> | undefined;
  readonly allowedRoles: readonly string[];
  readonly excessPermissions: Pinned<ExcessPermissionsMode> | undefined;
  /** Who may deploy: impersonate the deployer. */
  readonly allow: ClaimRules | undefined;
  /** Who may plan (impersonate the planner) when it differs from `allow`; set only with a planner and `allow`. */
  readonly planAllow: ClaimRules | undefined;
  readonly services: readonly PolicyService[];
}

/** Parses and checks a policy file's text; `file` is the path shown in messages (relative to the repository). */
export function parsePolicy(text: string, file: string): Policy {
  const parsed = parseYamlTree(text, file);
  if (!parsed.ok) throw new SettingsError(parsed.problems);
  const { tree } = parsed;
  const schema = checkSchema(tree);
  const problems = [...schema.problems, ...checkRules(tree, schema.flagged)].sort(byPlace);
  // `document` is set exactly when the schema passed, so a missing one always comes with problems.
  if (problems.length > 0 || schema.document === undefined) throw new SettingsError(problems);
  return toPolicy(schema.document, tree, file);
}

function byPlace(a: ActionError, b: ActionError): number {
  const left = a.place?.kind === 'file' ? a.place : undefined;
  const right = b.place?.kind === 'file' ? b.place : undefined;
  return (left?.line ?? 0) - (right?.line ?? 0) || (left?.column ?? 0) - (right?.column ?? 0);
}

function span(place: FilePlace): SourceSpan {
  return { file: place.file, line: place.line, column: place.column };
}

function toPolicy(doc: PolicyDocument, tree: YamlTree, file: string): Policy {
  const pin = <T>(value: T, pointer: string): Pinned<T> => ({ value, span: span(tree.valueAt(pointer)) });
  const { deployer } = doc;
  const lifetime = deployer.token_lifetime === undefined ? undefined : parseDuration(deployer.token_lifetime);
  return {
    file,
    projectId: pin(doc.project.id, '/project/id'),
    projectNumber: pin(String(doc.project.number), '/project/number'),
    workloadIdentityProvider: pin(
      deployer.workload_identity_provider,
      '/deployer/workload_identity_provider',
    ),
    serviceAccount: pin(deployer.service_account, '/deployer/service_account'),
    planServiceAccount: deployer.plan_service_account,
    tokenLifetimeSeconds: lifetime === undefined ? undefined : pin(lifetime, '/deployer/token_lifetime'),
    allowedRoles: Object.freeze([...(deployer.allowed_roles ?? [])]),
    excessPermissions:
      deployer.excess_permissions === undefined
        ? undefined
        : pin(deployer.excess_permissions, '/deployer/excess_permissions'),
    allow: claimRules(deployer.allow),
    planAllow: claimRules(deployer.plan_allow),
    services: doc.services.map((service, index) => toService(service, tree, `/services/${index}`)),
  };
}

function toService(service: ServiceDocument, tree: YamlTree, pointer: string): PolicyService {
  const timeout = service.timeout === undefined ? undefined : parseDuration(service.timeout);
  const settings: ServiceSettings = {
    name: service.name,
    regions: Object.freeze([...service.regions]),
    runtimeServiceAccount: service.runtime_service_account,
    imageRepository: service.image_repository,
    port: service.port,
    env: record(service.env, (value) => value),
    secrets: record(
      service.secrets,
      (reference): SecretReference =>
        Object.freeze({ secret: reference.secret, version: String(reference.version) }),
    ),
    cpu: service.cpu === undefined ? undefined : String(service.cpu),
    memory: service.memory,
    concurrency: service.concurrency,
    timeoutSeconds: timeout,
    minInstances: service.min_instances,
    maxInstances: service.max_instances,
    ingress: service.ingress,
    labels: record(service.labels, (value) => value),
    public: service.public ?? false,
    invokers: frozen(service.invokers),
    canary: service.canary === undefined ? undefined : toCanary(service.canary),
    span: span(tree.valueAt(pointer)),
  };
  return {
    settings: Object.freeze(settings),
    imageRepositorySpan:
      service.image_repository === undefined ? undefined : span(tree.valueAt(`${pointer}/image_repository`)),
    invokersSpan: service.invokers === undefined ? undefined : span(tree.keyAt(`${pointer}/invokers`)),
  };
}

/** The policy's canary with the defaults filled in (inputs may still override each field). */
function toCanary(canary: CanaryDocument): CanarySettings {
  const health = canary.health_check ?? {};
  const defaults = DEFAULT_CANARY.healthCheck;
  const seconds = (text: string | undefined, fallback: number): number =>
    (text === undefined ? undefined : parseDuration(text)) ?? fallback;
  return Object.freeze({
    steps: Object.freeze([...canary.steps]),
    waitSeconds: seconds(canary.wait, DEFAULT_CANARY.waitSeconds),
    healthCheck: Object.freeze({
      path: health.path ?? defaults.path,
      requests: health.requests ?? defaults.requests,
      successRatio: health.success_ratio ?? defaults.successRatio,
      timeoutSeconds: seconds(health.timeout, defaults.timeoutSeconds),
    }),
  });
}

function claimRules(rules: ClaimRulesDocument | undefined): ClaimRules | undefined {
  if (rules === undefined) return undefined;
  return Object.freeze({
    repositories: Object.freeze([...rules.repositories]),
    refs: frozen(rules.refs),
    environments: frozen(rules.environments),
    events: frozen(rules.events),
  });
}

function frozen(list: readonly string[] | undefined): readonly string[] | undefined {
  return list === undefined ? undefined : Object.freeze([...list]);
}

/** A frozen null-prototype copy: keys such as `__proto__` stay data and cannot reach any prototype. */
function record<T, U>(
  entries: Readonly<Record<string, T>> | undefined,
  map: (value: T) => U,
): Readonly<Record<string, U>> {
  const result: Record<string, U> = Object.create(null);
  for (const [key, value] of Object.entries(entries ?? {})) result[key] = map(value);
  return Object.freeze(result);
}
