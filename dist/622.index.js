export const id = 622;
export const ids = [622];
export const modules = {

/***/ 52622:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {

__webpack_require__.r(__webpack_exports__);
/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   clientOptions: () => (/* binding */ clientOptions),
/* harmony export */   createRunApi: () => (/* binding */ createRunApi)
/* harmony export */ });
/* harmony import */ var _google_cloud_run_build_src_v2_revisions_client_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(67194);
/* harmony import */ var _google_cloud_run_build_src_v2_services_client_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(67974);
/* harmony import */ var _google_errors_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(33518);
/* harmony import */ var _google_retry_js__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(84943);




/**
 * One request per call, bounded: the callers retry (`withRetry` around reads, writes and IAM
 * writes; the wait loop around polls), so gax's own retries of reads on UNAVAILABLE would only
 * multiply requests and stretch a persistent failure. Cloud Run answers these small JSON calls
 * (an operation, not the finished deploy) in well under a second. Operation polls reuse the
 * options of their call.
 */
const CALL_OPTIONS = { timeout: _google_retry_js__WEBPACK_IMPORTED_MODULE_3__/* .REQUEST_TIMEOUT_MS */ .j2, retry: null };
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
    const services = new _google_cloud_run_build_src_v2_services_client_js__WEBPACK_IMPORTED_MODULE_1__/* .ServicesClient */ .W(options);
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
                if ((0,_google_errors_js__WEBPACK_IMPORTED_MODULE_2__/* .classifyError */ .fe)(error).category === 'not-found')
                    return undefined;
                throw error;
            }
        },
        async getRevision(name) {
            try {
                revisions ??= new _google_cloud_run_build_src_v2_revisions_client_js__WEBPACK_IMPORTED_MODULE_0__/* .RevisionsClient */ .U(options);
                const [revision] = await revisions.getRevision({ name }, CALL_OPTIONS);
                return revision;
            }
            catch (error) {
                if ((0,_google_errors_js__WEBPACK_IMPORTED_MODULE_2__/* .classifyError */ .fe)(error).category === 'not-found')
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


/***/ })

};
