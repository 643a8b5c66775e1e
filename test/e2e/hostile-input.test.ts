/**
 * Hostile and broken input through the CLI: every case ends in a located error and exit 2, no
 * run folder, no stack trace, and no hang.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { copyFile, cp, lstat, mkdir, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assay, tempProject, TINY_PIPELINE } from './cli.js';

const FOLDER = TINY_PIPELINE.replace(/data:\n(  .*\n)+/, 'data:\n  source: image-folder\n  path: imgs\n  classes: { crack: crack, no-crack: no-crack }\n  positive: crack\n');
const posix = process.platform !== 'win32';
const NO_TRACE = /unexpected error|\n\s+at |EPIPE/;

/** Run folders under runs/ (the cache and runs/.gitignore aside): a refused run leaves none. */
async function runFolders(cwd: string): Promise<string[]> {
  return (await readdir(path.join(cwd, 'runs')).catch(() => [] as string[])).filter((n) => !n.startsWith('.'));
}

describe('data problems are refused before anything is written', () => {
  let cwd: string;
  beforeAll(async () => {
    cwd = await tempProject({ 'folder.yaml': FOLDER });
    const { writeSyntheticFolder } = await import('../../src/data/synth.js');
    await writeSyntheticFolder(path.join(cwd, 'imgs'), { counts: { crack: 6, 'no-crack': 6 }, size: 16, seed: 3, hardNegatives: 0 });
  });
  afterAll(async () => rm(cwd, { recursive: true, force: true }));

  it('locates a missing folder at data.path and a missing class folder at its class, exit 2, no run folder', async () => {
    const missing = await assay(['run', 'folder.yaml', '--set', 'data.path=nope'], { cwd });
    expect(missing.exitCode).toBe(2);
    expect(missing.stderr).toMatch(/^--set data\.path=nope:1:6 error\[data\.missing\] image folder nope does not exist/m);
    expect(missing.stderr).toContain('1 problem found; no run folder was written.');
    const file = await assay(['run', 'folder.yaml', '--set', 'data.path=folder.yaml'], { cwd });
    expect(file.exitCode).toBe(2);
    expect(file.stderr).toMatch(/^--set data\.path=folder\.yaml:1:6 error\[data\.missing\] data\.path folder\.yaml is a file, not a folder of class folders$/m);
    const cls = await assay(['run', 'folder.yaml', '--set', 'data.classes.crack=gone'], { cwd });
    expect(cls.exitCode).toBe(2);
    expect(cls.stderr).toMatch(/^--set data\.classes\.crack=gone:1:14 error\[data\.missing\] class crack: folder gone\/ is missing under imgs$/m);
    for (const r of [missing, file, cls]) expect(r.stderr).not.toMatch(NO_TRACE);
    expect(await runFolders(cwd)).toEqual([]);
  });

  it('locates an empty class and a class of only corrupt images at data.classes.<class>, exit 2, no run folder', async () => {
    await mkdir(path.join(cwd, 'imgs', 'empty'), { recursive: true });
    const empty = await assay(['run', 'folder.yaml', '--set', 'data.classes.crack=empty'], { cwd });
    expect(empty.exitCode).toBe(2);
    expect(empty.stderr).toMatch(/^--set data\.classes\.crack=empty:1:14 error\[data\.empty-class\] class crack: folder empty\/ holds no \.jpg\/\.jpeg\/\.png\/\.webp files$/m);
    await mkdir(path.join(cwd, 'imgs', 'junk'), { recursive: true });
    for (const n of ['a.png', 'b.jpg']) await writeFile(path.join(cwd, 'imgs', 'junk', n), 'not an image');
    for (const onError of ['skip', 'fail']) {
      const r = await assay(['run', 'folder.yaml', '--set', 'data.classes.crack=junk', '--set', `data.on-error=${onError}`], { cwd });
      expect(r.exitCode).toBe(2);
      expect(r.stderr).toMatch(/^--set data\.classes\.crack=junk:1:14 error\[data\.empty-class\] class crack has no usable image: all 2 of its files could not be decoded: junk\/a\.png \(cannot decode: .*\), junk\/b\.jpg/m);
      expect(r.stderr).not.toMatch(NO_TRACE);
    }
    expect(await runFolders(cwd)).toEqual([]);
  });

  it.runIf(posix)('names a FIFO and a link to /dev/zero in a class folder instead of hanging or filling memory', async () => {
    execFileSync('mkfifo', [path.join(cwd, 'imgs', 'crack', 'x.jpg')]);
    await symlink('/dev/zero', path.join(cwd, 'imgs', 'no-crack', 'zero.png'));
    try {
      const r = await assay(['run', 'folder.yaml'], { cwd, timeoutMs: 30_000 });
      expect(r.exitCode).toBe(2);
      expect(r.stderr).toMatch(/^folder\.yaml:9:14 error\[data\.unreadable\] class crack: 1 file cannot be read: crack\/x\.jpg \(not a regular file \(a FIFO\)\)/m);
      expect(r.stderr).toMatch(/^folder\.yaml:9:28 error\[data\.unreadable\] class no-crack: 1 file cannot be read: no-crack\/zero\.png \(not a regular file \(a character device\)\)/m);
      expect(await runFolders(cwd)).toEqual([]);
    } finally {
      await rm(path.join(cwd, 'imgs', 'crack', 'x.jpg'));
      await rm(path.join(cwd, 'imgs', 'no-crack', 'zero.png'));
    }
  });

  it('bounds the bytes read per file by ASSAY_MAX_FILE_BYTES, and refuses a value that is not a size', async () => {
    const small = await assay(['run', 'folder.yaml'], { cwd, env: { ASSAY_MAX_FILE_BYTES: '10' } });
    expect(small.exitCode).toBe(2);
    expect(small.stderr).toMatch(/^folder\.yaml:9:14 error\[data\.empty-class\] class crack has no readable image: 6 files cannot be read: crack\/00000\.png \(\d+ bytes, more than the limit of 10 bytes per file \(set ASSAY_MAX_FILE_BYTES to raise it\)\)/m);
    const bad = await assay(['run', 'folder.yaml'], { cwd, env: { ASSAY_MAX_FILE_BYTES: 'lots' } });
    expect(bad.exitCode).toBe(2);
    expect(bad.stderr).toContain('assay: error[usage] ASSAY_MAX_FILE_BYTES=lots is not a size');
    for (const r of [small, bad]) expect(r.stderr).not.toMatch(NO_TRACE);
    expect(await runFolders(cwd)).toEqual([]);
  });

  it('validate checks that the data paths exist, unless --no-data', async () => {
    const r = await assay(['validate', 'folder.yaml', '--set', 'data.path=nope'], { cwd });
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toMatch(/^--set data\.path=nope:1:6 error\[data\.missing\] image folder nope does not exist/m);
    const cls = await assay(['validate', 'folder.yaml', '--set', 'data.classes.no-crack=gone'], { cwd });
    expect(cls.stderr).toMatch(/^--set data\.classes\.no-crack=gone:1:14 error\[data\.missing\] class no-crack: folder gone\/ is missing under imgs$/m);
    const skipped = await assay(['validate', 'folder.yaml', '--no-data', '--set', 'data.path=nope'], { cwd });
    expect(skipped.exitCode, skipped.stderr).toBe(0);
    expect(skipped.stdout).toBe('folder.yaml: ok');
    expect((await assay(['validate', 'folder.yaml'], { cwd })).exitCode).toBe(0);
  });
});

