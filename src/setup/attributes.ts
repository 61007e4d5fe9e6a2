/**
 * The GitHub OIDC provider's attribute mapping and the attribute condition that pin it to the
 * policy's rules, so Google refuses other workflows before the action runs. Two mapped attributes
 * say what a token may do: `can_deploy` (the `deployer.allow` rules) and `can_plan`
 * (`deployer.plan_allow`, else `allow`); the deployer and the planner trust only their own, so a
 * workflow admitted to plan (e.g. a pull request) cannot impersonate the deployer.
 */
import type { ClaimRules } from '../settings/types.ts';

export const GITHUB_ISSUER = 'https://token.actions.githubusercontent.com';

/** Google's limits on a provider: one mapping expression, and the attribute condition. */
export const MAX_MAPPING_EXPRESSION_CHARS = 2048;
export const MAX_CONDITION_CHARS = 4096;

/** Mapped attribute names (Google allows [a-z0-9_], at most 100 characters). */
export const CAN_DEPLOY = 'can_deploy';
export const CAN_PLAN = 'can_plan';

/**
 * Claims kept as attributes (for audit logs and hand-written principal sets). `environment` is
 * absent from tokens of jobs without one, and a mapping that reads a missing claim fails the exchange.
 */
const CLAIM_ATTRIBUTES: Readonly<Record<string, string>> = {
  'attribute.environment': 'has(assertion.environment) ? assertion.environment : ""',
  'attribute.event_name': 'assertion.event_name',
  'attribute.ref': 'assertion.ref',
  'attribute.repository': 'assertion.repository',
  'attribute.repository_owner': 'assertion.repository_owner',
  'google.subject': 'assertion.sub',
};

/** Who may deploy, and who may plan when the policy has a planner (`plan` = plan_allow ?? allow). */
export interface AccessRules {
  readonly deploy: ClaimRules;
  readonly plan: ClaimRules | undefined;
}

/** The attribute mapping, sorted by key: the claims, plus `can_deploy` and (with a planner) `can_plan`. */
export function attributeMapping(access: AccessRules): Readonly<Record<string, string>> {
  const mapping: Record<string, string> = {
    ...CLAIM_ATTRIBUTES,
    [`attribute.${CAN_DEPLOY}`]: flag(access.deploy),
    ...(access.plan === undefined ? {} : { [`attribute.${CAN_PLAN}`]: flag(access.plan) }),
  };
  return Object.freeze(
    Object.fromEntries(Object.entries(mapping).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))),
  );
}

/** The attribute condition: a token must be admitted to deploy or to plan. */
export function attributeCondition(access: AccessRules): string {
  const deploy = rulesExpression(access.deploy);
  const plan = access.plan === undefined ? deploy : rulesExpression(access.plan);
  return plan === deploy ? deploy : `(${deploy}) || (${plan})`;
}

/** A mapped attribute is a string: `"true"` when the rules admit the token, else `"false"`. */
function flag(rules: ClaimRules): string {
  return `(${rulesExpression(rules)}) ? "true" : "false"`;
}

/** A CEL string literal (double-quoted, escaped). */
export function celString(value: string): string {
  return JSON.stringify(value);
}

/** `claim == "a"` for one value, `claim in ["a", "b"]` for more. */
function oneOf(claim: string, values: readonly string[]): string {
  const sorted = [...values].sort();
  const [only] = sorted;
  if (sorted.length === 1 && only !== undefined) return `${claim} == ${celString(only)}`;
  return `${claim} in [${sorted.map(celString).join(', ')}]`;
}

/** The RE2 equivalent of the action's ref glob: `*` matches within one path segment. */
export function refGlobRegex(pattern: string): string {
  const literal = pattern.split('*').map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'));
  return `^${literal.join('[^/]*')}$`;
}

function refRule(refs: readonly string[]): string {
  const exact = refs.filter((ref) => !ref.includes('*'));
  const globs = [...refs.filter((ref) => ref.includes('*'))].sort();
  const parts = [
    ...(exact.length > 0 ? [oneOf('assertion.ref', exact)] : []),
    ...globs.map((glob) => `assertion.ref.matches(${celString(refGlobRegex(glob))})`),
  ];
  return parts.length === 1 ? (parts[0] ?? '') : `(${parts.join(' || ')})`;
}

/** One rule set in CEL over `assertion`: every restricted claim must be allowed (as `checkClaims` does). */
export function rulesExpression(rules: ClaimRules): string {
  const parts = [oneOf('assertion.repository', rules.repositories)];
  if (rules.refs !== undefined) parts.push(refRule(rules.refs));
  if (rules.environments !== undefined)
    parts.push(`has(assertion.environment) && ${oneOf('assertion.environment', rules.environments)}`);
  if (rules.events !== undefined) parts.push(oneOf('assertion.event_name', rules.events));
  return parts.join(' && ');
}
