/**
 * Mixed CSV data end to end, through the CLI: a generated set (`assay synth --mixed`) whose label
 * needs both the image (a crack-like line) and a column (reading above 5). The two-branch
 * pipeline, an image-only (cnn) and a table-only (mlp) pipeline run on the same CSV; `assay diff`
 * shows the two-branch run ahead of each on the hold-out. Then predict scores the CSV as the run
 * scored its hold-out, rerun --check is identical, and bad input is refused at its line and column
 * (`on-error: skip` for mixed rows is tested in test/unit/data/sources/csv-mixed.test.ts).
 */
import { readFile, realpath, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseCsv } from '../../src/data/sources/csv-table.js';
import { assay, tempProject } from './cli.js';

const pipeline = (name: string, data: string, family: string, features: string, space: string) => `assay: 1
name: ${name}
seed: 4
backend: wasm
data: { source: csv, path: data/mixed.csv, label: label, ${data}, positive: defect }
holdout: { fraction: 0.3 }
split: { validation: 0.25 }
features:
${features}
model:
  family: ${family}
  space: { ${space}learning-rate: 0.01 }
  training: { epochs: 14, batch-size: 32, early-stopping: false }
objective: { metric: f1, threshold: tune }
search: { strategy: random, trials: 1, parallel: 1 }
report: { bootstrap: 100 }
`;

const IMAGE_STEPS = '  - grayscale: {}\n  - normalize: { method: standard }';
const PIPELINES = {
  'both.yaml': pipeline('both', 'image: file, columns: [reading, site]', 'two-branch', `${IMAGE_STEPS}\n  - standardize: { columns: [reading] }`, 'blocks: 2, filters: 6, layers: 1, units: 8, '),
  'image.yaml': pipeline('image', 'image: file', 'cnn', IMAGE_STEPS, 'blocks: 2, filters: 6, '),
  'table.yaml': pipeline('table', 'columns: [reading, site]', 'mlp', '  - standardize: {}', 'layers: 1, units: 8, '),
};

interface JsonRun { run: string; dir: string; metrics: { holdout: { metrics: Record<string, number> } } }
interface DiffJson { metrics: { metric: string; before: number; after: number; change: number; better: boolean | null }[] }

let cwd: string;
const runs: Record<string, JsonRun> = {};

