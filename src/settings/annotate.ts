/** Turns located errors into GitHub annotations, one per settings problem. */
import type { AnnotationProperties } from '@actions/core';
import { ActionError } from '../errors.ts';
import { SettingsError } from './problems.ts';

export interface Annotation {
  readonly message: string;
  readonly properties: AnnotationProperties;
}

/** One annotation per problem of a `SettingsError`, or one for any other located `ActionError`. */
export function annotationsFor(error: unknown): Annotation[] {
  if (error instanceof SettingsError) return error.problems.map(annotation);
  return error instanceof ActionError && error.place !== undefined ? [annotation(error)] : [];
}

/** Emits them through `core.error` (injected, so tests can collect them). */
export function emitAnnotations(
  error: unknown,
  emit: (message: string, properties: AnnotationProperties) => void,
): void {
  for (const { message, properties } of annotationsFor(error)) emit(message, properties);
}

function annotation(error: ActionError): Annotation {
  const place = error.place;
  const remedy = error.remedy === undefined ? '' : `\n${error.remedy}`;
  if (place?.kind !== 'file') {
    return {
      message: `${error.message}${remedy}`,
      properties: { title: place === undefined ? 'Settings' : `Input '${place.name}'` },
    };
  }
  // The annotation shows the place itself, so the `file:line:col: ` prefix is dropped.
  const prefix = `${place.file}:${place.line}:${place.column}: `;
  const message = error.message.startsWith(prefix) ? error.message.slice(prefix.length) : error.message;
  return {
    message: `${message}${remedy}`,
    properties: {
      title: 'Policy file',
      file: place.file,
      startLine: place.line,
      startColumn: place.column,
      // GitHub accepts columns only for a one-line range, so a multi-line node keeps its start.
      ...(place.endLine === place.line && place.endColumn !== undefined
        ? { endLine: place.line, endColumn: place.endColumn }
        : {}),
    },
  };
}
