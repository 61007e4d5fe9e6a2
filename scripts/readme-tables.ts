/**
 * The README's Inputs and Outputs tables, rendered from action.yml so they cannot drift:
 * `node scripts/readme-tables.ts` prints them, `--write` puts them into README.md between the
 * `<!-- inputs:start -->`/`<!-- inputs:end -->` and `<!-- outputs:start -->`/`<!-- outputs:end -->`
 * markers, `--check` exits 1 when README.md differs.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { parse } from 'yaml';

const ROOT = resolve(import.meta.dirname, '..');
export const ACTION_FILE = resolve(ROOT, 'action.yml');
export const README_FILE = resolve(ROOT, 'README.md');

export interface ActionInput {
  readonly name: string;
  readonly description: string;
  readonly default: string | undefined;
  readonly required: boolean;
}

export interface ActionOutput {
  readonly name: string;
  readonly description: string;
}

export interface ActionMetadata {
  readonly inputs: readonly ActionInput[];
  readonly outputs: readonly ActionOutput[];
}

function entries(value: unknown, what: string): [string, Record<string, unknown>][] {
  if (value === undefined || value === null) return [];
  if (typeof value !== 'object' || Array.isArray(value))
    throw new Error(`action.yml: ${what} must be a mapping.`);
  return Object.entries(value).map(([name, spec]) => {
    if (typeof spec !== 'object' || spec === null || Array.isArray(spec))
      throw new Error(`action.yml: ${what}.${name} must be a mapping.`);
    return [name, spec as Record<string, unknown>];
  });
}

function text(value: unknown): string {
  return value === undefined || value === null ? '' : String(value);
}

/** The inputs and outputs of action.yml's text, in file order. */
export function readActionMetadata(actionYaml: string): ActionMetadata {
  const document: unknown = parse(actionYaml);
  if (typeof document !== 'object' || document === null) throw new Error('action.yml is not a mapping.');
  const { inputs, outputs } = document as Record<string, unknown>;
  return {
    inputs: entries(inputs, 'inputs').map(([name, spec]) => ({
      name,
      description: text(spec.description),
      default: spec.default === undefined || spec.default === null ? undefined : String(spec.default),
      // The runner treats anything but a true `required` as optional.
      required: spec.required === true || spec.required === 'true',
    })),
    outputs: entries(outputs, 'outputs').map(([name, spec]) => ({
      name,
      description: text(spec.description),
    })),
  };
}

/** A Markdown table cell: one line, pipes escaped. */
function cell(value: string): string {
  return value
    .replace(/\s*\n\s*/g, ' ')
    .trim()
    .replace(/\|/g, '\\|');
}

function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  return [
    `| ${header.join(' | ')} |`,
    `| ${header.map(() => '---').join(' | ')} |`,
    ...rows.map((row) => `| ${row.join(' | ')} |`),
  ].join('\n');
}

export function inputsTable(inputs: readonly ActionInput[]): string {
  return table(
    ['Name', 'Description', 'Default', 'Required'],
    inputs.map((input) => [
      `\`${input.name}\``,
      cell(input.description),
      input.default === undefined || input.default === '' ? '' : `\`${cell(input.default)}\``,
      input.required ? 'yes' : 'no',
    ]),
  );
}

export function outputsTable(outputs: readonly ActionOutput[]): string {
  return table(
    ['Name', 'Description'],
    outputs.map((output) => [`\`${output.name}\``, cell(output.description)]),
  );
}

/** `readme` with the text between `<!-- NAME:start -->` and `<!-- NAME:end -->` replaced by `content`. */
export function replaceSection(readme: string, name: string, content: string): string {
  const start = `<!-- ${name}:start -->`;
  const end = `<!-- ${name}:end -->`;
  const from = readme.indexOf(start);
  const to = readme.indexOf(end);
  if (from < 0 || to < from || readme.indexOf(start, from + 1) >= 0) {
    throw new Error(
      `README.md needs exactly one ${start} followed by ${end}; add them where the ${name} table belongs, then run \`node scripts/readme-tables.ts --write\`.`,
    );
  }
  return `${readme.slice(0, from + start.length)}\n${content}\n${readme.slice(to)}`;
}

/** README.md's text with both tables as action.yml says they are. */
export function renderReadme(readme: string, actionYaml: string): string {
  const metadata = readActionMetadata(actionYaml);
  return replaceSection(
    replaceSection(readme, 'inputs', inputsTable(metadata.inputs)),
    'outputs',
    outputsTable(metadata.outputs),
  );
}

function main(): void {
  const { values } = parseArgs({ options: { write: { type: 'boolean' }, check: { type: 'boolean' } } });
  const action = readFileSync(ACTION_FILE, 'utf8');
  if (values.write !== true && values.check !== true) {
    const metadata = readActionMetadata(action);
    process.stdout.write(`${inputsTable(metadata.inputs)}\n\n${outputsTable(metadata.outputs)}\n`);
    return;
  }
  const readme = readFileSync(README_FILE, 'utf8');
  const rendered = renderReadme(readme, action);
  if (values.check === true) {
    if (rendered !== readme) {
      process.stderr.write(
        'README.md’s Inputs/Outputs tables differ from action.yml: run `node scripts/readme-tables.ts --write`.\n',
      );
      process.exit(1);
    }
    return;
  }
  if (rendered !== readme) writeFileSync(README_FILE, rendered);
}

if (import.meta.main) main();
