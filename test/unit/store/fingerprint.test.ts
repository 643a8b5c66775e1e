import { describe, expect, it } from 'vitest';
import { cacheKey, canonicalJson, explainDifference, fingerprintRecord } from '../../../src/store/fingerprint.js';

describe('canonicalJson', () => {
  it('sorts keys at every depth and drops undefined members', () => {
    expect(canonicalJson({ b: 1, a: { d: [1, { z: 2, y: undefined, x: 'q' }], c: null } })).toBe('{"a":{"c":null,"d":[1,{"x":"q","z":2}]},"b":1}');
  });

  it('rejects non-finite numbers instead of writing null', () => {
    expect(() => canonicalJson({ a: Number.NaN })).toThrow(/non-finite/);
    expect(() => canonicalJson([Infinity])).toThrow(/non-finite/);
  });
});

describe('cacheKey', () => {
  const record = fingerprintRecord({
    stage: 'split',
    codeVersion: 1,
    versions: { assay: '0.1.0' },
    params: { kind: 'fraction', validation: 0.2, stratify: true },
    upstream: { sample: 'abc' },
    inputs: {},
    seed: 2022,
  });

  it('is stable: a golden key catches accidental changes to the record layout', () => {
    expect(canonicalJson(record)).toBe(
      '{"codeVersion":1,"format":2,"inputs":{},"params":{"kind":"fraction","stratify":true,"validation":0.2},"seed":2022,"stage":"split","upstream":{"sample":"abc"},"versions":{"assay":"0.1.0"}}',
    );
    // sha256 of the line above, computed independently (sha256sum).
    expect(cacheKey(record)).toBe('bb68324db47b9a80568081bce3cfd7ca77793de4a04a2b90bd8976fd674c82e2');
  });

  it('does not depend on key order in params', () => {
    const reordered = fingerprintRecord({ ...record, params: { stratify: true, validation: 0.2, kind: 'fraction' } });
    expect(cacheKey(reordered)).toBe(cacheKey(record));
  });

  it('changes when any named part changes', () => {
    const k = cacheKey(record);
    expect(cacheKey({ ...record, seed: 2023 })).not.toBe(k);
    expect(cacheKey({ ...record, codeVersion: 2 })).not.toBe(k);
    expect(cacheKey({ ...record, versions: { assay: '0.1.1' } })).not.toBe(k);
    expect(cacheKey({ ...record, upstream: { sample: 'abd' } })).not.toBe(k);
    expect(cacheKey({ ...record, params: { kind: 'fraction', validation: 0.25, stratify: true } })).not.toBe(k);
  });
});

describe('explainDifference', () => {
  it('names the changed paths with old and new values', () => {
    expect(explainDifference({ params: { steps: ['resize', 'grayscale'] }, seed: 1 }, { params: { steps: ['resize', 'edges'] }, seed: 1 })).toEqual([
      'params.steps[1]: "grayscale" -> "edges"',
    ]);
    expect(explainDifference({ a: 1 }, { a: 1, b: 2 })).toEqual(['b: (absent) -> 2']);
    expect(explainDifference({ a: 1 }, { a: 1 })).toEqual([]);
  });
});
