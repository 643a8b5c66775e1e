import { describe, expect, it } from 'vitest';
import { validatePipelineText } from '../../../src/config/index.js';

const BASE = `assay: 1
name: p
data:
  source: synthetic-cracks
  counts: { crack: 20, no-crack: 40 }
features:
  - resize: { width: 32, height: 32 }
  - FEATURE
model:
  family: cnn
  space:
    dropout: { float: [0.4, 0.0] }
search: SEARCH
`;

const codes = (text: string) => {
  const r = validatePipelineText(text, 'p.yaml');
  expect(r.ok).toBe(false);
  return r.ok ? [] : r.diagnostics.map((d) => `${d.line}:${d.code}`);
};

describe('validate in one pass', () => {
  it('reports an inverted range together with a schema error elsewhere', () => {
    const got = codes(BASE.replace('FEATURE', 'greyscale: {}').replace('SEARCH', '{ trials: 4 }'));
    expect(got.some((c) => /^8:schema\./.test(c))).toBe(true);
    expect(got).toContain('12:semantic.range-order');
  });

  it('reports both when the schema error is in the same section (another key of model)', () => {
    const text = BASE.replace('FEATURE', 'grayscale: {}').replace('SEARCH', '{ trials: 4 }').replace('  family: cnn\n', '  family: cnn\n  training: { epochs: -3 }\n');
    const got = codes(text);
    expect(got.some((c) => /^11:schema\./.test(c))).toBe(true);
    expect(got).toContain('13:semantic.range-order');
  });

  it('does not check what depends on a part with a schema error (no class checks against a broken data block)', () => {
    const text = BASE.replace('FEATURE', 'grayscale: {}').replace('SEARCH', '{ trials: 4 }')
      .replace('source: synthetic-cracks', 'source: synthetic-crackz')
      .replace('features:', 'sampling: { counts: { crak: 5, no-crack: 10 } }\nfeatures:');
    const got = codes(text);
    expect(got.some((c) => /schema\./.test(c))).toBe(true);
    expect(got.some((c) => /unknown-class|missing-class/.test(c))).toBe(false);
    expect(got.some((c) => /range-order/.test(c))).toBe(true);
  });

  it('still checks classes against a data block whose other keys are wrong', () => {
    const text = BASE.replace('FEATURE', 'grayscale: {}').replace('SEARCH', '{ trials: 4 }')
      .replace('  counts: { crack: 20, no-crack: 40 }', '  counts: { crack: 20, no-crack: 40 }\n  size: big')
      .replace('features:', 'sampling: { counts: { crak: 5, no-crack: 10 } }\nfeatures:');
    const got = codes(text);
    expect(got.some((c) => /schema\./.test(c))).toBe(true);
    expect(got.some((c) => /semantic\.unknown-class/.test(c))).toBe(true);
  });

  it('finds the same semantic problems as a schema-valid pipeline would', () => {
    const valid = validatePipelineText(BASE.replace('FEATURE', 'grayscale: {}').replace('SEARCH', '{ trials: 4 }'), 'p.yaml');
    expect(valid.ok ? [] : valid.diagnostics.map((d) => d.code)).toEqual(['semantic.range-order']);
  });
});
