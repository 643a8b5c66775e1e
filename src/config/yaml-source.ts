/**
 * YAML text -> document with source ranges, and locating a path inside it. Syntax errors and
 * duplicate keys become diagnostics at their line:col; nothing here knows the pipeline language.
 */
import { Alias, Document, isMap, isScalar, isSeq, LineCounter, parseDocument, type Node, type Pair } from 'yaml';
import type { Diagnostic } from '../core/diagnostics.js';
import type { Segment } from './path.js';

/** A 1-based position in a named source (a file, or a `--set` argument). */
export interface Position {
  readonly file: string;
  readonly line: number;
  readonly col: number;
}

/** A parsed YAML source that can locate paths. */
export interface YamlSource {
  readonly file: string;
  readonly doc: Document.Parsed;
  /** Plain JS value of the document (null when it has errors). */
  readonly value: unknown;
  readonly diagnostics: readonly Diagnostic[];
  /** Offset added to every column (a `--set` value starts after `path=`). */
  readonly colOffset: number;
  readonly lineCounter: LineCounter;
}

/**
 * Parse `text` as one YAML document (YAML 1.2 core schema, unique keys). Every syntax error is
 * reported (`yaml.syntax`, duplicate keys `yaml.duplicate-key`), warnings as `yaml.warning`.
 */
export function parseYamlSource(text: string, file: string, colOffset = 0): YamlSource {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true, merge: false });
  const diagnostics: Diagnostic[] = [];
  const at = (offset: number): { line: number; col: number } => {
    const p = lineCounter.linePos(Math.min(Math.max(offset, 0), text.length));
    return { line: p.line, col: p.col + colOffset };
  };
  for (const e of doc.errors) {
    const duplicate = e.code === 'DUPLICATE_KEY';
    const key = duplicate ? (/^[^:\n,{}[\]]*/.exec(text.slice(e.pos[0]))?.[0] ?? '').trim() : '';
    diagnostics.push({
      code: duplicate ? 'yaml.duplicate-key' : 'yaml.syntax', severity: 'error', path: '', file, ...at(e.pos[0]),
      message: duplicate ? `duplicate key ${key === '' ? '' : `"${key}" `}(each key may appear once in a map)` : yamlMessage(e.message),
    });
  }
  for (const w of doc.warnings) {
    diagnostics.push({ code: 'yaml.warning', severity: 'warning', path: '', file, ...at(w.pos[0]), message: yamlMessage(w.message) });
  }
  const value = doc.errors.length === 0 ? doc.toJS({ maxAliasCount: 1000 }) : null;
  return { file, doc, value, diagnostics, colOffset, lineCounter };
}

/** yaml's messages sometimes end with a location we already give; keep the first sentence. */
function yamlMessage(message: string): string {
  return message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '').trim();
}

/** What a path resolves to: the pair's key node (for map entries) and the value node, as deep as the path exists. */
interface Found {
  readonly key: Node | null;
  readonly value: Node | null;
  /** Segments that matched; fewer than asked when the path leaves the document. */
  readonly depth: number;
}

function find(src: YamlSource, segments: readonly Segment[]): Found {
  let node = src.doc.contents as Node | null;
  let key: Node | null = null;
  let depth = 0;
  for (const seg of segments) {
    if (node instanceof Alias) node = (node.resolve(src.doc) as Node | undefined) ?? null;
    if (isMap(node) && typeof seg === 'string') {
      const pair = node.items.find((p: Pair) => keyText(p.key) === seg);
      if (!pair) break;
      key = pair.key as Node;
      node = (pair.value as Node | null) ?? null;
    } else if (isSeq(node) && typeof seg === 'number' && seg < node.items.length) {
      key = null;
      node = node.items[seg] as Node;
    } else break;
    depth++;
  }
  return { key, value: node, depth };
}

function keyText(k: unknown): string | undefined {
  if (isScalar(k)) return String(k.value);
  return undefined;
}

function pos(src: YamlSource, node: Node | null): { line: number; col: number } | null {
  const start = node?.range?.[0];
  if (start === undefined) return null;
  const p = src.lineCounter.linePos(start);
  return { line: p.line, col: p.col + src.colOffset };
}

/**
 * Position of `segments` in `src`: the key (`want: 'key'`) or the value. A path that leaves the
 * document resolves to the deepest part that exists (its key), and an empty path to the start of
 * the document's content. `depth` tells how many segments matched.
 */
export function locateIn(src: YamlSource, segments: readonly Segment[], want: 'key' | 'value'): Position & { readonly depth: number } {
  const f = find(src, segments);
  const complete = f.depth === segments.length;
  const preferValue = want === 'value' && complete;
  const p = (preferValue ? pos(src, f.value) : null) ?? pos(src, f.key) ?? pos(src, f.value) ?? { line: 1, col: 1 + src.colOffset };
  return { file: src.file, ...p, depth: f.depth };
}
