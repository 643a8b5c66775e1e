import { describe, expect, it } from 'vitest';
import { renderHtml } from '../../../src/report/html.js';
import { galleryEntries, mdText, renderMarkdown, reportAssets } from '../../../src/report/markdown.js';
import { summarize } from '../../../src/report/summary.js';
import { escapeXml } from '../../../src/report/svg.js';
import { RUN_FILES } from '../../../src/store/run-folder.js';
import { TINY_PNG, makeInput } from './fixture.js';

const input = makeInput();
const md = renderMarkdown(input);
const html = renderHtml(input);
const f3 = (v: number): string => v.toFixed(3);

describe('the fixture', () => {
  it('has false negatives and false positives to show, and accuracy above the majority baseline', () => {
    expect(input.holdout.metrics.accuracy).toBeGreaterThan(0.95);
    expect(input.holdout.confusion.fn).toBeGreaterThan(1);
    expect(input.holdout.confusion.fp).toBeGreaterThan(3);
  });
});

describe.each([['markdown', md], ['html', html]] as const)('%s report', (kind, text) => {
  /** How a plain sentence appears in this format. */
  const enc = (s: string): string => (kind === 'html' ? escapeXml(s) : s);
  it('leads with F1, MCC, FNR, recall and precision with their intervals, next to accuracy', () => {
    const { metrics, intervals } = input.holdout;
    for (const m of ['f1', 'mcc', 'recall', 'precision'] as const) {
      expect(text).toContain(f3(metrics[m]));
      expect(text).toContain(`${f3(intervals[m]!.low)} - ${f3(intervals[m]!.high)}`);
    }
    // FNR's interval is the mirror of recall's
    expect(text).toContain(`${f3(1 - intervals.recall!.high)} - ${f3(1 - intervals.recall!.low)}`);
    expect(text).toContain('FNR (false-negative rate)');
    expect(text).toContain(f3(metrics.accuracy));
    expect(text.indexOf('F1')).toBeLessThan(text.indexOf('Accuracy'));
  });

  it('explains that accuracy is high because of the imbalance', () => {
    expect(text).toContain(enc(`Accuracy ${f3(input.holdout.metrics.accuracy)} is high mostly because of the class imbalance: `
      + 'it would nearly be reached by always predicting "no-crack": 0.950 (760 of 800 hold-out items are no-crack). Read F1, MCC and FNR instead.'));
  });

  it('says how uncertain the intervals are for this many positives', () => {
    const f1 = input.holdout.intervals.f1!;
    expect(text).toContain(enc(`With 40 positives (crack) in the hold-out of 800, F1's 95% interval spans ${f3(f1.low)}-${f3(f1.high)}`));
    expect(text).toContain('moves recall by 1/40 = 0.025');
  });

  it('shows the confusion counts once, the objective and the threshold', () => {
    const c = input.holdout.confusion;
    if (kind === 'markdown') {
      expect(text).toContain(`${c.fn} (false negatives)`);
      expect(text).toContain(`${c.fp} (false positives)`);
      expect(text).not.toContain('charts/confusion.svg');
    } else {
      // the heatmap carries the counts; no second, tabular copy
      expect(text).toContain('<title>Hold-out confusion matrix</title>');
      expect(text).toMatch(new RegExp(`font-weight="bold">${c.fn}</text>`));
      expect(text).not.toContain('(false negatives)');
    }
    expect(text).toContain('decision threshold 0.420 (tuned on validation to maximise f1)');
  });

  it('lists every trial with params, score, epochs, time and pruning, the best one marked', () => {
    expect(text).toContain('#2 (best)'); // trials are numbered from 1 for people, as on the console
    expect(text).toContain('filters=16, learning-rate=0.002');
    expect(text).toContain('0.9512');
    expect(text).toContain('8 (6)');
    expect(text).toContain('31s');
    expect(text).toMatch(/bayesian search ran 3 of 8 planned trials in 2 min 06 s \(a budget of 2 min 00 s\); stopped by time budget; 1 pruned/);
    expect(text).toContain('Validation f1 0.9512 at epoch 6 of 8');
  });

  it('shows class counts per stage with the positive share', () => {
    expect(text).toContain('train after resampling');
    expect(text).toContain('15,000');
    expect(text).toContain('9.1%');
    expect(text).toContain('50.0%');
  });

  it('shows data issues, the pipeline as run, overrides, stage times with cache hits, and the environment', () => {
    expect(text).toContain('Negative/bad.jpg');
    expect(text).toContain('unsupported image format');
    expect(text).toContain('Negative/00001.jpg, Negative/00077.jpg');
    expect(text).toContain('name: concrete-cracks');
    expect(text).toContain('search.trials=3');
    expect(text).toContain('a1b2c3d4e5');
    expect(text).toContain('2 stages in 2 min 06 s; 1 restored from the cache.');
    expect(text).toContain('v20.20.0');
  });

  it('counts every false negative and the sampled false positives in the gallery', () => {
    const { confusion } = input.holdout;
    expect(text).toContain(`False negatives (all ${confusion.fn})`);
    expect(text).toContain(`False positives (3 of ${confusion.fp}, a seeded sample)`);
    expect(text).toContain(input.gallery.falseNegatives[0]!.ref);
    expect(text).toContain('(threshold 0.420)');
  });

  it('says "none" for an empty gallery group rather than "0 of 0"', () => {
    const none = { ...input, holdout: { ...input.holdout, confusion: { ...input.holdout.confusion, fp: 0 } }, gallery: { ...input.gallery, falsePositives: [] } };
    const out = kind === 'html' ? renderHtml(none) : renderMarkdown(none);
    expect(out).toContain('False positives (none)');
    expect(out).not.toMatch(/0 of 0/);
  });

  it('starts with the date in UTC to the minute, duration, commit and whether it was dirty, backend and overrides', () => {
    const head = text.slice(0, text.indexOf(kind === 'html' ? '<nav>' : '## Hold-out result'));
    expect(head).toContain('2024-05-01 10:00 UTC');
    expect(head).not.toContain('2024-05-01T10:00:00.000Z');
    expect(head).toContain('2 min 11 s');
    expect(head).toContain('0123456789ab (uncommitted changes in tracked files)');
    expect(head).toContain('wasm');
    expect(head).toContain('--set search.trials=3');
  });

  it('shows each hold-out metric once, and the curves and the gallery before the search', () => {
    const rows = kind === 'html' ? /<div class="l">MCC<\/div>|<td>MCC<\/td>|<td>mcc<\/td>/g : /^\| (MCC|mcc) \|/gm;
    expect(text.match(rows)?.length).toBe(1);
    expect(text.match(kind === 'html' ? /<td>balanced-accuracy<\/td>/g : /^\| balanced-accuracy \|/gm)?.length).toBe(1);
    expect(text).not.toMatch(/All hold-out metrics/);
    // beta is 1: fbeta would repeat F1
    expect(text).not.toMatch(/fbeta/);
    const at = (h: string) => text.indexOf(kind === 'html' ? `<h2>${h}</h2>` : `## ${h}\n`);
    expect(at('Curves')).toBeGreaterThan(at('Hold-out result'));
    expect(at('Error gallery')).toBeGreaterThan(at('Curves'));
    expect(at('Search')).toBeGreaterThan(at('Error gallery'));
  });

  it('prints trial parameters, scores and times to 3 significant digits', () => {
    const t = input.trials[0]!;
    const odd = { ...input, trials: [{ ...t, params: { 'learning-rate': 0.0012345678901234, dropout: 0.30000000000000004 }, score: 0.8123456789, seconds: 125.123456 }, ...input.trials.slice(1)] };
    const out = kind === 'html' ? renderHtml(odd) : renderMarkdown(odd);
    expect(out).toContain('dropout=0.3, learning-rate=0.00123');
    expect(out).toContain('0.812');
    expect(out).toContain('2m05s');
    expect(out).not.toContain('0.0012345678');
  });
});

