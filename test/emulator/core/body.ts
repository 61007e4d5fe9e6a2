import { invalidArgument } from './google-error.ts';

/**
 * Parses a request body the way Google's front end does: form bodies become a string map, anything
 * else non-empty must be JSON. Malformed JSON is rejected with Google's 400 wording.
 */
export function parseBody(raw: string, contentType: string | undefined): unknown {
  if (raw.length === 0) return undefined;
  const type = (contentType ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  if (type === 'application/x-www-form-urlencoded') {
    const form: Record<string, string> = {};
    for (const [key, value] of new URLSearchParams(raw)) form[key] = value;
    return form;
  }
  try {
    return JSON.parse(raw) as unknown;
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    throw invalidArgument(`Invalid JSON payload received. ${detail}`);
  }
}

/** A plain JSON object (not an array or null). */
export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
