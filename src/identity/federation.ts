import { type AuthClient, OAuth2Client } from 'google-auth-library';
import type { Endpoints } from '../google/endpoints.ts';
import { CALL_RETRY, REQUEST_TIMEOUT_MS, type RetryDeps, withDeadline, withRetry } from '../google/retry.ts';
import type { Claims } from './claims.ts';
import {
  explainFederationFailure,
  type FederationContext,
  type FederationStage,
} from './federation-errors.ts';
import { stsAudience } from './provider.ts';
import { exchangeSubjectToken } from './sts-exchange.ts';

const CLOUD_PLATFORM = 'https://www.googleapis.com/auth/cloud-platform';

export interface DeployerCredentialsOptions {
  /** `projects/NUMBER/locations/global/workloadIdentityPools/POOL/providers/PROVIDER`. */
  readonly provider: string;
  readonly serviceAccount: string;
  readonly lifetimeSeconds: number;
  readonly endpoints: Endpoints;
  /** The GitHub OIDC token, already claim-checked. */
  readonly subjectToken: string;
  /** Its claims, shown when the provider rejects it. */
  readonly claims: Claims;
  /** The audience it was issued for, shown when the provider rejects it. */
  readonly audience: string;
  /** A fresh GitHub token, should a later exchange be needed (the first one lives ~5 minutes). */
  readonly refreshSubjectToken?: () => Promise<string>;
  /** Per-attempt limit of each exchange step; 10 s by default. */
  readonly requestTimeoutMs?: number;
}

export interface DeployerCredentialsDeps {
  readonly setSecret: (secret: string) => void;
  readonly retry: RetryDeps;
}

export interface DeployerCredentials {
  /** The impersonated deployer: pass to the Cloud Run client and use for REST calls. */
  readonly authClient: AuthClient;
  readonly serviceAccount: string;
  readonly accessToken: string;
  readonly expiresAt: Date;
  /** A Google-signed ID token of the deployer for `audience` (e.g. a Cloud Run URL), masked. */
  readonly mintIdToken: (audience: string) => Promise<string>;
}

/**
 * How long before expiry the deployer's token is renewed. The library's default (5 minutes)
 * would renew on every call when the lifetime is 5 minutes or less; a quarter of the
 * lifetime, at most a minute, keeps one token for the whole run when the lifetime covers it.
 */
export function eagerRefreshMillis(lifetimeSeconds: number): number {
  return Math.max(1, Math.min(60_000, lifetimeSeconds * 250));
}

interface GeneratedAccessToken {
  readonly accessToken?: unknown;
  readonly expireTime?: unknown;
}

interface GeneratedIdToken {
  readonly token?: unknown;
}

/**
 * GitHub OIDC token → STS federated token → short-lived token of the deployer service account,
 * done once, up front, so that every misconfiguration surfaces before anything else. One
 * `OAuth2Client` holds the federated token (about an hour; its refresh handler exchanges again
 * with a fresh GitHub token); another, whose refresh handler calls `generateAccessToken` with it,
 * holds the deployer's token. The exchange is made directly (see sts-exchange.ts) so every
 * attempt is a new request with its own timeout. Keeping the federated token in reach lets
 * `generateIdToken` use it too, so ID tokens need only the roles/iam.workloadIdentityUser binding
 * the exchange already needs, and never a second exchange.
 * (The library's `Impersonated` client would do the same but prints a configuration warning into
 * the job log on every construction.) No credentials file is written.
 */