/** Every file outside runs/ (the runs folder holds the cache too), with its size: a refused run changes none. */
async function outsideRuns(cwd: string): Promise<string[]> {
  const out: string[] = [];
  const walk = async (dir: string): Promise<void> => {
    for (const e of await readdir(dir, { withFileTypes: true })) {
      const rel = path.relative(cwd, path.join(dir, e.name));
      if (rel === 'runs') continue;
      if (e.isDirectory()) await walk(path.join(dir, e.name));
      else out.push(`${rel} ${(await lstat(path.join(dir, e.name))).size}`);
    }
  };
  await walk(cwd);
  return out.sort();
}

describe('data the run cannot use is refused at the key it belongs to, exit 2', () => {
  const NO_RESIZE = FOLDER.replace('  - resize: { width: 24, height: 24 }\n', '');
  const CSV = TINY_PIPELINE.replace(/data:\n(  .*\n)+/, 'data: { source: csv, path: c/d.csv, label: label, image: file, classes: [crack, no-crack], positive: crack }\n');
  let cwd: string;
  beforeAll(async () => {
    cwd = await tempProject({ 'folder.yaml': FOLDER, 'noresize.yaml': NO_RESIZE, 'csv.yaml': CSV });
    const { writeSyntheticFolder } = await import('../../src/data/synth.js');
    await writeSyntheticFolder(path.join(cwd, 'imgs'), { counts: { crack: 10, 'no-crack': 10 }, size: 16, seed: 3, hardNegatives: 0 });
    const { default: sharp } = await import('sharp');
    await mkdir(path.join(cwd, 'imgs', 'odd'));
    for (const n of ['00000', '00001', '00002']) await copyFile(path.join(cwd, 'imgs', 'crack', `${n}.png`), path.join(cwd, 'imgs', 'odd', `${n}.png`));
    await sharp({ create: { width: 20, height: 20, channels: 3, background: '#808080' } }).png().toFile(path.join(cwd, 'imgs', 'odd', '00003.png'));
    await mkdir(path.join(cwd, 'c'));
    for (const n of ['00000', '00001', '00002', '00003', '00004', '00005']) {
      await copyFile(path.join(cwd, 'imgs', 'crack', `${n}.png`), path.join(cwd, 'c', `c${n}.png`));
      await copyFile(path.join(cwd, 'imgs', 'no-crack', `${n}.png`), path.join(cwd, 'c', `n${n}.png`));
    }
  });
  afterAll(async () => rm(cwd, { recursive: true, force: true }));

  /** Run assay; assert exit 2, no stack trace, no run folder, and no file changed outside runs/. */
  async function refused(args: readonly string[]): Promise<string> {
    const before = await outsideRuns(cwd);
    const r = await assay(args, { cwd, timeoutMs: 60_000 });
    expect(r.exitCode, r.stderr).toBe(2);
    expect(r.stderr).not.toMatch(NO_TRACE);
    expect(r.stderr).toMatch(/\d+ problems? found; no run folder was written\.$/);
    expect(await runFolders(cwd)).toEqual([]);
    expect(await outsideRuns(cwd)).toEqual(before);
    return r.stderr;
  }

  it('images of different sizes without a resize: located at features, counting each size with its first file', async () => {
    const err = await refused(['run', 'noresize.yaml', '--set', 'data.classes.crack=odd']);
    const line = NO_RESIZE.split('\n').indexOf('features:') + 2;
    expect(err).toMatch(new RegExp(`^noresize\\.yaml:${line - 1}:1 error\\[data\\.size-mismatch\\] the images decode to 2 different sizes: 16x16 \\(\\d+ files, e\\.g\\. odd/0000[012]\\.png\\), 20x20 \\(1 file, e\\.g\\. odd/00003\\.png\\); a model needs one size: add a resize step to features`, "m"));
  });

  it('hold-out counts the data cannot give, and k-fold over fewer groups than folds (found after the counts pass): located at their keys', async () => {
    const counts = await refused(['run', 'folder.yaml', '--set', 'holdout={counts: {crack: 20, no-crack: 2}}']);
    expect(counts).toMatch(/^--set holdout=\{counts: \{crack: 20, no-crack: 2\}\}:1:19 error\[data\.holdout-counts\] crack: hold-out asks for 20 but only 10 exist$/m);
    const folds = await refused(['run', 'folder.yaml', '--set', 'split={folds: 3, group-by: png}']);
    expect(folds).toMatch(/^--set split=\{folds: 3, group-by: png\}:1:8 error\[data\.split-folds\] k-fold asks for 3 folds but the \d+ items form only 1 group \(group-by keeps each group in one fold\)$/m);
  });

  it('a CSV with an unknown label, a short row, an unclosed quote or no group-by column: located at data.path (or the group-by key), by line', async () => {
    const csv = (rows: string) => writeFile(path.join(cwd, 'c', 'd.csv'), `file,label\n${['c00000.png,crack', 'n00000.png,no-crack', 'c00001.png,crack', 'n00001.png,no-crack'].join('\n')}\n${rows}`);
    await csv('c00002.png,maybe\n');
    expect(await refused(['run', 'csv.yaml'])).toMatch(/^csv\.yaml:\d+:\d+ error\[data\.csv-label\] c\/d\.csv line 6, column label \(2\): label "maybe" is not one of crack, no-crack$/m);
    await csv('c00002.png\n');
    expect(await refused(['run', 'csv.yaml'])).toMatch(/^csv\.yaml:\d+:\d+ error\[data\.csv\] c\/d\.csv line 6: 1 fields, the header has 2$/m);
    await csv('"c00002.png,crack\n');
    expect(await refused(['run', 'csv.yaml'])).toMatch(/^csv\.yaml:\d+:\d+ error\[data\.csv\] c\/d\.csv: a quoted field starting on line 6 is never closed$/m);
    await writeFile(path.join(cwd, 'c', 'd.csv'), 'file,label\n');
    expect(await refused(['run', 'csv.yaml'])).toMatch(/^csv\.yaml:\d+:\d+ error\[data\.csv\] c\/d\.csv has a header row but no data rows$/m);
    await csv('');
    expect(await refused(['run', 'csv.yaml', '--set', 'split.group-by={column: site}'])).toMatch(/^--set split\.group-by=\{column: site\}:1:\d+ error\[data\.csv-column\] c\/d\.csv lacks the group-by column site \(it has file, label\)$/m);
  });
  it('a feature step the columns do not fit (found after the counts pass): located at features', async () => {
    const rows = Array.from({ length: 40 }, (_, i) => `${i % 2 ? 'crack' : 'no-crack'},${i % 7 === 3 ? '' : i},${i % 3}`);
    await writeFile(path.join(cwd, 'c', 't.csv'), `label,x1,x2\n${rows.join('\n')}\n`);
    const tab = TINY_PIPELINE.replace(/data:\n(  .*\n)+/, 'data: { source: csv, path: c/t.csv, label: label, columns: [x1, x2], positive: crack }\n')
      .replace(/features:\n(  - .*\n)+/, 'features:\n  - standardize: { columns: numeric }\n  - impute: { columns: numeric, strategy: median }\n')
      .replace(/model:\n(  .*\n)+/, 'model:\n  family: logistic\n  training: { epochs: 2, batch-size: 16 }\n');
    await writeFile(path.join(cwd, 'tab.yaml'), tab);
    const line = tab.split('\n').indexOf('features:') + 1;
    expect(await refused(['run', 'tab.yaml'])).toMatch(new RegExp(`^tab\\.yaml:${line}:1 error\\[data\\.features-missing\\] column x1 holds missing values when feature step standardize runs: place an impute step that covers it before standardize$`, 'm'));
  });
});

