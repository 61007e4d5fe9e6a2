/**
 * Settings problems: every check collects located `ActionError`s instead of stopping at the first,
 * and `SettingsError` carries all of them so each can become its own annotation.
 */
import { ActionError, type ErrorPlace } from '../errors.ts';
import { MAX_PROBLEMS } from './limits.ts';
import type { SourceSpan } from './types.ts';

/** A place in a file, 1-based, with the end of the offending node when known. */
export type FilePlace = Extract<ErrorPlace, { kind: 'file' }>;

/** `file:line:col` of a place in the policy, for messages that point at it. */
export function at(span: SourceSpan): string {
  return `${span.file}:${span.line}:${span.column}`;
}

/** One problem in the policy file: the message starts with `file:line:col`. */
export function fileProblem(place: FilePlace, what: string, remedy: string): ActionError {
  return new ActionError(`${place.file}:${place.line}:${place.column}: ${what}`, { remedy, place });
}

/** One problem with an action input: the message names the input. */
export function inputProblem(name: string, what: string, remedy: string): ActionError {
  return new ActionError(`input '${name}': ${what}`, { remedy, place: { kind: 'input', name } });
}

/** All problems found in the inputs and the policy file, in file order then input order. */
export class SettingsError extends ActionError {
  readonly problems: readonly ActionError[];

  constructor(all: readonly ActionError[]) {
    const problems = all.slice(0, MAX_PROBLEMS);
    const [first] = problems;
    if (problems.length === 1 && first !== undefined) {
      super(first.message, {
        ...(first.remedy === undefined ? {} : { remedy: first.remedy }),
        ...(first.place === undefined ? {} : { place: first.place }),
      });
    } else {
      const lines = problems.map((problem) => `- ${problem.message} ${problem.remedy ?? ''}`.trimEnd());
      const shown = all.length > problems.length ? ` (the first ${problems.length} are listed)` : '';
      super(`The action settings have ${all.length} problems${shown}:\n${lines.join('\n')}`, {
        remedy: 'Fix each problem listed (each is also annotated at its place) and re-run.',
      });
    }
    this.name = 'SettingsError';
    this.problems = problems;
  }
}

/** A value as it appears in a message: quoted, escaped, and cut short when long. */
export function show(value: unknown): string {
  const text =
    typeof value === 'string' || typeof value === 'object'
      ? (JSON.stringify(value) ?? 'null')
      : String(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}
