/**
 * Paths inside a pipeline document, e.g. `features[0].resize.width` or `sampling.counts.no-crack`.
 * One path syntax serves diagnostics, `locate(...)` and `--set` overrides.
 */

/** One step of a path: a map key or an array index. */
export type Segment = string | number;

const PLAIN_KEY = /^[A-Za-z0-9_-]+$/;

/** `['features', 0, 'resize']` -> `features[0].resize`; keys outside [A-Za-z0-9_-] are written `["a.b"]`. */
export function formatPath(segments: readonly Segment[]): string {
  let out = '';
  for (const s of segments) {
    if (typeof s === 'number') out += `[${s}]`;
    else if (PLAIN_KEY.test(s)) out += out === '' ? s : `.${s}`;
    else out += `[${JSON.stringify(s)}]`;
  }
  return out;
}

/** A parsed path with the 0-based offset of each segment in the source text (for locating overrides). */
export interface ParsedPath {
  readonly segments: readonly Segment[];
  readonly offsets: readonly number[];
  /** Where parsing stopped: the end of the text, or the first character outside the path (e.g. `=`). */
  readonly end: number;
}

/** Thrown by {@link parsePath} with the 0-based offset of the problem. */
export class PathSyntaxError extends Error {
  constructor(message: string, readonly offset: number) {
    super(message);
    this.name = 'PathSyntaxError';
  }
}

/**
 * Parse a path, stopping at the first `=` outside brackets. Plain keys may hold any character but
 * `.`, `[`, `]`, `=` and spaces; others are written `["..."]` (JSON string syntax).
 * @throws PathSyntaxError on an empty key, an unclosed bracket or a bad index.
 */
export function parsePath(text: string): ParsedPath {
  const segments: Segment[] = [];
  const offsets: number[] = [];
  let i = 0;
  const plainKey = (): void => {
    const start = i;
    while (i < text.length && !'.[]= '.includes(text[i]!)) i++;
    if (i === start) throw new PathSyntaxError(`expected a key at column ${start + 1}`, start);
    segments.push(text.slice(start, i));
    offsets.push(start);
  };
  plainKey();
  while (i < text.length && text[i] !== '=') {
    if (text[i] === '.') {
      i++;
      plainKey();
    } else if (text[i] === '[') {
      const start = i;
      const quote = text[i + 1] === '"' ? closingQuote(text, i + 1) : 0;
      const close = quote < 0 ? -1 : text.indexOf(']', quote > 0 ? quote : i);
      if (close < 0 || text[close] !== ']') throw new PathSyntaxError(`unclosed "[" at column ${start + 1}`, start);
      const inner = text.slice(start + 1, close);
      if (/^[0-9]+$/.test(inner)) segments.push(Number(inner));
      else if (inner.startsWith('"')) segments.push(JSON.parse(inner) as string);
      else throw new PathSyntaxError(`expected an index or a quoted key inside [] at column ${start + 1}`, start);
      offsets.push(start + 1);
      i = close + 1;
    } else {
      throw new PathSyntaxError(`unexpected "${text[i]}" at column ${i + 1}`, i);
    }
  }
  return { segments, offsets, end: i };
}

/** Index of the `"` closing a JSON string opened at `open`, or -1. */
function closingQuote(text: string, open: number): number {
  for (let i = open + 1; i < text.length; i++) {
    if (text[i] === '\\') i++;
    else if (text[i] === '"') return i;
  }
  return -1;
}

/** JSON pointer (as Ajv reports it) -> segments, deciding index vs key by the data it points into. */
export function pointerToSegments(pointer: string, data: unknown): Segment[] {
  if (pointer === '') return [];
  const out: Segment[] = [];
  let node = data;
  for (const raw of pointer.slice(1).split('/')) {
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (Array.isArray(node)) {
      const index = Number(key);
      out.push(index);
      node = node[index];
    } else {
      out.push(key);
      node = node !== null && typeof node === 'object' ? (node as Record<string, unknown>)[key] : undefined;
    }
  }
  return out;
}

/** True when `prefix` is a prefix of (or equal to) `path`. */
export function startsWith(path: readonly Segment[], prefix: readonly Segment[]): boolean {
  return prefix.length <= path.length && prefix.every((s, i) => s === path[i]);
}
