import type { Route } from '../core/types.ts';
import type { ApiName as DescribedApi, RequestValidator } from '../validate/index.ts';

/**
 * Runs the discovery-based validator (route, query, body) before each handler, as Google's front
 * end does before the service sees a request. `describe` picks the API description by path.
 */
export function validated(
  validator: RequestValidator,
  describe: (path: string) => DescribedApi,
  routes: readonly Route[],
): Route[] {
  return routes.map((route) => ({
    ...route,
    handler: (ctx) => {
      const query = ctx.query.toString();
      const url = query === '' ? ctx.path : `${ctx.path}?${query}`;
      const checked = validator.validate({
        api: describe(ctx.path),
        httpMethod: ctx.method,
        url,
        body: ctx.body,
      });
      if (!checked.ok) throw checked.error;
      return route.handler(ctx);
    },
  }));
}
