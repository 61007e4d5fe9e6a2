/** Shared set-up of the identity and permissions integration tests against the emulator. */
import * as core from '@actions/core';
import { type Endpoints, resolveEndpoints } from '../../src/google/endpoints.ts';
import type { RetryDeps } from '../../src/google/retry.ts';
import { type Claims, decodeJwtPayload } from '../../src/identity/claims.ts';
import { createDeployerCredentials, type DeployerCredentialsOptions } from '../../src/identity/federation.ts';
import { getGitHubIdToken } from '../../src/identity/oidc.ts';
import { type Emulator, startEmulator } from '../emulator/emulator.ts';

export const PROVIDER =
  'projects/123456789012/locations/global/workloadIdentityPools/github/providers/github';
export const DEPLOYER = 'deployer@demo-project.iam.gserviceaccount.com';
export const PLANNER = 'planner@demo-project.iam.gserviceaccount.com';
export const RUNTIME = 'runtime@demo-project.iam.gserviceaccount.com';
export const DEFAULT_AUDIENCE = `https://iam.googleapis.com/${PROVIDER}`;

/** Everything a test observed: what was masked and every line logged or thrown. */
export interface Observed {
  readonly secrets: string[];
  readonly logs: string[];
}

export interface Harness {
  readonly emulator: Emulator;
  readonly endpoints: Endpoints;
  readonly observed: Observed;
  readonly retry: RetryDeps;
  /** The GitHub token through `@actions/core` (as the action gets it) and its claims. */
  githubToken(audience?: string): Promise<{ token: string; claims: Claims }>;
  credentials(over?: Partial<DeployerCredentialsOptions>): ReturnType<typeof createDeployerCredentials>;
  /** Secrets the emulator minted that appear in any log line or message. */
  leaked(extra?: readonly string[]): string[];
  close(): Promise<void>;
}

export async function startHarness(): Promise<Harness> {
  const emulator = await startEmulator();
  const endpoints = resolveEndpoints('googleapis.com', emulator.env());
  const observed: Observed = { secrets: [], logs: [] };
  const retry: RetryDeps = {
    sleep: async () => {},
    random: () => 0.5,
    now: () => Date.now(),
    log: (message) => observed.logs.push(message),
  };
  const saved = { ...process.env };
  const setEnv = () => Object.assign(process.env, emulator.env());
  setEnv();
  const githubToken = async (audience = DEFAULT_AUDIENCE) => {
    setEnv();
    const token = await getGitHubIdToken(audience, {
      env: process.env,
      readFile: async () => '{}',
      getIDToken: (aud) => core.getIDToken(aud),
      setSecret: (secret) => observed.secrets.push(secret),
      retry,
    });
    return { token, claims: decodeJwtPayload(token) };
  };
  return {
    emulator,
    endpoints,
    observed,
    retry,
    githubToken,
    credentials: async (over = {}) => {
      const audience = over.audience ?? DEFAULT_AUDIENCE;
      const { token, claims } = await githubToken(audience);
      return createDeployerCredentials(
        {
          provider: PROVIDER,
          serviceAccount: DEPLOYER,
          lifetimeSeconds: 600,
          endpoints,
          subjectToken: token,
          claims,
          audience,
          requestTimeoutMs: 10_000,
          ...over,
        },
        { setSecret: (secret) => observed.secrets.push(secret), retry },
      );
    },
    leaked: (extra = []) => {
      const text = [...observed.logs, ...extra].join('\n');
      return emulator
        .mintedSecrets()
        .map((secret) => secret.value)
        .filter((value) => text.includes(value));
    },
    close: async () => {
      for (const key of Object.keys(process.env)) if (!(key in saved)) delete process.env[key];
      Object.assign(process.env, saved);
      await emulator.close();
    },
  };
}
