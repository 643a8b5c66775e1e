/**
 * The runs table's filter: clauses separated by `,` or ` and `; a clause `FIELD OP VALUE`
 * (OP one of > >= < <= = !=) compares a metric, a run field or a parameter; any other clause is
 * words that must all appear in the run's text (name, label, note, id, description, status,
 * overrides, commit).
 * Pure, so it is tested without a browser.
 */
import type { RunRow } from './types.js';

export type Clause =
  | { readonly kind: 'text'; readonly words: readonly string[] }
  | { readonly kind: 'compare'; readonly field: string; readonly op: '>' | '>=' | '<' | '<=' | '=' | '!='; readonly value: string };

export interface ParsedFilter {
  readonly clauses: readonly Clause[];
}

const COMPARE = /^([A-Za-z][\w.\-[\]]*)\s*(>=|<=|!=|>|<|=)\s*(.+)$/;

export function parseFilter(text: string): ParsedFilter {
  const clauses: Clause[] = [];
  for (const part of text.split(/,|\s+and\s+/i)) {
    const t = part.trim();
    if (!t) continue;
    const m = COMPARE.exec(t);
    if (m) clauses.push({ kind: 'compare', field: m[1]!, op: m[2] as Extract<Clause, { kind: 'compare' }>['op'], value: m[3]!.trim() });
    else clauses.push({ kind: 'text', words: t.toLowerCase().split(/\s+/) });
  }
  return { clauses };
}

/** A field's value in a row: a hold-out metric, a run field, or a resolved-pipeline parameter. */
export function fieldValue(row: RunRow, field: string): string | number | null {
  if (field in row.metrics) return row.metrics[field]!;
  switch (field) {
    case 'name': case 'pipeline': return row.name;
    case 'label': return row.label;
    case 'note': return row.note;
    case 'id': return row.id;
    case 'status': return row.status;
    case 'version': return row.version;
    case 'seconds': case 'duration': return row.seconds;
    case 'n': return row.n;
    case 'objective': return row.objective?.holdout ?? null;
    case 'validation': return row.objective?.validation ?? null;
    case 'commit': return row.git?.commit ?? null;
    case 'trials': return row.trials?.done ?? null;
  }
  if (field in row.params) {
    const v = row.params[field]!;
    const n = Number(v);
    return v !== '' && Number.isFinite(n) ? n : v;
  }
  return null;
}

export function rowText(row: RunRow): string {
  return [row.name, row.id, row.label, row.note, row.description, row.status, row.error?.stage, ...row.overrides, row.git?.commit, row.version === null ? '' : `v${row.version}`].join(' ').toLowerCase();
}

function test(c: Clause, row: RunRow): boolean {
  if (c.kind === 'text') {
    const text = rowText(row);
    return c.words.every((w) => text.includes(w));
  }
  const v = fieldValue(row, c.field);
  if (v === null) return false;
  const target = Number(c.value);
  if (typeof v === 'number' && c.value !== '' && Number.isFinite(target)) {
    switch (c.op) {
      case '>': return v > target;
      case '>=': return v >= target;
      case '<': return v < target;
      case '<=': return v <= target;
      case '=': return v === target;
      case '!=': return v !== target;
    }
  }
  const s = String(v).toLowerCase(), t = c.value.toLowerCase();
  switch (c.op) {
    case '=': return s === t;
    case '!=': return s !== t;
    case '>': return s > t;
    case '>=': return s >= t;
    case '<': return s < t;
    case '<=': return s <= t;
  }
}

/** Rows passing every clause, and the fields no row has (to say so under the box). */
export function applyFilter(rows: readonly RunRow[], filter: ParsedFilter): { rows: RunRow[]; unknown: string[] } {
  const unknown = filter.clauses.flatMap((c) => (c.kind === 'compare' && rows.length > 0 && rows.every((r) => fieldValue(r, c.field) === null) ? [c.field] : []));
  return { rows: rows.filter((r) => filter.clauses.every((c) => test(c, r))), unknown };
}
