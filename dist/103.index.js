export const id = 103;
export const ids = [103];
export const modules = {

/***/ 29103:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {

// ESM COMPAT FLAG
__webpack_require__.r(__webpack_exports__);

// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  createDeployerCredentials: () => (/* binding */ createDeployerCredentials),
  eagerRefreshMillis: () => (/* binding */ eagerRefreshMillis)
});

// EXTERNAL MODULE: ./node_modules/google-auth-library/build/src/index.js
var src = __webpack_require__(492);
// EXTERNAL MODULE: ./build/src/google/retry.js
var retry = __webpack_require__(84943);
// EXTERNAL MODULE: ./build/src/errors.js
var errors = __webpack_require__(27406);
// EXTERNAL MODULE: ./build/src/google/errors.js
var google_errors = __webpack_require__(33518);
;// CONCATENATED MODULE: ./build/src/identity/provider.js
const PROVIDER_NAME = /^(?:\/\/iam\.[^/]+\/)?projects\/([^/]+)\/locations\/global\/workloadIdentityPools\/([^/]+)(?:\/providers\/([^/]+))?$/;
function parseProvider(name) {
    const match = PROVIDER_NAME.exec(name.trim());
    if (match === null || match[1] === undefined || match[2] === undefined)
        return undefined;
    return { project: match[1], pool: match[2], provider: match[3] };
}
/** `projects/N/locations/global/workloadIdentityPools/P/providers/X` without any `//iam…/` prefix. */
function providerResourceName(name) {
    return name.trim().replace(/^\/\/iam\.[^/]+\//, '');
}
/** The STS audience: the provider's full resource name on the IAM host of the universe. */
function stsAudience(provider, universeDomain) {
    return `//iam.${universeDomain}/${providerResourceName(provider)}`;
}
/** The principal set of one repository in the provider's pool, for `roles/iam.workloadIdentityUser`. */
function repositoryPrincipalSet(parts, repository) {
    return `principalSet://iam.googleapis.com/projects/${parts.project}/locations/global/workloadIdentityPools/${parts.pool}/attribute.repository/${repository}`;
}

;// CONCATENATED MODULE: ./build/src/identity/federation-errors.js



/** The claims an attribute condition usually tests, as `name = value` lines. */
const TELLING_CLAIMS = ['repository', 'ref', 'environment', 'event_name', 'sub', 'job_workflow_ref'];
function claimLines(claims) {
    return TELLING_CLAIMS.map((name) => {
        const value = claims[name];
        return `  ${name} = ${typeof value === 'string' ? `'${value}'` : '(absent)'}`;
    }).join('\n');
}
function providerFlags(context) {
    const parts = parseProvider(context.provider);
    if (parts === undefined || parts.provider === undefined)
        return 'PROVIDER --location=global --workload-identity-pool=POOL';
    return `${parts.provider} --project=${parts.project} --location=global --workload-identity-pool=${parts.pool}`;
}
const REPORTED = (c) => [c.oauthError ?? c.status ?? (c.httpStatus === undefined ? undefined : `HTTP ${c.httpStatus}`), c.message]
    .filter((part) => part !== undefined)
    .join(': ');
function explainExchange(c, context) {
    const head = `Google STS refused to exchange the GitHub OIDC token for provider '${context.provider}' (${REPORTED(c)})`;
    switch (c.oauthError) {
        case 'invalid_target':
            return explainInvalidTarget(head, context);
        case 'unauthorized_client':
            return new errors/* ActionError */.lZ(`${head}. The provider's attribute condition rejected this token; the claims it usually tests are:\n${claimLines(context.claims)}`, {
                remedy: `Compare them with the condition (\`gcloud iam workload-identity-pools providers describe ${providerFlags(context)} --format='value(attributeCondition)'\`). Run from a repository/ref the condition accepts, or widen it, e.g. \`gcloud iam workload-identity-pools providers update-oidc ${providerFlags(context)} --attribute-condition="assertion.repository == '${String(context.claims.repository ?? 'OWNER/REPO')}'"\`.`,
            });
        case 'invalid_grant':
            if (/expire/i.test(c.message)) {
                return new errors/* ActionError */.lZ(`${head}. The GitHub OIDC token has expired (it is valid for about 5 minutes).`, {
                    remedy: 'Re-run the job; if it keeps happening, check the runner clock and that nothing delays the step between token request and exchange.',
                });
            }
            return new errors/* ActionError */.lZ(`${head}. The GitHub OIDC token was issued for audience '${context.audience}', which the provider's allowed audiences must include.`, {
                remedy: `Either add it: \`gcloud iam workload-identity-pools providers update-oidc ${providerFlags(context)} --allowed-audiences='${context.audience}'\`, or set the audience input to one the provider accepts (a provider without allowed audiences accepts only https://iam.googleapis.com/${context.provider.replace(/^\/\/iam\.[^/]+\//, '')}). Also check that the provider is enabled and its issuer is https://token.actions.githubusercontent.com.`,
            });
        default:
            return generic(head, c, 'Check the workload_identity_provider setting and the provider in the Google Cloud console.');
    }
}
function explainInvalidTarget(head, context) {
    const parts = parseProvider(context.provider);
    const format = 'projects/PROJECT_NUMBER/locations/global/workloadIdentityPools/POOL/providers/PROVIDER';
    if (parts === undefined) {
        return new errors/* ActionError */.lZ(`${head}. '${context.provider}' is not a workload identity provider name.`, {
            remedy: `Set workload_identity_provider to the form ${format}; list providers with \`gcloud iam workload-identity-pools providers list --location=global --workload-identity-pool=POOL --format='value(name)'\`.`,
        });
    }
    if (parts.provider === undefined) {
        return new errors/* ActionError */.lZ(`${head}. '${context.provider}' names a pool, not a provider.`, {
            remedy: `Append the provider: ${context.provider}/providers/PROVIDER (list them with \`gcloud iam workload-identity-pools providers list --project=${parts.project} --location=global --workload-identity-pool=${parts.pool} --format='value(name)'\`).`,
        });
    }
    if (!/^\d+$/.test(parts.project)) {
        return new errors/* ActionError */.lZ(`${head}. '${parts.project}' is a project id; provider names need the project number.`, {
            remedy: `Replace it with the number from \`gcloud projects describe ${parts.project} --format='value(projectNumber)'\`.`,
        });
    }
    return new errors/* ActionError */.lZ(`${head}. No such provider, or it is disabled or deleted.`, {
        remedy: `Check it exists: \`gcloud iam workload-identity-pools providers describe ${providerFlags(context)}\`.`,
    });
}
function bindingCommand(context) {
    const parts = parseProvider(context.provider);
    const repository = typeof context.claims.repository === 'string' ? context.claims.repository : 'OWNER/REPO';
    const member = parts === undefined
        ? `principalSet://iam.googleapis.com/projects/PROJECT_NUMBER/locations/global/workloadIdentityPools/POOL/attribute.repository/${repository}`
        : repositoryPrincipalSet(parts, repository);
    return `gcloud iam service-accounts add-iam-policy-binding ${context.serviceAccount} --role=roles/iam.workloadIdentityUser --member=${member}`;
}
function explainImpersonation(c, context, stage) {
    const action = stage === 'id-token' ? 'an ID token' : 'an access token';
    const head = `Could not get ${action} for service account '${context.serviceAccount}' (${REPORTED(c)})`;
    if (c.category === 'permission') {
        const permission = c.metadata.permission ??
            (stage === 'id-token' ? 'iam.serviceAccounts.getOpenIdToken' : 'iam.serviceAccounts.getAccessToken');
        return new errors/* ActionError */.lZ(`${head}. The federated identity of this repository lacks '${permission}' on the service account (the roles/iam.workloadIdentityUser binding is missing, or the service account does not exist).`, {
            remedy: `If the policy came from \`npm run setup\`, this may be the intended refusal: the deployer admits only runs its deployer.allow rules admit (attribute.can_deploy), the planner those of plan_allow. Run from such a ref and event, or widen the rules and apply the regenerated set-up. A hand-made set-up lacks the binding: grant it (once, as a project admin): \`${bindingCommand(context)}\``,
        });
    }
    if (c.category === 'not-found') {
        return new errors/* ActionError */.lZ(`${head}. The service account does not exist.`, {
            remedy: `Check the email (\`gcloud iam service-accounts describe ${context.serviceAccount}\`) and the service_account setting.`,
        });
    }
    if (c.category === 'invalid' && /lifetime/i.test(c.message)) {
        return new errors/* ActionError */.lZ(`${head}. The requested token lifetime of ${context.lifetimeSeconds} s is over the allowed maximum.`, {
            remedy: 'Lower token_lifetime to 1h or less, or allow longer lifetimes for this service account with the organization policy constraints/iam.allowServiceAccountCredentialLifetimeExtension.',
        });
    }
    return generic(head, c, 'Check the service_account setting.');
}
function generic(head, c, hint) {
    if (c.category === 'transient') {
        return new errors/* ActionError */.lZ(`${head}; the service kept failing after retries.`, {
            remedy: 'Re-run the job later; check https://status.cloud.google.com for an incident.',
        });
    }
    return new errors/* ActionError */.lZ(`${head}.`, { remedy: hint });
}
/** Turns a failure of one step of the keyless exchange into its cause and remedy. */
function explainFederationFailure(stage, error, context) {
    const classified = (0,google_errors/* classifyError */.fe)(error);
    const explained = stage === 'exchange'
        ? explainExchange(classified, context)
        : explainImpersonation(classified, context, stage);
    return new errors/* ActionError */.lZ(explained.message, {
        ...(explained.remedy === undefined ? {} : { remedy: explained.remedy }),
        cause: error,
    });
}

;// CONCATENATED MODULE: ./build/src/identity/sts-exchange.js
/**
 * One RFC 8693 token exchange at Google STS, made directly: google-auth-library's
 * `IdentityPoolClient` shares one pending exchange between callers, sends it with no timeout and
 * retries it itself, so an unanswered exchange could never be abandoned and retried.
 */

const TOKEN_EXCHANGE_GRANT = 'urn:ietf:params:oauth:grant-type:token-exchange';
const ACCESS_TOKEN_TYPE = 'urn:ietf:params:oauth:token-type:access_token';
const JWT_TOKEN_TYPE = 'urn:ietf:params:oauth:token-type:jwt';
/**
 * Exactly one request, with its own timeout and no retries of its own (the caller's `withRetry`
 * decides). Failures are gaxios errors: the OAuth error body stays in `response.data`.
 */
async function exchangeSubjectToken(request, now) {
    const response = await src.gaxios.request({
        url: request.tokenUrl,
        method: 'POST',
        // Form-encoded, like google-auth-library's own exchange.
        data: new URLSearchParams({
            grant_type: TOKEN_EXCHANGE_GRANT,
            audience: request.audience,
            scope: request.scope,
            requested_token_type: ACCESS_TOKEN_TYPE,
            subject_token: request.subjectToken,
            subject_token_type: JWT_TOKEN_TYPE,
        }),
        responseType: 'json',
        timeout: request.timeoutMs,
        retry: false,
    });
    return parseExchangeResponse(response.data, now());
}
/** The token and its expiry from STS's JSON answer; throws when either is missing. */
function parseExchangeResponse(data, now) {
    const body = typeof data === 'object' && data !== null ? data : {};
    const token = body.access_token;
    if (typeof token !== 'string' || token === '')
        throw new Error('STS answered without an access token');
    const expiresIn = body.expires_in;
    if (typeof expiresIn !== 'number' || !(expiresIn > 0))
        throw new Error('STS answered without expires_in');
    return { accessToken: token, expiryDate: now + expiresIn * 1000 };
}

;// CONCATENATED MODULE: ./build/src/identity/federation.js





const CLOUD_PLATFORM = 'https://www.googleapis.com/auth/cloud-platform';
/**
 * How long before expiry the deployer's token is renewed. The library's default (5 minutes)
 * would renew on every call when the lifetime is 5 minutes or less; a quarter of the
 * lifetime, at most a minute, keeps one token for the whole run when the lifetime covers it.
 */
function eagerRefreshMillis(lifetimeSeconds) {
    return Math.max(1, Math.min(60_000, lifetimeSeconds * 250));
}
/**
 * GitHub OIDC token → STS federated token → short-lived token of the deployer service account,
 * done once, up front, so that every misconfiguration surfaces before anything else. One
 * `OAuth2Client` holds the federated token (about an hour; its refresh handler exchanges again
 * with a fresh GitHub token); another, whose refresh handler calls `generateAccessToken` with it,
 * holds the deployer's token. The exchange is made directly (see sts-exchange.ts) so every
 * attempt is a new request with its own timeout. Keeping the federated token in reach lets
 * `generateIdToken` use it too, so ID tokens need only the roles/iam.workloadIdentityUser binding
 * the exchange already needs, and never a second exchange.
 * (The library's `Impersonated` client would do the same but prints a configuration warning into
 * the job log on every construction.) No credentials file is written.
 */
async function createDeployerCredentials(options, deps) {
    const { endpoints } = options;
    const timeout = options.requestTimeoutMs ?? retry/* REQUEST_TIMEOUT_MS */.j2;
    const accountUrl = `${endpoints.iamcredentials}/v1/projects/-/serviceAccounts/${encodeURIComponent(options.serviceAccount)}`;
    const context = {
        provider: options.provider,
        serviceAccount: options.serviceAccount,
        audience: options.audience,
        claims: options.claims,
        lifetimeSeconds: options.lifetimeSeconds,
    };
    const step = async (stage, what, run) => {
        try {
            // Each attempt is one request with its own timeout; the deadline is a backstop for it.
            return await (0,retry/* withRetry */.bD)(what, () => (0,retry/* withDeadline */.NE)(run, timeout, what), deps.retry, {
                policy: retry/* CALL_RETRY */.Ul,
            });
        }
        catch (error) {
            throw explainFederationFailure(stage, error, context);
        }
    };
    // Separate steps so a failure names its cause: the exchange, then the impersonation.
    const exchange = (subjectToken) => step('exchange', 'STS token exchange', async () => {
        const token = await exchangeSubjectToken({
            tokenUrl: `${endpoints.sts}/v1/token`,
            audience: stsAudience(options.provider, endpoints.universeDomain),
            scope: CLOUD_PLATFORM,
            subjectToken,
            timeoutMs: timeout,
        }, deps.retry.now);
        deps.setSecret(token.accessToken);
        return { access_token: token.accessToken, expiry_date: token.expiryDate };
    });
    const federated = new src.OAuth2Client({
        universe_domain: endpoints.universeDomain,
        transporterOptions: { timeout },
    });
    federated.setCredentials(await exchange(options.subjectToken));
    // Only when a run outlives the federated token (about an hour): the first GitHub token has
    // expired by then, so ask for a new one.
    federated.refreshHandler = async () => exchange(options.refreshSubjectToken === undefined ? options.subjectToken : await options.refreshSubjectToken());
    const impersonate = async () => {
        const response = await federated.request({
            url: `${accountUrl}:generateAccessToken`,
            method: 'POST',
            data: { scope: [CLOUD_PLATFORM], lifetime: `${options.lifetimeSeconds}s`, delegates: [] },
            responseType: 'json',
        });
        const { accessToken, expireTime } = response.data;
        if (typeof accessToken !== 'string' || accessToken === '' || typeof expireTime !== 'string') {
            throw new Error('generateAccessToken answered without accessToken/expireTime');
        }
        deps.setSecret(accessToken);
        return { access_token: accessToken, expiry_date: Date.parse(expireTime) };
    };
    const first = await step('impersonation', `Impersonating ${options.serviceAccount}`, impersonate);
    const deployer = new src.OAuth2Client({
        universe_domain: endpoints.universeDomain,
        eagerRefreshThresholdMillis: eagerRefreshMillis(options.lifetimeSeconds),
        transporterOptions: { timeout },
    });
    deployer.setCredentials(first);
    let renewal;
    // Only when a run outlives the token: one renewal at a time, explained like the first.
    deployer.refreshHandler = () => {
        renewal ??= step('impersonation', `Renewing the token of ${options.serviceAccount}`, impersonate).finally(() => {
            renewal = undefined;
        });
        return renewal;
    };
    return {
        authClient: deployer,
        serviceAccount: options.serviceAccount,
        accessToken: first.access_token,
        expiresAt: new Date(first.expiry_date),
        mintIdToken: (audience) => step('id-token', `ID token for ${audience}`, async () => {
            const response = await federated.request({
                url: `${accountUrl}:generateIdToken`,
                method: 'POST',
                data: { audience, includeEmail: true, delegates: [] },
                responseType: 'json',
            });
            const { token } = response.data;
            if (typeof token !== 'string' || token === '')
                throw new Error('generateIdToken answered without a token');
            deps.setSecret(token);
            return token;
        }),
    };
}


/***/ })

};
