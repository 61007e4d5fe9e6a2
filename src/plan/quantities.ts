/**
 * Kubernetes-style resource quantities as Cloud Run accepts them, normalized so that `1` and
 * `1000m` CPUs, or `1Gi` and `1024Mi` of memory, compare equal.
 */

const CPU = /^(\d+(?:\.\d+)?)(m?)$/;
const MEMORY = /^(\d+(?:\.\d+)?)(Ki|Mi|Gi|Ti|k|K|M|G|T)?$/;
const MEMORY_FACTOR: Readonly<Record<string, number>> = {
  '': 1,
  k: 1e3,
  K: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
};

/** Millicores, or `undefined` when the text is not a CPU quantity. */
export function cpuMillis(text: string): number | undefined {
  const match = CPU.exec(text.trim());
  if (match === null) return undefined;
  const amount = Number(match[1]);
  return Math.round(match[2] === 'm' ? amount : amount * 1000);
}

/** Bytes, or `undefined` when the text is not a memory quantity. */
export function memoryBytes(text: string): number | undefined {
  const match = MEMORY.exec(text.trim());
  if (match === null) return undefined;
  const factor = MEMORY_FACTOR[match[2] ?? ''];
  return factor === undefined ? undefined : Math.round(Number(match[1]) * factor);
}

/** Whether two quantities are the same amount (falling back to text when unparseable). */
export function sameQuantity(
  parse: (text: string) => number | undefined,
  a: string | undefined,
  b: string | undefined,
): boolean {
  if (a === undefined || b === undefined) return a === b;
  const left = parse(a);
  const right = parse(b);
  return left !== undefined && right !== undefined ? left === right : a === b;
}
