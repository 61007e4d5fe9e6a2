import { ActionError } from '../errors.ts';
import { isTransient } from '../google/errors.ts';
import { CALL_RETRY, REQUEST_TIMEOUT_MS, type RetryDeps, withDeadline, withRetry } from '../google/retry.ts';

export interface OidcDeps {
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly readFile: (path: string) => Promise<string>;
  /** One request for a token: `requestGitHubIdToken` (or `core.getIDToken`, which retries 502/503/504 itself). */
  readonly getIDToken: (audience: string) => Promise<string>;
  readonly setSecret: (secret: string) => void;
  readonly retry: RetryDeps;
}

const PERMISSIONS_YAML = [
  'permissions:',
  '  id-token: write   # lets the job request a GitHub OIDC token',
  '  contents: read',
].join('\n');

/** Whether the event is a pull request whose head lives in another repository (a fork). */
export function isForkPullRequest(
  eventName: string | undefined,
  payload: unknown,
  repository: string | undefined,
): boolean {
  if (eventName !== 'pull_request' && eventName !== 'pull_request_target') return false;
  if (typeof payload !== 'object' || payload === null) return false;
  const pull = (payload as { pull_request?: { head?: { repo?: { fork?: unknown; full_name?: unknown } } } })
    .pull_request;
  const head = pull?.head?.repo;
  if (head === undefined) return false;
  if (head.fork === true) return true;
  return (
    typeof head.full_name === 'string' &&
    repository !== undefined &&
    head.full_name.toLowerCase() !== repository.toLowerCase()
  );
}

/** Why the runner did not offer an OIDC token, and what to do about it. */
export function missingOidcError(forkPullRequest: boolean): ActionError {
  if (forkPullRequest) {
    return new ActionError(
      'No GitHub OIDC token is available: this run is a pull request from a fork, and GitHub never gives fork pull requests an OIDC token (ACTIONS_ID_TOKEN_REQUEST_URL is unset).',
      {
        remedy:
          'Deploy from the base repository instead: trigger this job on push, workflow_dispatch or after the pull request is merged, and skip it for fork pull requests (`if: github.event.pull_request.head.repo.fork != true`).',
      },
    );
  }
  return new ActionError(
    'No GitHub OIDC token is available: ACTIONS_ID_TOKEN_REQUEST_URL / ACTIONS_ID_TOKEN_REQUEST_TOKEN are unset because the job lacks the id-token permission.',
    { remedy: `Add this to the job (or the workflow) that runs the action:\n${PERMISSIONS_YAML}` },
  );
}

/**
 * Transient by status or network code (`requestGitHubIdToken`, `withDeadline`), or by text:
 * `core.getIDToken` flattens failures into "Error Code : 503" or "Error Code : undefined".
 */
export function isTransientOidcFailure(error: unknown): boolean {
  if (isTransient(error)) return true;
  const message = error instanceof Error ? error.message : String(error);
  const match = /Error Code : (\w+)/.exec(message);
  if (match === null) return false;
  const code = Number(match[1]);
  // No status code means the request never got an answer (connection refused, reset).
  return Number.isNaN(code) || code === 408 || code === 429 || code >= 500;
}

/**
 * Gets the GitHub OIDC token for `audience`, explaining a missing `id-token: write` or a fork pull
 * request before asking, and masking the token at once.
 */
export async function getGitHubIdToken(audience: string, deps: OidcDeps): Promise<string> {
  const { env } = deps;
  if (!env.ACTIONS_ID_TOKEN_REQUEST_URL || !env.ACTIONS_ID_TOKEN_REQUEST_TOKEN) {
    throw missingOidcError(
      isForkPullRequest(
        env.GITHUB_EVENT_NAME,
        await readEventPayload(env.GITHUB_EVENT_PATH, deps),
        env.GITHUB_REPOSITORY,
      ),
    );
  }
  try {
    const what = 'GitHub OIDC token request';
    // The deadline also bounds a getIDToken that ignores timeouts; an abandoned request cannot
    // hold the step open because the process ends when run() settles (index.ts).
    const token = await withRetry(
      what,
      () => withDeadline(() => deps.getIDToken(audience), REQUEST_TIMEOUT_MS, what),
      deps.retry,
      {
        policy: CALL_RETRY,
        retryable: isTransientOidcFailure,
      },
    );
    deps.setSecret(token);
    return token;
  } catch (error) {
    throw new ActionError(
      `Could not get a GitHub OIDC token for audience '${audience}': ${error instanceof Error ? error.message.replace(/\s+/g, ' ') : String(error)}`,
      {
        cause: error,
        remedy:
          'If GitHub reports an outage (https://www.githubstatus.com), re-run the job later; otherwise check that the job has `permissions: id-token: write`.',
      },
    );
  }
}

async function readEventPayload(path: string | undefined, deps: OidcDeps): Promise<unknown> {
  if (path === undefined || path === '') return undefined;
  try {
    return JSON.parse(await deps.readFile(path));
  } catch {
    // Without the payload the fork case cannot be told apart; the permission advice still applies.
    return undefined;
  }
}
