/**
 * YAML text -> document with source ranges, and locating a path inside it. Syntax errors and
 * duplicate keys become diagnostics at their line:col; nothing here knows the pipeline language.
 */
import { Alias, Document, isAlias, isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, type Node, type Pair, type YAMLMap } from 'yaml';
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

/** Deepest nesting of maps and lists accepted; a pipeline needs about six levels. */
export const MAX_YAML_DEPTH = 64;

/** Most nodes that aliases may expand to (a "billion laughs" file expands to ~10^9). */
export const MAX_ALIAS_COUNT = 1000;

/**
 * Parse `text` as one YAML document (YAML 1.2 core schema, unique keys). Every syntax error is
 * reported (`yaml.syntax`, duplicate keys `yaml.duplicate-key`), warnings as `yaml.warning`;
 * nesting deeper than {@link MAX_YAML_DEPTH} is `yaml.depth`, and an unknown alias or aliases that
 * expand past {@link MAX_ALIAS_COUNT} nodes are `yaml.alias`. Nothing here throws for bad text, and
 * the work is linear in the text's size.
 */
export function parseYamlSource(text: string, file: string, colOffset = 0): YamlSource {
  const lineCounter = new LineCounter();
  // NOTE: yaml's own unique-key check compares each key with every earlier key of its map, which
  // took seconds on 16,000 keys; duplicateKeys() below does the same in one pass.
  // NOTE: logLevel 'error': yaml would print its warnings on the console; they become diagnostics here.
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: false, merge: false, logLevel: 'error' });
  const diagnostics: Diagnostic[] = [];
  const at = (offset: number): { line: number; col: number } => {
    const p = lineCounter.linePos(Math.min(Math.max(offset, 0), text.length));
    return { line: p.line, col: p.col + colOffset };
  };
  const error = (code: string, offset: number, message: string): void => {
    diagnostics.push({ code, severity: 'error', path: '', file, ...at(offset), message });
  };
  let overflowed = false;
  for (const e of doc.errors) {
    // NOTE: yaml catches the stack overflow of its own recursion on very deep nesting (once per
    // level it unwinds); one problem says it.
    if (/call stack/i.test(e.message)) {
      if (!overflowed) error('yaml.depth', e.pos[0], `nested deeper than ${MAX_YAML_DEPTH} levels`);
      overflowed = true;
    } else error('yaml.syntax', e.pos[0], yamlMessage(e.message));
  }
  for (const w of doc.warnings) {
    diagnostics.push({ code: 'yaml.warning', severity: 'warning', path: '', file, ...at(w.pos[0]), message: yamlMessage(w.message) });
  }
  let value: unknown = null;
  if (doc.errors.length === 0) {
    const structure = checkStructure(doc);
    for (const d of structure) error(d.code, d.offset, d.message);
    if (structure.length === 0) {
      try {
        value = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
      } catch (e) {
        const alias = firstAlias(doc);
        const message = /excessive alias count/i.test((e as Error).message)
          ? `aliases expand to more than ${MAX_ALIAS_COUNT} values (a "billion laughs" document?); write the values out instead`
          : yamlMessage((e as Error).message);
        error('yaml.alias', alias?.range?.[0] ?? 0, message);
      }
    }
  }
  return { file, doc, value, diagnostics, colOffset, lineCounter };
}

interface StructureProblem { readonly code: string; readonly offset: number; readonly message: string }

/**
 * One iterative walk over the document's nodes: nesting deeper than MAX_YAML_DEPTH (reported once,
 * and then nothing below it is looked at), duplicate keys in a map, and aliases to no anchor.
 */
function checkStructure(doc: Document.Parsed): StructureProblem[] {
  const out: StructureProblem[] = [];
  const anchors = new Set<string>();
  let tooDeep = false;
  // NOTE: depth-first in document order, so an anchor is seen before the aliases after it.
  const stack: { node: unknown; depth: number }[] = [{ node: doc.contents, depth: 1 }];
  while (stack.length > 0) {
    const { node, depth } = stack.pop()!;
    if (node === null || node === undefined) continue;
    if (isAlias(node)) {
      if (!anchors.has(node.source)) out.push({ code: 'yaml.alias', offset: node.range?.[0] ?? 0, message: `unknown alias *${node.source} (an alias needs an anchor &${node.source} earlier in the file)` });
      continue;
    }
    const anchor = (node as { anchor?: string }).anchor;
    if (anchor) anchors.add(anchor);
    if (!isMap(node) && !isSeq(node)) continue;
    if (depth > MAX_YAML_DEPTH) {
      if (!tooDeep) out.push({ code: 'yaml.depth', offset: node.range?.[0] ?? 0, message: `nested deeper than ${MAX_YAML_DEPTH} levels` });
      tooDeep = true;
      continue;
    }
    const children: unknown[] = [];
    if (isMap(node)) {
      const seen = new Set<string>();
      for (const pair of node.items) {
        const k = pair.key;
        if (isMap(k) || isSeq(k)) {
          out.push({ code: 'yaml.syntax', offset: k.range?.[0] ?? 0, message: 'a map key must be plain text or a number, not a map or list' });
        } else if (isScalar(k)) {
          const id = `${typeof k.value}:${String(k.value)}`;
          if (seen.has(id)) out.push({ code: 'yaml.duplicate-key', offset: k.range?.[0] ?? 0, message: `duplicate key "${String(k.value)}" (each key may appear once in a map)` });
          seen.add(id);
        }
        children.push(k, pair.value);
      }
    } else {
      for (const item of node.items) children.push(isPair(item) ? item.value : item);
    }
    for (let i = children.length - 1; i >= 0; i--) stack.push({ node: children[i], depth: depth + 1 });
  }
  return out;
}

/** The first alias node of the document, in document order (the place to point at for alias trouble). */
function firstAlias(doc: Document.Parsed): Alias | null {
  const stack: unknown[] = [doc.contents];
  while (stack.length > 0) {
    const node = stack.pop();
    if (isAlias(node)) return node;
    const kids: unknown[] = isMap(node) ? node.items.flatMap((p) => [p.key, p.value]) : isSeq(node) ? node.items : [];
    for (let i = kids.length - 1; i >= 0; i--) stack.push(kids[i]);
  }
  return null;
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

/** Each map's pairs by key text (the first pair of a key), built once: locating stays linear. */
const pairIndex = new WeakMap<YAMLMap, Map<string, Pair>>();

function pairByKey(map: YAMLMap, key: string): Pair | undefined {
  let index = pairIndex.get(map);
  if (!index) {
    index = new Map();
    for (const p of map.items as Pair[]) {
      const k = keyText(p.key);
      if (k !== undefined && !index.has(k)) index.set(k, p);
    }
    pairIndex.set(map, index);
  }
  return index.get(key);
}

function find(src: YamlSource, segments: readonly Segment[]): Found {
  let node = src.doc.contents as Node | null;
  let key: Node | null = null;
  let depth = 0;
  for (const seg of segments) {
    if (node instanceof Alias) node = (node.resolve(src.doc) as Node | undefined) ?? null;
    if (isMap(node) && typeof seg === 'string') {
      const pair = pairByKey(node, seg);
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
