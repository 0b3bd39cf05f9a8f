import { describe, expect, it } from 'vitest';
import { appMethods, methods } from '../../src/sandbox/fakeSlack/api/index.js';
import { FakeWorld } from '../../src/sandbox/fakeSlack/world.js';
import type { Args } from '../../src/sandbox/fakeSlack.js';

const call = { token: 'xoxb-test', json: false, team: 'TFAKETEAM1' };
const run = (w: FakeWorld, method: string, a: Args) => {
  const handler = methods[method];
  if (!handler) throw new Error(`no ${method}`);
  return handler(w, a, call);
};

describe('the fake Web API without its HTTP server', () => {
  it('answers a thread from the world its handlers posted in', () => {
    const w = new FakeWorld({});
    const parent = run(w, 'chat.postMessage', { channel: 'C1', text: 'parent' });
    run(w, 'chat.postMessage', { channel: 'C1', text: 'reply', thread_ts: parent.ts });
    const thread = run(w, 'conversations.replies', { channel: 'C1', ts: parent.ts });
    expect((thread.messages as Args[]).map((m) => m.text)).toEqual(['parent', 'reply']);
    expect(w.findMessage('C1', String(parent.ts))?.reply_count).toBe(1);
  });

  it('keeps oauth.v2.access out of the token methods', () => {
    expect(Object.keys(appMethods)).toEqual(['oauth.v2.access']);
    expect(methods['oauth.v2.access']).toBeUndefined();
  });
});
