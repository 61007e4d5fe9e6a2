/**
 * Checks the schema cannot express: relations between fields, reserved names, value ranges of
 * durations and quantities. They run on the raw data, skipping values the schema already flagged,
 * so one file reports every problem once.
 */
import type { ActionError } from '../errors.ts';
import { COMMIT_LABEL, MANAGED_BY_LABEL } from '../plan/labels.ts';
import {
  CANARY_WAIT,
  type DurationRange,
  describeRange,
  HEALTH_CHECK_TIMEOUT,
  parseDuration,
  REQUEST_TIMEOUT,
  TOKEN_LIFETIME,
} from './durations.ts';
import { fileProblem, show } from './problems.ts';
import { deployerNotInvoker, lacksDeployerInvoker, STEPS_REMEDY, stepsProblem } from './release-values.ts';
import { checkCpu, checkCpuForMemory, checkMemory } from './resources.ts';
import { pointerSegment, type YamlTree, type YamlValue } from './yaml-tree.ts';

/** Set by Cloud Run in every container; a deploy that sets them is rejected. */
export const RESERVED_ENV_NAMES: readonly string[] = ['PORT', 'K_SERVICE', 'K_REVISION', 'K_CONFIGURATION'];
const RESERVED_ENV_PREFIX = 'X_GOOGLE_';
/** Set by the action on every service it deploys. */
export const RESERVED_LABEL_KEYS: readonly string[] = [MANAGED_BY_LABEL, COMMIT_LABEL];
const MAX_ENV_VARS = 1000;
const PUBLIC_MEMBERS: readonly string[] = ['allUsers', 'allAuthenticatedUsers'];

type Entries = { readonly [key: string]: YamlValue };

export function checkRules(tree: YamlTree, flagged: ReadonlySet<string>): ActionError[] {
  const problems: ActionError[] = [];
  const report = (pointer: string, at: 'key' | 'value', what: string, remedy: string): void => {
    problems.push(fileProblem(at === 'key' ? tree.keyAt(pointer) : tree.valueAt(pointer), what, remedy));
  };
  /** The value at `pointer` under `parent`, unless the schema already reported it. */
  const field = (parent: YamlValue | undefined, pointer: string, key: string): YamlValue | undefined =>
    isEntries(parent) && !flagged.has(`${pointer}/${key}`) ? parent[key] : undefined;

  const root = tree.data;
  const deployer = field(root, '', 'deployer');
  const deployerEmail = field(deployer, '/deployer', 'service_account');
  if (isEntries(deployer)) {
    checkDuration(
      report,
      field(deployer, '/deployer', 'token_lifetime'),
      '/deployer/token_lifetime',
      'deployer.token_lifetime',
      TOKEN_LIFETIME,
      'The auth library renews a token 5 minutes before it expires, and Google issues at most 1h.',
    );
    const main = field(deployer, '/deployer', 'service_account');
    const plan = field(deployer, '/deployer', 'plan_service_account');
    if (typeof plan === 'string' && plan === main) {
      report(
        '/deployer/plan_service_account',
        'value',
        'deployer.plan_service_account is the same account as deployer.service_account',
        'Name a separate read-only account for plans, or remove plan_service_account.',
      );
    }
    checkPlanAllow(deployer, report);
  }

  const services = field(root, '', 'services');
  if (!Array.isArray(services)) return problems;
  const seen = new Map<string, number>();
  services.forEach((service: YamlValue, index: number) => {
    const at = `/services/${index}`;
    const where = `services[${index}]`;
    const name = field(service, at, 'name');
    if (typeof name === 'string') {
      const first = seen.get(name);
      if (first === undefined) seen.set(name, index);
      else
        report(
          `${at}/name`,
          'value',
          `service '${name}' is declared twice (also services[${first}])`,
          'Keep one entry per service; list several regions under one entry.',
        );
    }
    if (!isEntries(service)) return;
    checkServiceEnv(report, flagged, service, at, where);
    const labels = field(service, at, 'labels');
    if (isEntries(labels)) {
      for (const key of Object.keys(labels)) {
        if (RESERVED_LABEL_KEYS.includes(key) && !flagged.has(`${at}/labels/${pointerSegment(key)}`)) {
          report(
            `${at}/labels/${pointerSegment(key)}`,
            'key',
            `${where}.labels: '${key}' is set by the action itself`,
            `Remove the '${key}' label; reserved: ${RESERVED_LABEL_KEYS.join(', ')}.`,
          );
        }
      }
    }
    checkDuration(
      report,
      field(service, at, 'timeout'),
      `${at}/timeout`,
      `${where}.timeout`,
      REQUEST_TIMEOUT,
      'Cloud Run allows request timeouts up to 1h.',
    );
    const concurrency = field(service, at, 'concurrency');
    const cpu = field(service, at, 'cpu');
    const cpuText = typeof cpu === 'string' || typeof cpu === 'number' ? String(cpu) : undefined;
    const memory = field(service, at, 'memory');
    const cpuLimit =
      cpuText === undefined
        ? undefined
        : checkCpu(cpuText, typeof concurrency === 'number' ? concurrency : undefined);
    if (cpuLimit !== undefined) report(`${at}/cpu`, 'value', `${where}.${cpuLimit.what}`, cpuLimit.remedy);
    const memoryLimit = typeof memory === 'string' ? checkMemory(memory) : undefined;
    if (memoryLimit !== undefined)
      report(`${at}/memory`, 'value', `${where}.${memoryLimit.what}`, memoryLimit.remedy);
    if (
      cpuText !== undefined &&
      typeof memory === 'string' &&
      cpuLimit === undefined &&
      memoryLimit === undefined
    ) {
      const pairing = checkCpuForMemory(cpuText, memory);
      if (pairing !== undefined) report(`${at}/memory`, 'value', `${where}: ${pairing.what}`, pairing.remedy);
    }
    const min = field(service, at, 'min_instances');
    const max = field(service, at, 'max_instances');
    if (typeof min === 'number' && typeof max === 'number' && min > max) {
      report(
        `${at}/min_instances`,
        'value',
        `${where}.min_instances (${min}) is more than max_instances (${max})`,
        'Lower min_instances or raise max_instances.',
      );
    }
    checkPublic(report, flagged, service, at, where);
    const canary = field(service, at, 'canary');
    if (isEntries(canary)) {
      checkCanary(report, flagged, canary, `${at}/canary`, `${where}.canary`);
      const invokers = field(service, at, 'invokers');
      if (
        typeof deployerEmail === 'string' &&
        (invokers === undefined || Array.isArray(invokers)) &&
        !flagged.has(`${at}/public`) &&
        lacksDeployerInvoker(service.public === true, invokers, deployerEmail)
      ) {
        const finding = deployerNotInvoker(where, deployerEmail);
        report(`${at}/invokers`, 'key', finding.what, finding.remedy);
      }
    }
  });
  return problems;
}

