import { parse } from '@marcbachmann/cel-js';
import { createLocalJWKSet, decodeJwt, type JWK, errors as joseErrors, jwtVerify } from 'jose';
import { isObject } from '../core/body.ts';
import { unknownField } from '../core/google-error.ts';
import type { TokenRegistry } from '../core/tokens.ts';
import type { Clock, Identity, Reply, RequestContext, Route } from '../core/types.ts';
import type { ResolvedProvider, WorkloadIdentity } from './workload-identity.ts';

const GRANT_TYPE = 'urn:ietf:params:oauth:grant-type:token-exchange';
const ACCESS_TOKEN_TYPE = 'urn:ietf:params:oauth:token-type:access_token';
const JWT_TYPES = new Set([
  'urn:ietf:params:oauth:token-type:jwt',
  'urn:ietf:params:oauth:token-type:id_token',
]);
const FEDERATED_LIFETIME_SECONDS = 3600;
const MAX_ATTRIBUTE_BYTES = 127;

/** Form names as google-auth-library sends them → camelCase as JSON clients send them. */
const FIELDS: Readonly<Record<string, string>> = {
  grant_type: 'grantType',
  audience: 'audience',
  scope: 'scope',
  requested_token_type: 'requestedTokenType',
  subject_token: 'subjectToken',
  subject_token_type: 'subjectTokenType',
  options: 'options',
  resource: 'resource',
  actor_token: 'actorToken',
  actor_token_type: 'actorTokenType',
};

const AUDIENCE_SHAPE =
  /^\/\/iam\.googleapis\.com\/projects\/([^/]+)\/locations\/global\/workloadIdentityPools\/([^/]+)(?:\/providers\/([^/]+))?$/;

export interface StsDeps {
  readonly tokens: TokenRegistry;
  readonly clock: Clock;
  readonly pools: WorkloadIdentity;
  /** Issuer URI → its public keys (the emulator's GitHub issuer). */
  readonly issuerKeys: (issuer: string) => readonly JWK[] | undefined;
}

class OAuthError extends Error {
  readonly code: string;
  constructor(code: string, description: string) {
    super(description);
    this.code = code;
  }
}

/** Security Token Service `POST /v1/token`: GitHub JWT → federated access token. */
export function stsRoutes(deps: StsDeps): Route[] {
  return [
    {
      method: 'POST',
      pattern: '/v1/token',
      handler: async (ctx) => {
        try {
          return await exchange(deps, ctx);
        } catch (error) {
          if (error instanceof OAuthError) {
            return { status: 400, body: { error: error.code, error_description: error.message } };
          }
          throw error;
        }
      },
    },
  ];
}

async function exchange(deps: StsDeps, ctx: RequestContext): Promise<Reply> {
  const request = readRequest(ctx);
  const grantType = request.grantType;
  if (grantType === undefined || grantType === '')
    throw new OAuthError('invalid_request', 'Missing required parameter "grant_type".');
  if (grantType !== GRANT_TYPE) {
    throw new OAuthError(
      'unsupported_grant_type',
      `Unsupported grant_type "${grantType}". Use "${GRANT_TYPE}".`,
    );
  }
  const requested = request.requestedTokenType;
  if (requested !== ACCESS_TOKEN_TYPE) {
    throw new OAuthError(
      'invalid_request',
      `Invalid value for "requested_token_type". Use "${ACCESS_TOKEN_TYPE}".`,
    );
  }
  const subjectTokenType = request.subjectTokenType;
  if (subjectTokenType === undefined || !JWT_TYPES.has(subjectTokenType)) {
    throw new OAuthError(
      'invalid_request',
      'Invalid value for "subject_token_type". An OIDC provider accepts urn:ietf:params:oauth:token-type:jwt or urn:ietf:params:oauth:token-type:id_token.',
    );
  }
  const subjectToken = request.subjectToken;
  if (subjectToken === undefined || subjectToken === '') {
    throw new OAuthError('invalid_request', 'Missing required parameter "subject_token".');
  }
  const scopes = (request.scope ?? 'https://www.googleapis.com/auth/cloud-platform')
    .split(/\s+/)
    .filter((s) => s !== '');
  const provider = resolveAudience(deps, request.audience);
  const assertion = await verifySubjectToken(deps, provider, subjectToken);
  const identity = mapAttributes(provider, assertion);
  const record = deps.tokens.mint('federated-token', identity, scopes, FEDERATED_LIFETIME_SECONDS);
  return {
    status: 200,
    body: {
      access_token: record.token,
      issued_token_type: ACCESS_TOKEN_TYPE,
      token_type: 'Bearer',
      expires_in: FEDERATED_LIFETIME_SECONDS - 1,
    },
  };
}

type StsRequest = Partial<
  Record<
    'grantType' | 'audience' | 'scope' | 'requestedTokenType' | 'subjectToken' | 'subjectTokenType',
    string
  >
>;

