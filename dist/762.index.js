export const id = 762;
export const ids = [762];
export const modules = {

/***/ 70762:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {

// ESM COMPAT FLAG
__webpack_require__.r(__webpack_exports__);

// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  applyTarget: () => (/* reexport */ applyTarget),
  createRunApi: () => (/* reexport */ createRunApi),
  planTarget: () => (/* reexport */ planTarget),
  readPolicyAlongside: () => (/* reexport */ readPolicyAlongside),
  readService: () => (/* reexport */ readService)
});

// EXTERNAL MODULE: ./build/src/errors.js
var errors = __webpack_require__(27406);
// EXTERNAL MODULE: ./build/src/google/errors.js
var google_errors = __webpack_require__(33518);
// EXTERNAL MODULE: ./build/src/google/retry.js
var retry = __webpack_require__(84943);
// EXTERNAL MODULE: ./build/src/plan/enums.js
var enums = __webpack_require__(16527);
;// CONCATENATED MODULE: ./build/src/plan/proto-plain.js
/**
 * Plain copies of decoded protobuf messages. `getService` results carry proto3 defaults (`""`,
 * `0`, `false`, empty lists and maps) and operation results carry int64 as `Long`; a copy without
 * defaults and with plain numbers is what we compare and what we send back.
 */

function isLong(value) {
    return 'low' in value && 'high' in value && 'unsigned' in value && typeof value.low === 'number';
}
/** An int64 (number, decimal string or Long) as a number; `undefined` when unset. */
function int64(value) {
    if (typeof value === 'number')
        return value;
    if (typeof value === 'string' && value !== '')
        return Number(value);
    if (typeof value === 'object' && value !== null && isLong(value))
        return Number(value.toString());
    return undefined;
}
/** A `google.protobuf.Duration` (object or `"300s"`) in seconds; `undefined` when unset or zero. */
function durationSeconds(value) {
    if (typeof value === 'string') {
        const match = /^(-?\d+(?:\.\d+)?)s$/.exec(value);
        return match === null ? undefined : Number(match[1]) || undefined;
    }
    if (typeof value !== 'object' || value === null)
        return undefined;
    const seconds = 'seconds' in value ? (int64(value.seconds) ?? 0) : 0;
    const nanos = 'nanos' in value && typeof value.nanos === 'number' ? value.nanos : 0;
    return seconds + nanos / 1e9 || undefined;
}
/** Map fields (string to string) of the Service tree: their entries are kept even when empty. */
const MAP_FIELDS = new Set(['labels', 'annotations', 'limits', 'selector']);
/**
 * A deep copy of own enumerable fields with proto3 defaults (zero enums by name too) dropped and `Long` turned into a
 * number; `undefined` when nothing is left (an all-default message).
 */
function withoutDefaults(value) {
    if (value === null || value === undefined || value === '' || value === 0 || value === false)
        return undefined;
    if (Array.isArray(value)) {
        const items = value.map(withoutDefaults).filter((item) => item !== undefined);
        return items.length === 0 ? undefined : items;
    }
    if (typeof value === 'string' && (0,enums/* isZeroEnumName */.HR)(value))
        return undefined;
    if (typeof value !== 'object')
        return value;
    if (isLong(value))
        return int64(value) || undefined;
    const copy = {};
    for (const [key, field] of Object.entries(value)) {
        if (MAP_FIELDS.has(key) && typeof field === 'object' && field !== null && !Array.isArray(field)) {
            const entries = Object.entries(field).filter(([, text]) => typeof text === 'string');
            if (entries.length > 0)
                copy[key] = Object.fromEntries(entries);
            continue;
        }
        const plain = withoutDefaults(field);
        if (plain !== undefined)
            copy[key] = plain;
    }
    return Object.keys(copy).length === 0 ? undefined : copy;
}

;// CONCATENATED MODULE: ./build/src/plan/invokers.js
/**
 * Authoritative `roles/run.invoker` membership, with Terraform `google_*_iam_binding` semantics:
 * the declared list is the whole unconditional binding. Other roles and every conditional binding
 * (even on run.invoker) are left exactly as they are.
 */

const INVOKER_ROLE = 'roles/run.invoker';
const UNMANAGED = { managed: false, add: [], remove: [], keep: [], policy: undefined };
/**
 * What changes in `current` (absent: the service has no policy yet) so that exactly `declared`
 * holds the invoker role; `declared` undefined means invokers are not managed.
 */
function planInvokers(declared, current) {
    if (declared === undefined)
        return UNMANAGED;
    const bindings = current?.bindings ?? [];
    const managed = (binding) => binding.role === INVOKER_ROLE && !hasCondition(binding);
    const bound = unique(bindings.filter(managed).flatMap((binding) => binding.members ?? []));
    const wanted = unique(declared);
    const boundKeys = new Set(bound.map(memberKey));
    const wantedKeys = new Set(wanted.map(memberKey));
    const add = wanted.filter((member) => !boundKeys.has(memberKey(member))).sort();
    const keep = wanted.filter((member) => boundKeys.has(memberKey(member))).sort();
    const remove = bound.filter((member) => !wantedKeys.has(memberKey(member))).sort();
    if (add.length === 0 && remove.length === 0)
        return { managed: true, add, remove, keep, policy: undefined };
    // The managed binding replaces the first unconditional run.invoker binding in place.
    const next = [];
    let placed = false;
    const members = [...keep, ...add].sort();
    for (const binding of bindings) {
        if (!managed(binding))
            next.push(plainBinding(binding));
        else if (!placed) {
            placed = true;
            if (members.length > 0)
                next.push({ role: INVOKER_ROLE, members });
        }
    }
    if (!placed && members.length > 0)
        next.push({ role: INVOKER_ROLE, members });
    const policy = {
        // Version 3 is required as soon as any binding carries a condition.
        version: next.some(hasCondition) ? 3 : 1,
        bindings: next,
        ...(current?.auditConfigs && current.auditConfigs.length > 0
            ? { auditConfigs: current.auditConfigs }
            : {}),
        ...(current?.etag ? { etag: current.etag } : {}),
    };
    return { managed: true, add, remove, keep, policy };
}
/** Other bindings go back as read, minus the proto3 defaults a decoded policy carries. */
function plainBinding(binding) {
    const plain = withoutDefaults(binding);
    return typeof plain === 'object' && plain !== null ? plain : binding;
}
function hasCondition(binding) {
    const condition = binding.condition;
    return condition !== null && condition !== undefined && Boolean(condition.expression || condition.title);
}
/** IAM treats email-based members case-insensitively; principal identifiers stay exact. */
function memberKey(member) {
    return /^(user|serviceAccount|group|domain):/i.test(member) ? member.toLowerCase() : member;
}
function unique(members) {
    const seen = new Set();
    return members.filter((member) => {
        const key = memberKey(member);
        if (seen.has(key))
            return false;
        seen.add(key);
        return true;
    });
}

// EXTERNAL MODULE: ./build/src/plan/resource-names.js
var resource_names = __webpack_require__(26004);
// EXTERNAL MODULE: ./build/src/plan/traffic.js
var plan_traffic = __webpack_require__(44068);
;// CONCATENATED MODULE: ./build/src/apply/google-failure.js
/** Turns a failed Cloud Run call into an ActionError that says what to do about it. */


/** `what` names the call and its resource, e.g. `updating service projects/p/.../services/s`. */
function googleFailure(what, error) {
    const info = (0,google_errors/* classifyError */.fe)(error);
    const detail = info.status === undefined ? info.message : `${info.status}: ${info.message}`;
    return new errors/* ActionError */.lZ(`${what} failed: ${detail}`, {
        remedy: remedyFor(info.category, info.metadata),
        cause: error,
    });
}
function remedyFor(category, metadata) {
    switch (category) {
        case 'permission': {
            const permission = metadata.permission;
            return permission === undefined
                ? 'Grant the deployer service account the permission named above (the preflight check lists what this run needs).'
                : `Grant the deployer service account '${permission}' (the preflight check lists what this run needs).`;
        }
        case 'auth':
            return 'The access token was rejected: check the workload identity provider and the service account impersonation.';
        case 'conflict':
            return 'Someone else kept changing the same resource: re-run the workflow.';
        case 'transient':
            return 'Google Cloud reported a temporary problem: re-run the workflow.';
        case 'invalid':
            return 'Fix the setting the message names in the policy file or the inputs.';
        case 'not-found':
            return 'Check the project, region and service name.';
        default:
            return 'Re-run the workflow; if it keeps failing, check the service in the Cloud Console.';
    }
}