export async function createDeployerCredentials(
  options: DeployerCredentialsOptions,
  deps: DeployerCredentialsDeps,
): Promise<DeployerCredentials> {
  const { endpoints } = options;
  const timeout = options.requestTimeoutMs ?? REQUEST_TIMEOUT_MS;
  const accountUrl = `${endpoints.iamcredentials}/v1/projects/-/serviceAccounts/${encodeURIComponent(options.serviceAccount)}`;

  const context: FederationContext = {
    provider: options.provider,
    serviceAccount: options.serviceAccount,
    audience: options.audience,
    claims: options.claims,
    lifetimeSeconds: options.lifetimeSeconds,
  };
  const step = async <T>(stage: FederationStage, what: string, run: () => Promise<T>): Promise<T> => {
    try {
      // Each attempt is one request with its own timeout; the deadline is a backstop for it.
      return await withRetry(what, () => withDeadline(run, timeout, what), deps.retry, {
        policy: CALL_RETRY,
      });
    } catch (error) {
      throw explainFederationFailure(stage, error, context);
    }
  };

  // Separate steps so a failure names its cause: the exchange, then the impersonation.
  const exchange = (subjectToken: string) =>
    step('exchange', 'STS token exchange', async () => {
      const token = await exchangeSubjectToken(
        {
          tokenUrl: `${endpoints.sts}/v1/token`,
          audience: stsAudience(options.provider, endpoints.universeDomain),
          scope: CLOUD_PLATFORM,
          subjectToken,
          timeoutMs: timeout,
        },
        deps.retry.now,
      );
      deps.setSecret(token.accessToken);
      return { access_token: token.accessToken, expiry_date: token.expiryDate };
    });
  const federated = new OAuth2Client({
    universe_domain: endpoints.universeDomain,
    transporterOptions: { timeout },
  });
  federated.setCredentials(await exchange(options.subjectToken));
  // Only when a run outlives the federated token (about an hour): the first GitHub token has
  // expired by then, so ask for a new one.
  federated.refreshHandler = async () =>
    exchange(
      options.refreshSubjectToken === undefined ? options.subjectToken : await options.refreshSubjectToken(),
    );
  const impersonate = async (): Promise<{ access_token: string; expiry_date: number }> => {
    const response = await federated.request<GeneratedAccessToken>({
      url: `${accountUrl}:generateAccessToken`,
      method: 'POST',
      data: { scope: [CLOUD_PLATFORM], lifetime: `${options.lifetimeSeconds}s`, delegates: [] },
      responseType: 'json',
    });
    const { accessToken, expireTime } = response.data;
    if (typeof accessToken !== 'string' || accessToken === '' || typeof expireTime !== 'string') {
      throw new Error('generateAccessToken answered without accessToken/expireTime');
    }
    deps.setSecret(accessToken);
    return { access_token: accessToken, expiry_date: Date.parse(expireTime) };
  };

  const first = await step('impersonation', `Impersonating ${options.serviceAccount}`, impersonate);

  const deployer = new OAuth2Client({
    universe_domain: endpoints.universeDomain,
    eagerRefreshThresholdMillis: eagerRefreshMillis(options.lifetimeSeconds),
    transporterOptions: { timeout },
  });
  deployer.setCredentials(first);
  let renewal: Promise<{ access_token: string; expiry_date: number }> | undefined;
  // Only when a run outlives the token: one renewal at a time, explained like the first.
  deployer.refreshHandler = () => {
    renewal ??= step('impersonation', `Renewing the token of ${options.serviceAccount}`, impersonate).finally(
      () => {
        renewal = undefined;
      },
    );
    return renewal;
  };

  return {
    authClient: deployer,
    serviceAccount: options.serviceAccount,
    accessToken: first.access_token,
    expiresAt: new Date(first.expiry_date),
    mintIdToken: (audience) =>
      step('id-token', `ID token for ${audience}`, async () => {
        const response = await federated.request<GeneratedIdToken>({
          url: `${accountUrl}:generateIdToken`,
          method: 'POST',
          data: { audience, includeEmail: true, delegates: [] },
          responseType: 'json',
        });
        const { token } = response.data;
        if (typeof token !== 'string' || token === '')
          throw new Error('generateIdToken answered without a token');
        deps.setSecret(token);
        return token;
      }),
  };
}
