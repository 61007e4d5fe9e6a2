/**
 * Authoritative `roles/run.invoker` membership, with Terraform `google_*_iam_binding` semantics:
 * the declared list is the whole unconditional binding. Other roles and every conditional binding
 * (even on run.invoker) are left exactly as they are.
 */
import { withoutDefaults } from './proto-plain.ts';
import type { IamBinding, IamPolicy, InvokerPlan } from './types.ts';

export const INVOKER_ROLE = 'roles/run.invoker';

const UNMANAGED: InvokerPlan = { managed: false, add: [], remove: [], keep: [], policy: undefined };

/**
 * What changes in `current` (absent: the service has no policy yet) so that exactly `declared`
 * holds the invoker role; `declared` undefined means invokers are not managed.
 */
export function planInvokers(
  declared: readonly string[] | undefined,
  current: IamPolicy | undefined,
): InvokerPlan {
  if (declared === undefined) return UNMANAGED;
  const bindings = current?.bindings ?? [];
  const managed = (binding: IamBinding): boolean => binding.role === INVOKER_ROLE && !hasCondition(binding);
  const bound = unique(bindings.filter(managed).flatMap((binding) => binding.members ?? []));
  const wanted = unique(declared);
  const boundKeys = new Set(bound.map(memberKey));
  const wantedKeys = new Set(wanted.map(memberKey));
  const add = wanted.filter((member) => !boundKeys.has(memberKey(member))).sort();
  const keep = wanted.filter((member) => boundKeys.has(memberKey(member))).sort();
  const remove = bound.filter((member) => !wantedKeys.has(memberKey(member))).sort();
  if (add.length === 0 && remove.length === 0) return { managed: true, add, remove, keep, policy: undefined };

  // The managed binding replaces the first unconditional run.invoker binding in place.
  const next: IamBinding[] = [];
  let placed = false;
  const members = [...keep, ...add].sort();
  for (const binding of bindings) {
    if (!managed(binding)) next.push(plainBinding(binding));
    else if (!placed) {
      placed = true;
      if (members.length > 0) next.push({ role: INVOKER_ROLE, members });
    }
  }
  if (!placed && members.length > 0) next.push({ role: INVOKER_ROLE, members });
  const policy: IamPolicy = {
    // Version 3 is required as soon as any binding carries a condition.
    version: next.some(hasCondition) ? 3 : 1,
    bindings: next,
    ...(current?.auditConfigs && current.auditConfigs.length > 0
      ? { auditConfigs: current.auditConfigs }
      : {}),
    ...(current?.etag ? { etag: current.etag } : {}),
  };
  return { managed: true, add, remove, keep, policy };
}

/** Other bindings go back as read, minus the proto3 defaults a decoded policy carries. */
function plainBinding(binding: IamBinding): IamBinding {
  const plain = withoutDefaults(binding);
  return typeof plain === 'object' && plain !== null ? plain : binding;
}

function hasCondition(binding: IamBinding): boolean {
  const condition = binding.condition;
  return condition !== null && condition !== undefined && Boolean(condition.expression || condition.title);
}

/** IAM treats email-based members case-insensitively; principal identifiers stay exact. */
function memberKey(member: string): string {
  return /^(user|serviceAccount|group|domain):/i.test(member) ? member.toLowerCase() : member;
}

function unique(members: readonly string[]): string[] {
  const seen = new Set<string>();
  return members.filter((member) => {
    const key = memberKey(member);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
