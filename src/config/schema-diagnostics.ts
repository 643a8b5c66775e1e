/**
 * Ajv errors -> one precise, located diagnostic per real problem.
 * - `if` wrappers and `propertyNames` wrappers are dropped (the inner error says it all);
 * - an `anyOf` becomes one message ("sampling needs counts or ratio") instead of one per branch;
 * - unknown keys, misspelled kinds and enum values get a did-you-mean hint;
 * - keys are located at the key, values at the value, missing keys at the parent's key.
 */
import type { ErrorObject } from 'ajv/dist/2020.js';
import type { Diagnostic } from '../core/diagnostics.js';
import { didYouMean } from './did-you-mean.js';
import type { Locator } from './locator.js';
import { formatPath, pointerToSegments, type Segment } from './path.js';
import { EXPECTED_KEYWORD, schemaErrors } from './schema.js';

type SchemaNode = Readonly<Record<string, unknown>>;

/** Validate `document` against the schema and describe every problem, located through `locator`. */
export function schemaDiagnostics(document: unknown, locator: Locator): Diagnostic[] {
  const errors = collapseAnyOf(schemaErrors(document).filter((e) => e.keyword !== 'if' && e.keyword !== 'propertyNames'));
  const out: Diagnostic[] = [];
  const seen = new Set<string>();
  for (const e of errors) {
    const d = describe(e, document, locator);
    const id = `${d.code}|${d.path}|${d.message}`;
    if (!seen.has(id)) { seen.add(id); out.push(d); }
  }
  return out;
}

/** Replace each failed `anyOf` and the errors of its branches with one error of keyword `anyOf`. */
function collapseAnyOf(errors: readonly ErrorObject[]): ErrorObject[] {
  const groups = errors.filter((e) => e.keyword === 'anyOf' || e.keyword === 'oneOf');
  const inGroup = (e: ErrorObject): ErrorObject | undefined =>
    groups.find((g) => g !== e && e.schemaPath.startsWith(`${g.schemaPath}/`) && e.instancePath.startsWith(g.instancePath));
  return errors
    .filter((e) => inGroup(e) === undefined)
    .map((e) => {
      if (e.keyword !== 'anyOf' && e.keyword !== 'oneOf') return e;
      const branches = errors.filter((c) => inGroup(c) === e);
      const missing = branches.filter((c) => c.keyword === 'required' && c.instancePath === e.instancePath).map((c) => String(c.params['missingProperty']));
      return { ...e, params: { ...e.params, missing } };
    });
}

