import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WebClient } from '@slack/web-api';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { DEFAULT_WORKING_HOURS } from '../../src/domain/workingTime.js';
import { t } from '../../src/i18n/index.js';
import type { StoredMessage } from '../../src/sandbox/fakeSlack.js';
import {
  nextWalkStop,
  SANDBOX_TEAM,
  SANDBOX_USERS,
  SANDBOX_WORKSPACES,
  type Sandbox,
  sandboxStart,
  startSandbox,
} from '../../src/sandbox/server.js';
import { openStore, type Store } from '../../src/store/index.js';
import { MONDAY_MORNING, sandboxConfig } from '../helpers/sandboxConfig.js';

/** The sandbox's database (its SQLite file), opened beside it as another process would. */
function storeOf(dir: string): Promise<Store> {
  const config = sandboxConfig(dir);
  return openStore({ path: config.databasePath, playbook: config.playbook });
}

const JOAN = 'U0JOAN0001';
const MONTSE = 'U0MONTSE01';
/** Joan's DM with the app: where the bot's chat.postMessage to her user id lands. */
const JOAN_DM = 'D0JOAN0001';

const GENERAL = 'C0SANDBOX1';
const ACCOUNTS = 'C0SANDBOX2';
const HOUR = 3_600_000;
const WEEK = 7 * 24 * HOUR;

interface State {
  now: string;
  users: { id: string; name: string; tz: string; city: string; locale: string }[];
  channels: { id: string; name: string; shared: string }[];
  messages: StoredMessage[];
  ephemerals: {
    id: string;
    user: string;
    channel: string;
    ts: string;
    text: string;
    blocks?: Block[];
  }[];
  homes: Record<string, HomeView>;
}

interface Block {
  type: string;
  elements?: { type: string; action_id?: string; value?: string }[];
}

/** The button with this action_id in some blocks. */
const buttonIn = (blocks: Block[] | undefined, actionId: string) =>
  (blocks ?? []).flatMap((b) => b.elements ?? []).find((e) => e.action_id === actionId);

/**
 * The interaction payloads the sandbox posts to the bot's receiver from now on, as the bot reads
 * them: the sandbox runs in this process, so its fetch to the receiver is seen here.
 */
function interactionsToBot() {
  const spy = vi.spyOn(globalThis, 'fetch');
  return {
    payloads: () =>
      spy.mock.calls
        .filter(([url]) => String(url).endsWith('/slack/events'))
        .map(([, init]) => String(init?.body ?? ''))
        .filter((body) => body.startsWith('payload='))
        .map(
          (body) =>
            JSON.parse(new URLSearchParams(body).get('payload') ?? '{}') as Record<string, unknown>,
        ),
    restore: () => spy.mockRestore(),
  };
}

interface HomeView {
  id: string;
  type: string;
  blocks: {
    type: string;
    block_id?: string;
    text?: { text?: string };
    elements?: { type: string; action_id?: string; value?: string }[];
  }[];
}

/** The page's event stream, read as the page reads it; `streamed` resolves once it carried `text`. */
async function openStream(url: string) {
  const events = new AbortController();
  const stream = await fetch(`${url}/events`, { signal: events.signal });
  const reader = stream.body?.getReader();
  let seen = '';
  const waiting: { text: string; resolve: () => void }[] = [];
  const pump = (async () => {
    const dec = new TextDecoder();
    for (;;) {
      const chunk = await reader?.read().catch(() => undefined);
      if (!chunk || chunk.done) return;
      seen += dec.decode(chunk.value);
      for (const w of waiting.filter((x) => seen.includes(x.text))) w.resolve();
    }
  })();
  return {
    contentType: stream.headers.get('content-type'),
    /** The data of every `event` frame streamed so far. */
    events: (event: string) =>
      seen
        .split('\n\n')
        .filter((f) => f.startsWith(`event: ${event}\n`))
        .map((f) => JSON.parse(f.slice(f.indexOf('\ndata: ') + 7)) as Record<string, unknown>),
    streamed: (text: string) =>
      seen.includes(text)
        ? Promise.resolve()
        : new Promise<void>((resolve) => waiting.push({ text, resolve })),
    async close() {
      events.abort();
      await pump;
    },
  };
}

/** Local weekday, date and hour of a message's ts in a zone. */
function localTime(ts: string, tz: string) {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone: tz,
    weekday: 'short',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(new Date(Number(ts) * 1000));
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  return {
    weekday: get('weekday'),
    date: `${get('year')}-${get('month')}-${get('day')}`,
    hour: Number(get('hour')),
  };
}

