import { invalidArgument } from '../../core/google-error.ts';
import type { JsonObject } from '../../validate/canonical.ts';

/** One page of a list answer (`{[field]: items, nextPageToken?}`, `{}` when empty), with opaque tokens. */
export function page(
  field: string,
  all: readonly JsonObject[],
  pageSize: number | undefined,
  pageToken: string | undefined,
): JsonObject {
  let start = 0;
  if (pageToken !== undefined && pageToken !== '') {
    const decoded = Number(Buffer.from(pageToken, 'base64url').toString('utf8'));
    if (!Number.isInteger(decoded) || decoded < 0 || decoded > all.length) {
      throw invalidArgument(
        `Invalid page_token '${pageToken}'. Pass the next_page_token of the previous response unchanged.`,
      );
    }
    start = decoded;
  }
  const size = pageSize === undefined || pageSize <= 0 ? all.length : pageSize;
  const items = all.slice(start, start + size);
  const next =
    start + size < all.length ? Buffer.from(String(start + size)).toString('base64url') : undefined;
  return {
    ...(items.length > 0 ? { [field]: items } : {}),
    ...(next === undefined ? {} : { nextPageToken: next }),
  };
}