describe('hostile pipelines and arguments', () => {
  let cwd: string;
  beforeAll(async () => { cwd = await tempProject({ 'tiny.yaml': TINY_PIPELINE }); });
  afterAll(async () => rm(cwd, { recursive: true, force: true }));

  it('refuses --set keys that reach the object prototype, at the key', async () => {
    for (const arg of ['__proto__.polluted=1', 'constructor.prototype.x=1']) {
      const r = await assay(['run', 'tiny.yaml', '--set', arg], { cwd });
      expect(r.exitCode).toBe(2);
      expect(r.stderr).toMatch(/^<--set>:1:1 error\[override\.forbidden-key\] /m);
      expect(r.stderr).not.toMatch(NO_TRACE);
    }
    expect(existsSync(path.join(cwd, 'runs'))).toBe(false);
  });

  it('reports alias trouble and deep nesting as located yaml problems, exit 2', async () => {
    const lols = ['a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]'];
    for (let i = 1; i < 9; i++) lols.push(`${'abcdefghi'[i]}: &${'abcdefghi'[i]} [${Array(9).fill(`*${'abcdefghi'[i - 1]}`).join(', ')}]`);
    await writeFile(path.join(cwd, 'lol.yaml'), `${lols.join('\n')}\n`);
    await writeFile(path.join(cwd, 'alias.yaml'), `${TINY_PIPELINE}seed: *nope\n`);
    await writeFile(path.join(cwd, 'deep.yaml'), `x: ${'['.repeat(3000)}${']'.repeat(3000)}\n`);
    const lol = await assay(['validate', 'lol.yaml'], { cwd });
    expect(lol.exitCode).toBe(2);
    expect(lol.stderr).toMatch(/^lol\.yaml:2:8 error\[yaml\.alias\] aliases expand to more than 1000 values/m);
    const alias = await assay(['run', 'alias.yaml'], { cwd });
    expect(alias.exitCode).toBe(2);
    expect(alias.stderr).toMatch(/^alias\.yaml:\d+:7 error\[yaml\.alias\] unknown alias \*nope/m);
    const deep = await assay(['validate', 'deep.yaml'], { cwd });
    expect(deep.exitCode).toBe(2);
    expect(deep.stderr).toMatch(/^deep\.yaml:1:\d+ error\[yaml\.depth\] nested deeper than 64 levels$/m);
    for (const r of [lol, alias, deep]) expect(r.stderr).not.toMatch(NO_TRACE);
  });

  it('prints the first 100 of 16,000 unknown keys and counts them all', async () => {
    await writeFile(path.join(cwd, 'keys.yaml'), `${TINY_PIPELINE}${Array.from({ length: 16_000 }, (_, i) => `k${i}: 1`).join('\n')}\n`);
    const r = await assay(['validate', 'keys.yaml'], { cwd });
    expect(r.exitCode).toBe(2);
    const lines = r.stderr.trimEnd().split('\n');
    expect(lines).toHaveLength(102);
    expect(lines[0]).toMatch(/^keys\.yaml:\d+:1 error\[schema\.unknown-key\] unknown key "k0" in the pipeline/);
    expect(lines[100]).toBe('... and 15900 more problems not shown (the first 100 are above)');
    expect(lines[101]).toBe('16000 problems found.');
  });

  it('prints a control character in a value or a run id escaped, and a long value cut, on one line', async () => {
    await writeFile(path.join(cwd, 'esc.yaml'), TINY_PIPELINE.replace('name: tiny', 'name: "\\e[2Jx\\rgone"').replace('version: 1', `version: "${'z'.repeat(5000)}"`));
    const r = await assay(['validate', 'esc.yaml'], { cwd });
    expect(r.exitCode).toBe(2);
    expect(r.stderr).not.toMatch(/[\u001b\r]/);
    expect(r.stderr).toMatch(/^esc\.yaml:2:7 error\[schema\.pattern\] name must be .* \(found "\\u001b\[2Jx\\u000dgone"\)$/m);
    expect(r.stderr).toMatch(/^esc\.yaml:3:10 error\[schema\.type\] version must be an integer \(found "z{60}\.\.\." \(5000 characters\)\)$/m);
    const show = await assay(['show', 'a\u001b[31mb'], { cwd });
    expect(show.exitCode).toBe(2);
    expect(show.stderr).toBe('assay: error[not-found] no run "a\\u001b[31mb" under runs (try `assay runs`)');
  });

  it('says which path given on the command line is the wrong kind of thing, exit 2, no stack trace', async () => {
    await mkdir(path.join(cwd, 'adir'), { recursive: true });
    const runsDir = await assay(['run', 'tiny.yaml', '--runs-dir', 'tiny.yaml'], { cwd });
    expect(runsDir.stderr).toMatch(/^assay: error\[file\.ENOTDIR\] cannot create the folder .*tiny\.yaml\/\.cache: a part of it is a file, not a folder$/m);
    const synth = await assay(['synth', '--out', 'tiny.yaml', '--crack', '1', '--no-crack', '1', '--size', '16'], { cwd });
    expect(synth.stderr).toBe('assay: error[file.ENOTDIR] cannot create the folder tiny.yaml/crack: a part of it is a file, not a folder');
    const size = await assay(['synth', '--out', 'adir', '--size', '1e9'], { cwd });
    expect(size.stderr).toBe('assay: error[usage] --size must be between 16 and 512, got "1e9"');
    const ui = await assay(['ui', '--export', 'tiny.yaml'], { cwd });
    expect(ui.stderr).toMatch(/^assay: error\[file\.ENOTDIR\] cannot create the folder tiny\.yaml\/.*: a part of it is a file, not a folder$/m);
    for (const r of [runsDir, synth, size, ui]) {
      expect(r.exitCode, r.stderr).toBe(2);
      expect(r.stderr).not.toMatch(NO_TRACE);
    }
    expect(await readdir(path.join(cwd, 'adir'))).toEqual([]);
  });

  it('refuses a cache folder that is a file, at --cache-dir, exit 2; a cache folder not made yet is an empty cache', async () => {
    const status = await assay(['cache', 'status', '--cache-dir', 'tiny.yaml'], { cwd });
    const gc = await assay(['cache', 'gc', '--cache-dir', 'tiny.yaml', '--dry-run'], { cwd });
    for (const r of [status, gc]) {
      expect(r.exitCode, r.stdout).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr).toMatch(/^assay: error\[usage\] --cache-dir tiny\.yaml: .*tiny\.yaml is a file, not a folder$/);
    }
    if (posix) {
      execFileSync('mkfifo', [path.join(cwd, 'cache-fifo')]);
      const fifo = await assay(['cache', 'status', '--cache-dir', 'cache-fifo'], { cwd, timeoutMs: 30_000 });
      expect(fifo.exitCode).toBe(2);
      expect(fifo.stderr).toMatch(/^assay: error\[usage\] --cache-dir cache-fifo: .*cache-fifo is not a folder \(a FIFO, socket or device\)$/);
    }
    const fresh = await assay(['cache', 'status', '--cache-dir', 'not-yet'], { cwd });
    expect(fresh.exitCode, fresh.stderr).toBe(0);
    expect(fresh.stdout).toMatch(/^cache .*not-yet: 0 entries, 0\.0 MiB$/m);
    expect(existsSync(path.join(cwd, 'not-yet'))).toBe(false);
  });

  it.runIf(posix)('does not hang on a pipeline that is a FIFO', async () => {
    execFileSync('mkfifo', [path.join(cwd, 'fifo.yaml')]);
    const r = await assay(['validate', 'fifo.yaml'], { cwd, timeoutMs: 30_000 });
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toMatch(/^fifo\.yaml:1:1 error\[file\.read\] cannot read the pipeline: not a regular file \(a FIFO\)$/m);
  });
});

