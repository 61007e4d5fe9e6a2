import { readFileSync } from 'node:fs';

/** The parts of a Google discovery document that validation reads. */
export interface DiscoveryProperty {
  readonly type?: string;
  readonly format?: string;
  readonly $ref?: string;
  readonly enum?: readonly string[];
  readonly items?: DiscoveryProperty;
  readonly additionalProperties?: DiscoveryProperty;
  readonly properties?: Readonly<Record<string, DiscoveryProperty>>;
  readonly description?: string;
  readonly readOnly?: boolean;
}

export interface DiscoveryParameter extends DiscoveryProperty {
  readonly location?: string;
  readonly required?: boolean;
  readonly pattern?: string;
  readonly repeated?: boolean;
}

export interface DiscoveryMethod {
  readonly id: string;
  readonly httpMethod: string;
  readonly path: string;
  readonly parameters?: Readonly<Record<string, DiscoveryParameter>>;
  readonly request?: { readonly $ref: string };
  readonly response?: { readonly $ref: string };
}

export interface DiscoveryResource {
  readonly methods?: Readonly<Record<string, DiscoveryMethod>>;
  readonly resources?: Readonly<Record<string, DiscoveryResource>>;
}

export interface DiscoveryDocument extends DiscoveryResource {
  readonly name: string;
  readonly version: string;
  readonly schemas: Readonly<Record<string, DiscoveryProperty & { readonly id: string }>>;
  readonly parameters: Readonly<Record<string, DiscoveryParameter>>;
}

/** The API descriptions shipped in test/emulator/data/discovery, by `<name>.<version>`. */
export const DISCOVERY_FILES = [
  'run.v2',
  'iamcredentials.v1',
  'sts.v1',
  'iam.v1',
  'cloudresourcemanager.v1',
  'cloudresourcemanager.v3',
] as const;
export type ApiName = (typeof DISCOVERY_FILES)[number];

export function readDiscovery(api: ApiName): DiscoveryDocument {
  const url = new URL(`../data/discovery/${api}.json`, import.meta.url);
  return JSON.parse(readFileSync(url, 'utf8')) as DiscoveryDocument;
}

export function allMethods(resource: DiscoveryResource): DiscoveryMethod[] {
  const own = Object.values(resource.methods ?? {});
  const nested = Object.values(resource.resources ?? {}).flatMap(allMethods);
  return [...own, ...nested];
}
