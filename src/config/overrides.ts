/**
 * `--set path=value` overrides: parse each argument, apply it to the plain document, and remember
 * where each value came from so an invalid one is reported at the override, not in the file.
 */
import type { Diagnostic } from '../core/diagnostics.js';
import { formatPath, parsePath, PathSyntaxError, type Segment } from './path.js';
import { parseYamlSource, type YamlSource } from './yaml-source.js';

/** File name given to diagnostics about an override's own syntax. */
export const OVERRIDE_FILE = '<--set>';

/**
 * Keys no pipeline has and an override must never write: through them `--set` would reach the
 * object prototype (`__proto__.x=1`, `constructor.prototype.x=1`) instead of the document.
 */
export const FORBIDDEN_KEYS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

/** One applied override: its path (with column of each segment) and the parsed value's source. */
export interface AppliedOverride {
  readonly arg: string;
  readonly segments: readonly Segment[];
  /** 1-based column of each path segment within `arg`. */
  readonly segmentCols: readonly number[];
  /** The value, parsed as YAML, located with file `--set <arg>` and columns within `arg`. */
  readonly source: YamlSource;
}

export interface OverrideResult {
  readonly document: unknown;
  readonly applied: readonly AppliedOverride[];
  readonly diagnostics: readonly Diagnostic[];
}

/**
 * Apply `args` in order to a copy of `document`. A value is YAML (`4`, `cnn`, `{choice: [cnn, mlp]}`);
 * `null`, `~` or nothing after `=` removes the key so its default applies. Missing maps on the way
 * are created; an index may address an existing item or append one (index = length).
 * Problems with an argument itself are reported with file `<--set>` and that argument is skipped.
 */
export function applyOverrides(document: unknown, args: readonly string[]): OverrideResult {
  let doc: unknown = structuredClone(document ?? (args.length > 0 ? {} : document));
  const applied: AppliedOverride[] = [];
  const diagnostics: Diagnostic[] = [];
  for (const arg of args) {
    if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) {
      // NOTE: the file itself is not a map; the schema reports that, and no override can apply.
      diagnostics.push({ code: 'override.syntax', severity: 'error', path: '', file: OVERRIDE_FILE, line: 1, col: 1, message: `--set ${arg}: the pipeline is not a map` });
      continue;
    }
    const fail = (col: number, message: string, path = ''): void => {
      diagnostics.push({ code: 'override.syntax', severity: 'error', path, file: OVERRIDE_FILE, line: 1, col, message: `--set ${arg}: ${message}` });
    };
    let parsed;
    try {
      parsed = parsePath(arg);
    } catch (e) {
      if (e instanceof PathSyntaxError) { fail(e.offset + 1, e.message); continue; }
      throw e;
    }
    const forbidden = parsed.segments.findIndex((s) => typeof s === 'string' && FORBIDDEN_KEYS.has(s));
    if (forbidden >= 0) {
      diagnostics.push({
        code: 'override.forbidden-key', severity: 'error', path: '', file: OVERRIDE_FILE, line: 1, col: parsed.offsets[forbidden]! + 1,
        message: `--set ${arg}: "${String(parsed.segments[forbidden])}" cannot be set (no pipeline key has this name)`,
      });
      continue;
    }
    if (parsed.end >= arg.length || arg[parsed.end] !== '=') { fail(parsed.end + 1, 'expected path=value'); continue; }
    const valueText = arg.slice(parsed.end + 1);
    const source = parseYamlSource(valueText, `--set ${arg}`, parsed.end + 1);
    if (source.diagnostics.some((d) => d.severity === 'error')) {
      for (const d of source.diagnostics) fail(d.col, `value is not valid YAML: ${d.message}`, formatPath(parsed.segments));
      continue;
    }
    const result = setIn(doc, parsed.segments, source.value);
    if (typeof result === 'string') { fail(1, result, formatPath(parsed.segments)); continue; }
    doc = result.root;
    applied.push({ arg, segments: parsed.segments, segmentCols: parsed.offsets.map((o) => o + 1), source });
  }
  return { document: doc, applied, diagnostics };
}

type Container = Record<string, unknown> | unknown[];

/** Set (or with null, delete) the value at `segments`, creating maps on the way; an error message on failure. */
function setIn(root: unknown, segments: readonly Segment[], value: unknown): { root: unknown } | string {
  let node = root as Container;
  for (let i = 0; i < segments.length; i++) {
    const seg = segments[i]!;
    const last = i === segments.length - 1;
    const here = formatPath(segments.slice(0, i)) || 'the pipeline';
    if (Array.isArray(node)) {
      if (typeof seg !== 'number') return `${here} is a list; use an index like [0]`;
      if (seg > node.length) return `${here} has ${node.length} item${node.length === 1 ? '' : 's'}; index ${seg} is past the end`;
    } else if (typeof seg === 'number') return `${here} is a map, not a list`;
    const container = node as Record<string | number, unknown>;
    if (last) {
      if (value !== null) container[seg] = value;
      else if (Array.isArray(node)) node.splice(seg as number, 1);
      else delete container[seg];
      return { root };
    }
    // NOTE: own properties only, so nothing inherited (a prototype's member) is ever walked into.
    let next = Object.hasOwn(container, seg) ? container[seg] : undefined;
    if (next === undefined || next === null) {
      next = typeof segments[i + 1] === 'number' ? [] : {};
      container[seg] = next;
    } else if (typeof next !== 'object') {
      return `${formatPath(segments.slice(0, i + 1))} is ${JSON.stringify(next)}, not a map or list`;
    }
    node = next as Container;
  }
  return { root: value };
}
