/** Turns a failed Cloud Run call into an ActionError that says what to do about it. */
import { ActionError } from '../errors.ts';
import { classifyError } from '../google/errors.ts';

/** `what` names the call and its resource, e.g. `updating service projects/p/.../services/s`. */
export function googleFailure(what: string, error: unknown): ActionError {
  const info = classifyError(error);
  const detail = info.status === undefined ? info.message : `${info.status}: ${info.message}`;
  return new ActionError(`${what} failed: ${detail}`, {
    remedy: remedyFor(info.category, info.metadata),
    cause: error,
  });
}

function remedyFor(category: string, metadata: Readonly<Record<string, string>>): string {
  switch (category) {
    case 'permission': {
      const permission = metadata.permission;
      return permission === undefined
        ? 'Grant the deployer service account the permission named above (the preflight check lists what this run needs).'
        : `Grant the deployer service account '${permission}' (the preflight check lists what this run needs).`;
    }
    case 'auth':
      return 'The access token was rejected: check the workload identity provider and the service account impersonation.';
    case 'conflict':
      return 'Someone else kept changing the same resource: re-run the workflow.';
    case 'transient':
      return 'Google Cloud reported a temporary problem: re-run the workflow.';
    case 'invalid':
      return 'Fix the setting the message names in the policy file or the inputs.';
    case 'not-found':
      return 'Check the project, region and service name.';
    default:
      return 'Re-run the workflow; if it keeps failing, check the service in the Cloud Console.';
  }
}
