import { describe, expect, it } from 'vitest';
import { formatRefusal, parseRefusal } from '../../../src/queue/refusal.js';
import { RUN_QUEUE_NAME } from '../../../src/queue/queue-leftovers.js';
import { runQueueName } from '../../../src/queue/connection.js';

describe('a refusal in a job log', () => {
  it('round-trips, and any other log line is not one', () => {
    const r = { worker: 'box:42', reason: 'backend wasm required, cpu here' };
    expect(parseRefusal(formatRefusal(r))).toEqual(r);
    for (const line of ['epoch 3', '{"refused":3,"worker":"w"}', '{"worker":"w"}', 'null', '[]']) expect(parseRefusal(line)).toBeNull();
  });

  it('cuts what a worker sends past 500 characters', () => {
    const parsed = parseRefusal(JSON.stringify({ refused: 'x'.repeat(5000), worker: 'w' }))!;
    expect(parsed.reason).toBe(`${'x'.repeat(500)}...`);
  });
});

describe('run queue names', () => {
  it('matches what runQueueName makes, and nothing holding a colon or a glob character', () => {
    expect(runQueueName('/repo/runs/.cache', '20261130-010203-004-beef')).toMatch(RUN_QUEUE_NAME);
    for (const n of ['trials-0123456789ab-x:y', 'trials-0123456789ab-*', 'trials-0123456789ab-[a]', 'trials-xyz-1', 'queues']) expect(n).not.toMatch(RUN_QUEUE_NAME);
  });
});
