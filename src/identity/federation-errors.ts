import { ActionError } from '../errors.ts';
import { type ClassifiedError, classifyError } from '../google/errors.ts';
import type { Claims } from './claims.ts';
import { parseProvider, repositoryPrincipalSet } from './provider.ts';

export type FederationStage = 'exchange' | 'impersonation' | 'id-token';

export interface FederationContext {
  readonly provider: string;
  readonly serviceAccount: string;
  /** The audience the GitHub token was requested for. */
  readonly audience: string;
  readonly claims: Claims;
  readonly lifetimeSeconds: number;
}

/** The claims an attribute condition usually tests, as `name = value` lines. */
const TELLING_CLAIMS = ['repository', 'ref', 'environment', 'event_name', 'sub', 'job_workflow_ref'] as const;

function claimLines(claims: Claims): string {
  return TELLING_CLAIMS.map((name) => {
    const value = claims[name];
    return `  ${name} = ${typeof value === 'string' ? `'${value}'` : '(absent)'}`;
  }).join('\n');
}

function providerFlags(context: FederationContext): string {
  const parts = parseProvider(context.provider);
  if (parts === undefined || parts.provider === undefined)
    return 'PROVIDER --location=global --workload-identity-pool=POOL';
  return `${parts.provider} --project=${parts.project} --location=global --workload-identity-pool=${parts.pool}`;
}

const REPORTED = (c: ClassifiedError): string =>
  [c.oauthError ?? c.status ?? (c.httpStatus === undefined ? undefined : `HTTP ${c.httpStatus}`), c.message]
    .filter((part) => part !== undefined)
    .join(': ');

function explainExchange(c: ClassifiedError, context: FederationContext): ActionError {
  const head = `Google STS refused to exchange the GitHub OIDC token for provider '${context.provider}' (${REPORTED(c)})`;
  switch (c.oauthError) {
    case 'invalid_target':
      return explainInvalidTarget(head, context);
    case 'unauthorized_client':
      return new ActionError(
        `${head}. The provider's attribute condition rejected this token; the claims it usually tests are:\n${claimLines(context.claims)}`,
        {
          remedy: `Compare them with the condition (\`gcloud iam workload-identity-pools providers describe ${providerFlags(context)} --format='value(attributeCondition)'\`). Run from a repository/ref the condition accepts, or widen it, e.g. \`gcloud iam workload-identity-pools providers update-oidc ${providerFlags(context)} --attribute-condition="assertion.repository == '${String(context.claims.repository ?? 'OWNER/REPO')}'"\`.`,
        },
      );
    case 'invalid_grant':
      if (/expire/i.test(c.message)) {
        return new ActionError(
          `${head}. The GitHub OIDC token has expired (it is valid for about 5 minutes).`,
          {
            remedy:
              'Re-run the job; if it keeps happening, check the runner clock and that nothing delays the step between token request and exchange.',
          },
        );
      }
      return new ActionError(
        `${head}. The GitHub OIDC token was issued for audience '${context.audience}', which the provider's allowed audiences must include.`,
        {
          remedy: `Either add it: \`gcloud iam workload-identity-pools providers update-oidc ${providerFlags(context)} --allowed-audiences='${context.audience}'\`, or set the audience input to one the provider accepts (a provider without allowed audiences accepts only https://iam.googleapis.com/${context.provider.replace(/^\/\/iam\.[^/]+\//, '')}). Also check that the provider is enabled and its issuer is https://token.actions.githubusercontent.com.`,
        },
      );
    default:
      return generic(
        head,
        c,
        'Check the workload_identity_provider setting and the provider in the Google Cloud console.',
      );
  }
}

