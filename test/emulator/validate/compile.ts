import type {
  DiscoveryDocument,
  DiscoveryMethod,
  DiscoveryParameter,
  DiscoveryProperty,
} from './discovery.ts';
import { allMethods } from './discovery.ts';
import type { ProtoField, ProtoIndex, ProtoMessage } from './proto-index.ts';
import type { ApiSpec, FieldSpec, MessageSpec, MethodSpec, ParameterSpec, ValueKind } from './spec.ts';
import { snakeCase } from './spec.ts';

/** Proto package of each API's own messages, for `type.googleapis.com/...` in error texts. */
const PROTO_PACKAGES: Readonly<Record<string, string>> = {
  'run.v2': 'google.cloud.run.v2',
  'iamcredentials.v1': 'google.iam.credentials.v1',
  'sts.v1': 'google.identity.sts.v1',
  'iam.v1': 'google.iam.admin.v1',
  'cloudresourcemanager.v1': 'google.cloudresourcemanager.v1',
  'cloudresourcemanager.v3': 'google.cloud.resourcemanager.v3',
};

/** Shared IAM and common types that several APIs describe under short names. */
const SHARED_TYPES: Readonly<Record<string, string>> = {
  Policy: 'google.iam.v1.Policy',
  Binding: 'google.iam.v1.Binding',
  AuditConfig: 'google.iam.v1.AuditConfig',
  AuditLogConfig: 'google.iam.v1.AuditLogConfig',
  GetPolicyOptions: 'google.iam.v1.GetPolicyOptions',
  SetIamPolicyRequest: 'google.iam.v1.SetIamPolicyRequest',
  GetIamPolicyRequest: 'google.iam.v1.GetIamPolicyRequest',
  TestIamPermissionsRequest: 'google.iam.v1.TestIamPermissionsRequest',
  Expr: 'google.type.Expr',
  Status: 'google.rpc.Status',
  Operation: 'google.longrunning.Operation',
};

/** Client libraries send `$alt=json;enum-encoding=int`; Google's front end accepts it like `alt`. */
const EXTRA_SYSTEM_PARAMETERS: Readonly<Record<string, DiscoveryParameter>> = {
  $alt: { type: 'string', location: 'query' },
};

/**
 * Fields the real services accept and their clients send, missing from the shipped descriptions:
 * `google-auth-library`'s `Impersonated.fetchIdToken` sends `useEmailAzp` (seen on the wire).
 */
const KNOWN_EXTRA_FIELDS: Readonly<Record<string, Readonly<Record<string, DiscoveryProperty>>>> = {
  'iamcredentials.v1/GenerateIdTokenRequest': { useEmailAzp: { type: 'boolean' } },
};

function protoNameOf(api: string, schemaId: string): string {
  const prefixed = /^Google(CloudRunV2|IamV1|Longrunning|Rpc|Type|Protobuf|Api)(.+)$/.exec(schemaId);
  if (prefixed !== null) {
    const [, group = '', rest = ''] = prefixed;
    const pkg: Readonly<Record<string, string>> = {
      CloudRunV2: 'google.cloud.run.v2',
      IamV1: 'google.iam.v1',
      Longrunning: 'google.longrunning',
      Rpc: 'google.rpc',
      Type: 'google.type',
      Protobuf: 'google.protobuf',
      Api: 'google.api',
    };
    return `${pkg[group] ?? ''}.${rest}`;
  }
  return SHARED_TYPES[schemaId] ?? `${PROTO_PACKAGES[api] ?? api}.${schemaId}`;
}

function isOutputOnly(description: string | undefined, readOnly: boolean | undefined): boolean {
  return readOnly === true || /^\s*(Output only|Output-only)/i.test(description ?? '');
}

interface CompileOptions {
  /** Also accept fields and messages that only the protos know (Cloud Run fields newer than discovery). */
  readonly augmentFromProtos: boolean;
}

