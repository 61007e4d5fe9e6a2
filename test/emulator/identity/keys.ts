import { createHash } from 'node:crypto';
import { exportJWK, generateKeyPair, type JWK } from 'jose';

type PrivateKey = Awaited<ReturnType<typeof generateKeyPair>>['privateKey'];

/** An RS256 key pair with its public JWK (kid = x5t, as GitHub publishes them). */
export interface SigningKey {
  readonly kid: string;
  readonly privateKey: PrivateKey;
  readonly publicJwk: JWK;
}

export async function createSigningKey(): Promise<SigningKey> {
  const { privateKey, publicKey } = await generateKeyPair('RS256', { extractable: true });
  const jwk = await exportJWK(publicKey);
  const kid = createHash('sha1')
    .update(jwk.n ?? '')
    .digest('base64url');
  return { kid, privateKey, publicJwk: { ...jwk, kid, x5t: kid, alg: 'RS256', use: 'sig' } };
}
