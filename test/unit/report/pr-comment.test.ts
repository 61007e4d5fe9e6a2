/**
 * The plan comment against the GitHub REST fake: one comment per plan key, updated in place,
 * and every refusal GitHub gives turned into its cause and the workflow change that fixes it.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ActionError } from '../../../src/errors.ts';
import {
  commentBody,
  commentMarker,
  MAX_COMMENT_LENGTH,
  type PrCommentTarget,
  planCommentKey,
  pullRequestOf,
  upsertPrComment,
} from '../../../src/report/pr-comment.ts';
import { type GitHubRest, startGitHubRest } from '../../emulator/github-rest/server.ts';

const REPO = 'acme/hello';
const PLAN_A = '## Cloud Run deploy plan\n\n#### hello (us-central1): update\n';
const PLAN_B = '## Cloud Run deploy plan\n\n#### hello (us-central1): no change\n';

let github: GitHubRest;
let writer: string;
before(async () => {
  github = await startGitHubRest({
    repositories: [
      { repository: REPO, pullRequests: [7, 8, 9, 10, 11], issues: [3] },
      { repository: 'acme/other', pullRequests: [1] },
    ],
  });
  writer = github.issueToken({ repository: REPO, pullRequests: 'write' });
});
after(async () => {
  await github.close();
});

const target = (overrides: Partial<PrCommentTarget> = {}): PrCommentTarget => ({
  repository: REPO,
  number: 7,
  token: writer,
  apiUrl: github.url,
  key: 'hello@us-central1',
  ...overrides,
});

async function refusal(overrides: Partial<PrCommentTarget>): Promise<ActionError> {
  const error = await upsertPrComment(PLAN_A, target(overrides)).then(
    () => assert.fail('expected a refusal'),
    (thrown: unknown) => thrown,
  );
  assert.ok(error instanceof ActionError);
  for (const token of github.tokens) {
    assert.ok(!`${error.message}${error.remedy}`.includes(token), 'no token in the error');
  }
  return error;
}

describe('upsertPrComment', () => {
  test('the first run creates the comment, later runs update it, never a second one', async () => {
    github.addComment(REPO, 7, 'Looks good, but check the memory.', 'reviewer');
    const first = await upsertPrComment(PLAN_A, target());
    assert.equal(first.action, 'created');
    assert.match(first.url, /^https:\/\/github\.com\/acme\/hello\/pull\/7#issuecomment-\d+$/);
    github.addComment(REPO, 7, `> ${commentMarker('hello@us-central1')}\n> quoted by a reviewer`, 'reviewer');

    const second = await upsertPrComment(PLAN_B, target());
    assert.deepEqual([second.action, second.id], ['updated', first.id]);
    const third = await upsertPrComment(PLAN_B, target());
    assert.deepEqual([third.action, third.id], ['unchanged', first.id]);

    const ours = github.comments(REPO, 7).filter((c) => c.login === 'github-actions[bot]');
    assert.equal(ours.length, 1, 'no duplicate comment');
    assert.equal(ours[0]?.body, `${commentMarker('hello@us-central1')}\n${PLAN_B}`);
    assert.equal(github.comments(REPO, 7).length, 3, 'reviewers’ comments untouched');
    const writes = github.requests.filter((r) => r.method !== 'GET' && r.path.includes('/issues/'));
    assert.deepEqual(
      writes.map((r) => [r.method, r.status]),
      [
        ['POST', 201],
        ['PATCH', 200],
      ],
    );
  });

  test('each plan key owns its own comment', async () => {
    await upsertPrComment(PLAN_A, target({ number: 8, key: 'hello@us-central1' }));
    await upsertPrComment(PLAN_A, target({ number: 8, key: 'hello@europe-west1' }));
    await upsertPrComment(PLAN_B, target({ number: 8, key: 'hello@europe-west1' }));
    const bodies = github.comments(REPO, 8).map((c) => c.body);
    assert.equal(bodies.length, 2);
    assert.ok(bodies[1]?.endsWith(PLAN_B));
  });

  test('finds its comment beyond the first page of 100', async () => {
    for (let i = 0; i < 130; i++) github.addComment(REPO, 9, `comment ${i}`, 'reviewer');
    const first = await upsertPrComment(PLAN_A, target({ number: 9 }));
    const second = await upsertPrComment(PLAN_B, target({ number: 9 }));
    assert.deepEqual([second.action, second.id], ['updated', first.id]);
    assert.equal(github.comments(REPO, 9).length, 131);
  });

  test('a plan longer than GitHub allows is shortened and still accepted', async () => {
    const huge = Array.from({ length: 4000 }, (_, i) => `| \`env.VAR_${i}\` | — | value ${i} |`).join('\n');
    const result = await upsertPrComment(
      huge,
      target({ number: 10, runUrl: 'https://github.com/acme/hello/actions/runs/1' }),
    );
    assert.equal(result.action, 'created');
    const body = github.comments(REPO, 10)[0]?.body ?? '';
    assert.ok(body.length <= MAX_COMMENT_LENGTH);
    assert.match(
      body,
      /full plan is in the \[job summary\]\(https:\/\/github\.com\/acme\/hello\/actions\/runs\/1\)\.\n$/,
    );
  });

  test('a read-only token (fork, or no pull-requests: write) is told which permission to add', async () => {
    const readOnly = github.issueToken({ repository: REPO, pullRequests: 'read', issues: 'read' });
    const error = await refusal({ token: readOnly, number: 11 });
    assert.match(
      error.message,
      /pull request #11 of acme\/hello: GitHub answered 403: Resource not accessible by integration/,
    );
    assert.match(error.remedy ?? '', /permissions: pull-requests: write/);
    assert.equal(github.comments(REPO, 11).length, 0);
  });

  test('an empty token is refused before any request', async () => {
    const count = github.requests.length;
    const error = await refusal({ token: ' ' });
    assert.match(
      error.message,
      /^No GitHub token to write the plan comment on pull request #7 of acme\/hello\.$/,
    );
    assert.match(error.remedy ?? '', /github_token/);
    assert.equal(github.requests.length, count);
  });

  test('an unknown token is 401 Bad credentials', async () => {
    const error = await refusal({ token: 'ghs_not-a-real-token' });
    assert.match(error.message, /GitHub answered 401: Bad credentials/);
    assert.match(error.remedy ?? '', /github_token/);
  });

  test('an unknown pull request, or another repository than the token’s, is 404', async () => {
    assert.match((await refusal({ number: 404 })).message, /#404 of acme\/hello: GitHub answered 404/);
    assert.match((await refusal({ repository: 'acme/other', number: 1 })).message, /GitHub answered 404/);
  });

  test('an unreachable API names no status and says what to check', async () => {
    const error = await refusal({ apiUrl: 'http://127.0.0.1:9' });
    assert.match(error.message, /no answer from GitHub/);
    assert.match(error.remedy ?? '', /GITHUB_API_URL/);
  });
});

describe('the GitHub REST fake is strict', () => {
  const post = (path: string, body: string, token: string | undefined) =>
    fetch(`${github.url}${path}`, {
      method: 'POST',
      headers: token === undefined ? {} : { authorization: `token ${token}` },
      body,
    });

  test('anonymous reads of a private repository are 404, writes 401; invalid bodies 400/422', async () => {
    const path = `/repos/${REPO}/issues/7/comments`;
    const before = github.comments(REPO, 7).length;
    const anonymous = await fetch(`${github.url}${path}`);
    assert.equal(anonymous.status, 404);
    assert.deepEqual(await anonymous.json(), {
      message: 'Not Found',
      documentation_url: 'https://docs.github.com/rest/issues/comments',
      status: '404',
    });
    assert.equal((await post(path, '{"body":"x"}', undefined)).status, 401);
    assert.equal((await post(path, '{', writer)).status, 400);
    const missing = await post(path, '{}', writer);
    assert.equal(missing.status, 422);
    assert.match(((await missing.json()) as { message: string }).message, /"body" wasn't supplied/);
    assert.equal((await post(path, '{"body":42}', writer)).status, 422);
    assert.equal((await post(path, '{"body":"  "}', writer)).status, 422);
    const long = await post(path, JSON.stringify({ body: 'x'.repeat(MAX_COMMENT_LENGTH + 1) }), writer);
    assert.equal(long.status, 422);
    assert.match(JSON.stringify(await long.json()), /too long \(maximum is 65536 characters\)/);
    assert.equal(github.comments(REPO, 7).length, before, 'nothing written');
  });

  test('an issue (not a pull request) needs issues permission, not pull-requests', async () => {
    const path = `/repos/${REPO}/issues/3/comments`;
    assert.equal((await post(path, '{"body":"x"}', writer)).status, 403);
    const issues = github.issueToken({ repository: REPO, issues: 'write' });
    assert.equal((await post(path, '{"body":"x"}', issues)).status, 201);
  });

  test('a comment of another repository cannot be patched through this one', async () => {
    const other = github.addComment('acme/other', 1, 'theirs', 'reviewer');
    const response = await fetch(`${github.url}/repos/${REPO}/issues/comments/${other.id}`, {
      method: 'PATCH',
      headers: { authorization: `Bearer ${writer}` },
      body: '{"body":"mine"}',
    });
    assert.equal(response.status, 404);
    assert.equal(other.body, 'theirs');
  });
});

describe('pure helpers', () => {
  test('commentMarker keeps the HTML comment closed whatever the key', () => {
    assert.equal(commentMarker('a@b,c@d'), '<!-- cloud-run-keyless-deploy:plan a@b,c@d -->');
    assert.equal(commentMarker('x --> <b>'), '<!-- cloud-run-keyless-deploy:plan x_--___b_ -->');
  });

  test('planCommentKey is stable whatever the order of targets', () => {
    const key = planCommentKey([
      { service: 'web', region: 'europe-west1' },
      { service: 'web', region: 'us-central1' },
    ]);
    assert.equal(key, 'web@europe-west1,web@us-central1');
    assert.equal(
      planCommentKey([
        { service: 'web', region: 'us-central1' },
        { service: 'web', region: 'europe-west1' },
      ]),
      key,
    );
  });

  test('commentBody leaves a short plan whole and cuts a long one at a line', () => {
    assert.equal(commentBody('plan', 'k'), `${commentMarker('k')}\nplan`);
    const long = commentBody(`${'line\n'.repeat(20_000)}`, 'k');
    assert.ok(long.length <= MAX_COMMENT_LENGTH);
    assert.match(long, /line\n\n…the plan is too long.*the job summary of this run\.\n$/);
  });

  test('pullRequestOf reads pull_request and pull_request_target events only', () => {
    const env = { GITHUB_REPOSITORY: REPO, GITHUB_EVENT_NAME: 'pull_request' };
    const event = { pull_request: { number: 12 } };
    assert.deepEqual(pullRequestOf(env, event), { repository: REPO, number: 12 });
    assert.deepEqual(pullRequestOf({ ...env, GITHUB_EVENT_NAME: 'pull_request_target' }, event), {
      repository: REPO,
      number: 12,
    });
    assert.equal(pullRequestOf({ ...env, GITHUB_EVENT_NAME: 'push' }, event), undefined);
    assert.equal(pullRequestOf(env, {}), undefined);
    assert.equal(pullRequestOf(env, { pull_request: { number: '12' } }), undefined);
    assert.equal(pullRequestOf({ GITHUB_EVENT_NAME: 'pull_request' }, event), undefined);
  });
});
