/**
 * Socket Mode end to end: the real app behind Bolt's SocketModeReceiver, with SLACK_API_URL pointing
 * at the fake Web API, which answers apps.connections.open with the address of a local Socket Mode
 * server (the `ws` package). The server speaks as Slack does: `hello` on every new socket, envelopes
 * (`slash_commands`, `interactive`) the app acks on the socket, and `disconnect` when it wants the
 * app to come back on a fresh socket. Every wait is on an event: a frame, a connection, a post.
 */
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import type { IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type WebSocket, WebSocketServer } from 'ws';
import { type Amends, composeAmends } from '../../src/compose.js';
import { ManualClock } from '../../src/domain/clock.js';
import { loggerFromLog } from '../../src/log.js';
import { type FakeSlack, type StoredMessage, startFakeSlack } from '../../src/sandbox/fakeSlack.js';
import { blockActionsPayload, slashCommandBody } from '../../src/sandbox/slackRequests.js';
import { ACTION } from '../../src/slack/ids.js';
import { testConfig } from '../helpers/config.js';
import { CHANNEL, MARIA, TEAM, USERS } from '../helpers/harness.js';
import { actionOn, isParent } from '../helpers/slack.js';

const APP_TOKEN = 'xapp-1-A0AMENDS01-1234567890-0123456789abcdef';

type Frame = Record<string, unknown>;

/** One socket the app opened, and the frames it sent back, by envelope id. */
class Conn {
  private readonly waiting = new Map<string, (f: Frame) => void>();
  readonly closed: Promise<unknown>;
  constructor(
    readonly ws: WebSocket,
    readonly url: string,
  ) {
    this.closed = once(ws, 'close');
    ws.on('message', (data) => {
      const f = JSON.parse(String(data)) as Frame;
      const id = f.envelope_id;
      if (typeof id === 'string') this.waiting.get(id)?.(f);
    });
  }

  /** Sends an envelope as Slack does and resolves with the app's ack for it. */
  envelope(type: 'slash_commands' | 'interactive', payload: Frame): Promise<Frame> {
    const id = randomUUID();
    const acked = new Promise<Frame>((resolve) => this.waiting.set(id, resolve));
    this.ws.send(
      JSON.stringify({
        envelope_id: id,
        payload,
        type,
        accepts_response_payload: type === 'slash_commands',
      }),
    );
    return acked.then((f) => {
      expect(f.envelope_id).toBe(id);
      return f;
    });
  }
}

let dir: string;
let fake: FakeSlack;
let wss: WebSocketServer;
let amends: Amends;
const conns: Conn[] = [];
const logs: { msg: string; extra?: Record<string, unknown> }[] = [];

/** The next socket the app opens (registered before whatever makes it connect). */
const nextConn = () => once(wss, 'connection').then(() => conns.at(-1) as Conn);

/** The next post the fake Web API stores that matches. */
const nextPost = (match: (m: StoredMessage) => boolean) =>
  new Promise<StoredMessage>((resolve) => {
    const on = (m: StoredMessage) => {
      if (!match(m)) return;
      fake.off('message', on);
      resolve(m);
    };
    fake.on('message', on);
  });

/** `/incident <text>` in Slack's shape (the fields of the HTTP form, as a JSON object). */
const incident = (text: string): Frame =>
  Object.fromEntries(
    new URLSearchParams(
      slashCommandBody({
        teamId: TEAM,
        userId: MARIA,
        channelId: CHANNEL,
        text,
        responseUrl: `${fake.responseUrlBase}cmd`,
      }),
    ),
  );

const openCount = async () => (await amends.caseRepo.listOpen(TEAM, CHANNEL, MARIA)).length;

/** Sends `/incident <client>: <summary>`; resolves with the ack, the parent and its first reply. */
async function openCase(conn: Conn, client: string, summary: string) {
  const parent = nextPost((m) => m.channel === CHANNEL && isParent(m) && m.text.includes(client));
  const ack = await conn.envelope('slash_commands', incident(`${client}: ${summary}`));
  const storedAtAck = await openCount();
  const p = await parent;
  const first = await nextPost((m) => m.thread_ts === p.ts);
  return { ack, storedAtAck, parent: p, first };
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'amends-socket-'));
  wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await once(wss, 'listening');
  wss.on('connection', (ws: WebSocket, req: IncomingMessage) => {
    conns.push(new Conn(ws, req.url ?? ''));
    ws.send(
      JSON.stringify({
        type: 'hello',
        num_connections: 1,
        debug_info: { host: 'applink-test', build_number: 10, approximate_connection_time: 18060 },
        connection_info: { app_id: 'AFAKEAPP01' },
      }),
    );
  });
  const { port } = wss.address() as AddressInfo;
  const clock = new ManualClock('2026-11-23T08:00:00Z');
  fake = await startFakeSlack({
    users: USERS,
    teamId: TEAM,
    now: () => clock.now(),
    socketModeUrl: `ws://127.0.0.1:${port}/link/`,
  });
  amends = await composeAmends({
    config: testConfig({
      mode: 'socket',
      appToken: APP_TOKEN,
      signingSecret: null,
      databasePath: join(dir, 'amends.db'),
      slackApiUrl: fake.url,
    }),
    clock,
    logger: loggerFromLog((msg, extra) => void logs.push(extra ? { msg, extra } : { msg })),
    botUserId: fake.botUserId,
    botId: fake.botId,
  });
  // Resolves once the server said hello on the socket apps.connections.open pointed to.
  expect(await amends.start()).toBeNull();
});