describe('sandbox server', () => {
  let dir: string;
  let sb: Sandbox;
  const logs: string[] = [];

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'amends-sandbox-'));
    sb = await startSandbox(sandboxConfig(dir), (m) => logs.push(m), {
      standalone: false,
      startAt: MONDAY_MORNING,
    });
  });
  afterEach(async () => {
    await sb.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const post = async (path: string, body: unknown, headers: Record<string, string> = {}) => {
    const r = await fetch(sb.url + path, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify(body),
    });
    return { status: r.status, body: (await r.json()) as Record<string, unknown> };
  };
  const state = async () => (await (await fetch(`${sb.url}/api/state`)).json()) as State;

  it('serves the page on loopback only, with a strict CSP', async () => {
    expect(sb.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const page = await fetch(`${sb.url}/`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(await page.text()).toContain('data-testid="composer"');
    // A request naming another host (DNS rebinding) or from another origin is refused.
    const port = new URL(sb.url).port;
    const rebound = await new Promise<number | undefined>((resolve, reject) => {
      const req = request(
        { host: '127.0.0.1', port, path: '/api/state', headers: { host: `evil.example:${port}` } },
        (res) => {
          res.resume();
          resolve(res.statusCode);
        },
      );
      req.on('error', reject);
      req.end();
    });
    expect(rebound).toBe(403);
    const cross = await post(
      '/api/reset',
      {},
      {
        origin: 'https://evil.example',
      },
    );
    expect(cross.status).toBe(403);
  });

  it('turns /api/command into a signed slash command whose case message reaches the page stream', async () => {
    const stream = await openStream(sb.url);
    expect(stream.contentType).toContain('text/event-stream');
    const { streamed } = stream;
    await streamed('event: snapshot');

    const r = await post('/api/command', {
      user: JOAN,
      channel: GENERAL,
      text: 'Acme: late delivery',
    });
    expect(r).toEqual({ status: 200, body: { ok: true } });
    await streamed('Recovery case for Acme');
    await stream.close();

    const s = await state();
    const parent = s.messages.find((m) => m.channel === GENERAL && (m.thread_ts ?? m.ts) === m.ts);
    expect(parent?.blocks?.[0]).toMatchObject({ type: 'header', text: { text: 'Acme · Major' } });
    expect(parent?.ts.startsWith(String(MONDAY_MORNING.getTime() / 1000))).toBe(true);
  });

  it("gives the bot a fake Web API that fails loudly on a method it doesn't emulate", async () => {
    const res = await fetch(`${sb.slackApiUrl}chat.scheduleMessage`, {
      method: 'POST',
      headers: { authorization: 'Bearer xoxb-sandbox' },
    });
    expect(await res.json()).toEqual({ ok: false, error: 'unknown_method' });
  });

  /** `/incident Acme: late delivery` by Joan in #general. */
  const openAcme = () =>
    post('/api/command', { user: JOAN, channel: GENERAL, text: 'Acme: late delivery' });
  /** The sandbox closed and started again on its files, as a new process would. */
  const restart = async () => {
    await sb.close();
    sb = await startSandbox(sandboxConfig(dir), () => {}, { standalone: false });
  };

  describe('its clock', () => {
    /** Acme opened (its parent and first reply posted), then the clock moved a day on. */
    async function aDayOn() {
      await openAcme();
      // The page's request returns once the bot's work is done: parent and first reply are there.
      expect((await state()).messages).toHaveLength(2);
      return post('/api/clock', { advance: 'day' });
    }

    it('advances a day at a time', async () => {
      const r = await aDayOn();
      expect(r.status).toBe(200);
      expect(Date.parse(String(r.body.now)) - MONDAY_MORNING.getTime()).toBeGreaterThanOrEqual(
        86_400_000,
      );
    });

    it('runs the reminder tick as it advances, sending what fell due', async () => {
      expect((await aDayOn()).body.sent).toBeGreaterThan(0);
    });

    it('refuses a step it does not offer (a year)', async () => {
      expect((await post('/api/clock', { advance: 'year' })).status).toBe(400);
    });
  });

  describe('Reset', () => {
    /** Acme opened and a day passed, then Reset. */
    async function resetAfterADay() {
      await openAcme();
      await post('/api/clock', { advance: 'day' });
      expect(existsSync(sandboxConfig(dir).databasePath)).toBe(true);
      expect((await post('/api/reset', {})).status).toBe(200);
    }

    it('starts over: no messages, the clock back at Monday morning', async () => {
      await resetAfterADay();
      const after = await state();
      expect(after.messages).toEqual([]);
      expect(after.now.slice(0, 16)).toBe(MONDAY_MORNING.toISOString().slice(0, 16));
    });

    it('leaves a bot working on a fresh database', async () => {
      await resetAfterADay();
      await post('/api/command', { user: JOAN, channel: GENERAL, text: 'Beta: wrong invoice' });
      expect((await state()).messages.some((m) => m.text.includes('Beta'))).toBe(true);
    });
  });

  describe('a restart', () => {
    /** What the page showed after Acme was opened and a week walked, and what it shows after a restart. */
    async function restartedAWeekOn() {
      await openAcme();
      // The page's request returns once the bot's work is done: parent and first reply are there.
      expect((await state()).messages).toHaveLength(2);
      await post('/api/clock', { advance: 'week' });
      const before = await state();
      await restart();
      return { before, after: await state() };
    }

    it('keeps its Slack state in a file beside its own database', async () => {
      await openAcme();
      await sb.close();
      expect(existsSync(`${sandboxConfig(dir).databasePath}.slack.json`)).toBe(true);
      sb = await startSandbox(sandboxConfig(dir), () => {}, { standalone: false });
    });

    it("keeps its channel's messages", async () => {
      const { before, after } = await restartedAWeekOn();
      expect(after.messages.map((m) => m.ts)).toEqual(before.messages.map((m) => m.ts));
    });

    it('keeps its sandbox time', async () => {
      const { before, after } = await restartedAWeekOn();
      expect(Date.parse(after.now)).toBeGreaterThanOrEqual(Date.parse(before.now));
      expect(Date.parse(after.now) - Date.parse(before.now)).toBeLessThan(60_000);
    });
  });

  describe('killed before it saved its Slack state, then started again', () => {
    /** The page after Acme was opened and the Slack state file lost before a restart. */
    async function slackStateLost() {
      await openAcme();
      await sb.close();
      // As if the process died before its (debounced) save: the database is there, the Slack state not.
      rmSync(`${sandboxConfig(dir).databasePath}.slack.json`, { force: true });
      sb = await startSandbox(sandboxConfig(dir), () => {}, { standalone: false });
      const after = await state();
      return { after, parents: after.messages.filter((m) => m.text.includes('Acme')) };
    }

    it('posts the stored case again, once, instead of wiping it', async () => {
      expect((await slackStateLost()).parents).toHaveLength(1);
    });

    it("starts the case's thread again with its first reply", async () => {
      const { after, parents } = await slackStateLost();
      expect(
        after.messages.filter((m) => m.thread_ts === parents[0]?.ts && m.ts !== parents[0]?.ts),
      ).toHaveLength(1);
    });
  });

  describe('restarted after a crash that left a thread line pending, it catches up as the bot does', () => {
    const body = { text: 'left pending by a crash', blocks: [] };
    const lines = async () => (await state()).messages.filter((m) => m.text === body.text);
    /** Acme opened, then a thread line stored but never posted (a crash in between), then a start. */
    async function crashedWithALinePending() {
      await openAcme();
      await sb.close();
      const store = await storeOf(dir);
      try {
        const [c] = await store.repos.cases.listOpenInTeam(SANDBOX_TEAM.id, 10);
        if (!c) throw new Error('no case stored');
        await store.repos.lines.add(c.teamId, c.id, body, c.createdAt);
      } finally {
        await store.close();
      }
      sb = await startSandbox(sandboxConfig(dir), () => {}, { standalone: false });
    }

    it('posts the line at once, without waiting for the clock to move', async () => {
      await crashedWithALinePending();
      // Its clock does not move on its own: the start-up itself posted it.
      expect(await lines()).toHaveLength(1);
    });

    it('posts the line only once, however the clock moves on', async () => {
      await crashedWithALinePending();
      await post('/api/clock', { advance: 'hour' });
      await post('/api/clock', { advance: 'hour' });
      expect(await lines()).toHaveLength(1);
    });
  });

  it('a very long /incident reaches the bot, whose own limit refuses it, opening nothing', async () => {
    const r = await post('/api/command', {
      user: JOAN,
      channel: GENERAL,
      text: `Acme: ${'late again '.repeat(1000)}`,
    });
    expect(r.status).toBe(200);
    const s = await state();
    expect(s.messages).toEqual([]);
    expect(s.ephemerals.map((e) => e.text)).toContainEqual(
      expect.stringContaining(t('en').errors.field.summary_too_long),
    );
  });

  it('what its Slack answered ok to is on disk at once: a kill right after loses no post', async () => {
    await post('/api/command', { user: JOAN, channel: GENERAL, text: 'Acme: late delivery' });
    // Read at once, as a restart after a SIGKILL would: no close(), no save on the way out.
    const onDisk = JSON.parse(
      readFileSync(`${sandboxConfig(dir).databasePath}.slack.json`, 'utf8'),
    ) as { messages: StoredMessage[] };
    const shown = (await state()).messages;
    expect(shown.length).toBeGreaterThanOrEqual(2); // the parent and its first reply
    expect(onDisk.messages.map((m) => m.ts)).toEqual(shown.map((m) => m.ts));
  });

  it('walks +1 week hour by hour: a neglected case is nudged on several working days, not in one lump', async () => {
    await post('/api/command', { user: JOAN, channel: GENERAL, text: 'Acme: late delivery' });
    const opened = (await state()).messages.length;
    const r = await post('/api/clock', { advance: 'week' });
    expect(r.status).toBe(200);
    // A tick at every hour of the week (the last stop is the week's end, 09:30 on Monday).
    expect(r.body.ticks).toBe(7 * 24 + 1);
    const s = await state();
    expect(Date.parse(s.now) - MONDAY_MORNING.getTime()).toBeGreaterThanOrEqual(WEEK);
    expect(Date.parse(s.now) - MONDAY_MORNING.getTime()).toBeLessThan(WEEK + 60_000);

    const nudges = s.messages.slice(opened);
    expect(nudges.length).toBeGreaterThan(0);
    expect(r.body.sent).toBe(nudges.length);
    for (const m of nudges) expect(m.metadata?.event_type).toBe('amends_reminder');
    // Each nudge was posted when the walk passed its time: in Joan's working hours, on a working
    // day; together they span the week instead of arriving in one lump at its end.
    const when = nudges.map((m) => localTime(m.ts, 'America/New_York'));
    for (const w of when) {
      expect(['Mon', 'Tue', 'Wed', 'Thu', 'Fri']).toContain(w.weekday);
      expect(w.hour).toBeGreaterThanOrEqual(9);
      expect(w.hour).toBeLessThan(18);
    }
    expect(new Set(when.map((w) => w.date)).size).toBeGreaterThanOrEqual(4);
    expect(nudges.map((m) => m.ts)).toEqual(nudges.map((m) => m.ts).sort());
  });

  it('stays responsive during a walk: a command is served between two stops', async () => {
    await sb.close();
    let paused!: (now: Date) => void;
    let release!: () => void;
    const atSecondStop = new Promise<Date>((r) => {
      paused = r;
    });
    const gate = new Promise<void>((r) => {
      release = r;
    });
    sb = await startSandbox(sandboxConfig(dir), () => {}, {
      standalone: false,
      startAt: MONDAY_MORNING,
      betweenStops: async (stops, now) => {
        if (stops !== 2) return;
        paused(now);
        await gate;
      },
    });
    const stream = await openStream(sb.url);
    const walk = post('/api/clock', { advance: 'week' });
    const halfway = await atSecondStop;
    expect(halfway.getTime()).toBeGreaterThanOrEqual(Date.parse('2026-11-23T16:00:00Z'));
    // The page's clock moved with the walk: 10:00 and 11:00 in New York.
    await stream.streamed('"now":"2026-11-23T15:00:00.000Z"');
    await stream.streamed('"now":"2026-11-23T16:00:00.000Z"');
    await stream.close();
    // The walk is held between its stops; a command is served meanwhile, at the walk's time.
    const r = await post('/api/command', { user: JOAN, channel: GENERAL, text: 'Acme: late' });
    expect(r.status).toBe(200);
    const parent = (await state()).messages.find((m) => m.text.includes('Acme'));
    expect(Number(parent?.ts) * 1000).toBeGreaterThanOrEqual(Date.parse('2026-11-23T16:00:00Z'));
    expect(Number(parent?.ts) * 1000).toBeLessThan(Date.parse('2026-11-23T17:00:00Z'));
    release();
    expect((await walk).body).toMatchObject({ ok: true, ticks: 7 * 24 + 1 });
  });

  it('has a fourth user, in Barcelona, whose cases speak Catalan', async () => {
    const s = await state();
    expect(s.users.map((u) => u.id)).toEqual(SANDBOX_USERS.map((u) => u.id));
    expect(s.users.find((u) => u.id === MONTSE)).toMatchObject({
      city: 'Barcelona',
      tz: 'Europe/Madrid',
      locale: 'ca-ES',
    });
    expect(
      (await post('/api/command', { user: MONTSE, channel: GENERAL, text: 'Acme: late delivery' }))
        .status,
    ).toBe(200);
    const store = await storeOf(dir);
    try {
      const rows = await store.repos.cases.listOpenInTeam(SANDBOX_TEAM.id, 10);
      expect(rows.map((c) => ({ creatorId: c.creatorId, lang: c.lang }))).toEqual([
        { creatorId: MONTSE, lang: 'ca' },
      ]);
    } finally {
      await store.close();
    }
    // The thread speaks Catalan too: its first line is the Catalan "you own this case".
    const [, firstWords] = t('ca')
      .thread.opened('{owner}', '{step}', '')
      .split(/\{owner\}|\{step\}/);
    const reply = (await state()).messages.find((m) => m.thread_ts && m.thread_ts !== m.ts);
    expect(firstWords).toBeTruthy();
    expect(reply?.text).toContain(firstWords);
    expect(reply?.text.startsWith(`<@${MONTSE}>`)).toBe(true);
  });

  it('marks a channel as shared with the client: conversations.info says so, across a restart', async () => {
    const flags = async () => {
      const slack = new WebClient('xoxb-sandbox-test', {
        slackApiUrl: sb.slackApiUrl,
        retryConfig: { retries: 0 },
      });
      const { channel } = await slack.conversations.info({ channel: ACCOUNTS });
      return [channel?.is_shared, channel?.is_ext_shared, channel?.is_pending_ext_shared];
    };
    expect(await flags()).toEqual([false, false, false]);
    expect((await state()).channels.map((c) => c.shared)).toEqual(['none', 'none']);

    const stream = await openStream(sb.url);
    const r = await post('/api/share', { channel: ACCOUNTS, how: 'ext' });
    expect(r).toEqual({ status: 200, body: { ok: true, channel: ACCOUNTS, shared: 'ext' } });
    await stream.streamed(`"id":"${ACCOUNTS}","shared":"ext"`);
    await stream.close();
    expect(await flags()).toEqual([true, true, false]);
    expect((await state()).channels).toEqual([
      { id: GENERAL, name: 'general', shared: 'none' },
      { id: ACCOUNTS, name: 'accounts', shared: 'ext' },
    ]);

    expect((await post('/api/share', { channel: ACCOUNTS, how: 'everyone' })).status).toBe(400);
    expect((await post('/api/share', { channel: 'C0OTHER', how: 'ext' })).status).toBe(400);

    await sb.close();
    sb = await startSandbox(sandboxConfig(dir), () => {}, { standalone: false });
    expect(await flags()).toEqual([true, true, false]);
    expect((await post('/api/share', { channel: ACCOUNTS, how: 'none' })).status).toBe(200);
    expect(await flags()).toEqual([false, false, false]);
  });

  it('sharing a channel with a case in it sends Slack’s channel_shared event: the case is withdrawn at once', async () => {
    await post('/api/command', { user: JOAN, channel: GENERAL, text: 'Acme: late delivery' });
    const parent = (await state()).messages[0] as StoredMessage;
    expect(parent.text).toContain('Acme');
    expect((await post('/api/share', { channel: GENERAL, how: 'ext' })).status).toBe(200);
    const after = await state();
    const now = after.messages.find((m) => m.ts === parent.ts);
    expect(now?.text).toBe(t('en').shared.withdrawn);
    // The first reply went with it: nothing of the case is left for the client to read.
    expect(after.messages.filter((m) => m.channel === GENERAL && m.ts !== parent.ts)).toEqual([]);
  });

  it('a message the bot deletes leaves the page at once: the stream says so, with the parent’s new reply count', async () => {
    const stream = await openStream(sb.url);
    try {
      await post('/api/command', { user: JOAN, channel: GENERAL, text: 'Acme: late delivery' });
      const parent = (await state()).messages[0] as StoredMessage;
      const reply = (await state()).messages.find(
        (m) => m.thread_ts === parent.ts && m.ts !== parent.ts,
      ) as StoredMessage;
      expect(reply).toBeDefined();
      // Sharing the channel withdraws the case: its thread lines are deleted.
      expect((await post('/api/share', { channel: GENERAL, how: 'ext' })).status).toBe(200);
      await stream.streamed('event: delete');
      const deleted = stream.events('delete') as {
        message: { channel: string; ts: string };
        parent?: StoredMessage;
      }[];
      expect(deleted.map((d) => d.message)).toContainEqual({ channel: GENERAL, ts: reply.ts });
      const last = deleted.find((d) => d.message.ts === reply.ts);
      expect(last?.parent?.ts).toBe(parent.ts);
      expect((await state()).messages.some((m) => m.ts === reply.ts)).toBe(false);
    } finally {
      await stream.close();
    }
  });

  it('clicks *Move the case* in the private answer from a shared channel: an ephemeral click, the move form, the case posted in an internal channel', async () => {
    await post('/api/share', { channel: ACCOUNTS, how: 'ext' });
    await post('/api/command', { user: JOAN, channel: ACCOUNTS, text: 'Sharedco: test' });
    const before = await state();
    // Nothing of the case in the shared channel (the owner, Joan, is also told in her DM).
    expect(before.messages.filter((m) => m.channel === ACCOUNTS)).toEqual([]);
    const eph = before.ephemerals.find((e) => buttonIn(e.blocks, 'amends_case_move'));
    expect(eph).toMatchObject({ user: JOAN, channel: ACCOUNTS, text: t('en').shared.notPosted });
    const move = buttonIn(eph?.blocks, 'amends_case_move');
    const click = { action_id: 'amends_case_move', value: move?.value };

    const bot = interactionsToBot();
    try {
      // Only Joan can click her ephemeral; a made-up one is not found; neither reaches the bot.
      const forged = [
        await post('/api/action', { user: MONTSE, ephemeral: eph?.id, ...click }),
        await post('/api/action', { user: JOAN, ephemeral: 'eph-000000000000', ...click }),
        await post('/api/action', { user: JOAN, ephemeral: 42, ...click }),
      ];
      expect(forged.map((r) => r.status)).toEqual([404, 404, 400]);
      expect(forged[0]?.body).toEqual({ ok: false, error: 'no such ephemeral message' });
      expect(bot.payloads()).toEqual([]);

      const stream = await openStream(sb.url);
      await stream.streamed('event: snapshot');
      const r = await post('/api/action', { user: JOAN, ephemeral: eph?.id, ...click });
      expect(r).toEqual({ status: 200, body: { ok: true } });

      // Slack's shape for a click in an ephemeral: the container says so, and there is no message.
      const [payload] = bot.payloads();
      const real = JSON.parse(
        readFileSync(
          new URL('../fixtures/slack/block_actions.ephemeral_enterprise.json', import.meta.url),
          'utf8',
        ),
      ) as { container: Record<string, unknown> };
      expect(Object.keys(payload?.container ?? {}).sort()).toEqual(
        Object.keys(real.container).sort(),
      );
      expect(payload?.container).toEqual({
        type: 'message',
        message_ts: eph?.ts,
        channel_id: ACCOUNTS,
        is_ephemeral: true,
      });
      expect(payload).not.toHaveProperty('message');
      expect(payload?.channel).toEqual({ id: ACCOUNTS, name: 'accounts' });
      expect(payload?.response_url).toEqual(expect.stringContaining(`/${JOAN}/${ACCOUNTS}/`));

      // The move form opens for Joan; she picks #general, and the case is posted there.
      await stream.streamed('"callback_id":"amends_move"');
      const form = stream.events('view').at(-1) as { user: string; view: { id: string } };
      await stream.close();
      expect(form).toMatchObject({ user: JOAN, view: { callback_id: 'amends_move' } });
      const done = await post('/api/submit', {
        user: JOAN,
        viewId: form.view.id,
        values: {
          channel: { channel: { type: 'conversations_select', selected_conversation: GENERAL } },
        },
      });
      expect(done).toEqual({ status: 200, body: { ok: true, close: true } });
    } finally {
      bot.restore();
    }
    const after = await state();
    expect(after.messages.filter((m) => m.channel === ACCOUNTS)).toEqual([]);
    const parent = after.messages.find((m) => m.channel === GENERAL && m.text.includes('Sharedco'));
    expect(parent?.blocks?.[0]).toMatchObject({ type: 'header' });
  });

  describe('the DM the owner gets when a case’s channel becomes shared', () => {
    let bot: ReturnType<typeof interactionsToBot> | undefined;
    afterEach(() => {
      bot?.restore();
      bot = undefined;
    });

    /** Acme opened in #general, #general shared: Joan's DM, and a click on its *Move the case*. */
    async function dmOfSharedCase() {
      await openAcme();
      await post('/api/share', { channel: GENERAL, how: 'ext' });
      const dm = (await state()).messages.find((m) => m.channel === JOAN_DM);
      const move = buttonIn(dm?.blocks as Block[] | undefined, 'amends_case_move');
      return { dm, move, click: { action_id: 'amends_case_move', value: move?.value } };
    }

    /** Joan's click on *Move the case* in her DM: the page's answer, the payload the bot got, the form. */
    async function moveClicked() {
      const { dm, click } = await dmOfSharedCase();
      bot = interactionsToBot();
      const stream = await openStream(sb.url);
      try {
        await stream.streamed('event: snapshot');
        const r = await post('/api/action', {
          user: JOAN,
          channel: JOAN_DM,
          messageTs: dm?.ts,
          ...click,
        });
        const [payload] = bot.payloads();
        await stream.streamed('"callback_id":"amends_move"');
        const form = stream.events('view').at(-1) as { user: string; view: { id: string } };
        return { dm, r, payload, form };
      } finally {
        await stream.close();
      }
    }

    it('carries a *Move the case* button', async () => {
      expect((await dmOfSharedCase()).move?.value).toBeTruthy();
    });

    it('is clicked only by its owner, in her DM, on a message there: forged clicks reach no bot', async () => {
      const { dm, click } = await dmOfSharedCase();
      bot = interactionsToBot();
      // Joan's DM is hers: Montse can't click in it, nor anyone in a DM that isn't there.
      const forged = [
        await post('/api/action', { user: MONTSE, channel: JOAN_DM, messageTs: dm?.ts, ...click }),
        await post('/api/action', {
          user: JOAN,
          channel: 'D0MONTSE01',
          messageTs: dm?.ts,
          ...click,
        }),
        await post('/api/action', {
          user: JOAN,
          channel: JOAN_DM,
          messageTs: '1.000100',
          ...click,
        }),
      ];
      expect(forged.map((r) => r.status)).toEqual([400, 400, 404]);
      expect(bot.payloads()).toEqual([]);
    });

    it('sends a click on *Move the case* to the bot as a message click in the directmessage', async () => {
      const { dm, r, payload } = await moveClicked();
      expect(r).toEqual({ status: 200, body: { ok: true } });
      expect(payload).toMatchObject({
        container: {
          type: 'message',
          message_ts: dm?.ts,
          channel_id: JOAN_DM,
          is_ephemeral: false,
        },
        channel: { id: JOAN_DM, name: 'directmessage' },
        message: { ts: dm?.ts, blocks: dm?.blocks },
      });
    });

    it('opens the move form for the owner on that click', async () => {
      const { form } = await moveClicked();
      expect(form).toMatchObject({ user: JOAN, view: { callback_id: 'amends_move' } });
    });

    it('posts the case in the channel picked in the move form', async () => {
      const { form } = await moveClicked();
      const done = await post('/api/submit', {
        user: JOAN,
        viewId: form.view.id,
        values: {
          channel: { channel: { type: 'conversations_select', selected_conversation: ACCOUNTS } },
        },
      });
      expect(done).toEqual({ status: 200, body: { ok: true, close: true } });
      const moved = (await state()).messages.find(
        (m) => m.channel === ACCOUNTS && m.text.includes('Acme'),
      );
      expect(moved?.blocks?.[0]).toMatchObject({ type: 'header', text: { text: 'Acme · Major' } });
    });
  });

  describe('a file the bot uploads in a case’s thread', () => {
    const bytes = Buffer.from('client;outcome\nAcme;won back \u2713\n');
    /** Acme opened, then acme-outcome.csv uploaded into its thread: the parent, the page's state, the file. */
    async function uploaded() {
      await openAcme();
      const parent = (await state()).messages[0] as StoredMessage;
      const slack = new WebClient('xoxb-sandbox-test', {
        slackApiUrl: sb.slackApiUrl,
        retryConfig: { retries: 0 },
      });
      await slack.files.uploadV2({
        channel_id: GENERAL,
        thread_ts: parent.ts,
        file: bytes,
        filename: 'acme-outcome.csv',
        title: 'Acme: the outcome',
        initial_comment: 'Here is the export',
      });
      const s = await state();
      const share = s.messages.find((m) => m.files?.length);
      return { parent, s, share, file: share?.files?.[0] };
    }

    it('shows in the thread, counted as a reply', async () => {
      const { parent, s, share, file } = await uploaded();
      expect(share).toMatchObject({ thread_ts: parent.ts, text: 'Here is the export' });
      expect(file).toMatchObject({ name: 'acme-outcome.csv', title: 'Acme: the outcome' });
      expect(s.messages.find((m) => m.ts === parent.ts)?.reply_count).toBe(2);
    });

    it('is served as a download', async () => {
      const { file } = await uploaded();
      const got = await fetch(`${sb.url}/files/${file?.id}/acme-outcome.csv`);
      expect(got.status).toBe(200);
      expect(got.headers.get('content-type')).toBe('text/csv');
      expect(got.headers.get('content-disposition')).toContain(
        'attachment; filename="acme-outcome.csv"',
      );
      expect(Buffer.from(await got.arrayBuffer()).equals(bytes)).toBe(true);
    });

    it('is still served after a restart (its bytes kept beside the database)', async () => {
      const { file } = await uploaded();
      await restart();
      const again = await fetch(`${sb.url}/files/${file?.id}`);
      expect(Buffer.from(await again.arrayBuffer()).equals(bytes)).toBe(true);
    });
  });

  it('answers 404 for a file it does not have', async () => {
    expect((await fetch(`${sb.url}/files/F0NOSUCH`)).status).toBe(404);
  });

  describe('App Home through /api/home (an app_home_opened event)', () => {
    /** Acme opened, then Joan's App Home opened: the view the bot published, as the page answered it. */
    async function joanHome() {
      await openAcme();
      const r = await post('/api/home', { user: JOAN });
      expect(r.status).toBe(200);
      return r.body.view as HomeView;
    }
    /** Her first step's Done button in the home. */
    const doneIn = (view: HomeView) =>
      view.blocks.flatMap((b) => b.elements ?? []).find((e) => e.action_id === 'amends_step_done');

    it('answers with the home the bot publishes, stored for that user only', async () => {
      expect((await state()).homes).toEqual({});
      const view = await joanHome();
      expect(view).toMatchObject({ type: 'home' });
      const { homes } = await state();
      expect(Object.keys(homes)).toEqual([JOAN]);
      expect(homes[JOAN]).toEqual(view);
    });

    it("shows the user's open steps", async () => {
      const texts = JSON.stringify((await joanHome()).blocks);
      expect(texts).toContain('Your open steps');
      expect(texts).toContain('Acme');
    });

    it('pushes the home to the page', async () => {
      const stream = await openStream(sb.url);
      try {
        await joanHome();
        await stream.streamed(`event: home\ndata: {"user":"${JOAN}"`);
      } finally {
        await stream.close();
      }
    });

    /** Done on her first step, clicked in App Home: a block_actions from the view (no channel). */
    async function doneClickedInHome() {
      const view = await joanHome();
      const done = doneIn(view);
      expect(done?.value).toBeTruthy();
      const click = await post('/api/action', {
        user: JOAN,
        viewId: view.id,
        action_id: 'amends_step_done',
        value: done?.value,
      });
      expect(click).toEqual({ status: 200, body: { ok: true } });
      return { done, s: await state() };
    }

    it('a Done click in it marks the step done in the thread', async () => {
      const { s } = await doneClickedInHome();
      expect(s.messages.some((m) => /marked .*Own up to the client.* done/.test(m.text))).toBe(
        true,
      );
    });

    it('a Done click in it draws the home again without that step', async () => {
      const { done, s } = await doneClickedInHome();
      expect(JSON.stringify(s.homes[JOAN]?.blocks)).not.toContain(done?.value);
    });

    it('a language picked in its select draws the same home again in that language', async () => {
      const view = await joanHome();
      const lang = await post('/api/action', {
        user: JOAN,
        viewId: view.id,
        block_id: 'home_controls',
        action_id: 'amends_home_language',
        type: 'static_select',
        selected_value: 'it',
        selected_text: 'Italiano',
      });
      expect(lang.status).toBe(200);
      const italian = (await state()).homes[JOAN];
      expect(italian?.id).toBe(view.id);
      expect(JSON.stringify(italian?.blocks)).toContain('I tuoi passi aperti');
    });

    it("refuses a click in another user's home", async () => {
      const view = await joanHome();
      expect(
        (await post('/api/action', { user: MONTSE, viewId: view.id, action_id: 'x' })).status,
      ).toBe(404);
    });

    it('refuses to open the home of a user not in the sandbox', async () => {
      expect((await post('/api/home', { user: 'U0NOBODY' })).status).toBe(400);
    });
  });

  describe('a second workspace, installed from the page with Add to Slack', () => {
    const SECOND = SANDBOX_WORKSPACES[1] as (typeof SANDBOX_WORKSPACES)[number];
    const ORCHARD = SECOND.team.id;
    const ALEX = 'U0ALEX0001';
    const ORCHARD_GENERAL = 'C0ORCHARD1';

    /** One step of a browser's walk through the flow: the answer, its redirect, its cookies. */
    const get = async (url: string, init: RequestInit = {}) => {
      const r = await fetch(url, { ...init, redirect: 'manual' });
      return {
        status: r.status,
        location: r.headers.get('location') ?? '',
        cookies: r.headers.getSetCookie().map((c) => c.split(';')[0]),
        body: await r.text(),
      };
    };

    /** Add to Slack on the page, Allow on the consent page, back on the page: as a browser does. */
    async function addToSlack(decision: 'allow' | 'cancel' = 'allow') {
      const button = await get(`${sb.url}/install`);
      expect(button.status).toBe(302);
      const install = await get(button.location);
      expect(install.status).toBe(302); // straight on to Slack's consent page
      const consent = await get(install.location);
      expect(consent.status).toBe(200);
      expect(consent.body).toContain(`Install Amends in ${SECOND.team.name}?`);
      const action = new URL(install.location);
      const fields = Object.fromEntries(
        [...consent.body.matchAll(/<input type="hidden" name="(\w+)" value="([^"]*)">/g)].map(
          (m) => [m[1], (m[2] ?? '').replace(/&amp;/g, '&')],
        ),
      );
      // The workspace picker offers the one without Amends first.
      expect(consent.body).toMatch(new RegExp(`<option value="${ORCHARD}" selected>`));
      const answered = await get(`${action.origin}${action.pathname}`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ ...fields, team: ORCHARD, decision }).toString(),
      });
      expect(answered.status).toBe(302);
      return get(answered.location, { headers: { cookie: install.cookies.join('; ') } });
    }

    type Workspaces = {
      workspaces: { team: { id: string }; installed: boolean; users: { id: string }[] }[];
    };
    const installedOnes = async () =>
      ((await state()) as unknown as Workspaces).workspaces.map((w) => [w.team.id, w.installed]);
    /** Add to Slack allowed for the second workspace, as the page saw it. */
    async function installed() {
      const done = await addToSlack();
      expect(done).toMatchObject({ status: 303, location: `${sb.url}/?workspace=${ORCHARD}` });
    }
    /** The second workspace installed, then a case in each: Acme by Joan, Pearfield by Alex. */
    async function aCaseInEach() {
      await installed();
      const calls0 = sb.slackCalls().length;
      await openAcme();
      await post('/api/command', {
        user: ALEX,
        channel: ORCHARD_GENERAL,
        text: 'Pearfield: wrong invoice',
      });
      return { calls0 };
    }
    /** Each workspace's person, channel, own case and the other workspace's case. */
    const EACH = [
      [JOAN, GENERAL, 'Acme', 'Pearfield'],
      [ALEX, ORCHARD_GENERAL, 'Pearfield', 'Acme'],
    ] as const;

    it('lists the second workspace as not installed at first', async () => {
      expect(await installedOnes()).toEqual([
        [SANDBOX_TEAM.id, true],
        [ORCHARD, false],
      ]);
    });

    it('refuses the page’s requests there before it is installed, in words', async () => {
      const early = await post('/api/command', { user: ALEX, channel: ORCHARD_GENERAL, text: 'x' });
      expect(early.status).toBe(409);
      expect(early.body.error).toContain('Add to Slack');
    });

    it('installs nothing on Cancel at the consent page, back on the page saying so', async () => {
      const cancelled = await addToSlack('cancel');
      expect(cancelled.status).toBe(303);
      // (Bolt's code for a refused authorization: access_denied from Slack.)
      expect(cancelled.location).toBe(
        `${sb.url}/?install_error=slack_oauth_installer_authorization_error`,
      );
      expect((await post('/api/home', { user: ALEX })).status).toBe(409);
    });

    it('installs it on Allow at the consent page: the page lists it installed, with its people', async () => {
      const stream = await openStream(sb.url);
      try {
        await installed();
        await stream.streamed('event: workspaces');
      } finally {
        await stream.close();
      }
      const after = (await state()) as unknown as Workspaces;
      expect(after.workspaces.map((w) => w.installed)).toEqual([true, true]);
      expect(after.workspaces[1]?.users.map((u) => u.id)).toEqual(SECOND.users.map((u) => u.id));
    });

    it('shows a case only in the channel of its own workspace', async () => {
      await aCaseInEach();
      const s = await state();
      const said = (ch: string) =>
        s.messages
          .filter((m) => m.channel === ch)
          .map((m) => m.text)
          .join(' ');
      for (const [, channel, own, other] of EACH) {
        expect(said(channel)).toContain(own);
        expect(said(channel)).not.toContain(other);
      }
    });

    it('does not know a channel of the other workspace to its people', async () => {
      await installed();
      expect((await post('/api/command', { user: ALEX, channel: GENERAL, text: 'x' })).status).toBe(
        400,
      );
    });

    it('answers /incident list in each workspace with its own case only', async () => {
      await aCaseInEach();
      for (const [user, channel, own, other] of EACH) {
        const said = await ephemeralsFrom(user, channel, 'list');
        expect(said, `${user} list`).not.toContain(other);
        expect(said).toContain(own);
      }
    });

    it('reports in each workspace nothing of the other’s case', async () => {
      await aCaseInEach();
      for (const [user, channel, , other] of EACH)
        expect(
          await ephemeralsFrom(user, channel, 'report all'),
          `${user} report all`,
        ).not.toContain(other);
    });

    /** What the bot told `user` privately after their `/incident <text>` in `channel`, as one string. */
    async function ephemeralsFrom(user: string, channel: string, text: string) {
      const n = (await state()).ephemerals.length;
      expect((await post('/api/command', { user, channel, text })).status).toBe(200);
      return (await state()).ephemerals
        .slice(n)
        .filter((e) => e.user === user)
        .map((e) => JSON.stringify(e))
        .join(' ');
    }

    it('shows in each App Home its own workspace’s case, none of the other’s', async () => {
      await aCaseInEach();
      for (const [user, , own, other] of EACH) {
        const home = JSON.stringify((await post('/api/home', { user })).body.view);
        expect(home).toContain(own);
        expect(home).not.toContain(other);
      }
    });

    it('calls the Web API with the token of the workspace whose channel or person it names', async () => {
      const { calls0 } = await aCaseInEach();
      for (const [user, channel] of EACH) {
        for (const text of ['list', 'report all']) await ephemeralsFrom(user, channel, text);
        await post('/api/home', { user });
      }
      const teamOf = new Map<string, string>();
      for (const ws of SANDBOX_WORKSPACES) {
        for (const c of ws.channels) teamOf.set(c.id, ws.team.id);
        for (const u of ws.users) {
          teamOf.set(u.id, ws.team.id);
          teamOf.set(`D${u.id.slice(1)}`, ws.team.id);
        }
      }
      const calls = sb.slackCalls().slice(calls0);
      expect(calls.length).toBeGreaterThan(0);
      const tokenTeams = new Set<string>();
      for (const c of calls) {
        const team = /^xoxb-(T[A-Z0-9]+)-\d+$/.exec(c.token ?? '')?.[1];
        expect(team, `${c.method} ${c.token}`).toBeDefined();
        tokenTeams.add(team as string);
        for (const key of ['channel', 'channel_id', 'user', 'user_id']) {
          const named = teamOf.get(String(c.args[key] ?? ''));
          if (named) expect(team, `${c.method} ${key}=${String(c.args[key])}`).toBe(named);
        }
      }
      expect(tokenTeams).toEqual(new Set([SANDBOX_TEAM.id, ORCHARD]));
    });

    it('keeps the installation across a restart, sealed with a key of its own beside its database', async () => {
      await aCaseInEach();
      await restart();
      expect(existsSync(`${sandboxConfig(dir).databasePath}.key`)).toBe(true);
      expect(
        (await post('/api/command', { user: ALEX, channel: ORCHARD_GENERAL, text: 'list' })).status,
      ).toBe(200);
    });

    it('forgets the installation on Reset: the second workspace is to be installed again', async () => {
      await aCaseInEach();
      await post('/api/reset', {});
      expect(
        (await post('/api/command', { user: ALEX, channel: ORCHARD_GENERAL, text: 'x' })).status,
      ).toBe(409);
    });

    it('keeps its key on Reset', async () => {
      await aCaseInEach();
      await post('/api/reset', {});
      expect(existsSync(`${sandboxConfig(dir).databasePath}.key`)).toBe(true);
    });

    describe('its key lost', () => {
      /** Both workspaces installed, a case in the first, then a restart without the sandbox's key. */
      async function keyLost() {
        await installed();
        await openAcme();
        await sb.close();
        rmSync(`${sandboxConfig(dir).databasePath}.key`);
        sb = await startSandbox(sandboxConfig(dir), () => {}, { standalone: false });
      }

      it('the sandbox installs its first workspace again, whose new token answers its case', async () => {
        await keyLost();
        expect(
          (await post('/api/command', { user: JOAN, channel: GENERAL, text: 'list' })).status,
        ).toBe(200);
        const s = await state();
        expect(s.ephemerals.map((e) => JSON.stringify(e)).join(' ')).toContain('Acme');
      });

      it('the second workspace waits for Add to Slack again', async () => {
        await keyLost();
        expect(
          (await post('/api/command', { user: ALEX, channel: ORCHARD_GENERAL, text: 'list' }))
            .status,
        ).toBe(409);
      });
    });

    // The first workspace's install at start-up is the one exchange of a code so far.
    const exchanges = () => sb.slackCalls().filter((c) => c.method === 'oauth.v2.access');

    it('the consent page answers only the sandbox app', async () => {
      const slack = new URL(sb.slackApiUrl);
      expect(exchanges()).toHaveLength(1);
      const bad = await get(`${slack.origin}/oauth/v2/authorize?client_id=9999.1&state=x`);
      expect(bad.status).toBe(400);
      expect(bad.body).toContain('Invalid client_id');
      expect(exchanges()).toHaveLength(1);
    });

    it('a forged redirect installs nothing, back on the page saying why', async () => {
      expect(exchanges()).toHaveLength(1);
      // A code and state the bot never issued (no cookie): refused, back on the page saying why.
      const install = await get(`${sb.url}/install`);
      const base = new URL(install.location).origin;
      const forged = await get(
        `${base}/slack/oauth_redirect?code=${ORCHARD}%3A${ALEX}&state=forged`,
      );
      expect(forged.status).toBe(303);
      expect(forged.location).toContain('/?install_error=');
      expect((await post('/api/home', { user: ALEX })).status).toBe(409);
      expect(exchanges()).toHaveLength(1);
    });
  });

  it('rejects a command from a user not in the sandbox', async () => {
    expect(
      (await post('/api/command', { user: 'U0NOBODY', channel: GENERAL, text: 'x' })).status,
    ).toBe(400);
  });

  it('rejects a command in a channel not in the sandbox', async () => {
    expect((await post('/api/command', { user: JOAN, channel: 'C0OTHER', text: 'x' })).status).toBe(
      400,
    );
  });
});

