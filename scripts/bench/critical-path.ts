/**
 * The shortest chain of round trips a deploy cannot avoid, as the APIs order them, and its duration
 * under the emulator's latency model: a request reaches the server `latency` ms after it is sent,
 * is answered at once, and the answer is back at once. A Cloud Run operation starts when the
 * write is handled and is done `operationMs` later; the request that sees it done can already be
 * in flight while it runs, so observing completion costs max(latency, operationMs) after the
 * write's answer, and nothing when the write's own answer says done (operationMs 0).
 */

export type Action = 'create' | 'update';

export interface Scenario {
  readonly action: Action;
  /** Whether the run must write the service's IAM policy (a created service with invokers, drift). */
  readonly writesInvokers: boolean;
}

export interface Stage {
  readonly name: string;
  /** `round-trip`: one request's latency; `operation`: waiting for the write's operation. */
  readonly kind: 'round-trip' | 'operation';
}

/** Before any target: identity, then one parallel round of every read and permission check. */
export const SHARED_STAGES: readonly Stage[] = [
  { name: 'GitHub OIDC token', kind: 'round-trip' },
  { name: 'STS exchange', kind: 'round-trip' },
  { name: 'generateAccessToken', kind: 'round-trip' },
  {
    name: 'getService ∥ getIamPolicy ∥ testIamPermissions ∥ roles.get',
    kind: 'round-trip',
  },
];

/** What one target then needs, in order. */
export function targetStages(scenario: Scenario): Stage[] {
  const stages: Stage[] = [
    { name: scenario.action === 'create' ? 'services.create' : 'services.update', kind: 'round-trip' },
    { name: 'operation done', kind: 'operation' },
  ];
  if (scenario.writesInvokers) stages.push({ name: 'setIamPolicy', kind: 'round-trip' });
  return stages;
}

export function minimumChain(scenario: Scenario): Stage[] {
  return [...SHARED_STAGES, ...targetStages(scenario)];
}

export function chainMs(stages: readonly Stage[], latencyMs: number, operationMs: number): number {
  let total = 0;
  for (const stage of stages) {
    if (stage.kind === 'round-trip') total += latencyMs;
    else if (operationMs > 0) total += Math.max(latencyMs, operationMs);
  }
  return total;
}

/** The chain as a formula in L (latency) and D (operation duration), e.g. `6L + max(L, D)`. */
export function formula(stages: readonly Stage[]): string {
  const trips = stages.filter((stage) => stage.kind === 'round-trip').length;
  const waits = stages.length - trips;
  const parts = [`${trips}L`, ...Array.from({ length: waits }, () => 'max(L, D)')];
  return parts.join(' + ');
}

/**
 * The lower bound for `targets` targets when at most `concurrency` are applied at once: the shared
 * stages once (reads of all targets fit one parallel round), then one target chain per wave.
 */
export function lowerBoundMs(
  scenario: Scenario,
  targets: number,
  concurrency: number,
  latencyMs: number,
  operationMs: number,
): number {
  if (!Number.isInteger(targets) || targets < 1) throw new Error(`targets must be ≥ 1, got ${targets}`);
  if (!Number.isInteger(concurrency) || concurrency < 1)
    throw new Error(`concurrency must be ≥ 1, got ${concurrency}`);
  const waves = Math.ceil(targets / concurrency);
  return (
    chainMs(SHARED_STAGES, latencyMs, operationMs) +
    waves * chainMs(targetStages(scenario), latencyMs, operationMs)
  );
}
