import { describe, expect, it } from 'vitest';
import { validatePipelineText } from '../../../src/config/index.js';

/** `line:col severity code message (hint)` for every diagnostic (errors, or warnings of a valid pipeline). */
function problems(text: string): string[] {
  const r = validatePipelineText(text, 'p.yaml');
  const ds = r.ok ? r.warnings : r.diagnostics;
  return ds.map((d) => `${d.line}:${d.col} ${d.severity === 'warning' ? 'warning ' : ''}${d.code} ${d.message}${d.hint ? ` (${d.hint})` : ''}`);
}

const SYNTH = `assay: 1
name: t
data: { source: synthetic-cracks, counts: { crack: 10, no-crack: 100 } }
`;
const FOLDER = `assay: 1
name: t
data:
  source: image-folder
  path: d
  classes: { crack: Positive, no-crack: Negative }
  positive: crack
`;

describe('semantic checks: classes', () => {
  it('refuses two classes in one folder, a folder inside another class\'s, and folders outside data.path', () => {
    const text = (classes: string): string => `${FOLDER.replace('classes: { crack: Positive, no-crack: Negative }', `classes: ${classes}`)}model: { family: cnn }\n`;
    expect(problems(text('{ crack: Positive, no-crack: ./Positive/ }'))).toEqual([
      '6:41 semantic.class-folder class no-crack\'s folder "./Positive/" is the same folder as class crack\'s: its images would belong to two classes',
    ]);
    expect(problems(text('{ crack: A/B, no-crack: A }'))).toEqual([
      '6:36 semantic.class-folder class no-crack\'s folder "A" holds class crack\'s folder "A/B": its images would belong to two classes',
    ]);
    expect(problems(text('{ crack: ../elsewhere, no-crack: /etc, rust: "." }').replace('positive: crack', 'positive: crack'))).toEqual([
      '6:21 semantic.class-folder class crack\'s folder "../elsewhere" is outside data.path (class folders are sub-folders of data.path, e.g. Positive)',
      '6:45 semantic.class-folder class no-crack\'s folder "/etc" is outside data.path (class folders are sub-folders of data.path, e.g. Positive)',
      '6:57 semantic.class-folder class rust\'s folder "." is data.path itself, which holds the other classes\' folders (give each class its own sub-folder)',
    ]);
    expect(problems(text('{ crack: P/../Positive, no-crack: Negative/sub }'))).toEqual([]);
  });

  it('reports a class the data lacks at its key, with a hint, and a class left out at the map', () => {
    expect(problems(`${FOLDER}model: { family: cnn }\nsampling: { counts: { crack: 5, nocrack: 50 } }\n`)).toEqual([
      '9:13 semantic.missing-class sampling.counts must give every class; missing "no-crack"',
      '9:33 semantic.unknown-class sampling.counts names class "nocrack", which the data does not have (classes: crack, no-crack) (did you mean "no-crack"?)',
    ]);
  });

  it('checks the positive class, hold-out counts and class weights against the declared classes', () => {
    const text = FOLDER.replace('positive: crack', 'positive: cracks') + `model: { family: cnn }
holdout: { counts: { crack: 5, no-crack: 50, rust: 1 } }
resample: { method: class-weights, weights: { Crack: 5, no-crack: 1 } }
`;
    expect(problems(text)).toEqual([
      '7:13 semantic.unknown-class positive class "cracks" is not one of the data\'s classes (crack, no-crack) (did you mean "crack"?)',
      '9:46 semantic.unknown-class holdout.counts names class "rust", which the data does not have (classes: crack, no-crack)',
      '10:36 semantic.missing-class resample.weights must give every class; missing "crack"',
      '10:47 semantic.unknown-class resample.weights names class "Crack", which the data does not have (classes: crack, no-crack) (did you mean "crack"?)',
    ]);
  });

  it('knows the synthetic classes are crack and no-crack', () => {
    expect(problems(`${SYNTH}model: { family: cnn }\nsampling: { ratio: { crack: 1, negative: 10 } }\n`)).toEqual([
      '5:13 semantic.missing-class sampling.ratio must give every class; missing "no-crack"',
      '5:32 semantic.unknown-class sampling.ratio names class "negative", which the data does not have (classes: crack, no-crack)',
    ]);
  });
});

