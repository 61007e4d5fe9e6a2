/**
 * Action inputs → typed values. The runner passes each input as `INPUT_<NAME>` (uppercased,
 * spaces as `_`); an empty value means "not set". Every problem names its input and the form expected.
 */
import type { ActionError } from '../errors.ts';
import {
  CANARY_WAIT,
  DEFAULT_WAIT_TIMEOUT_SECONDS,
  type DurationRange,
  describeRange,
  HEALTH_CHECK_TIMEOUT,
  parseDuration,
  TOKEN_LIFETIME,
  WAIT_TIMEOUT,
} from './durations.ts';
import { checkServiceAccountEmail, type Finding, nonAscii } from './identities.ts';
import { checkImage } from './image.ts';
import { parseNameList } from './name-list.ts';
import { definition } from './policy-schema.ts';
import { inputProblem, show } from './problems.ts';
import {
  checkHealthPath,
  checkTagShape,
  FIRST_DEPLOY_CHOICES,
  type Parsed,
  type PromoteInput,
  parsePromoteTo,
  parseRatio,
  parseRequests,
  parseRollbackTo,
  parseStepsInput,
  type RollbackInput,
  TRAFFIC_CHOICES,
} from './release-values.ts';
import type { ExcessPermissionsMode, FirstDeployChoice, Mode, TrafficChoice } from './types.ts';

export type Environment = Readonly<Record<string, string | undefined>>;

/** The inputs declared in action.yml, with the defaults the runner fills in (a test keeps both in step). */
export const INPUT_DEFAULTS: Readonly<Record<string, string | undefined>> = {
  policy: undefined,
  service: undefined,
  region: undefined,
  image: undefined,
  mode: 'deploy',
  project_id: undefined,
  project_number: undefined,
  workload_identity_provider: undefined,
  service_account: undefined,
  audience: undefined,
  token_lifetime: undefined,
  universe_domain: 'googleapis.com',
  excess_permissions: undefined,
  wait_timeout: '10m',
  pr_comment: 'true',
  // biome-ignore lint/suspicious/noTemplateCurlyInString: a GitHub expression, not a template
  github_token: '${{ github.token }}',
  // The release inputs declare no default: with promote_to or rollback_to they must be empty,
  // which a default would make impossible to tell. Their defaults are applied in release.ts.
  traffic: undefined,
  tag: undefined,
  first_deploy: undefined,
  promote_to: undefined,
  rollback_to: undefined,
  canary_steps: undefined,
  canary_wait: undefined,
  health_check_path: undefined,
  health_check_requests: undefined,
  health_check_success_ratio: undefined,
  health_check_timeout: undefined,
};

export interface Inputs {
  /** As written; `undefined` means the default path, where a missing file means "no policy". */
  readonly policy: string | undefined;
  /** The names as listed (one or several, none repeated); `['all']` may mean every service (combine.ts). */
  readonly service: readonly string[] | undefined;
  /** The regions as listed (one or several, none repeated). */
  readonly region: readonly string[] | undefined;
  readonly image: string | undefined;
  readonly mode: Mode;
  readonly projectId: string | undefined;
  readonly projectNumber: string | undefined;
  readonly workloadIdentityProvider: string | undefined;
  readonly serviceAccount: string | undefined;
  readonly audience: string | undefined;
  readonly tokenLifetimeSeconds: number | undefined;
  readonly universeDomain: string;
  readonly excessPermissions: ExcessPermissionsMode | undefined;
  readonly waitTimeoutSeconds: number;
  readonly prComment: boolean;
  /** The workflow's token, for the plan comment; `undefined` when none was given. */
  readonly githubToken: string | undefined;
  /** The release inputs as written (valid in shape); `undefined` when empty. */
  readonly traffic: TrafficChoice | undefined;
  readonly tag: string | undefined;
  readonly firstDeploy: FirstDeployChoice | undefined;
  readonly promoteTo: PromoteInput | undefined;
  readonly rollbackTo: RollbackInput | undefined;
  readonly canarySteps: readonly number[] | 'none' | undefined;
  readonly canaryWaitSeconds: number | undefined;
  readonly healthCheckPath: string | undefined;
  readonly healthCheckRequests: number | undefined;
  readonly healthCheckSuccessRatio: number | undefined;
  readonly healthCheckTimeoutSeconds: number | undefined;
}

/** The inputs, with each invalid one left unset, and the problems found. */
export interface InputsResult {
  readonly inputs: Inputs;
  readonly problems: readonly ActionError[];
}

/** The environment variable the runner sets for an input, as `@actions/core` reads it. */
export function inputVariable(name: string): string {
  return `INPUT_${name.replace(/ /g, '_').toUpperCase()}`;
}

const MODES: readonly Mode[] = ['deploy', 'plan'];
const EXCESS_MODES: readonly ExcessPermissionsMode[] = ['fail', 'warn', 'off'];
/** YAML 1.2 core booleans only: `yes`, `on` or `1` are mistakes, not truths. */
const BOOLEANS = ['true', 'false'] as const;
const DOMAIN =
  /^(?=.{1,253}$)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)+$/;

