import { randomInt, randomUUID } from 'node:crypto';
import { GoogleError, grpcCode, invalidArgument, permissionDenied } from '../../core/google-error.ts';
import type { Clock, Identity, ProjectInfo } from '../../core/types.ts';
import { identityLabel } from '../../core/types.ts';
import type { JsonObject } from '../../validate/canonical.ts';
import type { FailureRule } from './failures.ts';
import { defaultFailureMessage, matchingFailure } from './failures.ts';
import type { ServiceName } from './names.ts';
import {
  automaticRevisionName,
  checkServiceId,
  parseLocation,
  parseServiceName,
  serviceNotFound,
} from './names.ts';
import {
  checkServiceSpec,
  configurationKey,
  containerPort,
  images,
  withTemplateDefaults,
} from './template.ts';
import type { ServedTarget, TrafficTarget } from './traffic.ts';
import { missingTrafficRevision, parseTraffic, resolveTraffic } from './traffic.ts';

export const SERVICE_TYPE = 'type.googleapis.com/google.cloud.run.v2.Service';

export interface RunRandom {
  uuid(): string;
  /** `count` lowercase letters. */
  letters(count: number): string;
}

export const cryptoRandom: RunRandom = {
  uuid: () => randomUUID(),
  letters: (count) => Array.from({ length: count }, () => String.fromCharCode(97 + randomInt(26))).join(''),
};

/** The URLs the serving side assigned; stable for a service's lifetime. */
export interface ServiceUrls {
  serviceUrl(key: string): string;
  tagUrl(key: string, tag: string): string;
}

export interface RunModelDeps {
  readonly project: ProjectInfo;
  readonly clock: Clock;
  readonly random: RunRandom;
  readonly urls: ServiceUrls;
  /** Whether the caller holds `iam.serviceAccounts.actAs` on the (existing) service account. */
  canActAs(caller: Identity, email: string): boolean;
}

type ConditionState = 'CONDITION_RECONCILING' | 'CONDITION_SUCCEEDED' | 'CONDITION_FAILED';

interface StoredRevision {
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

interface StoredService {
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

interface Rollout {
  readonly serviceKey: string;
  readonly generation: number;
  readonly revision: string;
  /** A traffic target naming a revision that does not exist: the rollout fails routing. */
  readonly missingRevision: string | undefined;
  readonly readyAt: number;
  readonly operation: string;
}

interface StoredOperation {
  readonly name: string;
  readonly createTime: number;
  readonly doneAt: number;
  metadata: JsonObject;
  result:
    | { readonly response: JsonObject }
    | { readonly error: { code: number; message: string } }
    | undefined;
}

export interface UpdateOptions {
  /** Field paths (camelCase or snake_case, dotted); empty = replace the whole service. */
  readonly updateMask: readonly string[];
  readonly allowMissing: boolean;
  readonly validateOnly: boolean;
}

/** What the serving side needs to answer a request to a service URL. */
export interface ServingView {
  readonly key: string;
  readonly ingress: string;
  readonly invokerIamDisabled: boolean;
  readonly customAudiences: readonly string[];
  readonly uri: string;
  readonly served: readonly ServedTarget[];
  readonly images: ReadonlyMap<string, readonly string[]>;
}

function object(value: unknown): JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as JsonObject) : {};
}

function timestamp(ms: number): string {
  return new Date(ms).toISOString();
}

/**
 * Cloud Run Admin API v2 over in-memory state: services, revisions and long-running operations.
 * Time is read from the injected clock; a rollout completes when its operation's time has come
 * (`operationDurationMs` after the request), observed lazily on every call.
 */
export class RunModel {
  readonly #deps: RunModelDeps;
  readonly #services = new Map<string, StoredService>();
  readonly #revisions = new Map<string, StoredRevision>();
  readonly #operations = new Map<string, StoredOperation>();
  #rollouts: Rollout[] = [];
  #failureRules: FailureRule[] = [];
  #operationDurationMs = 250;
  #etagCounter = 0;