function describe(e: ErrorObject, document: unknown, locator: Locator): Diagnostic {
  const segs = pointerToSegments(e.instancePath, document);
  const parent = (e.parentSchema ?? {}) as SchemaNode;
  const expected = typeof parent[EXPECTED_KEYWORD] === 'string' ? (parent[EXPECTED_KEYWORD] as string) : undefined;
  const value = valueAt(document, segs);
  const where = formatPath(segs) || 'the pipeline';
  const make = (code: string, at: readonly Segment[], kind: 'key' | 'value', message: string, hint?: string): Diagnostic => {
    const p = kind === 'key' ? locator.key(at) : locator.value(at);
    return { code, severity: 'error', path: formatPath(at), file: p.file, line: p.line, col: p.col, message, ...(hint ? { hint } : {}) };
  };
  const propertyName = (e as ErrorObject & { propertyName?: string }).propertyName;
  if (propertyName !== undefined) {
    // An error about a key (propertyNames): located at that key.
    const at = [...segs, propertyName];
    const allowed = Array.isArray(e.params['allowedValues']) ? (e.params['allowedValues'] as unknown[]).map(String) : [];
    if (e.keyword === 'enum') return make('schema.enum', at, 'key', `"${propertyName}" is not allowed as a key of ${where}: expected one of ${allowed.join(', ')}`, didYouMean(propertyName, allowed));
    return make(`schema.${e.keyword === 'pattern' ? 'pattern' : 'key'}`, at, 'key', `key "${propertyName}" in ${where} must be ${expected ?? `valid (${e.message ?? ''})`}`);
  }
  switch (e.keyword) {
    case 'additionalProperties': {
      const key = String(e.params['additionalProperty']);
      const allowed = Object.keys((parent['properties'] ?? {}) as SchemaNode);
      const isStep = parent['title'] === 'Feature step';
      const message = isStep ? `unknown feature step "${key}" in ${where}` : `unknown key "${key}" in ${where}`;
      const hint = didYouMean(key, allowed) ?? (allowed.length > 0 && allowed.length <= 12 ? `expected one of: ${allowed.join(', ')}` : undefined);
      return make('schema.unknown-key', [...segs, key], 'key', message, hint);
    }
    case 'required':
      return make('schema.required', segs, 'key', `${where} is missing required key "${String(e.params['missingProperty'])}"`);
    case 'dependentRequired':
      return make('schema.required', [...segs, String(e.params['property'])], 'key', `"${String(e.params['property'])}" in ${formatPath(segs)} needs "${String(e.params['missingProperty'])}" too`);
    case 'anyOf':
    case 'oneOf': {
      const missing = (e.params['missing'] ?? []) as string[];
      if (missing.length > 0 && value !== null && typeof value === 'object' && !Array.isArray(value)) {
        return make('schema.required', segs, 'key', `${where} needs ${orList(missing)}`, expected ? `expected ${expected}` : undefined);
      }
      return make('schema.type', segs, 'value', `${where} must be ${expected ?? 'one of the allowed forms'} (found ${describeValue(value)})`);
    }
    case 'false schema': {
      const m = /dependentSchemas\/([^/]+)\/properties\/([^/]+)\/false schema$/.exec(e.schemaPath);
      const key = m ? decodeURIComponent(m[2]!) : String(segs[segs.length - 1]);
      const with_ = m ? decodeURIComponent(m[1]!) : '';
      return make('schema.conflict', segs, 'key', `"${key}" cannot be combined with "${with_}" in ${formatPath(segs.slice(0, -1))}`);
    }
    case 'enum':
    case 'const': {
      const allowed = e.keyword === 'const' ? [e.params['allowedValue']] : (e.params['allowedValues'] as unknown[]);
      const names = allowed.map((a) => (typeof a === 'string' ? a : JSON.stringify(a)));
      const must = allowed.length === 1 ? `must be ${JSON.stringify(allowed[0])}` : `must be one of ${names.join(', ')}`;
      const hint = typeof value === 'string' ? didYouMean(value, names) : undefined;
      return make('schema.enum', segs, 'value', `${where} ${must} (found ${describeValue(value)})`, hint);
    }
    case 'type': {
      const types = String(e.params['type']).split(',');
      const hint = segs.length === 1 && segs[0] === 'features' && isMap(value) ? 'write each step as a list item: "- resize: {width: 64, height: 64}"' : undefined;
      return make('schema.type', segs, 'value', `${where} must be ${expected ?? orList(types.map(typeWord))} (found ${describeValue(value)})`, hint);
    }
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum':
      return make('schema.range', segs, 'value', `${where} must be ${String(e.params['comparison'])} ${String(e.params['limit'])} (found ${describeValue(value)})`);
    case 'minLength':
    case 'maxLength':
      return make('schema.range', segs, 'value', e.keyword === 'minLength' ? `${where} must not be empty` : `${where} is longer than ${String(e.params['limit'])} characters`);
    case 'minItems':
    case 'maxItems': {
      const n = Array.isArray(value) ? value.length : 0;
      const text = expected ? `must be ${expected}` : `must have ${e.keyword === 'minItems' ? 'at least' : 'at most'} ${String(e.params['limit'])} item${e.params['limit'] === 1 ? '' : 's'}`;
      return make('schema.range', segs, 'value', `${where} ${text} (found ${n} item${n === 1 ? '' : 's'})`);
    }
    case 'minProperties':
    case 'maxProperties': {
      const keys = isMap(value) ? Object.keys(value) : [];
      const found = keys.length === 0 ? 'an empty map' : `${keys.length === 1 ? 'key' : 'keys'} ${keys.join(', ')}`;
      const isStep = parent['title'] === 'Feature step';
      const hint = isStep && keys.length > 1 ? 'each list item is one step: did you forget a "-"?' : undefined;
      if (expected) return make('schema.shape', segs, 'value', `${where} must be ${expected} (found ${found})`, hint);
      const text = `must have ${e.keyword === 'minProperties' ? 'at least' : 'at most'} ${String(e.params['limit'])} key${e.params['limit'] === 1 ? '' : 's'}`;
      return make('schema.range', segs, 'value', `${where} ${text} (found ${found})`);
    }
    case 'pattern':
      return make('schema.pattern', segs, 'value', `${where} must be ${expected ?? `text matching ${String(e.params['pattern'])}`} (found ${describeValue(value)})`);
    case 'uniqueItems': {
      const j = Number(e.params['j']);
      const i = Number(e.params['i']);
      return make('schema.unique', [...segs, Math.max(i, j)], 'value', `${where} repeats a value (items ${Math.min(i, j)} and ${Math.max(i, j)})`);
    }
    default:
      return make(`schema.${e.keyword}`, segs, 'value', `${where} ${e.message ?? 'is invalid'}`);
  }
}

function valueAt(document: unknown, segs: readonly Segment[]): unknown {
  let node = document;
  for (const s of segs) node = node !== null && typeof node === 'object' ? (node as Record<string | number, unknown>)[s] : undefined;
  return node;
}

function isMap(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** `a`, `a or b`, `a, b or c`. */
function orList(items: readonly string[]): string {
  return items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} or ${items[items.length - 1]}`;
}

function typeWord(t: string): string {
  switch (t) {
    case 'object': return 'a map';
    case 'array': return 'a list';
    case 'integer': return 'an integer';
    case 'number': return 'a number';
    case 'string': return 'a string';
    case 'boolean': return 'true or false';
    default: return t;
  }
}

/** `string "four"`, `number 3`, `a list`, `a map`, `null`. */
export function describeValue(v: unknown): string {
  if (v === null || v === undefined) return 'nothing';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a map';
  // NOTE: a long value (a 16 MB line of garbage) is cut: the message names it, it need not repeat it.
  if (typeof v === 'string') return v.length > 80 ? `"${v.slice(0, 60)}..." (${v.length} characters)` : `"${v}"`;
  return String(v);
}
