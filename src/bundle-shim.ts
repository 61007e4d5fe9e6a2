/**
 * google-gax is CommonJS and reads `__dirname` when it loads; the bundle is an ES module, which
 * has none. Imported first by index.ts, so it runs before any dependency is evaluated.
 */
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

globalThis.__dirname ??= dirname(fileURLToPath(import.meta.url));
