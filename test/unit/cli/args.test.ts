import { describe, expect, it } from 'vitest';
import { closest, parse, verbosity, VERBOSITY_OPTIONS } from '../../../src/cli/args.js';

describe('command-line hints', () => {
  it('suggests --set for an option that names a pipeline setting', () => {
    expect(() => parse(['p.yaml', '--trials', '3'], { set: { type: 'string', multiple: true } })).toThrow(/Unknown option '--trials' \(did you mean --set search\.trials=3\?\)/);
    expect(() => parse(['p.yaml', '--seed=9'], { set: { type: 'string', multiple: true } })).toThrow(/did you mean --set seed=9\?/);
  });

  it('suggests a close option name where the command has no --set', () => {
    expect(() => parse(['--jsn'], { json: { type: 'boolean' } })).toThrow(/Unknown option '--jsn' \(did you mean --json\?\)/);
    expect(() => parse(['--zzzzzz'], { json: { type: 'boolean' } })).toThrow(/^Unknown option '--zzzzzz'$/);
  });

  it('finds close command names, and none for a far one', () => {
    const names = ['validate', 'run', 'runs', 'show', 'diff', 'doctor'];
    expect(closest('rn', names)).toBe('run');
    expect(closest('diffs', names)).toBe('diff');
    expect(closest('valdate', names)).toBe('validate');
    expect(closest('xyzzy', names)).toBeNull();
  });

  it('--quiet and --verbose exclude each other', () => {
    expect(verbosity(parse(['-q'], VERBOSITY_OPTIONS).values)).toBe('quiet');
    expect(verbosity(parse(['--verbose'], VERBOSITY_OPTIONS).values)).toBe('verbose');
    expect(() => verbosity(parse(['-q', '-v'], VERBOSITY_OPTIONS).values)).toThrow(/exclude each other/);
  });
});
