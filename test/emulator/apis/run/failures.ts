/** A rule that makes matching new revisions fail to become ready (set by tests). */
export interface FailureRule {
  /** Service id (short name); any service when absent. */
  readonly service?: string;
  /** Region (`us-central1`); any region when absent. */
  readonly region?: string;
  /** Substring of any container image of the revision; any image when absent. */
  readonly image?: string;
  /** The container's failure, as Cloud Run reports it; a realistic default when absent. */
  readonly message?: string;
}

export function defaultFailureMessage(port: number, revisionLogsUrl: string): string {
  return (
    `The user-provided container failed to start and listen on the port defined provided by the PORT=${port} environment variable within the allocated timeout. ` +
    `This can happen when the container port is misconfigured or if the timeout is too short. The health check timeout can be extended. ` +
    `Logs for this revision might contain more information.\n\nLogs URL: ${revisionLogsUrl}\n` +
    'For more troubleshooting guidance, see https://cloud.google.com/run/docs/troubleshooting#container-failed-to-start'
  );
}

/** The first rule matching a revision of `service` in `region` with these images, if any. */
export function matchingFailure(
  rules: readonly FailureRule[],
  service: string,
  region: string,
  images: readonly string[],
): FailureRule | undefined {
  return rules.find(
    (rule) =>
      (rule.service === undefined || rule.service === service) &&
      (rule.region === undefined || rule.region === region) &&
      (rule.image === undefined || images.some((image) => image.includes(rule.image ?? ''))),
  );
}
