import type { Route } from './types.ts';

interface CompiledRoute {
  readonly route: Route;
  readonly regex: RegExp;
}

export interface RouteMatch {
  readonly route: Route;
  readonly params: Record<string, string>;
}

/** Turns `/v1/projects/{project}:getIamPolicy` into an anchored RegExp with named groups. */
export function compilePattern(pattern: string | RegExp): RegExp {
  if (pattern instanceof RegExp) return pattern;
  const source = pattern
    .split(/(\{[A-Za-z_][A-Za-z0-9_]*\})/)
    .map((part) => {
      const name = /^\{([A-Za-z_][A-Za-z0-9_]*)\}$/.exec(part)?.[1];
      if (name !== undefined) return `(?<${name}>[^/]+?)`;
      return part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    })
    .join('');
  return new RegExp(`^${source}$`);
}

/** Method + path → route and decoded params; first registered match wins. */
export class Router {
  readonly #routes: CompiledRoute[] = [];

  add(...routes: readonly Route[]): void {
    for (const route of routes) this.#routes.push({ route, regex: compilePattern(route.pattern) });
  }

  match(method: string, path: string): RouteMatch | undefined {
    for (const { route, regex } of this.#routes) {
      if (route.method !== method) continue;
      const found = regex.exec(path);
      if (found === null) continue;
      const params: Record<string, string> = {};
      for (const [key, value] of Object.entries(found.groups ?? {})) {
        if (value !== undefined) params[key] = safeDecode(value);
      }
      return { route, params };
    }
    return undefined;
  }
}

function safeDecode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}
