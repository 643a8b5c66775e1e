/**
 * Checks the schema cannot express, run on a schema-valid pipeline: class names that the data
 * lacks, partitions that leave nothing to train on, group-by that does not fit the data.
 * Search-space, objective and feature-step checks live in semantic-model.ts and semantic-features.ts.
 * Every problem is located in the source (the YAML path is rebuilt from the spec's shape).
 */
import path from 'node:path';
import type { Diagnostic } from '../core/diagnostics.js';
import type { ClassName, GroupBy, PipelineSpec } from '../core/spec.js';
import { didYouMean } from './did-you-mean.js';
import type { Locator } from './locator.js';
import { createReporter, type Reporter } from './located.js';
import type { Segment } from './path.js';
import { checkClassKinds } from './semantic-classes.js';
import { checkFeatures } from './semantic-features.js';
import { checkModel, checkObjective, checkSearch } from './semantic-model.js';
import { SYNTHETIC_CLASSES } from './vocabulary.js';

/** The class names a data block declares, in index order; null when only the data can tell (CSV without `classes`). */
export function declaredClasses(data: PipelineSpec['data']): readonly ClassName[] | null {
  switch (data.source) {
    case 'image-folder': return Object.keys(data.classes);
    case 'synthetic-cracks': return SYNTHETIC_CLASSES;
    case 'csv': return data.classes ?? null;
    default: return data satisfies never;
  }
}

/** Every semantic problem of `spec` (errors and warnings), located through `locator`; `document` is the source form of `spec`. */
export function semanticDiagnostics(spec: PipelineSpec, document: unknown, locator: Locator): Diagnostic[] {
  const r = createReporter(locator);
  checkClasses(spec, r);
  checkClassKinds(spec, r, declaredClasses(spec.data));
  checkClassFolders(spec, r);
  checkPartitions(spec, r);
  checkFeatures(spec, r);
  checkModel(spec, r);
  checkObjective(spec, r, document);
  checkPrevalence(spec, r);
  checkSearch(spec, r);
  return r.diagnostics;
}

/** objective.prevalence reweights negatives against the positive class: two classes only. */
function checkPrevalence(spec: PipelineSpec, r: Reporter): void {
  // NOTE: without data.positive, semantic-classes.ts reports it.
  if (spec.objective.prevalence.kind === 'sample' || spec.data.positive === undefined) return;
  const classes = declaredClasses(spec.data);
  // NOTE: CSV data without declared classes is checked when the search starts.
  if (classes === null || classes.length === 2) return;
  r.key('semantic.prevalence-classes', ['objective', 'prevalence'], `objective.prevalence needs a two-class problem; the data has ${classes.length} classes (${classes.join(', ')})`, 'remove objective.prevalence (or write prevalence: sample)');
}

function checkClasses(spec: PipelineSpec, r: Reporter): void {
  const classes = declaredClasses(spec.data);
  if (classes === null) return;
  const list = classes.join(', ');
  if (spec.data.positive !== undefined && !classes.includes(spec.data.positive)) {
    r.value('semantic.unknown-class', ['data', 'positive'], `positive class "${spec.data.positive}" is not one of the data's classes (${list})`, didYouMean(spec.data.positive, classes));
  }
  const perClass = (at: readonly Segment[], record: Readonly<Record<string, number>>, what: string): void => {
    for (const name of Object.keys(record)) {
      if (!classes.includes(name)) r.key('semantic.unknown-class', [...at, name], `${what} names class "${name}", which the data does not have (classes: ${list})`, didYouMean(name, classes));
    }
    const missing = classes.filter((c) => !(c in record));
    if (missing.length > 0) r.key('semantic.missing-class', at, `${what} must give every class; missing ${missing.map((c) => `"${c}"`).join(', ')}`);
  };
  if (spec.holdout.kind === 'counts') perClass(['holdout', 'counts'], spec.holdout.counts, 'holdout.counts');
  if (spec.sampling.kind === 'counts') perClass(['sampling', 'counts'], spec.sampling.counts, 'sampling.counts');
  if (spec.sampling.kind === 'ratio') perClass(['sampling', 'ratio'], spec.sampling.ratio, 'sampling.ratio');
  if (spec.resample.method === 'class-weights' && spec.resample.weights !== 'balanced') {
    perClass(['resample', 'weights'], spec.resample.weights, 'resample.weights');
  }
}

