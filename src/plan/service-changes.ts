/**
 * The human-readable differences between the current and the desired service, over the fields
 * the policy manages (everything else is copied from the current service, so it cannot differ).
 * Both sides are normalized first: enum names vs numbers, int64 as string vs Long, proto3
 * defaults, `1` vs `1000m`. The revision name and the commit label are not compared, so the same
 * settings and image deployed from a new commit (or re-run) are no change.
 */
import type { protos } from '@google-cloud/run';
import { enumName, ingressLabel, TRAFFIC_TYPE } from './enums.ts';
import { COMMIT_LABEL } from './labels.ts';
import { durationSeconds } from './proto-plain.ts';
import { cpuMillis, memoryBytes, sameQuantity } from './quantities.ts';
import type { FieldChange, RunService } from './types.ts';

type Container = protos.google.cloud.run.v2.IContainer;
type EnvVar = protos.google.cloud.run.v2.IEnvVar;

/** A display value of a plain env var: values are never shown (they may be sensitive). */
const PLAIN_VALUE = '(value)';
const CHANGED_VALUE = '(changed value)';

interface EnvEntry {
  /** What is compared. */
  readonly key: string;
  /** What is shown. */
  readonly display: string;
}

interface ServiceView {
  readonly image: string | undefined;
  readonly port: string | undefined;
  readonly env: ReadonlyMap<string, EnvEntry>;
  readonly cpu: string | undefined;
  readonly memory: string | undefined;
  readonly concurrency: string | undefined;
  readonly timeout: string | undefined;
  readonly minInstances: string | undefined;
  readonly maxInstances: string | undefined;
  readonly serviceAccount: string | undefined;
  readonly ingress: string | undefined;
  readonly traffic: string | undefined;
  readonly labels: ReadonlyMap<string, string>;
  readonly templateLabels: ReadonlyMap<string, string>;
}

/** Field-level changes from `current` (absent = the service does not exist) to `desired`. */
export function serviceChanges(current: RunService | undefined, desired: RunService): FieldChange[] {
  const before = viewOf(current);
  const after = viewOf(desired);
  const changes: FieldChange[] = [];
  const scalar = (path: string, a: string | undefined, b: string | undefined, same = a === b): void => {
    if (!same) changes.push({ path, before: a, after: b });
  };
  scalar('image', before.image, after.image);
  scalar('port', before.port, after.port);
  changes.push(...envChanges(before.env, after.env));
  scalar('resources.cpu', before.cpu, after.cpu, sameQuantity(cpuMillis, before.cpu, after.cpu));
  scalar(
    'resources.memory',
    before.memory,
    after.memory,
    sameQuantity(memoryBytes, before.memory, after.memory),
  );
  scalar('concurrency', before.concurrency, after.concurrency);
  scalar('timeout', before.timeout, after.timeout);
  scalar('scaling.minInstances', before.minInstances, after.minInstances);
  scalar('scaling.maxInstances', before.maxInstances, after.maxInstances);
  scalar('serviceAccount', before.serviceAccount, after.serviceAccount);
  scalar('ingress', before.ingress, after.ingress);
  scalar('traffic', before.traffic, after.traffic);
  changes.push(...mapChanges('labels', before.labels, after.labels));
  changes.push(...mapChanges('template.labels', before.templateLabels, after.templateLabels));
  return changes;
}

function viewOf(service: RunService | undefined): ServiceView {
  const template = service?.template ?? {};
  const container = ingressContainer(template.containers ?? []);
  const limits = container?.resources?.limits ?? {};
  return {
    image: text(container?.image),
    port: count(container?.ports?.[0]?.containerPort),
    env: envView(container?.env ?? []),
    cpu: text(limits.cpu),
    memory: text(limits.memory),
    concurrency: count(template.maxInstanceRequestConcurrency),
    timeout: seconds(durationSeconds(template.timeout)),
    minInstances: count(template.scaling?.minInstanceCount),
    maxInstances: count(template.scaling?.maxInstanceCount),
    serviceAccount: text(template.serviceAccount),
    ingress: ingressLabel(service?.ingress),
    traffic: trafficView(service),
    labels: labelView(service?.labels),
    templateLabels: labelView(template.labels),
  };
}

function ingressContainer(containers: readonly Container[]): Container | undefined {
  return containers.find((container) => (container.ports ?? []).length > 0) ?? containers[0];
}

function envView(env: readonly EnvVar[]): Map<string, EnvEntry> {
  const view = new Map<string, EnvEntry>();
  for (const variable of env) {
    if (!variable.name) continue;
    const ref = variable.valueSource?.secretKeyRef;
    if (ref?.secret) {
      const display = `secret ${ref.secret} version ${ref.version || 'latest'}`;
      view.set(variable.name, { key: `secret\n${display}`, display });
    } else {
      view.set(variable.name, { key: `value\n${variable.value ?? ''}`, display: PLAIN_VALUE });
    }
  }
  return view;
}

function envChanges(
  before: ReadonlyMap<string, EnvEntry>,
  after: ReadonlyMap<string, EnvEntry>,
): FieldChange[] {
  const changes: FieldChange[] = [];
  for (const name of sortedKeys(before, after)) {
    const a = before.get(name);
    const b = after.get(name);
    if (a?.key === b?.key) continue;
    const shown = b !== undefined && a?.display === b.display ? CHANGED_VALUE : b?.display;
    changes.push({ path: `env.${name}`, before: a?.display, after: shown });
  }
  return changes;
}

function mapChanges(
  path: string,
  before: ReadonlyMap<string, string>,
  after: ReadonlyMap<string, string>,
): FieldChange[] {
  return sortedKeys(before, after)
    .filter((key) => before.get(key) !== after.get(key))
    .map((key) => ({ path: `${path}.${key}`, before: before.get(key), after: after.get(key) }));
}

function labelView(labels: Readonly<Record<string, string>> | null | undefined): Map<string, string> {
  return new Map(Object.entries(labels ?? {}).filter(([key]) => key !== COMMIT_LABEL));
}

/** E.g. `100% latest, 0% revision hello-abc (tag canary)`; sorted so order does not matter. */
function trafficView(service: RunService | undefined): string | undefined {
  const entries = (service?.traffic ?? []).map((target) => {
    const type = enumName(TRAFFIC_TYPE, target.type);
    const what =
      type === 'TRAFFIC_TARGET_ALLOCATION_TYPE_LATEST' ? 'latest' : `revision ${target.revision ?? ''}`;
    return `${target.percent ?? 0}% ${what}${target.tag ? ` (tag ${target.tag})` : ''}`;
  });
  return entries.length === 0 ? undefined : entries.sort().join(', ');
}

function sortedKeys(a: ReadonlyMap<string, unknown>, b: ReadonlyMap<string, unknown>): string[] {
  return [...new Set([...a.keys(), ...b.keys()])].sort();
}

function text(value: string | null | undefined): string | undefined {
  return value ? value : undefined;
}

/** Counts where proto3's 0 means unset. */
function count(value: number | null | undefined): string | undefined {
  return value ? String(value) : undefined;
}

function seconds(value: number | undefined): string | undefined {
  return value === undefined ? undefined : `${value}s`;
}
