import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import type { EmulatorState } from './types.ts';
import { StateError, validateState } from './validate.ts';

export const EXAMPLE_WORLD = fileURLToPath(new URL('../worlds/example.yml', import.meta.url));

/** Reads a YAML or JSON state file (JSON is YAML) and validates it. */
export function loadStateFile(file: string): EmulatorState {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new StateError(
      file,
      `cannot read the file (${error instanceof Error ? error.message : String(error)})`,
    );
  }
  let document: unknown;
  try {
    document = parse(text, { prettyErrors: true, uniqueKeys: true });
  } catch (error) {
    throw new StateError(
      file,
      `not valid YAML or JSON: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  return validateState(document);
}