describe('nextWalkStop', () => {
  const zones = [...new Set(SANDBOX_USERS.map((u) => u.tz))];
  it.each([
    ['from 09:30 New York, the next hour', '2026-11-23T14:30:00Z', '2026-11-23T15:00:00.000Z'],
    ['on the hour, the hour after', '2026-11-23T15:00:00Z', '2026-11-23T16:00:00.000Z'],
    ['across the night, every hour', '2026-11-24T03:59:59Z', '2026-11-24T04:00:00.000Z'],
    // Europe/Rome leaves summer time on 2026-10-25 at 01:00Z; New York on 2026-11-01 at 06:00Z.
    ['Rome leaving summer time', '2026-10-25T00:30:00Z', '2026-10-25T01:00:00.000Z'],
    ['New York leaving summer time', '2026-11-01T05:10:00Z', '2026-11-01T06:00:00.000Z'],
  ])('%s', (_what, at, next) => {
    expect(new Date(nextWalkStop(Date.parse(at), zones)).toISOString()).toBe(next);
  });

  const at = Date.parse('2026-11-23T10:00:00Z');
  it('stops on the half hour too for a zone whose hours fall there', () => {
    expect(new Date(nextWalkStop(at, ['Asia/Kolkata', 'UTC'])).toISOString()).toBe(
      '2026-11-23T10:30:00.000Z',
    );
  });

  it("stops on the half hour too at a working day's :30 start", () => {
    expect(new Date(nextWalkStop(at, ['UTC'], [0, 30])).toISOString()).toBe(
      '2026-11-23T10:30:00.000Z',
    );
  });

  it('stops only on the hour where neither a zone nor a start falls on the half hour', () => {
    expect(new Date(nextWalkStop(at, ['UTC'])).toISOString()).toBe('2026-11-23T11:00:00.000Z');
  });
});

describe('sandboxStart', () => {
  const tz = 'America/New_York';
  it.each([
    ['a working morning stays as it is', '2026-11-23T14:30:00Z', '2026-11-23T14:30:00.000Z'],
    [
      'late afternoon moves to the next morning',
      '2026-11-23T21:00:00Z',
      '2026-11-24T14:30:00.000Z',
    ],
    ['Saturday moves to Monday', '2026-11-28T16:00:00Z', '2026-11-30T14:30:00.000Z'],
    ['before nine moves to the same morning', '2026-11-24T11:00:00Z', '2026-11-24T14:30:00.000Z'],
  ])('%s', (_what, now, expected) => {
    expect(sandboxStart(new Date(now), DEFAULT_WORKING_HOURS, tz).toISOString()).toBe(expected);
  });
});
