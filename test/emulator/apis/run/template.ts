import { invalidArgument } from '../../core/google-error.ts';
import type { JsonObject } from '../../validate/canonical.ts';

function object(value: unknown): JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as JsonObject) : {};
}
function list(value: unknown): JsonObject[] {
  return Array.isArray(value) ? (value as JsonObject[]) : [];
}

const CPU = /^(\d+(\.\d+)?|\d+m)$/;
const MEMORY = /^(\d+)(Ki|Mi|Gi|k|M|G)?$/;
const RESERVED_ENV = new Set(['PORT', 'K_SERVICE', 'K_REVISION', 'K_CONFIGURATION']);
const LABEL_KEY = /^[a-z][a-z0-9_-]{0,62}$/;
const LABEL_VALUE = /^[a-z0-9_-]{0,63}$/;

function cpuMillis(cpu: string): number {
  return cpu.endsWith('m') ? Number(cpu.slice(0, -1)) : Number(cpu) * 1000;
}

function memoryBytes(memory: string): number {
  const [, digits = '0', unit = ''] = MEMORY.exec(memory) ?? [];
  const scale: Readonly<Record<string, number>> = {
    '': 1,
    k: 1e3,
    M: 1e6,
    G: 1e9,
    Ki: 2 ** 10,
    Mi: 2 ** 20,
    Gi: 2 ** 30,
  };
  return Number(digits) * (scale[unit] ?? 1);
}

function durationSeconds(duration: string): number {
  return Number(duration.slice(0, -1));
}

function checkLabels(labels: unknown, at: string): void {
  for (const [key, value] of Object.entries(object(labels))) {
    if (!LABEL_KEY.test(key) || typeof value !== 'string' || !LABEL_VALUE.test(value)) {
      throw invalidArgument(
        `${at}: label '${key}: ${String(value)}' is invalid. Keys start with a lowercase letter; keys and values use lowercase letters, digits, '_' and '-', up to 63 characters.`,
      );
    }
  }
}

/**
 * Cloud Run's own checks of a canonical service (after the JSON shape passed): a template with at
 * least one container, each with an image; valid cpu/memory, scaling, timeout, ports, env.
 */