// EXTERNAL MODULE: ./build/src/google/cancellation.js
var cancellation = __webpack_require__(75962);
;// CONCATENATED MODULE: ./build/src/apply/wait-operation.js
/**
 * Waiting for a long-running operation with our own bound: gax's `op.promise()` polls forever.
 * Polling, not `operations.wait`: the Run client's REST transport cannot send `:wait` (the
 * `WaitOperation` method in its bundled google/longrunning proto has no HTTP rule, so the
 * client's rule for it is dropped and the call throws). Polls start early and often because
 * most deploys of a small change finish in seconds; the 2 s cap bounds how late a long deploy
 * is seen, at about 30 `operations.get` a minute.
 */



const POLL_FIRST_MS = 100;
const POLL_FACTOR = 1.5;
const POLL_MAX_MS = 2_000;
/**
 * A poll that keeps failing is an outage of the poll, not a slow deploy: give up after this many
 * failures in a row, or once they have lasted this long (a poll that times out costs a whole
 * request timeout), instead of waiting out wait_timeout.
 */
const POLL_FAILURES_IN_A_ROW = 5;
const POLL_FAILURE_BUDGET_MS = 20_000;
/**
 * The finished state; an ActionError when `timeoutMs` passes first, when a poll fails for good,
 * or when polls keep failing (naming the last error).
 */
async function waitForOperation(operation, what, timeoutMs, deps) {
    const deadline = deps.now() + timeoutMs;
    let state = operation.initial;
    let delay = POLL_FIRST_MS;
    // Polls are spaced from the start of the previous one (the first from now), not from
    // its answer: a poll's own round trip does not stretch the schedule.
    let lastStart = deps.now();
    let failures = 0;
    let failingSince = 0;
    // Cancelled, we stop waiting at once; the operation itself carries on at Cloud Run.
    const stopped = (signal) => (0,cancellation/* cancelledAt */.jR)(signal, `waiting for ${what}`, 'stopped waiting; Cloud Run may still finish it');
    while (!state.done) {
        if (deps.signal?.aborted)
            throw stopped(deps.signal);
        const left = deadline - deps.now();
        if (left <= 0) {
            throw new errors/* ActionError */.lZ(`timed out after ${Math.round(timeoutMs / 1000)} s waiting for ${what} (operation ${operation.name})`, {
                remedy: 'The deploy may still finish: check the service in the Cloud Console, then re-run; raise wait_timeout if deploys of this service are slow.',
            });
        }
        const pause = Math.min(lastStart + delay - deps.now(), left);
        if (pause > 0)
            await (0,cancellation/* untilCancelled */.c8)(deps.sleep(pause), deps.signal, stopped);
        delay = Math.min(delay * POLL_FACTOR, POLL_MAX_MS);
        const started = deps.now();
        lastStart = started;
        try {
            state = await (0,cancellation/* untilCancelled */.c8)(operation.poll(), deps.signal, stopped);
            failures = 0;
        }
        catch (error) {
            if ((0,cancellation/* isCancellation */.iB)(error))
                throw error;
            if (failures === 0)
                failingSince = started;
            failures++;
            const streakMs = deps.now() - failingSince;
            if (!(0,google_errors/* isTransient */.dg)(error) || failures >= POLL_FAILURES_IN_A_ROW || streakMs >= POLL_FAILURE_BUDGET_MS) {
                throw pollFailure(operation.name, what, failures, error);
            }
            deps.log(`Polling ${what} failed (${failures} in a row): ${lastError(error)}; polling again.`);
        }
    }
    return state;
}
function lastError(error) {
    const info = (0,google_errors/* classifyError */.fe)(error);
    return info.status === undefined ? info.message : `${info.status}: ${info.message}`;
}
function pollFailure(name, what, failures, error) {
    const count = failures === 1 ? 'failed' : `failed ${failures} times in a row`;
    return new errors/* ActionError */.lZ(`waiting for ${what}: polling operation ${name} ${count}, last with ${lastError(error)}`, {
        remedy: (0,google_errors/* isTransient */.dg)(error)
            ? 'The deploy may still finish without us: check the service in the Cloud Console (or `gcloud run services describe`), then re-run the workflow.'
            : 'The deployer could not read the operation: check its permissions (run.operations.get), then re-run the workflow.',
        cause: error,
    });
}

;// CONCATENATED MODULE: ./build/src/apply/deploy-service.js
/**
 * Creates or updates one service from its plan and waits until the new revision serves. A
 * failure leaves traffic where it was (Cloud Run only moves it to a Ready revision).
 */







async function deployService(api, plan, options, deps) {
    const unchanged = { changed: false, service: undefined, revision: plan.previousRevision };
    if (plan.action === 'none')
        return unchanged;
    const operation = await start(api, plan, options.validateOnly, deps);
    if (options.validateOnly)
        return unchanged;
    const what = `${plan.action} of service ${plan.target.service} in ${plan.target.region}`;
    deps.log(`Waiting for the ${what} (revision ${plan.revisionName}).`);
    const finished = await waitForOperation(operation, what, options.waitTimeoutSeconds * 1000, deps);
    const expected = `${plan.target.name}/revisions/${plan.revisionName}`;
    if ('error' in finished)
        throw await revisionFailure(api, plan, finished.error.message);
    const service = isServing(finished.service, expected) ? finished.service : await reread(api, plan);
    if (service === undefined || !isServing(service, expected)) {
        const latest = service?.latestCreatedRevision;
        if (latest && latest !== expected) {
            // Another deploy created a newer revision while this one rolled out: a lost race, not a
            // broken revision. Cloud Run serves the newer one; say so instead of blaming ours.
            throw new errors/* ActionError */.lZ(`service ${plan.target.service} in ${plan.target.region} changed since it was read: revision ${(0,resource_names/* shortName */.E)(latest)} was created by another deploy while ${plan.revisionName} rolled out`, { remedy: 'Re-run the workflow once the other deploy has finished; it plans from what is there.' });
        }
        const condition = service?.terminalCondition?.message;
        throw await revisionFailure(api, plan, condition ? condition : 'the service did not report the revision Ready');
    }
    return { changed: true, service, revision: expected };
}
async function start(api, plan, validateOnly, deps) {
    const { target } = plan;
    const what = `${plan.action === 'create' ? 'creating' : 'updating'} service ${target.name}`;
    const write = () => {
        if (plan.action === 'create') {
            const parent = target.name.slice(0, target.name.indexOf('/services/'));
            return api.createService(parent, target.service, plan.desired, validateOnly);
        }
        return api.updateService(plan.desired, validateOnly);
    };
    try {
        // Repeated only when Google refused the write unacted (429/503): the update carries the
        // service etag, and a create that meets ALREADY_EXISTS on a repeat is reported as a
        // conflict below, so neither can apply twice.
        return await (0,retry/* withRetry */.bD)(what, write, deps, {
            policy: retry/* CALL_RETRY */.Ul,
            retryable: google_errors/* isRefusedBeforeActing */.cn,
            write: true,
        });
    }
    catch (error) {
        const category = (0,google_errors/* classifyError */.fe)(error).category;
        if (category === 'conflict' || category === 'already-exists') {
            throw new errors/* ActionError */.lZ(`service ${target.service} in ${target.region} changed since it was read (${plan.action} refused: ${(0,google_errors/* classifyError */.fe)(error).message}); nothing was overwritten`, { remedy: 'Re-run the workflow so the plan starts from the current service.', cause: error });
        }
        const failure = googleFailure(what, error);
        if (!(0,google_errors/* isTransient */.dg)(error) || (0,google_errors/* isRefusedBeforeActing */.cn)(error))
            throw failure;
        // No answer (a reset, a timeout) or an INTERNAL: Google may have acted, so no blind repeat.
        throw new errors/* ActionError */.lZ(`${failure.message} (the ${plan.action} may or may not have been applied)`, {
            remedy: `Check the service (\`gcloud run services describe ${target.service} --region=${target.region} --project=${target.name.split('/')[1] ?? 'PROJECT'}\`), then re-run the workflow: it plans from what is there.`,
            cause: error,
        });
    }
}
/** Ready, and the ready revision is the one this run created. */
function isServing(service, expected) {
    const state = (0,enums/* enumName */.$U)(enums/* CONDITION_STATE */.aQ, service.terminalCondition?.state);
    return state === 'CONDITION_SUCCEEDED' && service.latestReadyRevision === expected;
}
async function reread(api, plan) {
    try {
        return await api.getService(plan.target.name);
    }
    catch (error) {
        throw googleFailure(`reading service ${plan.target.name} after the deploy`, error);
    }
}
/** The revision's own Ready condition says why it failed; the operation error is the fallback. */
async function revisionFailure(api, plan, fallback) {
    const name = `${plan.target.name}/revisions/${plan.revisionName}`;
    // Best effort: without the revision, the operation's own error still explains the failure.
    const revision = await api.getRevision(name).catch(() => undefined);
    const failed = (revision?.conditions ?? []).find((condition) => (0,enums/* enumName */.$U)(enums/* CONDITION_STATE */.aQ, condition.state) === 'CONDITION_FAILED');
    const reason = failed?.message ? failed.message : fallback;
    const logs = revision?.logUri && !reason.includes(revision.logUri) ? `\nLogs: ${revision.logUri}` : '';
    const serving = plan.previousRevision
        ? `Traffic still goes to ${plan.previousRevision.slice(plan.previousRevision.lastIndexOf('/') + 1)}.`
        : 'The service has no ready revision yet.';
    return new errors/* ActionError */.lZ(`revision ${plan.revisionName} of service ${plan.target.service} in ${plan.target.region} did not become ready: ${reason}${logs}`, { remedy: `${serving} Fix the cause above (container start-up, port, settings) and deploy again.` });
}

