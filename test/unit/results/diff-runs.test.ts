import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NotFoundError, UsageError } from '../../../src/core/errors.js';
import { diffRuns } from '../../../src/results/diff-runs.js';
import { renderDiffMarkdown, renderDiffText } from '../../../src/results/diff-render.js';
import { renderDiffHtml } from '../../../src/results/diff-html.js';
import { makeItems, writeRun, type FixtureItem } from './run-fixture.js';

// A git repository with three commits of pipelines/p.yaml (v1 -> v2 -> v3) and a working-tree
// edit (v4). Runs exist for v1, v2 and v4; none for v3 (HEAD).
const V1 = 'name: p\nfeatures:\n  - resize: 32\n  - grayscale\n';
const V2 = 'name: p\nfeatures:\n  - resize: 32\n  - edges\n';
const V3 = 'name: p\nfeatures:\n  - resize: 48\n  - edges\n';
const V4 = 'name: p\nfeatures:\n  - resize: 64\n  - edges\n';
const resolved = (size: number, second: string) => ({ name: 'p', seed: 7, features: [{ kind: 'resize', width: size, height: size }, { kind: second }] });
const fp = (second: string) => ({ stage: 'features', params: { steps: [{ kind: second }] } });

let repo: string, runsDir: string, head: string;
const items1 = makeItems(60, 20, 0.25, 'one');
// The same items, with a few scores nudged: a change far smaller than the noise of 60 items.
const items2: FixtureItem[] = items1.map((it, i) => (i % 7 === 0 ? { ...it, p: Number((it.p + (it.y ? 0.03 : -0.02)).toPrecision(9)) } : it));
// The same items scored almost perfectly: a change far larger than the noise.
const items4: FixtureItem[] = items1.map((it) => ({ ...it, p: it.y ? 0.9 : 0.1 }));

async function git(...args: string[]): Promise<string> {
  return (await execa('git', ['-c', 'user.email=t@example.com', '-c', 'user.name=t', '-c', 'commit.gpgsign=false', ...args], { cwd: repo })).stdout.trim();
}

beforeAll(async () => {
  repo = await mkdtemp(path.join(tmpdir(), 'assay-diff-'));
  runsDir = path.join(repo, 'runs');
  await mkdir(path.join(repo, 'pipelines'));
  const file = path.join(repo, 'pipelines', 'p.yaml');
  await git('init', '-q');
  for (const [text, msg] of [[V1, 'v1'], [V2, 'v2'], [V3, 'v3']] as const) {
    await writeFile(file, text);
    await git('add', 'pipelines/p.yaml');
    await git('commit', '-q', '-m', msg);
  }
  head = await git('rev-parse', '--short', 'HEAD');
  await writeFile(file, V4);
  const stages = (second: string, size: number) => [
    { name: 'ingest', key: 'ingest-key' },
    { name: 'decode', key: `decode-${size}`, fingerprint: { params: { size } } },
    { name: 'features', key: `features-${second}`, fingerprint: fp(second) },
  ];
  await writeRun({ runsDir, id: '20250101-000000-000-aaaa', pipelineText: V1, resolved: resolved(32, 'grayscale'), stages: stages('grayscale', 32), items: items1 });
  await writeRun({ runsDir, id: '20250102-000000-000-bbbb', pipelineText: V2, resolved: resolved(32, 'edges'), stages: stages('edges', 32), items: items2 });
  // A later run of V2 with an override: the plain run is preferred for "V2 as committed".
  await writeRun({ runsDir, id: '20250103-000000-000-cccc', pipelineText: V2, resolved: resolved(32, 'edges'), overrides: ['search.trials=4'], stages: stages('edges', 32), items: items2 });
  await writeRun({ runsDir, id: '20250104-000000-000-dddd', pipelineText: V4, resolved: resolved(64, 'edges'), stages: stages('edges', 64), items: items4 });
});

afterAll(async () => { await rm(repo, { recursive: true, force: true }); });

