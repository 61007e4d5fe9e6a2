export const id = 978;
export const ids = [978];
export const modules = {

/***/ 44693:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  p: () => (/* binding */ OUTPUT_ONLY),
  K: () => (/* binding */ desiredService)
});

// EXTERNAL MODULE: ./build/src/errors.js
var errors = __webpack_require__(27406);
// EXTERNAL MODULE: ./build/src/plan/enums.js
var enums = __webpack_require__(16527);
// EXTERNAL MODULE: ./build/src/plan/labels.js
var labels = __webpack_require__(71914);
// EXTERNAL MODULE: ./build/src/plan/proto-plain.js
var proto_plain = __webpack_require__(90082);
// EXTERNAL MODULE: ./build/src/plan/resource-names.js
var resource_names = __webpack_require__(26004);
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
function desiredService(input) {
    const { settings, run, current } = input;
    const base = current === undefined ? {} : inputFields(current);
    const ours = { ...settings.labels, ...(0,labels/* actionLabels */.eG)(run.sha) };
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
/** The current service without output-only fields and proto3 defaults. */
function inputFields(current) {
    const plain = (0,proto_plain/* withoutDefaults */.nd)(current);
    if (typeof plain !== 'object' || plain === null)
        return {};
    return Object.fromEntries(Object.entries(plain).filter(([key]) => !OUTPUT_ONLY.has(key)));
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

/***/ 12978:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {

// ESM COMPAT FLAG
__webpack_require__.r(__webpack_exports__);

// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  planTarget: () => (/* binding */ planTarget),
  targetRef: () => (/* binding */ targetRef)
});

// EXTERNAL MODULE: ./build/src/plan/desired-service.js + 1 modules
var desired_service = __webpack_require__(44693);
// EXTERNAL MODULE: ./build/src/plan/invokers.js
var plan_invokers = __webpack_require__(2154);
// EXTERNAL MODULE: ./build/src/errors.js
var errors = __webpack_require__(27406);
// EXTERNAL MODULE: ./build/src/plan/resource-names.js
var resource_names = __webpack_require__(26004);
// EXTERNAL MODULE: ./build/src/plan/traffic.js
var plan_traffic = __webpack_require__(44068);
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

// EXTERNAL MODULE: ./build/src/plan/enums.js
var enums = __webpack_require__(16527);
// EXTERNAL MODULE: ./build/src/plan/labels.js
var plan_labels = __webpack_require__(71914);
// EXTERNAL MODULE: ./build/src/plan/proto-plain.js
var proto_plain = __webpack_require__(90082);
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
        timeout: seconds((0,proto_plain/* durationSeconds */.o8)(template.timeout)),
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
    const invokers = (0,plan_invokers/* planInvokers */.D)(input.target.service.invokers, input.policy);
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
            invokers: (0,plan_invokers/* planInvokers */.D)(undefined, undefined),
            release: move,
        };
    }
    if (input.image === undefined)
        throw new Error('a deploy plan needs an image (settings guarantee one)');
    const { service: desired, revisionName } = (0,desired_service/* desiredService */.K)({
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