;// CONCATENATED MODULE: ./build/src/apply/reconcile-invokers.js
/**
 * Invoker bindings by read-modify-write: read the policy with its etag, diff, write with that
 * etag. A concurrent writer makes the write fail with ABORTED; then everything is re-read and
 * re-planned, so the other writer's change survives. A service this run just created is not
 * read: its policy was never written, and the first write carries that policy's etag.
 */




/**
 * The policy of a resource nobody has written yet: no bindings, etag `ACAB` (IAM answers it and
 * accepts it back). Writing with it fails with ABORTED if anyone wrote first.
 */
const NEVER_WRITTEN_POLICY = {
    version: 1,
    bindings: [],
    etag: Buffer.from('ACAB', 'base64'),
};
const IAM_RETRY = {
    maxAttempts: 5,
    budgetMs: 15_000,
    baseDelayMs: 500,
    maxDelayMs: 4_000,
};
/**
 * Makes `declared` the exact unconditional `roles/run.invoker` members of `resource` (a service).
 * Returns the plan that was applied.
 */
async function reconcileInvokers(api, resource, declared, deps, 
/** The plan made from the policy already read, used for the first attempt to save a read. */
planned) {
    if (declared === undefined)
        return planInvokers(undefined, undefined);
    try {
        return await (0,retry/* withRetry */.bD)(`Updating the invokers of ${resource}`, async (attempt) => {
            const plan = attempt === 1 && planned !== undefined
                ? planned
                : planInvokers(declared, await api.getIamPolicy(resource));
            if (plan.policy !== undefined)
                await api.setIamPolicy(resource, plan.policy);
            return plan;
        }, deps, {
            policy: IAM_RETRY,
            write: true,
            retryable: (error) => {
                const category = (0,google_errors/* classifyError */.fe)(error).category;
                return category === 'conflict' || category === 'transient';
            },
        });
    }
    catch (error) {
        throw googleFailure(`updating roles/run.invoker on ${resource}`, error);
    }
}

;// CONCATENATED MODULE: ./build/src/plan/service-input.js
/**
 * The part of a Service a client sends: what it read, without the fields the server owns and
 * without proto3 defaults. Its own module so the traffic writer can use it without the deploy's
 * planning code (each lazily loaded chunk of the bundle carries its own copy of what it imports).
 */

/** Fields the server owns; sending them back is pointless at best. `etag` is added for updates. */
const OUTPUT_ONLY = new Set([
    'uid',
    'generation',
    'createTime',
    'updateTime',
    'deleteTime',
    'expireTime',
    'creator',
    'lastModifier',
    'observedGeneration',
    'terminalCondition',
    'conditions',
    'latestReadyRevision',
    'latestCreatedRevision',
    'trafficStatuses',
    'uri',
    'urls',
    'satisfiesPzs',
    'reconciling',
    'etag',
]);
/** The current service without output-only fields and proto3 defaults. */
function inputFields(current) {
    const plain = withoutDefaults(current);
    if (typeof plain !== 'object' || plain === null)
        return {};
    return Object.fromEntries(Object.entries(plain).filter(([key]) => !OUTPUT_ONLY.has(key)));
}

;// CONCATENATED MODULE: ./build/src/apply/health-check.js
/**
 * The gate between canary steps: a number of GET requests to the new revision's tag URL, which
 * passes when the share of 2xx answers reaches the required ratio. Requests go one after the
 * other, so a slow revision cannot be hidden by parallel ones.
 */

async function healthCheck(spec, deps) {
    const headers = spec.idToken === undefined ? {} : { authorization: `Bearer ${spec.idToken}` };
    let succeeded = 0;
    const failures = new Set();
    for (let i = 0; i < spec.requests; i++) {
        if (i > 0)
            await deps.sleep(spec.intervalMs);
        const failure = await attempt(spec, headers, deps);
        if (failure === undefined)
            succeeded++;
        else
            failures.add(failure);
    }
    return {
        passed: succeeded >= Math.ceil(spec.successRatio * spec.requests),
        succeeded,
        requests: spec.requests,
        failures: [...failures],
    };
}
/** One request: `undefined` on a 2xx answer, else why it failed. */
async function attempt(spec, headers, deps) {
    try {
        const response = await deps.fetch(spec.url, {
            headers,
            redirect: 'manual',
            signal: AbortSignal.timeout(spec.timeoutMs),
        });
        // The body is not needed, but unread it would hold the connection.
        await response.body?.cancel();
        return response.status >= 200 && response.status < 300 ? undefined : `HTTP ${response.status}`;
    }
    catch (error) {
        return (0,errors/* fetchFailure */.Z5)(error, spec.timeoutMs);
    }
}
/** E.g. `7 of 10 requests to URL answered 2xx (needed 9; failures: HTTP 503)`. */
function describeHealth(spec, result) {
    const needed = Math.ceil(spec.successRatio * spec.requests);
    const failures = result.failures.length === 0 ? '' : `; failures: ${result.failures.join(', ')}`;
    return `${result.succeeded} of ${result.requests} requests to ${spec.url} answered 2xx (needed ${needed}${failures})`;
}

;// CONCATENATED MODULE: ./build/src/apply/traffic.js
/**
 * Traffic moves on an existing service: one etag-guarded update that changes only `traffic` (and,
 * optionally, annotations such as the release record), waited for until the traffic statuses show
 * the new split; and the canary runner built on it.
 */










/** A write refused because the service changed since it was read (stale etag). */
class ConcurrentChangeError extends errors/* ActionError */.lZ {
    name = 'ConcurrentChangeError';
}
/**
 * Sends `current` back with only the traffic (and annotations) replaced, guarded by the etag of
 * `current`: a service changed by someone else since it was read is refused, never overwritten.
 * No new revision is created (the template goes back unchanged, without a revision name).
 */
async function applyTraffic(api, current, change, options, deps) {
    const name = current.name ?? '';
    const annotationsSame = change.annotations === undefined || sameMap(change.annotations, current.annotations ?? {});
    if ((0,plan_traffic/* sameTraffic */.UN)((0,plan_traffic/* normalizeTraffic */.dY)(current.traffic), change.traffic) && annotationsSame) {
        return { changed: false, service: current };
    }
    const request = trafficRequest(current, change);
    const what = `updating the traffic of service ${name}`;
    let operation;
    try {
        // Repeated only when Google refused unacted (429/503); the etag makes a repeat safe anyway.
        operation = await (0,retry/* withRetry */.bD)(what, () => api.updateService(request, options.validateOnly), deps, {
            policy: retry/* CALL_RETRY */.Ul,
            retryable: google_errors/* isRefusedBeforeActing */.cn,
            write: true,
        });
    }
    catch (error) {
        const info = (0,google_errors/* classifyError */.fe)(error);
        if (info.category === 'conflict') {
            throw new ConcurrentChangeError(`service ${name} changed since it was read (traffic change to ${(0,plan_traffic/* describeTraffic */.hA)(change.traffic)} refused: ${info.message}); nothing was overwritten`, {
                remedy: 'Someone else changed the service meanwhile: re-run the workflow so it starts from the current split.',
                cause: error,
            });
        }
        throw googleFailure(what, error);
    }
    if (options.validateOnly)
        return { changed: false, service: current };
    deps.log(`Moving the traffic of ${(0,resource_names/* shortName */.E)(name)} to ${(0,plan_traffic/* describeTraffic */.hA)(change.traffic)}.`);
    const finished = await waitForOperation(operation, `the traffic change of ${name}`, options.waitTimeoutSeconds * 1000, deps);
    if ('error' in finished) {
        throw new errors/* ActionError */.lZ(`the traffic change of service ${name} failed: ${finished.error.message}`, {
            remedy: 'Cloud Run keeps the previous split when a traffic change fails; check that every revision named exists and is ready, then re-run.',
        });
    }
    if (inEffect(finished.service, change.traffic))
        return { changed: true, service: finished.service };
    const reread = await api.getService(name).catch((error) => {
        throw googleFailure(`reading service ${name} after the traffic change`, error);
    });
    if (reread !== undefined && inEffect(reread, change.traffic))
        return { changed: true, service: reread };
    throw new errors/* ActionError */.lZ(`the traffic change of service ${name} finished, but the service does not report ${(0,plan_traffic/* describeTraffic */.hA)(change.traffic)} in effect`, { remedy: 'Check the service in the Cloud Console; re-run the workflow once its traffic settles.' });
}
/** The update request: the current service's input fields, the new traffic, the etag read. */
function trafficRequest(current, change) {
    const fields = inputFields(current);
    // Echoing the revision name can make Cloud Run answer "Revision named '…' with different
    // configuration already exists" (googleapis/google-cloud-python#11870); without one, an
    // unchanged template makes no new revision.
    const { revision: _name, ...template } = fields.template ?? {};
    return {
        ...fields,
        ...(current.name ? { name: current.name } : {}),
        ...(current.etag ? { etag: current.etag } : {}),
        ...(change.annotations === undefined ? {} : { annotations: { ...change.annotations } }),
        template,
        traffic: (0,plan_traffic/* toRunTraffic */.wO)((0,plan_traffic/* canonicalTraffic */.ad)(change.traffic)),
    };
}
/** Whether the traffic statuses show the split (the statuses are what serves; `traffic` is the ask). */
function inEffect(service, traffic) {
    return ((service.trafficStatuses ?? []).length > 0 &&
        (0,plan_traffic/* sameTraffic */.UN)((0,plan_traffic/* normalizeTraffic */.dY)(service.trafficStatuses), traffic));
}
function sameMap(a, b) {
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    return [...keys].every((key) => a[key] === b[key]);
}
/**
 * Runs the canary: each step moves its share to the canary revision; every step but the last is
 * followed by a wait and a health check of the canary's tag URL. Any failure after the first
 * write (a failed check, a failed step, a token that could not be minted) puts back the exact
 * split read before the first step, then fails naming the step and the check. Returns the
 * service at 100%.
 */
