export const id = 242;
export const ids = [242];
export const modules = {

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

/***/ 69242:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {

// ESM COMPAT FLAG
__webpack_require__.r(__webpack_exports__);

// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  planTarget: () => (/* binding */ planTarget),
  targetRef: () => (/* binding */ targetRef)
});

// EXTERNAL MODULE: ./build/src/errors.js
var errors = __webpack_require__(27406);
// EXTERNAL MODULE: ./build/src/plan/enums.js
var enums = __webpack_require__(16527);
// EXTERNAL MODULE: ./build/src/plan/labels.js
var plan_labels = __webpack_require__(71914);
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

// EXTERNAL MODULE: ./build/src/plan/invokers.js
var invokers = __webpack_require__(2154);
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
/** What one run does to one target: create, update or nothing, and the invoker changes. */
function planTarget(input) {
    const target = targetRef(input.projectId, input.target);
    const { service: desired, revisionName } = desiredService({
        settings: input.target.service,
        name: target.name,
        image: input.image,
        run: input.run,
        current: input.current,
    });
    const changes = serviceChanges(input.current, desired);
    const previous = input.current?.latestReadyRevision;
    return {
        target,
        action: input.current === undefined ? 'create' : changes.length > 0 ? 'update' : 'none',
        changes,
        desired,
        revisionName,
        previousRevision: previous ? previous : undefined,
        invokers: (0,invokers/* planInvokers */.D)(input.target.service.invokers, input.policy),
    };
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
