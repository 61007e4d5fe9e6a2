import { randomBytes } from 'node:crypto';
import type { Clock, Identity } from './types.ts';

export type SecretKind =
  | 'oidc-request-token'
  | 'github-jwt'
  | 'federated-token'
  | 'access-token'
  | 'id-token';

export interface MintedSecret {
  readonly kind: SecretKind;
  readonly value: string;
}

export interface AccessTokenRecord {
  readonly token: string;
  readonly kind: 'federated-token' | 'access-token';
  readonly identity: Identity;
  readonly scopes: readonly string[];
  /** Epoch milliseconds. */
  readonly expiresAt: number;
}

export type TokenLookup =
  | { readonly ok: true; readonly record: AccessTokenRecord }
  | { readonly ok: false; readonly reason: 'unknown' | 'expired' };

/**
 * Opaque bearer tokens mapped to identities, and a record of every secret the emulator ever
 * handed out, so tests can assert that none leaked into logs or outputs.
 */
export class TokenRegistry {
  readonly #clock: Clock;
  readonly #tokens = new Map<string, AccessTokenRecord>();
  readonly #secrets: MintedSecret[] = [];

  constructor(clock: Clock) {
    this.#clock = clock;
  }

  /** Mints an opaque bearer token (`ya29.` like Google's) valid for `lifetimeSeconds`. */
  mint(
    kind: AccessTokenRecord['kind'],
    identity: Identity,
    scopes: readonly string[],
    lifetimeSeconds: number,
  ): AccessTokenRecord {
    const prefix = kind === 'federated-token' ? 'ya29.d.' : 'ya29.c.';
    const token = `${prefix}${randomBytes(48).toString('base64url')}`;
    const record: AccessTokenRecord = {
      token,
      kind,
      identity,
      scopes: [...scopes],
      expiresAt: this.#clock.now() + lifetimeSeconds * 1000,
    };
    this.#tokens.set(token, record);
    this.recordSecret(kind, token);
    return record;
  }

  lookup(token: string): TokenLookup {
    const record = this.#tokens.get(token);
    if (record === undefined) return { ok: false, reason: 'unknown' };
    if (record.expiresAt <= this.#clock.now()) return { ok: false, reason: 'expired' };
    return { ok: true, record };
  }

  recordSecret(kind: SecretKind, value: string): void {
    this.#secrets.push({ kind, value });
  }

  mintedSecrets(): readonly MintedSecret[] {
    return [...this.#secrets];
  }
}