/**
 * Image-folder class folders: each inside `data.path`, and no two the same folder or one inside
 * another (its images would belong to both classes).
 */
function checkClassFolders(spec: PipelineSpec, r: Reporter): void {
  if (spec.data.source !== 'image-folder') return;
  const seen: { readonly name: string; readonly folder: string }[] = [];
  for (const [name, given] of Object.entries(spec.data.classes)) {
    const at = ['data', 'classes', name];
    const folder = path.posix.normalize(given.replace(/\\/g, '/')).replace(/\/+$/, '');
    if (path.posix.isAbsolute(folder) || path.win32.isAbsolute(given) || folder === '..' || folder.startsWith('../')) {
      r.value('semantic.class-folder', at, `class ${name}'s folder "${given}" is outside data.path`, 'class folders are sub-folders of data.path, e.g. Positive');
      continue;
    }
    if (folder === '.' || folder === '') {
      r.value('semantic.class-folder', at, `class ${name}'s folder "${given}" is data.path itself, which holds the other classes' folders`, 'give each class its own sub-folder');
      continue;
    }
    const other = seen.find((o) => o.folder === folder || folder.startsWith(`${o.folder}/`) || o.folder.startsWith(`${folder}/`));
    if (other) {
      const how = other.folder === folder ? `is the same folder as class ${other.name}'s` : folder.startsWith(`${other.folder}/`) ? `lies inside class ${other.name}'s folder "${other.folder}"` : `holds class ${other.name}'s folder "${other.folder}"`;
      r.value('semantic.class-folder', at, `class ${name}'s folder "${given}" ${how}: its images would belong to two classes`);
    }
    seen.push({ name, folder });
  }
}

function checkPartitions(spec: PipelineSpec, r: Reporter): void {
  const { holdout, split, data } = spec;
  if (holdout.kind === 'fraction' && split.kind === 'fraction' && holdout.fraction + split.validation >= 1) {
    const sum = Math.round((holdout.fraction + split.validation) * 1e9) / 1e9;
    r.value('semantic.fractions', ['split', 'validation'], `holdout.fraction ${holdout.fraction} + split.validation ${split.validation} = ${sum} leaves nothing to train on (the sum must be below 1)`);
  }
  const checkGroup = (at: readonly Segment[], g: GroupBy | undefined): void => {
    if (g === undefined) return;
    if (g.kind === 'column') {
      if (data.source !== 'csv') r.value('semantic.group-by', at, `group-by column "${g.column}" needs csv data (this data is ${data.source})`, 'use a regex over the file name instead');
      else if (g.column === data.label) r.value('semantic.group-by', at, `group-by column "${g.column}" is the label column`);
      return;
    }
    try {
      new RegExp(g.pattern);
    } catch (e) {
      r.value('semantic.pattern', at, `group-by pattern is not a valid regular expression: ${(e as Error).message}`);
    }
    if (data.source === 'csv' && data.image === undefined) r.value('semantic.group-by', at, 'a group-by pattern matches file names, but this csv data has no image column', 'use {column: name}');
    if (data.source === 'synthetic-cracks') r.warn('semantic.group-by', at, 'synthetic items are independent; group-by has no effect');
  };
  checkGroup(['holdout', 'group-by'], holdout.groupBy);
  checkGroup(['split', 'group-by'], split.groupBy);
  if (data.source === 'csv' && data.image === undefined && data.columns.length === 0) {
    r.key('semantic.csv-features', ['data'], 'csv data needs an image column or feature columns', 'add image: <column> or columns: [...]');
  }
  if (data.source === 'csv' && (data.columns.includes(data.label) || data.image === data.label)) {
    r.key('semantic.csv-features', ['data', 'label'], `the label column "${data.label}" cannot also be a feature or image column`);
  }
}
