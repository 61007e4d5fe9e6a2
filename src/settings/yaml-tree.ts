/**
 * YAML text → plain data plus positions. The data is built from the parsed node tree by hand
 * (never `toJS`), into null-prototype objects, so keys like `__proto__` stay ordinary keys, aliases
 * are counted, and every value keeps the place it was written for messages.
 */
import { type Document, isAlias, isMap, isScalar, isSeq, LineCounter, parseDocument } from 'yaml';
import type { ActionError } from '../errors.ts';
import { MAX_ALIASES, MAX_DEPTH, MAX_NODES, MAX_POLICY_BYTES } from './limits.ts';
import { type FilePlace, fileProblem, show } from './problems.ts';

/** Plain data of a YAML document: null-prototype objects, arrays, strings, numbers, booleans, null. */
export type YamlValue = null | boolean | number | string | readonly YamlValue[] | YamlObject;
export type YamlObject = { readonly [key: string]: YamlValue };

export interface YamlTree {
  readonly data: YamlValue;
  /** Where the value at a JSON pointer (`/services/0/name`) is written; the nearest ancestor when absent. */
  valueAt(pointer: string): FilePlace;
  /** Where the key of the map entry at `pointer` is written; the value's place for list items. */
  keyAt(pointer: string): FilePlace;
}

export type YamlResult =
  | { readonly ok: true; readonly tree: YamlTree }
  | { readonly ok: false; readonly problems: readonly ActionError[] };

interface Spot {
  readonly value: FilePlace;
  readonly key: FilePlace | undefined;
}

type Range = readonly [number, number, number];

/** Escapes one JSON pointer segment (RFC 6901), as ajv writes `instancePath`. */
export function pointerSegment(key: string | number): string {
  return String(key).replaceAll('~', '~0').replaceAll('/', '~1');
}

export function parseYamlTree(text: string, file: string): YamlResult {
  const start: FilePlace = { kind: 'file', file, line: 1, column: 1 };
  const bytes = Buffer.byteLength(text, 'utf8');
  if (bytes > MAX_POLICY_BYTES) {
    return fail(
      fileProblem(
        start,
        `the policy file is ${bytes} bytes, more than the limit of ${MAX_POLICY_BYTES}`,
        `Keep the policy file under ${MAX_POLICY_BYTES / 1024} KiB; a policy needs only a few KiB.`,
      ),
    );
  }
  const lines = new LineCounter();
  let doc: Document.Parsed;
  try {
    doc = parseDocument(text, {
      lineCounter: lines,
      prettyErrors: false,
      // Duplicate keys are found while building (linear); the parser's own check is quadratic.
      uniqueKeys: false,
      version: '1.2',
      schema: 'core',
      merge: false,
      strict: true,
    });
  } catch {
    // The parser reports its own limits as errors; this only guards against anything else it throws.
    return fail(
      fileProblem(
        start,
        'the policy file could not be parsed as YAML',
        'Simplify the file to plain maps, lists and scalars.',
      ),
    );
  }
  const place = (range: Range | null | undefined): FilePlace => {
    if (range === null || range === undefined) return start;
    const from = lines.linePos(range[0]);
    const to = lines.linePos(range[1]);
    return { kind: 'file', file, line: from.line, column: from.col, endLine: to.line, endColumn: to.col };
  };

  const syntax = [...doc.errors, ...doc.warnings].map((error) =>
    fileProblem(
      place([error.pos[0], error.pos[1], error.pos[1]]),
      yamlMessage(error.code, error.message),
      yamlRemedy(error.code),
    ),
  );
  if (syntax.length > 0) return { ok: false, problems: syntax };

  const spots = new Map<string, Spot>();
  const problems: ActionError[] = [];
  let aliases = 0;
  let nodes = 0;

  const build = (
    node: unknown,
    pointer: string,
    depth: number,
    key: FilePlace | undefined,
    record: boolean,
  ): YamlValue => {
    nodes += 1;
    if (nodes > MAX_NODES) throw new Limit(`the document expands to more than ${MAX_NODES} nodes`, node);
    if (depth > MAX_DEPTH) throw new Limit(`nesting is deeper than ${MAX_DEPTH} levels`, node);
    // An alias keeps the place where it is used; what it expands to keeps the anchor's places.
    if (record) spots.set(pointer, { value: place(rangeOf(node)), key });
    if (isAlias(node)) {
      aliases += 1;
      if (aliases > MAX_ALIASES) throw new Limit(`more than ${MAX_ALIASES} aliases`, node);
      const target = node.resolve(doc);
      if (target === undefined) throw new Limit(`alias *${node.source} has no anchor`, node);
      return build(target, pointer, depth + 1, key, false);
    }
    if (isScalar(node)) return scalarValue(node.value, node);
    if (isSeq(node)) {
      return node.items.map((item, index) => build(item, `${pointer}/${index}`, depth + 1, undefined, true));
    }
    if (isMap(node)) {
      const object: Record<string, YamlValue> = Object.create(null);
      for (const pair of node.items) {
        const name = keyName(pair.key, text);
        const keyPlace = place(rangeOf(pair.key));
        if (name === undefined) {
          problems.push(
            fileProblem(
              keyPlace,
              'a map key must be a plain scalar',
              'Write keys as plain words, e.g. `name:`.',
            ),
          );
          continue;
        }
        if (Object.hasOwn(object, name)) {
          problems.push(
            fileProblem(
              keyPlace,
              `duplicate key ${show(name)}: it is already set earlier in the same map`,
              'Keep one of the two entries and delete the other.',
            ),
          );
          continue;
        }
        const child = `${pointer}/${pointerSegment(name)}`;
        // `key:` with nothing after it may have no value node; it is then reported at the key.
        object[name] =
          pair.value === null ? nullAt(child, keyPlace) : build(pair.value, child, depth + 1, keyPlace, true);
      }
      return object;
    }
    throw new Limit('unsupported YAML node', node);
  };
  const nullAt = (pointer: string, at: FilePlace): null => {
    spots.set(pointer, { value: at, key: at });
    return null;
  };
  const scalarValue = (value: unknown, node: unknown): YamlValue => {
    if (
      value === null ||
      typeof value === 'boolean' ||
      typeof value === 'number' ||
      typeof value === 'string'
    )
      return value;
    problems.push(
      fileProblem(
        place(rangeOf(node)),
        'unsupported YAML value (a tagged scalar such as !!binary)',
        'Remove the `!!tag`; the policy uses plain strings, numbers and booleans.',
      ),
    );
    return null;
  };
  let data: YamlValue;
  try {
    data = doc.contents === null ? null : build(doc.contents, '', 0, undefined, true);
  } catch (error) {
    if (!(error instanceof Limit)) throw error;
    return fail(
      fileProblem(
        place(rangeOf(error.node)),
        error.message,
        'Simplify the file: fewer aliases, less nesting; a policy needs neither.',
      ),
    );
  }
  // A map reached through several aliases reports its problems once.
  if (problems.length > 0)
    return {
      ok: false,
      problems: [...new Map(problems.map((problem) => [problem.message, problem])).values()],
    };
  if (!spots.has('')) spots.set('', { value: start, key: undefined });

  const nearest = (pointer: string): Spot => {
    for (let at = pointer; ; at = at.slice(0, Math.max(0, at.lastIndexOf('/')))) {
      const spot = spots.get(at);
      if (spot !== undefined) return spot;
      if (at === '') return { value: start, key: undefined };
    }
  };
  return {
    ok: true,
    tree: {
      data,
      valueAt: (pointer) => nearest(pointer).value,
      keyAt: (pointer) => {
        const spot = nearest(pointer);
        return spot.key ?? spot.value;
      },
    },
  };
}

