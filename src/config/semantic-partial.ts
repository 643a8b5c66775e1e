/**
 * Semantic checks on the parts of a pipeline that passed the schema, when other parts did not:
 * so one `assay validate` reports an inverted range in model.space together with a misspelt
 * feature step, instead of the second only after the first is fixed.
 *
 * The parts with schema errors are cut out of a copy of the document (an array as a whole, so
 * indices stay true; a required top-level section is replaced by a placeholder) until the rest
 * is schema-valid; the semantic checks then run on it, and only the diagnostics that lie outside
 * the cut parts and read no section cut whole are kept. Pure.
 */
import type { Diagnostic } from '../core/diagnostics.js';
import { withDefaults } from './defaults.js';
import type { Locator } from './locator.js';
import { schemaErrors } from './schema.js';
import { semanticDiagnostics } from './semantic.js';
import { specFromResolved } from './to-spec.js';

type Doc = Record<string, unknown>;

/** Stand-ins for required top-level sections that had schema errors (never reported on). */
const PLACEHOLDERS: Readonly<Record<string, unknown>> = {
  assay: 1,
  name: 'placeholder',
  data: { source: 'synthetic-cracks', counts: { crack: 1, 'no-crack': 1 } },
  model: { family: 'logistic' },
};

/**
 * The top-level sections each check reads besides the one its diagnostic points into; a check not
 * listed is assumed to read everything.
 */
const READS: Readonly<Record<string, readonly string[]>> = {
  'semantic.unknown-class': ['data'], 'semantic.missing-class': ['data'], 'semantic.prevalence-classes': ['data', 'objective'],
  'semantic.family-data': ['data', 'model', 'features'], 'semantic.tabular-step': ['data', 'features', 'model'],
  'semantic.group-by': ['data', 'holdout', 'split'], 'semantic.pattern': ['holdout', 'split'], 'semantic.csv-features': ['data'],
  'semantic.fractions': ['holdout', 'split'], 'semantic.crop-bounds': ['features', 'data'], 'semantic.step-order': ['features'], 'semantic.step-column': ['features', 'data'],
  'semantic.augment-twice': ['features'], 'semantic.unknown-param': ['model'], 'semantic.param-type': ['model'],
  'semantic.param-value': ['model'], 'semantic.param-range': ['model'], 'semantic.range-order': ['model'],
  'semantic.range': ['model', 'objective', 'search'], 'semantic.early-stopping': ['model'],
  'semantic.threshold-metric': ['objective'], 'semantic.direction': ['objective'],
  'semantic.grid-size': ['search', 'model'], 'semantic.startup': ['search'], 'semantic.parallel': ['search'],
  'semantic.ensemble': ['search', 'split'],
};

const isMap = (v: unknown): v is Doc => typeof v === 'object' && v !== null && !Array.isArray(v);

function unescapePointer(s: string): string {
  return s.replace(/~1/g, '/').replace(/~0/g, '~');
}

function render(path: readonly string[]): string {
  return path.join('.');
}

/** Remove `path` from `doc` (a map path; no array indices). */
function cutAt(doc: Doc, path: readonly string[]): void {
  let cur: unknown = doc;
  for (const seg of path.slice(0, -1)) cur = isMap(cur) ? cur[seg] : undefined;
  if (isMap(cur)) delete cur[path[path.length - 1]!];
}

/**
 * Semantic diagnostics for the schema-valid parts of `document` (which has schema errors); empty
 * when nothing can be checked.
 */
export function semanticOnValidParts(document: unknown, locator: Locator): Diagnostic[] {
  if (!isMap(document)) return [];
  const doc = structuredClone(document) as Doc;
  const cut: string[][] = [];
  for (let round = 0; round < 200; round++) {
    const errors = schemaErrors(doc);
    if (errors.length === 0) break;
    const e = errors[0]!;
    const raw = e.instancePath === '' ? [] : e.instancePath.split('/').slice(1).map(unescapePointer);
    // Cut before the first array index, so the indices of what stays keep their meaning.
    let cur: unknown = doc;
    let depth = 0;
    for (; depth < raw.length && !Array.isArray(cur); depth++) cur = isMap(cur) ? cur[raw[depth]!] : undefined;
    let path = raw.slice(0, depth);
    if (!Array.isArray(cur) && depth === raw.length && e.keyword === 'additionalProperties') path = [...path, String((e.params as { additionalProperty: string }).additionalProperty)];
    if (path.length === 0) {
      const missing = e.keyword === 'required' ? String((e.params as { missingProperty: string }).missingProperty) : null;
      if (missing === null || !(missing in PLACEHOLDERS)) return [];
      doc[missing] = structuredClone(PLACEHOLDERS[missing]);
      cut.push([missing]);
      continue;
    }
    if (path.length === 1 && path[0]! in PLACEHOLDERS) doc[path[0]!] = structuredClone(PLACEHOLDERS[path[0]!]);
    else cutAt(doc, path);
    cut.push(path);
  }
  if (schemaErrors(doc).length > 0) return [];
  let diagnostics: Diagnostic[];
  try {
    diagnostics = semanticDiagnostics(specFromResolved(withDefaults(doc)), doc, locator);
  } catch {
    return [];
  }
  const cutPaths = cut.map(render);
  // A section cut whole (or replaced) breaks every check that reads it; a cut inside a section
  // (model.training.epochs) only hides the diagnostics located inside the cut.
  const cutSections = new Set(cut.filter((c) => c.length === 1).map((c) => c[0]!));
  const inside = (p: string) => cutPaths.some((c) => p === c || p.startsWith(`${c}.`) || p.startsWith(`${c}[`));
  return diagnostics.filter((d) => {
    if (inside(d.path)) return false;
    const reads = READS[d.code];
    if (reads === undefined) return cutSections.size === 0;
    return !reads.some((s) => cutSections.has(s));
  });
}
