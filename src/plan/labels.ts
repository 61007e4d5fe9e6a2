/** The labels the action sets on every service and revision it deploys. */

/** Reserved label keys: the policy file may not declare them. */
export const MANAGED_BY_LABEL = 'managed-by';
export const COMMIT_LABEL = 'commit-sha';
export const MANAGED_BY_VALUE = 'cloud-run-keyless-deploy';

const LABEL_VALUE_MAX = 63;

/** A string made valid as a GCP label value: lowercase, `[a-z0-9_-]`, at most 63 characters. */
export function toLabelValue(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^a-z0-9_-]/g, '-')
    .slice(0, LABEL_VALUE_MAX);
}

/** The action's own labels for a deploy of commit `sha`. */
export function actionLabels(sha: string): Record<string, string> {
  return { [MANAGED_BY_LABEL]: MANAGED_BY_VALUE, [COMMIT_LABEL]: toLabelValue(sha) };
}