async function runCanary(api, input, deps) {
    const before = (0,plan_traffic/* normalizeTraffic */.dY)(input.service.traffic);
    // Every split is computed (and the steps checked) before the first write.
    const splits = (0,plan_traffic/* canaryPlan */.cq)(before, input.revision, input.steps);
    const options = { validateOnly: false, waitTimeoutSeconds: input.waitTimeoutSeconds };
    let current = input.service;
    for (const [index, split] of splits.entries()) {
        const step = `canary step ${index + 1} of ${splits.length} (${input.steps[index]}% to ${input.revision})`;
        const last = index === splits.length - 1;
        let failure;
        try {
            const annotations = last && input.annotations !== undefined ? { annotations: input.annotations } : {};
            current = (await applyTraffic(api, current, { traffic: split, ...annotations }, options, deps)).service;
            deps.log(`${step}: ${(0,plan_traffic/* describeTraffic */.hA)(split)}.`);
            if (last)
                break;
            await deps.sleep(input.waitSeconds * 1000);
            const spec = await checkSpec(current, input, deps);
            const result = await healthCheck(spec, deps);
            deps.log(`${step}: health check ${describeHealth(spec, result)}.`);
            if (result.passed)
                continue;
            failure = new errors/* ActionError */.lZ(`${step} failed its health check: ${describeHealth(spec, result)}`, {
                remedy: `Fix revision ${input.revision} (its tag URL shows what failed), then release again.`,
            });
        }
        catch (error) {
            if (error instanceof ConcurrentChangeError) {
                // Someone else changed the service since our last write: the traffic is theirs now.
                throw new errors/* ActionError */.lZ((0,errors/* withContext */.eQ)(step, error).message, {
                    remedy: `The canary stopped and left the traffic as the other change set it. Check the split; the one from before the release was ${(0,plan_traffic/* describeTraffic */.hA)(before)}.`,
                    cause: error,
                });
            }
            failure = (0,errors/* withContext */.eQ)(step, error);
        }
        if (deps.signal?.aborted) {
            // Cancelled: no restore (one more write after the signal). The traffic stays where the
            // last completed step put it, and a re-run converges.
            throw new errors/* ActionError */.lZ(`${failure.message}; the last completed step left the traffic at ${(0,plan_traffic/* describeTraffic */.hA)((0,plan_traffic/* normalizeTraffic */.dY)(current.traffic))}`, { remedy: cancellation/* CANCELLED_REMEDY */.Hd, cause: failure });
        }
        await restore(api, current, before, split, options, deps, failure);
        throw new errors/* ActionError */.lZ(failure.message, {
            remedy: `The traffic is back to the split from before the release (${(0,plan_traffic/* describeTraffic */.hA)(before)}). ${failure.remedy ?? ''}`.trim(),
            cause: failure,
        });
    }
    return current;
}
/**
 * Puts `before` back. `lastKnown` is the service as our last write left it; when a failed step
 * of ours changed its etag (a traffic operation that failed), the service is read again and
 * restored only if its traffic is the split we asked for: any other split was set by someone
 * else meanwhile, and is not ours to overwrite.
 */
async function restore(api, lastKnown, before, asked, options, deps, failure) {
    const name = lastKnown.name ?? '';
    const fail = (error) => new errors/* ActionError */.lZ(`${failure.message}; restoring the traffic from before the release failed too: ${(0,errors/* withContext */.eQ)('restore', error).message}`, {
        remedy: `Check the service and restore the split by hand if needed: ${(0,plan_traffic/* describeTraffic */.hA)(before)} (gcloud run services update-traffic ${(0,resource_names/* shortName */.E)(name)} --region=…).`,
        cause: error,
    });
    try {
        await applyTraffic(api, lastKnown, { traffic: before }, options, deps);
        return;
    }
    catch (error) {
        if (!(error instanceof ConcurrentChangeError))
            throw fail(error);
    }
    try {
        const fresh = await api.getService(name);
        if (fresh === undefined || !(0,plan_traffic/* sameTraffic */.UN)((0,plan_traffic/* normalizeTraffic */.dY)(fresh.traffic), asked)) {
            throw new errors/* ActionError */.lZ('someone else changed the traffic during the canary; it was left as they set it');
        }
        await applyTraffic(api, fresh, { traffic: before }, options, deps);
    }
    catch (error) {
        throw fail(error);
    }
}
async function checkSpec(service, input, deps) {
    const tagUrl = (service.trafficStatuses ?? []).find((status) => status.tag === input.tag)?.uri;
    if (!tagUrl) {
        throw new errors/* ActionError */.lZ(`service ${service.name ?? ''} reports no URL for the tag '${input.tag}' of the canary revision`, {
            remedy: 'Deploy the canary revision with its tag (traffic: none and tag), then run the canary.',
        });
    }
    const audience = service.uri ?? tagUrl;
    const idToken = deps.idToken === undefined ? undefined : await deps.idToken(audience);
    return {
        url: `${tagUrl.replace(/\/$/, '')}${input.check.path}`,
        ...(idToken === undefined ? {} : { idToken }),
        requests: input.check.requests,
        successRatio: input.check.successRatio,
        timeoutMs: input.check.timeoutMs,
        intervalMs: input.check.intervalMs,
    };
}

;// CONCATENATED MODULE: ./build/src/apply/apply-target.js
/**
 * Carries out one target's plan. A deploy: the service first, then (only once it serves) its
 * invokers, then the canary steps when there are any. A promotion or rollback: one traffic move.
 */