export function checkServiceSpec(service: JsonObject, serviceId: string): void {
  checkLabels(service.labels, 'service.labels');
  const template = service.template;
  if (template === undefined) throw invalidArgument('service.template: a revision template is required.');
  const t = object(template);
  checkLabels(t.labels, 'service.template.labels');
  const revision = t.revision;
  if (typeof revision === 'string' && !revision.startsWith(`${serviceId}-`)) {
    throw invalidArgument(
      `service.template.revision '${revision}' must start with the service name followed by a hyphen ('${serviceId}-').`,
    );
  }
  const containers = list(t.containers);
  if (containers.length === 0)
    throw invalidArgument('service.template.containers: at least one container is required.');
  containers.forEach((container, i) => {
    const at = `service.template.containers[${i}]`;
    if (typeof container.image !== 'string' || container.image === '') {
      throw invalidArgument(
        `${at}.image: a container image is required, e.g. us-docker.pkg.dev/PROJECT/REPO/IMAGE:TAG.`,
      );
    }
    const limits = object(object(container.resources).limits);
    const cpu = limits.cpu;
    if (cpu !== undefined) {
      const millis = typeof cpu === 'string' && CPU.test(cpu) ? cpuMillis(cpu) : Number.NaN;
      if (
        !(millis >= 80 && millis <= 8000) ||
        (millis > 1000 && ![2000, 4000, 6000, 8000].includes(millis))
      ) {
        throw invalidArgument(
          `${at}.resources.limits.cpu: invalid value '${String(cpu)}'. Use a value below 1 (e.g. '500m'), or 1, 2, 4, 6 or 8.`,
        );
      }
    }
    const memory = limits.memory;
    if (memory !== undefined) {
      const bytes = typeof memory === 'string' && MEMORY.test(memory) ? memoryBytes(memory) : Number.NaN;
      if (!(bytes >= 128 * 2 ** 20 && bytes <= 32 * 2 ** 30)) {
        throw invalidArgument(
          `${at}.resources.limits.memory: invalid value '${String(memory)}'. Use a quantity between 128Mi and 32Gi, e.g. '512Mi' or '2Gi'.`,
        );
      }
    }
    for (const [key] of Object.entries(limits)) {
      if (!['cpu', 'memory', 'nvidia.com/gpu'].includes(key)) {
        throw invalidArgument(`${at}.resources.limits: unknown resource '${key}'; use 'cpu' or 'memory'.`);
      }
    }
    list(container.ports).forEach((port, j) => {
      const number = port.containerPort;
      if (number !== undefined && (typeof number !== 'number' || number < 1 || number > 65535)) {
        throw invalidArgument(
          `${at}.ports[${j}].container_port must be between 1 and 65535, got ${String(number)}.`,
        );
      }
    });
    const names = new Set<string>();
    list(container.env).forEach((variable, j) => {
      const name = typeof variable.name === 'string' ? variable.name : '';
      if (name === '') throw invalidArgument(`${at}.env[${j}].name is required.`);
      if (RESERVED_ENV.has(name)) {
        throw invalidArgument(
          `${at}.env[${j}]: the environment variable name '${name}' is reserved by Cloud Run; choose another name.`,
        );
      }
      if (names.has(name))
        throw invalidArgument(`${at}.env: the environment variable '${name}' is set more than once.`);
      names.add(name);
      if (variable.value !== undefined && variable.valueSource !== undefined) {
        throw invalidArgument(`${at}.env[${j}] ('${name}'): set either value or value_source, not both.`);
      }
    });
  });
  const scaling = object(t.scaling);
  const min = typeof scaling.minInstanceCount === 'number' ? scaling.minInstanceCount : 0;
  const max = typeof scaling.maxInstanceCount === 'number' ? scaling.maxInstanceCount : undefined;
  if (min < 0)
    throw invalidArgument(`service.template.scaling.min_instance_count must not be negative, got ${min}.`);
  if (max !== undefined && max < 0)
    throw invalidArgument(`service.template.scaling.max_instance_count must not be negative, got ${max}.`);
  if (max !== undefined && max > 0 && min > max) {
    throw invalidArgument(
      `service.template.scaling.min_instance_count (${min}) must not exceed max_instance_count (${max}).`,
    );
  }
  const concurrency = t.maxInstanceRequestConcurrency;
  if (typeof concurrency === 'number' && (concurrency < 0 || concurrency > 1000)) {
    throw invalidArgument(
      `service.template.max_instance_request_concurrency must be between 1 and 1000, got ${concurrency}.`,
    );
  }
  if (typeof t.timeout === 'string') {
    const seconds = durationSeconds(t.timeout);
    if (seconds <= 0 || seconds > 3600)
      throw invalidArgument(`service.template.timeout must be between 1s and 3600s, got ${t.timeout}.`);
  }
  const serviceScaling = object(service.scaling);
  const serviceMin = serviceScaling.minInstanceCount;
  if (typeof serviceMin === 'number' && serviceMin < 0) {
    throw invalidArgument(`service.scaling.min_instance_count must not be negative, got ${serviceMin}.`);
  }
}

/**
 * The template as Cloud Run stores it: the given one plus the defaults the server fills in
 * (runtime service account, port 8080, 1 CPU / 512Mi, 80 concurrent requests, 300 s, max 100).
 */
export function withTemplateDefaults(template: JsonObject, defaultServiceAccount: string): JsonObject {
  const scaling = object(template.scaling);
  return {
    ...template,
    serviceAccount: template.serviceAccount ?? defaultServiceAccount,
    timeout: template.timeout ?? '300s',
    maxInstanceRequestConcurrency: template.maxInstanceRequestConcurrency ?? 80,
    scaling: { ...scaling, maxInstanceCount: scaling.maxInstanceCount ?? 100 },
    containers: list(template.containers).map((container) => {
      const resources = object(container.resources);
      const limits = object(resources.limits);
      return {
        ...container,
        resources: {
          ...resources,
          limits: { ...limits, cpu: limits.cpu ?? '1000m', memory: limits.memory ?? '512Mi' },
        },
        ports: list(container.ports).length > 0 ? container.ports : [{ name: 'http1', containerPort: 8080 }],
      };
    }),
  };
}

/** A stable text of a revision's configuration (the template without its name), for equality. */
export function configurationKey(template: JsonObject): string {
  const { revision: _ignored, ...rest } = template;
  return stableStringify(rest);
}

function stableStringify(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableStringify).join(',')}]`;
  if (typeof value === 'object' && value !== null) {
    const entries = Object.entries(value as JsonObject).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stableStringify(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

export function containerPort(template: JsonObject): number {
  const ports = list(list(template.containers)[0]?.ports);
  const port = ports[0]?.containerPort;
  return typeof port === 'number' ? port : 8080;
}

export function images(template: JsonObject): string[] {
  return list(template.containers).map((container) => String(container.image ?? ''));
}