describe('semantic checks: partitions', () => {
  it('rejects hold-out and validation fractions that leave nothing to train on', () => {
    expect(problems(`${SYNTH}model: { family: cnn }\nholdout: { fraction: 0.5 }\nsplit: { validation: 0.5 }\n`)).toEqual([
      '6:22 semantic.fractions holdout.fraction 0.5 + split.validation 0.5 = 1 leaves nothing to train on (the sum must be below 1)',
    ]);
    expect(problems(`${SYNTH}model: { family: cnn }\nholdout: { fraction: 0.5 }\nsplit: { validation: 0.49 }\n`)).toEqual([]);
  });

  it('checks group-by against the data', () => {
    expect(problems(`${FOLDER}model: { family: cnn }\nholdout: { group-by: { column: site } }\nsplit: { group-by: "([a-z]+" }\n`)).toEqual([
      '9:22 semantic.group-by group-by column "site" needs csv data (this data is image-folder) (use a regex over the file name instead)',
      '10:20 semantic.pattern group-by pattern is not a valid regular expression: Invalid regular expression: /([a-z]+/: Unterminated group',
    ]);
  });
});

describe('semantic checks: model search space', () => {
  it('names a parameter no chosen family has, with a did-you-mean hint', () => {
    expect(problems(`${SYNTH}model:\n  family: cnn\n  space:\n    filtres: { choice: [8, 16] }\n    units: 64\n`)).toEqual([
      '7:5 semantic.unknown-param "filtres" is not a parameter of cnn (did you mean "filters"?)',
      '8:5 semantic.unknown-param "units" is not a parameter of cnn (units belongs to mlp, two-branch)',
    ]);
  });

  it('accepts a parameter that only some of the chosen families have', () => {
    expect(problems(`${SYNTH}model:\n  family: { choice: [cnn, mlp] }\n  space: { units: { int: [16, 64] }, blocks: 2 }\n`)).toEqual([]);
  });

  it('checks ranges against the family limits, at the offending bound', () => {
    expect(problems(`${SYNTH}model:
  family: cnn
  space:
    blocks: { int: [1, 9] }
    dropout: { float: [0.6, 0.2] }
    filters: { log: [4, 64] }
    optimizer: { choice: [adam, adamw] }
`)).toEqual([
      '7:24 semantic.param-range blocks must be within 1..6 (found 9)',
      '8:23 semantic.range-order dropout: low 0.6 is above high 0.2',
      '9:14 semantic.param-type filters takes whole numbers; use {int: [lo, hi]} or {choice: [...]}',
      '10:33 semantic.param-value optimizer must be one of adam, sgd, rmsprop (found "adamw")',
    ]);
  });

  it('says which family a shared parameter fails for when several are chosen', () => {
    expect(problems(`${SYNTH}model: { family: { choice: [cnn, mlp] }, space: { dropout: 0.99 } }\n`)).toEqual([
      '4:60 semantic.param-range dropout must be within 0..0.95 (found 0.99) (for cnn)',
    ]);
  });
});

