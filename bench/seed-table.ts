/**
 * The side-by-side table of the seed protocol: one row per system and seed, then one summary row
 * per system with mean ± spread (sample standard deviation) over its seeds. Pure: formatting only.
 */

/** One system's score on one seed's hold-out. */
export interface SeedRow {
  readonly system: string;
  readonly seed: number;
  readonly f1: number;
  readonly mcc: number;
  readonly fnr: number;
  /** Cracks missed and false alarms on the hold-out. */
  readonly fn: number;
  readonly fp: number;
  readonly positives: number;
  readonly n: number;
  readonly trials: number;
  /** Wall seconds from the photos to the scored model. */
  readonly seconds: number;
  /** Mean 1-minute load average of the machine meanwhile (other users included). */
  readonly load: number;
}

/** Mean and sample standard deviation (0 for one value; NaN for none). */
export function meanSpread(xs: readonly number[]): { readonly mean: number; readonly sd: number } {
  if (xs.length === 0) return { mean: Number.NaN, sd: Number.NaN };
  const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
  if (xs.length === 1) return { mean, sd: 0 };
  const ss = xs.reduce((a, x) => a + (x - mean) ** 2, 0);
  return { mean, sd: Math.sqrt(ss / (xs.length - 1)) };
}

const COLUMNS = ['system', 'seed', 'F1', 'MCC', 'FNR', 'cracks missed', 'false alarms', 'trials', 'seconds', 'load'] as const;

function fmt(x: number, digits: number): string {
  return Number.isFinite(x) ? x.toFixed(digits) : '-';
}

function pm(xs: readonly number[], digits: number): string {
  const { mean, sd } = meanSpread(xs);
  return `${fmt(mean, digits)} ± ${fmt(sd, digits)}`;
}

/**
 * A Markdown table: every row in the order given, then for each system (in order of first
 * appearance) a bold `mean ± sd` row over its seeds, labelled with the number of seeds.
 */
export function seedTable(rows: readonly SeedRow[]): string {
  const out = [`| ${COLUMNS.join(' | ')} |`, `|${COLUMNS.map(() => '---').join('|')}|`];
  for (const r of rows) {
    out.push(`| ${r.system} | ${r.seed} | ${fmt(r.f1, 3)} | ${fmt(r.mcc, 3)} | ${fmt(r.fnr, 3)} | ${r.fn} of ${r.positives} | ${r.fp} of ${r.n - r.positives} | ${r.trials} | ${Math.round(r.seconds)} | ${fmt(r.load, 1)} |`);
  }
  const systems = [...new Set(rows.map((r) => r.system))];
  for (const s of systems) {
    const rs = rows.filter((r) => r.system === s);
    const col = (f: (r: SeedRow) => number, d: number) => pm(rs.map(f), d);
    out.push(`| **${s}, mean ± sd** | ${rs.length} seeds | ${col((r) => r.f1, 3)} | ${col((r) => r.mcc, 3)} | ${col((r) => r.fnr, 3)} | ${col((r) => r.fn, 1)} | ${col((r) => r.fp, 1)} | ${col((r) => r.trials, 1)} | ${col((r) => r.seconds, 0)} | ${col((r) => r.load, 1)} |`);
  }
  return out.join('\n');
}
