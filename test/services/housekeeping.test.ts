import { afterEach, describe, expect, it } from 'vitest';
import { type Harness, startHarness, TEAM } from '../helpers/harness.js';

let h: Harness;
afterEach(async () => h?.close());

describe('idempotency keys', () => {
  it('are kept for a day (a replay inside it is refused) and then forgotten', async () => {
    h = await startHarness({ now: '2026-11-23T08:00:00Z' });
    expect(await h.amends.cases.firstDelivery(TEAM, 'cmd:1')).toBe(true);
    h.clock.advance(23 * 3_600_000);
    await h.amends.cases.forgetOldRequests();
    expect(await h.amends.cases.firstDelivery(TEAM, 'cmd:1')).toBe(false);
    expect(await h.amends.cases.firstDelivery(TEAM, 'cmd:2')).toBe(true);
    h.clock.advance(2 * 3_600_000); // cmd:1 is now 25 h old, cmd:2 only 2 h
    await h.amends.cases.forgetOldRequests();
    // cmd:2 is still known; cmd:1 was forgotten: the same key again counts as a first delivery.
    expect(await h.amends.cases.firstDelivery(TEAM, 'cmd:2')).toBe(false);
    expect(await h.amends.cases.firstDelivery(TEAM, 'cmd:1')).toBe(true);
  });
});
