import { describe, expect, it } from 'vitest';
import { byId } from '../../src/slack/listeners/byId.js';

describe('interactions dispatched by id (buttons, forms: one Bolt listener per kind)', () => {
  type A = { id?: string; seen: string[] };
  const routes = () => {
    const r = byId<A>((a) => a.id);
    r.on('done', async (a) => void a.seen.push('done'));
    r.on('snooze', async (a) => void a.seen.push('snooze'));
    return r;
  };

  it('runs only the listener of that id', async () => {
    const a: A = { id: 'snooze', seen: [] };
    await routes().dispatch(a);
    expect(a.seen).toEqual(['snooze']);
  });

  it('an id nobody handles (or none) runs no listener: it goes to the unmatched handler', async () => {
    const r = routes();
    const unknown: A = { id: 'amends_from_an_older_version', seen: [] };
    const none: A = { seen: [] };
    await r.dispatch(unknown);
    await r.dispatch(none);
    expect([...unknown.seen, ...none.seen]).toEqual([]);
    const acked: A[] = [];
    const withCatchAll = byId<A>(
      (a) => a.id,
      async (a) => void acked.push(a),
    );
    withCatchAll.on('done', async (a) => void a.seen.push('done'));
    const done: A = { id: 'done', seen: [] };
    await withCatchAll.dispatch(unknown);
    await withCatchAll.dispatch(none);
    await withCatchAll.dispatch(done);
    expect(acked).toEqual([unknown, none]);
    expect(done.seen).toEqual(['done']);
  });

  it('a second listener for one id is a wiring mistake, refused at start-up', () => {
    const r = routes();
    expect(() => r.on('done', async () => {})).toThrow('two listeners for done');
  });
});
