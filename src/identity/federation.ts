import { type AuthClient, IdentityPoolClient, OAuth2Client } from 'google-auth-library';
import type { Endpoints } from '../google/endpoints.ts';
import { type RetryDeps, type RetryPolicy, withDeadline, withRetry } from '../google/retry.ts';
import type { Claims } from './claims.ts';
import {
  explainFederationFailure,
  type FederationContext,
  type FederationStage,
} from './federation-errors.ts';
import { stsAudience } from './provider.ts';

const CLOUD_PLATFORM = 'https://www.googleapis.com/auth/cloud-platform';
const JWT_TOKEN_TYPE = 'urn:ietf:params:oauth:token-type:jwt';

/** STS calls also retry inside google-auth-library (3 times on 5xx); this bounds the whole. */
const EXCHANGE_RETRY: RetryPolicy = {
  maxAttempts: 5,
  budgetMs: 45_000,
  baseDelayMs: 1_000,
  maxDelayMs: 8_000,
};
/** Per attempt: STS and IAM Credentials answer in well under a second when healthy. */
const DEFAULT_REQUEST_TIMEOUT_MS = 20_000;

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
  /** Per-attempt limit of each exchange step; 20 s by default. */
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
 * done once, up front, so that every misconfiguration surfaces before anything else. An
 * `IdentityPoolClient` holds the federated token (about an hour); an `OAuth2Client` whose refresh
 * handler calls `generateAccessToken` with it holds the deployer's token. Keeping the federated
 * token in reach lets `generateIdToken` use it too, so ID tokens need only the
 * roles/iam.workloadIdentityUser binding the exchange already needs, and never a second exchange.
 * (The library's `Impersonated` client would do the same but prints a configuration warning into
 * the job log on every construction.) No credentials file is written.
 */
export async function createDeployerCredentials(
  options: DeployerCredentialsOptions,
  deps: DeployerCredentialsDeps,
): Promise<DeployerCredentials> {
  const { endpoints } = options;
  const timeout = options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
  let subjectToken = options.subjectToken;
  let exchanges = 0;
  const federated = new IdentityPoolClient({
    audience: stsAudience(options.provider, endpoints.universeDomain),
    subject_token_type: JWT_TOKEN_TYPE,
    token_url: `${endpoints.sts}/v1/token`,
    subject_token_supplier: {
      getSubjectToken: async () => {
        exchanges++;
        if (exchanges > 1 && options.refreshSubjectToken !== undefined) {
          subjectToken = await options.refreshSubjectToken();
        }
        return subjectToken;
      },
    },
    universe_domain: endpoints.universeDomain,
    transporterOptions: { timeout },
  });
  // The federated client announces each token it obtains, renewals included: mask them there.
  federated.on('tokens', (tokens: { access_token?: string | null }) => {
    if (typeof tokens.access_token === 'string' && tokens.access_token !== '')
      deps.setSecret(tokens.access_token);
  });
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
      // The library's STS call has no timeout of its own: bound every attempt here.
      return await withRetry(what, () => withDeadline(run, timeout, what), deps.retry, {
        policy: EXCHANGE_RETRY,
      });
    } catch (error) {
      throw explainFederationFailure(stage, error, context);
    }
  };

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

  // Separate steps so a failure names its cause: the exchange, then the impersonation.
  await step('exchange', 'STS token exchange', async () => {
    const { token } = await federated.getAccessToken();
    if (typeof token !== 'string' || token === '') throw new Error('STS answered without an access token');
    deps.setSecret(token);
  });
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