describe('semantic checks: feature steps', () => {
  it('rejects a geometry step after a pixel step, at the later step', () => {
    expect(problems(`${SYNTH}model: { family: cnn }\nfeatures:\n  - normalize: {}\n  - resize: { width: 32, height: 32 }\n  - grayscale:\n`)).toEqual([
      '7:5 semantic.step-order feature step resize must come before normalize (features[0]): geometry steps (resize, crop, center-crop, grayscale) run while decoding, before pixel steps',
      '8:5 semantic.step-order feature step grayscale must come before normalize (features[0]): geometry steps (resize, crop, center-crop, grayscale) run while decoding, before pixel steps',
    ]);
  });

  it('rejects image steps and the cnn family on tabular csv data', () => {
    expect(problems(`assay: 1
name: t
data: { source: csv, path: t.csv, label: y, columns: [a, b], positive: yes }
features: [ { normalize: {} }, { grayscale: {} } ]
model: { family: { choice: [cnn, logistic] } }
`)).toEqual([
      '4:34 semantic.tabular-step feature step grayscale needs images, but this csv data is tabular (no image column)',
      '5:18 semantic.family-data the cnn family needs images, but this csv data is tabular (no image column) (use mlp or logistic)',
    ]);
  });

  it('checks crops against the image size known at that step', () => {
    expect(problems(`${SYNTH}model: { family: cnn }\nfeatures:\n  - resize: { width: 64, height: 48 }\n  - crop: { left: 10, top: 0, width: 60, height: 48 }\n`)).toEqual([
      '7:5 semantic.crop-bounds crop box 10,0 60x48 reaches outside the 64x48 image at this step',
    ]);
  });
});

describe('semantic checks: objective and search', () => {
  it('rejects maximizing a smaller-is-better metric and threshold-free constraints', () => {
    expect(problems(`${SYNTH}model: { family: cnn }\nobjective: { threshold: { maximize: fnr, subject-to: { roc-auc: ">= 0.9" } } }\n`)).toEqual([
      '5:37 semantic.direction fnr is better when smaller; maximizing it picks the worst threshold (write minimize: fnr)',
      '5:56 semantic.threshold-metric roc-auc does not depend on the threshold, so it cannot constrain it',
    ]);
  });

  it('warns (without failing) about a grid larger than the trial budget and idle parallel slots', () => {
    const r = validatePipelineText(`${SYNTH}model: { family: cnn, space: { blocks: { int: [1, 4] }, dropout: { float: [0, 0.5] } } }\nsearch: { strategy: grid, trials: 3, parallel: 4 }\n`, 'p.yaml');
    expect(r.ok).toBe(true);
    expect(problems(`${SYNTH}model: { family: cnn, space: { blocks: { int: [1, 4] }, dropout: { float: [0, 0.5] } } }\nsearch: { strategy: grid, trials: 3, parallel: 4 }\n`)).toEqual([
      '5:27 warning semantic.grid-size the grid has 20 points; trials 3 visits only the first 3',
      '5:38 warning semantic.parallel parallel 4 exceeds trials 3; only 3 run at once',
    ]);
  });

  it('refuses an ensemble with a k-fold split, warns about one larger than the trials, and takes ensemble: 1 as absent', () => {
    expect(problems(`${SYNTH}model: { family: cnn }\nsplit: { folds: 3 }\nsearch: { trials: 4, ensemble: 3 }\n`)).toEqual([
      '6:32 semantic.ensemble ensemble 3 needs a validation split: a k-fold run already averages its fold models, and its trials have no single validation part to choose one threshold on (write ensemble: 1, or split: { validation: 0.2 })',
    ]);
    expect(problems(`${SYNTH}model: { family: cnn }\nsearch: { trials: 2, ensemble: 3 }\n`)).toEqual([
      '5:22 warning semantic.ensemble ensemble 3 exceeds trials 2; the final model averages every finished trial',
    ]);
    expect(problems(`${SYNTH}model: { family: cnn }\nsplit: { folds: 3 }\nsearch: { ensemble: 1 }\n`)).toEqual([]);
  });

  it('rejects a zero time budget', () => {
    expect(problems(`${SYNTH}model: { family: cnn }\nsearch: { time: 0m }\n`)).toEqual(['5:17 semantic.range search.time must be longer than zero']);
  });
});

describe('semantic checks: k-fold', () => {
  it('accepts a k-fold split without a warning (assay run trains every fold)', () => {
    expect(problems(`${SYNTH}model: { family: cnn }\nsplit: { folds: 5 }\n`)).toEqual([]);
  });
});
