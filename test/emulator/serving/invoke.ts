import type { ServingView } from '../apis/run/model.ts';
import type { ServedTarget } from '../apis/run/traffic.ts';
import type { IdTokenVerification } from '../core/plugin.ts';
import type { Identity } from '../core/types.ts';
import {
  containerErrorPage,
  forbiddenPage,
  notFoundPage,
  unauthorizedPage,
  unavailablePage,
} from './pages.ts';
import type { SickQuery } from './sickness.ts';

/** What one request to a service (or tag) URL needs to be decided. */
export interface InvokeDeps {
  view(key: string): ServingView | undefined;
  verifyIdToken(jwt: string, audiences: readonly string[]): Promise<IdTokenVerification>;
  /** `run.routes.invoke` on the service for this identity (own, group, or inherited grants). */
  canInvoke(identity: Identity, key: string): boolean;
  /** Whether `allUsers` holds `run.routes.invoke` on the service. */
  isPublic(key: string): boolean;
  /** Picks a share-weighted target; deterministic in tests. */
  pick(key: string, targets: readonly ServedTarget[]): ServedTarget | undefined;
  /** The error status a Ready-but-unhealthy revision answers this request with, if any. */
  sickStatus(query: SickQuery): number | undefined;
}

export interface InvokeRequest {
  readonly key: string;
  /** The traffic tag whose URL was called, if any. */
  readonly tag: string | undefined;
  /** The URL that was called (service or tag URL, no path). */
  readonly url: string;
  readonly method: string;
  readonly path: string;
  readonly authorization: string | undefined;
}

export interface InvokeAnswer {
  readonly status: number;
  readonly contentType: string;
  readonly body: string;
  /** The revision that answered (its own answers, healthy or not; not the front end's refusals). */
  readonly revision?: string;
}

const html = (status: number, body: string): InvokeAnswer => ({
  status,
  contentType: 'text/html; charset=UTF-8',
  body,
});

/**
 * Cloud Run's front end for one request: ingress, then IAM (a Google ID token whose audience is
 * the service URL, a tag URL or a custom audience, and whose identity holds `run.routes.invoke`;
 * or `allUsers`), then the traffic split. The body names the service, revision and image.
 */
export async function invoke(deps: InvokeDeps, request: InvokeRequest): Promise<InvokeAnswer> {
  const view = deps.view(request.key);
  // External callers never reach internal-only services: Google answers as if nothing were there.
  if (view === undefined || view.ingress !== 'INGRESS_TRAFFIC_ALL') return html(404, notFoundPage());
  const targets =
    request.tag === undefined ? view.served : view.served.filter((target) => target.tag === request.tag);
  if (request.tag !== undefined && targets.length === 0) return html(404, notFoundPage());

  if (!view.invokerIamDisabled && !deps.isPublic(request.key)) {
    const match = /^Bearer\s+(\S+)$/i.exec(request.authorization ?? '');
    if (request.authorization === undefined || request.authorization === '')
      return html(403, forbiddenPage(request.path));
    if (match?.[1] === undefined) return html(401, unauthorizedPage(request.path));
    const audiences = [request.url, `${request.url}/`, view.uri, `${view.uri}/`, ...view.customAudiences];
    const verified = await deps.verifyIdToken(match[1], [...new Set(audiences)]);
    if (!verified.ok) return html(401, unauthorizedPage(request.path));
    if (!deps.canInvoke(verified.identity, request.key)) return html(403, forbiddenPage(request.path));
  }

  const target = request.tag === undefined ? deps.pick(request.key, targets) : targets[0];
  if (target === undefined) return html(503, unavailablePage());
  const service = request.key.split('/').at(-1) ?? '';
  const images = view.images.get(target.revision) ?? [];
  const sick = deps.sickStatus({ service, revision: target.revision, images, path: request.path });
  // The front end forwards the container's own error answer unchanged.
  if (sick !== undefined) return { ...html(sick, containerErrorPage(sick)), revision: target.revision };
  const body = {
    service,
    revision: target.revision,
    ...(target.tag === undefined ? {} : { tag: target.tag }),
    image: images[0] ?? '',
    method: request.method,
    path: request.path,
  };
  return {
    status: 200,
    contentType: 'application/json',
    body: `${JSON.stringify(body)}\n`,
    revision: target.revision,
  };
}

/**
 * Share-weighted choice that is exact and repeatable: the n-th request to a service falls in
 * bucket n mod 100 of the cumulative percentages, so 100 requests follow the split exactly.
 */
export function createRoundRobinPicker(): (
  key: string,
  targets: readonly ServedTarget[],
) => ServedTarget | undefined {
  const counters = new Map<string, number>();
  return (key, targets) => {
    const weighted = targets.filter((target) => target.percent > 0);
    if (weighted.length === 0) return undefined;
    const n = counters.get(key) ?? 0;
    counters.set(key, n + 1);
    const bucket = n % 100;
    let cumulative = 0;
    for (const target of weighted) {
      cumulative += target.percent;
      if (bucket < cumulative) return target;
    }
    return weighted.at(-1);
  };
}
