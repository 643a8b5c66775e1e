/**
 * Property: whatever is done to a shipped pipeline (its text cut, spliced or sprinkled with YAML
 * syntax; any value replaced by any JSON value; keys removed or added; random --set arguments),
 * validation never throws, answers valid (exit 0) or invalid with at least one error (exit 2),
 * and every problem has a line and a column.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { validatePipelineText } from '../../../src/config/index.js';
import { formatPath, type Segment } from '../../../src/config/path.js';
import { ROOT } from '../../e2e/cli.js';

const SHIPPED = ['quickstart.yaml', 'crack-seed.yaml', 'mixed-example.yaml'].map((f) => ({ file: f, text: readFileSync(path.join(ROOT, 'pipelines', f), 'utf8') }));

/** Every path of a plain document (maps and lists), the document itself first. */
function paths(doc: unknown, at: Segment[] = []): Segment[][] {
  const out: Segment[][] = [at];
  if (Array.isArray(doc)) doc.forEach((v, i) => out.push(...paths(v, [...at, i])));
  else if (doc !== null && typeof doc === 'object') for (const [k, v] of Object.entries(doc)) out.push(...paths(v, [...at, k]));
  return out;
}

function setAt(doc: unknown, at: readonly Segment[], value: unknown, remove: boolean): unknown {
  if (at.length === 0) return value;
  const copy = structuredClone(doc) as Record<string | number, unknown>;
  let node = copy;
  for (const s of at.slice(0, -1)) node = node[s] as Record<string | number, unknown>;
  const last = at[at.length - 1]!;
  if (remove) {
    if (Array.isArray(node)) node.splice(last as number, 1);
    else delete node[last];
  } else node[last] = value;
  return copy;
}

/** What validation answers, checked: never a throw, and every problem located. */
function check(text: string, overrides: readonly string[] = []): void {
  let r;
  try {
    r = validatePipelineText(text, 'p.yaml', overrides);
  } catch (e) {
    throw new Error(`validate threw ${(e as Error).stack}\n--- text ---\n${text}\n--- overrides ---\n${overrides.join('\n')}`);
  }
  const ds = r.ok ? r.warnings : r.diagnostics;
  if (!r.ok) expect(ds.some((d) => d.severity === 'error')).toBe(true);
  for (const d of ds) {
    expect(Number.isInteger(d.line) && d.line >= 1, `${d.code} ${d.message}: line ${d.line}`).toBe(true);
    expect(Number.isInteger(d.col) && d.col >= 1, `${d.code} ${d.message}: col ${d.col}`).toBe(true);
    expect(d.message.length).toBeGreaterThan(0);
  }
}

const shipped = fc.constantFrom(...SHIPPED);
// Fragments that stress a YAML parser and the pipeline language alike.
const fragment = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(':', ': ', '- ', '-', '&a ', '*a', '*b', '[', ']', '{', '}', '"', "'", '\t', '\n', '\n  ', '#', '!!binary ', '!!map ', '<<: *a', '? ', '|', '>', ',', '~', 'null', '.inf', '-.nan', '0x1F', '1e400', '__proto__: 1', 'constructor: {}', '%YAML 1.1\n---\n', '---\n', '...\n') },
  // Whole lines: an alias to no anchor, an alias bomb, deep nesting, a map as a key.
  { weight: 1, arbitrary: fc.constantFrom('\nzz: *nowhere', '\nl0: &l0 [x, x, x, x, x, x, x, x]\nl1: &l1 [*l0, *l0, *l0, *l0, *l0, *l0, *l0, *l0]\nl2: [*l1, *l1, *l1, *l1, *l1, *l1, *l1, *l1]',
    `\nzz: ${'['.repeat(100)}${']'.repeat(100)}`, '\n{a: 1}: 2', '\n__proto__: {polluted: 1}') },
  { weight: 2, arbitrary: fc.string({ maxLength: 12 }) },
);
const json = fc.jsonValue({ maxDepth: 3 });

describe('validate under random mutation of the shipped pipelines (fast-check)', () => {
  it('never throws on text spliced with YAML fragments or cut at random', () => {
    fc.assert(fc.property(shipped, fc.array(fc.tuple(fc.nat(), fc.nat({ max: 8 }), fragment, fc.boolean()), { minLength: 1, maxLength: 4 }), (p, edits) => {
      let text = p.text;
      for (const [at, cut, frag, atLineEnd] of edits) {
        let i = at % (text.length + 1);
        // Half the edits land at the end of a line, where a fragment often still parses.
        if (atLineEnd) i = text.indexOf('\n', i) < 0 ? text.length : text.indexOf('\n', i);
        text = text.slice(0, i) + frag + text.slice(i + (atLineEnd ? 0 : cut));
      }
      check(text);
    }), { numRuns: 150, seed: 11 });
  });

  it('never throws when any value is replaced by any JSON value, or removed', () => {
    fc.assert(fc.property(shipped, fc.nat(), json, fc.boolean(), (p, pick, value, remove) => {
      const doc = parse(p.text) as unknown;
      const all = paths(doc);
      const at = all[pick % all.length]!;
      check(stringify(setAt(doc, at, value, remove && at.length > 0)));
    }), { numRuns: 150, seed: 12 });
  });

  it('never throws on random --set arguments, prototype keys among them', () => {
    const key = fc.oneof(fc.constantFrom('__proto__', 'constructor', 'prototype', 'search', 'trials', 'features', 'model', 'space', 'data', 'classes'), fc.string({ minLength: 1, maxLength: 6 }));
    const arg = fc.oneof(
      fc.tuple(fc.array(key, { minLength: 1, maxLength: 4 }), json).map(([ks, v]) => `${ks.join('.')}=${JSON.stringify(v)}`),
      fc.tuple(shipped, fc.nat(), json).map(([p, pick, v]) => {
        const all = paths(parse(p.text)).filter((s) => s.length > 0);
        return `${formatPath(all[pick % all.length]!)}=${JSON.stringify(v)}`;
      }),
      fc.string({ maxLength: 20 }),
    );
    fc.assert(fc.property(shipped, fc.array(arg, { maxLength: 3 }), (p, args) => {
      check(p.text, args);
      expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
    }), { numRuns: 150, seed: 13 });
  });
});
