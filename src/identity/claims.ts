import { ActionError } from '../errors.ts';
import type { ClaimRules } from '../settings/types.ts';

/** The payload of a JWT, not verified: Google verifies the signature; this is defence in depth. */
export type Claims = Readonly<Record<string, unknown>>;

export function decodeJwtPayload(token: string): Claims {
  const parts = token.split('.');
  const payload = parts[1];
  if (parts.length !== 3 || payload === undefined) {
    throw new ActionError('The GitHub OIDC token is not a JWT (expected three dot-separated parts).', {
      remedy: 'Check that ACTIONS_ID_TOKEN_REQUEST_URL points at the GitHub OIDC token service.',
    });
  }
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
  } catch {
    decoded = undefined;
  }
  if (typeof decoded !== 'object' || decoded === null || Array.isArray(decoded)) {
    throw new ActionError('The GitHub OIDC token payload is not a JSON object.', {
      remedy: 'Check that ACTIONS_ID_TOKEN_REQUEST_URL points at the GitHub OIDC token service.',
    });
  }
  return decoded as Claims;
}

/** `*` matches any run of characters except `/`; everything else is literal. */
export function refGlobMatches(pattern: string, ref: string): boolean {
  const source = pattern
    .split('*')
    .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
    .join('[^/]*');
  return new RegExp(`^${source}$`).test(ref);
}

interface Rule {
  readonly claim: string;
  readonly policyKey: string;
  readonly allowed: readonly string[] | undefined;
  readonly matches: (allowed: string, value: string) => boolean;
}

const exact = (allowed: string, value: string): boolean => allowed === value;

/**
 * Refuses a token whose claims fall outside the policy's `allow` rules, naming the claim, its
 * value and the rule. `where` names the policy file (or the inputs) for the remedy.
 */
/**
 * Fails unless every restricted claim is allowed. `key` names the rule set in messages:
 * `deployer.allow` (who may deploy) or `deployer.plan_allow` (who may plan).
 */
export function checkClaims(
  claims: Claims,
  rules: ClaimRules,
  where: string,
  key: 'deployer.allow' | 'deployer.plan_allow' = 'deployer.allow',
): void {
  const what = key === 'deployer.allow' ? 'deploy' : 'plan';
  const table: readonly Rule[] = [
    {
      claim: 'repository',
      policyKey: 'repositories',
      allowed: rules.repositories,
      matches: (allowed, value) => allowed.toLowerCase() === value.toLowerCase(),
    },
    { claim: 'ref', policyKey: 'refs', allowed: rules.refs, matches: refGlobMatches },
    { claim: 'environment', policyKey: 'environments', allowed: rules.environments, matches: exact },
    { claim: 'event_name', policyKey: 'events', allowed: rules.events, matches: exact },
  ];
  for (const rule of table) {
    if (rule.allowed === undefined) continue;
    const value = claims[rule.claim];
    const shown = typeof value === 'string' ? `'${value}'` : 'absent';
    const list = rule.allowed.map((entry) => `'${entry}'`).join(', ');
    if (typeof value === 'string' && rule.allowed.some((allowed) => rule.matches(allowed, value))) continue;
    throw new ActionError(
      `The GitHub OIDC token's '${rule.claim}' claim is ${shown}, which the policy's ${key}.${rule.policyKey} rule (${list}) does not accept.`,
      {
        remedy:
          rule.claim === 'environment' && value === undefined
            ? `Give the job an environment (\`environment: ${rule.allowed[0] ?? 'NAME'}\`), or change ${key}.${rule.policyKey} in ${where}.`
            : `Run from an allowed ${rule.claim}, or change ${key}.${rule.policyKey} in ${where} if this one should ${what}.`,
      },
    );
  }
}