describe('prevalence, intervals at 0 or 1, and galleries', () => {
  const sampled = { ...input, counts: [...input.counts, { stage: 'sample' as const, counts: { crack: 75, 'no-crack': 12000 } }] };

  it('says what precision and F1 would be at the sampled prevalence', () => {
    const s = summarize(sampled);
    const { recall: r, fpr } = input.holdout.metrics;
    const pi = 75 / 12075;
    const precision = (r * pi) / (r * pi + fpr * (1 - pi));
    expect(s.sampled?.ratio).toBe('1:160');
    expect(s.sampled?.precision).toBeCloseTo(precision, 12);
    expect(s.prevalenceSentence).toContain(`At the sampled prevalence (1:160) this precision would be ${f3(precision)} and F1 ${f3(2 * precision * r / (precision + r))}`);
    for (const out of [renderMarkdown(sampled), renderHtml(sampled)]) {
      expect(out).toContain('At the sampled prevalence (1:160) this precision would be');
      expect(out).toContain(`${f3(precision)}`);
    }
    // without a sample row (or at the hold-out's own mix) nothing is said
    expect(summarize(input).prevalenceSentence).toBe('');
  });

  it('marks a Wilson interval and says why', () => {
    const wilson = { ...input, holdout: { ...input.holdout, metrics: { ...input.holdout.metrics, precision: 1 }, intervals: { ...input.holdout.intervals, precision: { estimate: 1, low: 0.9949, high: 1, method: 'wilson' } as never } } };
    const s = summarize(wilson);
    expect(s.headline.find((h) => h.metric === 'precision')!.wilson).toBe(true);
    expect(s.wilsonSentence).toBe('Precision is at 1.000, where a bootstrap cannot vary (every resample gives the same value), so its interval is a 95% Wilson score interval from the confusion counts.');
    expect(renderMarkdown(wilson)).toContain('0.995 - 1.000 (Wilson)');
    expect(renderHtml(wilson)).toContain('95% CI 0.995 - 1.000 (Wilson)');
  });

  it('orders each gallery group by confidence: the lowest p for missed positives, the highest for false alarms', () => {
    const e = galleryEntries(input);
    const fn = e.filter((x) => x.kind === 'false negative').map((x) => x.image.probability);
    const fp = e.filter((x) => x.kind === 'false positive').map((x) => x.image.probability);
    expect(fn).toEqual([...fn].sort((a, b) => a - b));
    expect(fp).toEqual([...fp].sort((a, b) => b - a));
  });

  it('shows every channel of a multi-channel input', () => {
    const g = input.gallery.falseNegatives[0]!;
    const multi = { ...input, gallery: { falseNegatives: [{ ...g, extraChannelPngs: [TINY_PNG] }], falsePositives: [] } };
    const out = renderHtml(multi);
    expect(out).toContain('alt="model input channel 2"');
    expect(out.match(/<img /g)?.length).toBe(3);
  });

  it('shows a mixed item\'s row under its images: the CSV cells as text, escaped, an empty cell said so', () => {
    const g = input.gallery.falseNegatives[0]!;
    const row = [{ column: 'reading', value: '07.50' }, { column: 'site', value: '<img src=x onerror=alert(1)>' }, { column: 'note', value: '' }];
    const mixed = { ...input, gallery: { falseNegatives: [{ ...g, row }], falsePositives: [{ ...g, ref: 'images/2.png' }] } };
    const out = renderHtml(mixed);
    expect(out).toContain('<table class="cells"><tr><th>reading</th><td>07.50</td></tr><tr><th>site</th><td>&lt;img src=x onerror=alert(1)&gt;</td></tr><tr><th>note</th><td><i>empty</i></td></tr></table>');
    expect(out).not.toContain('<img src=x');
    // Only the item with a row gets the table.
    expect(out.match(/class="cells"/g)?.length).toBe(1);
    const text = renderMarkdown(mixed);
    expect(text).toContain('| # | Item | p(crack) | Row |');
    expect(text).toContain(`| 1 | ${mdText(g.ref)} | `);
    expect(text).toContain(' | reading=07.50, site=&lt;img src=x onerror=alert(1)&gt;, note=_empty_ |');
    // Data without rows keeps its three columns.
    expect(renderMarkdown(input)).not.toContain('| Row |');
  });
});

