/**
 * Data-dependent checks, run once the data's class counts are known: requested hold-out and
 * sampling counts against what the data has, located at the key that asks for them.
 */
import type { Diagnostic } from '../core/diagnostics.js';
import type { ClassName, HoldoutSpec, PipelineSpec } from '../core/spec.js';
import { formatPath, type Segment } from './path.js';
import { declaredClasses } from './semantic.js';

type Counts = Readonly<Record<ClassName, number>>;

/**
 * Per-class items left for sampling after the hold-out, as the hold-out is specified: a `counts`
 * hold-out takes exactly its counts; a `fraction` hold-out takes `Math.round(n * fraction)` of each
 * class (exact when stratified, the expectation otherwise).
 */
export function expectedAfterHoldout(holdout: HoldoutSpec, available: Counts): Record<ClassName, number> {
  const out: Record<ClassName, number> = {};
  for (const [c, n] of Object.entries(available)) {
    const taken = holdout.kind === 'counts' ? (holdout.counts[c] ?? 0) : Math.round(n * holdout.fraction);
    out[c] = Math.max(0, n - taken);
  }
  return out;
}

/**
 * Problems of `spec` given the items per class the data has (`available`, before the hold-out):
 * empty classes, hold-out counts the data cannot give, sampling counts (or ratio with total) that
 * ask for more than remains after the hold-out, and splits that cannot put a class on both sides.
 * Pass `afterHoldout` once the hold-out is carved to check against the exact remainder.
 * `locate` is LoadOk.locate; `file` names the pipeline for locations that carry no file.
 */
export function countsDiagnostics(
  spec: PipelineSpec,
  available: Counts,
  locate: (path: string) => { readonly line: number; readonly col: number; readonly file?: string },
  file: string,
  afterHoldout?: Counts,
): Diagnostic[] {
  const out: Diagnostic[] = [];
  const at = (segs: readonly Segment[], code: string, message: string, hint?: string): void => {
    const path = formatPath(segs);
    const p = locate(path);
    out.push({ code, severity: 'error', path, file: p.file ?? file, line: p.line, col: p.col, message, ...(hint ? { hint } : {}) });
  };
  const tabular = spec.data.source === 'csv' && spec.data.image === undefined;
  const items = (n: number, c: string): string => `${n} ${c} ${tabular ? (n === 1 ? 'row' : 'rows') : n === 1 ? 'image' : 'images'}`;
  const classes = declaredClasses(spec.data) ?? Object.keys(available);
  const have = (c: string): number => available[c] ?? 0;

  for (const c of classes) {
    if (have(c) > 0) continue;
    const segs = spec.data.source === 'image-folder' ? ['data', 'classes', c] : spec.data.source === 'synthetic-cracks' ? ['data', 'counts', c] : ['data'];
    at(segs, 'data.empty-class', `class ${c} has no items in the data`);
  }
  if (spec.holdout.kind === 'counts') {
    for (const [c, n] of Object.entries(spec.holdout.counts)) {
      if (n >= have(c)) at(['holdout', 'counts', c], 'data.counts', `holdout.counts.${c} asks for ${items(n, c)} but the data has only ${have(c)}, and some must remain for training`);
    }
  }
  const remain = afterHoldout ?? expectedAfterHoldout(spec.holdout, available);
  const left = (c: string): number => remain[c] ?? 0;
  let sampled: Record<ClassName, number> = Object.fromEntries(classes.map((c) => [c, left(c)]));
  const s = spec.sampling;
  if (s.kind === 'counts') {
    // NOTE: counts are exact; the hint names the form that adapts to a folder of another size.
    const total = Object.values(s.counts).reduce((a, b) => a + b, 0);
    const hint = `to keep these proportions with what a folder has, write sampling: { ratio: { ${Object.entries(s.counts).map(([c, n]) => `${c}: ${n}`).join(', ')} }, at-most: ${total} }`;
    for (const [c, n] of Object.entries(s.counts)) {
      if (n > left(c)) at(['sampling', 'counts', c], 'data.counts', `sampling.counts.${c} asks for ${items(n, c)} but only ${left(c)} remain after the hold-out`, hint);
    }
    sampled = { ...s.counts };
  } else if (s.kind === 'ratio') {
    const entries = Object.entries(s.ratio);
    const sum = entries.reduce((a, [, r]) => a + r, 0);
    if (s.total !== undefined) {
      const total = s.total;
      for (const [c, r] of entries) {
        const need = Math.round((total * r) / sum);
        if (need > left(c)) at(['sampling', 'total'], 'data.counts', `sampling.total ${total} at this ratio needs ${items(need, c)} but only ${left(c)} remain after the hold-out`);
      }
      sampled = Object.fromEntries(entries.map(([c, r]) => [c, Math.round((total * r) / sum)]));
    } else if (s.atMost !== undefined && entries.every(([c, r]) => Math.round((s.atMost! * r) / sum) <= left(c))) {
      // `at-most` that every class can give: `total` items (no shortfall to report).
      sampled = Object.fromEntries(entries.map(([c, r]) => [c, Math.round((s.atMost! * r) / sum)]));
    } else {
      // Without `total`, or `at-most` that some class cannot give: whole units of the ratio (capped at `at-most`).
      const cap = (c: string, r: number): number => (s.atMost === undefined ? Infinity : Math.round((s.atMost * r) / sum));
      const scale = Math.min(...entries.map(([c, r]) => left(c) / r));
      const empty = entries.filter(([c]) => left(c) === 0);
      for (const [c] of empty) at(['sampling', 'ratio', c], 'data.counts', `sampling.ratio asks for ${c} items but none remain after the hold-out`);
      for (const [c, r] of empty.length > 0 ? [] : entries) {
        if (Math.floor(scale * r) < 1) at(['sampling', 'ratio', c], 'data.counts', `sampling.ratio leaves no ${c} items: the scarcest class allows ${Math.floor(scale * r * 1000) / 1000} at this ratio`);
      }
      sampled = Object.fromEntries(entries.map(([c, r]) => [c, Math.min(cap(c, r), Math.floor(scale * r))]));
    }
  }
  for (const [c, n] of Object.entries(sampled)) {
    if (n < 1) continue;
    // NOTE: located at the number that made the class this small, when the pipeline gives one.
    const cause: Segment[] = s.kind === 'counts' ? ['sampling', 'counts', c] : s.kind === 'ratio' ? ['sampling', 'ratio', c] : ['split', 'validation'];
    if (spec.split.kind === 'fraction' && n < 2) at(cause, 'data.counts', `class ${c} has only ${items(n, c)} to split, so training or validation gets none`);
    if (spec.split.kind === 'k-fold' && n < spec.split.folds) at(['split', 'folds'], 'data.counts', `split.folds ${spec.split.folds} needs at least that many ${c} items; only ${items(n, c)} remain`);
  }
  return out;
}
