/** What a service serves, as the outputs and the summary report it. */

import { describeServing } from '../plan/traffic.ts';
import type { RunService } from '../plan/types.ts';

export interface ServingFacts {
  /** The service URL, when the service exists. */
  readonly url: string | undefined;
  /** The split in effect (`trafficStatuses`), e.g. `90% hello-00001-abc, 10% hello-00002-def (tag canary)`. */
  readonly traffic: string | undefined;
  /** The URL of the run's traffic tag, when it has one and the service reports it. */
  readonly tagUrl: string | undefined;
}

export function servingFacts(service: RunService | undefined, tag: string | undefined): ServingFacts {
  const statuses = service?.trafficStatuses ?? [];
  const tagUrl = tag === undefined ? undefined : statuses.find((status) => status.tag === tag)?.uri;
  return {
    url: service?.uri ? service.uri : undefined,
    traffic: service === undefined || statuses.length === 0 ? undefined : describeServing(service),
    tagUrl: tagUrl ? tagUrl : undefined,
  };
}
