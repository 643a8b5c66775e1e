/**
 * Where a path of the (overridden) document came from: the pipeline file, or a `--set` argument
 * whose path covers it (the last such argument wins, as it did when applied).
 */
import type { AppliedOverride } from './overrides.js';
import { parsePath, startsWith, type Segment } from './path.js';
import { locateIn, type Position, type YamlSource } from './yaml-source.js';

/** Locates paths for diagnostics: at a key (unknown key, missing key) or at a value (wrong type, out of range). */
export interface Locator {
  key(segments: readonly Segment[]): Position;
  value(segments: readonly Segment[]): Position;
}

export function createLocator(file: YamlSource, overrides: readonly AppliedOverride[]): Locator {
  const at = (segments: readonly Segment[], want: 'key' | 'value'): Position => {
    for (let i = overrides.length - 1; i >= 0; i--) {
      const o = overrides[i]!;
      if (!startsWith(segments, o.segments)) continue;
      const rest = segments.slice(o.segments.length);
      if (rest.length === 0 && want === 'key') {
        return { file: o.source.file, line: 1, col: o.segmentCols[o.segmentCols.length - 1]! };
      }
      const p = locateIn(o.source, rest, want);
      return { file: p.file, line: p.line, col: p.col };
    }
    const p = locateIn(file, segments, want);
    return { file: p.file, line: p.line, col: p.col };
  };
  return { key: (s) => at(s, 'key'), value: (s) => at(s, 'value') };
}

/**
 * The public `locate(path)`: the key that holds `path` (or the item, for a list index), as deep as
 * it exists. A path that does not parse locates the document start.
 */
export function locatePath(locator: Locator, path: string): Position {
  let segments: readonly Segment[] = [];
  try {
    segments = parsePath(path).segments;
  } catch {
    segments = [];
  }
  return locator.key(segments);
}