/** Pause between the requests of one health check, so a flapping revision shows. */
const HEALTH_CHECK_INTERVAL_MS = 200;
async function applyTarget(api, plan, options, deps) {
    const release = plan.release;
    if (release.kind !== 'deploy')
        return moveTraffic(api, plan, release, options, deps);
    return deployTarget(api, plan, release, options, deps);
}
async function deployTarget(api, plan, release, options, deps) {
    const outcome = await deployService(api, plan, options, deps);
    const declared = plan.invokers.managed ? declaredMembers(plan.invokers) : undefined;
    // Plan mode reports the plan made from what was read; a deploy writes it (re-reading only when
    // a concurrent writer got in first). A created service's policy did not exist at planning: it
    // is the never-written one, whose etag keeps a concurrent writer's change safe.
    const invokers = options.validateOnly
        ? plan.invokers
        : await reconcileInvokers(api, plan.target.name, declared, deps, plan.action === 'create' ? planInvokers(declared, NEVER_WRITTEN_POLICY) : plan.invokers);
    const base = {
        plan,
        deployed: outcome.changed,
        trafficMoved: false,
        service: outcome.service,
        revision: outcome.revision,
        invokers,
        invokersChanged: !options.validateOnly && invokers.policy !== undefined,
    };
    const canary = release.canary;
    if (canary === undefined || outcome.service === undefined || options.validateOnly)
        return base;
    const health = canary.settings.healthCheck;
    const service = await runCanary(api, {
        service: outcome.service,
        revision: plan.revisionName,
        tag: release.tag ?? 'canary',
        steps: canary.settings.steps,
        waitSeconds: canary.settings.waitSeconds,
        check: {
            path: health.path,
            requests: health.requests,
            successRatio: health.successRatio,
            timeoutMs: health.timeoutSeconds * 1000,
            intervalMs: HEALTH_CHECK_INTERVAL_MS,
        },
        waitTimeoutSeconds: options.waitTimeoutSeconds,
        annotations: canary.annotations,
    }, deps);
    return { ...base, trafficMoved: true, service };
}
async function moveTraffic(api, plan, release, options, deps) {
    const revision = `${plan.target.name}/revisions/${plan.revisionName}`;
    if (release.namedRevision !== undefined) {
        await checkRevision(api, plan, release.namedRevision, release.kind, deps);
    }
    const unchanged = {
        plan,
        deployed: false,
        trafficMoved: false,
        service: undefined,
        revision,
        invokers: plan.invokers,
        invokersChanged: false,
    };
    if (plan.action === 'none')
        return unchanged;
    const moved = await applyTraffic(api, plan.desired, { traffic: release.after, annotations: release.annotations }, options, deps);
    if (options.validateOnly)
        return unchanged;
    deps.log(`${(0,resource_names/* shortName */.E)(plan.target.name)} (${plan.target.region}): ${(0,plan_traffic/* describeServing */.Yh)(moved.service)}.`);
    return { ...unchanged, trafficMoved: moved.changed, service: moved.service };
}
/** A revision named by the user must exist (in this service) before traffic goes to it. */
async function checkRevision(api, plan, name, kind, deps) {
    const full = `${plan.target.name}/revisions/${name}`;
    const what = `reading revision ${full}`;
    let found;
    try {
        found = await (0,retry/* withRetry */.bD)(what, () => api.getRevision(full), deps, {
            policy: retry/* CALL_RETRY */.Ul,
            retryable: google_errors/* isTransient */.dg,
        });
    }
    catch (error) {
        throw googleFailure(what, error);
    }
    if (found === undefined) {
        throw new errors/* ActionError */.lZ(`revision '${name}' does not exist in service ${plan.target.service} (${plan.target.region})`, {
            remedy: `Name a revision of this service: gcloud run revisions list --service=${plan.target.service} --region=${plan.target.region}.`,
            place: { kind: 'input', name: kind === 'rollback' ? 'rollback_to' : 'promote_to' },
        });
    }
}
/** The declared list is what the plan kept plus what it adds. */
function declaredMembers(plan) {
    return [...plan.keep, ...plan.add];
}

;// CONCATENATED MODULE: ./build/src/apply/read-target.js


/** A read is always safe to repeat: transient failures (429, 5xx, resets, timeouts) are retried. */
async function read(what, call, deps) {
    try {
        return await (0,retry/* withRetry */.bD)(what, call, deps, { policy: retry/* CALL_RETRY */.Ul });
    }
    catch (error) {
        throw googleFailure(what, error);
    }
}
/** The service as it is now, or `undefined` when it does not exist. */
function readService(api, target, deps) {
    return read(`reading service ${target.name}`, () => api.getService(target.name), deps);
}
/** The service's IAM policy, when invokers are managed and the service exists (else nothing to read). */
async function readInvokerPolicy(api, target, current, invokersManaged, deps) {
    if (current === undefined || !invokersManaged)
        return undefined;
    return read(`reading the IAM policy of ${target.name}`, () => api.getIamPolicy(target.name), deps);
}
/**
 * The service's IAM policy, read at the same time as the service itself, before it is known to
 * exist: a missing service fails the read (404), which the caller then ignores.
 */
function readPolicyAlongside(api, target, deps) {
    return read(`reading the IAM policy of ${target.name}`, () => api.getIamPolicy(target.name), deps);
}
/** What planning one target needs from Google: the service and, when managed, its IAM policy. */
async function readTarget(api, target, invokersManaged, deps) {
    const current = await readService(api, target, deps);
    return { current, policy: await readInvokerPolicy(api, target, current, invokersManaged, deps) };
}

// EXTERNAL MODULE: ./node_modules/@google-cloud/run/build/src/v2/revisions_client.js
var revisions_client = __webpack_require__(67194);
// EXTERNAL MODULE: ./node_modules/@google-cloud/run/build/src/v2/services_client.js
var services_client = __webpack_require__(67974);
;// CONCATENATED MODULE: ./build/src/apply/run-api.js




/**
 * One request per call, bounded: the callers retry (`withRetry` around reads, writes and IAM
 * writes; the wait loop around polls), so gax's own retries of reads on UNAVAILABLE would only
 * multiply requests and stretch a persistent failure. Cloud Run answers these small JSON calls
 * (an operation, not the finished deploy) in well under a second. Operation polls reuse the
 * options of their call.
 */
const CALL_OPTIONS = { timeout: retry/* REQUEST_TIMEOUT_MS */.j2, retry: null };
/** Options for the clients: host and port separately (a port inside `apiEndpoint` is ignored). */
function clientOptions(authClient, endpoints) {
    const url = new URL(endpoints.run);
    const protocol = url.protocol.slice(0, -1);
    return {
        fallback: true,
        authClient,
        apiEndpoint: url.hostname,
        port: url.port === '' ? (protocol === 'http' ? 80 : 443) : Number(url.port),
        protocol,
        // Must equal the auth client's, or the client fails with an unhandled rejection.
        universeDomain: endpoints.universeDomain,
    };
}
function createRunApi(authClient, endpoints) {
    const options = clientOptions(authClient, endpoints);
    const services = new services_client/* ServicesClient */.W(options);
    // Revisions are read only to explain a failed deploy: build that client only then.
    let revisions;
    const pending = (operation) => ({
        name: operation.name ?? '',
        initial: stateOf(operation),
        async poll() {
            try {
                await operation.getOperation();
            }
            catch (error) {
                // A failed operation rejects too; only a failed poll has no finished answer.
                if (!operation.latestResponse.done)
                    throw error;
            }
            return stateOf(operation);
        },
    });
    return {
        async getService(name) {
            try {
                const [service] = await services.getService({ name }, CALL_OPTIONS);
                return service;
            }
            catch (error) {
                if ((0,google_errors/* classifyError */.fe)(error).category === 'not-found')
                    return undefined;
                throw error;
            }
        },
        async getRevision(name) {
            try {
                revisions ??= new revisions_client/* RevisionsClient */.U(options);
                const [revision] = await revisions.getRevision({ name }, CALL_OPTIONS);
                return revision;
            }
            catch (error) {
                if ((0,google_errors/* classifyError */.fe)(error).category === 'not-found')
                    return undefined;
                throw error;
            }
        },
        async getIamPolicy(resource) {
            const [policy] = await services.getIamPolicy({ resource, options: { requestedPolicyVersion: 3 } }, CALL_OPTIONS);
            return policy;
        },
        async setIamPolicy(resource, policy) {
            const [written] = await services.setIamPolicy({ resource, policy }, CALL_OPTIONS);
            return written;
        },
        async createService(parent, serviceId, service, validateOnly) {
            const [operation] = await services.createService({ parent, serviceId, service, validateOnly }, CALL_OPTIONS);
            return pending(operation);
        },
        async updateService(service, validateOnly) {
            const [operation] = await services.updateService({ service, validateOnly }, CALL_OPTIONS);
            return pending(operation);
        },
        async close() {
            await Promise.all([services.close(), revisions?.close()]);
        },
    };
}
function stateOf(operation) {
    const latest = operation.latestResponse;
    if (!latest.done)
        return { done: false };
    if (latest.error) {
        return {
            done: true,
            error: { code: latest.error.code ?? undefined, message: latest.error.message ?? '' },
        };
    }
    return { done: true, service: (operation.result ?? {}) };
}

// EXTERNAL MODULE: ./build/src/plan/labels.js
var plan_labels = __webpack_require__(71914);
// EXTERNAL MODULE: external "node:crypto"
var external_node_crypto_ = __webpack_require__(77598);
;// CONCATENATED MODULE: ./build/src/plan/revision-name.js


const REVISION_NAME_MAX = 63;
const SHORT_SHA = 7;
const MIN_HASH = 4;
const MAX_HASH = 6;
/**
 * A fresh revision name `${service}-${sha7}-${attempt}-${hash}`: valid (lowercase letters, digits,
 * hyphens, at most 63 characters) and never one of `taken`, because Cloud Run answers 409 when a
 * name is reused with a different configuration.
 */
