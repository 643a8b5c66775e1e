/**
 * `assay runs` as a comparison table: one row per run, a column for each parameter that differs
 * between the listed runs, the key hold-out metrics, the status and the hold-out ledger (how many
 * finished runs of the same experiment scored the same hold-out). Filtering (`--where`), sorting
 * and column choice work on the same column names. A row's `started` is the run's ISO timestamp
 * (`--json`); text and Markdown show it in local time to the minute (core/local-time.ts, as the
 * UI does). Pure: it takes run summaries.
 */
import { UsageError } from '../core/errors.js';
import { localMinute } from '../core/local-time.js';
import type { RunSummary } from '../store/run-status.js';
import { flatten } from './flatten.js';

export type Cell = string | number | null;

export interface RunsTable {
  readonly columns: readonly string[];
  readonly rows: readonly Readonly<Record<string, Cell>>[];
  /** Differing parameters left out of the default columns (too many to show). */
  readonly hiddenParams: readonly string[];
}

export interface RunsTableOptions {
  /** Only runs of this pipeline name. */
  readonly pipeline?: string;
  /** Conditions like `f1>0.9`, `status=finished`, `model.training.epochs>=3`; all must hold. */
  readonly where?: readonly string[];
  /** Column to sort by; `-col` or `col:desc` sorts descending. Default: run id (oldest first). */
  readonly sort?: string;
  /** Exactly these columns, in this order. */
  readonly columns?: readonly string[];
  /** Most differing parameters shown by default (default 8). */
  readonly maxParams?: number;
}

/** The hold-out metrics shown by default (plus each run's objective metric). */
export const KEY_METRICS = ['f1', 'mcc', 'fnr'] as const;
const IDENTITY = ['run', 'pipeline', 'version', 'name', 'status'];
const TRAILING = ['scored', 'started', 'note'];
/** Pipeline keys that name or describe rather than configure. */
const NOT_PARAMS = new Set(['name', 'version', 'description', 'assay']);

/** For each run: finished runs of the same pipeline name that scored the same hold-out (ledger). */
export function ledgerCounts(runs: readonly RunSummary[]): Map<string, number> {
  const count = new Map<string, number>();
  for (const r of runs) {
    if (r.status !== 'finished' || r.holdoutFingerprint === null) continue;
    const k = `${r.name}\u0000${r.holdoutFingerprint}`;
    count.set(k, (count.get(k) ?? 0) + 1);
  }
  const out = new Map<string, number>();
  for (const r of runs) {
    if (r.status === 'finished' && r.holdoutFingerprint !== null) out.set(r.dir, count.get(`${r.name}\u0000${r.holdoutFingerprint}`)!);
  }
  return out;
}