/** Steps increasing to 100 (the schema checks each is a whole number in 1..100), and the durations' ranges. */
function checkCanary(
  report: Report,
  flagged: ReadonlySet<string>,
  canary: Entries,
  at: string,
  where: string,
): void {
  const steps = canary.steps;
  if (
    Array.isArray(steps) &&
    !flagged.has(`${at}/steps`) &&
    steps.every(
      (step: YamlValue, index: number) => typeof step === 'number' && !flagged.has(`${at}/steps/${index}`),
    )
  ) {
    const problem = stepsProblem(steps.filter((step): step is number => typeof step === 'number'));
    if (problem !== undefined) {
      const pointer = problem.index === undefined ? `${at}/steps` : `${at}/steps/${problem.index}`;
      report(pointer, 'value', `${where}.steps ${problem.why}`, STEPS_REMEDY);
    }
  }
  checkDuration(
    report,
    flagged.has(`${at}/wait`) ? undefined : canary.wait,
    `${at}/wait`,
    `${where}.wait`,
    CANARY_WAIT,
    'The pause after each step, before its health check.',
  );
  const health = canary.health_check;
  if (isEntries(health) && !flagged.has(`${at}/health_check`)) {
    checkDuration(
      report,
      flagged.has(`${at}/health_check/timeout`) ? undefined : health.timeout,
      `${at}/health_check/timeout`,
      `${where}.health_check.timeout`,
      HEALTH_CHECK_TIMEOUT,
      'Each health-check request waits at most this long.',
    );
  }
}

type Report = (pointer: string, at: 'key' | 'value', what: string, remedy: string) => void;

/**
 * `plan_allow` separates who may plan from who may deploy, so it needs the planner it admits to and
 * the `allow` rules it is separated from (without them, deploying would be unrestricted).
 */
