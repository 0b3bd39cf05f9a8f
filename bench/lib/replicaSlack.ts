import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { BOT_ID, BOT_USER, sleep, TEAM } from './common.js';

/**
 * The Web API as the replica rows need it: what a bot delivering reminders calls (auth.test,
 * chat.postMessage, chat.update, conversations.replies and .info, users.info), each answered after
 * `latencyMs`, with every message kept in maps (the sandbox's fake finds a message by scanning every
 * message, too slow for 10^5 posts) so that a thread read after a crash sees every post, as Slack's
 * would. Reminder posts are counted by their metadata key, and by the token that posted them (each
 * replica has its own). Any other method is answered `ok` and counted.
 */

export interface ReminderPost {
  readonly key: string;
  /** performance.now() of this process when the call arrived (before the latency). */
  readonly at: number;
  /** The bot token of the process that posted it. */
  readonly token: string;
  readonly channel: string;
}

interface Msg {
  readonly channel: string;
  readonly ts: string;
  readonly thread_ts?: string;
  text: string;
  metadata?: { event_type?: string; event_payload?: Record<string, unknown> };
}

export interface ReplicaSlack {
  readonly url: string;
  /** Every reminder post (chat.postMessage with amends_reminder metadata), in arrival order. */
  readonly posts: ReminderPost[];
  /** Calls by method. */
  readonly calls: Record<string, number>;
  /** Posts by key: how many times each key was posted. */
  readonly byKey: Map<string, number>;
  /**
   * auth.test answers wait until `release` (or until `n` processes have asked): replicas then end
   * their start-up at about the same moment.
   */
  holdAuth(n: number): () => void;
  /** performance.now() when the held auth.test answers were let go (NaN before). */
  readonly releasedAt: number;
  /** Resolves when `count` distinct keys have been posted, or when nothing new came for `quietMs`. */
  waitForKeys(count: number, quietMs: number): Promise<boolean>;
  close(): Promise<void>;
}

export const REMINDER_EVENT_TYPE = 'amends_reminder';

