/** Durations written as `1h`, `10m`, `600s` or `1m30s`, in whole seconds. */

const DURATION = /^(?:(\d{1,5})h)?(?:(\d{1,5})m)?(?:(\d{1,6})s)?$/;

/** Seconds, or `undefined` when the text is not a duration. */
export function parseDuration(text: string): number | undefined {
  const match = DURATION.exec(text);
  if (match === null || text === '') return undefined;
  const [, hours = '0', minutes = '0', seconds = '0'] = match;
  return Number(hours) * 3600 + Number(minutes) * 60 + Number(seconds);
}

/** The shortest exact form: 3600 → `1h`, 90 → `1m30s`, 0 → `0s`. */
export function formatDuration(seconds: number): string {
  const hours = Math.floor(seconds / 3600);
  const minutes = Math.floor((seconds % 3600) / 60);
  const rest = seconds % 60;
  const text = `${hours > 0 ? `${hours}h` : ''}${minutes > 0 ? `${minutes}m` : ''}${rest > 0 ? `${rest}s` : ''}`;
  return text === '' ? '0s' : text;
}

export interface DurationRange {
  readonly min: number;
  readonly max: number;
}

/** What a parsed duration must be, in words, e.g. "from 1s to 1h". */
export function describeRange(range: DurationRange): string {
  return `from ${formatDuration(range.min)} to ${formatDuration(range.max)}`;
}

/** The action's duration limits, shared by the policy file and the inputs. */
export const TOKEN_LIFETIME: DurationRange = { min: 301, max: 3600 };
export const REQUEST_TIMEOUT: DurationRange = { min: 1, max: 3600 };
export const WAIT_TIMEOUT: DurationRange = { min: 10, max: 6 * 3600 };
export const DEFAULT_TOKEN_LIFETIME_SECONDS = 600;
export const DEFAULT_WAIT_TIMEOUT_SECONDS = 600;
/** Pause after a canary step before its health check. */
export const CANARY_WAIT: DurationRange = { min: 0, max: 3600 };
/** Timeout of one health-check request. */
export const HEALTH_CHECK_TIMEOUT: DurationRange = { min: 1, max: 60 };