describe('renderMarkdown', () => {
  it('links only files that reportAssets provides and that are committed with it (no gallery images)', () => {
    const assets = new Map(reportAssets(input).map((a) => [a.path, a.data]));
    const links = [...md.matchAll(/\]\(([^)]+)\)/g)].map((m) => m[1]!);
    expect(links.length).toBe(7); // every chart but the confusion matrix, which is a table here
    const committed = RUN_FILES.filter((f) => f.committed).map((f) => f.path);
    for (const l of links) {
      expect(assets.has(l), l).toBe(true);
      expect(committed.some((c) => l === c || (c.endsWith('/') && l.startsWith(c))), l).toBe(true);
    }
    expect([...assets.keys()].every((p) => p.startsWith('charts/'))).toBe(true);
    expect(md).not.toContain('gallery/');
    expect(md).toContain(input.gallery.falseNegatives[0]!.ref);
    expect(String(assets.get('charts/pr.svg'))).toMatch(/^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
  });

  it('says how many runs of the experiment have scored this hold-out', () => {
    const base = makeInput();
    expect(renderMarkdown({ ...base, holdout: { ...base.holdout, scoredBy: 4 } }))
      .toContain('This hold-out has been scored by 4 runs of this experiment; choosing among them makes its estimate optimistic.');
    expect(renderHtml({ ...base, holdout: { ...base.holdout, scoredBy: 4 } })).toContain('scored by 4 runs of this experiment');
    expect(renderMarkdown({ ...base, holdout: { ...base.holdout, scoredBy: 1 } })).toContain('the first run of this experiment to score this hold-out');
  });

  it('numbers the gallery over false negatives, then false positives', () => {
    const e = galleryEntries(input);
    const nFn = input.gallery.falseNegatives.length;
    expect(e[0]).toMatchObject({ kind: 'false negative', originalPath: 'gallery/1-original.png', modelViewPath: 'gallery/1-model.png' });
    expect(e[nFn]).toMatchObject({ kind: 'false positive', originalPath: `gallery/${nFn + 1}-original.png` });
  });

  it('fences the pipeline with more backticks than it contains', () => {
    const base = makeInput();
    const m = renderMarkdown({ ...base, run: { ...base.run, pipelineYaml: 'description: |\n  ```\n  x\n' } });
    expect(m).toContain('````yaml\ndescription: |\n  ```\n  x\n````');
  });

  it('escapes markup in names', () => {
    expect(mdText('<b>a|b</b> *x* [l](u)')).toBe('&lt;b&gt;a\\|b&lt;/b&gt; \\*x\\* \\[l\\](u)');
  });
});

