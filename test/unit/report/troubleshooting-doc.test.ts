/**
 * docs/troubleshooting.md is keyed by what the action prints: every quoted heading must still
 * occur in the sources (its fixed parts, in order, in one file), so a reworded message fails here
 * instead of leaving a page nobody can find.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const DOC = readFileSync(join(ROOT, 'docs/troubleshooting.md'), 'utf8');

function sources(dir: string): { path: string; text: string }[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sources(path);
    return entry.name.endsWith('.ts') ? [{ path, text: readFileSync(path, 'utf8') }] : [];
  });
}
const SOURCES = sources(join(ROOT, 'src'));

/** The quoted message of each `### \`…\`` heading. */
function quotedHeadings(markdown: string): string[] {
  return [...markdown.matchAll(/^### `([^`]+)`\s*$/gm)].map((match) => match[1] ?? '');
}

/** Whether `text` holds every fixed part of `quoted` (`…` stands for a varying part), in order. */
function occursIn(quoted: string, text: string): boolean {
  let from = 0;
  for (const part of quoted.split('…').filter((piece) => piece.trim() !== '')) {
    const at = text.indexOf(part, from);
    if (at < 0) return false;
    from = at + part.length;
  }
  return true;
}

describe('docs/troubleshooting.md', () => {
  const headings = quotedHeadings(DOC);

  test('is keyed by messages: every section heading quotes one', () => {
    const sections = DOC.match(/^### .*$/gm) ?? [];
    assert.ok(headings.length >= 30, `only ${headings.length} quoted headings`);
    assert.equal(headings.length, sections.length, 'a ### heading that quotes no message');
  });

  for (const heading of headings) {
    test(`"${heading}" is still printed by the action`, () => {
      const file = SOURCES.find((source) => occursIn(heading, source.text));
      assert.ok(file, `no file under src/ contains "${heading}": update docs/troubleshooting.md`);
    });
  }

  test('the matcher needs every part, in order, in one file', () => {
    assert.ok(occursIn('a … c', 'xa b cx'));
    assert.ok(!occursIn('c … a', 'xa b cx'));
    assert.ok(!occursIn('lacks the id-token permission!', 'lacks the id-token permission.'));
  });
});
