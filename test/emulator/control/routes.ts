import { isObject } from '../core/body.ts';
import { checkBody } from '../core/body-check.ts';
import { parseFaultSpec } from '../core/faults.ts';
import { GoogleError, invalidArgument } from '../core/google-error.ts';
import type { Handler, Route } from '../core/types.ts';
import type { Emulator } from '../emulator.ts';
import { addMember, removeMember } from '../iam/edits.ts';
import type { Condition } from '../iam/policy.ts';

/** The control API (own port): faults, log, snapshot, out-of-band edits, OIDC claims, secrets. */
export function controlRoutes(emulator: Emulator): Route[] {
  const route = (method: string, pattern: string, handler: Handler): Route => ({
    method,
    pattern,
    handler: guarded(handler),
  });
  const ok = (body: unknown = { ok: true }) => ({ status: 200, body });
  return [
    route('GET', '/env', () => ok(emulator.env())),
    route('GET', '/log', () => ok({ entries: emulator.log.entries() })),
    route('DELETE', '/log', () => {
      emulator.log.clear();
      return ok();
    }),
    route('GET', '/snapshot', () => ({
      status: 200,
      headers: { 'content-type': 'application/json' },
      body: emulator.snapshot(),
    })),
    route('GET', '/secrets', () => ok({ secrets: emulator.mintedSecrets() })),
    route('GET', '/faults', () => ok({ faults: emulator.faults.list() })),
    route('POST', '/faults', (ctx) => ok({ id: emulator.faults.add(parseFaultSpec(ctx.body)) })),
    route('DELETE', '/faults', () => {
      emulator.faults.clear();
      return ok();
    }),
    route('DELETE', '/faults/{id}', (ctx) => ok({ removed: emulator.faults.remove(Number(ctx.params.id)) })),
    route('GET', '/iam/policy', (ctx) =>
      ok(emulator.iam.peekPolicy(required(ctx.query.get('resource'), 'resource'))),
    ),
    route('PUT', '/iam/policy', (ctx) => {
      const body = checkBody(ctx.body, { resource: 'string', policy: 'object' });
      return ok(emulator.iam.replacePolicy(required(body.resource, 'resource'), body.policy));
    }),
    route('POST', '/iam/bindings', (ctx) => {
      const { resource, role, member, condition } = bindingBody(ctx.body);
      return ok(emulator.iam.editBindings(resource, addMember(role, member, condition)));
    }),
    route('DELETE', '/iam/bindings', (ctx) => {
      const { resource, role, member } = bindingBody(ctx.body);
      return ok(emulator.iam.editBindings(resource, removeMember(role, member)));
    }),
    route('POST', '/iam/concurrent-writer', (ctx) => {
      const { resource, role, member, condition } = bindingBody(ctx.body);
      emulator.iam.afterNextRead(resource, addMember(role, member, condition));
      return ok();
    }),
    route('PUT', '/iam/custom-roles', (ctx) => {
      const body = checkBody(ctx.body, {
        name: 'string',
        title: 'string',
        description: 'string',
        includedPermissions: 'string[]',
        stage: 'string',
      });
      emulator.iam.roles.setCustom({
        name: required(body.name, 'name'),
        title: typeof body.title === 'string' ? body.title : '',
        description: typeof body.description === 'string' ? body.description : '',
        includedPermissions: (body.includedPermissions ?? []) as string[],
        stage: typeof body.stage === 'string' ? body.stage : 'GA',
        etag: 'BwYAAAAAAAA=',
      });
      return ok();
    }),
    route('GET', '/github/claims', () => ok(emulator.github.claims())),
    route('PATCH', '/github/claims', (ctx) => {
      const body = checkBody(ctx.body, { claims: 'object', replace: 'boolean' });
      emulator.github.setClaims(stringRecord(body.claims), body.replace === true);
      return ok(emulator.github.claims());
    }),
    route('POST', '/github/id-token-available', (ctx) => {
      const body = checkBody(ctx.body, { available: 'boolean' });
      emulator.github.setIdTokenAvailable(body.available === true);
      return ok(emulator.env());
    }),
    route('POST', '/github/fork-pull-request', () => {
      emulator.github.simulateForkPullRequest();
      return ok(emulator.env());
    }),
    route('POST', '/github/token', async (ctx) => {
      const body = checkBody(ctx.body, { audience: 'string' });
      return ok({ value: await emulator.github.mint(required(body.audience, 'audience')) });
    }),
    route('POST', '/tokens', (ctx) => {
      const body = checkBody(ctx.body, {
        serviceAccount: 'string',
        scopes: 'string[]',
        lifetimeSeconds: 'int',
      });
      const record = emulator.mintAccessToken(required(body.serviceAccount, 'serviceAccount'), {
        ...(Array.isArray(body.scopes) ? { scopes: body.scopes as string[] } : {}),
        ...(body.lifetimeSeconds === undefined ? {} : { lifetimeSeconds: Number(body.lifetimeSeconds) }),
      });
      return ok({ accessToken: record.token, expireTime: new Date(record.expiresAt).toISOString() });
    }),
    route('PATCH', '/pools/{pool}', (ctx) => {
      const body = checkBody(ctx.body, { disabled: 'boolean' });
      emulator.pools.setPoolDisabled(ctx.params.pool ?? '', body.disabled === true);
      return ok();
    }),
    route('PATCH', '/pools/{pool}/providers/{provider}', (ctx) => {
      const body = checkBody(ctx.body, {
        disabled: 'boolean',
        attributeCondition: 'string',
        allowedAudiences: 'string[]',
        attributeMapping: 'object',
      });
      emulator.pools.updateProvider(ctx.params.pool ?? '', ctx.params.provider ?? '', {
        ...(typeof body.disabled === 'boolean' ? { disabled: body.disabled } : {}),
        ...(typeof body.attributeCondition === 'string'
          ? { attributeCondition: body.attributeCondition }
          : {}),
        ...(Array.isArray(body.allowedAudiences)
          ? { allowedAudiences: body.allowedAudiences as string[] }
          : {}),
        ...(isObject(body.attributeMapping) ? { attributeMapping: stringRecord(body.attributeMapping) } : {}),
      });
      return ok();
    }),
    route('PATCH', '/service-accounts/{email}', (ctx) => {
      const body = checkBody(ctx.body, { disabled: 'boolean' });
      emulator.serviceAccounts.setDisabled(ctx.params.email ?? '', body.disabled === true);
      return ok();
    }),
  ];
}

