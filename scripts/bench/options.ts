/** Benchmark settings from flags, then `BENCH_*` environment variables, then defaults. */
import { parseArgs } from 'node:util';

export interface BenchOptions {
  /** Repetitions of every measurement (medians over these). */
  readonly runs: number;
  /** Latency injected into every Google API and the OIDC endpoint, one deploy series each. */
  readonly latencies: readonly number[];
  /** How long each Cloud Run operation takes in the emulator. */
  readonly operationMs: number;
  /** Service-region pair counts of the scale series. */
  readonly scale: readonly number[];
  /** Latency of the scale series. */
  readonly scaleLatency: number;
  /** Where the Markdown goes; `undefined` = nowhere. */
  readonly doc: string | undefined;
}

export const USAGE = `Usage: node scripts/bench.ts [--runs N] [--latencies 0,50,150] [--operation-ms 500]
                            [--scale 1,10,50] [--scale-latency 50] [--doc docs/benchmark.md | --no-doc]
Environment: BENCH_RUNS, BENCH_LATENCIES, BENCH_OPERATION_MS, BENCH_SCALE, BENCH_SCALE_LATENCY.
--quick = --runs 1 --scale 1,10.`;

function integer(name: string, text: string, min: number): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < min)
    throw new Error(`${name} must be an integer ≥ ${min}, got '${text}'.\n${USAGE}`);
  return value;
}

function integers(name: string, text: string, min: number): number[] {
  const values = text.split(',').map((part) => integer(name, part.trim(), min));
  if (values.length === 0) throw new Error(`${name} needs at least one value.\n${USAGE}`);
  return values;
}

export function parseOptions(
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
  defaultDoc: string,
): BenchOptions {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      runs: { type: 'string' },
      latencies: { type: 'string' },
      'operation-ms': { type: 'string' },
      scale: { type: 'string' },
      'scale-latency': { type: 'string' },
      doc: { type: 'string' },
      'no-doc': { type: 'boolean' },
      quick: { type: 'boolean' },
    },
    strict: true,
    allowPositionals: false,
  });
  const quick = values.quick === true;
  const pick = (flag: string | undefined, variable: string, fallback: string): string =>
    flag ?? env[variable] ?? fallback;
  return {
    runs: integer('--runs', pick(values.runs, 'BENCH_RUNS', quick ? '1' : '5'), 1),
    latencies: integers('--latencies', pick(values.latencies, 'BENCH_LATENCIES', '0,50,150'), 0),
    operationMs: integer('--operation-ms', pick(values['operation-ms'], 'BENCH_OPERATION_MS', '500'), 0),
    scale: integers('--scale', pick(values.scale, 'BENCH_SCALE', quick ? '1,10' : '1,10,50'), 1),
    scaleLatency: integer('--scale-latency', pick(values['scale-latency'], 'BENCH_SCALE_LATENCY', '50'), 0),
    doc: values['no-doc'] === true ? undefined : (values.doc ?? defaultDoc),
  };
}