class Limit extends Error {
  readonly node: unknown;
  constructor(message: string, node: unknown) {
    super(message);
    this.node = node;
  }
}

function fail(problem: ActionError): YamlResult {
  return { ok: false, problems: [problem] };
}

function rangeOf(node: unknown): Range | undefined {
  if (typeof node !== 'object' || node === null || !('range' in node)) return undefined;
  const range: unknown = node.range;
  return Array.isArray(range) && range.length === 3 && range.every((n) => typeof n === 'number')
    ? (range as unknown as Range)
    : undefined;
}

/** A key as written: strings as they are, other plain scalars (`1`, `true`) by their source text. */
function keyName(node: unknown, text: string): string | undefined {
  if (!isScalar(node)) return undefined;
  if (typeof node.value === 'string') return node.value;
  const range = rangeOf(node);
  return range === undefined ? undefined : text.slice(range[0], range[1]);
}

function yamlMessage(code: string, message: string): string {
  switch (code) {
    case 'MULTIPLE_DOCS':
      return 'the policy file holds more than one YAML document (a second `---`)';
    case 'TAG_RESOLVE_FAILED':
      return `unknown YAML tag (${message.replace(/^Unresolved tag: /, '')})`;
    case 'RESOURCE_EXHAUSTION':
      return 'the YAML is nested too deeply or is too large to parse';
    default:
      return `YAML syntax error: ${message}`;
  }
}

function yamlRemedy(code: string): string {
  switch (code) {
    case 'MULTIPLE_DOCS':
      return 'Keep a single document: remove the extra `---` and what follows, or merge them.';
    case 'TAG_RESOLVE_FAILED':
      return 'Remove the `!tag`; the policy uses plain strings, numbers, booleans, maps and lists.';
    case 'RESOURCE_EXHAUSTION':
      return 'Simplify the file; a policy needs only a few levels of nesting.';
    default:
      return 'Fix the YAML syntax at this place (indentation, quotes, brackets); a YAML linter shows the details.';
  }
}