/** Compiles one discovery document (plus the shipped protos) into the form the validators use. */
export function compileApi(
  api: string,
  doc: DiscoveryDocument,
  protos: ProtoIndex,
  options: CompileOptions,
): ApiSpec {
  const messages = new Map<string, MessageSpec>();
  const schemaByProto = new Map<string, string>();
  for (const id of Object.keys(doc.schemas)) schemaByProto.set(protoNameOf(api, id), id);

  const scalarOfProto = (type: string): ValueKind | undefined => {
    switch (type) {
      case 'string':
        return { kind: 'string' };
      case 'bool':
        return { kind: 'bool' };
      case 'bytes':
        return { kind: 'bytes' };
      case 'int32':
      case 'sint32':
      case 'sfixed32':
        return { kind: 'int', bits: 32, unsigned: false };
      case 'uint32':
      case 'fixed32':
        return { kind: 'int', bits: 32, unsigned: true };
      case 'int64':
      case 'sint64':
      case 'sfixed64':
        return { kind: 'int', bits: 64, unsigned: false };
      case 'uint64':
      case 'fixed64':
        return { kind: 'int', bits: 64, unsigned: true };
      case 'double':
        return { kind: 'float', double: true };
      case 'float':
        return { kind: 'float', double: false };
      default:
        return undefined;
    }
  };

  const wellKnown = (fullName: string): ValueKind | undefined => {
    switch (fullName) {
      case 'google.protobuf.Duration':
        return { kind: 'duration' };
      case 'google.protobuf.Timestamp':
        return { kind: 'timestamp' };
      case 'google.protobuf.FieldMask':
        return { kind: 'fieldmask' };
      case 'google.protobuf.Any':
      case 'google.protobuf.Value':
      case 'google.protobuf.Struct':
        return { kind: 'any' };
      default:
        return undefined;
    }
  };

  /** A proto field's kind; proto-only messages are compiled on demand. */
  const kindOfProtoField = (field: ProtoField, scope: string): ValueKind => {
    const scalar = scalarOfProto(field.type);
    if (scalar !== undefined) return scalar;
    const full = protos.resolve(field.type, scope) ?? field.type;
    const known = wellKnown(full);
    if (known !== undefined) return known;
    const enumeration = protos.enumeration(full);
    if (enumeration !== undefined) {
      return {
        kind: 'enum',
        typeName: full,
        names: new Set(Object.keys(enumeration.values)),
        numbers: new Set(Object.values(enumeration.values)),
        nameOf: namesByNumber(enumeration.values),
        numberOf: new Map(Object.entries(enumeration.values)),
      };
    }
    const schemaId = schemaByProto.get(full);
    if (schemaId !== undefined) return { kind: 'message', ref: schemaId };
    const message = protos.message(full);
    if (message === undefined) return { kind: 'any' };
    const ref = `proto:${full}`;
    if (!messages.has(ref)) compileProtoMessage(ref, full, message);
    return { kind: 'message', ref };
  };

  const compileProtoMessage = (ref: string, full: string, message: ProtoMessage): void => {
    const fields = new Map<string, FieldSpec>();
    // Registered before its fields so recursive types terminate.
    messages.set(ref, { id: ref, typeUrl: `type.googleapis.com/${full}`, fields });
    for (const [jsonName, field] of Object.entries(message.fields)) {
      addField(fields, protoFieldSpec(jsonName, field, full));
    }
  };

  const protoFieldSpec = (jsonName: string, field: ProtoField, scope: string): FieldSpec => ({
    jsonName,
    protoName: snakeCase(jsonName),
    value: kindOfProtoField(field, scope),
    repeated: field.rule === 'repeated',
    map: field.keyType !== undefined,
    outputOnly: protoOutputOnly(field),
  });

  const kindOfProperty = (
    property: DiscoveryProperty,
    owner: string,
    jsonName: string,
    protoField: ProtoField | undefined,
    protoScope: string,
  ): ValueKind => {
    if (property.$ref !== undefined) return { kind: 'message', ref: property.$ref };
    if (property.enum !== undefined) {
      const full = protoField === undefined ? undefined : protos.resolve(protoField.type, protoScope);
      const enumeration = full === undefined ? undefined : protos.enumeration(full);
      return {
        kind: 'enum',
        typeName: full ?? `${owner}.${jsonName}`,
        names: new Set(property.enum),
        numbers: enumeration === undefined ? undefined : new Set(Object.values(enumeration.values)),
        nameOf: enumeration === undefined ? new Map() : namesByNumber(enumeration.values),
        numberOf: new Map(Object.entries(enumeration?.values ?? {})),
      };
    }
    switch (property.type) {
      case 'boolean':
        return { kind: 'bool' };
      case 'integer':
        return { kind: 'int', bits: 32, unsigned: property.format === 'uint32' };
      case 'number':
        return { kind: 'float', double: property.format !== 'float' };
      case 'any':
        return { kind: 'any' };
      case 'object': {
        if (property.properties === undefined) return { kind: 'any' };
        const ref = `${owner}.${jsonName}`;
        compileSchema(ref, property);
        return { kind: 'message', ref };
      }
      default:
        break;
    }
    switch (property.format) {
      case 'int64':
        return { kind: 'int', bits: 64, unsigned: false };
      case 'uint64':
        return { kind: 'int', bits: 64, unsigned: true };
      case 'byte':
        return { kind: 'bytes' };
      case 'google-duration':
        return { kind: 'duration' };
      case 'google-datetime':
        return { kind: 'timestamp' };
      case 'google-fieldmask':
        return { kind: 'fieldmask' };
      default:
        return { kind: 'string' };
    }
  };

  const compileSchema = (id: string, schema: DiscoveryProperty): void => {
    const protoFull = protoNameOf(api, id);
    const protoMessage = protos.message(protoFull);
    const fields = new Map<string, FieldSpec>();
    messages.set(id, { id, typeUrl: `type.googleapis.com/${protoFull}`, fields });
    const properties = { ...schema.properties, ...KNOWN_EXTRA_FIELDS[`${api}/${id}`] };
    for (const [jsonName, property] of Object.entries(properties)) {
      const protoField = protoMessage?.fields[jsonName];
      const repeated = property.type === 'array';
      // `{type: object, additionalProperties: {type: any}}` is how discovery spells google.protobuf.Any/Struct.
      const anyMessage = property.type === 'object' && property.additionalProperties?.type === 'any';
      const map = property.type === 'object' && property.additionalProperties !== undefined && !anyMessage;
      const element = repeated
        ? property.items
        : map
          ? property.additionalProperties
          : anyMessage
            ? { type: 'any' }
            : property;
      addField(fields, {
        jsonName,
        protoName: snakeCase(jsonName),
        value: kindOfProperty(element ?? {}, id, jsonName, protoField, protoFull),
        repeated,
        map,
        // The protos are newer than the discovery snapshot: their field behavior wins.
        outputOnly:
          protoField === undefined
            ? isOutputOnly(property.description, property.readOnly)
            : protoOutputOnly(protoField),
      });
    }
    if (options.augmentFromProtos && protoMessage !== undefined) {
      for (const [jsonName, field] of Object.entries(protoMessage.fields)) {
        if (!fields.has(jsonName)) addField(fields, protoFieldSpec(jsonName, field, protoFull));
      }
    }
  };

  for (const [id, schema] of Object.entries(doc.schemas)) {
    if (!messages.has(id)) compileSchema(id, schema);
  }

  const parameterSpec = (name: string, parameter: DiscoveryParameter, owner: string): ParameterSpec => ({
    name,
    location: parameter.location === 'path' ? 'path' : 'query',
    value: kindOfProperty(parameter, owner, name, undefined, ''),
    repeated: parameter.repeated === true,
    required: parameter.required === true,
    pattern: parameter.pattern === undefined ? undefined : new RegExp(parameter.pattern),
  });

  const systemParameters = new Map<string, ParameterSpec>();
  for (const [name, parameter] of Object.entries({ ...doc.parameters, ...EXTRA_SYSTEM_PARAMETERS })) {
    systemParameters.set(name, parameterSpec(name, parameter, 'system'));
  }

  const methods = allMethods(doc).map((method) => compileMethod(api, method, parameterSpec));
  return { name: api, methods, messages, systemParameters };
}

