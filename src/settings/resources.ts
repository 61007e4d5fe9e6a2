/**
 * Cloud Run's limits on CPU and memory per instance, checked before deploying so a bad value
 * fails with a located message instead of a rejected revision.
 */
import { cpuMillis, memoryBytes } from '../plan/quantities.ts';

const MIB = 2 ** 20;
const GIB = 2 ** 30;
const WHOLE_CPUS = [1000, 2000, 4000, 6000, 8000];
/** Memory above `over` bytes needs at least `cpus` millicores. */
const MEMORY_NEEDS_CPU = [
  { over: 24 * GIB, millis: 8000 },
  { over: 16 * GIB, millis: 6000 },
  { over: 8 * GIB, millis: 4000 },
  { over: 4 * GIB, millis: 2000 },
];
/** `millis` CPUs need at least `bytes` of memory. */
const CPU_NEEDS_MEMORY = [
  { millis: 6000, bytes: 4 * GIB },
  { millis: 4000, bytes: 2 * GIB },
];

export interface Limit {
  readonly what: string;
  readonly remedy: string;
}

/** A CPU amount Cloud Run accepts: a fraction from 0.08 below 1, or 1, 2, 4, 6 or 8. */
export function checkCpu(text: string, concurrency: number | undefined): Limit | undefined {
  const millis = cpuMillis(text);
  if (
    millis === undefined ||
    millis < 80 ||
    millis > 8000 ||
    (millis >= 1000 && !WHOLE_CPUS.includes(millis))
  ) {
    return {
      what: `cpu '${text}' is not a CPU amount Cloud Run offers`,
      remedy: 'Use 1, 2, 4, 6 or 8, or a fraction from 0.08 to below 1 (e.g. 0.5 or 500m).',
    };
  }
  if (millis < 1000 && concurrency !== 1) {
    return {
      what: `cpu '${text}' is below 1, which Cloud Run allows only with concurrency 1`,
      remedy: 'Set concurrency: 1, or use cpu: "1" or more.',
    };
  }
  return undefined;
}

/** A memory amount from 128Mi to 32Gi. */
export function checkMemory(text: string): Limit | undefined {
  const bytes = memoryBytes(text);
  if (bytes === undefined || bytes < 128 * MIB || bytes > 32 * GIB) {
    return {
      what: `memory '${text}' is outside Cloud Run's range of 128Mi to 32Gi`,
      remedy: 'Use an amount from 128Mi to 32Gi, e.g. 512Mi or 2Gi.',
    };
  }
  return undefined;
}

/** Cloud Run's pairings: large memory needs more CPUs, and 4+ CPUs need a minimum of memory. */
export function checkCpuForMemory(cpu: string, memory: string): Limit | undefined {
  const millis = cpuMillis(cpu);
  const bytes = memoryBytes(memory);
  if (millis === undefined || bytes === undefined) return undefined;
  const needsCpu = MEMORY_NEEDS_CPU.find((rule) => bytes > rule.over);
  if (needsCpu !== undefined && millis < needsCpu.millis) {
    return {
      what: `memory '${memory}' needs at least ${needsCpu.millis / 1000} CPUs, but cpu is '${cpu}'`,
      remedy: `Raise cpu to "${needsCpu.millis / 1000}" or lower memory to ${needsCpu.over / GIB}Gi.`,
    };
  }
  const needsMemory = CPU_NEEDS_MEMORY.find((rule) => millis >= rule.millis);
  if (needsMemory !== undefined && bytes < needsMemory.bytes) {
    return {
      what: `cpu '${cpu}' needs at least ${needsMemory.bytes / GIB}Gi of memory, but memory is '${memory}'`,
      remedy: `Raise memory to ${needsMemory.bytes / GIB}Gi or lower cpu.`,
    };
  }
  return undefined;
}
