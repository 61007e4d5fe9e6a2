import { ActionError } from '../errors.ts';

/** The Google API hosts the action talks to, each a base URL without a trailing slash. */
export interface Endpoints {
  readonly universeDomain: string;
  readonly sts: string;
  readonly iamcredentials: string;
  readonly iam: string;
  readonly cloudresourcemanager: string;
  readonly run: string;
}

const APIS = ['sts', 'iamcredentials', 'iam', 'cloudresourcemanager', 'run'] as const;
type Api = (typeof APIS)[number];

/** The environment variable that overrides one API's base URL (documented in the README). */
export function overrideVariable(api: Api): string {
  return `KEYLESS_DEPLOY_ENDPOINT_${api.toUpperCase()}`;
}

/**
 * `https://<api>.<universe>` for each API, unless the environment overrides it, which is how the
 * same bundle runs against the local emulator.
 */
export function resolveEndpoints(
  universeDomain: string,
  env: Readonly<Record<string, string | undefined>>,
): Endpoints {
  const pick = (api: Api): string => {
    const variable = overrideVariable(api);
    const override = env[variable];
    if (override === undefined || override === '') return `https://${api}.${universeDomain}`;
    let url: URL;
    try {
      url = new URL(override);
    } catch {
      throw new ActionError(`${variable} is not a URL: '${override}'`, {
        remedy: `Set ${variable} to a base URL such as http://127.0.0.1:8080, or unset it.`,
      });
    }
    if (
      (url.protocol !== 'https:' && url.protocol !== 'http:') ||
      (url.pathname !== '/' && url.pathname !== '')
    ) {
      throw new ActionError(`${variable} must be an http(s) base URL without a path: '${override}'`, {
        remedy: `Set ${variable} to scheme, host and port only, e.g. http://127.0.0.1:8080.`,
      });
    }
    return url.origin;
  };
  return {
    universeDomain,
    sts: pick('sts'),
    iamcredentials: pick('iamcredentials'),
    iam: pick('iam'),
    cloudresourcemanager: pick('cloudresourcemanager'),
    run: pick('run'),
  };
}
