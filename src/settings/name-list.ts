/**
 * A comma-separated list input such as `service: api, worker` or `region: us-central1,
 * europe-west1`. Pure: the items (trimmed, in the order written) or what is wrong and how to write it.
 */
import type { Finding } from './identities.ts';
import { show } from './problems.ts';
import type { Parsed } from './release-values.ts';

export interface NameListForm {
  /** What one item is, for messages: `service name`, `region`. */
  readonly noun: string;
  /** A valid list, for remedies: `api, worker`. */
  readonly example: string;
  /** The check of one item (its message names the item). */
  readonly check: (item: string) => Finding | undefined;
}

export function parseNameList(text: string, form: NameListForm): Parsed<readonly string[]> {
  const items = text.split(',').map((item) => item.trim());
  if (items.includes('')) {
    return {
      ok: false,
      what: `${show(text)} has an empty item`,
      remedy: `Separate the ${form.noun}s with single commas, e.g. ${form.example} (no leading, trailing or doubled comma).`,
    };
  }
  for (const item of items) {
    const finding = form.check(item);
    if (finding !== undefined) return { ok: false, ...finding };
  }
  const seen = new Set<string>();
  const repeated = items.find((item) => seen.size === seen.add(item).size);
  if (repeated !== undefined) {
    return {
      ok: false,
      what: `lists ${show(repeated)} twice`,
      remedy: `List each ${form.noun} once, e.g. ${form.example}.`,
    };
  }
  return { ok: true, value: Object.freeze(items) };
}
