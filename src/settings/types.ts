/**
 * The one typed, read-only description of a run, built from action inputs and the policy file
 * (see `settings/`). Every later phase reads only this, never `core.getInput` or the environment.
 */

export type Mode = 'deploy' | 'plan';
export type ExcessPermissionsMode = 'fail' | 'warn' | 'off';
export type Ingress = 'all' | 'internal' | 'internal-and-cloud-load-balancing' | 'none';

/** A position in the policy file, 1-based, for annotations and located errors. */
export interface SourceSpan {
  readonly file: string;
  readonly line: number;
  readonly column: number;
}

/** Which GitHub OIDC claims are admitted (to deploy, or to plan). A list that is `undefined` does not restrict its claim. */
export interface ClaimRules {
  /** Exact `owner/repo` names (case-insensitive as GitHub treats them). Always non-empty. */
  readonly repositories: readonly string[];
  /** Glob patterns over the `ref` claim, `*` matching within a segment, e.g. `refs/tags/v*`. */
  readonly refs: readonly string[] | undefined;
  /** Allowed values of the `environment` claim; a token without one does not match a list. */
  readonly environments: readonly string[] | undefined;
  /** Allowed values of the `event_name` claim. */
  readonly events: readonly string[] | undefined;
}

export interface DeployerSettings {
  /** `projects/NUMBER/locations/global/workloadIdentityPools/POOL/providers/PROVIDER`. */
  readonly workloadIdentityProvider: string;
  /** The deployer service account email, impersonated in deploy mode. */
  readonly serviceAccount: string;
  /** A read-only service account used in plan mode instead of the deployer, when declared. */
  readonly planServiceAccount: string | undefined;
  /** Audience of the GitHub OIDC token; defaults to `https://iam.<universe>/` + provider. */
  readonly audience: string;
  readonly tokenLifetimeSeconds: number;
  readonly universeDomain: string;
  /** Who may deploy (impersonate `serviceAccount`); `undefined` = no claim check by the action. */
  readonly allow: ClaimRules | undefined;
  /**
   * Who may plan (impersonate `planServiceAccount`) when the policy says so apart from `allow`;
   * only set together with `planServiceAccount` and `allow`. Plan mode with a planner checks
   * `planAllow ?? allow`.
   */
  readonly planAllow: ClaimRules | undefined;
  /**
   * The envelope: roles the deployer may hold. Permissions beyond them are "excess". Empty when no
   * envelope is declared (no policy, or a policy without `allowed_roles`): then nothing is excess.
   */
  readonly allowedRoles: readonly string[];
  /** From the policy when it sets one, else the input, else `fail`. */
  readonly excessPermissions: ExcessPermissionsMode;
}

export interface SecretReference {
  /** Secret id or full `projects/P/secrets/S` name. */
  readonly secret: string;
  /** A version number or `latest`. */
  readonly version: string;
}

export interface ServiceSettings {
  readonly name: string;
  readonly regions: readonly string[];
  readonly runtimeServiceAccount: string | undefined;
  /** Images must lie in this repository (`…/app:tag`, `…/app@sha256:…` or `…/app/sub…`); checked in settings. */
  readonly imageRepository: string | undefined;
  readonly port: number | undefined;
  /** Authoritative: keys not listed are removed from the service. Null-prototype, frozen. */
  readonly env: Readonly<Record<string, string>>;
  readonly secrets: Readonly<Record<string, SecretReference>>;
  readonly cpu: string | undefined;
  readonly memory: string | undefined;
  readonly concurrency: number | undefined;
  readonly timeoutSeconds: number | undefined;
  readonly minInstances: number | undefined;
  readonly maxInstances: number | undefined;
  readonly ingress: Ingress | undefined;
  readonly labels: Readonly<Record<string, string>>;
  readonly public: boolean;
  /** Complete member list for `roles/run.invoker`; `undefined` = invokers not managed. */
  readonly invokers: readonly string[] | undefined;
  /**
   * The canary this run carries out for the service (policy `canary:` merged with the
   * `canary_*`/`health_check_*` inputs, which win field by field). `undefined` when no canary
   * runs: none declared, `canary_steps: none`, or a release that is not a deploy with traffic.
   */
  readonly canary: CanarySettings | undefined;
  /** Where the service is declared, when it comes from a policy file. */
  readonly span: SourceSpan | undefined;
}

/** The gate between canary steps: GET requests to the canary revision's tag URL. */
export interface HealthCheckSettings {
  /** Starts with `/`. */
  readonly path: string;
  /** 1..100, sent one after the other. */
  readonly requests: number;
  /** 0..1: the share of requests that must answer 2xx. */
  readonly successRatio: number;
  /** Per request. */
  readonly timeoutSeconds: number;
}

export interface CanarySettings {
  /** Whole percentages, strictly increasing, ending at 100 (checked in settings). */
  readonly steps: readonly number[];
  /** Pause after each step but the last, before its health check. */
  readonly waitSeconds: number;
  readonly healthCheck: HealthCheckSettings;
}

export type TrafficChoice = 'all' | 'none';
/** What a no-traffic deploy does to a service with no serving revision yet. */
export type FirstDeployChoice = 'fail' | 'serve';

/** Where `promote_to` moves all traffic. */
export type PromoteTarget =
  | { readonly tag: string }
  | { readonly revision: string }
  /** The revision this workflow run deployed earlier, from the release record. */
  | { readonly deployed: true };

/** Where `rollback_to` returns all traffic. */
export type RollbackTarget = { readonly revision: string } | { readonly previous: true };

/**
 * What the run does with traffic. `deploy`: a new revision (with `traffic: all` it serves 100%,
 * through the canary steps when the service has a canary; with `none` it serves nothing and is
 * reached through its tag). `promote` / `rollback`: no new revision, traffic moves only.
 */
export type Release =
  | {
      readonly kind: 'deploy';
      readonly traffic: TrafficChoice;
      /** Traffic tag of the new revision; required with `none`; `canary` by default for a canary. */
      readonly tag: string | undefined;
      readonly firstDeploy: FirstDeployChoice;
    }
  | { readonly kind: 'promote'; readonly to: PromoteTarget }
  | { readonly kind: 'rollback'; readonly to: RollbackTarget };

/** One service in one region: the unit that is planned and deployed. */
export interface DeployTarget {
  readonly service: ServiceSettings;
  readonly region: string;
}

export interface Settings {
  readonly mode: Mode;
  readonly project: { readonly id: string; readonly number: string };
  readonly deployer: DeployerSettings;
  readonly targets: readonly DeployTarget[];
  /** What happens to traffic (and whether a revision is deployed at all). */
  readonly release: Release;
  /** Container image (tag or digest); `undefined` exactly when the release is promote or rollback. */
  readonly image: string | undefined;
  readonly waitTimeoutSeconds: number;
  /** Path of the policy file that was read, or `undefined` when running from inputs alone. */
  readonly policyFile: string | undefined;
  /** On pull requests, post the plan as one comment that later runs update. */
  readonly prComment: { readonly enabled: boolean; readonly githubToken: string | undefined };
}

/** Facts about the workflow run, from the runner's environment (`GITHUB_*`). */
export interface RunContext {
  readonly repository: string;
  readonly sha: string;
  readonly ref: string;
  readonly runId: string;
  readonly runAttempt: string;
  readonly serverUrl: string;
  readonly eventName: string;
  readonly workflow: string;
}
