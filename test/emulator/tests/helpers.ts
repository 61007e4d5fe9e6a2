import { type Emulator, type EmulatorOptions, startEmulator } from '../emulator.ts';

export const PROJECT = 'demo-project';
export const NUMBER = '123456789012';
export const POOL = `projects/${NUMBER}/locations/global/workloadIdentityPools/github`;
export const PROVIDER = `${POOL}/providers/github`;
export const STS_AUDIENCE = `//iam.googleapis.com/${PROVIDER}`;
export const OIDC_AUDIENCE = `https://iam.googleapis.com/${PROVIDER}`;
export const DEPLOYER = `deployer@${PROJECT}.iam.gserviceaccount.com`;
export const PLANNER = `planner@${PROJECT}.iam.gserviceaccount.com`;
export const RUNTIME = `runtime@${PROJECT}.iam.gserviceaccount.com`;
export const CALLER = `caller@${PROJECT}.iam.gserviceaccount.com`;
export const OUTSIDER = `outsider@${PROJECT}.iam.gserviceaccount.com`;

/** Core tests run without plug-ins so they do not depend on the Cloud Run part. */
export function startCore(options: EmulatorOptions = {}): Promise<Emulator> {
  return startEmulator({ plugins: [], ...options });
}

export interface CallResult {
  readonly status: number;
  readonly headers: Headers;
  readonly json: Record<string, unknown>;
  readonly text: string;
}

export interface CallOptions {
  readonly method?: string;
  readonly token?: string;
  readonly json?: unknown;
  readonly form?: Record<string, string>;
  readonly raw?: string;
  readonly headers?: Record<string, string>;
}

export async function call(url: string, options: CallOptions = {}): Promise<CallResult> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.token !== undefined) headers.authorization = `Bearer ${options.token}`;
  let body: string | undefined;
  if (options.json !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(options.json);
  } else if (options.form !== undefined) {
    headers['content-type'] = 'application/x-www-form-urlencoded';
    body = new URLSearchParams(options.form).toString();
  } else if (options.raw !== undefined) {
    headers['content-type'] ??= 'application/json';
    body = options.raw;
  }
  const method = options.method ?? (body === undefined ? 'GET' : 'POST');
  const response = await fetch(url, { method, headers, ...(body === undefined ? {} : { body }) });
  const text = await response.text();
  let json: Record<string, unknown> = {};
  try {
    const parsed: unknown = JSON.parse(text);
    if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed))
      json = parsed as Record<string, unknown>;
  } catch {
    // Non-JSON answers are checked through `text`.
  }
  return { status: response.status, headers: response.headers, json, text };
}

/** A GitHub JWT for the provider's default audience, from the emulator's token endpoint. */
export async function githubToken(emulator: Emulator, audience = OIDC_AUDIENCE): Promise<string> {
  const env = emulator.env();
  const url = `${env.ACTIONS_ID_TOKEN_REQUEST_URL ?? ''}&audience=${encodeURIComponent(audience)}`;
  const answer = await call(url, { token: env.ACTIONS_ID_TOKEN_REQUEST_TOKEN ?? '' });
  if (answer.status !== 200 || typeof answer.json.value !== 'string')
    throw new Error(`token request failed: ${answer.text}`);
  return answer.json.value;
}

/** GitHub JWT → federated token, through STS as google-auth-library sends it. */
export async function federatedToken(emulator: Emulator): Promise<string> {
  const answer = await call(`${emulator.urls.sts}/v1/token`, {
    form: stsForm(await githubToken(emulator)),
  });
  if (answer.status !== 200 || typeof answer.json.access_token !== 'string')
    throw new Error(`STS failed: ${answer.text}`);
  return answer.json.access_token;
}

export function stsForm(
  subjectToken: string,
  overrides: Record<string, string> = {},
): Record<string, string> {
  return {
    grant_type: 'urn:ietf:params:oauth:grant-type:token-exchange',
    audience: STS_AUDIENCE,
    scope: 'https://www.googleapis.com/auth/cloud-platform',
    requested_token_type: 'urn:ietf:params:oauth:token-type:access_token',
    subject_token: subjectToken,
    subject_token_type: 'urn:ietf:params:oauth:token-type:jwt',
    ...overrides,
  };
}

/** A clock tests can move. */
export function fakeClock(start = Date.parse('2026-11-28T12:00:00Z')): {
  now(): number;
  advance(ms: number): void;
} {
  let now = start;
  return {
    now: () => now,
    advance: (ms: number) => {
      now += ms;
    },
  };
}