function freshRevisionName(input) {
    const prefix = `${input.service}-`;
    const sha = input.sha
        .toLowerCase()
        .replace(/[^a-z0-9]/g, '')
        .slice(0, SHORT_SHA);
    const attempt = input.runAttempt.replace(/[^0-9]/g, '');
    for (let salt = 0;; salt += 1) {
        const digest = (0,external_node_crypto_.createHash)('sha256').update(`${input.seed}\n${salt}`).digest('hex');
        const name = assemble(prefix, [sha, attempt], digest);
        if (!input.taken.includes(name))
            return name;
    }
}
/** Joins prefix, parts and as much hash as fits; drops parts when the service name is long. */
function assemble(prefix, parts, digest) {
    const kept = parts.filter((part) => part !== '');
    while (true) {
        const head = [prefix.slice(0, -1), ...kept].join('-');
        const room = REVISION_NAME_MAX - head.length - 1;
        if (room >= MIN_HASH)
            return `${head}-${digest.slice(0, Math.min(MAX_HASH, room))}`;
        if (kept.length === 0) {
            throw new errors/* ActionError */.lZ(`service name '${prefix.slice(0, -1)}' is too long to derive a revision name`, {
                remedy: 'Use a Cloud Run service name of at most 49 characters.',
            });
        }
        kept.pop();
    }
}

;// CONCATENATED MODULE: ./build/src/plan/desired-service.js
/**
 * The Service to send: the current service with the fields the policy manages replaced, so
 * settings made by others (probes, volumes, VPC access, annotations, ...) survive a deploy.
 */






function desiredService(input) {
    const { settings, run, current } = input;
    const base = current === undefined ? {} : inputFields(current);
    const ours = { ...settings.labels, ...(0,plan_labels/* actionLabels */.eG)(run.sha) };
    const template = desiredTemplate(settings, input.image, base.template ?? {}, ours);
    const revisionName = freshRevisionName({
        service: settings.name,
        sha: run.sha,
        runAttempt: run.runAttempt,
        seed: `${run.runId}/${run.runAttempt}/${JSON.stringify(template)}`,
        taken: [current?.template?.revision, current?.latestCreatedRevision, current?.latestReadyRevision]
            .filter((name) => typeof name === 'string' && name !== '')
            .map(resource_names/* shortName */.E),
    });
    const service = {
        ...base,
        ...(current === undefined ? {} : { name: input.name }),
        ...(current?.etag ? { etag: current.etag } : {}),
        labels: { ...base.labels, ...ours },
        ...(settings.ingress === undefined ? {} : { ingress: (0,enums/* ingressEnum */.z5)(settings.ingress) }),
        template: { ...template, revision: revisionName },
        traffic: desiredTraffic(base.traffic ?? []),
    };
    return { service, revisionName };
}
function desiredTemplate(settings, image, current, labels) {
    const containers = [...(current.containers ?? [])];
    // The ingress container is the one that declares a port; a single container is it anyway.
    const found = containers.findIndex((container) => (container.ports ?? []).length > 0);
    const index = found === -1 ? 0 : found;
    containers[index] = desiredContainer(settings, image, containers[index] ?? {});
    const scaling = {
        ...current.scaling,
        ...(settings.minInstances === undefined ? {} : { minInstanceCount: settings.minInstances }),
        ...(settings.maxInstances === undefined ? {} : { maxInstanceCount: settings.maxInstances }),
    };
    const { revision: _previous, ...kept } = current;
    return {
        ...kept,
        labels: { ...current.labels, ...labels },
        containers,
        ...(Object.keys(scaling).length === 0 ? {} : { scaling }),
        ...(settings.timeoutSeconds === undefined ? {} : { timeout: { seconds: settings.timeoutSeconds } }),
        ...(settings.runtimeServiceAccount === undefined
            ? {}
            : { serviceAccount: settings.runtimeServiceAccount }),
        ...(settings.concurrency === undefined ? {} : { maxInstanceRequestConcurrency: settings.concurrency }),
    };
}
function desiredContainer(settings, image, current) {
    const limits = {
        ...current.resources?.limits,
        ...(settings.cpu === undefined ? {} : { cpu: settings.cpu }),
        ...(settings.memory === undefined ? {} : { memory: settings.memory }),
    };
    const [firstPort] = current.ports ?? [];
    return {
        ...current,
        image,
        env: desiredEnv(settings),
        ...(settings.port === undefined ? {} : { ports: [{ ...firstPort, containerPort: settings.port }] }),
        ...(Object.keys(limits).length === 0 ? {} : { resources: { ...current.resources, limits } }),
    };
}
/** Authoritative: exactly the declared variables, plain values first, then secret references. */
function desiredEnv(settings) {
    const plain = Object.entries(settings.env).map(([name, value]) => ({ name, value }));
    const secrets = Object.entries(settings.secrets).map(([name, ref]) => ({
        name,
        valueSource: { secretKeyRef: { secret: ref.secret, version: ref.version } },
    }));
    const clash = secrets.find((secret) => secret.name !== undefined && secret.name !== null && secret.name in settings.env);
    if (clash !== undefined) {
        throw new errors/* ActionError */.lZ(`service '${settings.name}' declares '${clash.name}' both as env and as a secret`, {
            remedy: `Keep '${clash.name}' under either env or secrets, not both.`,
            ...(settings.span === undefined ? {} : { place: { kind: 'file', ...settings.span } }),
        });
    }
    return [...plain, ...secrets];
}
/**
 * 100% to the latest revision. Tagged targets stay (at 0%) so their tag URLs keep working; a tag
 * on the latest target moves onto the new 100% target.
 */
function desiredTraffic(current) {
    const tagged = current.filter((target) => typeof target.tag === 'string' && target.tag !== '');
    const isLatest = (target) => (0,enums/* enumName */.$U)(enums/* TRAFFIC_TYPE */.DY, target.type) === 'TRAFFIC_TARGET_ALLOCATION_TYPE_LATEST';
    const latestTag = tagged.find(isLatest)?.tag;
    const pinned = tagged
        .filter((target) => !isLatest(target))
        .map((target) => ({
        type: 'TRAFFIC_TARGET_ALLOCATION_TYPE_REVISION',
        ...(target.revision ? { revision: target.revision } : {}),
        ...(target.tag ? { tag: target.tag } : {}),
    }));
    return [
        { type: 'TRAFFIC_TARGET_ALLOCATION_TYPE_LATEST', percent: 100, ...(latestTag ? { tag: latestTag } : {}) },
        ...pinned,
    ];
}

;// CONCATENATED MODULE: ./build/src/plan/traffic-record.js
/**
 * The release record: a small JSON annotation on the service saying which revision the last
 * deploy created (and from which workflow run), and what the last traffic move replaced, so a
 * later run can promote "what this workflow deployed" or roll back to what served before.
 * Kubernetes annotation rules apply (Cloud Run v2 follows them): the key is `PREFIX/NAME` with a
 * DNS-subdomain prefix outside the reserved `run.googleapis.com`, `cloud.googleapis.com`,
 * `serving.knative.dev`, `autoscaling.knative.dev`; the value is any string, the annotations of
 * one object at most 256 KiB together. A record stays well under 1 KiB.
 */

const RELEASE_ANNOTATION = 'cloud-run-keyless-deploy/release';
const EMPTY_RECORD = { version: 1, deployed: undefined, released: undefined };
/**
 * The record on a service; an empty one when there is none or it cannot be read (written by a
 * newer version, or edited by hand): a record is a convenience, never a reason to fail.
 */
function readReleaseRecord(service) {
    const text = service?.annotations?.[RELEASE_ANNOTATION];
    if (!text)
        return EMPTY_RECORD;
    let value;
    try {
        value = JSON.parse(text);
    }
    catch {
        return EMPTY_RECORD;
    }
    if (!isObject(value) || value.v !== 1)
        return EMPTY_RECORD;
    return { version: 1, deployed: deployedEntry(value.deployed), released: releaseEntry(value.released) };
}
/** The service's annotations with the record replaced (the compact form: short keys, no nulls). */
function withReleaseRecord(annotations, record) {
    const value = {
        v: 1,
        ...(record.deployed === undefined ? {} : { deployed: record.deployed }),
        ...(record.released === undefined ? {} : { released: record.released }),
    };
    return { ...annotations, [RELEASE_ANNOTATION]: JSON.stringify(value) };
}
/**
 * The revision this workflow run deployed earlier (say, in a previous job), from the record. An
 * error when the last deploy of the service came from another run: promoting it would release
 * someone else's revision.
 */
