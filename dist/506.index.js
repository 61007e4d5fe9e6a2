export const id = 506;
export const ids = [506];
export const modules = {

/***/ 7506:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {

// ESM COMPAT FLAG
__webpack_require__.r(__webpack_exports__);

// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  applyTarget: () => (/* binding */ applyTarget)
});

// EXTERNAL MODULE: ./build/src/plan/invokers.js
var plan_invokers = __webpack_require__(2154);
// EXTERNAL MODULE: ./build/src/errors.js
var errors = __webpack_require__(27406);
// EXTERNAL MODULE: ./build/src/google/errors.js
var google_errors = __webpack_require__(33518);
// EXTERNAL MODULE: ./build/src/google/retry.js
var retry = __webpack_require__(84943);
// EXTERNAL MODULE: ./build/src/plan/enums.js
var enums = __webpack_require__(16527);
// EXTERNAL MODULE: ./build/src/plan/resource-names.js
var resource_names = __webpack_require__(26004);
// EXTERNAL MODULE: ./build/src/apply/google-failure.js
var google_failure = __webpack_require__(88700);
;// CONCATENATED MODULE: ./build/src/apply/wait-operation.js
/**
 * Waiting for a long-running operation with our own bound: gax's `op.promise()` polls forever.
 * The first poll comes early because most deploys of a small change finish in seconds.
 */


const POLL_FIRST_MS = 250;
const POLL_FACTOR = 1.5;
const POLL_MAX_MS = 5_000;
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
    let failures = 0;
    let failingSince = 0;
    while (!state.done) {
        const left = deadline - deps.now();
        if (left <= 0) {
            throw new errors/* ActionError */.lZ(`timed out after ${Math.round(timeoutMs / 1000)} s waiting for ${what} (operation ${operation.name})`, {
                remedy: 'The deploy may still finish: check the service in the Cloud Console, then re-run; raise wait_timeout if deploys of this service are slow.',
            });
        }
        await deps.sleep(Math.min(delay, left));
        delay = Math.min(delay * POLL_FACTOR, POLL_MAX_MS);
        const started = deps.now();
        try {
            state = await operation.poll();
            failures = 0;
        }
        catch (error) {
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
        return await (0,retry/* withRetry */.bD)(what, write, deps, { policy: retry/* CALL_RETRY */.Ul, retryable: google_errors/* isRefusedBeforeActing */.cn });
    }
    catch (error) {
        const category = (0,google_errors/* classifyError */.fe)(error).category;
        if (category === 'conflict' || category === 'already-exists') {
            throw new errors/* ActionError */.lZ(`service ${target.service} in ${target.region} changed since it was read (${plan.action} refused: ${(0,google_errors/* classifyError */.fe)(error).message}); nothing was overwritten`, { remedy: 'Re-run the workflow so the plan starts from the current service.', cause: error });
        }
        const failure = (0,google_failure/* googleFailure */.y)(what, error);
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
        throw (0,google_failure/* googleFailure */.y)(`reading service ${plan.target.name} after the deploy`, error);
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
        return (0,plan_invokers/* planInvokers */.D)(undefined, undefined);
    try {
        return await (0,retry/* withRetry */.bD)(`Updating the invokers of ${resource}`, async (attempt) => {
            const plan = attempt === 1 && planned !== undefined
                ? planned
                : (0,plan_invokers/* planInvokers */.D)(declared, await api.getIamPolicy(resource));
            if (plan.policy !== undefined)
                await api.setIamPolicy(resource, plan.policy);
            return plan;
        }, deps, {
            policy: IAM_RETRY,
            retryable: (error) => {
                const category = (0,google_errors/* classifyError */.fe)(error).category;
                return category === 'conflict' || category === 'transient';
            },
        });
    }
    catch (error) {
        throw (0,google_failure/* googleFailure */.y)(`updating roles/run.invoker on ${resource}`, error);
    }
}

;// CONCATENATED MODULE: ./build/src/apply/apply-target.js



async function applyTarget(api, plan, options, deps) {
    const outcome = await deployService(api, plan, options, deps);
    const declared = plan.invokers.managed ? declaredMembers(plan.invokers) : undefined;
    // Plan mode reports the plan made from what was read; a deploy writes it (re-reading only when
    // a concurrent writer got in first). A created service's policy did not exist at planning: it
    // is the never-written one, whose etag keeps a concurrent writer's change safe.
    const invokers = options.validateOnly
        ? plan.invokers
        : await reconcileInvokers(api, plan.target.name, declared, deps, plan.action === 'create' ? (0,plan_invokers/* planInvokers */.D)(declared, NEVER_WRITTEN_POLICY) : plan.invokers);
    return {
        plan,
        deployed: outcome.changed,
        service: outcome.service,
        revision: outcome.revision,
        invokers,
        invokersChanged: !options.validateOnly && invokers.policy !== undefined,
    };
}
/** The declared list is what the plan kept plus what it adds. */
function declaredMembers(plan) {
    return [...plan.keep, ...plan.add];
}


/***/ }),

