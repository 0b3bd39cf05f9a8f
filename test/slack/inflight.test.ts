import { describe, expect, it } from 'vitest';
import { limitInFlight } from '../../src/slack/inflight.js';

type Args = Parameters<ReturnType<typeof limitInFlight>>[0];

/** Runs the middleware with a `next` that finishes when the returned release() is called. */
function request(mw: ReturnType<typeof limitInFlight>, started: string[], name: string) {
  let finish: () => void = () => {};
  const done = mw({
    next: () => {
      started.push(name);
      return new Promise<void>((r) => {
        finish = r;
      });
    },
  } as unknown as Args);
  return { done, release: () => finish() };
}

const tick = () => new Promise((r) => setTimeout(r, 5));

describe('limitInFlight', () => {
  it('runs at most `max` at once; the next one starts when a slot frees', async () => {
    const mw = limitInFlight(2, 1000);
    const started: string[] = [];
    const a = request(mw, started, 'a');
    const b = request(mw, started, 'b');
    const c = request(mw, started, 'c');
    await tick();
    expect(started).toEqual(['a', 'b']);
    a.release();
    await a.done;
    await tick();
    expect(started).toEqual(['a', 'b', 'c']);
    b.release();
    c.release();
    await Promise.all([b.done, c.done]);
  });

  it('a request that waited too long goes ahead anyway (Slack still gets its ack in time)', async () => {
    const mw = limitInFlight(1, 20);
    const started: string[] = [];
    const a = request(mw, started, 'a');
    const b = request(mw, started, 'b');
    await tick();
    expect(started).toEqual(['a']);
    await new Promise((r) => setTimeout(r, 40));
    expect(started).toEqual(['a', 'b']);
    a.release();
    b.release();
    await Promise.all([a.done, b.done]);
    // Slots are all free again.
    const c = request(mw, started, 'c');
    await tick();
    expect(started).toEqual(['a', 'b', 'c']);
    c.release();
    await c.done;
  });

  it('frees the slot when the handler throws', async () => {
    const mw = limitInFlight(1, 1000);
    await expect(
      mw({
        next: () => Promise.reject(new Error('boom')),
      } as unknown as Args),
    ).rejects.toThrow('boom');
    const started: string[] = [];
    const a = request(mw, started, 'a');
    await tick();
    expect(started).toEqual(['a']);
    a.release();
    await a.done;
  });
});
