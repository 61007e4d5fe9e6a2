import { checkBody } from '../core/body-check.ts';
import { GoogleError, invalidArgument, permissionDenied } from '../core/google-error.ts';
import type { EmulatorCore } from '../core/plugin.ts';
import type { TokenRegistry } from '../core/tokens.ts';
import type { Identity, RequestContext, Route } from '../core/types.ts';
import type { GoogleIdTokens } from './google-id-tokens.ts';
import type { ServiceAccounts } from './service-accounts.ts';

export interface IamCredentialsDeps {
  readonly core: EmulatorCore;
  readonly tokens: TokenRegistry;
  readonly accounts: ServiceAccounts;
  readonly idTokens: GoogleIdTokens;
  readonly maxLifetimeSeconds: () => number;
}

const DEFAULT_LIFETIME_SECONDS = 3600;

/** IAM Service Account Credentials v1: `generateAccessToken` and `generateIdToken`. */
export function iamCredentialsRoutes(deps: IamCredentialsDeps): Route[] {
  const base = '/v1/projects/{project}/serviceAccounts/{account}';
  return [
    {
      method: 'POST',
      pattern: `${base}:generateAccessToken`,
      handler: async (ctx) => {
        const caller = deps.core.authenticate(ctx);
        const body = checkBody(ctx.body, { delegates: 'string[]', scope: 'string[]', lifetime: 'string' });
        const email = targetEmail(deps, ctx);
        const scopes = (body.scope ?? []) as readonly string[];
        if (scopes.length === 0) throw invalidArgument('Scope required.');
        const lifetime = parseLifetime(body.lifetime);
        const account = authorizeChain(
          deps,
          caller,
          email,
          (body.delegates ?? []) as readonly string[],
          'iam.serviceAccounts.getAccessToken',
        );
        if (lifetime > deps.maxLifetimeSeconds()) {
          throw invalidArgument(
            `Access tokens for service account ${account.email} can not have lifetimes of more than 1 hour. Use the Org Policy Constraint constraints/iam.allowServiceAccountCredentialLifetimeExtension to allow up to 12 hours.`,
          );
        }
        const record = deps.tokens.mint(
          'access-token',
          { kind: 'serviceAccount', email: account.email },
          scopes,
          lifetime,
        );
        return { status: 200, body: { accessToken: record.token, expireTime: rfc3339(record.expiresAt) } };
      },
    },
    {
      method: 'POST',
      pattern: `${base}:generateIdToken`,
      handler: async (ctx) => {
        const caller = deps.core.authenticate(ctx);
        const body = checkBody(ctx.body, {
          delegates: 'string[]',
          audience: 'string',
          includeEmail: 'boolean',
          useEmailAzp: 'boolean',
        });
        const email = targetEmail(deps, ctx);
        const audience = body.audience;
        if (typeof audience !== 'string' || audience === '') throw invalidArgument('Audience required.');
        const account = authorizeChain(
          deps,
          caller,
          email,
          (body.delegates ?? []) as readonly string[],
          'iam.serviceAccounts.getOpenIdToken',
        );
        const token = await deps.idTokens.mint(account, {
          audience,
          includeEmail: body.includeEmail === true,
          useEmailAzp: body.useEmailAzp === true,
        });
        return { status: 200, body: { token } };
      },
    },
  ];
}

/** `projects/-/serviceAccounts/EMAIL` (the project must be `-` or the account's own project). */
function targetEmail(deps: IamCredentialsDeps, ctx: RequestContext): string {
  const project = ctx.params.project ?? '';
  const email = ctx.params.account ?? '';
  if (project !== '-' && project !== deps.core.project.id && project !== deps.core.project.number) {
    throw invalidArgument(
      `Invalid project '${project}'. The '-' wildcard character is required; use projects/-/serviceAccounts/${email}.`,
    );
  }
  return email;
}

/**
 * The caller must hold `permission` on the target, or, with delegates, implicit delegation on the
 * first delegate, each delegate on the next, and the last delegate `permission` on the target.
 * A missing account is denied with the same message as a missing grant, as Google does.
 */
function authorizeChain(
  deps: IamCredentialsDeps,
  caller: Identity,
  email: string,
  delegates: readonly string[],
  permission: string,
) {
  const denied = (p: string) =>
    permissionDenied(p, `Permission '${p}' denied on resource (or it may not exist).`);
  const chain = delegates.map((delegate) => {
    const match = /^projects\/-\/serviceAccounts\/(.+)$/.exec(delegate);
    if (match?.[1] === undefined)
      throw invalidArgument(`Invalid delegate '${delegate}'; use projects/-/serviceAccounts/EMAIL.`);
    return match[1];
  });
  let current = caller;
  for (const delegate of chain) {
    const account = deps.accounts.get(delegate);
    if (
      account === undefined ||
      !deps.core.iam.check(current, 'iam.serviceAccounts.implicitDelegation', saResource(deps, account.email))
    ) {
      throw denied('iam.serviceAccounts.implicitDelegation');
    }
    current = { kind: 'serviceAccount', email: account.email };
  }
  const account = deps.accounts.get(email);
  if (account === undefined || !deps.core.iam.check(current, permission, saResource(deps, account.email)))
    throw denied(permission);
  if (account.disabled) {
    throw new GoogleError(
      'FAILED_PRECONDITION',
      `Service account ${account.email} is disabled. Enable it, then retry.`,
    );
  }
  return account;
}

function saResource(deps: IamCredentialsDeps, email: string): string {
  return `projects/${deps.core.project.id}/serviceAccounts/${email}`;
}

/** `google.protobuf.Duration` JSON: seconds with an `s` suffix. */
function parseLifetime(raw: unknown): number {
  if (raw === undefined || raw === null) return DEFAULT_LIFETIME_SECONDS;
  const text = String(raw);
  const match = /^(\d+)(?:\.(\d{1,9}))?s$/.exec(text);
  if (match === null) {
    throw invalidArgument(
      `Invalid value at 'lifetime' (type.googleapis.com/google.protobuf.Duration), "${text}"`,
    );
  }
  const seconds = Number(match[1]);
  if (seconds < 1) throw invalidArgument('The lifetime must be at least 1 second.');
  return seconds;
}

/** RFC 3339 without fractional seconds, as IAM Credentials answers. */
export function rfc3339(epochMs: number): string {
  return `${new Date(epochMs).toISOString().slice(0, 19)}Z`;
}
