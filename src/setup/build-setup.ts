/**
 * Policy → Setup: the workload identity pool and provider, the accounts, the minimal custom roles
 * and every grant the action needs, derived only from the policy (pure).
 */
import { ActionError } from '../errors.ts';
import { TELL_TALES } from '../permissions/catalog.ts';
import { defaultComputeServiceAccount } from '../permissions/required.ts';
import { expandEnvelope } from '../permissions/roles.ts';
import type { Policy } from '../settings/policy.ts';
import type { ServiceSettings } from '../settings/types.ts';
import {
  type AccessRules,
  attributeCondition,
  attributeMapping,
  CAN_DEPLOY,
  CAN_PLAN,
  GITHUB_ISSUER,
  MAX_CONDITION_CHARS,
  MAX_MAPPING_EXPRESSION_CHARS,
} from './attributes.ts';
import { deployerPermissions, plannerPermissions, runtimeAccounts } from './role-permissions.ts';
import type {
  AccountPurpose,
  ProjectBinding,
  SecretBinding,
  ServiceAccountBinding,
  Setup,
  SetupCustomRole,
  SetupProvider,
  SetupServiceAccount,
} from './types.ts';

export const DEFAULT_DEPLOYER_ROLE_ID = 'cloudRunDeployer';
export const PLANNER_ROLE_ID = 'cloudRunPlanner';
const SERVICE_ACCOUNT_USER = 'roles/iam.serviceAccountUser';
const WORKLOAD_IDENTITY_USER = 'roles/iam.workloadIdentityUser';
const SECRET_ACCESSOR = 'roles/secretmanager.secretAccessor';
/** What the action calls: STS, IAM Credentials, IAM, Resource Manager (preflight), Cloud Run. */
const ACTION_APIS = [
  'cloudresourcemanager.googleapis.com',
  'iam.googleapis.com',
  'iamcredentials.googleapis.com',
  'run.googleapis.com',
  'sts.googleapis.com',
];

const PROVIDER_NAME =
  /^projects\/([0-9]+)\/locations\/global\/workloadIdentityPools\/([^/]+)\/providers\/([^/]+)$/;

export function buildSetup(policy: Policy): Setup {
  const projectId = policy.projectId.value;
  const providerName = PROVIDER_NAME.exec(policy.workloadIdentityProvider.value);
  const [, poolNumber = '', poolId = '', providerId = ''] = providerName ?? [];
  const allow = policy.allow;
  if (allow === undefined) {
    throw new ActionError(
      `${policy.file}: the policy has no deployer.allow rules, so the set-up cannot say which repositories may deploy.`,
      {
        place: { kind: 'file', ...policy.serviceAccount.span },
        remedy:
          'Add deployer.allow.repositories (owner/repo names) to the policy, then generate the set-up again.',
      },
    );
  }
  const deployer = policy.serviceAccount.value;
  const planner = policy.planServiceAccount;
  const deployerRole = customRole(
    projectId,
    deployerRoleId(policy),
    'Cloud Run keyless deployer',
    `Exactly what deploying the services of ${policy.file} needs (generated).`,
    deployerPermissions(policy),
  );
  const plannerRole =
    planner === undefined
      ? undefined
      : customRole(
          projectId,
          PLANNER_ROLE_ID,
          'Cloud Run keyless planner (read-only)',
          `Reads what planning the services of ${policy.file} needs; changes nothing (generated).`,
          plannerPermissions(policy),
        );

  const runtimes = runtimeAccounts(policy);
  // The planner admits plan_allow (else allow); the deployer admits allow only.
  const access: AccessRules = {
    deploy: allow,
    plan: planner === undefined ? undefined : (policy.planAllow ?? allow),
  };
  const provider = checkedProvider(policy, providerId, poolId, access);
  const admitted = (attribute: string): string =>
    `principalSet://iam.googleapis.com/projects/${poolNumber}/locations/global/workloadIdentityPools/${poolId}/attribute.${attribute}/true`;
  const projectBindings: ProjectBinding[] = [
    { role: deployerRole.name, member: `serviceAccount:${deployer}` },
    ...(planner === undefined || plannerRole === undefined
      ? []
      : [{ role: plannerRole.name, member: `serviceAccount:${planner}` }]),
  ];
  const serviceAccountBindings: ServiceAccountBinding[] = [
    ...runtimes.map((runtime) => ({
      serviceAccount: runtime,
      role: SERVICE_ACCOUNT_USER,
      member: `serviceAccount:${deployer}`,
    })),
    // Also what lets a canary's health check mint the deployer's ID tokens: the workflow's
    // federated identity holds iam.serviceAccounts.getOpenIdToken through this role, so the
    // deployer needs no token-creator role on itself.
    { serviceAccount: deployer, role: WORKLOAD_IDENTITY_USER, member: admitted(CAN_DEPLOY) },
    ...(planner === undefined
      ? []
      : [{ serviceAccount: planner, role: WORKLOAD_IDENTITY_USER, member: admitted(CAN_PLAN) }]),
  ];
  const secretBindings = secretGrants(policy);
  const accounts = createdAccounts(policy);

  return {
    policyFile: policy.file,
    project: { id: projectId, number: policy.projectNumber.value },
    apis: [...ACTION_APIS, ...(secretBindings.length > 0 ? ['secretmanager.googleapis.com'] : [])].sort(),
    pool: { id: poolId, displayName: 'GitHub Actions' },
    provider,
    serviceAccounts: accounts,
    customRoles: plannerRole === undefined ? [deployerRole] : [deployerRole, plannerRole],
    projectBindings: projectBindings.sort(byKeys('role', 'member')),
    serviceAccountBindings: serviceAccountBindings.sort(byKeys('serviceAccount', 'role', 'member')),
    secretBindings,
    notes: notes(policy, deployerRole, [deployer, ...(planner === undefined ? [] : [planner]), ...runtimes]),
  };
}

