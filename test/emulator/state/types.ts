/** The emulated world as read from a state file (see README.md); every field validated. */
export interface EmulatorState {
  readonly project: { readonly id: string; readonly number: string; readonly displayName: string };
  readonly limits: {
    /** Longest `generateAccessToken` lifetime; 3600 unless an org policy would extend it. */
    readonly maxAccessTokenLifetimeSeconds: number;
  };
  /** Group email (lower case) → IAM member strings. */
  readonly groups: Readonly<Record<string, readonly string[]>>;
  readonly customRoles: readonly CustomRoleState[];
  readonly serviceAccounts: readonly ServiceAccountState[];
  /** The project's IAM policy (`Policy` JSON). */
  readonly iamPolicy: unknown;
  readonly workloadIdentityPools: readonly PoolState[];
  readonly github: GithubState;
  /** Handed unvalidated to the Cloud Run plug-in, which owns its shape. */
  readonly services: unknown;
}

export interface CustomRoleState {
  /** `projects/PROJECT_ID/roles/ROLE_ID`. */
  readonly name: string;
  readonly title: string;
  readonly description: string;
  readonly includedPermissions: readonly string[];
  readonly stage: string;
}

export interface ServiceAccountState {
  readonly email: string;
  readonly displayName: string;
  readonly disabled: boolean;
  readonly iamPolicy: unknown;
}

export interface PoolState {
  readonly id: string;
  readonly displayName: string;
  readonly disabled: boolean;
  readonly providers: readonly ProviderState[];
}

export interface ProviderState {
  readonly id: string;
  readonly displayName: string;
  readonly disabled: boolean;
  readonly issuerUri: string;
  /** Empty = Google's default audience `https://iam.googleapis.com/<provider resource name>`. */
  readonly allowedAudiences: readonly string[];
  /** Target attribute (`google.subject`, `attribute.NAME`) → CEL over `assertion`. */
  readonly attributeMapping: Readonly<Record<string, string>>;
  readonly attributeCondition: string | undefined;
}

export interface GithubState {
  /** The runner's ACTIONS_ID_TOKEN_REQUEST_TOKEN; random when omitted. */
  readonly requestToken: string | undefined;
  /** `iss` of minted tokens. */
  readonly issuer: string;
  /** Claim overrides (snake_case claim names, string values); the rest is derived. */
  readonly claims: Readonly<Record<string, string>>;
  /** False = the job lacks `id-token: write` (or is a fork PR): the env line has no ACTIONS_ID_TOKEN_*. */
  readonly idTokenAvailable: boolean;
}