  constructor(deps: RunModelDeps) {
    this.#deps = deps;
  }

  // ---- controls -------------------------------------------------------------------------------

  /** How long create/update/delete operations run before they are done (0 = done at once). */
  setOperationDuration(ms: number): void {
    this.#operationDurationMs = ms;
  }

  operationDuration(): number {
    return this.#operationDurationMs;
  }

  /** New revisions matching `rule` fail to become ready; returns a function removing the rule. */
  failRevisions(rule: FailureRule): () => void {
    this.#failureRules.push(rule);
    return () => {
      this.#failureRules = this.#failureRules.filter((r) => r !== rule);
    };
  }

  clearFailures(): void {
    this.#failureRules = [];
  }

  // ---- services -------------------------------------------------------------------------------

  exists(name: string): boolean {
    return this.#services.has(parseServiceName(name, this.#deps.project).key);
  }

  createService(
    caller: Identity,
    parent: string,
    serviceId: string,
    input: JsonObject,
    validateOnly: boolean,
  ): JsonObject {
    this.#settle();
    const location = parseLocation(parent, this.#deps.project);
    checkServiceId(serviceId);
    const name = parseServiceName(`${location.full}/services/${serviceId}`, this.#deps.project);
    if (this.#services.has(name.key)) {
      throw new GoogleError('ALREADY_EXISTS', `Resource '${serviceId}' already exists.`);
    }
    return this.#apply(caller, name, undefined, input, validateOnly);
  }

  updateService(caller: Identity, name: string, input: JsonObject, options: UpdateOptions): JsonObject {
    this.#settle();
    const parsed = parseServiceName(name, this.#deps.project);
    const current = this.#services.get(parsed.key);
    if (current === undefined) {
      if (!options.allowMissing) throw serviceNotFound(parsed);
      checkServiceId(parsed.service);
      return this.#apply(caller, parsed, undefined, input, options.validateOnly);
    }
    const etag = input.etag;
    if (typeof etag === 'string' && etag !== '' && etag !== current.etag) {
      throw new GoogleError(
        'ABORTED',
        `The etag of service '${parsed.service}' has changed since it was read (given ${etag}, current ${current.etag}). Read the service again and retry the update.`,
      );
    }
    const merged =
      options.updateMask.length === 0 ? input : applyMask(this.#inputOf(current), input, options.updateMask);
    return this.#apply(caller, parsed, current, merged, options.validateOnly);
  }

  deleteService(name: string, etag: string | undefined, validateOnly: boolean): JsonObject {
    this.#settle();
    const parsed = parseServiceName(name, this.#deps.project);
    const current = this.#services.get(parsed.key);
    if (current === undefined) throw serviceNotFound(parsed);
    if (etag !== undefined && etag !== '' && etag !== current.etag) {
      throw new GoogleError(
        'ABORTED',
        `The etag of service '${parsed.service}' has changed since it was read. Read the service again and retry.`,
      );
    }
    const now = this.#deps.clock.now();
    const rendered = { ...this.#render(current), deleteTime: timestamp(now) };
    if (validateOnly)
      return {
        name: this.#operationName(parsed),
        metadata: { '@type': SERVICE_TYPE, ...rendered },
        done: true,
        response: { '@type': SERVICE_TYPE, ...rendered },
      };
    this.#services.delete(parsed.key);
    for (const [key, revision] of this.#revisions)
      if (revision.serviceKey === parsed.key) this.#revisions.delete(key);
    this.#rollouts = this.#rollouts.filter((rollout) => rollout.serviceKey !== parsed.key);
    const operation = this.#newOperation(parsed, rendered);
    operation.result = { response: { '@type': SERVICE_TYPE, ...rendered } };
    return this.#renderOperation(operation);
  }

  getService(name: string): JsonObject {
    this.#settle();
    const parsed = parseServiceName(name, this.#deps.project);
    const service = this.#services.get(parsed.key);
    if (service === undefined) throw serviceNotFound(parsed);
    return this.#render(service);
  }

  listServices(parent: string, pageSize: number | undefined, pageToken: string | undefined): JsonObject {
    this.#settle();
    const location = parseLocation(parent, this.#deps.project);
    const all = [...this.#services.values()]
      .filter((service) => service.name.full === location.full)
      .sort((a, b) => (a.name.key < b.name.key ? -1 : 1))
      .map((service) => this.#render(service));
    return page('services', all, pageSize, pageToken);
  }

  // ---- revisions ------------------------------------------------------------------------------

  getRevision(name: string): JsonObject {
    this.#settle();
    const match = /^(.+)\/revisions\/([^/]+)$/.exec(name);
    const service = parseServiceName(match?.[1] ?? '', this.#deps.project);
    const revision = this.#revisions.get(`${service.key}/revisions/${match?.[2] ?? ''}`);
    if (revision === undefined) {
      throw new GoogleError(
        'NOT_FOUND',
        `Resource '${match?.[2] ?? ''}' of kind 'REVISION' in region '${service.location}' in project '${service.project}' does not exist.`,
      );
    }
    return this.#renderRevision(revision);
  }

  listRevisions(
    serviceName: string,
    pageSize: number | undefined,
    pageToken: string | undefined,
  ): JsonObject {
    this.#settle();
    const service = parseServiceName(serviceName, this.#deps.project);
    const all = [...this.#revisions.values()]
      .filter((revision) => revision.serviceKey === service.key)
      .sort((a, b) => b.createTime - a.createTime || (a.name < b.name ? 1 : -1))
      .map((revision) => this.#renderRevision(revision));
    return page('revisions', all, pageSize, pageToken);
  }

  // ---- operations -----------------------------------------------------------------------------

  getOperation(name: string): JsonObject {
    this.#settle();
    return this.#renderOperation(this.#operation(name));
  }

  /** When the operation will be done (epoch ms), for `operations.wait`. */
  operationDoneAt(name: string): number {
    return this.#operation(name).doneAt;
  }

  listOperations(
    locationName: string,
    pageSize: number | undefined,
    pageToken: string | undefined,
  ): JsonObject {
    this.#settle();
    const location = parseLocation(locationName, this.#deps.project);
    const all = [...this.#operations.values()]
      .filter((operation) => operation.name.startsWith(`${location.full}/operations/`))
      .sort((a, b) => a.createTime - b.createTime)
      .map((operation) => this.#renderOperation(operation));
    return page('operations', all, pageSize, pageToken);
  }

  deleteOperation(name: string): void {
    this.#operation(name);
    this.#operations.delete(name);
  }

  // ---- serving and snapshots ------------------------------------------------------------------

  servingView(key: string): ServingView | undefined {
    this.#settle();
    const service = this.#services.get(key);
    if (service === undefined) return undefined;
    const imagesByRevision = new Map<string, readonly string[]>();
    for (const target of service.served) {
      const revision = this.#revisions.get(`${key}/revisions/${target.revision}`);
      if (revision !== undefined) imagesByRevision.set(target.revision, images(revision.template));
    }
    return {
      key,
      ingress: typeof service.spec.ingress === 'string' ? service.spec.ingress : 'INGRESS_TRAFFIC_ALL',
      invokerIamDisabled: service.spec.invokerIamDisabled === true,
      customAudiences: Array.isArray(service.spec.customAudiences)
        ? service.spec.customAudiences.map(String)
        : [],
      uri: this.#deps.urls.serviceUrl(key),
      served: service.served,
      images: imagesByRevision,
    };
  }

  serviceKeys(): string[] {
    return [...this.#services.keys()];
  }

  snapshot(): JsonObject {
    this.#settle();
    const services = [...this.#services.values()].sort((a, b) => (a.name.key < b.name.key ? -1 : 1));
    return {
      services: services.map((service) => this.#render(service)),
      revisions: [...this.#revisions.values()]
        .sort((a, b) => (a.name < b.name ? -1 : 1))
        .map((r) => this.#renderRevision(r)),
    };
  }

  // ---- internals ------------------------------------------------------------------------------

  /** Create (no `current`) or replace a service's spec, and start a rollout. */
  #apply(
    caller: Identity,
    name: ServiceName,
    current: StoredService | undefined,
    input: JsonObject,
    validateOnly: boolean,
  ): JsonObject {
    const { etag: _etag, name: _name, ...given } = input;
    checkServiceSpec(given, name.service);
    const defaultAccount = `${this.#deps.project.number}-compute@developer.gserviceaccount.com`;
    const template = withTemplateDefaults(object(given.template), defaultAccount);
    const serviceAccount = String(template.serviceAccount);
    if (!this.#deps.canActAs(caller, serviceAccount)) {
      throw permissionDenied(
        'iam.serviceaccounts.actAs',
        `Permission 'iam.serviceaccounts.actAs' denied on service account ${serviceAccount} (or it may not exist).`,
      );
    }
    const configKey = configurationKey(template);
    const generation = (current?.generation ?? 0) + 1;
    const givenRevision = typeof template.revision === 'string' ? template.revision : undefined;
    const previous =
      current?.latestCreated === undefined
        ? undefined
        : this.#revisions.get(`${name.key}/revisions/${current.latestCreated}`);
    let revisionName: string;
    let reuse: StoredRevision | undefined;
    if (givenRevision !== undefined) {
      const existing = this.#revisions.get(`${name.key}/revisions/${givenRevision}`);
      if (existing !== undefined && existing.configKey !== configKey) {
        throw new GoogleError(
          'ALREADY_EXISTS',
          `Revision named '${givenRevision}' with different configuration already exists.`,
        );
      }
      revisionName = givenRevision;
      reuse = existing;
    } else if (previous !== undefined && previous.configKey === configKey) {
      revisionName = previous.name;
      reuse = previous;
    } else {
      revisionName = automaticRevisionName(name.service, generation, this.#deps.random.letters(3));
    }
    const traffic = parseTraffic(given.traffic, name.service);
    const missingRevision = missingTrafficRevision(
      traffic,
      (r) => r === revisionName || this.#revisions.has(`${name.key}/revisions/${r}`),
      name.service,
    );

    const now = this.#deps.clock.now();
    const modifier = identityLabel(caller);
    const spec: JsonObject = { ...given, template };
    if (validateOnly) {
      const preview = this.#preview(name, current, spec, traffic, generation, modifier, now, revisionName);
      return {
        name: this.#operationName(name),
        metadata: { '@type': SERVICE_TYPE, ...preview },
        done: true,
        response: { '@type': SERVICE_TYPE, ...preview },
      };
    }

    if (reuse === undefined) {
      const revision: StoredRevision = {
        name: revisionName,
        serviceKey: name.key,
        uid: this.#deps.random.uuid(),
        template: { ...template, revision: revisionName },
        configKey,
        createTime: now,
        updateTime: now,
        state: 'pending',
        failure: undefined,
      };
      this.#revisions.set(`${name.key}/revisions/${revisionName}`, revision);
    }
    const service: StoredService = current ?? {
      name,
      uid: this.#deps.random.uuid(),
      createTime: now,
      creator: modifier,
      spec,
      traffic,
      generation: 0,
      observedGeneration: 0,
      updateTime: now,
      lastModifier: modifier,
      etag: '',
      latestCreated: undefined,
      latestReady: undefined,
      trafficInEffect: [],
      served: [],
      status: { state: 'CONDITION_RECONCILING', message: undefined, time: now },
    };
    service.spec = spec;
    service.traffic = traffic;
    service.generation = generation;
    service.updateTime = now;
    service.lastModifier = modifier;
    service.etag = this.#nextEtag(name.key);
    service.latestCreated = revisionName;
    service.status = { state: 'CONDITION_RECONCILING', message: undefined, time: now };
    this.#services.set(name.key, service);

    const operation = this.#newOperation(name, this.#render(service));
    this.#rollouts.push({
      serviceKey: name.key,
      generation,
      revision: revisionName,
      missingRevision,
      readyAt: operation.doneAt,
      operation: operation.name,
    });
    this.#settle();
    return this.#renderOperation(this.#operation(operation.name));
  }

  #preview(
    name: ServiceName,
    current: StoredService | undefined,
    spec: JsonObject,
    traffic: TrafficTarget[],
    generation: number,
    modifier: string,
    now: number,
    revisionName: string,
  ): JsonObject {
    const base: StoredService = {
      name,
      uid: current?.uid ?? '',
      createTime: current?.createTime ?? now,
      creator: current?.creator ?? modifier,
      spec,
      traffic,
      generation,
      observedGeneration: current?.observedGeneration ?? 0,
      updateTime: now,
      lastModifier: modifier,
      etag: current?.etag ?? '',
      latestCreated: revisionName,
      latestReady: current?.latestReady,
      trafficInEffect: current?.trafficInEffect ?? [],
      served: current?.served ?? [],
      status: { state: 'CONDITION_RECONCILING', message: undefined, time: now },
    };
    return this.#render(base);
  }

  /** Completes every rollout whose time has come, in time order. */
  #settle(): void {
    const now = this.#deps.clock.now();
    const due = this.#rollouts
      .filter((rollout) => rollout.readyAt <= now)
      .sort((a, b) => a.readyAt - b.readyAt);
    if (due.length === 0) return;
    this.#rollouts = this.#rollouts.filter((rollout) => rollout.readyAt > now);
    for (const rollout of due) this.#complete(rollout);
  }

  #complete(rollout: Rollout): void {
    const service = this.#services.get(rollout.serviceKey);
    const revision = this.#revisions.get(`${rollout.serviceKey}/revisions/${rollout.revision}`);
    const operation = this.#operations.get(rollout.operation);
    if (service === undefined || revision === undefined || operation === undefined) return;
    if (revision.state === 'pending') {
      const rule = matchingFailure(this.#failureRules, service.name.service, images(revision.template));
      revision.state = rule === undefined ? 'ready' : 'failed';
      revision.failure =
        rule === undefined
          ? undefined
          : (rule.message ??
            defaultFailureMessage(
              containerPort(revision.template),
              this.#logsUrl(service.name, revision.name),
            ));
      revision.updateTime = rollout.readyAt;
    }
    const current = rollout.generation === service.generation;
    const failure = this.#rolloutFailure(rollout, revision);
    if (current && revision.state === 'ready') service.latestReady = revision.name;
    if (current) service.observedGeneration = rollout.generation;
    if (failure === undefined) {
      if (current) {
        service.trafficInEffect = service.traffic;
        service.served = resolveTraffic(service.traffic, revision.name);
        service.status = { state: 'CONDITION_SUCCEEDED', message: undefined, time: rollout.readyAt };
      }
      operation.metadata = { '@type': SERVICE_TYPE, ...this.#render(service) };
      operation.result = { response: { '@type': SERVICE_TYPE, ...this.#render(service) } };
      return;
    }
    // The traffic in effect stays where it was: the previous revisions keep serving.
    if (current)
      service.status = { state: 'CONDITION_FAILED', message: failure.message, time: rollout.readyAt };
    operation.metadata = { '@type': SERVICE_TYPE, ...this.#render(service) };
    operation.result = { error: failure };
  }

  /** Why a rollout fails, worded and coded as Cloud Run's operation errors are. */
  #rolloutFailure(rollout: Rollout, revision: StoredRevision): { code: number; message: string } | undefined {
    if (revision.state === 'failed') {
      return {
        code: grpcCode('FAILED_PRECONDITION'),
        message: `Revision '${revision.name}' is not ready and cannot serve traffic. ${revision.failure ?? ''}`,
      };
    }
    if (rollout.missingRevision !== undefined) {
      return {
        code: grpcCode('INTERNAL'),
        message: `Revision '${rollout.missingRevision}' does not exist or is deleted. Update all traffic to route to currently available revisions.`,
      };
    }
    return undefined;
  }

  #newOperation(name: ServiceName, metadata: JsonObject): StoredOperation {
    const now = this.#deps.clock.now();
    const operation: StoredOperation = {
      name: this.#operationName(name),
      createTime: now,
      doneAt: now + this.#operationDurationMs,
      metadata: { '@type': SERVICE_TYPE, ...metadata },
      result: undefined,
    };
    this.#operations.set(operation.name, operation);
    return operation;
  }

  #operationName(name: ServiceName): string {
    return `${name.full}/operations/${this.#deps.random.uuid()}`;
  }

  #operation(name: string): StoredOperation {
    const operation = this.#operations.get(name);
    if (operation === undefined) throw new GoogleError('NOT_FOUND', `Operation '${name}' not found.`);
    return operation;
  }

  #renderOperation(operation: StoredOperation): JsonObject {
    const done = operation.result !== undefined && operation.doneAt <= this.#deps.clock.now();
    return {
      name: operation.name,
      metadata: operation.metadata,
      ...(done ? { done: true, ...operation.result } : {}),
    };
  }

  #nextEtag(key: string): string {
    this.#etagCounter += 1;
    return `"${Buffer.from(`${key}#${this.#etagCounter}#${this.#deps.clock.now()}`).toString('base64url')}"`;
  }

  #logsUrl(name: ServiceName, revision: string): string {
    const query = encodeURIComponent(
      `resource.type="cloud_run_revision"\nresource.labels.service_name="${name.service}"\nresource.labels.revision_name="${revision}"`,
    );
    return `https://console.cloud.google.com/logs/viewer?project=${name.project}&resource=cloud_run_revision/service_name/${name.service}/revision_name/${revision}&advancedFilter=${query}`;
  }

  /** The service's input fields, as a PATCH body would carry them (for update masks). */
  #inputOf(service: StoredService): JsonObject {
    return { ...service.spec, traffic: service.traffic.map((target) => ({ ...target })) };
  }

  #render(service: StoredService): JsonObject {
    const key = service.name.key;
    const uri = this.#deps.urls.serviceUrl(key);
    const { state, message, time } = service.status;
    const failed = state === 'CONDITION_FAILED' ? { severity: 'ERROR', reason: 'REVISION_FAILED' } : {};
    const ready: JsonObject = {
      type: 'Ready',
      state,
      ...(message === undefined ? {} : { message }),
      lastTransitionTime: timestamp(time),
      ...failed,
    };
    // Routes keep serving the previous split when a new revision fails.
    const routesState =
      service.served.length > 0 && state === 'CONDITION_FAILED' ? 'CONDITION_SUCCEEDED' : state;
    const revisionFull = (short: string) => `${key}/revisions/${short}`;
    return {
      ...service.spec,
      name: key,
      uid: service.uid,
      generation: String(service.generation),
      createTime: timestamp(service.createTime),
      updateTime: timestamp(service.updateTime),
      creator: service.creator,
      lastModifier: service.lastModifier,
      ingress: service.spec.ingress ?? 'INGRESS_TRAFFIC_ALL',
      launchStage: service.spec.launchStage ?? 'GA',
      traffic: service.traffic.map((target) => ({ ...target })),
      observedGeneration: String(service.observedGeneration),
      terminalCondition: ready,
      conditions: [
        { type: 'RoutesReady', state: routesState, lastTransitionTime: timestamp(time) },
        { ...ready, type: 'ConfigurationsReady' },
      ],
      ...(service.latestReady === undefined
        ? {}
        : { latestReadyRevision: revisionFull(service.latestReady) }),
      ...(service.latestCreated === undefined
        ? {}
        : { latestCreatedRevision: revisionFull(service.latestCreated) }),
      trafficStatuses: service.trafficInEffect.map((target) => ({
        ...target,
        ...(target.tag === undefined ? {} : { uri: this.#deps.urls.tagUrl(key, target.tag) }),
      })),
      uri,
      urls: [uri],
      ...(state === 'CONDITION_RECONCILING' ? { reconciling: true } : {}),
      etag: service.etag,
    };
  }

  #renderRevision(revision: StoredRevision): JsonObject {
    const service = parseServiceName(revision.serviceKey, this.#deps.project);
    const state: ConditionState =
      revision.state === 'ready'
        ? 'CONDITION_SUCCEEDED'
        : revision.state === 'failed'
          ? 'CONDITION_FAILED'
          : 'CONDITION_RECONCILING';
    const failure =
      revision.failure === undefined
        ? {}
        : { message: revision.failure, severity: 'ERROR', revisionReason: 'HEALTH_CHECK_CONTAINER_ERROR' };
    const { revision: _name, labels, annotations, ...template } = revision.template;
    return {
      name: `${revision.serviceKey}/revisions/${revision.name}`,
      uid: revision.uid,
      generation: '1',
      ...(labels === undefined ? {} : { labels }),
      ...(annotations === undefined ? {} : { annotations }),
      createTime: timestamp(revision.createTime),
      updateTime: timestamp(revision.updateTime),
      launchStage: 'GA',
      service: revision.serviceKey,
      ...template,
      ...(revision.state === 'pending' ? { reconciling: true } : {}),
      conditions: [
        { type: 'Ready', state, lastTransitionTime: timestamp(revision.updateTime), ...failure },
        { type: 'ContainerHealthy', state, lastTransitionTime: timestamp(revision.updateTime), ...failure },
        {
          type: 'ResourcesAvailable',
          state: revision.state === 'pending' ? state : 'CONDITION_SUCCEEDED',
          lastTransitionTime: timestamp(revision.updateTime),
        },
      ],
      observedGeneration: revision.state === 'pending' ? '0' : '1',
      logUri: this.#logsUrl(service, revision.name),
      etag: `"${Buffer.from(`${revision.serviceKey}/${revision.name}#${revision.updateTime}`).toString('base64url')}"`,
    };
  }
}

/** Copies the masked paths (`template`, `traffic`, `labels`, `template.scaling`, ...) from `input` over `base`. */
function applyMask(base: JsonObject, input: JsonObject, mask: readonly string[]): JsonObject {
  const result: JsonObject = structuredClone(base);
  for (const raw of mask) {
    const path = raw
      .trim()
      .split('.')
      .map((part) => part.replace(/_([a-z])/g, (_m, c: string) => c.toUpperCase()));
    if (path.length === 0 || path[0] === '') throw invalidArgument(`Invalid update_mask path '${raw}'.`);
    let from: JsonObject | undefined = input;
    let to: JsonObject = result;
    for (const [i, part] of path.entries()) {
      const last = i === path.length - 1;
      if (last) {
        if (from !== undefined && from[part] !== undefined) to[part] = structuredClone(from[part]);
        else delete to[part];
      } else {
        const next = object(to[part]);
        to[part] = next;
        to = next;
        from = from === undefined ? undefined : (object(from[part]) as JsonObject | undefined);
      }
    }
  }
  if (input.etag !== undefined) result.etag = input.etag;
  return result;
}

function page(
  field: string,
  all: readonly JsonObject[],
  pageSize: number | undefined,
  pageToken: string | undefined,
): JsonObject {
  let start = 0;
  if (pageToken !== undefined && pageToken !== '') {
    const decoded = Number(Buffer.from(pageToken, 'base64url').toString('utf8'));
    if (!Number.isInteger(decoded) || decoded < 0 || decoded > all.length) {
      throw invalidArgument(
        `Invalid page_token '${pageToken}'. Pass the next_page_token of the previous response unchanged.`,
      );
    }
    start = decoded;
  }
  const size = pageSize === undefined || pageSize <= 0 ? all.length : pageSize;
  const items = all.slice(start, start + size);
  const next =
    start + size < all.length ? Buffer.from(String(start + size)).toString('base64url') : undefined;
  return {
    ...(items.length > 0 ? { [field]: items } : {}),
    ...(next === undefined ? {} : { nextPageToken: next }),
  };
}
