import type { JsonObject } from '../../validate/canonical.ts';
import type { ConditionState, StoredOperation, StoredRevision, StoredService } from './records.ts';
import { timestamp } from './records.ts';

/** The URLs the serving side assigned; stable for a service's lifetime. */
export interface ServiceUrls {
  serviceUrl(key: string): string;
  tagUrl(key: string, tag: string): string;
}

/** The Cloud Console logs link Cloud Run puts in revision messages (`key` = a service name). */
export function logsUrl(key: string, revision: string): string {
  const [, project = '', , , , service = ''] = key.split('/');
  const query = encodeURIComponent(
    `resource.type="cloud_run_revision"\nresource.labels.service_name="${service}"\nresource.labels.revision_name="${revision}"`,
  );
  return `https://console.cloud.google.com/logs/viewer?project=${project}&resource=cloud_run_revision/service_name/${service}/revision_name/${revision}&advancedFilter=${query}`;
}

/** An operation as the API answers it: `done` and the result only once its time has come. */
export function renderOperation(operation: StoredOperation, now: number): JsonObject {
  const done = operation.result !== undefined && operation.doneAt <= now;
  return {
    name: operation.name,
    metadata: operation.metadata,
    ...(done ? { done: true, ...operation.result } : {}),
  };
}

/** A service as the API answers it: the stored spec plus every output field. */
export function renderService(service: StoredService, urls: ServiceUrls): JsonObject {
  const key = service.name.key;
  const uri = urls.serviceUrl(key);
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
    ...(service.latestReady === undefined ? {} : { latestReadyRevision: revisionFull(service.latestReady) }),
    ...(service.latestCreated === undefined
      ? {}
      : { latestCreatedRevision: revisionFull(service.latestCreated) }),
    trafficStatuses: service.trafficInEffect.map((target) => ({
      ...target,
      ...(target.tag === undefined ? {} : { uri: urls.tagUrl(key, target.tag) }),
    })),
    uri,
    urls: [uri],
    ...(state === 'CONDITION_RECONCILING' ? { reconciling: true } : {}),
    etag: service.etag,
  };
}

/** A revision as the API answers it. */
export function renderRevision(revision: StoredRevision): JsonObject {
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
    logUri: logsUrl(revision.serviceKey, revision.name),
    etag: `"${Buffer.from(`${revision.serviceKey}/${revision.name}#${revision.updateTime}`).toString('base64url')}"`,
  };
}