function compileMethod(
  api: string,
  method: DiscoveryMethod,
  parameterSpec: (name: string, parameter: DiscoveryParameter, owner: string) => ParameterSpec,
): MethodSpec {
  const parameters = method.parameters ?? {};
  const pathParams: string[] = [];
  let source = '';
  let rest = method.path;
  const token = /\{(\+?)([^}]+)\}/;
  for (let match = token.exec(rest); match !== null; match = token.exec(rest)) {
    const [whole, plus, name = ''] = match;
    source += escapeRegExp(rest.slice(0, match.index));
    const pattern = parameters[name]?.pattern;
    // A segment never contains ':' here: it would swallow a custom verb such as `:getIamPolicy`.
    const body =
      plus === '+'
        ? pattern === undefined
          ? '.+?'
          : pattern.replace(/^\^/, '').replace(/\$$/, '').replaceAll('[^/]', '[^/:]')
        : '[^/:]+';
    source += `(${body})`;
    pathParams.push(name);
    rest = rest.slice(match.index + whole.length);
  }
  source += escapeRegExp(rest);
  const query = new Map<string, ParameterSpec>();
  for (const [name, parameter] of Object.entries(parameters)) {
    if (parameter.location !== 'query') continue;
    const spec = parameterSpec(name, parameter, method.id);
    query.set(name, spec);
    query.set(name.split('.').map(snakeCase).join('.'), spec);
  }
  const request = method.request?.$ref;
  return {
    api,
    id: method.id,
    httpMethod: method.httpMethod,
    route: new RegExp(`^${source}$`),
    pathParams,
    query,
    request,
    response: method.response?.$ref,
    bodyField: request === undefined || /Request$/.test(request) ? '' : bodyFieldOf(request),
  };
}

/** `GoogleCloudRunV2Service` → `service`: the request field a resource body is bound to. */
function bodyFieldOf(schemaId: string): string {
  const bare = schemaId.replace(/^Google(CloudRunV2|IamV1)/, '');
  return snakeCase(bare.charAt(0).toLowerCase() + bare.slice(1));
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function addField(fields: Map<string, FieldSpec>, field: FieldSpec): void {
  fields.set(field.jsonName, field);
  fields.set(field.protoName, field);
}

function namesByNumber(values: Readonly<Record<string, number>>): Map<number, string> {
  const names = new Map<number, string>();
  for (const [name, number] of Object.entries(values)) if (!names.has(number)) names.set(number, name);
  return names;
}

function protoOutputOnly(field: ProtoField): boolean {
  const behavior = field.options?.['(google.api.field_behavior)'];
  return Array.isArray(behavior) ? behavior.includes('OUTPUT_ONLY') : behavior === 'OUTPUT_ONLY';
}
