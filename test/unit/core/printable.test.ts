import { describe, expect, it } from 'vitest';
import { printable } from '../../../src/core/printable.js';

describe('printable', () => {
  it('escapes terminal control characters, carriage returns and bidirectional overrides; keeps tabs and text', () => {
    expect(printable('a\u001b[2Jb\rc\u0007d\u009be\u202ef\tg é 猫')).toBe('a\\u001b[2Jb\\u000dc\\u0007d\\u009be\\u202ef\tg é 猫');
  });

  it('escapes line breaks unless the caller allows them', () => {
    expect(printable('one\ntwo')).toBe('one\\u000atwo');
    expect(printable('one\ntwo', { newlines: true })).toBe('one\ntwo');
  });
});
