export const id = 256;
export const ids = [256];
export const modules = {

/***/ 68256:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   planCommentKey: () => (/* binding */ planCommentKey),
/* harmony export */   pullRequestOf: () => (/* binding */ pullRequestOf),
/* harmony export */   upsertPrComment: () => (/* binding */ upsertPrComment)
/* harmony export */ });
/* unused harmony exports MAX_COMMENT_LENGTH, commentMarker, commentBody */
/* harmony import */ var _actions_github__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(92413);
/* harmony import */ var _errors_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(27406);
/**
 * The plan where reviewers look: one pull-request comment per plan, found again on later runs by
 * a hidden HTML marker and updated in place, so a pull request never collects a stack of plans.
 */


/** GitHub rejects longer comment bodies (422). */
const MAX_COMMENT_LENGTH = 65_536;
const MARKER_PREFIX = '<!-- cloud-run-keyless-deploy:plan';
/** The hidden line that marks our comment; `key` is reduced to characters that cannot end an HTML comment. */
function commentMarker(key) {
    return `${MARKER_PREFIX} ${key.replace(/[^\w@./:,-]/g, '_')} -->`;
}
/** A key naming what the plan covers, stable across runs: `service@region` pairs, sorted. */
function planCommentKey(targets) {
    return [...new Set(targets.map((t) => `${t.service}@${t.region}`))].sort().join(',');
}
/** Marker + plan, cut at a line boundary to GitHub's limit with a pointer to the full plan. */
function commentBody(markdown, key, runUrl) {
    const marker = commentMarker(key);
    const whole = `${marker}\n${markdown}`;
    if (whole.length <= MAX_COMMENT_LENGTH)
        return whole;
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
function pullRequestOf(env, event) {
    const repository = env.GITHUB_REPOSITORY;
    if (repository === undefined || !/^[^/\s]+\/[^/\s]+$/.test(repository))
        return undefined;
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
async function upsertPrComment(markdown, target) {
    if (target.token.trim() === '') {
        throw new _errors_js__WEBPACK_IMPORTED_MODULE_1__/* .ActionError */ .lZ(`No GitHub token to write the plan comment on pull request #${target.number} of ${target.repository}.`, { remedy: TOKEN_REMEDY });
    }
    const [owner = '', repo = ''] = target.repository.split('/');
    const octokit = (0,_actions_github__WEBPACK_IMPORTED_MODULE_0__/* .getOctokit */ .Q)(target.token, { baseUrl: target.apiUrl });
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
        if (existing.body === body)
            return { action: 'unchanged', id: existing.id, url: existing.html_url };
        const updated = await octokit.rest.issues.updateComment({ owner, repo, comment_id: existing.id, body });
        return { action: 'updated', id: updated.data.id, url: updated.data.html_url };
    }
    catch (error) {
        throw commentError(error, target);
    }
}
/** Turns GitHub's answer into the cause and what to change in the workflow. */
function commentError(error, target) {
    const where = `pull request #${target.number} of ${target.repository}`;
    // Octokit reports a failed fetch as status 500 without a response: that is no answer at all.
    const response = isRecord(error) ? error.response : undefined;
    const status = isRecord(response) && typeof response.status === 'number' ? response.status : undefined;
    const data = isRecord(response) ? response.data : undefined;
    const said = isRecord(data) && typeof data.message === 'string' ? data.message : (0,_errors_js__WEBPACK_IMPORTED_MODULE_1__/* .describe */ .q0)(error);
    const message = status === undefined
        ? `Could not write the plan comment on ${where}: no answer from GitHub: ${said}`
        : `Could not write the plan comment on ${where}: GitHub answered ${status}: ${said}`;
    const remedy = REMEDIES[status ?? 0] ?? 'Check that GITHUB_API_URL is reachable from the runner, then re-run the job.';
    return new _errors_js__WEBPACK_IMPORTED_MODULE_1__/* .ActionError */ .lZ(message, { remedy, cause: error });
}
const TOKEN_REMEDY = "Pass a valid token: leave the github_token input at its default (the workflow's github.token) or give a token that has not expired.";
const REMEDIES = {
    401: TOKEN_REMEDY,
    403: 'Give the job `permissions: pull-requests: write`. Pull requests from forks only get a read-only token: set pr_comment: false for them (the plan stays in the job summary).',
    404: 'Check that the pull request exists and that the token reaches this repository (a workflow token only reaches its own repository; a private repository looks missing without one).',
    422: 'GitHub refused the comment body; report this as a bug of the action, with the job summary.',
};
function isRecord(value) {
    return typeof value === 'object' && value !== null;
}


/***/ })

};