/***/ 88700:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   y: () => (/* binding */ googleFailure)
/* harmony export */ });
/* harmony import */ var _errors_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(27406);
/* harmony import */ var _google_errors_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(33518);
/** Turns a failed Cloud Run call into an ActionError that says what to do about it. */


/** `what` names the call and its resource, e.g. `updating service projects/p/.../services/s`. */
function googleFailure(what, error) {
    const info = (0,_google_errors_js__WEBPACK_IMPORTED_MODULE_1__/* .classifyError */ .fe)(error);
    const detail = info.status === undefined ? info.message : `${info.status}: ${info.message}`;
    return new _errors_js__WEBPACK_IMPORTED_MODULE_0__/* .ActionError */ .lZ(`${what} failed: ${detail}`, {
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


/***/ }),

/***/ 16527:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   $U: () => (/* binding */ enumName),
/* harmony export */   DY: () => (/* binding */ TRAFFIC_TYPE),
/* harmony export */   HR: () => (/* binding */ isZeroEnumName),
/* harmony export */   aQ: () => (/* binding */ CONDITION_STATE),
/* harmony export */   oU: () => (/* binding */ ingressLabel),
/* harmony export */   z5: () => (/* binding */ ingressEnum)
/* harmony export */ });
/* unused harmony export INGRESS */
/* harmony import */ var _google_cloud_run__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(89475);
/**
 * Cloud Run enums arrive as names from `getService` and as numbers from operation results (see
 * notes): everything here compares names. Numbers come from the library's own protos, never from
 * list positions.
 */

const v2 = _google_cloud_run__WEBPACK_IMPORTED_MODULE_0__/* .protos */ .oE.google.cloud.run.v2;
const INGRESS = v2.IngressTraffic;
const TRAFFIC_TYPE = v2.TrafficTargetAllocationType;
const CONDITION_STATE = v2.Condition.State;
/** The enum name of `value` (a name or a number); `undefined` for unset or unspecified (0). */
function enumName(table, value) {
    if (value === null || value === undefined)
        return undefined;
    const entries = Object.entries(table);
    const entry = entries.find(([name, number]) => typeof value === 'number' ? number === value : name === value);
    if (entry === undefined)
        return typeof value === 'string' ? value : undefined;
    return entry[1] === 0 ? undefined : entry[0];
}
const INGRESS_NAMES = {
    all: 'INGRESS_TRAFFIC_ALL',
    internal: 'INGRESS_TRAFFIC_INTERNAL_ONLY',
    'internal-and-cloud-load-balancing': 'INGRESS_TRAFFIC_INTERNAL_LOAD_BALANCER',
    none: 'INGRESS_TRAFFIC_NONE',
};
function ingressEnum(ingress) {
    return INGRESS_NAMES[ingress];
}
/** The policy-file spelling of an ingress enum value, or the enum name when it has none. */
function ingressLabel(value) {
    const name = enumName(INGRESS, value);
    if (name === undefined)
        return undefined;
    const entry = Object.entries(INGRESS_NAMES).find(([, enumValue]) => enumValue === name);
    return entry === undefined ? name : entry[0];
}
/** Names of every zero value of the Cloud Run enums (proto3 defaults that decode as names). */
const ZERO_NAMES = (() => {
    const names = new Set();
    const seen = new Set();
    const visit = (node) => {
        if ((typeof node !== 'object' && typeof node !== 'function') || node === null || seen.has(node))
            return;
        seen.add(node);
        const entries = Object.entries(node);
        if (typeof node === 'object' &&
            entries.length > 0 &&
            entries.every(([, value]) => typeof value === 'number')) {
            for (const [name, value] of entries)
                if (value === 0)
                    names.add(name);
            return;
        }
        for (const [key, value] of entries)
            if (/^[A-Z]/.test(key))
                visit(value);
    };
    visit(v2);
    visit(_google_cloud_run__WEBPACK_IMPORTED_MODULE_0__/* .protos */ .oE.google.api.LaunchStage);
    return names;
})();
/** Whether a string is the name of an enum's zero value (`LAUNCH_STAGE_UNSPECIFIED`, ...). */
function isZeroEnumName(value) {
    return ZERO_NAMES.has(value);
}


/***/ }),

/***/ 2154:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   D: () => (/* binding */ planInvokers)
/* harmony export */ });
/* unused harmony export INVOKER_ROLE */
/* harmony import */ var _proto_plain_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(90082);
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
    const plain = (0,_proto_plain_js__WEBPACK_IMPORTED_MODULE_0__/* .withoutDefaults */ .nd)(binding);
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


/***/ }),

/***/ 90082:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   nd: () => (/* binding */ withoutDefaults),
/* harmony export */   o8: () => (/* binding */ durationSeconds)
/* harmony export */ });
/* unused harmony export int64 */
/* harmony import */ var _enums_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(16527);
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
    if (typeof value === 'string' && (0,_enums_js__WEBPACK_IMPORTED_MODULE_0__/* .isZeroEnumName */ .HR)(value))
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


/***/ })

};