/** Control misuse (bad input to a test helper) is a 400 naming the problem, never a 500. */
function guarded(handler: Handler): Handler {
  return async (ctx) => {
    try {
      return await handler(ctx);
    } catch (error) {
      if (error instanceof GoogleError) throw error;
      throw invalidArgument(error instanceof Error ? error.message : String(error));
    }
  };
}

function required(value: unknown, name: string): string {
  if (typeof value !== 'string' || value === '') throw invalidArgument(`'${name}' is required.`);
  return value;
}

function stringRecord(value: unknown): Record<string, string> {
  if (!isObject(value)) throw invalidArgument('Expected an object of strings.');
  const out: Record<string, string> = {};
  for (const [key, item] of Object.entries(value)) {
    if (typeof item !== 'string') throw invalidArgument(`'${key}' must be a string.`);
    out[key] = item;
  }
  return out;
}

function bindingBody(raw: unknown): {
  resource: string;
  role: string;
  member: string;
  condition?: Condition;
} {
  const body = checkBody(raw, { resource: 'string', role: 'string', member: 'string', condition: 'object' });
  const condition = isObject(body.condition)
    ? checkBody(body.condition, { expression: 'string', title: 'string', description: 'string' }, 'condition')
    : undefined;
  return {
    resource: required(body.resource, 'resource'),
    role: required(body.role, 'role'),
    member: required(body.member, 'member'),
    ...(condition === undefined
      ? {}
      : {
          condition: {
            expression: required(condition.expression, 'condition.expression'),
            title: required(condition.title, 'condition.title'),
            ...(typeof condition.description === 'string' ? { description: condition.description } : {}),
          },
        }),
  };
}
