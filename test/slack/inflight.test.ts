import { describe, expect, it } from 'vitest';
import { InFlight } from '../../src/slack/inflight.js';

/** A request that takes a slot (or gives up waiting) and holds it until release() is called. */
function request(limit: InFlight, started: string[], name: string) {
  const got = limit.acquire().then((slot) => {
    started.push(name);
    return slot;
  });
  return {
    got,
    release: async () => {
      if (await got) limit.release();
    },
  };
}

const tick = () => new Promise((r) => setTimeout(r, 5));

describe('InFlight', () => {
  it('lets at most `max` in at once; the next one gets in when a slot frees', async () => {
    const limit = new InFlight(2, 1000);
    const started: string[] = [];
    const a = request(limit, started, 'a');
    const b = request(limit, started, 'b');
    const c = request(limit, started, 'c');
    await tick();
    expect(started).toEqual(['a', 'b']);
    await a.release();
    await tick();
    expect(started).toEqual(['a', 'b', 'c']);
    expect(await c.got).toBe(true);
    await b.release();
    await c.release();
    expect(limit.active).toBe(0);
  });

  it('a request that waited too long goes ahead without a slot (Slack still gets its ack in time)', async () => {
    const limit = new InFlight(1, 20);
    const started: string[] = [];
    const a = request(limit, started, 'a');
    const b = request(limit, started, 'b');
    await tick();
    expect(started).toEqual(['a']);
    await new Promise((r) => setTimeout(r, 40));
    expect(started).toEqual(['a', 'b']);
    expect(await b.got).toBe(false);
    await a.release();
    await b.release();
    // The slot is free again, and the late one did not hand back a slot it never had.
    expect(limit.active).toBe(0);
    const c = request(limit, started, 'c');
    await tick();
    expect(started).toEqual(['a', 'b', 'c']);
    await c.release();
  });
});
