export const id = 856;
export const ids = [856];
export const modules = {

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

/***/ 88856:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {

__webpack_require__.r(__webpack_exports__);
/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   readInvokerPolicy: () => (/* binding */ readInvokerPolicy),
/* harmony export */   readPolicyAlongside: () => (/* binding */ readPolicyAlongside),
/* harmony export */   readService: () => (/* binding */ readService),
/* harmony export */   readTarget: () => (/* binding */ readTarget)
/* harmony export */ });
/* harmony import */ var _google_retry_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(84943);
/* harmony import */ var _google_failure_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(88700);


/** A read is always safe to repeat: transient failures (429, 5xx, resets, timeouts) are retried. */
async function read(what, call, deps) {
    try {
        return await (0,_google_retry_js__WEBPACK_IMPORTED_MODULE_0__/* .withRetry */ .bD)(what, call, deps, { policy: _google_retry_js__WEBPACK_IMPORTED_MODULE_0__/* .CALL_RETRY */ .Ul });
    }
    catch (error) {
        throw (0,_google_failure_js__WEBPACK_IMPORTED_MODULE_1__/* .googleFailure */ .y)(what, error);
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


/***/ })

};
