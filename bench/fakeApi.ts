/**
 * The local fake Slack Web API (src/sandbox/fakeSlack.ts) in a process of its own, answering every
 * call after `latencyMs`, as Slack's servers would from elsewhere.
 * IPC: sends {type:'ready', url, responseUrlBase}; {type:'parents'} stores parent messages that
 * clicks will update; {type:'calls'} answers how many calls it has seen; {type:'posts'} lists the
 * chat.postMessage calls (channel, time received); {type:'trim'} forgets what was posted since.
 */
import type { StoredMessage } from '../src/sandbox/fakeSlack.js';
import { startFakeSlack } from '../src/sandbox/fakeSlack.js';
import { BOT_ID, BOT_USER, TEAM, users } from './lib/common.js';

export interface FakeApiArgs {
  readonly latencyMs: number;
  /**
   * Under load, forget posted messages and recorded calls this often. The fake looks messages up
   * by scanning them, so a growing history would make it ever slower to answer, and a slow fake
   * piles work up inside the server under test. Off when the calls themselves are measured.
   */
  readonly forgetEveryMs?: number;
}

export type ToFake =
  | { type: 'parents'; items: { channel: string; ts: string }[] }
  | { type: 'calls' }
  | { type: 'posts' }
  | { type: 'trim' }
  | { type: 'stop' };
export type FromFake =
  | { type: 'ready'; url: string; responseUrlBase: string }
  | { type: 'parents'; stored: number }
  | { type: 'calls'; total: number; byMethod: Record<string, number> }
  | { type: 'posts'; items: { channel: string; at: number }[] }
  | { type: 'trimmed' };

const args = JSON.parse(process.argv[2] ?? '{}') as FakeApiArgs;
const fake = await startFakeSlack({
  latencyMs: args.latencyMs,
  users: users(),
  teamId: TEAM,
  botUserId: BOT_USER,
  host: '127.0.0.1',
});
const send = (m: FromFake) => process.send?.(m);
let total = 0;
const byMethod: Record<string, number> = {};
fake.on('call', (c) => {
  total++;
  byMethod[c.method] = (byMethod[c.method] ?? 0) + 1;
});
let keep = 0;
const forget = () => {
  fake.calls.length = 0;
  if (fake.messages.length > keep) fake.messages.length = keep;
  fake.ephemerals.length = 0;
  fake.responses.length = 0;
  fake.views.clear();
};
if (args.forgetEveryMs) setInterval(forget, args.forgetEveryMs).unref();

process.on('message', (m: ToFake) => {
  if (m.type === 'parents') {
    for (const p of m.items) {
      const msg: StoredMessage = {
        type: 'message',
        channel: p.channel,
        ts: p.ts,
        text: 'case',
        user: BOT_USER,
        bot_id: BOT_ID,
      };
      fake.messages.push(msg);
    }
    keep = fake.messages.length;
    send({ type: 'parents', stored: keep });
  } else if (m.type === 'calls') {
    send({ type: 'calls', total, byMethod: { ...byMethod } });
  } else if (m.type === 'posts') {
    const items = fake
      .callsTo('chat.postMessage')
      .map((c) => ({ channel: String(c.args.channel), at: c.at }));
    send({ type: 'posts', items });
  } else if (m.type === 'trim') {
    forget();
    send({ type: 'trimmed' });
  } else if (m.type === 'stop') {
    void fake.close().finally(() => process.exit(0));
  }
});
process.on('disconnect', () => process.exit(0));
send({ type: 'ready', url: fake.url, responseUrlBase: fake.responseUrlBase });
