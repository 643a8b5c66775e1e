import { describe, expect, it } from 'vitest';
import { countsDiagnostics, expectedAfterHoldout, validatePipelineText, type LoadOk } from '../../../src/config/index.js';
import type { Diagnostic } from '../../../src/core/diagnostics.js';

function load(text: string, overrides: readonly string[] = []): LoadOk {
  const r = validatePipelineText(text, 'p.yaml', overrides);
  if (!r.ok) throw new Error(r.diagnostics.map((d) => d.message).join('\n'));
  return r;
}
const brief = (d: Diagnostic): string => `${d.file}:${d.line}:${d.col} ${d.code} ${d.message}`;

const FOLDER = `assay: 1
name: t
data:
  source: image-folder
  path: d
  classes: { crack: Positive, no-crack: Negative }
  positive: crack
holdout: { fraction: 0.05 }
sampling: { counts: { no-crack: 14000, crack: 1500 } }
model: { family: cnn }
`;

describe('countsDiagnostics', () => {
  it('reports sampling counts above what remains after the hold-out, at that key', () => {
    const r = load(FOLDER);
    const ds = countsDiagnostics(r.spec, { crack: 1500, 'no-crack': 15000 }, r.locate, 'p.yaml');
    expect(ds.map(brief)).toEqual(['p.yaml:9:40 data.counts sampling.counts.crack asks for 1500 crack images but only 1425 remain after the hold-out']);
    expect(ds[0]!.path).toBe('sampling.counts.crack');
    // The hint writes the same proportions in the form that adapts to the folder (the same items where there are enough).
    expect(ds[0]!.hint).toBe('to keep these proportions with what a folder has, write sampling: { ratio: { no-crack: 14000, crack: 1500 }, at-most: 15500 }');
  });

  it('uses the exact remainder when the hold-out has been carved', () => {
    const r = load(FOLDER);
    expect(countsDiagnostics(r.spec, { crack: 1500, 'no-crack': 15000 }, r.locate, 'p.yaml', { crack: 1500, 'no-crack': 14250 })).toEqual([]);
  });

  it('reports an empty class and hold-out counts the data cannot give', () => {
    const r = load(FOLDER.replace('holdout: { fraction: 0.05 }', 'holdout: { counts: { crack: 40, no-crack: 400 } }').replace(/sampling:.*\n/, ''));
    expect(countsDiagnostics(r.spec, { crack: 40, 'no-crack': 0 }, r.locate, 'p.yaml').map(brief)).toEqual([
      'p.yaml:6:31 data.empty-class class no-crack has no items in the data',
      'p.yaml:8:22 data.counts holdout.counts.crack asks for 40 crack images but the data has only 40, and some must remain for training',
      'p.yaml:8:33 data.counts holdout.counts.no-crack asks for 400 no-crack images but the data has only 0, and some must remain for training',
    ]);
  });

  it('checks a ratio with a total, and a ratio the scarcest class cannot meet', () => {
    const withTotal = load(FOLDER.replace(/sampling:.*\n/, 'sampling: { ratio: { no-crack: 160, crack: 1 }, total: 16100 }\n'));
    expect(countsDiagnostics(withTotal.spec, { crack: 200, 'no-crack': 15000 }, withTotal.locate, 'p.yaml').map(brief)).toEqual([
      'p.yaml:9:49 data.counts sampling.total 16100 at this ratio needs 16000 no-crack images but only 14250 remain after the hold-out',
    ]);
    const noTotal = load(FOLDER.replace(/sampling:.*\n/, 'sampling: { ratio: { no-crack: 1, crack: 1 } }\n'));
    // Ten crack photos, all taken by the hold-out: nothing remains to sample at 1:1.
    expect(countsDiagnostics(noTotal.spec, { crack: 10, 'no-crack': 15000 }, noTotal.locate, 'p.yaml', { crack: 0, 'no-crack': 14250 }).map(brief)).toEqual([
      'p.yaml:9:35 data.counts sampling.ratio asks for crack items but none remain after the hold-out',
    ]);
    const skewed = load(FOLDER.replace(/sampling:.*\n/, 'sampling: { ratio: { no-crack: 1, crack: 1000 } }\n'));
    expect(countsDiagnostics(skewed.spec, { crack: 100, 'no-crack': 15000 }, skewed.locate, 'p.yaml').map(brief)).toEqual([
      'p.yaml:9:22 data.counts sampling.ratio leaves no no-crack items: the scarcest class allows 0.095 at this ratio',
    ]);
    expect(countsDiagnostics(noTotal.spec, { crack: 10, 'no-crack': 15000 }, noTotal.locate, 'p.yaml')).toEqual([]);
  });

  it('accepts a ratio with at-most on data of any size, and refuses one that leaves a class empty', () => {
    const r = load(FOLDER.replace(/sampling:.*\n/, 'sampling: { ratio: { no-crack: 160, crack: 1 }, at-most: 14088 }\n'));
    expect(r.spec.sampling).toEqual({ kind: 'ratio', ratio: { 'no-crack': 160, crack: 1 }, atMost: 14088 });
    for (const [crack, noCrack] of [[1500, 15000], [300, 5000], [20000, 40000]] as const) {
      expect(countsDiagnostics(r.spec, { crack, 'no-crack': noCrack }, r.locate, 'p.yaml')).toEqual([]);
    }
    expect(countsDiagnostics(r.spec, { crack: 300, 'no-crack': 150 }, r.locate, 'p.yaml').map(brief)).toEqual([
      'p.yaml:9:37 data.counts sampling.ratio leaves no crack items: the scarcest class allows 0.887 at this ratio',
    ]);
  });

  it('refuses at-most beside total or counts', () => {
    const both = validatePipelineText(FOLDER.replace(/sampling:.*\n/, 'sampling: { ratio: { no-crack: 160, crack: 1 }, total: 100, at-most: 100 }\n'), 'p.yaml', []);
    expect(both.ok).toBe(false);
    const counts = validatePipelineText(FOLDER.replace(/sampling:.*\n/, 'sampling: { counts: { no-crack: 160, crack: 1 }, at-most: 100 }\n'), 'p.yaml', []);
    expect(counts.ok).toBe(false);
  });

  it('reports a split that cannot put a class on both sides, and too many folds', () => {
    const r = load(FOLDER.replace(/sampling:.*\n/, 'sampling: { counts: { no-crack: 100, crack: 1 } }\n'));
    expect(countsDiagnostics(r.spec, { crack: 30, 'no-crack': 3000 }, r.locate, 'p.yaml').map(brief)).toEqual([
      'p.yaml:9:38 data.counts class crack has only 1 crack image to split, so training or validation gets none',
    ]);
    const folds = load(FOLDER.replace(/sampling:.*\n/, 'sampling: { counts: { no-crack: 100, crack: 3 } }\nsplit: { folds: 5 }\n'));
    expect(countsDiagnostics(folds.spec, { crack: 30, 'no-crack': 3000 }, folds.locate, 'p.yaml').map(brief)).toEqual([
      'p.yaml:10:10 data.counts split.folds 5 needs at least that many crack items; only 3 crack images remain',
    ]);
  });

  it('locates at an override when the value came from --set', () => {
    const r = load(FOLDER, ['sampling.counts.crack=2000']);
    expect(countsDiagnostics(r.spec, { crack: 1500, 'no-crack': 15000 }, r.locate, 'p.yaml').map(brief)).toEqual([
      '--set sampling.counts.crack=2000:1:17 data.counts sampling.counts.crack asks for 2000 crack images but only 1425 remain after the hold-out',
    ]);
  });

  it('estimates the remainder after a fraction hold-out per class, rounding', () => {
    expect(expectedAfterHoldout({ kind: 'fraction', fraction: 0.05, stratify: true }, { crack: 1500, 'no-crack': 15000, other: 3 })).toEqual({ crack: 1425, 'no-crack': 14250, other: 3 });
    expect(expectedAfterHoldout({ kind: 'counts', counts: { crack: 10 } }, { crack: 15, 'no-crack': 5 })).toEqual({ crack: 5, 'no-crack': 5 });
  });
});
