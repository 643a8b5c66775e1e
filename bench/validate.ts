/**
 * Validation time against file size: the quick-start pipeline followed by N unknown keys, each
 * reported with its line. Linear work shows as a flat time per 1,000 keys.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { validatePipelineText } from '../src/config/index.js';

export interface ValidateRow { readonly keys: number; readonly ms: number; readonly msPer1000Keys: number; readonly problems: number }

export function benchValidate(sizes: readonly number[] = [4_000, 8_000, 16_000, 32_000]): ValidateRow[] {
  const base = readFileSync(path.resolve(import.meta.dirname, '../pipelines/quickstart.yaml'), 'utf8');
  validatePipelineText(base, 'warm-up.yaml');
  return sizes.map((keys) => {
    const text = `${base}${Array.from({ length: keys }, (_, i) => `unknown${i}: 1`).join('\n')}\n`;
    const t = performance.now();
    const r = validatePipelineText(text, 'keys.yaml');
    const ms = performance.now() - t;
    return { keys, ms: Math.round(ms), msPer1000Keys: Math.round((ms / keys) * 1000 * 10) / 10, problems: r.ok ? 0 : r.diagnostics.length };
  });
}
