import { afterEach, describe, expect, it } from 'vitest';
import { type Harness, startHarness, TEAM } from '../helpers/harness.js';

let h: Harness;
afterEach(async () => h?.close());

describe('idempotency keys', () => {
  /** cmd:1 delivered at 08:00, cmd:2 23 hours later; housekeeping runs at 23 h and at 25 h. */
  async function twoKeys(): Promise<void> {
    h = await startHarness({ now: '2026-11-23T08:00:00Z' });
    expect(await h.amends.cases.firstDelivery(TEAM, 'cmd:1')).toBe(true);
    h.clock.advance(23 * 3_600_000);
    await h.amends.cases.forgetOldRequests();
    expect(await h.amends.cases.firstDelivery(TEAM, 'cmd:1')).toBe(false);
    expect(await h.amends.cases.firstDelivery(TEAM, 'cmd:2')).toBe(true);
    h.clock.advance(2 * 3_600_000); // cmd:1 is now 25 h old, cmd:2 only 2 h
    await h.amends.cases.forgetOldRequests();
  }

  it('are kept for a day: a replay inside it is refused', async () => {
    await twoKeys();
    expect(await h.amends.cases.firstDelivery(TEAM, 'cmd:2')).toBe(false);
  });

  it('are forgotten after a day: the same key again counts as a first delivery', async () => {
    await twoKeys();
    expect(await h.amends.cases.firstDelivery(TEAM, 'cmd:1')).toBe(true);
  });
});
