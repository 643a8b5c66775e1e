/**
 * Scores `assay predict` output against the class folder each image came from: accuracy,
 * macro-F1 and per-class accuracy (the share of a class's images predicted as that class).
 */
import path from 'node:path';

export interface FashionScore {
  readonly n: number;
  readonly errors: number;
  readonly accuracy: number;
  readonly macroF1: number;
  /** Class -> share of its images predicted as it (its recall). */
  readonly perClass: Readonly<Record<string, number>>;
}

/** Split one CSV line into fields (RFC 4180 quoting: "a,b" and "" inside quotes). */
export function csvFields(line: string): string[] {
  const out: string[] = [];
  let cur = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i]!;
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') { cur += '"'; i++; }
      else if (ch === '"') quoted = false;
      else cur += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') { out.push(cur); cur = ''; }
    else cur += ch;
  }
  out.push(cur);
  return out;
}

/**
 * Score predictions CSV text (`path,probability,prediction,error,...`): the true class of a row
 * is the name of the folder holding its file. A row with `error` filled counts as wrong.
 */
export function scorePredictions(csv: string, classes: readonly string[]): FashionScore {
  const lines = csv.split(/\r?\n/).filter((l) => l.length > 0);
  const header = csvFields(lines[0] ?? '');
  const col = (name: string) => {
    const i = header.indexOf(name);
    if (i < 0) throw new Error(`predictions CSV has no "${name}" column (header: ${header.join(',')})`);
    return i;
  };
  const [pathCol, predCol, errCol] = [col('path'), col('prediction'), col('error')];
  const k = classes.length;
  const index = new Map(classes.map((c, i) => [c, i]));
  const confusion = Array.from({ length: k }, () => new Array<number>(k + 1).fill(0));
  let errors = 0;
  for (const line of lines.slice(1)) {
    const f = csvFields(line);
    const actual = index.get(path.basename(path.dirname(f[pathCol]!)));
    if (actual === undefined) throw new Error(`cannot tell the class of ${f[pathCol]}: its folder is not one of ${classes.join(', ')}`);
    const predicted = f[errCol] ? undefined : index.get(f[predCol]!);
    if (predicted === undefined) errors++;
    confusion[actual]![predicted ?? k]!++;
  }
  const n = lines.length - 1;
  let correct = 0;
  let f1Sum = 0;
  const perClass: Record<string, number> = {};
  classes.forEach((c, i) => {
    const tp = confusion[i]![i]!;
    const support = confusion[i]!.reduce((a, b) => a + b, 0);
    const predictedAs = confusion.reduce((a, row) => a + row[i]!, 0);
    correct += tp;
    perClass[c] = support === 0 ? NaN : tp / support;
    f1Sum += support + predictedAs === 0 ? 0 : (2 * tp) / (support + predictedAs);
  });
  return { n, errors, accuracy: n === 0 ? NaN : correct / n, macroF1: f1Sum / k, perClass };
}
