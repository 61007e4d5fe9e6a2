import { createHash } from 'node:crypto';
import { ActionError } from '../errors.ts';

const REVISION_NAME_MAX = 63;
const SHORT_SHA = 7;
const MIN_HASH = 4;
const MAX_HASH = 6;

export interface RevisionNameInput {
  readonly service: string;
  readonly sha: string;
  readonly runAttempt: string;
  /** Anything that distinguishes this deploy (run id, the template sent): hashed into the name. */
  readonly seed: string;
  /** Short names already used by the service (current template, latest created): never reused. */
  readonly taken: readonly string[];
}

/**
 * A fresh revision name `${service}-${sha7}-${attempt}-${hash}`: valid (lowercase letters, digits,
 * hyphens, at most 63 characters) and never one of `taken`, because Cloud Run answers 409 when a
 * name is reused with a different configuration.
 */
export function freshRevisionName(input: RevisionNameInput): string {
  const prefix = `${input.service}-`;
  const sha = input.sha
    .toLowerCase()
    .replace(/[^a-z0-9]/g, '')
    .slice(0, SHORT_SHA);
  const attempt = input.runAttempt.replace(/[^0-9]/g, '');
  for (let salt = 0; ; salt += 1) {
    const digest = createHash('sha256').update(`${input.seed}\n${salt}`).digest('hex');
    const name = assemble(prefix, [sha, attempt], digest);
    if (!input.taken.includes(name)) return name;
  }
}

/** Joins prefix, parts and as much hash as fits; drops parts when the service name is long. */
function assemble(prefix: string, parts: readonly string[], digest: string): string {
  const kept = parts.filter((part) => part !== '');
  while (true) {
    const head = [prefix.slice(0, -1), ...kept].join('-');
    const room = REVISION_NAME_MAX - head.length - 1;
    if (room >= MIN_HASH) return `${head}-${digest.slice(0, Math.min(MAX_HASH, room))}`;
    if (kept.length === 0) {
      throw new ActionError(`service name '${prefix.slice(0, -1)}' is too long to derive a revision name`, {
        remedy: 'Use a Cloud Run service name of at most 49 characters.',
      });
    }
    kept.pop();
  }
}
