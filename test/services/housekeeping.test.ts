import { afterEach, describe, expect, it } from 'vitest';
import { type Harness, startHarness, TEAM } from '../helpers/harness.js';

let h: Harness;
afterEach(async () => h?.close());

describe('idempotency keys', () => {
  it('are kept for a day (a replay inside it is refused) and then forgotten', async () => {
    h = await startHarness({ now: '2026-11-23T08:00:00Z' });
    const count = () =>
      (h.amends.db.prepare('SELECT COUNT(*) AS n FROM handled_requests').get() as { n: number }).n;
    expect(h.amends.cases.firstDelivery(TEAM, 'cmd:1')).toBe(true);
    h.clock.advance(23 * 3_600_000);
    h.amends.cases.forgetOldRequests();
    expect(h.amends.cases.firstDelivery(TEAM, 'cmd:1')).toBe(false);
    expect(h.amends.cases.firstDelivery(TEAM, 'cmd:2')).toBe(true);
    h.clock.advance(2 * 3_600_000); // cmd:1 is now 25 h old, cmd:2 only 2 h
    h.amends.cases.forgetOldRequests();
    expect(count()).toBe(1);
    expect(h.amends.cases.firstDelivery(TEAM, 'cmd:2')).toBe(false);
  });
});
