/** The compiled form of an API description that requests are checked against. */

export type ValueKind =
  | { readonly kind: 'string' }
  | { readonly kind: 'int'; readonly bits: 32 | 64; readonly unsigned: boolean }
  | { readonly kind: 'float'; readonly double: boolean }
  | { readonly kind: 'bool' }
  | { readonly kind: 'bytes' }
  | { readonly kind: 'duration' }
  | { readonly kind: 'timestamp' }
  | { readonly kind: 'fieldmask' }
  | { readonly kind: 'any' }
  | {
      readonly kind: 'enum';
      /** Full proto name when known, for Google's `type.googleapis.com/...` wording. */
      readonly typeName: string;
      readonly names: ReadonlySet<string>;
      /** Proto numbers; `undefined` when no proto is known (then only names are accepted). */
      readonly numbers: ReadonlySet<number> | undefined;
      /** Proto number → name (the first name of aliased values). */
      readonly nameOf: ReadonlyMap<number, string>;
      /** Name → proto number, for answers asked with `$alt=json;enum-encoding=int`. */
      readonly numberOf: ReadonlyMap<string, number>;
    }
  | { readonly kind: 'message'; readonly ref: string };

export interface FieldSpec {
  readonly jsonName: string;
  /** The proto (snake_case) name, which Google uses in error paths. */
  readonly protoName: string;
  readonly value: ValueKind;
  readonly repeated: boolean;
  /** Set for `map<string, V>` fields: the value kind is `value`. */
  readonly map: boolean;
  readonly outputOnly: boolean;
}

export interface MessageSpec {
  readonly id: string;
  /** `type.googleapis.com/<full proto name>`. */
  readonly typeUrl: string;
  /** Keyed by both the JSON (lowerCamel) and the proto (snake_case) name: parsers accept either. */
  readonly fields: ReadonlyMap<string, FieldSpec>;
}

export interface ParameterSpec {
  readonly name: string;
  readonly location: 'path' | 'query';
  readonly value: ValueKind;
  readonly repeated: boolean;
  readonly required: boolean;
  /** Discovery `pattern` of a path parameter, anchored. */
  readonly pattern: RegExp | undefined;
}

export interface MethodSpec {
  readonly api: string;
  readonly id: string;
  readonly httpMethod: string;
  /** Matches the URL path (no leading slash, not decoded); groups are named by `pathParams`. */
  readonly route: RegExp;
  readonly pathParams: readonly string[];
  /** Keyed by both the discovery name and its snake_case form. */
  readonly query: ReadonlyMap<string, ParameterSpec>;
  /** The request body's message, or `undefined` when the method takes none. */
  readonly request: string | undefined;
  /** The answer's message, or `undefined` when the method answers `{}`-like types only. */
  readonly response: string | undefined;
  /** Where the body sits in the request message (`service`), or '' when the body is the request. */
  readonly bodyField: string;
}

export interface ApiSpec {
  readonly name: string;
  readonly methods: readonly MethodSpec[];
  readonly messages: ReadonlyMap<string, MessageSpec>;
  /** Standard query parameters every method accepts (`alt`, `fields`, `$alt`, ...). */
  readonly systemParameters: ReadonlyMap<string, ParameterSpec>;
}

export function snakeCase(name: string): string {
  return name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}
