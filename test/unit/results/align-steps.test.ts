import { describe, expect, it } from 'vitest';
import { pipelineChanges, stepChanges } from '../../../src/results/align-steps.js';
import { renderDiffMarkdown, renderDiffText } from '../../../src/results/diff-render.js';
import type { RunDiff } from '../../../src/results/diff-runs.js';

const before = [{ resize: { width: 48, height: 48 } }, { grayscale: {} }, { normalize: { method: 'standard' } }];

describe('feature steps aligned in a diff', () => {
  it('an inserted step is one change, not a shifted tail', () => {
    const after = [before[0], before[1], { edges: { method: 'sobel', mode: 'append' } }, before[2]];
    expect(stepChanges(before, after)).toEqual([{ key: 'features[2]', before: null, after: '{"edges":{"method":"sobel","mode":"append"}}' }]);
  });

  it('a removed step is one change under its old index', () => {
    expect(stepChanges(before, [before[0], before[2]])).toEqual([{ key: 'features[1]', before: '{"grayscale":{}}', after: null }]);
  });

  it('an edited step shows its changed leaves, also when an insertion shifts it', () => {
    const after = [{ crop: { left: 1 } }, before[0], before[1], { normalize: { method: 'minmax' } }];
    expect(stepChanges(before, after)).toEqual([
      { key: 'features[0]', before: null, after: '{"crop":{"left":1}}' },
      { key: 'features[3].normalize.method', before: 'standard', after: 'minmax' },
    ]);
  });

  it('a step replaced by another kind at the same place shows as a change of that place', () => {
    expect(stepChanges([{ kind: 'resize' }, { kind: 'grayscale' }], [{ kind: 'resize' }, { kind: 'edges' }])).toEqual([{ key: 'features[1].kind', before: 'grayscale', after: 'edges' }]);
  });

  it('merges step changes with the other keys in key order', () => {
    const a = { name: 'p', version: 1, features: before };
    const b = { name: 'p', version: 2, features: [before[0], before[1], { edges: { method: 'sobel' } }, before[2]] };
    expect(pipelineChanges(a, b).map((c) => c.key)).toEqual(['features[2]', 'version']);
  });
});

const HASH_A = 'c0b5447a6522'.padEnd(64, '0');
const HASH_B = '626fdc9cf4ae'.padEnd(64, '1');
const diff: RunDiff = {
  a: { label: 'a', dir: '/a', run: 'ra' } as RunDiff['a'],
  b: { label: 'b', dir: '/b', run: 'rb' } as RunDiff['b'],
  parameters: [{ key: 'version', before: '1', after: '2' }],
  stages: [{ stage: 'features', before: HASH_A, after: HASH_B, status: 'changed', reasons: [`upstream.decode: "${HASH_A}" -> "${HASH_B}"`] }],
  metrics: [{ metric: 'f1', before: 0.7, after: 0.75, change: 0.05, better: true, noise: null }],
  pairing: { paired: false, reason: 'unpaired', n: null, resamples: null },
  ledger: { a: null, b: null },
};

describe('diff rendering', () => {
  it('shortens hashes to 12 characters unless full', () => {
    const text = renderDiffText(diff);
    expect(text).toContain('features  changed c0b5447a6522 -> 626fdc9cf4ae');
    expect(text).toContain('upstream.decode: "c0b5447a6522" -> "626fdc9cf4ae"');
    expect(text).not.toContain(HASH_A);
    const full = renderDiffText(diff, { full: true });
    expect(full).toContain(`${HASH_A} -> ${HASH_B}`);
    expect(renderDiffMarkdown(diff)).toContain('`c0b5447a6522` → `626fdc9cf4ae`');
  });

  it('puts the metrics table first in Markdown', () => {
    const md = renderDiffMarkdown(diff);
    expect(md.indexOf('| metric |')).toBeGreaterThan(0);
    expect(md.indexOf('| metric |')).toBeLessThan(md.indexOf('| parameter |'));
  });
});