/** The provider, refused when an expression is over Google's length limits (the API would reject it). */
function checkedProvider(policy: Policy, id: string, poolId: string, access: AccessRules): SetupProvider {
  const provider: SetupProvider = {
    id,
    poolId,
    displayName: 'GitHub OIDC',
    issuerUri: GITHUB_ISSUER,
    attributeMapping: attributeMapping(access),
    attributeCondition: attributeCondition(access),
  };
  const remedy =
    'Shorten deployer.allow and deployer.plan_allow: fewer repositories, refs or events (a glob such as refs/tags/v* covers many refs), then generate the set-up again.';
  for (const [key, expression] of Object.entries(provider.attributeMapping)) {
    if (expression.length > MAX_MAPPING_EXPRESSION_CHARS) {
      throw new ActionError(
        `${policy.file}: the generated attribute mapping for ${key} is ${expression.length} characters; Google accepts at most ${MAX_MAPPING_EXPRESSION_CHARS}.`,
        { remedy },
      );
    }
  }
  if (provider.attributeCondition.length > MAX_CONDITION_CHARS) {
    throw new ActionError(
      `${policy.file}: the generated attribute condition is ${provider.attributeCondition.length} characters; Google accepts at most ${MAX_CONDITION_CHARS}.`,
      { remedy },
    );
  }
  return provider;
}

/** The envelope's custom role of this project when the policy lists one, so the two agree. */
function deployerRoleId(policy: Policy): string {
  const prefix = `projects/${policy.projectId.value}/roles/`;
  const listed = policy.allowedRoles.find((role) => role.startsWith(prefix));
  return listed === undefined ? DEFAULT_DEPLOYER_ROLE_ID : listed.slice(prefix.length);
}

function customRole(
  projectId: string,
  id: string,
  title: string,
  description: string,
  permissions: readonly string[],
): SetupCustomRole {
  return { id, name: `projects/${projectId}/roles/${id}`, title, description, permissions };
}

function inProject(email: string, projectId: string): boolean {
  return email.endsWith(`@${projectId}.iam.gserviceaccount.com`);
}

/** Accounts of the project to create: the deployer, the planner and the runtime accounts. */
function createdAccounts(policy: Policy): SetupServiceAccount[] {
  const projectId = policy.projectId.value;
  const wanted = new Map<string, { purpose: AccountPurpose; displayName: string }>();
  wanted.set(policy.serviceAccount.value, {
    purpose: 'deployer',
    displayName: 'Cloud Run deployer for GitHub Actions',
  });
  if (policy.planServiceAccount !== undefined) {
    wanted.set(policy.planServiceAccount, {
      purpose: 'planner',
      displayName: 'Cloud Run planner for GitHub Actions (read-only)',
    });
  }
  const runtimeServices = new Map<string, string[]>();
  for (const { settings } of policy.services) {
    if (settings.runtimeServiceAccount === undefined) continue;
    const names = runtimeServices.get(settings.runtimeServiceAccount) ?? [];
    names.push(settings.name);
    runtimeServices.set(settings.runtimeServiceAccount, names);
  }
  for (const [email, names] of runtimeServices) {
    if (wanted.has(email)) continue;
    wanted.set(email, { purpose: 'runtime', displayName: `Runtime of Cloud Run ${names.sort().join(', ')}` });
  }
  return [...wanted]
    .filter(([email]) => inProject(email, projectId))
    .map(([email, { purpose, displayName }]) => ({
      email,
      accountId: email.slice(0, email.indexOf('@')),
      displayName: displayName.slice(0, 100),
      purpose,
    }))
    .sort(byKeys('email'));
}