function paramsOf(r: RunSummary): Map<string, string> {
  const flat = flatten(r.pipeline ?? {});
  for (const k of [...flat.keys()]) if (NOT_PARAMS.has(k.split(/[.[]/)[0]!)) flat.delete(k);
  return flat;
}

/** Every cell of a run, by column name (all parameters, all hold-out metrics). */
function cellsOf(r: RunSummary, scored: number | null): Record<string, Cell> {
  const cells: Record<string, Cell> = {
    run: r.id, pipeline: r.name, version: r.version, name: r.label, status: r.status,
    scored, started: r.createdAt ?? null, note: r.note,
  };
  for (const [k, v] of paramsOf(r)) cells[k] = v;
  for (const [k, v] of Object.entries(r.metrics)) cells[k] = v;
  return cells;
}

interface Condition { readonly column: string; readonly op: string; readonly value: string }

export function parseCondition(text: string): Condition {
  const m = /^\s*([^<>=!~\s]+)\s*(>=|<=|!=|=|==|>|<|~)\s*(.*?)\s*$/.exec(text);
  if (!m || m[3] === '') throw new UsageError(`--where "${text}": expected COLUMN OP VALUE with OP one of > >= < <= = != ~ (e.g. 'f1>0.9', 'status=finished')`);
  const op = m[2] === '==' ? '=' : m[2]!;
  // NOTE: an ordering holds only between numbers (see holds): a value that is none would silently match no run.
  if (['>', '>=', '<', '<='].includes(op) && !Number.isFinite(Number(m[3]))) throw new UsageError(`--where "${text}": ${op} compares numbers, and ${JSON.stringify(m[3])} is not one`);
  return { column: m[1]!, op, value: m[3]! };
}

function holds(cell: Cell | undefined, c: Condition): boolean {
  if (cell === null || cell === undefined) return c.op === '!=';
  const n = Number(c.value), x = typeof cell === 'number' ? cell : Number(cell);
  const numeric = c.value !== '' && Number.isFinite(n) && Number.isFinite(x) && String(cell).trim() !== '';
  switch (c.op) {
    case '=': return numeric ? x === n : String(cell) === c.value;
    case '!=': return numeric ? x !== n : String(cell) !== c.value;
    case '~': return String(cell).includes(c.value);
    case '>': return numeric && x > n;
    case '>=': return numeric && x >= n;
    case '<': return numeric && x < n;
    case '<=': return numeric && x <= n;
  }
  return false;
}

function compareCells(a: Cell | undefined, b: Cell | undefined): number {
  const na = a === null || a === undefined, nb = b === null || b === undefined;
  if (na || nb) return na === nb ? 0 : na ? 1 : -1; // empty cells last
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  const x = Number(a), y = Number(b);
  if (Number.isFinite(x) && Number.isFinite(y)) return x - y;
  return String(a) < String(b) ? -1 : String(a) > String(b) ? 1 : 0;
}

/** Build the table. Throws UsageError naming the known columns for an unknown one. */
export function runsTable(all: readonly RunSummary[], opts: RunsTableOptions = {}): RunsTable {
  const scored = ledgerCounts(all);
  let runs = opts.pipeline ? all.filter((r) => r.name === opts.pipeline) : [...all];
  let cells = runs.map((r) => cellsOf(r, scored.get(r.dir) ?? null));
  const known = new Set([...IDENTITY, ...TRAILING, ...KEY_METRICS, ...cells.flatMap((c) => Object.keys(c))]);
  const check = (column: string, what: string) => {
    if (!known.has(column)) {
      const metrics = [...new Set(runs.flatMap((r) => Object.keys(r.metrics)))].sort();
      throw new UsageError(`${what} "${column}" is not a column; columns: ${[...IDENTITY, ...TRAILING].join(', ')}, hold-out metrics (${metrics.join(', ') || 'none yet'}) and pipeline parameters such as model.training.epochs`);
    }
  };
  for (const text of opts.where ?? []) {
    const c = parseCondition(text);
    check(c.column, '--where column');
    const keep = cells.map((row) => holds(row[c.column], c));
    runs = runs.filter((_, i) => keep[i]);
    cells = cells.filter((_, i) => keep[i]);
  }
  if (opts.sort) {
    const desc = opts.sort.startsWith('-') || opts.sort.endsWith(':desc');
    const col = opts.sort.replace(/^-/, '').replace(/:(desc|asc)$/, '');
    check(col, '--sort column');
    const order = cells.map((_, i) => i).sort((i, j) => {
      const d = compareCells(cells[i]![col], cells[j]![col]);
      const empty = cells[i]![col] == null || cells[j]![col] == null;
      return (desc && !empty ? -d : d) || i - j;
    });
    cells = order.map((i) => cells[i]!);
    runs = order.map((i) => runs[i]!);
  }
  if (opts.columns) {
    for (const c of opts.columns) check(c, '--columns entry');
    return { columns: opts.columns, rows: cells.map((row) => pick(row, opts.columns!)), hiddenParams: [] };
  }
  // Parameters that differ between the listed runs (present in some, or with different values);
  // a run without a lock (incomplete) has no known parameters and does not count.
  const paramKeys = [...new Set(runs.flatMap((r) => [...paramsOf(r).keys()]))];
  const withParams = cells.filter((_, i) => runs[i]!.pipeline !== null);
  const differing = paramKeys.filter((k) => new Set(withParams.map((row) => String(row[k] ?? '\u0000'))).size > 1).sort();
  const max = opts.maxParams ?? 8;
  const objective = [...new Set(runs.flatMap((r) => (r.objective ? [r.objective.metric] : [])))].filter((m) => !(KEY_METRICS as readonly string[]).includes(m));
  const columns = [
    ...IDENTITY.filter((c) => c !== 'name' || cells.some((row) => row.name !== null)),
    ...differing.slice(0, max), ...objective, ...KEY_METRICS, 'scored', 'started',
    ...(cells.some((row) => row.note !== null) ? ['note'] : []),
  ];
  return { columns, rows: cells.map((row) => pick(row, columns)), hiddenParams: differing.slice(max) };
}

function pick(row: Readonly<Record<string, Cell>>, columns: readonly string[]): Record<string, Cell> {
  return Object.fromEntries(columns.map((c) => [c, row[c] ?? null]));
}

/** A cell as text: metrics to 4 decimals, the ledger count marked when above one, the start in local time to the minute, empty as `-`. */
export function cellText(column: string, cell: Cell): string {
  if (cell === null) return '-';
  if (column === 'started' && typeof cell === 'string') return localMinute(cell);
  if (column === 'scored' && typeof cell === 'number') return cell > 1 ? `${cell}!` : String(cell);
  if (column === 'version' && typeof cell === 'number') return `v${cell}`;
  if (typeof cell === 'number') return Number.isInteger(cell) ? String(cell) : cell.toFixed(4);
  return column === 'note' ? oneLine(cell, 40) : cell;
}

function oneLine(text: string, max: number): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > max ? `${line.slice(0, max - 3)}...` : line;
}

/** Plain text: aligned columns, upper-case headers. */
export function renderRunsText(t: RunsTable): string {
  const head = t.columns.map((c) => (c.includes('.') || c.includes('[') ? c : c.toUpperCase()));
  const body = t.rows.map((row) => t.columns.map((c) => cellText(c, row[c] ?? null)));
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((r) => r[i]!.length)));
  return [head, ...body].map((r) => r.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd()).join('\n') + '\n';
}

/** A Markdown table (for pull requests and notebooks). */
export function renderRunsMarkdown(t: RunsTable): string {
  const esc = (s: string) => s.replace(/\|/g, '\\|');
  const lines = [`| ${t.columns.map(esc).join(' | ')} |`, `|${t.columns.map(() => ' --- ').join('|')}|`];
  for (const row of t.rows) lines.push(`| ${t.columns.map((c) => esc(cellText(c, row[c] ?? null))).join(' | ')} |`);
  return lines.join('\n') + '\n';
}
