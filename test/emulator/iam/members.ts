import type { Identity } from '../core/types.ts';

export interface MemberContext {
  readonly projectNumber: string;
  /** Group email → its members (as IAM member strings). */
  readonly groups: ReadonlyMap<string, readonly string[]>;
}

const POOL = 'iam.googleapis.com/projects/([0-9]+)/locations/global/workloadIdentityPools/([a-z0-9-]+)';
const PRINCIPAL = new RegExp(`^principal://${POOL}/subject/(.+)$`);
const PRINCIPAL_SET_ATTRIBUTE = new RegExp(`^principalSet://${POOL}/attribute\\.([a-z_][a-z0-9_]*)/(.+)$`);
const PRINCIPAL_SET_ALL = new RegExp(`^principalSet://${POOL}/\\*$`);
const PRINCIPAL_SET_GROUP = new RegExp(`^principalSet://${POOL}/group/(.+)$`);
const EMAIL = /^[^@\s:]+@[^@\s:]+\.[^@\s:]+$/;

/** Whether an IAM member string names this identity (directly, by group, or by attribute). */
export function memberMatches(
  member: string,
  identity: Identity,
  context: MemberContext,
  seen = new Set<string>(),
): boolean {
  if (member === 'allUsers' || member === 'allAuthenticatedUsers') return true;
  const [prefix, rest] = splitMember(member);
  switch (prefix) {
    case 'serviceAccount':
      return identity.kind === 'serviceAccount' && identity.email.toLowerCase() === rest.toLowerCase();
    case 'user':
      return identity.kind === 'user' && identity.email.toLowerCase() === rest.toLowerCase();
    case 'group': {
      const key = rest.toLowerCase();
      if (seen.has(key)) return false;
      seen.add(key);
      return (context.groups.get(key) ?? []).some((inner) => memberMatches(inner, identity, context, seen));
    }
    default:
      return identity.kind === 'federated' && federatedMatches(member, identity, context);
  }
}

function federatedMatches(
  member: string,
  identity: Extract<Identity, { kind: 'federated' }>,
  context: MemberContext,
): boolean {
  const poolOf = (number: string | undefined, pool: string | undefined) =>
    number === context.projectNumber &&
    `projects/${number}/locations/global/workloadIdentityPools/${pool}` === identity.pool;
  const principal = PRINCIPAL.exec(member);
  if (principal !== null) return poolOf(principal[1], principal[2]) && principal[3] === identity.subject;
  const attribute = PRINCIPAL_SET_ATTRIBUTE.exec(member);
  if (attribute !== null) {
    const name = attribute[3] ?? '';
    return poolOf(attribute[1], attribute[2]) && identity.attributes[name] === attribute[4];
  }
  const all = PRINCIPAL_SET_ALL.exec(member);
  if (all !== null) return poolOf(all[1], all[2]);
  return false;
}

/** Why a member string would be rejected in a policy write, or `undefined` when it is valid. */
export function memberProblem(member: string): string | undefined {
  if (member === 'allUsers' || member === 'allAuthenticatedUsers') return undefined;
  if (member.startsWith('principal://') || member.startsWith('principalSet://')) {
    return [PRINCIPAL, PRINCIPAL_SET_ATTRIBUTE, PRINCIPAL_SET_ALL, PRINCIPAL_SET_GROUP].some((re) =>
      re.test(member),
    )
      ? undefined
      : `Invalid principal identifier: ${member}`;
  }
  const [prefix, rest] = splitMember(member);
  switch (prefix) {
    case 'user':
    case 'serviceAccount':
    case 'group':
      return EMAIL.test(rest) ? undefined : `Invalid ${prefix} email: ${rest}`;
    case 'domain':
      return /^[a-z0-9.-]+\.[a-z]+$/i.test(rest) ? undefined : `Invalid domain: ${rest}`;
    case 'deleted':
    case 'projectOwner':
    case 'projectEditor':
    case 'projectViewer':
      return rest === '' ? `Invalid member: ${member}` : undefined;
    default:
      return `Invalid member type: ${member}`;
  }
}

function splitMember(member: string): [string, string] {
  const colon = member.indexOf(':');
  return colon < 0 ? [member, ''] : [member.slice(0, colon), member.slice(colon + 1)];
}