describe('a damaged run folder', () => {
  let cwd: string;
  let dir: string;
  beforeAll(async () => {
    const fast = TINY_PIPELINE.replace(/model:\n(  .*\n)+/, 'model:\n  family: logistic\n  training: { epochs: 2, batch-size: 16 }\n').replace('trials: 2', 'trials: 1');
    cwd = await tempProject({ 'tiny.yaml': fast });
    const r = await assay(['run', 'tiny.yaml', '--json', '-q'], { cwd });
    expect(r.exitCode, r.stderr).toBe(0);
    dir = (JSON.parse(r.stdout) as { dir: string }).dir;
    const { writeSyntheticFolder } = await import('../../src/data/synth.js');
    await writeSyntheticFolder(path.join(cwd, 'new'), { counts: { crack: 1, 'no-crack': 0 }, size: 32, seed: 5, hardNegatives: 0 });
  });
  afterAll(async () => rm(cwd, { recursive: true, force: true }));

  let copies = 0;
  /** A copy of the finished run under another id, with `damage` done to it; returns its id. */
  async function damaged(damage: (copy: string) => Promise<void>): Promise<string> {
    const id = `20991231-000000-000-${(++copies).toString(16).padStart(4, '0')}`;
    const copy = path.join(path.dirname(dir), id);
    await cp(dir, copy, { recursive: true });
    for (const f of ['lock.json', 'metrics.json']) await writeFile(path.join(copy, f), (await readFile(path.join(copy, f), 'utf8')).replaceAll(path.basename(dir), id));
    await damage(copy);
    return id;
  }

  it.runIf(posix)('predict refuses weights that are a link to /dev/zero and a model.json naming a file outside the model folder, exit 2, without hanging', async () => {
    const zero = await damaged(async (copy) => { await rm(path.join(copy, 'model', 'weights.bin')); await symlink('/dev/zero', path.join(copy, 'model', 'weights.bin')); });
    const z = await assay(['predict', zero, 'new'], { cwd, timeoutMs: 60_000 });
    expect(z.exitCode).toBe(2);
    expect(z.stderr).toMatch(new RegExp(`^assay: error\\[model\\.unreadable\\] cannot read weights file .*${zero}/model/weights\\.bin: not a regular file \\(a character device\\)$`, 'm'));
    const outside = await damaged(async (copy) => {
      const file = path.join(copy, 'model', 'model.json');
      const json = JSON.parse(await readFile(file, 'utf8')) as { weightsManifest: { paths: string[] }[] };
      json.weightsManifest[0]!.paths = ['../../../../../../../../etc/passwd'];
      await writeFile(file, JSON.stringify(json));
    });
    const o = await assay(['predict', outside, 'new'], { cwd, timeoutMs: 60_000 });
    expect(o.exitCode).toBe(2);
    expect(o.stderr).toMatch(/^assay: error\[model\.corrupt\] .*model\.json names weights file "(\.\.\/)+etc\/passwd", which is not inside the model folder /m);
    for (const r of [z, o]) expect(r.stderr).not.toMatch(NO_TRACE);
  });

  it('predict names a truncated model/preprocess.json as a damaged model folder, exit 2; a run without model/ is told it is kept out of git', async () => {
    const cut = await damaged(async (copy) => {
      const file = path.join(copy, 'model', 'preprocess.json');
      await writeFile(file, (await readFile(file, 'utf8')).slice(0, 50));
    });
    const c = await assay(['predict', cut, 'new'], { cwd });
    expect(c.exitCode).toBe(2);
    expect(c.stderr).toMatch(new RegExp(`^assay: error\\[model\\.corrupt\\] run ${cut}'s model folder is damaged: .*${cut}/model/preprocess\\.json: it is not JSON \\(`, 'm'));
    expect(c.stderr).not.toMatch(/kept out of git/);
    const none = await damaged(async (copy) => rm(path.join(copy, 'model'), { recursive: true }));
    const n = await assay(['predict', none, 'new'], { cwd });
    expect(n.exitCode).toBe(2);
    expect(n.stderr).toMatch(/has no model in .*models are kept out of git/);
    for (const r of [c, n]) expect(r.stderr).not.toMatch(NO_TRACE);
  });

  it.runIf(posix)('show names a damaged metrics.json and does not hang on a lock.json that is a FIFO', async () => {
    const garbage = await damaged(async (copy) => writeFile(path.join(copy, 'metrics.json'), '{"holdout": '));
    const g = await assay(['show', garbage], { cwd });
    expect(g.stdout).toContain('metrics  metrics.json is missing or unreadable (not a regular file, or not JSON): the run folder is damaged');
    const fifo = await damaged(async (copy) => { await rm(path.join(copy, 'lock.json')); execFileSync('mkfifo', [path.join(copy, 'lock.json')]); });
    const f = await assay(['show', fifo], { cwd, timeoutMs: 30_000 });
    expect(f.exitCode).toBe(1);
    expect(f.stdout).toMatch(/^status   incomplete /m);
    for (const r of [g, f]) expect(r.stderr).not.toMatch(NO_TRACE);
  });
});

