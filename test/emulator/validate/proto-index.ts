import { createRequire } from 'node:module';

/** The subset of protobufjs' JSON descriptor (`protos.json`) that validation reads. */
export interface ProtoField {
  readonly type: string;
  readonly rule?: string;
  readonly keyType?: string;
  readonly options?: Readonly<Record<string, unknown>>;
}
export interface ProtoNode {
  readonly fields?: Readonly<Record<string, ProtoField>>;
  readonly values?: Readonly<Record<string, number>>;
  readonly nested?: Readonly<Record<string, ProtoNode>>;
}
export type ProtoMessage = ProtoNode & { readonly fields: Readonly<Record<string, ProtoField>> };
export type ProtoEnum = ProtoNode & { readonly values: Readonly<Record<string, number>> };

/** Name lookup over the protos shipped with `@google-cloud/run` (Cloud Run v2, IAM v1, LRO, ...). */
export interface ProtoIndex {
  message(fullName: string): ProtoMessage | undefined;
  enumeration(fullName: string): ProtoEnum | undefined;
  /** Resolves a type reference written inside `scope` (a full message or package name) as protoc does. */
  resolve(typeName: string, scope: string): string | undefined;
}

export function loadRunProtos(): ProtoIndex {
  const require = createRequire(import.meta.url);
  return indexProtos(require('@google-cloud/run/build/protos/protos.json') as ProtoNode);
}

export function indexProtos(root: ProtoNode): ProtoIndex {
  const byName = new Map<string, ProtoNode>();
  const visit = (node: ProtoNode, prefix: string): void => {
    for (const [name, child] of Object.entries(node.nested ?? {})) {
      const full = prefix === '' ? name : `${prefix}.${name}`;
      byName.set(full, child);
      visit(child, full);
    }
  };
  visit(root, '');
  return {
    message: (fullName) => {
      const node = byName.get(fullName);
      return node?.fields === undefined ? undefined : (node as ProtoMessage);
    },
    enumeration: (fullName) => {
      const node = byName.get(fullName);
      return node?.values === undefined ? undefined : (node as ProtoEnum);
    },
    resolve: (typeName, scope) => {
      const parts = scope.split('.');
      for (let i = parts.length; i >= 0; i--) {
        const candidate = [...parts.slice(0, i), typeName].join('.');
        if (byName.has(candidate)) return candidate;
      }
      return undefined;
    },
  };
}
