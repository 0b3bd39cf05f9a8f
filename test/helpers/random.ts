/**
 * Seeded randomness for tests that pick timings or orders at random: every run may draw a new seed,
 * and a failing test names it, so `AMENDS_TEST_SEED=<seed> npx vitest run <file>` replays the draw.
 */
import { randomInt } from 'node:crypto';
import { beforeEach, type TestContext } from 'vitest';

/** mulberry32: a small, fast pseudo-random sequence of numbers in [0, 1) fixed by its seed. */
export function mulberry32(seed: number): () => number {
  let a = seed | 0;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The seed AMENDS_TEST_SEED names (a whole number), or one drawn now when it is unset. */
export function testSeed(env: NodeJS.ProcessEnv = process.env): number {
  const given = env.AMENDS_TEST_SEED?.trim();
  if (!given) return randomInt(0, 2 ** 31);
  const seed = Number(given);
  if (!Number.isSafeInteger(seed))
    throw new Error(`AMENDS_TEST_SEED must be a whole number, got "${given}"`);
  return seed;
}

/** How a failure names its seed (appended to each error's message). */
export const seedNote = (seed: number) =>
  `[random seed ${seed}: replay with AMENDS_TEST_SEED=${seed}]`;

/** Adds the seed to every error of the failed test, so the report shows it beside the assertion. */
export function reportSeedOnFailure(ctx: TestContext, seed: number): void {
  ctx.onTestFailed(({ task }) => {
    for (const e of task.result?.errors ?? []) e.message = `${e.message}\n${seedNote(seed)}`;
  });
}

/**
 * A seeded sequence for the tests of the enclosing `describe` (call it at describe level). Each test
 * starts the sequence again from the run's seed, so one test replays alone with `-t`, and a failing
 * test's error names the seed.
 */
export function useSeededRandom(): { random: () => number; seed: number } {
  const seed = testSeed();
  let next = mulberry32(seed);
  beforeEach((ctx) => {
    next = mulberry32(seed);
    reportSeedOnFailure(ctx, seed);
  });
  return { random: () => next(), seed };
}
