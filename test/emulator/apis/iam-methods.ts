import { isObject } from '../core/body.ts';
import { checkBody } from '../core/body-check.ts';
import { invalidArgument } from '../core/google-error.ts';
import type { EmulatorCore } from '../core/plugin.ts';
import type { Identity, RequestContext } from '../core/types.ts';
import type { PolicyJson } from '../iam/policy.ts';

/** `{options: {requestedPolicyVersion}}` of a `getIamPolicy` body (or its query form). */
export function requestedVersion(ctx: RequestContext): number {
  const body = checkBody(ctx.body, { options: 'object' });
  const fromQuery = ctx.query.get('options.requestedPolicyVersion');
  const options = isObject(body.options)
    ? checkBody(body.options, { requestedPolicyVersion: 'int' }, 'options')
    : {};
  const raw = options.requestedPolicyVersion ?? fromQuery ?? 0;
  return Number(raw);
}

export function getPolicy(core: EmulatorCore, ctx: RequestContext, resource: string): PolicyJson {
  return core.iam.getPolicy(resource, requestedVersion(ctx));
}

export function setPolicy(core: EmulatorCore, ctx: RequestContext, resource: string): PolicyJson {
  const body = checkBody(ctx.body, { policy: 'object', updateMask: 'string' });
  if (body.policy === undefined) throw invalidArgument("Invalid value at 'policy': the policy is required.");
  return core.iam.setPolicy(
    resource,
    body.policy,
    typeof body.updateMask === 'string' ? body.updateMask : undefined,
  );
}

/** `testIamPermissions`: the held subset, `{}` when none (as Google answers). */
export function testPermissions(
  core: EmulatorCore,
  ctx: RequestContext,
  caller: Identity,
  resource: string,
): unknown {
  const body = checkBody(ctx.body, { permissions: 'string[]' });
  const permissions = (body.permissions ?? []) as readonly string[];
  const held = core.iam.testPermissions(caller, resource, permissions);
  return held.length > 0 ? { permissions: held } : {};
}