async function runJson(file: string): Promise<JsonRun> {
  const r = await assay(['run', file, '--json', '--quiet'], { cwd });
  expect(r.exitCode, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as JsonRun;
}

beforeAll(async () => {
  cwd = await tempProject(PIPELINES);
  const synth = await assay(['synth', '--mixed', '--out', 'data', '--count', '320', '--size', '16', '--seed', '2'], { cwd });
  expect(synth.exitCode, synth.stderr).toBe(0);
  // NOTE: three processes at once on two cores: the table run is short.
  [runs.both, runs.image, runs.table] = await Promise.all([runJson('both.yaml'), runJson('image.yaml'), runJson('table.yaml')]);
}, 120_000);

describe('mixed image + table data', () => {
  it('the two-branch model beats image-only and table-only on the hold-out, as assay diff shows', async () => {
    const f1 = (k: string) => runs[k]!.metrics.holdout.metrics['f1']!;
    // Alone, a part tells at best "maybe" (about half of the line images, and half of the high readings, are defects).
    expect(f1('image')).toBeLessThan(0.8);
    expect(f1('table')).toBeLessThan(0.8);
    expect(f1('both')).toBeGreaterThan(0.88);
    const diffs = await Promise.all(['image', 'table'].map((other) => assay(['diff', runs[other]!.run, runs.both!.run, '--json'], { cwd })));
    diffs.forEach((d, k) => {
      const other = k === 0 ? 'image' : 'table';
      expect(d.exitCode, d.stderr).toBe(0);
      const diff = JSON.parse(d.stdout) as DiffJson;
      const m = diff.metrics.find((x) => x.metric === 'f1')!;
      expect(m.before).toBeCloseTo(f1(other), 10);
      expect(m.after).toBeCloseTo(f1('both'), 10);
      expect(m.change).toBeGreaterThan(0.15);
      expect(m.better).toBe(true);
    });
  });

  it('the row part goes through the table steps: site is one-hot coded by a step fitted on the training rows, preprocess.json lists the data columns', async () => {
    interface Pre { input: string; columns: string[]; layout: { image: number[]; columns: number }; fitted: { table: { steps: { kind: string; names?: string[]; categories?: string[][] }[] } } }
    const pre = JSON.parse(await readFile(path.join(runs.both!.dir, 'model', 'preprocess.json'), 'utf8')) as Pre;
    expect(pre.input).toBe('mixed');
    expect(pre.columns).toEqual(['reading', 'site']);
    expect(pre.fitted.table.steps.map((s) => s.kind)).toEqual(['one-hot', 'standardize']);
    expect(pre.fitted.table.steps[0]).toMatchObject({ names: ['site'], categories: [['a', 'b', 'c']] });
    // reading, then site=a, site=b, site=c after the image's 16x16x1 values.
    expect(pre.layout).toEqual({ image: [16, 16, 1], columns: 4 });
  });

  it('the report\'s error gallery shows each image with its row\'s CSV cells', async () => {
    const html = await readFile(path.join(runs.both!.dir, 'report.html'), 'utf8');
    const csv = parseCsv(await readFile(path.join(cwd, 'data', 'mixed.csv'), 'utf8'), 'mixed.csv');
    const [file, reading, site] = ['file', 'reading', 'site'].map((c) => csv.header.indexOf(c));
    const shown = [...html.matchAll(/<div class="ref">#\d+ ([^<]+)<\/div>.*?<table class="cells">(.*?)<\/table>/g)];
    expect(shown.length).toBeGreaterThan(0);
    expect(shown.length).toBe(html.match(/<div class="ref">/g)!.length);
    for (const [, ref, cells] of shown) {
      const row = csv.rows.find((r) => r[file!] === ref)!;
      expect(cells).toBe(`<tr><th>reading</th><td>${row[reading!]}</td></tr><tr><th>site</th><td>${row[site!]}</td></tr>`);
    }
    expect(await readFile(path.join(runs.both!.dir, 'report.md'), 'utf8')).toMatch(/\| Row \|[\s\S]*\| reading=[^,|]+, site=[abc] \|/);
  });

  it('predict scores the mixed CSV as the run scored its hold-out, bad rows located; rerun --check is identical', async () => {
    const text = await readFile(path.join(cwd, 'data', 'mixed.csv'), 'utf8');
    // A link inside the CSV's folder whose target lies outside it is refused like ../ (the real path must stay inside).
    await writeFile(path.join(cwd, 'outside.png'), await readFile(path.join(cwd, 'data', 'images', '00001.png')));
    await symlink(path.join(cwd, 'outside.png'), path.join(cwd, 'data', 'images', 'leak.png'));
    await writeFile(path.join(cwd, 'data', 'new.csv'), `${text}images/00002.png,7,zz,ok\nimages/nope.png,7,a,ok\n../../etc/passwd,7,a,ok\nimages/leak.png,7,a,ok\nimages/00001.png,oops,a,ok\n`);
    await writeFile(path.join(cwd, 'data', 'short.csv'), 'file,site\nimages/00001.png,a\n');
    const [out, short, check] = await Promise.all([
      assay(['predict', runs.both!.run, 'data/new.csv', '--out', 'scores.csv'], { cwd }),
      assay(['predict', runs.both!.run, 'data/short.csv'], { cwd }),
      assay(['rerun', runs.both!.run, '--check'], { cwd }),
    ]);
    expect(check.exitCode, check.stdout + check.stderr).toBe(0);
    expect(check.stdout + check.stderr).toMatch(/identical/);
    expect(short.exitCode).toBe(2);
    expect(short.stderr).toContain("short.csv lacks column(s) reading that the run's model takes");
    // Four rows with errors: exit 1, the others scored.
    expect(out.exitCode, out.stderr).toBe(1);
    // A site the training rows never held is coded all-zero, counted, and the row still scored.
    expect(out.stderr).toContain('warning: column site: 1 row(s) hold categories the run never saw ("zz"); they are coded all-zero');
    const scores = parseCsv(await readFile(path.join(cwd, 'scores.csv'), 'utf8'), 'scores.csv');
    expect(scores.rows).toHaveLength(325);
    expect(scores.rows[320]![1]).toMatch(/^\d/);
    expect(scores.rows[320]![3]).toBe('');
    expect(scores.rows.slice(-4).map((r) => r.slice(1))).toEqual([
      ['', '', 'line 323, column file (1): image images/nope.png does not exist'],
      ['', '', 'line 324, column file (1): image path "../../etc/passwd" leaves the CSV file\'s folder (paths are relative to it and must stay inside)'],
      ['', '', `line 325, column file (1): image path "images/leak.png" is a symbolic link (or passes through one) to ${await realpath(path.join(cwd, 'outside.png'))}, outside the CSV file's folder (images must stay inside it, links followed)`],
      ['', '', 'line 326, column reading (2): "oops" is not a number (the column is numeric)'],
    ]);
    const held = parseCsv(await readFile(path.join(runs.both!.dir, 'predictions.csv'), 'utf8'), 'predictions.csv', { formulaEscaped: true });
    const csv = parseCsv(text, 'mixed.csv');
    const lineOf = new Map(csv.rows.map((r, k) => [r[0]!, csv.line[k]!]));
    const byLine = new Map(scores.rows.map((r) => [Number(r[0]!.split(':').pop()), r]));
    expect(held.rows.length).toBe(96);
    for (const h of held.rows) {
      const s = byLine.get(lineOf.get(h[0]!)!)!;
      expect(Number(s[1])).toBeCloseTo(Number(h[3]), 6);
      expect(s[2]).toBe(h[4]);
    }
  });

  it('refuses a run on a missing column, a non-numeric value, a missing image or an escaping path (exit 2, at the CSV line and column)', async () => {
    const text = await readFile(path.join(cwd, 'data', 'mixed.csv'), 'utf8');
    const cases: [string, string, RegExp][] = [
      ['missing.csv', text.replace('file,reading,site,label', 'file,value,site,label'), /error\[data\.csv-column\] data\/missing\.csv lacks column reading/],
      ['value.csv', `${text}images/00001.png,n/a,a,ok\n`, /error\[data\.csv-value\] data\/value\.csv line 322, column reading \(2\): "n\/a" is not a number \(the column is numeric\)/],
      ['image.csv', `${text}images/gone.png,3,a,ok\n`, /error\[data\.unreadable\] data\/image\.csv line 322, column file \(1\): image images\/gone\.png: cannot read/],
      ['escape.csv', `${text}../../etc/passwd,3,a,ok\n`, /error\[data\.csv-value\] data\/escape\.csv line 322, column file \(1\): image path "\.\.\/\.\.\/etc\/passwd" leaves the CSV file's folder/],
    ];
    for (const [file, body] of cases) await writeFile(path.join(cwd, 'data', file), body);
    const results = await Promise.all(cases.map(([file]) => assay(['run', 'both.yaml', '--set', `data.path=data/${file}`], { cwd })));
    results.forEach((r, k) => {
      expect(r.exitCode, `${cases[k]![0]}: ${r.stderr}`).toBe(2);
      expect(r.stderr).toMatch(cases[k]![2]);
      expect(r.stderr).toContain('no run folder was written');
    });
  });

  it('validation ties two-branch to mixed data, and takes augment on it (the image part)', async () => {
    await writeFile(path.join(cwd, 'wrong.yaml'), PIPELINES['image.yaml'].replace('family: cnn', 'family: two-branch').replace('blocks: 2, filters: 6, ', ''));
    await writeFile(path.join(cwd, 'single.yaml'), PIPELINES['both.yaml'].replace('family: two-branch', 'family: cnn').replace('layers: 1, units: 8, ', '').replace('  - grayscale: {}', '  - grayscale: {}\n  - augment: { flip-horizontal: true }'));
    const r = await assay(['validate', 'wrong.yaml', 'single.yaml', '--no-data'], { cwd });
    expect(r.exitCode).toBe(2);
    expect(r.stdout + r.stderr).toContain('error[semantic.family-data] the two-branch family needs csv data with an image column and feature columns');
    expect(r.stdout + r.stderr).toContain('error[semantic.family-data] this csv data is mixed (an image column and feature columns), which only the two-branch family takes (not cnn)');
    expect(r.stdout + r.stderr).not.toContain('augment');
    await writeFile(path.join(cwd, 'augmented.yaml'), PIPELINES['both.yaml'].replace('  - grayscale: {}', '  - grayscale: {}\n  - augment: { flip-horizontal: true, brightness: 0.1 }'));
    const ok = await assay(['validate', 'augmented.yaml', '--no-data'], { cwd });
    expect(ok.exitCode, ok.stdout + ok.stderr).toBe(0);
  });
});
