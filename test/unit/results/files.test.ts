import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { listImageFiles } from '../../../src/results/walk-images.js';
import { formatPredictCsv } from '../../../src/results/predict-csv.js';
import { parsePredictionsCsv } from '../../../src/results/run-files.js';
import { csvCell, parseCsv } from '../../../src/data/sources/csv-table.js';

let tmp: string;
beforeEach(async () => { tmp = await mkdtemp(path.join(tmpdir(), 'assay-files-')); });
afterEach(async () => { await rm(tmp, { recursive: true, force: true }); });

describe('listImageFiles', () => {
  it('walks folders recursively in sorted order for image extensions, keeps named files and reports missing paths in place', async () => {
    for (const f of ['imgs/b/2.PNG', 'imgs/b/1.jpg', 'imgs/a.webp', 'imgs/notes.txt', 'imgs/c/d/e.jpeg', 'empty/readme.md', 'odd.gif']) {
      await mkdir(path.join(tmp, path.dirname(f)), { recursive: true });
      await writeFile(path.join(tmp, f), 'x');
    }
    await symlink(path.join(tmp, 'imgs', 'c'), path.join(tmp, 'imgs', 'link'));
    const l = await listImageFiles(['odd.gif', 'nope.jpg', 'imgs', 'empty'], tmp);
    expect(l.files.map((f) => [f.path, f.problem])).toEqual([
      ['odd.gif', null],
      ['nope.jpg', 'no such file or folder'],
      ['imgs/a.webp', null],
      ['imgs/b/1.jpg', null],
      ['imgs/b/2.PNG', null],
      ['imgs/c/d/e.jpeg', null],
      ['imgs/link/d/e.jpeg', null],
    ]);
    expect(l.files[2]!.abs).toBe(path.join(tmp, 'imgs', 'a.webp'));
    expect(l.empty).toEqual(['empty']);
  });
});

describe('CSV', () => {
  it('quotes cells with commas and quotes, and parses them back', () => {
    const csv = formatPredictCsv([
      { path: 'a,b.jpg', probability: 0.123456789123, prediction: 'crack', error: null },
      { path: 'say "x".png', probability: null, prediction: null, error: 'cannot decode: bad, very bad' },
    ]);
    expect(csv).toBe('path,probability,prediction,error\n"a,b.jpg",0.123456789,crack,\n"say ""x"".png",,,"cannot decode: bad, very bad"\n');
    expect(parseCsv(csv, 'out.csv').rows[1]).toEqual(['say "x".png', '', '', 'cannot decode: bad, very bad']);
  });

  it('parses predictions.csv by header name and rejects a malformed row with its line number', () => {
    const rows = parsePredictionsCsv('ref,id,label,probability,prediction\n"c,1.jpg",h1,crack,0.5,crack\n');
    expect(rows).toEqual([{ ref: 'c,1.jpg', id: 'h1', label: 'crack', probabilityText: '0.5', probability: 0.5, prediction: 'crack' }]);
    expect(() => parsePredictionsCsv('ref,id,label,probability,prediction\nx,h,crack,,crack\n')).toThrow('predictions.csv line 2 is malformed');
    expect(() => parsePredictionsCsv('ref,id,label,prediction\n')).toThrow('no "probability" column');
  });

  it('reads back a ref holding a comma, a quote and a line break, as the writer quoted it', () => {
    const ref = 'odd, "name"\nwith break.jpg';
    const text = `ref,id,label,probability,prediction\n${csvCell(ref)},h1,crack,0.25,no-crack\nplain.jpg,h2,no-crack,0.75,crack\n`;
    const rows = parsePredictionsCsv(text);
    expect(rows.map((r) => r.ref)).toEqual([ref, 'plain.jpg']);
    expect(() => parsePredictionsCsv('ref,id,label,probability,prediction\n"a\nb",h,crack,x,crack\n')).toThrow('predictions.csv line 2 is malformed');
  });
  it('escapes cells a spreadsheet would run as formulas, and reads them back to the same strings', () => {
    const refs = ['=HYPERLINK("http://x","y").jpg', '+1.png', '-2,3.png', '@SUM(A1).png', '\tt.png', "'=already.png", "''+two.png", "it's.png", "'plain.png"];
    const csv = formatPredictCsv(refs.map((r) => ({ path: r, probability: 0.5, prediction: '-1', error: null })));
    const cells = parseCsv(csv, 'out.csv').rows.map((r) => r[0]);
    // Read as a spreadsheet would (no unescaping): nothing starts with a formula character.
    for (const c of cells) expect(c).not.toMatch(/^[=+\-@\t\r]/);
    expect(cells).toEqual(["'=HYPERLINK(\"http://x\",\"y\").jpg", "'+1.png", "'-2,3.png", "'@SUM(A1).png", "'\tt.png", "''=already.png", "'''+two.png", "it's.png", "'plain.png"]);
    expect(parseCsv(csv, 'out.csv').rows[0]![2]).toBe("'-1");
    // The project's reader of its own files gives back every string exactly.
    const text = `ref,id,label,probability,prediction\n${refs.map((r, k) => `${csvCell(r)},h${k},${csvCell('-1')},0.25,${csvCell('+1')}`).join('\n')}\n`;
    const rows = parsePredictionsCsv(text);
    expect(rows.map((r) => r.ref)).toEqual(refs);
    expect(rows.map((r) => [r.label, r.prediction])).toEqual(refs.map(() => ['-1', '+1']));
  });
});
