/**
 * The local fake Slack Web API (src/sandbox/fakeSlack.ts) in a process of its own, answering every
 * call after `latencyMs`, as Slack's servers would from elsewhere.
 * IPC: sends {type:'ready', url, responseUrlBase}; {type:'parents'} stores parent messages that
 * clicks will update (kept until a click's thread reply has used them); {type:'calls'} answers how many calls it has seen; {type:'posts'} lists the
 * chat.postMessage calls (channel, time received); {type:'trim'} forgets what was posted since;
 * {type:'arrivals'} hands over (and forgets) the parent posts of benchmark commands seen so far.
 */
import type { StoredMessage } from '../src/sandbox/fakeSlack.js';
import { startFakeSlack } from '../src/sandbox/fakeSlack.js';
import { ARRIVAL_KEY, BOT_ID, BOT_USER, monoMs, TEAM, users } from './lib/common.js';

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
  | { type: 'arrivals' }
  | { type: 'stop' };
export type FromFake =
  | { type: 'ready'; url: string; responseUrlBase: string }
  | { type: 'parents'; stored: number }
  | { type: 'calls'; total: number; byMethod: Record<string, number> }
  | { type: 'posts'; items: { channel: string; at: number }[] }
  | { type: 'trimmed' }
  /**
   * Parent posts (chat.postMessage without thread_ts) whose text names a benchmark client
   * (`arrivalClient`): its key and when the call was received, on the machine's monotonic clock
   * (`monoMs`), the clock the load generator stamps its sends with.
   */
  | { type: 'arrivals'; items: { key: string; at: number }[] };

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
let arrivals: { key: string; at: number }[] = [];
fake.on('call', (c) => {
  total++;
  byMethod[c.method] = (byMethod[c.method] ?? 0) + 1;
  // Emitted as the call is recorded, once its body is read, before the fake's latency.
  if (c.method === 'chat.postMessage' && c.args.thread_ts === undefined) {
    const key = ARRIVAL_KEY.exec(String(c.args.text ?? ''))?.[1];
    if (key) arrivals.push({ key, at: monoMs() });
  }
});
/**
 * The stored parents clicks act on. The fake finds a message by scanning from the first, and clicks
 * take their targets in order, so a parent whose thread reply has come (the click's last call) is
 * dropped at the next forget but one: by then no call still being answered can look it up.
 */
let parents: StoredMessage[] = [];
let repliedRecently = new Set<string>();
let repliedBefore = new Set<string>();
const parentKey = (channel: unknown, ts: unknown) => `${String(channel)}|${String(ts)}`;
fake.on('call', (c) => {
  if (c.method === 'chat.postMessage' && c.args.thread_ts !== undefined)
    repliedRecently.add(parentKey(c.args.channel, c.args.thread_ts));
});
/**
 * Slack keeps every message; this fake forgets them to stay fast, and never saw the ones the seeded
 * database says were posted. A chat.update of such a message (Amends redraws recently changed cases
 * when it starts) is answered as Slack would: the message is put back before the call is served
 * (the 'call' event comes before the fake's latency), and kept until the next forget but one.
 */
let restored: StoredMessage[] = [];
fake.on('call', (c) => {
  if (c.method !== 'chat.update') return;
  const channel = String(c.args.channel ?? '');
  const ts = String(c.args.ts ?? '');
  if (!channel || !ts || fake.findMessage(channel, ts)) return;
  const msg: StoredMessage = {
    type: 'message',
    channel,
    ts,
    text: '',
    user: BOT_USER,
    bot_id: BOT_ID,
  };
  restored.push(msg);
  fake.messages.push(msg);
});
const forget = () => {
  fake.calls.length = 0;
  if (repliedBefore.size)
    parents = parents.filter((p) => !repliedBefore.has(parentKey(p.channel, p.ts)));
  repliedBefore = repliedRecently;
  repliedRecently = new Set();
  fake.messages.length = 0;
  for (const p of parents) fake.messages.push(p);
  for (const m of restored) fake.messages.push(m);
  restored = [];
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
      parents.push(msg);
      fake.messages.push(msg);
    }
    send({ type: 'parents', stored: parents.length });
  } else if (m.type === 'calls') {
    send({ type: 'calls', total, byMethod: { ...byMethod } });
  } else if (m.type === 'posts') {
    const items = fake
      .callsTo('chat.postMessage')
      .map((c) => ({ channel: String(c.args.channel), at: c.at }));
    send({ type: 'posts', items });
  } else if (m.type === 'arrivals') {
    send({ type: 'arrivals', items: arrivals });
    arrivals = [];
  } else if (m.type === 'trim') {
    forget();
    send({ type: 'trimmed' });
  } else if (m.type === 'stop') {
    void fake.close().finally(() => process.exit(0));
  }
});
process.on('disconnect', () => process.exit(0));
send({ type: 'ready', url: fake.url, responseUrlBase: fake.responseUrlBase });