describe('diffRuns across git revisions', () => {
  it('flattens the resolved pipelines to dotted keys and lists the stages whose keys differ', async () => {
    const d = await diffRuns({ a: 'pipelines/p.yaml@HEAD~2', b: 'pipelines/p.yaml@HEAD~1', cwd: repo });
    expect(d.a.run).toBe('20250101-000000-000-aaaa');
    expect(d.b.run).toBe('20250102-000000-000-bbbb');
    expect(d.a.label).toMatch(/^pipelines\/p\.yaml@HEAD~2 \([0-9a-f]{7,}\)$/);
    expect(d.parameters).toEqual([{ key: 'features[1].kind', before: 'grayscale', after: 'edges' }]);
    expect(d.stages).toEqual([
      { stage: 'ingest', before: 'ingest-key', after: 'ingest-key', status: 'same', reasons: [] },
      { stage: 'decode', before: 'decode-32', after: 'decode-32', status: 'same', reasons: [] },
      { stage: 'features', before: 'features-grayscale', after: 'features-edges', status: 'changed', reasons: ['params.steps[0].kind: "grayscale" -> "edges"'] },
    ]);
  });

  it('marks changes inside the paired bootstrap noise when both runs held out the same items', async () => {
    const d = await diffRuns({ a: 'pipelines/p.yaml@HEAD~2', b: 'pipelines/p.yaml@HEAD~1', cwd: repo, resamples: 500 });
    expect(d.pairing).toEqual({ paired: true, reason: 'paired: both runs scored the same 60 hold-out items', n: 60, resamples: 500 });
    const roc = d.metrics.find((m) => m.metric === 'roc-auc')!;
    expect(roc.change).toBeGreaterThan(0);
    expect(roc.better).toBe(true);
    expect(roc.noise).toMatchObject({ kind: 'paired', within: true });
    // every metric present in both runs is listed, in the canonical order; fbeta is f1 again
    // with beta 1 (the default, as here), so it has no row
    expect(d.metrics.map((m) => m.metric)).toEqual(['accuracy', 'precision', 'recall', 'specificity', 'f1', 'mcc', 'balanced-accuracy', 'fnr', 'fpr', 'pr-auc', 'roc-auc', 'log-loss']);
    // the same call gives the same intervals (seeded)
    const again = await diffRuns({ a: 'pipelines/p.yaml@HEAD~2', b: 'pipelines/p.yaml@HEAD~1', cwd: repo, resamples: 500 });
    expect(again.metrics).toEqual(d.metrics);
  });

  it('with one pipeline argument compares HEAD with the working tree, and says how to make the missing HEAD run', async () => {
    const err = await diffRuns({ a: 'pipelines/p.yaml', cwd: repo }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NotFoundError);
    const msg = (err as Error).message;
    expect(msg).toContain(`no run of pipelines/p.yaml at HEAD (${head})`);
    expect(msg).toContain(`git show ${head}:pipelines/p.yaml > p-${head}.yaml && assay run p-${head}.yaml`);
    expect(msg).toContain(`git worktree add ../at-${head} ${head}`);
  });

  it('compares a revision with the working tree, and marks a large paired change as outside the noise', async () => {
    const d = await diffRuns({ a: 'pipelines/p.yaml@HEAD~1', b: 'pipelines/p.yaml', cwd: repo });
    expect(d.b.label).toBe('pipelines/p.yaml (working tree)');
    expect(d.b.run).toBe('20250104-000000-000-dddd');
    expect(d.parameters).toEqual([
      { key: 'features[0].height', before: '32', after: '64' },
      { key: 'features[0].width', before: '32', after: '64' },
    ]);
    expect(d.stages.filter((s) => s.status !== 'same').map((s) => s.stage)).toEqual(['decode']);
    const f1 = d.metrics.find((m) => m.metric === 'f1')!;
    expect(f1.after).toBe(1);
    expect(f1.noise).toMatchObject({ kind: 'paired', within: false });
    const fnr = d.metrics.find((m) => m.metric === 'fnr')!;
    expect(fnr.after).toBe(0);
    expect(fnr.change! < 0 && fnr.better).toBe(true);
    const md = renderDiffMarkdown(d);
    expect(md).toContain('| `features[0].width` | 32 | 64 |');
    expect(md).toMatch(/\| f1 \| 0\.\d{4} \| 1\.0000 \| \+0\.\d{4} \| better \(95% CI \+0\.\d{4}\.\.\+0\.\d{4}\) \|/);
    expect(renderDiffText(d)).toContain('stages (1 of 3 differ):');
  });

  it('lists added --set overrides as parameters and says when the hold-outs differ (unpaired)', async () => {
    const other = makeItems(60, 20, 0.25, 'other').map((it) => ({ ...it, id: `x${it.id}` }));
    await writeRun({ runsDir, id: '20250105-000000-000-eeee', name: 'q', pipelineText: V2, resolved: resolved(32, 'edges'), overrides: ['search.trials=4'], stages: [], items: other });
    const d = await diffRuns({ a: '20250102', b: 'q@latest', cwd: repo });
    expect(d.parameters).toEqual([{ key: '--set search.trials', before: null, after: '4' }]);
    expect(d.pairing.paired).toBe(false);
    expect(d.pairing.reason).toBe('unpaired: the runs held out different items (60 and 60), so the change mixes model and sample');
    expect(d.metrics.find((m) => m.metric === 'f1')!.noise?.kind).toBe('intervals');
    expect(d.metrics.find((m) => m.metric === 'roc-auc')!.noise).toBeNull();
    expect(d.stages.map((s) => s.status)).toEqual(['removed', 'removed', 'removed']);
  });

  it('renders one self-contained HTML page with both runs\' PR and ROC curves overlaid', async () => {
    const d = await diffRuns({ a: 'pipelines/p.yaml@HEAD~1', b: 'pipelines/p.yaml', cwd: repo, resamples: 100 });
    const html = await renderDiffHtml(d);
    expect(html).not.toMatch(/<script|https?:\/\/(?!www\.w3)/);
    expect(html).toMatch(/<td>f1<\/td><td class="n">0\.\d{4}<\/td><td class="n">1\.0000<\/td>/);
    expect(html).toContain('<code>features[0].width</code>');
    const charts = html.split('<svg ').slice(1);
    expect(charts).toHaveLength(2);
    // a's and b's curve in each chart (ROC adds the random diagonal)
    expect(charts.map((c) => c.match(/<polyline/g)?.length)).toEqual([2, 3]);
    expect(charts[0]).toContain(d.a.run);
    expect(charts[0]).toContain(d.b.run);
  });

  it('keeps the fbeta row when beta is not 1', async () => {
    const withBeta = { ...resolved(32, 'edges'), objective: { metric: 'f1', beta: 2 } };
    await writeRun({ runsDir, id: '20250118-000000-000-abab', name: 'b', pipelineText: V2, resolved: withBeta, stages: [], items: items1 });
    await writeRun({ runsDir, id: '20250119-000000-000-abab', name: 'b', pipelineText: V2, resolved: withBeta, stages: [], items: items2 });
    const d = await diffRuns({ a: '20250118', b: '20250119', cwd: repo, resamples: 50 });
    expect(d.metrics.map((m) => m.metric)).toContain('fbeta');
  });

  it('rejects one argument that is not a pipeline file, and an unknown revision', async () => {
    await expect(diffRuns({ a: 'latest', cwd: repo })).rejects.toBeInstanceOf(UsageError);
    await expect(diffRuns({ a: 'pipelines/p.yaml@nope', b: 'latest', cwd: repo })).rejects.toThrow('unknown git revision "nope"');
    await expect(diffRuns({ a: 'pipelines/gone.yaml@HEAD', b: 'latest', cwd: repo })).rejects.toThrow(`pipelines/gone.yaml does not exist at HEAD (${head})`);
  });
});