/** Each runtime account may read the secrets its service exposes, and nothing else. */
function secretGrants(policy: Policy): SecretBinding[] {
  const seen = new Map<string, SecretBinding>();
  for (const { settings } of policy.services) {
    const runtime =
      settings.runtimeServiceAccount ?? defaultComputeServiceAccount(policy.projectNumber.value);
    for (const reference of Object.values(settings.secrets)) {
      const full = /^projects\/([^/]+)\/secrets\/([^/]+)$/.exec(reference.secret);
      const binding: SecretBinding = {
        project: full?.[1] ?? policy.projectId.value,
        secret: full?.[2] ?? reference.secret,
        role: SECRET_ACCESSOR,
        member: `serviceAccount:${runtime}`,
      };
      seen.set(`${binding.project}/${binding.secret}|${binding.member}`, binding);
    }
  }
  return [...seen.values()].sort(byKeys('project', 'secret', 'member'));
}

/** Services that run a canary and are not public: their health check needs the deployer's ID token. */
function privateCanaries(policy: Policy): ServiceSettings[] {
  return policy.services.map(({ settings }) => settings).filter((s) => s.canary !== undefined && !s.public);
}

function notes(policy: Policy, deployerRole: SetupCustomRole, accounts: readonly string[]): string[] {
  const projectId = policy.projectId.value;
  const out: string[] = [];
  const deployer = policy.serviceAccount.value;
  // Listed invokers include the deployer (the policy checks it); unmanaged ones are set by hand.
  for (const service of privateCanaries(policy).filter((s) => s.invokers === undefined)) {
    out.push(
      `${service.name} runs a canary and its invokers are not managed: after its first deploy, grant the deployer roles/run.invoker on it in each region (gcloud run services add-iam-policy-binding ${service.name} --region=REGION --member=serviceAccount:${deployer} --role=roles/run.invoker, for ${service.regions.join(', ')}), or list invokers in the policy with serviceAccount:${deployer} among them.`,
    );
  }
  const outside = [...new Set(accounts)].filter(
    (email) =>
      !inProject(email, projectId) && email !== defaultComputeServiceAccount(policy.projectNumber.value),
  );
  for (const email of outside.sort()) {
    out.push(`${email} is not an account of project ${projectId}: create it in its own project first.`);
  }
  if (accounts.includes(defaultComputeServiceAccount(policy.projectNumber.value))) {
    out.push(
      `A service runs as the default compute account ${defaultComputeServiceAccount(policy.projectNumber.value)}; it exists once the Compute Engine API has been enabled. A dedicated runtime_service_account is safer.`,
    );
  }
  if (policy.allowedRoles.length > 0 && !policy.allowedRoles.includes(deployerRole.name)) {
    const envelope = expandEnvelope(policy.allowedRoles, new Map());
    const outsideEnvelope = deployerRole.permissions.filter(
      (permission) => Object.hasOwn(TELL_TALES, permission) && !envelope.permissions.has(permission),
    );
    if (envelope.unexpanded.length === 0 && outsideEnvelope.length > 0) {
      out.push(
        `deployer.allowed_roles does not cover ${outsideEnvelope.join(', ')} of ${deployerRole.name}: the preflight would report them as excess. Add ${deployerRole.name} to deployer.allowed_roles.`,
      );
    }
  }
  out.push(
    policy.planServiceAccount === undefined
      ? `Only workflows that deployer.allow admits (attribute.${CAN_DEPLOY} = "true") may impersonate the deployer.`
      : `Only workflows that deployer.allow admits (attribute.${CAN_DEPLOY} = "true") may impersonate the deployer; those that ${policy.planAllow === undefined ? 'deployer.allow' : 'deployer.plan_allow'} admits (attribute.${CAN_PLAN} = "true") may impersonate the planner.`,
    'The attribute condition compares repository names case-sensitively: write them in deployer.allow.repositories as GitHub shows them.',
  );
  return out;
}

function byKeys<T>(...keys: (keyof T & string)[]): (a: T, b: T) => number {
  return (a, b) => {
    for (const key of keys) {
      const left = String(a[key]);
      const right = String(b[key]);
      // Code-unit order, not locale order: the output must not depend on the machine.
      if (left !== right) return left < right ? -1 : 1;
    }
    return 0;
  };
}
