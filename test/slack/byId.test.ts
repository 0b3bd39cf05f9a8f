import { describe, expect, it } from 'vitest';
import { byId } from '../../src/slack/listeners/deps.js';

describe('buttons and forms dispatched by id (one Bolt listener per kind)', () => {
  type A = { id?: string; seen: string[] };
  const routes = () => {
    const r = byId<A>((a) => a.id);
    r.on('done', async (a) => void a.seen.push('done'));
    r.on('snooze', async (a) => void a.seen.push('snooze'));
    return r;
  };

  it('runs the listener of that id, and only it', async () => {
    const a: A = { id: 'snooze', seen: [] };
    await routes().dispatch(a);
    expect(a.seen).toEqual(['snooze']);
  });

  it('an id nobody handles (or none) runs nothing: it stays unacknowledged, as with no listener', async () => {
    const r = routes();
    const unknown: A = { id: 'amends_from_an_older_version', seen: [] };
    const none: A = { seen: [] };
    await r.dispatch(unknown);
    await r.dispatch(none);
    expect([...unknown.seen, ...none.seen]).toEqual([]);
  });

  it('a second listener for one id is a wiring mistake, refused at start-up', () => {
    const r = routes();
    expect(() => r.on('done', async () => {})).toThrow('two listeners for done');
  });
});