describe('diffRuns on runs without a finished lock', () => {
  it('refuses a run whose lock is missing (killed while writing its report), though its metrics.json exists', async () => {
    const dir = await writeRun({ runsDir, id: '20250106-000000-000-ffff', pipelineText: V4, resolved: resolved(64, 'edges'), stages: [], items: items4 });
    await rm(path.join(dir, 'lock.json'));
    await expect(diffRuns({ a: '20250104-000000-000-dddd', b: '20250106-000000-000-ffff', cwd: repo }))
      .rejects.toThrow(/run 20250106-000000-000-ffff is incomplete \(no finished lock\.json: .*\): only finished runs are compared/);
    // `latest` still names the latest finished run.
    const d = await diffRuns({ a: '20250101-000000-000-aaaa', b: 'p@latest', cwd: repo });
    expect(d.b.run).toBe('20250104-000000-000-dddd');
    await rm(dir, { recursive: true });
  });

  it('shows the hold-out ledger: every run of p scored the same items', async () => {
    const d = await diffRuns({ a: '20250101-000000-000-aaaa', b: '20250104-000000-000-dddd', cwd: repo });
    expect(d.ledger).toEqual({ a: 4, b: 4 });
    expect(renderDiffText(d)).toContain('This hold-out has been scored by 4 runs of this experiment; choosing among them makes its estimate optimistic.');
  });
});
