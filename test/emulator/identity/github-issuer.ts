import { randomBytes } from 'node:crypto';
import { type JWK, SignJWT } from 'jose';
import type { TokenRegistry } from '../core/tokens.ts';
import type { Clock, Reply, Route } from '../core/types.ts';
import type { GithubState } from '../state/types.ts';
import { FORK_PULL_REQUEST_CLAIMS, newJti, resolveClaims } from './github-claims.ts';
import type { SigningKey } from './keys.ts';

/** GitHub tokens live five minutes. */
const TOKEN_LIFETIME_SECONDS = 300;

/**
 * The Actions OIDC issuer as a runner job sees it: the token request endpoint (guarded by the
 * request token), discovery and JWKS, with claims that tests can change.
 */
export class GithubIssuer {
  readonly issuer: string;
  readonly requestToken: string;
  readonly #key: SigningKey;
  readonly #tokens: TokenRegistry;
  readonly #clock: Clock;
  #overrides: Record<string, string>;
  #idTokenAvailable: boolean;

  constructor(key: SigningKey, state: GithubState, tokens: TokenRegistry, clock: Clock) {
    this.#key = key;
    this.#tokens = tokens;
    this.#clock = clock;
    this.issuer = state.issuer;
    this.requestToken = state.requestToken ?? randomBytes(32).toString('base64url');
    this.#overrides = { ...state.claims };
    this.#idTokenAvailable = state.idTokenAvailable;
    resolveClaims(this.#overrides);
    tokens.recordSecret('oidc-request-token', this.requestToken);
  }

  get jwks(): { keys: JWK[] } {
    return { keys: this.publicKeys() };
  }

  publicKeys(): JWK[] {
    return [this.#key.publicJwk];
  }

  get idTokenAvailable(): boolean {
    return this.#idTokenAvailable;
  }

  /** Merges claim overrides (`replace` starts again from the defaults). Unknown claims throw. */
  setClaims(claims: Readonly<Record<string, string>>, replace = false): void {
    const next = { ...(replace ? {} : this.#overrides), ...claims };
    resolveClaims(next);
    this.#overrides = next;
  }

  /** The job lacks `permissions: id-token: write`: no request variables, every token request refused. */
  setIdTokenAvailable(available: boolean): void {
    this.#idTokenAvailable = available;
  }

  /** A pull request from a fork: pull_request claims, and no id-token permission. */
  simulateForkPullRequest(): void {
    this.setClaims(FORK_PULL_REQUEST_CLAIMS);
    this.#idTokenAvailable = false;
  }

  claims(): Record<string, string> {
    return resolveClaims(this.#overrides);
  }

  /** Signs a token for `audience` now (also used by the token endpoint). */
  async mint(audience: string, extraClaims: Readonly<Record<string, unknown>> = {}): Promise<string> {
    const iat = Math.floor(this.#clock.now() / 1000);
    const jwt = await new SignJWT({ jti: newJti(), ...this.claims(), aud: audience, ...extraClaims })
      .setProtectedHeader({ typ: 'JWT', alg: 'RS256', x5t: this.#key.kid, kid: this.#key.kid })
      .setIssuer(this.issuer)
      .setIssuedAt(iat)
      .setNotBefore(iat)
      .setExpirationTime(iat + TOKEN_LIFETIME_SECONDS)
      .sign(this.#key.privateKey);
    this.#tokens.recordSecret('github-jwt', jwt);
    return jwt;
  }

  /** `GITHUB_*` and `ACTIONS_ID_TOKEN_*` as the runner would set them for these claims. */
  env(oidcUrl: string): Record<string, string> {
    const claims = this.claims();
    return {
      ...(this.#idTokenAvailable
        ? {
            ACTIONS_ID_TOKEN_REQUEST_URL: `${oidcUrl}/token?api-version=2.0`,
            ACTIONS_ID_TOKEN_REQUEST_TOKEN: this.requestToken,
          }
        : {}),
      GITHUB_REPOSITORY: claims.repository ?? '',
      GITHUB_SHA: claims.sha ?? '',
      GITHUB_REF: claims.ref ?? '',
      GITHUB_EVENT_NAME: claims.event_name ?? '',
      GITHUB_RUN_ID: claims.run_id ?? '',
      GITHUB_RUN_ATTEMPT: claims.run_attempt ?? '',
      GITHUB_SERVER_URL: 'https://github.com',
      GITHUB_WORKFLOW: claims.workflow ?? '',
      GITHUB_ACTOR: claims.actor ?? '',
    };
  }

  snapshot(): unknown {
    return { claims: this.claims(), idTokenAvailable: this.#idTokenAvailable, issuer: this.issuer };
  }

  routes(oidcUrl: () => string): Route[] {
    return [
      {
        method: 'GET',
        pattern: '/token',
        handler: async (ctx) => this.#tokenRequest(ctx.headers.authorization, ctx.query),
      },
      {
        method: 'GET',
        pattern: '/.well-known/openid-configuration',
        handler: () => ({
          status: 200,
          body: {
            issuer: this.issuer,
            jwks_uri: `${oidcUrl()}/.well-known/jwks`,
            subject_types_supported: ['public', 'pairwise'],
            response_types_supported: ['id_token'],
            claims_supported: [
              'sub',
              'aud',
              'exp',
              'iat',
              'iss',
              'jti',
              'nbf',
              'ref',
              'repository',
              'repository_id',
              'repository_owner',
              'repository_owner_id',
              'run_id',
              'run_number',
              'run_attempt',
              'actor',
              'actor_id',
              'workflow',
              'workflow_ref',
              'workflow_sha',
              'head_ref',
              'base_ref',
              'event_name',
              'ref_type',
              'ref_protected',
              'environment',
              'job_workflow_ref',
              'job_workflow_sha',
              'repository_visibility',
              'runner_environment',
            ],
            id_token_signing_alg_values_supported: ['RS256'],
            scopes_supported: ['openid'],
          },
        }),
      },
      { method: 'GET', pattern: '/.well-known/jwks', handler: () => ({ status: 200, body: this.jwks }) },
    ];
  }

  async #tokenRequest(authorization: string | undefined, query: URLSearchParams): Promise<Reply> {
    if (!this.#idTokenAvailable) {
      return {
        status: 403,
        body: { message: 'This job has no id-token permission; the runner issues no OIDC tokens.' },
      };
    }
    if (authorization !== `Bearer ${this.requestToken}`) {
      return {
        status: 401,
        body: { message: 'Unauthorized: missing or invalid ACTIONS_ID_TOKEN_REQUEST_TOKEN.' },
      };
    }
    if (query.get('api-version') !== '2.0') {
      return { status: 400, body: { message: "Query parameter 'api-version' must be 2.0." } };
    }
    const owner = this.claims().repository_owner ?? '';
    const audience = query.get('audience') ?? `https://github.com/${owner}`;
    return { status: 200, body: { count: 1, value: await this.mint(audience) } };
  }
}
