/** Jobs and results as hostile input; requirements that say what differs; URLs without passwords. */
import { describe, expect, it } from 'vitest';
import { redactUrl } from '../../../src/core/redact.js';
import { checkQueueUrl, runQueueName } from '../../../src/queue/connection.js';
import { JOB_FORMAT, parseJob, parseJobResult, requirementDifferences, requirementsHere, type TrialJob } from '../../../src/queue/trial-job.js';

const H = 'a'.repeat(64);
const tensor = { header: H, data: H };
const job = (): TrialJob => ({
  format: JOB_FORMAT,
  requires: requirementsHere('wasm'),
  fold: 0,
  saveModel: true,
  tensors: { trainX: tensor, trainY: tensor, valX: tensor, valY: tensor },
  request: {
    index: 3, family: 'cnn', params: { blocks: 2 }, training: {} as never, objective: {} as never, seed: 12, peers: [], pruning: 'none', backend: 'wasm',
    data: { classWeights: null, balancedBatches: null, augment: null, positive: 0, classes: ['crack', 'no-crack'] },
  },
});

describe('parseJob', () => {
  it('accepts a well-formed job', () => {
    expect(parseJob(JSON.parse(JSON.stringify(job()))).request.index).toBe(3);
  });

  it.each([
    ['format', (j: Record<string, unknown>) => { j.format = 99; }, /format 99/],
    ['a hash that is a path', (j: Record<string, unknown>) => { (j.tensors as Record<string, unknown>).trainX = { header: '../../etc/passwd', data: H }; }, /tensors\.trainX/],
    ['a model folder', (j: Record<string, unknown>) => { (j.request as Record<string, unknown>).modelDir = '/tmp/evil'; }, /modelDir \(jobs carry no paths\)/],
    ['a tensor path', (j: Record<string, unknown>) => { ((j.request as Record<string, unknown>).data as Record<string, unknown>).trainX = '/data/x'; }, /request\.data\.trainX/],
    ['no requirements', (j: Record<string, unknown>) => { delete j.requires; }, /requires/],
  ])('refuses a job with %s, naming the field', (_, spoil, message) => {
    const j = JSON.parse(JSON.stringify(job())) as Record<string, unknown>;
    spoil(j);
    expect(() => parseJob(j)).toThrow(message);
  });
});

describe('parseJobResult', () => {
  const result = { index: 3, curves: [], valProbabilities: [] };
  it('accepts model files by hash and refuses names that leave the model folder', () => {
    expect(parseJobResult({ format: JOB_FORMAT, result, model: { 'model.json': H }, worker: 'w:1' }, 3).model).toEqual({ 'model.json': H });
    expect(() => parseJobResult({ format: JOB_FORMAT, result, model: { '../x': H }, worker: 'w:1' }, 3)).toThrow(/model file "\.\.\/x"/);
    expect(() => parseJobResult({ format: JOB_FORMAT, result, model: null, worker: 'w:1' }, 4)).toThrow(/result/);
  });
});

describe('requirements', () => {
  it('say what differs, one phrase each', () => {
    const here = requirementsHere('wasm');
    expect(requirementDifferences(here, here)).toEqual([]);
    const required = { ...here, assay: '9.9.9', backend: 'tensorflow-gpu', packages: { ...here.packages, '@tensorflow/tfjs-node-gpu': '4.22.0' } };
    expect(requirementDifferences(required, here)).toEqual([
      `assay 9.9.9 required, ${here.assay} here`,
      'backend tensorflow-gpu required, wasm here',
      '@tensorflow/tfjs-node-gpu 4.22.0 required, (not installed) here',
    ]);
  });
});

describe('URLs', () => {
  it('never show a password', () => {
    expect(redactUrl('redis://:hunter2@gpu-box:6379/0')).toBe('redis://:***@gpu-box:6379/0');
    expect(redactUrl('redis://alice:hunter2@gpu-box:6379')).toBe('redis://alice:***@gpu-box:6379');
    expect(redactUrl('redis://gpu-box:6379')).toBe('redis://gpu-box:6379');
    expect(() => checkQueueUrl('http://:hunter2@host')).toThrow(/redis:\/\/.*got http:\/\/:\*\*\*@host/);
  });

  it('queue names are namespaced by cache folder and run', () => {
    expect(runQueueName('/a/cache', 'r1')).not.toBe(runQueueName('/b/cache', 'r1'));
    expect(runQueueName('/a/cache', 'r1')).not.toBe(runQueueName('/a/cache', 'r2'));
    expect(runQueueName('/a/cache', 'r1')).toMatch(/^trials-[0-9a-f]{12}-r1$/);
  });
});