afterAll(async () => {
  await amends?.stop();
  for (const ws of wss?.clients ?? []) ws.terminate();
  await new Promise((r) => wss?.close(r));
  await fake?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('Socket Mode against a local Slack', () => {
  let opened: Awaited<ReturnType<typeof openCase>>;

  it('asks SLACK_API_URL for one socket, with the app token', () => {
    const calls = fake.callsTo('apps.connections.open');
    expect(calls).toHaveLength(1);
    expect(calls[0]?.token).toBe(APP_TOKEN);
  });

  it('connects to the URL it got', () => {
    expect(conns).toHaveLength(1);
    expect(conns[0]?.url).toBe('/link/?ticket=1&app_id=AFAKEAPP01');
  });

  it('acks /incident on the socket after storing the case, then posts it in the channel', async () => {
    opened = await openCase(conns[0] as Conn, 'Acme Corp', 'shipped the wrong pallets to Turin');
    expect(opened.ack).toEqual({ envelope_id: opened.ack.envelope_id, payload: {} });
    expect(opened.storedAtAck).toBe(1);
    const [c] = await amends.caseRepo.listOpen(TEAM, CHANNEL, MARIA);
    expect(c?.client).toBe('Acme Corp');
    expect(opened.parent.text).toContain('Acme Corp');
    expect(fake.callsTo('chat.postMessage')[0]?.token).toBe('xoxb-test-token');
  });

  describe('a click on the case’s button (an interactive envelope)', () => {
    let caseId: number;
    let ack: Frame;
    let redrawn: Promise<StoredMessage>;
    beforeAll(async () => {
      const { parent } = opened;
      const [c] = await amends.caseRepo.listOpen(TEAM, CHANNEL, MARIA);
      if (!c) throw new Error('no case');
      caseId = c.id;
      const onScreen = fake.findMessage(CHANNEL, parent.ts) ?? parent;
      redrawn = new Promise<StoredMessage>((resolve) => {
        const on = (m: StoredMessage) => {
          if (m.ts !== parent.ts) return;
          fake.off('update', on);
          resolve(m);
        };
        fake.on('update', on);
      });
      ack = await (conns[0] as Conn).envelope(
        'interactive',
        blockActionsPayload({
          teamId: TEAM,
          userId: MARIA,
          channelId: CHANNEL,
          messageTs: parent.ts,
          message: {
            type: 'message',
            ts: onScreen.ts,
            text: onScreen.text,
            user: onScreen.user,
            bot_id: onScreen.bot_id,
            app_id: 'AFAKEAPP01',
            team: TEAM,
            blocks: onScreen.blocks,
          },
          action: actionOn(onScreen, ACTION.done, { step: 'own_up' }),
          responseUrl: `${fake.responseUrlBase}action`,
        }),
      );
    });

    it('is acked on the socket', () => {
      expect(ack).toEqual({ envelope_id: ack.envelope_id, payload: {} });
    });

    it('is stored', async () => {
      const stored = await amends.caseRepo.get(TEAM, caseId);
      expect(stored?.steps.find((s) => s.key === 'own_up')?.status).toBe('done');
    });

    it('is redrawn', async () => {
      const shown = await redrawn;
      expect(JSON.stringify(shown.blocks)).not.toContain(`"${caseId}|own_up|`);
    });
  });

  describe('when Slack asks for a refresh', () => {
    let after: Conn;
    let again: Awaited<ReturnType<typeof openCase>>;
    beforeAll(async () => {
      const [before] = conns;
      if (!before) throw new Error('no socket');
      const reconnected = nextConn();
      before.ws.send(
        JSON.stringify({
          type: 'disconnect',
          reason: 'refresh_requested',
          debug_info: { host: 'applink-test' },
        }),
      );
      // The app closes the old socket, then (5 s later: Bolt's clientPingTimeout) asks for a new one.
      await before.closed;
      after = await reconnected;
      again = await openCase(after, 'Globex', 'invoice sent twice');
    });

    it('comes back on a new socket it asked SLACK_API_URL for', () => {
      expect(fake.callsTo('apps.connections.open')).toHaveLength(2);
      expect(after.url).toBe('/link/?ticket=2&app_id=AFAKEAPP01');
    });

    it('acks /incident on the new socket after storing the case', () => {
      expect(again.ack.payload).toEqual({});
      expect(again.storedAtAck).toBe(2);
    });

    it("answers on the new socket in the ack's payload what the person is told at once", async () => {
      const wrong = await after.envelope('slash_commands', incident('language klingon'));
      expect(wrong.payload).toEqual({
        response_type: 'ephemeral',
        text: expect.stringContaining('Amends does not speak that language yet'),
      });
    });
  });

  it('reconnects even when apps.connections.open fails once on the way back', async () => {
    const before = conns.at(-1) as Conn;
    const opens = fake.callsTo('apps.connections.open').length;
    fake.failNext('apps.connections.open', { status: 500 });
    const reconnected = nextConn();
    before.ws.send(JSON.stringify({ type: 'disconnect', reason: 'refresh_requested' }));
    const after = await reconnected;
    expect(fake.callsTo('apps.connections.open')).toHaveLength(opens + 2); // the 500, then a URL
    expect(after.url).toBe('/link/?ticket=3&app_id=AFAKEAPP01');
    const third = await openCase(after, 'Initech', 'lost the backup tapes');
    expect(third.ack.payload).toEqual({});
    expect(third.storedAtAck).toBe(3);
    const dumps = logs.filter((l) =>
      ['unexpected error', 'unhandled listener error'].includes(l.msg),
    );
    expect(dumps).toEqual([]);
  });
});