function deployedByRun(record, run, serviceId) {
    const deployed = record.deployed;
    if (deployed === undefined || !sameRun(deployed.run, run)) {
        const last = deployed === undefined
            ? 'no deploy is recorded on it'
            : `its last deploy was by ${describeRun(deployed.run)} (revision ${deployed.revision})`;
        throw new errors/* ActionError */.lZ(`service '${serviceId}' has no revision deployed by ${describeRun(run)}: ${last}`, {
            remedy: 'Promote by tag or by revision name (promote_to), or deploy again in this workflow run before promoting.',
            place: { kind: 'input', name: 'promote_to' },
        });
    }
    return deployed.revision;
}
function sameRun(a, b) {
    return a.repository === b.repository && a.runId === b.runId;
}
function describeRun(run) {
    return `${run.repository} run ${run.runId} (attempt ${run.runAttempt})`;
}
function deployedEntry(value) {
    if (!isObject(value))
        return undefined;
    const run = runId(value.run);
    const { revision, sha, at } = value;
    if (run === undefined || typeof revision !== 'string' || typeof sha !== 'string' || typeof at !== 'string')
        return undefined;
    return { revision, run, sha, at };
}
const ACTIONS = ['deploy', 'promote', 'canary', 'rollback'];
function isAction(value) {
    return typeof value === 'string' && ACTIONS.includes(value);
}
function releaseEntry(value) {
    if (!isObject(value))
        return undefined;
    const run = runId(value.run);
    const { action, revision, previous, at } = value;
    if (run === undefined ||
        !isAction(action) ||
        typeof revision !== 'string' ||
        typeof at !== 'string' ||
        (previous !== undefined && typeof previous !== 'string'))
        return undefined;
    return { action, revision, previous, run, at };
}
function runId(value) {
    if (!isObject(value))
        return undefined;
    const { repository, runId: id, runAttempt } = value;
    if (typeof repository !== 'string' || typeof id !== 'string' || typeof runAttempt !== 'string')
        return undefined;
    return { repository, runId: id, runAttempt };
}
function isObject(value) {
    return typeof value === 'object' && value !== null && !Array.isArray(value);
}

;// CONCATENATED MODULE: ./build/src/plan/release.js
/**
 * The traffic side of a plan: where a deploy leaves traffic (all to the new revision, none with a
 * tag, or none and then canary steps), where a promotion or rollback moves it, and the release
 * record written with it. Pure: settings + the service as read → traffic, rows, annotations.
 */




/** The deploy's Service with its traffic and release record, and what traffic does after it. */
function deployRelease(input) {
    const { release, current, serviceId, revisionName } = input;
    const record = readReleaseRecord(current);
    const run = release_runId(input.run);
    const deployed = { revision: revisionName, run, sha: input.run.sha, at: input.at };
    const latestReady = current?.latestReadyRevision ? (0,resource_names/* shortName */.E)(current.latestReadyRevision) : undefined;
    const before = (0,plan_traffic/* normalizeTraffic */.dY)(current?.traffic);
    const canRelease = latestReady !== undefined;
    const wantsCanary = input.canary !== undefined && release.traffic === 'all';
    // With no serving revision yet (a first deploy that `first_deploy: serve` allows), the new
    // revision takes all traffic whatever was asked.
    const noTraffic = (release.traffic === 'none' || wantsCanary) && canRelease;
    const tag = release.tag;
    // A plain deploy keeps the traffic the desired Service has (all to LATEST, tags pinned).
    let traffic;
    if (release.traffic === 'none' || wantsCanary) {
        // A canary starts as a no-traffic deploy; on a first deploy, `first_deploy` decides.
        traffic = (0,plan_traffic/* noTrafficDeploy */.EH)(current, serviceId, revisionName, tag ?? 'canary', release.firstDeploy);
    }
    else if (tag !== undefined) {
        (0,plan_traffic/* checkTag */.Bs)(tag, serviceId);
        traffic = withTag((0,plan_traffic/* normalizeTraffic */.dY)(input.desired.traffic), revisionName, tag);
    }
    const released = noTraffic
        ? record.released
        : releasedEntry('deploy', revisionName, (0,plan_traffic/* dominantRevision */.Ad)(before, latestReady), run, input.at);
    const service = {
        ...input.desired,
        annotations: withReleaseRecord(input.desired.annotations, { ...record, deployed, released }),
        ...(traffic === undefined ? {} : { traffic: (0,plan_traffic/* toRunTraffic */.wO)(traffic) }),
    };
    const canary = wantsCanary && canRelease && input.canary !== undefined && traffic !== undefined
        ? {
            settings: input.canary,
            splits: (0,plan_traffic/* canaryPlan */.cq)(traffic, revisionName, input.canary.steps),
            annotations: withReleaseRecord(service.annotations, {
                ...record,
                deployed,
                released: releasedEntry('canary', revisionName, (0,plan_traffic/* dominantRevision */.Ad)(before, latestReady), run, input.at),
            }),
        }
        : undefined;
    return {
        service,
        // A canary's revision carries the `canary` tag unless another was given, even on a first
        // deploy that serves at once.
        release: { kind: 'deploy', tag: tag ?? (wantsCanary ? 'canary' : undefined), noTraffic, canary },
    };
}
/** A promotion or rollback: the split before and after, and the record that says so. */
function trafficMove(input) {
    const { release, current, serviceId } = input;
    const place = { kind: 'input', name: release.kind === 'promote' ? 'promote_to' : 'rollback_to' };
    if (current === undefined) {
        throw new errors/* ActionError */.lZ(`service '${serviceId}' does not exist in ${input.region}, so there is no traffic to ${release.kind === 'promote' ? 'promote' : 'roll back'}`, {
            remedy: 'Deploy the service first, or select the service and region that exist (service, region inputs).',
            place,
        });
    }
    const record = readReleaseRecord(current);
    const latestReady = current.latestReadyRevision ? (0,resource_names/* shortName */.E)(current.latestReadyRevision) : undefined;
    const before = (0,plan_traffic/* normalizeTraffic */.dY)(current.traffic);
    let after;
    let namedRevision;
    if (release.kind === 'promote') {
        const to = release.to;
        if ('deployed' in to) {
            namedRevision = deployedByRun(record, release_runId(input.run), serviceId);
            after = (0,plan_traffic/* promote */.pt)(before, { revision: namedRevision });
        }
        else {
            if ('revision' in to)
                namedRevision = (0,resource_names/* shortName */.E)(to.revision);
            after = (0,plan_traffic/* promote */.pt)(before, 'tag' in to ? { tag: to.tag } : { revision: (0,resource_names/* shortName */.E)(to.revision) });
        }
    }
    else if ('revision' in release.to) {
        namedRevision = (0,resource_names/* shortName */.E)(release.to.revision);
        after = (0,plan_traffic/* rollback */.dU)(before, { revision: namedRevision });
    }
    else {
        after = (0,plan_traffic/* rollback */.dU)(before, { previous: record.released?.previous });
    }
    const target = (0,plan_traffic/* dominantRevision */.Ad)(after, latestReady);
    const moved = !(0,plan_traffic/* sameTraffic */.UN)(before, after);
    const annotations = moved && target !== undefined
        ? withReleaseRecord(current.annotations, {
            ...record,
            released: releasedEntry(release.kind, target, (0,plan_traffic/* dominantRevision */.Ad)(before, latestReady), release_runId(input.run), input.at),
        })
        : { ...current.annotations };
    return { kind: release.kind, before, after, annotations, namedRevision };
}
/** Plan rows: the traffic move, or each canary step's split. */
function releaseChanges(release) {
    if (release.kind !== 'deploy')
        return (0,plan_traffic/* trafficChanges */.zq)(release.before, release.after);
    if (release.canary === undefined)
        return [];
    const steps = release.canary.settings.steps;
    return release.canary.splits.map((split, index) => ({
        path: `canary.step${index + 1}`,
        before: undefined,
        after: `${steps[index] ?? '?'}%: ${(0,plan_traffic/* describeTraffic */.hA)(split)}`,
    }));
}
/** `tag` moved onto the new revision (at 0%: LATEST already sends it everything). */
function withTag(traffic, revision, tag) {
    if (tag === undefined)
        return traffic;
    const others = traffic.map((target) => {
        if (target.tag !== tag)
            return target;
        const { tag: _moved, ...rest } = target;
        return rest;
    });
    return [
        ...others.filter((target) => target.tag !== undefined || target.percent > 0),
        { kind: 'revision', revision, percent: 0, tag },
    ];
}
function releasedEntry(action, revision, previous, run, at) {
    return { action, revision, previous, run, at };
}
function release_runId(run) {
    return { repository: run.repository, runId: run.runId, runAttempt: run.runAttempt };
}

// EXTERNAL MODULE: ./build/src/plan/quantities.js
var quantities = __webpack_require__(47312);
;// CONCATENATED MODULE: ./build/src/plan/service-changes.js




