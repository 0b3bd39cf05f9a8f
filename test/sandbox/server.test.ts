import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_WORKING_HOURS } from '../../src/domain/workingTime.js';
import type { StoredMessage } from '../../src/sandbox/fakeSlack.js';
import { type Sandbox, sandboxStart, startSandbox } from '../../src/sandbox/server.js';
import { MONDAY_MORNING, sandboxConfig } from '../helpers/sandboxConfig.js';

const JOAN = 'U0JOAN0001';

const GENERAL = 'C0SANDBOX1';

interface State {
  now: string;
  messages: StoredMessage[];
  ephemerals: { user: string; channel: string; text: string }[];
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
    const events = new AbortController();
    const stream = await fetch(`${sb.url}/events`, { signal: events.signal });
    expect(stream.headers.get('content-type')).toContain('text/event-stream');
    const reader = stream.body?.getReader();
    let seen = '';
    const waiting: { text: string; resolve: () => void }[] = [];
    // Resolves when the stream has carried `text` (the page's own way of learning of it).
    const streamed = (text: string) =>
      seen.includes(text)
        ? Promise.resolve()
        : new Promise<void>((resolve) => waiting.push({ text, resolve }));
    const pump = (async () => {
      const dec = new TextDecoder();
      for (;;) {
        const chunk = await reader?.read().catch(() => undefined);
        if (!chunk || chunk.done) return;
        seen += dec.decode(chunk.value);
        for (const w of waiting.filter((x) => seen.includes(x.text))) w.resolve();
      }
    })();
    await streamed('event: snapshot');

    const r = await post('/api/command', {
      user: JOAN,
      channel: GENERAL,
      text: 'Acme: late delivery',
    });
    expect(r).toEqual({ status: 200, body: { ok: true } });
    await streamed('Recovery case for Acme');
    events.abort();
    await pump;

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

  it('advances the clock, runs the reminder tick, and Reset starts over on a fresh database', async () => {
    await post('/api/command', { user: JOAN, channel: GENERAL, text: 'Acme: late delivery' });
    // The page's request returns once the bot's work is done: parent and first reply are there.
    expect((await state()).messages).toHaveLength(2);
    const r = await post('/api/clock', { advance: 'day' });
    expect(r.status).toBe(200);
    expect(Date.parse(String(r.body.now)) - MONDAY_MORNING.getTime()).toBeGreaterThanOrEqual(
      86_400_000,
    );
    expect(r.body.sent).toBeGreaterThan(0);
    expect((await post('/api/clock', { advance: 'year' })).status).toBe(400);

    const dbPath = sandboxConfig(dir).databasePath;
    expect(existsSync(dbPath)).toBe(true);
    expect((await post('/api/reset', {})).status).toBe(200);
    const after = await state();
    expect(after.messages).toEqual([]);
    expect(after.now.slice(0, 16)).toBe(MONDAY_MORNING.toISOString().slice(0, 16));
    // The new bot works on the new database.
    await post('/api/command', { user: JOAN, channel: GENERAL, text: 'Beta: wrong invoice' });
    expect((await state()).messages.some((m) => m.text.includes('Beta'))).toBe(true);
  });

  it('keeps its channel and its sandbox time across a restart, beside its own database', async () => {
    await post('/api/command', { user: JOAN, channel: GENERAL, text: 'Acme: late delivery' });
    // The page's request returns once the bot's work is done: parent and first reply are there.
    expect((await state()).messages).toHaveLength(2);
    await post('/api/clock', { advance: 'week' });
    const before = await state();
    await sb.close();
    expect(existsSync(`${sandboxConfig(dir).databasePath}.slack.json`)).toBe(true);

    sb = await startSandbox(sandboxConfig(dir), () => {}, { standalone: false });
    const after = await state();
    expect(after.messages.map((m) => m.ts)).toEqual(before.messages.map((m) => m.ts));
    expect(Date.parse(after.now)).toBeGreaterThanOrEqual(Date.parse(before.now));
    expect(Date.parse(after.now) - Date.parse(before.now)).toBeLessThan(60_000);
  });

  it('rejects unknown users and channels', async () => {
    expect(
      (await post('/api/command', { user: 'U0NOBODY', channel: GENERAL, text: 'x' })).status,
    ).toBe(400);
    expect((await post('/api/command', { user: JOAN, channel: 'C0OTHER', text: 'x' })).status).toBe(
      400,
    );
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
