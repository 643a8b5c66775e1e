/**
 * Rendering a RunDiff: plain text for the terminal, Markdown for a pull-request comment.
 */
import type { MetricDiff, RunDiff } from './diff-runs.js';
import { ledgerSentence } from '../report/ledger.js';

/** The hold-out ledger in words: one sentence for a shared hold-out, one per side otherwise. */
export function ledgerText(d: RunDiff): string[] {
  const { a, b } = d.ledger;
  if (d.pairing.paired && b !== null) return [ledgerSentence(b)];
  return [...(a !== null ? [`a: ${ledgerSentence(a)}`] : []), ...(b !== null ? [`b: ${ledgerSentence(b)}`] : [])];
}

const fmt = (x: number | null) => (x === null ? '-' : x.toFixed(4));
const signed = (x: number | null) => (x === null ? '-' : `${x >= 0 ? '+' : ''}${x.toFixed(4)}`);

/** The noise column: what the change is measured against. */
export function noiseText(m: MetricDiff): string {
  if (m.change === 0) return 'unchanged';
  const n = m.noise;
  if (n === null) return '';
  if (n.kind === 'paired') {
    const ci = `95% CI ${signed(n.low)}..${signed(n.high)}`;
    return n.within ? `within noise (${ci})` : `${m.better ? 'better' : 'worse'} (${ci})`;
  }
  return n.overlap ? 'intervals overlap' : 'intervals disjoint';
}

function valueText(v: string | null): string {
  return v === null ? '(absent)' : v;
}

function table(head: readonly string[], rows: readonly (readonly string[])[]): string[] {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  return [head, ...rows].map((r) => `  ${r.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd()}`);
}

/** How to render: `full` keeps 64-character hashes (stage keys, upstream keys) whole; else 12 characters. */
export interface DiffRenderOptions {
  readonly full?: boolean;
}

/** A hash shortened to 12 characters unless `full`. */
const hash = (h: string | null, full: boolean) => (h === null ? '-' : full ? h : h.slice(0, 12));
/** Every sha256 hex in `text` shortened to 12 characters unless `full`. */
const shortenHashes = (text: string, full: boolean) => (full ? text : text.replace(/\b([0-9a-f]{12})[0-9a-f]{52}\b/g, '$1'));

/** Terminal text. */
export function renderDiffText(d: RunDiff, opts: DiffRenderOptions = {}): string {
  const full = opts.full ?? false;
  const out: string[] = [`a: ${d.a.label} -> ${d.a.dir}`, `b: ${d.b.label} -> ${d.b.dir}`, ''];
  out.push(d.parameters.length === 0 ? 'parameters: no changes' : `parameters (${d.parameters.length} changed):`);
  for (const p of d.parameters) out.push(`  ${p.key}: ${valueText(p.before)} -> ${valueText(p.after)}`);
  const changed = d.stages.filter((s) => s.status !== 'same');
  out.push('', changed.length === 0 ? `stages: all ${d.stages.length} keys equal` : `stages (${changed.length} of ${d.stages.length} differ):`);
  for (const s of changed) {
    out.push(`  ${s.stage.padEnd(9)} ${s.status.padEnd(7)} ${hash(s.before, full)} -> ${hash(s.after, full)}`);
    for (const r of s.reasons.slice(0, 4)) out.push(`      ${shortenHashes(r, full)}`);
    if (s.reasons.length > 4) out.push(`      ... ${s.reasons.length - 4} more`);
  }
  out.push('', `hold-out metrics (${d.pairing.reason}${d.pairing.resamples ? `; ${d.pairing.resamples} paired bootstrap resamples` : ''}):`);
  out.push(...table(['metric', 'old', 'new', 'change', ''], d.metrics.map((m) => [m.metric, fmt(m.before), fmt(m.after), signed(m.change), noiseText(m)])));
  const ledger = ledgerText(d);
  if (ledger.length) out.push('', ...ledger);
  return `${out.join('\n')}\n`;
}

const mdCell = (s: string) => s.replace(/\|/g, '\\|');

/** A Markdown comment: the metrics table first (what a reviewer reads), then parameters and stages. */
export function renderDiffMarkdown(d: RunDiff, opts: DiffRenderOptions = {}): string {
  const full = opts.full ?? false;
  const out: string[] = [`### assay diff: \`${mdCell(d.a.label)}\` → \`${mdCell(d.b.label)}\``, ''];
  out.push(`Hold-out metrics, ${mdCell(d.pairing.reason)}${d.pairing.resamples ? ` (${d.pairing.resamples} paired bootstrap resamples)` : ''}:`, '');
  out.push('| metric | old | new | change | |', '|---|---:|---:|---:|---|');
  for (const m of d.metrics) out.push(`| ${m.metric} | ${fmt(m.before)} | ${fmt(m.after)} | ${signed(m.change)} | ${mdCell(noiseText(m))} |`);
  const ledger = ledgerText(d);
  if (ledger.length) out.push('', ...ledger.map(mdCell));
  out.push('');
  if (d.parameters.length === 0) out.push('No parameter changes.');
  else {
    out.push('| parameter | old | new |', '|---|---|---|');
    for (const p of d.parameters) out.push(`| \`${mdCell(p.key)}\` | ${mdCell(valueText(p.before))} | ${mdCell(valueText(p.after))} |`);
  }
  const changed = d.stages.filter((s) => s.status !== 'same');
  out.push('', changed.length === 0
    ? `All ${d.stages.length} stage keys are equal.`
    : `Stages that differ: ${changed.map((s) => `\`${s.stage}\` (${s.status}${s.status === 'changed' ? ` \`${hash(s.before, full)}\` → \`${hash(s.after, full)}\`` : ''})`).join(', ')}.`);
  return `${out.join('\n')}\n`;
}