export function readInputs(env: Environment): InputsResult {
  const problems: ActionError[] = [];
  const raw = (name: string): string | undefined => {
    const value = env[inputVariable(name)]?.trim();
    return value === undefined || value === '' ? INPUT_DEFAULTS[name] : value;
  };
  const checked = (
    name: string,
    check: (value: string) => { what: string; remedy: string } | undefined,
  ): string | undefined => {
    const value = raw(name);
    if (value === undefined) return undefined;
    const finding = check(value);
    if (finding === undefined) return value;
    problems.push(inputProblem(name, finding.what, finding.remedy));
    return undefined;
  };
  const bySchema = (name: string, definitionName: string): string | undefined =>
    checked(name, (value) => schemaFinding(definitionName, value));
  const oneOf = <T extends string>(name: string, choices: readonly T[]): T | undefined => {
    const value = checked(name, (text) =>
      choices.some((choice) => choice === text)
        ? undefined
        : {
            what: `${show(text)} is not one of ${choices.join(', ')}`,
            remedy: `Set ${name} to one of: ${choices.join(', ')} (lowercase).`,
          },
    );
    return choices.find((choice) => choice === value);
  };
  const duration = (name: string, range: DurationRange, why: string): number | undefined => {
    const text = checked(name, (value) => {
      const seconds = parseDuration(value);
      return seconds !== undefined && seconds >= range.min && seconds <= range.max
        ? undefined
        : {
            what: `${show(value)} is not a duration ${describeRange(range)}`,
            remedy: `Write it like 10m, 600s or 1h, ${describeRange(range)}. ${why}`.trim(),
          };
    });
    return text === undefined ? undefined : parseDuration(text);
  };
  const parsed = <T>(name: string, parse: (value: string) => Parsed<T>): T | undefined => {
    const value = raw(name);
    if (value === undefined) return undefined;
    const result = parse(value);
    if (result.ok) return result.value;
    problems.push(inputProblem(name, result.what, result.remedy));
    return undefined;
  };

  const names = (name: string, definitionName: string, noun: string, example: string) =>
    parsed(name, (value) =>
      parseNameList(value, { noun, example, check: (item) => schemaFinding(definitionName, item) }),
    );

  const inputs: Inputs = {
    policy: raw('policy'),
    service: names('service', 'serviceName', 'service name', 'api, worker'),
    region: names('region', 'region', 'region', 'us-central1, europe-west1'),
    image: checked('image', checkImage),
    mode: oneOf('mode', MODES) ?? 'deploy',
    projectId: bySchema('project_id', 'projectId'),
    projectNumber: bySchema('project_number', 'projectNumber'),
    workloadIdentityProvider: bySchema('workload_identity_provider', 'workloadIdentityProvider'),
    serviceAccount: checked('service_account', (value) => checkServiceAccountEmail(value)),
    audience: checked('audience', (value) =>
      /^[!-~]{1,512}$/.test(value)
        ? undefined
        : {
            what: `${show(value)} is not a valid audience`,
            remedy:
              'Use printable ASCII without spaces, e.g. the provider URL https://iam.googleapis.com/projects/NUMBER/locations/global/workloadIdentityPools/POOL/providers/PROVIDER.',
          },
    ),
    tokenLifetimeSeconds: duration(
      'token_lifetime',
      TOKEN_LIFETIME,
      'The auth library renews a token 5 minutes before it expires, and Google issues at most 1h.',
    ),
    universeDomain:
      checked('universe_domain', (value) =>
        DOMAIN.test(value)
          ? undefined
          : {
              what: `${show(value)} is not a domain name`,
              remedy: 'Use googleapis.com unless you deploy to another Google Cloud universe.',
            },
      ) ?? 'googleapis.com',
    excessPermissions: oneOf('excess_permissions', EXCESS_MODES),
    waitTimeoutSeconds: duration('wait_timeout', WAIT_TIMEOUT, '') ?? DEFAULT_WAIT_TIMEOUT_SECONDS,
    prComment: oneOf('pr_comment', BOOLEANS) !== 'false',
    // The runner substitutes the expression; a literal one means no token reached the step.
    githubToken: raw('github_token')?.startsWith('${{') ? undefined : raw('github_token'),
    traffic: oneOf('traffic', TRAFFIC_CHOICES),
    tag: checked('tag', checkTagShape),
    firstDeploy: oneOf('first_deploy', FIRST_DEPLOY_CHOICES),
    promoteTo: parsed('promote_to', parsePromoteTo),
    rollbackTo: parsed('rollback_to', parseRollbackTo),
    canarySteps: parsed('canary_steps', parseStepsInput),
    canaryWaitSeconds: duration(
      'canary_wait',
      CANARY_WAIT,
      'The pause after each canary step, before its health check.',
    ),
    healthCheckPath: checked('health_check_path', checkHealthPath),
    healthCheckRequests: parsed('health_check_requests', parseRequests),
    healthCheckSuccessRatio: parsed('health_check_success_ratio', parseRatio),
    healthCheckTimeoutSeconds: duration(
      'health_check_timeout',
      HEALTH_CHECK_TIMEOUT,
      'Each health-check request waits at most this long.',
    ),
  };
  return { inputs, problems };
}

/** Whether `value` matches the policy schema's definition, and if not, what to write instead. */
function schemaFinding(definitionName: string, value: string): Finding | undefined {
  const { validate, schema } = definition(definitionName);
  if (validate(value)) return undefined;
  const odd = nonAscii(value, 'value');
  const example = schema.examples?.[0];
  return (
    odd ?? {
      what: `${show(value)} is not a valid ${schema.title ?? 'value'}`,
      remedy:
        `${schema.description ?? ''}${example === undefined ? '' : ` Example: ${String(example)}`}`.trim(),
    }
  );
}
