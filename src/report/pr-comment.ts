/**
 * The plan where reviewers look: one pull-request comment per plan, found again on later runs by
 * a hidden HTML marker and updated in place, so a pull request never collects a stack of plans.
 */
import { getOctokit } from '@actions/github';
import { ActionError, describe } from '../errors.ts';

/** GitHub rejects longer comment bodies (422). */
export const MAX_COMMENT_LENGTH = 65_536;
const MARKER_PREFIX = '<!-- cloud-run-keyless-deploy:plan';

export interface PullRequestRef {
  /** `owner/name`. */
  readonly repository: string;
  readonly number: number;
}

export interface PrCommentTarget extends PullRequestRef {
  /** The workflow's token (`github.token`); used only as the Authorization header, never printed. */
  readonly token: string;
  /** REST base URL, `GITHUB_API_URL` on a runner (GitHub Enterprise and the emulator differ). */
  readonly apiUrl: string;
  /**
   * Tells apart several plans on one pull request (e.g. staging and production jobs): each key
   * owns one comment. Use `planCommentKey` of the targets.
   */
  readonly key: string;
  /** Link to the run, shown when the plan had to be shortened. */
  readonly runUrl?: string;
}

export interface PrCommentResult {
  readonly action: 'created' | 'updated' | 'unchanged';
  readonly id: number;
  readonly url: string;
}

/** The hidden line that marks our comment; `key` is reduced to characters that cannot end an HTML comment. */
export function commentMarker(key: string): string {
  return `${MARKER_PREFIX} ${key.replace(/[^\w@./:,-]/g, '_')} -->`;
}

/** A key naming what the plan covers, stable across runs: `service@region` pairs, sorted. */
export function planCommentKey(
  targets: readonly { readonly service: string; readonly region: string }[],
): string {
  return [...new Set(targets.map((t) => `${t.service}@${t.region}`))].sort().join(',');
}

/** Marker + plan, cut at a line boundary to GitHub's limit with a pointer to the full plan. */
export function commentBody(markdown: string, key: string, runUrl?: string): string {
  const marker = commentMarker(key);
  const whole = `${marker}\n${markdown}`;
  if (whole.length <= MAX_COMMENT_LENGTH) return whole;
  const where = runUrl === undefined ? 'the job summary of this run' : `the [job summary](${runUrl})`;
  const note = `\n\n…the plan is too long for a comment and was cut here; the full plan is in ${where}.\n`;
  const room = MAX_COMMENT_LENGTH - note.length;
  const cut = whole.lastIndexOf('\n', room);
  return `${whole.slice(0, cut > marker.length ? cut : room)}${note}`;
}

/**
 * The pull request this run belongs to, from the webhook payload of a `pull_request` or
 * `pull_request_target` event (`undefined` for other events).
 */
export function pullRequestOf(
  env: Readonly<Record<string, string | undefined>>,
  event: unknown,
): PullRequestRef | undefined {
  const repository = env.GITHUB_REPOSITORY;
  if (repository === undefined || !/^[^/\s]+\/[^/\s]+$/.test(repository)) return undefined;
  if (env.GITHUB_EVENT_NAME !== 'pull_request' && env.GITHUB_EVENT_NAME !== 'pull_request_target') {
    return undefined;
  }
  const pull = isRecord(event) ? event.pull_request : undefined;
  const number = isRecord(pull) ? pull.number : undefined;
  return typeof number === 'number' && Number.isSafeInteger(number) && number > 0
    ? { repository, number }
    : undefined;
}

/** Creates the plan comment, or updates the one an earlier run made (unchanged text is left alone). */
export async function upsertPrComment(markdown: string, target: PrCommentTarget): Promise<PrCommentResult> {
  if (target.token.trim() === '') {
    throw new ActionError(
      `No GitHub token to write the plan comment on pull request #${target.number} of ${target.repository}.`,
      { remedy: TOKEN_REMEDY },
    );
  }
  const [owner = '', repo = ''] = target.repository.split('/');
  const octokit = getOctokit(target.token, { baseUrl: target.apiUrl });
  const marker = commentMarker(target.key);
  const body = commentBody(markdown, target.key, target.runUrl);
  const issue = { owner, repo, issue_number: target.number };
  try {
    const comments = await octokit.paginate(octokit.rest.issues.listComments, { ...issue, per_page: 100 });
    // Ours starts with the marker; a reviewer quoting it (`> <!-- …`) does not.
    const existing = comments.find((comment) => comment.body?.startsWith(marker) === true);
    if (existing === undefined) {
      const created = await octokit.rest.issues.createComment({ ...issue, body });
      return { action: 'created', id: created.data.id, url: created.data.html_url };
    }
    if (existing.body === body) return { action: 'unchanged', id: existing.id, url: existing.html_url };
    const updated = await octokit.rest.issues.updateComment({ owner, repo, comment_id: existing.id, body });
    return { action: 'updated', id: updated.data.id, url: updated.data.html_url };
  } catch (error) {
    throw commentError(error, target);
  }
}

/** Turns GitHub's answer into the cause and what to change in the workflow. */
function commentError(error: unknown, target: PullRequestRef): ActionError {
  const where = `pull request #${target.number} of ${target.repository}`;
  // Octokit reports a failed fetch as status 500 without a response: that is no answer at all.
  const response = isRecord(error) ? error.response : undefined;
  const status = isRecord(response) && typeof response.status === 'number' ? response.status : undefined;
  const data = isRecord(response) ? response.data : undefined;
  const said = isRecord(data) && typeof data.message === 'string' ? data.message : describe(error);
  const message =
    status === undefined
      ? `Could not write the plan comment on ${where}: no answer from GitHub: ${said}`
      : `Could not write the plan comment on ${where}: GitHub answered ${status}: ${said}`;
  const remedy =
    REMEDIES[status ?? 0] ?? 'Check that GITHUB_API_URL is reachable from the runner, then re-run the job.';
  return new ActionError(message, { remedy, cause: error });
}

const TOKEN_REMEDY =
  "Pass a valid token: leave the github_token input at its default (the workflow's github.token) or give a token that has not expired.";

const REMEDIES: Readonly<Record<number, string>> = {
  401: TOKEN_REMEDY,
  403: 'Give the job `permissions: pull-requests: write`. Pull requests from forks only get a read-only token: set pr_comment: false for them (the plan stays in the job summary).',
  404: 'Check that the pull request exists and that the token reaches this repository (a workflow token only reaches its own repository; a private repository looks missing without one).',
  422: 'GitHub refused the comment body; report this as a bug of the action, with the job summary.',
};

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}