function parse(raw: string, type: string): Record<string, unknown> {
  if (type.includes('application/json')) return raw.trim() ? JSON.parse(raw) : {};
  const args: Record<string, unknown> = Object.fromEntries(new URLSearchParams(raw));
  for (const f of ['metadata', 'blocks']) {
    const v = args[f];
    if (typeof v === 'string' && /^\s*[[{]/.test(v)) args[f] = JSON.parse(v);
  }
  return args;
}

export async function startReplicaSlack(o: { latencyMs: number }): Promise<ReplicaSlack> {
  const messages = new Map<string, Msg>();
  const threads = new Map<string, Msg[]>();
  const posts: ReminderPost[] = [];
  const byKey = new Map<string, number>();
  const calls: Record<string, number> = {};
  let lastPostAt = performance.now();
  let keyWaiters: (() => void)[] = [];
  let auth: { waiting: (() => void)[]; until: number; released: boolean } | null = null;
  let releasedAt = Number.NaN;
  let sec = 0;
  let micro = 0;
  const nextTs = () => {
    const s = Math.floor(Date.now() / 1000);
    if (s > sec) [sec, micro] = [s, 0];
    micro++;
    if (micro > 999_999) [sec, micro] = [sec + 1, 1];
    return `${sec}.${String(micro).padStart(6, '0')}`;
  };
  const at = (channel: string, ts: string) => `${channel}|${ts}`;

  const handlers: Record<
    string,
    (a: Record<string, unknown>, token: string) => Record<string, unknown>
  > = {
    'auth.test': () => ({
      ok: true,
      url: 'https://bench.slack.test/',
      team: 'Bench',
      user: 'amends',
      team_id: TEAM,
      user_id: BOT_USER,
      bot_id: BOT_ID,
      is_enterprise_install: false,
    }),
    'chat.postMessage': (a, token) => {
      const channel = String(a.channel ?? '');
      const ts = nextTs();
      const thread = typeof a.thread_ts === 'string' ? a.thread_ts : undefined;
      const msg: Msg = {
        channel,
        ts,
        ...(thread ? { thread_ts: thread } : {}),
        text: String(a.text ?? ''),
        ...(a.metadata ? { metadata: a.metadata as Msg['metadata'] } : {}),
      };
      messages.set(at(channel, ts), msg);
      if (thread) {
        const list = threads.get(at(channel, thread)) ?? [];
        list.push(msg);
        threads.set(at(channel, thread), list);
      }
      const key = msg.metadata?.event_payload?.key;
      if (msg.metadata?.event_type === REMINDER_EVENT_TYPE && typeof key === 'string') {
        lastPostAt = performance.now();
        posts.push({ key, at: lastPostAt, token, channel });
        const n = (byKey.get(key) ?? 0) + 1;
        byKey.set(key, n);
        if (n === 1) for (const w of keyWaiters.splice(0)) w();
      }
      return { ok: true, channel, ts, message: { ts, text: msg.text } };
    },
    'chat.update': (a) => {
      const channel = String(a.channel ?? '');
      const ts = String(a.ts ?? '');
      const known = messages.get(at(channel, ts));
      // A seeded parent this fake never saw posted: Slack has it, so it is updated all the same.
      const msg: Msg = known ?? { channel, ts, text: '' };
      msg.text = String(a.text ?? '');
      if (a.metadata) msg.metadata = a.metadata as Msg['metadata'];
      messages.set(at(channel, ts), msg);
      return { ok: true, channel, ts };
    },
    'conversations.replies': (a) => {
      const channel = String(a.channel ?? '');
      const ts = String(a.ts ?? '');
      const parent = messages.get(at(channel, ts)) ?? { channel, ts, text: '' };
      const thread = [parent, ...(threads.get(at(channel, ts)) ?? [])];
      const start = Number(a.cursor ?? 0) || 0;
      const end = start + (Number(a.limit ?? 1000) || 1000);
      const more = end < thread.length;
      return {
        ok: true,
        messages: thread.slice(start, end).map((m) => ({
          type: 'message',
          ts: m.ts,
          ...(m.thread_ts ? { thread_ts: m.thread_ts } : {}),
          text: m.text,
          user: BOT_USER,
          bot_id: BOT_ID,
          ...(m.metadata ? { metadata: m.metadata } : {}),
        })),
        has_more: more,
        response_metadata: { next_cursor: more ? String(end) : '' },
      };
    },
    'conversations.history': () => ({
      ok: true,
      messages: [],
      has_more: false,
      response_metadata: { next_cursor: '' },
    }),
    'conversations.info': (a) => ({
      ok: true,
      channel: {
        id: String(a.channel ?? ''),
        is_channel: true,
        is_member: true,
        is_archived: false,
        is_shared: false,
        is_ext_shared: false,
        is_org_shared: false,
        is_pending_ext_shared: false,
      },
    }),
    'users.info': (a) => ({
      ok: true,
      user: {
        id: String(a.user ?? ''),
        name: String(a.user ?? ''),
        tz: 'UTC',
        locale: 'en-US',
        profile: { display_name: String(a.user ?? '') },
      },
    }),
  };

  const serve = async (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const method = (req.url ?? '').replace(/^\/api\//, '').split('?')[0] ?? '';
    calls[method] = (calls[method] ?? 0) + 1;
    let body: Record<string, unknown> = { ok: false, error: 'invalid_arguments' };
    try {
      const a = parse(Buffer.concat(chunks).toString('utf8'), req.headers['content-type'] ?? '');
      const token = /^Bearer\s+(\S+)/i.exec(req.headers.authorization ?? '')?.[1] ?? '';
      const h = handlers[method];
      // What the call does happens as it arrives (Slack has it once it is sent); the answer comes
      // after the latency, as from Slack's servers elsewhere.
      body = h ? h(a, token) : { ok: true };
    } catch {
      // answered as invalid
    }
    await sleep(o.latencyMs);
    if (method === 'auth.test' && auth && !auth.released) {
      const hold = auth;
      await new Promise<void>((r) => {
        hold.waiting.push(r);
        if (hold.waiting.length >= hold.until) release();
      });
    }
    const json = JSON.stringify(body);
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(json);
  };
  const release = () => {
    if (!auth) return;
    auth.released = true;
    releasedAt = performance.now();
    for (const w of auth.waiting.splice(0)) w();
    auth = null;
  };

  const server = createServer((req, res) => {
    serve(req, res).catch(() => {
      res.writeHead(500);
      res.end();
    });
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/api/`,
    posts,
    calls,
    byKey,
    get releasedAt() {
      return releasedAt;
    },
    holdAuth(n) {
      auth = { waiting: [], until: n, released: false };
      return release;
    },
    async waitForKeys(count, quietMs) {
      const since = performance.now();
      for (;;) {
        if (byKey.size >= count) return true;
        if (performance.now() - Math.max(since, lastPostAt) > quietMs) return false;
        await new Promise<void>((r) => {
          const t = setTimeout(r, 500);
          keyWaiters.push(() => {
            clearTimeout(t);
            r();
          });
        });
      }
    },
    close: () =>
      new Promise<void>((r) => {
        keyWaiters = [];
        server.close(() => r());
        server.closeAllConnections();
      }),
  };
}
