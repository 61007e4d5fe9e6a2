import { createLocalJWKSet, jwtVerify, SignJWT } from 'jose';
import type { IdTokenVerification, ServiceAccountRecord } from '../core/plugin.ts';
import type { TokenRegistry } from '../core/tokens.ts';
import type { Clock } from '../core/types.ts';
import type { SigningKey } from './keys.ts';

export const GOOGLE_ISSUER = 'https://accounts.google.com';
const LIFETIME_SECONDS = 3600;

export interface IdTokenRequest {
  readonly audience: string;
  readonly includeEmail: boolean;
  readonly useEmailAzp: boolean;
}

/** Google-signed ID tokens for service accounts (`generateIdToken`) and their verification. */
export class GoogleIdTokens {
  readonly #key: SigningKey;
  readonly #tokens: TokenRegistry;
  readonly #clock: Clock;
  readonly #accountById: (uniqueId: string) => ServiceAccountRecord | undefined;

  constructor(
    key: SigningKey,
    tokens: TokenRegistry,
    clock: Clock,
    accountById: (uniqueId: string) => ServiceAccountRecord | undefined,
  ) {
    this.#key = key;
    this.#tokens = tokens;
    this.#clock = clock;
    this.#accountById = accountById;
  }

  async mint(account: ServiceAccountRecord, request: IdTokenRequest): Promise<string> {
    const iat = Math.floor(this.#clock.now() / 1000);
    const jwt = await new SignJWT({
      azp: request.useEmailAzp ? account.email : account.uniqueId,
      ...(request.includeEmail ? { email: account.email, email_verified: true } : {}),
    })
      .setProtectedHeader({ alg: 'RS256', kid: this.#key.kid, typ: 'JWT' })
      .setIssuer(GOOGLE_ISSUER)
      .setAudience(request.audience)
      .setSubject(account.uniqueId)
      .setIssuedAt(iat)
      .setExpirationTime(iat + LIFETIME_SECONDS)
      .sign(this.#key.privateKey);
    this.#tokens.recordSecret('id-token', jwt);
    return jwt;
  }

  /** Checks signature, issuer, audience and expiry; the identity is the service account of `sub`. */
  async verify(jwt: string, audiences: string | readonly string[]): Promise<IdTokenVerification> {
    try {
      const { payload } = await jwtVerify(jwt, createLocalJWKSet({ keys: [this.#key.publicJwk] }), {
        issuer: GOOGLE_ISSUER,
        audience: typeof audiences === 'string' ? audiences : [...audiences],
        algorithms: ['RS256'],
        currentDate: new Date(this.#clock.now()),
      });
      const account = typeof payload.sub === 'string' ? this.#accountById(payload.sub) : undefined;
      if (account === undefined) return { ok: false, reason: 'The token names no known service account.' };
      return { ok: true, identity: { kind: 'serviceAccount', email: account.email }, claims: payload };
    } catch (error) {
      return { ok: false, reason: error instanceof Error ? error.message : String(error) };
    }
  }
}
