import { describe, expect, it } from 'vitest';
import { validatePipelineText, parsePath, formatPath } from '../../../src/config/index.js';
import { applyOverrides } from '../../../src/config/overrides.js';
import type { Diagnostic } from '../../../src/core/diagnostics.js';

const TEXT = `assay: 1
name: t
data: { source: synthetic-cracks, counts: { crack: 10, no-crack: 100 } }
features:
  - resize: { width: 64, height: 64 }
model: { family: cnn, space: { blocks: { int: [2, 4] } } }
search: { trials: 8 }
`;

function brief(d: Diagnostic): string {
  return `${d.file}:${d.line}:${d.col} ${d.code} ${d.message}${d.hint ? ` (${d.hint})` : ''}`;
}
function failures(overrides: readonly string[], text = TEXT): string[] {
  const r = validatePipelineText(text, 'p.yaml', overrides);
  if (r.ok) throw new Error('expected the pipeline to be invalid');
  return r.diagnostics.map(brief);
}

describe('--set overrides', () => {
  it('changes scalars, list items and whole blocks, in order, and the spec shows them', () => {
    const r = validatePipelineText(TEXT, 'p.yaml', [
      'search.trials=4', 'features[0].resize.width=32', 'model.family={choice: [cnn, mlp]}', 'model.space.units={int: [8, 32]}',
    ]);
    if (!r.ok) throw new Error(r.diagnostics.map(brief).join('\n'));
    expect(r.spec.search.trials).toBe(4);
    expect(r.spec.features[0]).toEqual({ kind: 'resize', width: 32, height: 64, fit: 'fill' });
    expect(r.spec.model.families).toEqual(['cnn', 'mlp']);
    expect(r.spec.model.space['units']).toEqual({ kind: 'int', low: 8, high: 32 });
    expect((r.document as { search: unknown }).search).toEqual({ trials: 4 });
  });

  it('creates missing maps, appends a list item at index = length, and removes a key set to null', () => {
    const r = validatePipelineText(TEXT, 'p.yaml', ['report.bootstrap=0', 'features[1]={grayscale: {}}', 'search.trials=', 'model.space.blocks=~']);
    if (!r.ok) throw new Error(r.diagnostics.map(brief).join('\n'));
    expect(r.spec.report.bootstrap).toBe(0);
    expect(r.spec.features.map((s) => s.kind)).toEqual(['resize', 'grayscale']);
    expect(r.spec.search.trials).toBe(8);
    expect(r.spec.model.space).toEqual({});
  });

  it('locates an invalid value at the override, column of the value', () => {
    expect(failures(['search.trials=four'])).toEqual(['--set search.trials=four:1:15 schema.type search.trials must be an integer (found "four")']);
    expect(failures(['model.family={choice: [cnn, cnx]}'])).toEqual([
      '--set model.family={choice: [cnn, cnx]}:1:29 schema.enum model.family.choice[1] must be one of cnn, mlp, logistic, two-branch (found "cnx") (did you mean "cnn"?)',
    ]);
  });

  it('locates semantic problems of overridden values at the override key or value', () => {
    expect(failures(['model.space.filtres={int: [1, 4]}', 'model.space.blocks={int: [1, 40]}'])).toEqual([
      '--set model.space.filtres={int: [1, 4]}:1:13 semantic.unknown-param "filtres" is not a parameter of cnn (did you mean "filters"?)',
      '--set model.space.blocks={int: [1, 40]}:1:30 semantic.param-range blocks must be within 1..6 (found 40)',
    ]);
  });

  it('keeps locating untouched values in the file', () => {
    expect(failures(['search.trials=4'], TEXT.replace('width: 64', 'width: 0'))).toEqual(['p.yaml:5:22 schema.range features[0].resize.width must be >= 1 (found 0)']);
  });

  it('reports bad override syntax with file <--set>, alongside the file\'s own problems', () => {
    expect(failures(['search.parallel', 'search..x=1', 'name.x=3', 'features[3]={identity: {}}', 'search.time={a: [1}', 'features.x=1'], TEXT.replace('name: t', 'name: T'))).toEqual([
      'p.yaml:2:7 schema.pattern name must be lowercase letters, digits, \'-\', \'_\' and \'.\', starting with a letter or digit (found "T")',
      '<--set>:1:16 override.syntax --set search.parallel: expected path=value',
      '<--set>:1:8 override.syntax --set search..x=1: expected a key at column 8',
      '<--set>:1:1 override.syntax --set name.x=3: name is "T", not a map or list',
      '<--set>:1:1 override.syntax --set features[3]={identity: {}}: features has 1 item; index 3 is past the end',
      '<--set>:1:19 override.syntax --set search.time={a: [1}: value is not valid YAML: Flow sequence in block collection must be sufficiently indented and end with a ]',
      '<--set>:1:19 override.syntax --set search.time={a: [1}: value is not valid YAML: Flow map must end with a }',
      '<--set>:1:1 override.syntax --set features.x=1: features is a list; use an index like [0]',
    ]);
  });

  it('refuses keys that reach the object prototype, at the key, and leaves the prototype alone', () => {
    expect(failures(['__proto__.polluted=1', 'constructor.prototype.x=1', 'search["__proto__"].y=2', 'model.constructor={}'])).toEqual([
      '<--set>:1:1 override.forbidden-key --set __proto__.polluted=1: "__proto__" cannot be set (no pipeline key has this name)',
      '<--set>:1:1 override.forbidden-key --set constructor.prototype.x=1: "constructor" cannot be set (no pipeline key has this name)',
      '<--set>:1:8 override.forbidden-key --set search["__proto__"].y=2: "__proto__" cannot be set (no pipeline key has this name)',
      '<--set>:1:7 override.forbidden-key --set model.constructor={}: "constructor" cannot be set (no pipeline key has this name)',
    ]);
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
    expect(({} as Record<string, unknown>)['x']).toBeUndefined();
    expect(({} as Record<string, unknown>)['y']).toBeUndefined();
  });

  it('does not touch the document it was given', () => {
    const doc = { search: { trials: 8 } };
    const r = applyOverrides(doc, ['search.trials=2']);
    expect(r.document).toEqual({ search: { trials: 2 } });
    expect(doc).toEqual({ search: { trials: 8 } });
  });
});

describe('paths', () => {
  it('round-trips keys, indices and quoted keys', () => {
    const p = parsePath('features[0].resize.width');
    expect(p.segments).toEqual(['features', 0, 'resize', 'width']);
    expect(p.offsets).toEqual([0, 9, 12, 19]);
    expect(formatPath(parsePath('data.classes["a.b"]').segments)).toBe('data.classes["a.b"]');
    expect(() => parsePath('a[x]')).toThrow('expected an index or a quoted key inside [] at column 2');
    expect(() => parsePath('a["b]')).toThrow('unclosed "[" at column 2');
  });
});
