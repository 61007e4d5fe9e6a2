import { randomUUID } from 'node:crypto';

/** Claims the test world starts from: a push to main of acme/hello. */
export const DEFAULT_CLAIMS: Readonly<Record<string, string>> = {
  repository: 'acme/hello',
  repository_id: '690123456',
  repository_owner: 'acme',
  repository_owner_id: '1234567',
  repository_visibility: 'private',
  ref: 'refs/heads/main',
  ref_type: 'branch',
  ref_protected: 'true',
  sha: '3f786850e387550fdab836ed7e6dc881de23001b',
  head_ref: '',
  base_ref: '',
  actor: 'octocat',
  actor_id: '583231',
  event_name: 'push',
  run_id: '9876543210',
  run_number: '42',
  run_attempt: '1',
  runner_environment: 'github-hosted',
  workflow: 'Deploy',
};

/** The claims GitHub's real tokens carry (besides iss, aud, iat, nbf, exp, jti). */
export const GITHUB_CLAIM_NAMES = new Set([
  ...Object.keys(DEFAULT_CLAIMS),
  'sub',
  'workflow_ref',
  'workflow_sha',
  'job_workflow_ref',
  'job_workflow_sha',
  'environment',
  'enterprise',
  'enterprise_id',
]);

/**
 * The full claim set for one token: defaults, then `overrides`; `sub`, the workflow refs and the
 * owner are derived from repository/ref/event/environment unless overridden. `environment`
 * appears only when set (non-empty), as on GitHub.
 */
export function resolveClaims(overrides: Readonly<Record<string, string>>): Record<string, string> {
  for (const name of Object.keys(overrides)) {
    if (!GITHUB_CLAIM_NAMES.has(name)) {
      throw new Error(
        `Unknown GitHub OIDC claim '${name}'; known claims: ${[...GITHUB_CLAIM_NAMES].join(', ')}.`,
      );
    }
  }
  const base: Record<string, string> = { ...DEFAULT_CLAIMS, ...overrides };
  const repository = base.repository ?? '';
  const ref = base.ref ?? '';
  const environment = base.environment ?? '';
  const workflowPath = `${repository}/.github/workflows/${(base.workflow ?? 'deploy').toLowerCase().replace(/[^a-z0-9]+/g, '-')}.yml@${ref}`;
  const derived: Record<string, string> = {
    repository_owner: repository.split('/')[0] ?? '',
    sub: subjectOf(repository, base.event_name ?? '', ref, environment),
    workflow_ref: workflowPath,
    workflow_sha: base.sha ?? '',
    job_workflow_ref: workflowPath,
    job_workflow_sha: base.sha ?? '',
  };
  const claims: Record<string, string> = { ...base, ...derived, ...overrides };
  if (environment === '') delete claims.environment;
  return claims;
}

/** GitHub's default `sub` formats. */
export function subjectOf(repository: string, eventName: string, ref: string, environment: string): string {
  if (environment !== '') return `repo:${repository}:environment:${environment}`;
  if (eventName === 'pull_request' || eventName === 'pull_request_target')
    return `repo:${repository}:pull_request`;
  return `repo:${repository}:ref:${ref}`;
}

/** Claims of a pull request from a fork (the runner gives such jobs no id-token permission). */
export const FORK_PULL_REQUEST_CLAIMS: Readonly<Record<string, string>> = {
  event_name: 'pull_request',
  ref: 'refs/pull/7/merge',
  ref_type: 'branch',
  ref_protected: 'false',
  head_ref: 'feature',
  base_ref: 'main',
  actor: 'outside-contributor',
  actor_id: '7654321',
};

export function newJti(): string {
  return randomUUID();
}
