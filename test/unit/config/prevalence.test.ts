import { describe, expect, it } from 'vitest';
import { validatePipelineText } from '../../../src/config/index.js';
import { objectiveKey } from '../../../src/evaluate/prevalence.js';

/** `line:col code message (hint)` for every error of an invalid pipeline; [] when valid. */
function problems(text: string, overrides: readonly string[] = []): string[] {
  const r = validatePipelineText(text, 'p.yaml', overrides);
  if (r.ok) return [];
  return r.diagnostics.map((d) => `${d.line}:${d.col} ${d.code} ${d.message}${d.hint ? ` (${d.hint})` : ''}`);
}

const HEAD = `assay: 1
name: t
data: { source: synthetic-cracks, counts: { crack: 10, no-crack: 100 } }
model: { family: cnn }
`;

function prevalenceOf(text: string, overrides: readonly string[] = []) {
  const r = validatePipelineText(text, 'p.yaml', overrides);
  if (!r.ok) throw new Error(r.diagnostics.map((d) => d.message).join('\n'));
  return { spec: r.spec.objective.prevalence, resolved: (r.resolved as { objective: { prevalence: unknown } }).objective.prevalence };
}

describe('objective.prevalence: parsing and defaults', () => {
  it('defaults to sample, in the spec and in the resolved form', () => {
    expect(prevalenceOf(HEAD)).toEqual({ spec: { kind: 'sample' }, resolved: 'sample' });
    expect(prevalenceOf(`${HEAD}objective: { metric: mcc }\n`).spec).toEqual({ kind: 'sample' });
  });

  it('maps sample, source and a share to their spec forms', () => {
    expect(prevalenceOf(`${HEAD}objective: { prevalence: sample }\n`).spec).toEqual({ kind: 'sample' });
    expect(prevalenceOf(`${HEAD}objective: { prevalence: source }\n`)).toEqual({ spec: { kind: 'source' }, resolved: 'source' });
    expect(prevalenceOf(`${HEAD}objective: { prevalence: 0.091 }\n`).spec).toEqual({ kind: 'fixed', value: 0.091 });
  });

  it('takes --set objective.prevalence=source and =0.25', () => {
    expect(prevalenceOf(HEAD, ['objective.prevalence=source']).spec).toEqual({ kind: 'source' });
    expect(prevalenceOf(HEAD, ['objective.prevalence=0.25']).spec).toEqual({ kind: 'fixed', value: 0.25 });
  });
});

describe('objective.prevalence: errors at their location', () => {
  it('rejects shares outside (0, 1) at the value', () => {
    expect(problems(`${HEAD}objective: { prevalence: 0 }\n`)).toEqual(['5:26 schema.range objective.prevalence must be > 0 (found 0)']);
    expect(problems(`${HEAD}objective: { prevalence: 1 }\n`)).toEqual(['5:26 schema.range objective.prevalence must be < 1 (found 1)']);
    expect(problems(`${HEAD}objective: { prevalence: -0.5 }\n`)).toEqual(['5:26 schema.range objective.prevalence must be > 0 (found -0.5)']);
  });

  it('rejects an unknown word at the value, with a did-you-mean hint', () => {
    const [p] = problems(`${HEAD}objective: { prevalence: sorce }\n`);
    expect(p).toMatch(/^5:26 schema\.enum /);
    expect(p).toContain('"source"');
  });

  it('rejects prevalence on a three-class problem at the key', () => {
    const three = `assay: 1
name: t
data:
  source: image-folder
  path: d
  classes: { crack: C, stain: S, clean: N }
  positive: crack
model: { family: cnn }
objective:
  prevalence: source
`;
    expect(problems(three)).toEqual([
      '10:3 semantic.prevalence-classes objective.prevalence needs a two-class problem; the data has 3 classes (crack, stain, clean) (remove objective.prevalence (or write prevalence: sample))',
    ]);
    expect(problems(three.replace('prevalence: source', 'prevalence: sample'))).toEqual([]);
  });
});

describe('objective.prevalence: cache keys', () => {
  it('leaves the keyed objective as it always was for sample, and keys the others', () => {
    const base = { metric: 'f1', beta: 1, threshold: { kind: 'tune' } } as const;
    expect(objectiveKey({ ...base, prevalence: { kind: 'sample' } })).toEqual(base);
    expect(objectiveKey({ ...base, prevalence: { kind: 'source' } })).toEqual({ ...base, prevalence: { kind: 'source' } });
    expect(objectiveKey({ ...base, prevalence: { kind: 'fixed', value: 0.2 } })).toEqual({ ...base, prevalence: { kind: 'fixed', value: 0.2 } });
  });
});
