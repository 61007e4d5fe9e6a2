import type { BindingsEdit } from './engine.ts';
import type { Condition } from './policy.ts';

/** Adds `member` to `role` (in the binding with the same condition, or a new one). */
export function addMember(role: string, member: string, condition?: Condition): BindingsEdit {
  return (bindings) => [
    ...bindings,
    { role, members: [member], ...(condition === undefined ? {} : { condition }) },
  ];
}

/** Removes `member` from every binding of `role`. */
export function removeMember(role: string, member: string): BindingsEdit {
  return (bindings) =>
    bindings.map((binding) =>
      binding.role === role ? { ...binding, members: binding.members.filter((m) => m !== member) } : binding,
    );
}
