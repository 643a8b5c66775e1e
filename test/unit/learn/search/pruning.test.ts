import { describe, expect, it } from 'vitest';
import { isRung, shouldPrune } from '../../../../src/learn/search/pruning.js';

// Peers' validation objective per epoch (index 0 = epoch 1).
const peers = [
  [0.5, 0.6, 0.70, 0.75],
  [0.4, 0.5, 0.60, 0.65],
  [0.3, 0.4, 0.50, 0.55],
  [0.2, 0.3, 0.40], // stopped after epoch 3
];

describe('shouldPrune: none', () => {
  it('never prunes, even a hopeless trial', () => {
    expect(shouldPrune('none', 5, -1, peers, false)).toBe(false);
  });
});

describe('shouldPrune: median', () => {
  it('does not prune during the two warm-up epochs', () => {
    expect(shouldPrune('median', 1, 0, peers, false)).toBe(false);
    expect(shouldPrune('median', 2, 0, peers, false)).toBe(false);
  });
  it('prunes a trial strictly worse than the peers\' median at the same epoch (maximize)', () => {
    // epoch 3 values 0.7, 0.6, 0.5, 0.4: median 0.55
    expect(shouldPrune('median', 3, 0.54, peers, false)).toBe(true);
    expect(shouldPrune('median', 3, 0.55, peers, false)).toBe(false);
    expect(shouldPrune('median', 3, 0.56, peers, false)).toBe(false);
  });
  it('uses only peers that reached the epoch, and needs at least three of them', () => {
    // epoch 4: 0.75, 0.65, 0.55 (three peers) -> median 0.65
    expect(shouldPrune('median', 4, 0.64, peers, false)).toBe(true);
    expect(shouldPrune('median', 4, 0.66, peers, false)).toBe(false);
    // epoch 5: nobody got there
    expect(shouldPrune('median', 5, 0, peers, false)).toBe(false);
    expect(shouldPrune('median', 3, 0, peers.slice(0, 2), false)).toBe(false);
  });
  it('reverses the comparison when minimizing', () => {
    expect(shouldPrune('median', 3, 0.56, peers, true)).toBe(true);
    expect(shouldPrune('median', 3, 0.54, peers, true)).toBe(false);
  });
  it('treats NaN as the worst value, and ignores NaN peer values', () => {
    expect(shouldPrune('median', 3, Number.NaN, peers, false)).toBe(true);
    const withNaN = [[0, 0, Number.NaN], ...peers.slice(0, 2)];
    expect(shouldPrune('median', 3, 0, withNaN, false)).toBe(false); // only two finite peers
  });
});

describe('shouldPrune: successive-halving', () => {
  it('has rungs at epochs 1, 3, 9, 27 only', () => {
    expect([1, 2, 3, 4, 8, 9, 10, 27, 81].filter(isRung)).toEqual([1, 3, 9, 27, 81]);
    expect(isRung(0)).toBe(false);
    expect(isRung(1.5)).toBe(false);
  });
  it('keeps only the top third at a rung', () => {
    // epoch 1: peers 0.5 0.4 0.3 0.2 + self -> n = 5, keep floor(5/3) = 1: must beat every peer
    expect(shouldPrune('successive-halving', 1, 0.45, peers, false)).toBe(true);
    expect(shouldPrune('successive-halving', 1, 0.5, peers, false)).toBe(false); // tie favours self
    expect(shouldPrune('successive-halving', 1, 0.9, peers, false)).toBe(false);
    // six peers + self -> n = 7, keep 2: second place survives, third does not
    const six = [[0.9], [0.8], [0.7], [0.6], [0.5], [0.4]];
    expect(shouldPrune('successive-halving', 1, 0.85, six, false)).toBe(false);
    expect(shouldPrune('successive-halving', 1, 0.75, six, false)).toBe(true);
    expect(shouldPrune('successive-halving', 1, 0.75, six, true)).toBe(true); // 0.4 0.5 0.6 0.7 beat it
    expect(shouldPrune('successive-halving', 1, 0.45, six, true)).toBe(false);
  });
  it('never prunes between rungs or with fewer than three peers at the rung', () => {
    expect(shouldPrune('successive-halving', 2, -1, peers, false)).toBe(false);
    expect(shouldPrune('successive-halving', 4, -1, peers, false)).toBe(false);
    expect(shouldPrune('successive-halving', 1, -1, peers.slice(0, 2), false)).toBe(false);
  });
  it('is a pure function: same inputs, same answer, inputs untouched', () => {
    const copy = JSON.parse(JSON.stringify(peers));
    const a = shouldPrune('median', 3, 0.5, peers, false);
    const b = shouldPrune('median', 3, 0.5, peers, false);
    expect(a).toBe(b);
    expect(peers).toEqual(copy);
  });
});
