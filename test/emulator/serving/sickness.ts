/**
 * Revisions that are Ready but unhealthy: the container started and listens, yet answers some
 * paths with a 5xx, as one with a broken `/healthz` would. Cloud Run's front end forwards such an
 * answer as is, so only the serving layer is involved; the rollout itself succeeds.
 */

/** A rule that makes matching revisions answer requests with an error status (set by tests). */
export interface SickRule {
  /** Service id (short name); any service when absent. */
  readonly service?: string;
  /** Substring of any container image of the revision; any image when absent. */
  readonly image?: string;
  /** 500..599; 503 when absent. */
  readonly status?: number;
  /** Path prefix (starts with `/`); every path when absent. */
  readonly path?: string;
  /** The first N matching requests are answered normally (sick from request N+1); 0 when absent. */
  readonly afterRequests?: number;
}

/** The request a revision is about to answer. */
export interface SickQuery {
  readonly service: string;
  readonly revision: string;
  readonly images: readonly string[];
  readonly path: string;
}

/** Why a rule is not usable, or `undefined` when it is. */
export function sickRuleProblem(rule: SickRule): string | undefined {
  const { status, path, afterRequests } = rule;
  if (status !== undefined && !(Number.isInteger(status) && status >= 500 && status <= 599))
    return `status must be an integer in 500..599, got ${String(status)}`;
  if (path !== undefined && !path.startsWith('/')) return `path must start with "/", got "${path}"`;
  if (afterRequests !== undefined && !(Number.isInteger(afterRequests) && afterRequests >= 0))
    return `afterRequests must be an integer ≥ 0, got ${String(afterRequests)}`;
  return undefined;
}

/** The active rules and how many matching requests each has seen (for `afterRequests`). */
export class SickRevisions {
  #rules: { readonly rule: SickRule; seen: number }[] = [];

  /** Adds a rule; returns a function removing it. Throws on an unusable rule. */
  add(rule: SickRule): () => void {
    const problem = sickRuleProblem(rule);
    if (problem !== undefined) throw new Error(`Invalid sick-revision rule: ${problem}.`);
    const entry = { rule, seen: 0 };
    this.#rules.push(entry);
    return () => {
      this.#rules = this.#rules.filter((e) => e !== entry);
    };
  }

  clear(): void {
    this.#rules = [];
  }

  /**
   * The error status this request gets, or `undefined` when the revision answers normally. The
   * first matching rule decides, and counts the request.
   */
  statusFor(query: SickQuery): number | undefined {
    const entry = this.#rules.find(({ rule }) => matches(rule, query));
    if (entry === undefined) return undefined;
    entry.seen++;
    if (entry.seen <= (entry.rule.afterRequests ?? 0)) return undefined;
    return entry.rule.status ?? 503;
  }
}

function matches(rule: SickRule, query: SickQuery): boolean {
  return (
    (rule.service === undefined || rule.service === query.service) &&
    (rule.image === undefined || query.images.some((image) => image.includes(rule.image ?? ''))) &&
    (rule.path === undefined || query.path.startsWith(rule.path))
  );
}
