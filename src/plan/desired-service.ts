/**
 * The Service to send: the current service with the fields the policy manages replaced, so
 * settings made by others (probes, volumes, VPC access, annotations, ...) survive a deploy.
 */

import type { protos } from '@google-cloud/run';
import { ActionError } from '../errors.ts';
import type { RunContext, ServiceSettings } from '../settings/types.ts';
import { enumName, ingressEnum, TRAFFIC_TYPE } from './enums.ts';
import { actionLabels } from './labels.ts';
import { shortName } from './resource-names.ts';
import { freshRevisionName } from './revision-name.ts';
import { inputFields } from './service-input.ts';
import type { RunService } from './types.ts';

type Template = protos.google.cloud.run.v2.IRevisionTemplate;
type Container = protos.google.cloud.run.v2.IContainer;
type EnvVar = protos.google.cloud.run.v2.IEnvVar;
type TrafficTarget = protos.google.cloud.run.v2.ITrafficTarget;

export interface DesiredServiceInput {
  readonly settings: ServiceSettings;
  /** Full resource name `projects/P/locations/R/services/S`. */
  readonly name: string;
  readonly image: string;
  readonly run: RunContext;
  /** The service as read (any form: getService or an operation result), or none yet. */
  readonly current: RunService | undefined;
}

export interface DesiredService {
  readonly service: RunService;
  readonly revisionName: string;
}

export function desiredService(input: DesiredServiceInput): DesiredService {
  const { settings, run, current } = input;
  const base = current === undefined ? {} : inputFields(current);
  const ours = { ...settings.labels, ...actionLabels(run.sha) };
  const template = desiredTemplate(settings, input.image, base.template ?? {}, ours);
  const revisionName = freshRevisionName({
    service: settings.name,
    sha: run.sha,
    runAttempt: run.runAttempt,
    seed: `${run.runId}/${run.runAttempt}/${JSON.stringify(template)}`,
    taken: [current?.template?.revision, current?.latestCreatedRevision, current?.latestReadyRevision]
      .filter((name): name is string => typeof name === 'string' && name !== '')
      .map(shortName),
  });
  const service: RunService = {
    ...base,
    ...(current === undefined ? {} : { name: input.name }),
    ...(current?.etag ? { etag: current.etag } : {}),
    labels: { ...base.labels, ...ours },
    ...(settings.ingress === undefined ? {} : { ingress: ingressEnum(settings.ingress) }),
    template: { ...template, revision: revisionName },
    traffic: desiredTraffic(base.traffic ?? []),
  };
  return { service, revisionName };
}

function desiredTemplate(
  settings: ServiceSettings,
  image: string,
  current: Template,
  labels: Readonly<Record<string, string>>,
): Template {
  const containers = [...(current.containers ?? [])];
  // The ingress container is the one that declares a port; a single container is it anyway.
  const found = containers.findIndex((container) => (container.ports ?? []).length > 0);
  const index = found === -1 ? 0 : found;
  containers[index] = desiredContainer(settings, image, containers[index] ?? {});
  const scaling = {
    ...current.scaling,
    ...(settings.minInstances === undefined ? {} : { minInstanceCount: settings.minInstances }),
    ...(settings.maxInstances === undefined ? {} : { maxInstanceCount: settings.maxInstances }),
  };
  const { revision: _previous, ...kept } = current;
  return {
    ...kept,
    labels: { ...current.labels, ...labels },
    containers,
    ...(Object.keys(scaling).length === 0 ? {} : { scaling }),
    ...(settings.timeoutSeconds === undefined ? {} : { timeout: { seconds: settings.timeoutSeconds } }),
    ...(settings.runtimeServiceAccount === undefined
      ? {}
      : { serviceAccount: settings.runtimeServiceAccount }),
    ...(settings.concurrency === undefined ? {} : { maxInstanceRequestConcurrency: settings.concurrency }),
  };
}

function desiredContainer(settings: ServiceSettings, image: string, current: Container): Container {
  const limits = {
    ...current.resources?.limits,
    ...(settings.cpu === undefined ? {} : { cpu: settings.cpu }),
    ...(settings.memory === undefined ? {} : { memory: settings.memory }),
  };
  const [firstPort] = current.ports ?? [];
  return {
    ...current,
    image,
    env: desiredEnv(settings),
    ...(settings.port === undefined ? {} : { ports: [{ ...firstPort, containerPort: settings.port }] }),
    ...(Object.keys(limits).length === 0 ? {} : { resources: { ...current.resources, limits } }),
  };
}

/** Authoritative: exactly the declared variables, plain values first, then secret references. */
function desiredEnv(settings: ServiceSettings): EnvVar[] {
  const plain = Object.entries(settings.env).map(([name, value]): EnvVar => ({ name, value }));
  const secrets = Object.entries(settings.secrets).map(
    ([name, ref]): EnvVar => ({
      name,
      valueSource: { secretKeyRef: { secret: ref.secret, version: ref.version } },
    }),
  );
  const clash = secrets.find(
    (secret) => secret.name !== undefined && secret.name !== null && secret.name in settings.env,
  );
  if (clash !== undefined) {
    throw new ActionError(`service '${settings.name}' declares '${clash.name}' both as env and as a secret`, {
      remedy: `Keep '${clash.name}' under either env or secrets, not both.`,
      ...(settings.span === undefined ? {} : { place: { kind: 'file', ...settings.span } }),
    });
  }
  return [...plain, ...secrets];
}

/**
 * 100% to the latest revision. Tagged targets stay (at 0%) so their tag URLs keep working; a tag
 * on the latest target moves onto the new 100% target.
 */
function desiredTraffic(current: readonly TrafficTarget[]): TrafficTarget[] {
  const tagged = current.filter((target) => typeof target.tag === 'string' && target.tag !== '');
  const isLatest = (target: TrafficTarget): boolean =>
    enumName(TRAFFIC_TYPE, target.type) === 'TRAFFIC_TARGET_ALLOCATION_TYPE_LATEST';
  const latestTag = tagged.find(isLatest)?.tag;
  const pinned = tagged
    .filter((target) => !isLatest(target))
    .map(
      (target): TrafficTarget => ({
        type: 'TRAFFIC_TARGET_ALLOCATION_TYPE_REVISION',
        ...(target.revision ? { revision: target.revision } : {}),
        ...(target.tag ? { tag: target.tag } : {}),
      }),
    );
  return [
    { type: 'TRAFFIC_TARGET_ALLOCATION_TYPE_LATEST', percent: 100, ...(latestTag ? { tag: latestTag } : {}) },
    ...pinned,
  ];
}
