/**
 * The published JSON Schema (schemas/pipeline.v1.schema.json) and its compiled validator.
 * The file is read once at import; the validator is compiled on first use (about half a second).
 */
import { readFileSync } from 'node:fs';
import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';

/** Where the schema lives, resolved from this module (works from src/ and from dist/). */
export const SCHEMA_URL = new URL('../../schemas/pipeline.v1.schema.json', import.meta.url);

/** The parsed schema, as published for editors (`# yaml-language-server: $schema=...`). */
export const SCHEMA: Readonly<Record<string, unknown>> = JSON.parse(readFileSync(SCHEMA_URL, 'utf8')) as Record<string, unknown>;

/** Annotation keyword: what a value should look like, in words, used in messages. */
export const EXPECTED_KEYWORD = 'x-expected';

let compiled: ValidateFunction | undefined;

/** Validate `document` against the schema; every error (allErrors) or an empty list. */
export function schemaErrors(document: unknown): readonly ErrorObject[] {
  if (compiled === undefined) {
    // NOTE: strict mode catches schema mistakes at compile time; unions like `type: [string, object]`
    // need allowUnionTypes; `verbose` gives each error its schema, which messages read.
    const ajv = new Ajv2020({ allErrors: true, strict: true, allowUnionTypes: true, verbose: true });
    ajv.addVocabulary([EXPECTED_KEYWORD]);
    compiled = ajv.compile(SCHEMA);
  }
  return compiled(document) ? [] : [...(compiled.errors ?? [])];
}
