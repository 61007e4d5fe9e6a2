import type { ApiName } from './types.ts';

export interface LogEntry {
  /** ISO 8601 time the request arrived (emulator clock). */
  readonly time: string;
  readonly api: ApiName;
  readonly method: string;
  readonly path: string;
  readonly query: Readonly<Record<string, string>>;
  /** Email or `principal://` URI once authenticated; `undefined` for anonymous calls. */
  readonly caller: string | undefined;
  readonly body: unknown;
  /** HTTP status sent, or `undefined` when the connection was reset or never answered. */
  readonly status: number | undefined;
  /** The fault injected, if any. */
  readonly fault: string | undefined;
}

/** Every request the emulator received, in arrival order. */
export class RequestLog {
  readonly #entries: LogEntry[] = [];

  push(entry: LogEntry): void {
    this.#entries.push(entry);
  }

  entries(): readonly LogEntry[] {
    return [...this.#entries];
  }

  clear(): void {
    this.#entries.length = 0;
  }
}