function explainInvalidTarget(head: string, context: FederationContext): ActionError {
  const parts = parseProvider(context.provider);
  const format = 'projects/PROJECT_NUMBER/locations/global/workloadIdentityPools/POOL/providers/PROVIDER';
  if (parts === undefined) {
    return new ActionError(`${head}. '${context.provider}' is not a workload identity provider name.`, {
      remedy: `Set workload_identity_provider to the form ${format}; list providers with \`gcloud iam workload-identity-pools providers list --location=global --workload-identity-pool=POOL --format='value(name)'\`.`,
    });
  }
  if (parts.provider === undefined) {
    return new ActionError(`${head}. '${context.provider}' names a pool, not a provider.`, {
      remedy: `Append the provider: ${context.provider}/providers/PROVIDER (list them with \`gcloud iam workload-identity-pools providers list --project=${parts.project} --location=global --workload-identity-pool=${parts.pool} --format='value(name)'\`).`,
    });
  }
  if (!/^\d+$/.test(parts.project)) {
    return new ActionError(
      `${head}. '${parts.project}' is a project id; provider names need the project number.`,
      {
        remedy: `Replace it with the number from \`gcloud projects describe ${parts.project} --format='value(projectNumber)'\`.`,
      },
    );
  }
  return new ActionError(`${head}. No such provider, or it is disabled or deleted.`, {
    remedy: `Check it exists: \`gcloud iam workload-identity-pools providers describe ${providerFlags(context)}\`.`,
  });
}

function bindingCommand(context: FederationContext): string {
  const parts = parseProvider(context.provider);
  const repository = typeof context.claims.repository === 'string' ? context.claims.repository : 'OWNER/REPO';
  const member =
    parts === undefined
      ? `principalSet://iam.googleapis.com/projects/PROJECT_NUMBER/locations/global/workloadIdentityPools/POOL/attribute.repository/${repository}`
      : repositoryPrincipalSet(parts, repository);
  return `gcloud iam service-accounts add-iam-policy-binding ${context.serviceAccount} --role=roles/iam.workloadIdentityUser --member=${member}`;
}

function explainImpersonation(
  c: ClassifiedError,
  context: FederationContext,
  stage: FederationStage,
): ActionError {
  const action = stage === 'id-token' ? 'an ID token' : 'an access token';
  const head = `Could not get ${action} for service account '${context.serviceAccount}' (${REPORTED(c)})`;
  if (c.category === 'permission') {
    const permission =
      c.metadata.permission ??
      (stage === 'id-token' ? 'iam.serviceAccounts.getOpenIdToken' : 'iam.serviceAccounts.getAccessToken');
    return new ActionError(
      `${head}. The federated identity of this repository lacks '${permission}' on the service account (the roles/iam.workloadIdentityUser binding is missing, or the service account does not exist).`,
      {
        remedy: `If the policy came from \`npm run setup\`, this may be the intended refusal: the deployer admits only runs its deployer.allow rules admit (attribute.can_deploy), the planner those of plan_allow. Run from such a ref and event, or widen the rules and apply the regenerated set-up. A hand-made set-up lacks the binding: grant it (once, as a project admin): \`${bindingCommand(context)}\``,
      },
    );
  }
  if (c.category === 'not-found') {
    return new ActionError(`${head}. The service account does not exist.`, {
      remedy: `Check the email (\`gcloud iam service-accounts describe ${context.serviceAccount}\`) and the service_account setting.`,
    });
  }
  if (c.category === 'invalid' && /lifetime/i.test(c.message)) {
    return new ActionError(
      `${head}. The requested token lifetime of ${context.lifetimeSeconds} s is over the allowed maximum.`,
      {
        remedy:
          'Lower token_lifetime to 1h or less, or allow longer lifetimes for this service account with the organization policy constraints/iam.allowServiceAccountCredentialLifetimeExtension.',
      },
    );
  }
  return generic(head, c, 'Check the service_account setting.');
}

function generic(head: string, c: ClassifiedError, hint: string): ActionError {
  if (c.category === 'transient') {
    return new ActionError(`${head}; the service kept failing after retries.`, {
      remedy: 'Re-run the job later; check https://status.cloud.google.com for an incident.',
    });
  }
  return new ActionError(`${head}.`, { remedy: hint });
}

/** Turns a failure of one step of the keyless exchange into its cause and remedy. */
export function explainFederationFailure(
  stage: FederationStage,
  error: unknown,
  context: FederationContext,
): ActionError {
  const classified = classifyError(error);
  const explained =
    stage === 'exchange'
      ? explainExchange(classified, context)
      : explainImpersonation(classified, context, stage);
  return new ActionError(explained.message, {
    ...(explained.remedy === undefined ? {} : { remedy: explained.remedy }),
    cause: error,
  });
}