describe('a reader that stops early', () => {
  const MAIN = path.join(path.dirname(fileURLToPath(import.meta.url)), '../../src/cli/main.ts');
  let cwd: string;
  beforeAll(async () => {
    cwd = await tempProject({ 'tiny.yaml': TINY_PIPELINE });
    // Many (fake, unfinished) run folders: more output than a pipe holds.
    for (let i = 0; i < 1500; i++) await mkdir(path.join(cwd, 'runs', 'tiny', `20260101-000000-000-${i.toString(16).padStart(4, '0')}`), { recursive: true });
  });
  afterAll(async () => rm(cwd, { recursive: true, force: true }));

  /** Run assay with its stdout read by nothing: the pipe is closed before the first write. */
  function closedPipe(args: readonly string[]): Promise<{ code: number | null; stderr: string }> {
    return new Promise((resolve) => {
      const child = spawn('node', ['--import', import.meta.resolve('tsx'), MAIN, ...args], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
      child.stdout.destroy();
      let stderr = '';
      child.stderr.on('data', (c: Buffer) => { stderr += c.toString(); });
      child.on('close', (code) => resolve({ code, stderr }));
    });
  }

  it.runIf(posix)('closes quietly on EPIPE (`assay runs | head -1`, `assay cache status | head -1`)', async () => {
    for (const args of [['runs'], ['cache', 'status'], ['validate', 'tiny.yaml']]) {
      const r = await closedPipe(args);
      expect(r.stderr, args.join(' ')).not.toMatch(NO_TRACE);
      expect(r.code, args.join(' ')).toBe(0);
    }
  });
});