function checkPlanAllow(deployer: Entries, report: Report): void {
  if (!Object.hasOwn(deployer, 'plan_allow')) return;
  if (!Object.hasOwn(deployer, 'plan_service_account')) {
    report(
      '/deployer/plan_allow',
      'key',
      'deployer.plan_allow is set but deployer.plan_service_account is not: plan_allow admits workflows to the planner account, and there is none',
      'Add deployer.plan_service_account (a read-only account for plans), or remove plan_allow so that allow governs both modes.',
    );
  }
  if (!Object.hasOwn(deployer, 'allow')) {
    report(
      '/deployer/plan_allow',
      'key',
      'deployer.plan_allow is set but deployer.allow is not: planning would be restricted while deploying is not',
      'Add deployer.allow with the repositories (and refs, events, environments) that may deploy.',
    );
  }
}

function checkDuration(
  report: Report,
  value: YamlValue | undefined,
  pointer: string,
  where: string,
  range: DurationRange,
  why: string,
): void {
  if (typeof value !== 'string') return;
  const seconds = parseDuration(value);
  if (seconds !== undefined && seconds >= range.min && seconds <= range.max) return;
  report(
    pointer,
    'value',
    `${where} ${show(value)} is out of range`,
    `Use a duration ${describeRange(range)}. ${why}`,
  );
}

function checkServiceEnv(
  report: Report,
  flagged: ReadonlySet<string>,
  service: Entries,
  at: string,
  where: string,
): void {
  const env = isEntries(service.env) && !flagged.has(`${at}/env`) ? service.env : undefined;
  const secrets = isEntries(service.secrets) && !flagged.has(`${at}/secrets`) ? service.secrets : undefined;
  for (const [group, entries] of [
    ['env', env],
    ['secrets', secrets],
  ] as const) {
    for (const name of Object.keys(entries ?? {})) {
      const pointer = `${at}/${group}/${pointerSegment(name)}`;
      if (flagged.has(pointer)) continue;
      if (RESERVED_ENV_NAMES.includes(name) || name.startsWith(RESERVED_ENV_PREFIX)) {
        report(
          pointer,
          'key',
          `${where}.${group}: '${name}' is reserved by Cloud Run`,
          `Rename the variable; Cloud Run sets ${RESERVED_ENV_NAMES.join(', ')} itself and refuses names starting with ${RESERVED_ENV_PREFIX}.`,
        );
      } else if (group === 'secrets' && env !== undefined && Object.hasOwn(env, name)) {
        report(
          pointer,
          'key',
          `${where}: '${name}' is set both in env and in secrets`,
          'Keep the variable in one of the two maps.',
        );
      }
    }
  }
  const count = Object.keys(env ?? {}).length + Object.keys(secrets ?? {}).length;
  if (count > MAX_ENV_VARS) {
    report(
      `${at}/env`,
      'key',
      `${where} sets ${count} environment variables, more than Cloud Run's ${MAX_ENV_VARS}`,
      'Move configuration into fewer variables or a mounted file.',
    );
  }
}

/** `allUsers`/`allAuthenticatedUsers` make a service public: only with an explicit `public: true`. */
function checkPublic(
  report: Report,
  flagged: ReadonlySet<string>,
  service: Entries,
  at: string,
  where: string,
): void {
  const isPublic = service.public === true;
  const invokers =
    Array.isArray(service.invokers) && !flagged.has(`${at}/invokers`) ? service.invokers : undefined;
  let grantsPublic = false;
  invokers?.forEach((member: YamlValue, index: number) => {
    if (typeof member !== 'string' || !PUBLIC_MEMBERS.includes(member)) return;
    grantsPublic = true;
    if (!isPublic && service.public !== undefined && flagged.has(`${at}/public`)) return;
    if (!isPublic) {
      report(
        `${at}/invokers/${index}`,
        'value',
        `${where}.invokers grants '${member}', which makes the service public, but public is not true`,
        `Add 'public: true' to ${where} to confirm that anyone may call it, or remove '${member}'.`,
      );
    }
  });
  if (isPublic && !grantsPublic && !flagged.has(`${at}/invokers`)) {
    report(
      `${at}/public`,
      'key',
      `${where} sets public: true but invokers does not grant allUsers or allAuthenticatedUsers`,
      'Add allUsers (anyone) or allAuthenticatedUsers (any Google account) to invokers, or remove public: true.',
    );
  }
}

function isEntries(value: YamlValue | undefined): value is Entries {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
