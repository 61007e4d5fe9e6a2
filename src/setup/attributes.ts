/**
 * The GitHub OIDC provider's attribute mapping and the attribute condition that pins it to the
 * policy's `deployer.allow` rules, so Google refuses other repositories before the action runs.
 */
import type { ClaimRules } from '../settings/types.ts';

export const GITHUB_ISSUER = 'https://token.actions.githubusercontent.com';

/**
 * Claims kept as attributes (for IAM principal sets and audit logs). `environment` is absent from
 * tokens of jobs without one, and a mapping that reads a missing claim fails the exchange.
 */
export const ATTRIBUTE_MAPPING: Readonly<Record<string, string>> = Object.freeze({
  'attribute.environment': 'has(assertion.environment) ? assertion.environment : ""',
  'attribute.event_name': 'assertion.event_name',
  'attribute.ref': 'assertion.ref',
  'attribute.repository': 'assertion.repository',
  'attribute.repository_owner': 'assertion.repository_owner',
  'google.subject': 'assertion.sub',
});

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

/** The attribute condition: every restricted claim must be allowed (as `checkClaims` does). */
export function attributeCondition(rules: ClaimRules): string {
  const parts = [oneOf('assertion.repository', rules.repositories)];
  if (rules.refs !== undefined) parts.push(refRule(rules.refs));
  if (rules.environments !== undefined)
    parts.push(`has(assertion.environment) && ${oneOf('assertion.environment', rules.environments)}`);
  if (rules.events !== undefined) parts.push(oneOf('assertion.event_name', rules.events));
  return parts.join(' && ');
}
