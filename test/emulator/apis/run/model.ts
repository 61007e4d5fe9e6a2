import { randomInt, randomUUID } from 'node:crypto';
import { GoogleError, grpcCode, permissionDenied } from '../../core/google-error.ts';
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
import { page } from './paging.ts';
import type { StoredOperation, StoredRevision, StoredService } from './records.ts';
import { asObject, SERVICE_TYPE, timestamp } from './records.ts';
import type { ServiceUrls } from './render.ts';
import { logsUrl, renderOperation, renderRevision, renderService } from './render.ts';
import {
  checkServiceSpec,
  configurationKey,
  containerPort,
  images,
  withTemplateDefaults,
} from './template.ts';
import type { ServedTarget, TrafficTarget } from './traffic.ts';
import { missingTrafficRevision, parseTraffic, resolveTraffic } from './traffic.ts';
import { applyMask } from './update-mask.ts';

export interface RunRandom {
  uuid(): string;
  /** `count` lowercase letters. */
  letters(count: number): string;
}

export const cryptoRandom: RunRandom = {
  uuid: () => randomUUID(),
  letters: (count) => Array.from({ length: count }, () => String.fromCharCode(97 + randomInt(26))).join(''),
};

export interface RunModelDeps {
  readonly project: ProjectInfo;
  readonly clock: Clock;
  readonly random: RunRandom;
  readonly urls: ServiceUrls;
  /** Whether the caller holds `iam.serviceAccounts.actAs` on the (existing) service account. */
  canActAs(caller: Identity, email: string): boolean;
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
    const rendered = { ...renderService(current, this.#deps.urls), deleteTime: timestamp(now) };
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
    return renderOperation(operation, this.#deps.clock.now());
  }

  getService(name: string): JsonObject {
    this.#settle();
    const parsed = parseServiceName(name, this.#deps.project);
    const service = this.#services.get(parsed.key);
    if (service === undefined) throw serviceNotFound(parsed);
    return renderService(service, this.#deps.urls);
  }

  listServices(parent: string, pageSize: number | undefined, pageToken: string | undefined): JsonObject {
    this.#settle();
    const location = parseLocation(parent, this.#deps.project);
    const all = [...this.#services.values()]
      .filter((service) => service.name.full === location.full)
      .sort((a, b) => (a.name.key < b.name.key ? -1 : 1))
      .map((service) => renderService(service, this.#deps.urls));
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
    return renderRevision(revision);
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
      .map((revision) => renderRevision(revision));
    return page('revisions', all, pageSize, pageToken);
  }

  // ---- operations -----------------------------------------------------------------------------

  getOperation(name: string): JsonObject {
    this.#settle();
    return renderOperation(this.#operation(name), this.#deps.clock.now());
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
      .map((operation) => renderOperation(operation, this.#deps.clock.now()));
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

  snapshot(): JsonObject {
    this.#settle();
    const services = [...this.#services.values()].sort((a, b) => (a.name.key < b.name.key ? -1 : 1));
    return {
      services: services.map((service) => renderService(service, this.#deps.urls)),
      revisions: [...this.#revisions.values()]
        .sort((a, b) => (a.name < b.name ? -1 : 1))
        .map((r) => renderRevision(r)),
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
    const template = withTemplateDefaults(asObject(given.template), defaultAccount);
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

    const operation = this.#newOperation(name, renderService(service, this.#deps.urls));
    this.#rollouts.push({
      serviceKey: name.key,
      generation,
      revision: revisionName,
      missingRevision,
      readyAt: operation.doneAt,
      operation: operation.name,
    });
    this.#settle();
    return renderOperation(this.#operation(operation.name), this.#deps.clock.now());
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
    return renderService(base, this.#deps.urls);
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
      const rule = matchingFailure(
        this.#failureRules,
        service.name.service,
        service.name.location,
        images(revision.template),
      );
      revision.state = rule === undefined ? 'ready' : 'failed';
      revision.failure =
        rule === undefined
          ? undefined
          : (rule.message ??
            defaultFailureMessage(
              containerPort(revision.template),
              logsUrl(service.name.key, revision.name),
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
      operation.metadata = { '@type': SERVICE_TYPE, ...renderService(service, this.#deps.urls) };
      operation.result = { response: { '@type': SERVICE_TYPE, ...renderService(service, this.#deps.urls) } };
      return;
    }
    // The traffic in effect stays where it was: the previous revisions keep serving.
    if (current)
      service.status = { state: 'CONDITION_FAILED', message: failure.message, time: rollout.readyAt };
    operation.metadata = { '@type': SERVICE_TYPE, ...renderService(service, this.#deps.urls) };
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

  #nextEtag(key: string): string {
    this.#etagCounter += 1;
    return `"${Buffer.from(`${key}#${this.#etagCounter}#${this.#deps.clock.now()}`).toString('base64url')}"`;
  }

  /** The service's input fields, as a PATCH body would carry them (for update masks). */
  #inputOf(service: StoredService): JsonObject {
    return { ...service.spec, traffic: service.traffic.map((target) => ({ ...target })) };
  }
}
