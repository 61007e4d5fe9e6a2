import { INVALID_CREDENTIALS, MISSING_CREDENTIALS, unauthenticated } from './google-error.ts';
import type { TokenRegistry } from './tokens.ts';
import type { Identity, RequestContext } from './types.ts';

/**
 * The caller of a Google API request, from `Authorization: Bearer <token minted here>`.
 * Throws Google's 401 when the header is missing or the token unknown or expired.
 */
export function authenticate(tokens: TokenRegistry, ctx: RequestContext): Identity {
  const header = ctx.headers.authorization;
  if (header === undefined || header === '')
    throw unauthenticated(MISSING_CREDENTIALS, 'CREDENTIALS_MISSING');
  const match = /^Bearer\s+(\S+)$/i.exec(header);
  if (match?.[1] === undefined) throw unauthenticated(INVALID_CREDENTIALS, 'ACCESS_TOKEN_TYPE_UNSUPPORTED');
  const found = tokens.lookup(match[1]);
  if (!found.ok) {
    throw unauthenticated(
      INVALID_CREDENTIALS,
      found.reason === 'expired' ? 'ACCESS_TOKEN_EXPIRED' : 'ACCESS_TOKEN_TYPE_UNSUPPORTED',
    );
  }
  ctx.caller = found.record.identity;
  return found.record.identity;
}
