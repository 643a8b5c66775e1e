import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { SCHEMA, SCHEMA_URL } from '../../../src/config/schema.js';
import { schemaProperties, settablePathsNamed } from '../../../src/config/schema-paths.js';
import { STEP_KINDS } from '../../../src/features/kinds/registry.js';

/** What a property's description must say when it has no `default`: that it is required, or what its absence means. */
const NO_DEFAULT = /\brequired\b|when absent|without it|default: |no default|no limit when absent/i;

describe('the published schema documents every property', () => {
  const props = schemaProperties();

  it('finds every declared property (each variant of a path separately)', () => {
    expect(props.length).toBeGreaterThan(100);
    expect(props.filter((p) => p.path === 'data.path')).toHaveLength(2); // image-folder and csv
    expect(props.map((p) => p.path)).toContain('search.trials');
    expect(props.map((p) => p.path)).toContain('features[].edges.mode');
    // Feature-step kinds are declared by their modules (features/kinds/*.ts) and held verbatim by
    // the file (drift.test.ts), so documenting them there documents them here.
    expect(props.map((p) => p.path)).toEqual(expect.arrayContaining(['features[].clip', 'features[].clip.quantile', 'features[].center-crop.width', 'features[].augment.rotate90']));
  });

  it('gives each a description, an example, and its default or what its absence means', () => {
    const problems: string[] = [];
    for (const { path, resolved } of props) {
      const d = resolved.description;
      if (typeof d !== 'string' || d.length < 8) problems.push(`${path}: no description`);
      if (!Array.isArray(resolved.examples) || resolved.examples.length === 0) problems.push(`${path}: no examples`);
      if (!('default' in resolved) && !(typeof d === 'string' && NO_DEFAULT.test(d))) problems.push(`${path}: no default, and the description does not say it is required or what its absence means`);
    }
    expect(problems).toEqual([]);
  });

  it('says what each pixel, table and training step does on mixed data (an image and a row per item)', () => {
    // Geometry steps run while an image is decoded, whatever else the item holds; every other
    // step takes either the image or the row of a mixed item (or is refused there), and says which.
    const described = (k: (typeof STEP_KINDS)[keyof typeof STEP_KINDS]): string => {
      const ref = k.schema.$ref;
      return String(typeof ref === 'string' ? k.defs?.[ref.split('/').pop()!]?.description : k.schema.description);
    };
    const unsaid = Object.values(STEP_KINDS)
      .filter((k) => k.place !== 'geometry')
      .filter((k) => !/mixed data/.test(described(k)) || /tabular CSV data only/.test(described(k)))
      .map((k) => k.kind);
    expect(unsaid).toEqual([]);
    const table = Object.values(STEP_KINDS).filter((s) => s.data === 'table');
    expect(table.map((k) => k.kind).sort()).toEqual(['clip', 'impute', 'log1p', 'one-hot', 'standardize']);
    for (const k of table) expect(described(k), k.kind).toMatch(/each item's row in mixed data/);
  });

  it('has a stable $id, and the file parses as the module reads it', () => {
    expect(SCHEMA.$id).toBe('urn:assay:schema:pipeline:v1');
    expect(JSON.parse(readFileSync(SCHEMA_URL, 'utf8'))).toEqual(SCHEMA);
  });

  it('names the setting behind an option name, for --set hints', () => {
    expect(settablePathsNamed('trials')).toEqual(['search.trials']);
    expect(settablePathsNamed('learningRate')).toEqual(['model.training.learning-rate']);
    expect(settablePathsNamed('nonsense')).toEqual([]);
  });
});
