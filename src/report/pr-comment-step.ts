/**
 * On pull requests, the summary (the plan) also goes into one comment that later runs update.
 * Never fails the step: the plan is already in the job summary.
 */
import * as core from '@actions/core';
import { render } from '../errors.ts';
import { renderSummary } from './summary.ts';
import type { RunRecord } from './types.ts';

type Environment = Readonly<Record<string, string | undefined>>;

export async function commentOnPullRequest(
  record: RunRecord,
  env: Environment,
  readFile: (path: string) => Promise<string>,
): Promise<void> {
  const options = record.prComment;
  if (options === undefined || !options.enabled) return;
  // Loaded only here: it brings Octokit, which no other run needs to start.
  const { planCommentKey, pullRequestOf, upsertPrComment } = await import('./pr-comment.ts');
  const pr = pullRequestOf(env, await readEvent(env, readFile));
  if (pr === undefined) return;
  if (options.githubToken === undefined) {
    core.warning(
      'No plan comment: the github_token input is empty. Leave its default (the workflow token) or pass a token with pull-requests: write.',
    );
    return;
  }
  core.setSecret(options.githubToken);
  try {
    const result = await upsertPrComment(renderSummary(record), {
      ...pr,
      token: options.githubToken,
      apiUrl: env.GITHUB_API_URL ?? 'https://api.github.com',
      key: planCommentKey((record.plan?.targets ?? []).map((target) => target.target)),
      runUrl: `${env.GITHUB_SERVER_URL ?? 'https://github.com'}/${env.GITHUB_REPOSITORY ?? ''}/actions/runs/${env.GITHUB_RUN_ID ?? ''}`,
    });
    core.info(`Plan comment ${result.action}: ${result.url}`);
  } catch (error) {
    core.warning(`Could not comment the plan on the pull request: ${render(error)}`);
  }
}

/** The workflow's event payload, or nothing when it cannot be read. */
async function readEvent(env: Environment, readFile: (path: string) => Promise<string>): Promise<unknown> {
  const path = env.GITHUB_EVENT_PATH;
  if (path === undefined || path === '') return undefined;
  try {
    return JSON.parse(await readFile(path)) as unknown;
  } catch {
    return undefined;
  }
}
