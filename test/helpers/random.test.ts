import { describe, expect, it } from 'vitest';
import { mulberry32, seedNote, testSeed } from './random.js';

describe('seeded randomness for tests', () => {
  it('one seed gives one sequence', () => {
    const a = mulberry32(7);
    const b = mulberry32(7);
    expect(Array.from({ length: 5 }, a)).toEqual(Array.from({ length: 5 }, b));
  });

  it('two seeds give different sequences', () => {
    expect(mulberry32(7)()).not.toBe(mulberry32(8)());
  });

  it('every number lies in [0, 1)', () => {
    const r = mulberry32(123);
    const xs = Array.from({ length: 1000 }, r);
    expect(xs.filter((x) => x < 0 || x >= 1)).toEqual([]);
  });

  it('takes the seed from AMENDS_TEST_SEED', () => {
    expect(testSeed({ AMENDS_TEST_SEED: ' 42 ' })).toBe(42);
  });

  it('draws a whole-number seed when AMENDS_TEST_SEED is unset', () => {
    const seed = testSeed({});
    expect(Number.isSafeInteger(seed) && seed >= 0).toBe(true);
  });

  it('refuses an AMENDS_TEST_SEED that is not a whole number', () => {
    expect(() => testSeed({ AMENDS_TEST_SEED: 'abc' })).toThrow(/whole number/);
  });

  it('the failure note tells how to replay the seed', () => {
    expect(seedNote(99)).toContain('AMENDS_TEST_SEED=99');
  });
});