describe('hostile text', () => {
  const evil = makeInput(['<script>alert(1)</script>', 'no "crack" & more']);
  const base = evil.run;
  const hostile = { ...evil, run: { ...base, name: '<img src=x onerror=alert(1)>', pipelineYaml: '</pre><script>x()</script>' } };
  const h = renderHtml(hostile);
  const m = renderMarkdown(hostile);

  it('never emits a raw <script> or injected tag in HTML or Markdown (outside Markdown code blocks, which render verbatim)', () => {
    const mdOutsideCode = m.replace(/^(`{3,})yaml\n[\s\S]*?^\1$/m, '');
    expect(m).toContain('```yaml\n</pre><script>x()</script>\n```');
    for (const text of [h, mdOutsideCode]) {
      expect(text).not.toContain('<script>');
      expect(text).not.toContain('<img src=x');
    }
    expect(h).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(h).toContain('no &quot;crack&quot; &amp; more');
    expect(m).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
  });

  it('drops gallery data that is not base64 instead of injecting it', () => {
    const g = { ref: 'x', probability: 0.5, originalPng: '" onerror="alert(1)', modelViewPng: TINY_PNG };
    const out = renderHtml({ ...evil, gallery: { falseNegatives: [g], falsePositives: [] } });
    expect(out).not.toContain('onerror');
    expect(out).toContain(`data:image/png;base64,${TINY_PNG}`);
  });
});

describe('renderHtml', () => {
  it('is one self-contained page: no http(s) references, no scripts, images as data URIs', () => {
    expect(html.startsWith('<!doctype html>')).toBe(true);
    expect(html).not.toMatch(/https?:\/\//);
    expect(html).not.toMatch(/<script|<link|@import|url\(/i);
    const srcs = [...html.matchAll(/src="([^"]*)"/g)].map((x) => x[1]!);
    expect(srcs.length).toBe(2 * galleryEntries(input).length);
    expect(srcs.every((s) => s.startsWith('data:image/png;base64,'))).toBe(true);
    expect(html).toContain("default-src 'none'");
  });

  it('inlines every chart as SVG', () => {
    expect(html.match(/<svg /g)?.length).toBe(8);
    for (const title of ['Hold-out confusion matrix', 'Precision-recall (hold-out)', 'ROC (hold-out)', 'Metric vs threshold (hold-out)',
      'Learning curve: loss (trial #2)', 'Learning curve: f1 (trial #2)', 'Objective per trial', 'Class counts per stage']) {
      expect(html).toContain(`<title>${title}</title>`);
    }
    expect(html).toContain('best epoch 6');
    expect(html).toContain('threshold 0.42');
  });

  it('renders with no trials, no curves, no gallery and no validation without failing', () => {
    const bare = {
      ...input, trials: [], validation: null, counts: [], stages: [],
      holdout: { ...input.holdout, probabilities: [], labels: [], intervals: {} },
      gallery: { falseNegatives: [], falsePositives: [] },
    };
    const h = renderHtml(bare);
    const m = renderMarkdown(bare);
    expect(h.match(/<svg /g)?.length).toBe(1); // the confusion matrix only
    expect(m).toContain('No bootstrap intervals were computed');
    expect(h).toContain('no interval');
    expect(m).toContain('_none_');
  });
});

describe('summarize', () => {
  it('says accuracy is no better than the majority baseline when that is so', () => {
    const s = summarize({ ...input, holdout: { ...input.holdout, metrics: { ...input.holdout.metrics, accuracy: 0.94 } } });
    expect(s.accuracySentence).toMatch(/^Accuracy 0\.940 is no better than always predicting "no-crack": 0\.950/);
  });
  it('gives a neutral comparison on balanced data', () => {
    const s = summarize({ ...input, holdout: { ...input.holdout, n: 100, positives: 50, metrics: { ...input.holdout.metrics, accuracy: 0.9 } } });
    expect(s.accuracySentence).toBe('For comparison, accuracy 0.900 against always predicting "no-crack": 0.500 (50 of 100 hold-out items are no-crack).');
  });
});

describe('a report without images', () => {
  it('says why the gallery is empty instead of showing empty image tables', () => {
    const base = makeInput();
    const input = { ...base, gallery: { falseNegatives: [], falsePositives: [], unavailable: 'Tabular data has no images to show: see predictions.csv.' } };
    const md = renderMarkdown(input);
    const html = renderHtml(input);
    for (const text of [md, html]) {
      expect(text).toContain('Tabular data has no images to show: see predictions.csv.');
      expect(text).not.toContain('as the model saw it after the feature steps');
    }
  });
});
