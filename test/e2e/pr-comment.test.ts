/**
 * Plans where reviewers look, end to end: a pull-request run of dist/index.js in plan mode (the
 * example policy that allows pull-request plans), its job summary posted as the one plan comment
 * of the pull request on the GitHub REST fake, and updated in place by the next run.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { afterEach, beforeEach, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { commentMarker, pullRequestOf, upsertPrComment } from '../../src/report/pr-comment.ts';
import { type GitHubRest, startGitHubRest } from '../emulator/github-rest/server.ts';
import { type ActionRun, leakSurfaces } from './runner.ts';
import { IMAGE, mutations, World } from './world.ts';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const POLICY = readFileSync(
  resolve(ROOT, 'examples/workflows/policies/hello-pull-request-plans.yml'),
  'utf8',
);
const ACTION_INPUTS = (parse(readFileSync(resolve(ROOT, 'action.yml'), 'utf8')) as { inputs: object }).inputs;
const WIRED = 'pr_comment' in ACTION_INPUTS && 'github_token' in ACTION_INPUTS;
const KEY = 'hello@us-central1';
const BOT = 'github-actions[bot]';
const EVENT = { pull_request: { number: 7, head: { repo: { fork: false, full_name: 'acme/hello' } } } };

let world: World;
let github: GitHubRest;
let writer: string;
beforeEach(async () => {
  world = await World.start();
  github = await startGitHubRest({ repositories: [{ repository: 'acme/hello', pullRequests: [7] }] });
  writer = github.issueToken({ repository: 'acme/hello', pullRequests: 'write' });
  world.emulator.github.setClaims({ event_name: 'pull_request', ref: 'refs/pull/7/merge' });
});
afterEach(async () => {
  await github.close();
  await world.close();
});

const digest = (char: string) => `${IMAGE}@sha256:${char.repeat(64)}`;

function planRun(image: string, inputs: Readonly<Record<string, string>> = {}): Promise<ActionRun> {
  return world.deploy({
    policy: POLICY,
    inputs: { mode: 'plan', image, ...inputs },
    event: EVENT,
    env: { GITHUB_API_URL: github.url },
  });
}

function assertNoGitHubToken(run: ActionRun): void {
  // `::add-mask::` lines register the token with the runner; it never shows them.
  const written = Object.values(leakSurfaces(run));
  for (const token of github.tokens) {
    assert.ok(
      !written.some((text) => text.includes(token)),
      'the GitHub token appears in what the run wrote',
    );
  }
}

describe('plan comment on a pull request', () => {
  test('the pull-request plan, posted as one comment and updated by the next run', async () => {
    const first = await planRun(digest('a'));
    assert.equal(first.code, 0, first.stdout);
    assert.match(first.summary, /## Cloud Run deploy plan/);
    assert.match(first.summary, /Deployer \| `planner@demo-project\.iam\.gserviceaccount\.com`/);
    assert.match(first.summary, /#### hello \(us-central1\): create/);
    assert.deepEqual(mutations(world.emulator), [], 'a plan writes nothing');

    const pr = pullRequestOf({ ...world.emulator.env(), GITHUB_EVENT_NAME: 'pull_request' }, EVENT);
    assert.deepEqual(pr, { repository: 'acme/hello', number: 7 });
    const target = { repository: 'acme/hello', number: 7, token: writer, apiUrl: github.url, key: KEY };
    const created = await upsertPrComment(first.summary, target);
    assert.equal(created.action, 'created');

    const second = await planRun(digest('b'));
    assert.equal(second.code, 0, second.stdout);
    assert.notEqual(second.summary, first.summary);
    const updated = await upsertPrComment(second.summary, target);
    assert.deepEqual([updated.action, updated.id], ['updated', created.id]);

    const comments = github.comments('acme/hello', 7);
    assert.equal(comments.length, 1);
    assert.equal(comments[0]?.body, `${commentMarker(KEY)}\n${second.summary}`);
    assert.match(comments[0]?.body ?? '', /bbbbbbbb/);
  });

  test(
    'the action itself comments, updates, and only warns when it may not',
    WIRED
      ? {}
      : { todo: 'action.yml lacks pr_comment/github_token: main.ts does not call upsertPrComment yet' },
    async () => {
      const inputs = { pr_comment: 'true', github_token: writer };
      const first = await planRun(digest('a'), inputs);
      assert.equal(first.code, 0, first.stdout);
      const second = await planRun(digest('b'), inputs);
      assert.equal(second.code, 0, second.stdout);
      const ours = github.comments('acme/hello', 7).filter((comment) => comment.login === BOT);
      assert.equal(ours.length, 1, 'one plan comment, updated');
      assert.ok(ours[0]?.body.startsWith('<!-- cloud-run-keyless-deploy:plan '));
      assert.match(ours[0]?.body ?? '', /#### hello \(us-central1\): create/);
      assert.match(ours[0]?.body ?? '', /bbbbbbbb/);

      const readOnly = github.issueToken({ repository: 'acme/hello', pullRequests: 'read' });
      const refused = await planRun(digest('c'), { pr_comment: 'true', github_token: readOnly });
      assert.equal(refused.code, 0, 'a comment GitHub refuses does not fail the plan');
      assert.match(
        refused.stdout,
        /::warning.*Resource not accessible by integration.*pull-requests: write/s,
      );
      assert.doesNotMatch(ours[0]?.body ?? '', /cccccccc/);
      for (const run of [first, second, refused]) assertNoGitHubToken(run);
    },
  );
});
