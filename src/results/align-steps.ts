/**
 * Parameter changes between two resolved pipelines with the feature steps aligned, so inserting
 * or removing one step reads as one change instead of a shifted tail of false ones
 * (`features[2].normalize.method: standard -> (absent)`, `features[3]...: (absent) -> standard`).
 * Pure.
 */
import { changedKeys, compareKeys, type ValueChange } from './flatten.js';

const canonical = (v: unknown): string => JSON.stringify(v, (_k, x: unknown) =>
  typeof x === 'object' && x !== null && !Array.isArray(x) ? Object.fromEntries(Object.entries(x).sort(([p], [q]) => (p < q ? -1 : p > q ? 1 : 0))) : x) ?? 'null';

/** A step's kind: its `kind` member, its one key (`{resize: {...}}` -> resize), or the value itself for a bare name. */
function kindOf(step: unknown): string {
  if (typeof step !== 'object' || step === null || Array.isArray(step)) return String(step);
  const kind = (step as Record<string, unknown>).kind;
  return typeof kind === 'string' ? kind : (Object.keys(step)[0] ?? '');
}

/** Index pairs (i in a, j in b) of a longest common subsequence of equal items. */
function lcs(a: readonly string[], b: readonly string[]): (readonly [number, number])[] {
  const n = a.length, m = b.length;
  const t = Array.from({ length: n + 1 }, () => new Array<number>(m + 1).fill(0));
  for (let i = n - 1; i >= 0; i--) for (let j = m - 1; j >= 0; j--) t[i]![j] = a[i] === b[j] ? t[i + 1]![j + 1]! + 1 : Math.max(t[i + 1]![j]!, t[i]![j + 1]!);
  const out: (readonly [number, number])[] = [];
  for (let i = 0, j = 0; i < n && j < m;) {
    if (a[i] === b[j]) { out.push([i, j]); i++; j++; } else if (t[i + 1]![j]! >= t[i]![j + 1]!) i++; else j++;
  }
  return out;
}

/**
 * Changes between two step lists under `key`: equal steps are matched (longest common
 * subsequence); between matches, a step of the same kind on both sides is one modified step
 * (its changed leaves under b's index), as are steps left over on both sides (a replacement);
 * any other step is one added (b's index) or removed (a's index) change showing the whole step.
 */
export function stepChanges(a: readonly unknown[], b: readonly unknown[], key = 'features'): ValueChange[] {
  const ca = a.map(canonical), cb = b.map(canonical);
  const matches = [...lcs(ca, cb), [a.length, b.length] as const];
  const out: ValueChange[] = [];
  let i = 0, j = 0;
  for (const [mi, mj] of matches) {
    const gapA = Array.from({ length: mi - i }, (_, k) => i + k);
    const gapB = Array.from({ length: mj - j }, (_, k) => j + k);
    // Pair steps of one kind first, then what is left in order (a replaced step); the rest were
    // inserted or removed.
    const pairs: [number, number][] = [];
    const restB: number[] = [];
    for (const jb of gapB) {
      const at = gapA.findIndex((ia) => kindOf(a[ia]) === kindOf(b[jb]));
      if (at >= 0) pairs.push([gapA.splice(at, 1)[0]!, jb]);
      else restB.push(jb);
    }
    while (gapA.length > 0 && restB.length > 0) pairs.push([gapA.shift()!, restB.shift()!]);
    for (const [ia, jb] of pairs) for (const c of changedKeys(a[ia], b[jb])) out.push({ ...c, key: `${key}[${jb}].${c.key}` });
    for (const jb of restB) out.push({ key: `${key}[${jb}]`, before: null, after: canonical(b[jb]) });
    for (const ia of gapA) out.push({ key: `${key}[${ia}]`, before: canonical(a[ia]), after: null });
    i = mi + 1;
    j = mj + 1;
  }
  return out;
}

/** changedKeys over two resolved pipelines, with `features` aligned step by step. */
export function pipelineChanges(a: unknown, b: unknown): ValueChange[] {
  const stepsOf = (v: unknown) => (typeof v === 'object' && v !== null && Array.isArray((v as Record<string, unknown>).features) ? (v as { features: unknown[] }).features : null);
  const sa = stepsOf(a), sb = stepsOf(b);
  if (sa === null || sb === null) return changedKeys(a, b);
  const rest = (v: unknown) => Object.fromEntries(Object.entries(v as Record<string, unknown>).filter(([k]) => k !== 'features'));
  return [...changedKeys(rest(a), rest(b)), ...stepChanges(sa, sb)].sort((x, y) => compareKeys(x.key, y.key));
}
