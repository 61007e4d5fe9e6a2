/**
 * Action inputs → typed values. The runner passes each input as `INPUT_<NAME>` (uppercased,
 * spaces as `_`); an empty value means "not set". Every problem names its input and the form expected.
 */
import type { ActionError } from '../errors.ts';
import {
  DEFAULT_WAIT_TIMEOUT_SECONDS,
  type DurationRange,
  describeRange,
  parseDuration,
  TOKEN_LIFETIME,
  WAIT_TIMEOUT,
} from './durations.ts';
import { checkServiceAccountEmail, nonAscii } from './identities.ts';
import { checkImage } from './image.ts';
import { definition } from './policy-schema.ts';
import { inputProblem, show } from './problems.ts';
import type { ExcessPermissionsMode, Mode } from './types.ts';

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
  github_token: '${{ github.token }}',
};

export interface Inputs {
  /** As written; `undefined` means the default path, where a missing file means "no policy". */
  readonly policy: string | undefined;
  readonly service: string | undefined;
  readonly region: string | undefined;
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
    checked(name, (value) => {
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
    });
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

  const inputs: Inputs = {
    policy: raw('policy'),
    service: bySchema('service', 'serviceName'),
    region: bySchema('region', 'region'),
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
  };
  return { inputs, problems };
}