/** Form (snake_case) or JSON (camelCase); unknown names are rejected like Google's front end. */
function readRequest(ctx: RequestContext): StsRequest {
  const body = ctx.body ?? {};
  if (!isObject(body))
    throw new OAuthError('invalid_request', 'The request body must be form-encoded or a JSON object.');
  const isForm = (ctx.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded');
  const out: Record<string, string> = {};
  const camelNames = new Set(Object.values(FIELDS));
  for (const [name, value] of Object.entries(body)) {
    const key = isForm ? FIELDS[name] : camelNames.has(name) ? name : FIELDS[name];
    if (key === undefined) throw unknownField(name);
    if (typeof value !== 'string')
      throw new OAuthError('invalid_request', `Invalid value for "${name}": expected a string.`);
    out[key] = value;
  }
  return out;
}

function resolveAudience(deps: StsDeps, audience: string | undefined): ResolvedProvider {
  const shape = AUDIENCE_SHAPE.exec(audience ?? '');
  if (shape === null) {
    throw new OAuthError(
      'invalid_request',
      'Invalid value for "audience". This value should be the full resource name of the Identity Provider. See https://cloud.google.com/iam/docs/reference/sts/rest/v1/TopLevel/token for the list of possible formats.',
    );
  }
  const [, project = '', pool = '', providerId] = shape;
  const found = providerId === undefined ? undefined : deps.pools.find(project, pool, providerId);
  if (found === undefined || found.poolDisabled || found.provider.disabled) {
    throw new OAuthError(
      'invalid_target',
      'The target service indicated by the "audience" parameters is invalid. This might either be because the pool or provider is disabled or deleted or because it doesn\'t exist.',
    );
  }
  return found;
}

async function verifySubjectToken(
  deps: StsDeps,
  provider: ResolvedProvider,
  jwt: string,
): Promise<Record<string, unknown>> {
  let unverified: Record<string, unknown>;
  try {
    unverified = decodeJwt(jwt);
  } catch {
    throw new OAuthError('invalid_grant', 'Unable to parse the ID Token.');
  }
  const expectedIssuer = provider.provider.issuerUri;
  if (unverified.iss !== expectedIssuer) {
    throw new OAuthError(
      'invalid_grant',
      `The issuer in ID Token ${String(unverified.iss)} does not match the expected ISS ${expectedIssuer}.`,
    );
  }
  const keys = deps.issuerKeys(expectedIssuer);
  if (keys === undefined) {
    throw new OAuthError(
      'invalid_grant',
      `Unable to retrieve the public keys of the issuer ${expectedIssuer}.`,
    );
  }
  const now = deps.clock.now();
  try {
    const { payload } = await jwtVerify(jwt, createLocalJWKSet({ keys: [...keys] }), {
      algorithms: ['RS256'],
      currentDate: new Date(now),
    });
    const audiences =
      provider.provider.allowedAudiences.length > 0
        ? provider.provider.allowedAudiences
        : [`https://iam.googleapis.com/${provider.name}`];
    const tokenAudiences = typeof payload.aud === 'string' ? [payload.aud] : (payload.aud ?? []);
    if (!tokenAudiences.some((aud) => audiences.includes(aud))) {
      throw new OAuthError(
        'invalid_grant',
        `The audience in ID Token [${tokenAudiences.join(', ')}] does not match the expected audience.`,
      );
    }
    return payload;
  } catch (error) {
    if (error instanceof OAuthError) throw error;
    if (error instanceof joseErrors.JWTExpired) {
      throw new OAuthError(
        'invalid_grant',
        `ID Token issued at ${String(unverified.iat)} is stale to sign-in.`,
      );
    }
    if (error instanceof joseErrors.JWTClaimValidationFailed && error.claim === 'nbf') {
      throw new OAuthError('invalid_grant', 'The ID Token is not yet valid (nbf is in the future).');
    }
    throw new OAuthError('invalid_grant', 'Invalid ID Token signature.');
  }
}

/** Applies the provider's attribute mapping and condition (CEL) to the verified claims. */
function mapAttributes(provider: ResolvedProvider, assertion: Record<string, unknown>): Identity {
  const mapped: Record<string, string> = {};
  for (const [target, expression] of Object.entries(provider.provider.attributeMapping)) {
    let value: unknown;
    try {
      value = parse(expression)({ assertion });
    } catch (error) {
      // A mapping over a claim the token lacks yields no attribute, except google.subject.
      if (target === 'google.subject') {
        throw new OAuthError(
          'invalid_request',
          `The attribute mapping for google.subject could not be evaluated: ${firstLine(error)}`,
        );
      }
      continue;
    }
    if (target === 'google.groups') continue;
    if (typeof value !== 'string') {
      throw new OAuthError(
        'invalid_request',
        `The mapped attribute ${target} must be a string, got ${typeof value}.`,
      );
    }
    if (Buffer.byteLength(value, 'utf8') > MAX_ATTRIBUTE_BYTES) {
      throw new OAuthError(
        'invalid_request',
        `The size of mapped attribute ${target} exceeds the ${MAX_ATTRIBUTE_BYTES} bytes limit. Either modify your attribute mapping or the incoming assertion to produce a mapped attribute that is less than ${MAX_ATTRIBUTE_BYTES} bytes.`,
      );
    }
    mapped[target] = value;
  }
  const subject = mapped['google.subject'];
  if (subject === undefined || subject === '') {
    throw new OAuthError('invalid_request', 'The mapped attribute google.subject must not be empty.');
  }
  const attributes: Record<string, string> = {};
  for (const [target, value] of Object.entries(mapped)) {
    if (target.startsWith('attribute.')) attributes[target.slice('attribute.'.length)] = value;
  }
  const condition = provider.provider.attributeCondition;
  if (condition !== undefined && condition !== '') {
    let allowed: unknown;
    try {
      allowed = parse(condition)({ assertion, google: { subject }, attribute: attributes });
    } catch {
      allowed = false;
    }
    if (allowed !== true) {
      throw new OAuthError(
        'unauthorized_client',
        'The given credential is rejected by the attribute condition.',
      );
    }
  }
  return { kind: 'federated', pool: provider.pool, provider: provider.name, subject, attributes };
}

function firstLine(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split('\n')[0] ?? '';
}
