/**
 * The Google Cloud set-up a policy needs, as data: what `build-setup.ts` derives from the policy and
 * what the gcloud and Terraform renderers (and the end-to-end test's emulator world) consume.
 * Every list is sorted, so the same policy always gives the same set-up.
 */

export interface SetupProject {
  readonly id: string;
  readonly number: string;
}

export interface SetupPool {
  readonly id: string;
  readonly displayName: string;
}

export interface SetupProvider {
  readonly id: string;
  readonly poolId: string;
  readonly displayName: string;
  readonly issuerUri: string;
  /**
   * Google attribute → CEL over `assertion`, sorted by key: the claims, plus `attribute.can_deploy`
   * and (with a planner) `attribute.can_plan`, `"true"` or `"false"` by the policy's rules.
   */
  readonly attributeMapping: Readonly<Record<string, string>>;
  /** CEL over `assertion`: admitted by `deployer.allow` or by `deployer.plan_allow`. */
  readonly attributeCondition: string;
}

export type AccountPurpose = 'deployer' | 'planner' | 'runtime';

/** A service account of the project that the set-up creates. */
export interface SetupServiceAccount {
  readonly email: string;
  /** The part before `@`, what `gcloud iam service-accounts create` takes. */
  readonly accountId: string;
  readonly displayName: string;
  readonly purpose: AccountPurpose;
}

export interface SetupCustomRole {
  /** The role id, e.g. `cloudRunDeployer`. */
  readonly id: string;
  /** `projects/PROJECT/roles/ID`. */
  readonly name: string;
  readonly title: string;
  readonly description: string;
  readonly permissions: readonly string[];
}

/** A grant of `role` to `member` on the project (no condition). */
export interface ProjectBinding {
  readonly role: string;
  readonly member: string;
}

/** A grant of `role` to `member` on the service account `serviceAccount` (an email). */
export interface ServiceAccountBinding {
  readonly serviceAccount: string;
  readonly role: string;
  readonly member: string;
}

/** A grant on one Secret Manager secret (runtime accounts reading the secrets they expose). */
export interface SecretBinding {
  readonly project: string;
  readonly secret: string;
  readonly role: string;
  readonly member: string;
}

export interface Setup {
  readonly policyFile: string;
  readonly project: SetupProject;
  /** APIs the action calls, to enable on the project. */
  readonly apis: readonly string[];
  readonly pool: SetupPool;
  readonly provider: SetupProvider;
  readonly serviceAccounts: readonly SetupServiceAccount[];
  readonly customRoles: readonly SetupCustomRole[];
  readonly projectBindings: readonly ProjectBinding[];
  readonly serviceAccountBindings: readonly ServiceAccountBinding[];
  readonly secretBindings: readonly SecretBinding[];
  /** Things the user must know or do by hand; rendered as comments. */
  readonly notes: readonly string[];
}
