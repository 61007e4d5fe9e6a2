/** Bounds that keep a hostile policy file from exhausting memory or the stack. */

/**
 * Largest policy file read, in bytes. A real policy is a few KiB; parsing time grows with size
 * (about 2 s for a hostile 256 KiB file), so the bound stays well below 1 MiB.
 */
export const MAX_POLICY_BYTES = 256 * 1024;
/** Most aliases (`*name`) one file may use. */
export const MAX_ALIASES = 100;
/** Most nodes after alias expansion: bounds "billion laughs" style files. */
export const MAX_NODES = 20_000;
/** Deepest nesting of maps and lists (the schema needs 5). */
export const MAX_DEPTH = 32;
/** Most problems reported for one run; a broken file can produce thousands. */
export const MAX_PROBLEMS = 50;