/** A display value of a plain env var: values are never shown (they may be sensitive). */
const PLAIN_VALUE = '(value)';
const CHANGED_VALUE = '(changed value)';
/** Field-level changes from `current` (absent = the service does not exist) to `desired`. */
function serviceChanges(current, desired) {
    const before = viewOf(current);
    const after = viewOf(desired);
    const changes = [];
    const scalar = (path, a, b, same = a === b) => {
        if (!same)
            changes.push({ path, before: a, after: b });
    };
    scalar('image', before.image, after.image);
    scalar('port', before.port, after.port);
    changes.push(...envChanges(before.env, after.env));
    scalar('resources.cpu', before.cpu, after.cpu, (0,quantities/* sameQuantity */.AE)(quantities/* cpuMillis */.Nt, before.cpu, after.cpu));
    scalar('resources.memory', before.memory, after.memory, (0,quantities/* sameQuantity */.AE)(quantities/* memoryBytes */.ZY, before.memory, after.memory));
    scalar('concurrency', before.concurrency, after.concurrency);
    scalar('timeout', before.timeout, after.timeout);
    scalar('scaling.minInstances', before.minInstances, after.minInstances);
    scalar('scaling.maxInstances', before.maxInstances, after.maxInstances);
    scalar('serviceAccount', before.serviceAccount, after.serviceAccount);
    scalar('ingress', before.ingress, after.ingress);
    scalar('traffic', before.traffic, after.traffic);
    changes.push(...mapChanges('labels', before.labels, after.labels));
    changes.push(...mapChanges('template.labels', before.templateLabels, after.templateLabels));
    return changes;
}
function viewOf(service) {
    const template = service?.template ?? {};
    const container = ingressContainer(template.containers ?? []);
    const limits = container?.resources?.limits ?? {};
    return {
        image: service_changes_text(container?.image),
        port: count(container?.ports?.[0]?.containerPort),
        env: envView(container?.env ?? []),
        cpu: service_changes_text(limits.cpu),
        memory: service_changes_text(limits.memory),
        concurrency: count(template.maxInstanceRequestConcurrency),
        timeout: seconds(durationSeconds(template.timeout)),
        minInstances: count(template.scaling?.minInstanceCount),
        maxInstances: count(template.scaling?.maxInstanceCount),
        serviceAccount: service_changes_text(template.serviceAccount),
        ingress: (0,enums/* ingressLabel */.oU)(service?.ingress),
        traffic: trafficView(service),
        labels: labelView(service?.labels),
        templateLabels: labelView(template.labels),
    };
}
function ingressContainer(containers) {
    return containers.find((container) => (container.ports ?? []).length > 0) ?? containers[0];
}
function envView(env) {
    const view = new Map();
    for (const variable of env) {
        if (!variable.name)
            continue;
        const ref = variable.valueSource?.secretKeyRef;
        if (ref?.secret) {
            const display = `secret ${ref.secret} version ${ref.version || 'latest'}`;
            view.set(variable.name, { key: `secret\n${display}`, display });
        }
        else {
            view.set(variable.name, { key: `value\n${variable.value ?? ''}`, display: PLAIN_VALUE });
        }
    }
    return view;
}
function envChanges(before, after) {
    const changes = [];
    for (const name of sortedKeys(before, after)) {
        const a = before.get(name);
        const b = after.get(name);
        if (a?.key === b?.key)
            continue;
        const shown = b !== undefined && a?.display === b.display ? CHANGED_VALUE : b?.display;
        changes.push({ path: `env.${name}`, before: a?.display, after: shown });
    }
    return changes;
}
function mapChanges(path, before, after) {
    return sortedKeys(before, after)
        .filter((key) => before.get(key) !== after.get(key))
        .map((key) => ({ path: `${path}.${key}`, before: before.get(key), after: after.get(key) }));
}
function labelView(labels) {
    return new Map(Object.entries(labels ?? {}).filter(([key]) => key !== plan_labels/* COMMIT_LABEL */.pM));
}
/** E.g. `100% latest, 0% revision hello-abc (tag canary)`; sorted so order does not matter. */
function trafficView(service) {
    const entries = (service?.traffic ?? []).map((target) => {
        const type = (0,enums/* enumName */.$U)(enums/* TRAFFIC_TYPE */.DY, target.type);
        const what = type === 'TRAFFIC_TARGET_ALLOCATION_TYPE_LATEST' ? 'latest' : `revision ${target.revision ?? ''}`;
        return `${target.percent ?? 0}% ${what}${target.tag ? ` (tag ${target.tag})` : ''}`;
    });
    return entries.length === 0 ? undefined : entries.sort().join(', ');
}
function sortedKeys(a, b) {
    return [...new Set([...a.keys(), ...b.keys()])].sort();
}
function service_changes_text(value) {
    return value ? value : undefined;
}
/** Counts where proto3's 0 means unset. */
function count(value) {
    return value ? String(value) : undefined;
}
function seconds(value) {
    return value === undefined ? undefined : `${value}s`;
}

;// CONCATENATED MODULE: ./build/src/plan/plan-target.js






function targetRef(projectId, target) {
    return {
        service: target.service.name,
        region: target.region,
        name: `projects/${projectId}/locations/${target.region}/services/${target.service.name}`,
    };
}
/** What one run does to one target: create, update, move traffic or nothing, and the invoker changes. */
function planTarget(input) {
    const target = targetRef(input.projectId, input.target);
    const previous = input.current?.latestReadyRevision;
    const previousRevision = previous ? previous : undefined;
    const invokers = planInvokers(input.target.service.invokers, input.policy);
    const { release } = input;
    if (release.kind !== 'deploy') {
        const move = trafficMove({
            release,
            serviceId: target.service,
            region: target.region,
            current: input.current,
            run: input.run,
            at: input.at,
        });
        const changes = releaseChanges(move);
        const serving = (0,plan_traffic/* dominantRevision */.Ad)(move.after, previousRevision && (0,resource_names/* shortName */.E)(previousRevision));
        return {
            target,
            action: changes.length > 0 ? 'traffic' : 'none',
            changes,
            desired: input.current ?? {},
            revisionName: serving ?? '',
            previousRevision,
            // A traffic move leaves the invoker bindings alone.
            invokers: planInvokers(undefined, undefined),
            release: move,
        };
    }
    if (input.image === undefined)
        throw new Error('a deploy plan needs an image (settings guarantee one)');
    const { service: desired, revisionName } = desiredService({
        settings: input.target.service,
        name: target.name,
        image: input.image,
        run: input.run,
        current: input.current,
    });
    const deploy = deployRelease({
        release,
        canary: input.target.service.canary,
        serviceId: target.service,
        current: input.current,
        desired,
        revisionName,
        run: input.run,
        at: input.at,
    });
    const changes = [...serviceChanges(input.current, deploy.service), ...unservedRevision(input.current)];
    const action = input.current === undefined
        ? 'create'
        : changes.length === 0 || alreadyReleased(input.current, changes, deploy.release)
            ? 'none'
            : 'update';
    return {
        target,
        action,
        // The canary steps follow only a deploy that makes a new revision.
        changes: action === 'none' ? changes : [...changes, ...releaseChanges(deploy.release)],
        desired: deploy.service,
        revisionName,
        previousRevision,
        invokers,
        release: action === 'none' ? { ...deploy.release, canary: undefined } : deploy.release,
    };
}
/**
 * A re-run of a no-traffic deploy of the same settings: only the traffic row differs (the new
 * revision's name), and the tag already marks the serving revision. Deploying again would make
 * an identical revision and move the tag to it.
 */
function alreadyReleased(current, changes, release) {
    if (release.kind !== 'deploy' || !release.noTraffic || release.tag === undefined)
        return false;
    if (changes.some((change) => change.path !== 'traffic'))
        return false;
    const ready = current.latestReadyRevision ? (0,resource_names/* shortName */.E)(current.latestReadyRevision) : undefined;
    return (0,plan_traffic/* normalizeTraffic */.dY)(current.traffic).some((target) => target.tag === release.tag && target.kind === 'revision' && target.revision === ready);
}
/**
 * A row when the service's newest revision is not the one serving: the rollout of the last
 * template failed, or was still going when a run was cancelled. The template then already
 * matches, yet the declared revision does not serve, so a re-run must deploy it again.
 */
function unservedRevision(current) {
    const created = current?.latestCreatedRevision;
    if (!created || created === current?.latestReadyRevision)
        return [];
    return [{ path: 'revision', before: `${(0,resource_names/* shortName */.E)(created)} (not ready)`, after: 'a new revision' }];
}

;// CONCATENATED MODULE: ./build/src/run-stack.js
/**
 * Everything the run loads once the token exchange is under way: the Cloud Run client and the
 * planning and apply code built on it. One entry, so the bundle makes it one chunk: each lazily
 * imported module would otherwise carry its own copy of the modules they share.
 */






/***/ })

};
