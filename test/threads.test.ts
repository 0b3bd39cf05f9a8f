import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { type FakeSlack, startFakeSlack } from '../src/sandbox/fakeSlack.js';
import { interactionBody, postSigned, slashCommandBody } from '../src/sandbox/slackRequests.js';
import { VIEW } from '../src/slack/ids.js';
import { openDatabase } from '../src/store/db.js';
import { type Running, startThreaded } from '../src/threads.js';
import { testConfig } from './helpers/config.js';
import { CHANNEL, MARIA, TEAM, USERS, until } from './helpers/harness.js';
import { input, submitPayload } from './helpers/slack.js';

const SECRET = 'threads-test-secret-0123456789';

/**
 * Production's HTTP wiring (src/main.ts): the front in this thread, the app on a thread of its own
 * with the system clock, against the fake Web API. The rest of the suite runs both in one thread.
 */
describe('front and app thread', () => {
  let fake: FakeSlack;
  let fakeUp = false;
  let running: Running | null = null;
  let dir = '';
  const exits: number[] = [];

  const start = async () => {
    if (!fakeUp) fake = await startFakeSlack({ users: USERS, teamId: TEAM });
    fakeUp = true;
    dir ||= mkdtempSync(join(tmpdir(), 'amends-threads-'));
    running = await startThreaded({
      config: testConfig({
        databasePath: join(dir, 'amends.db'),
        slackApiUrl: fake.url,
        signingSecret: SECRET,
        port: 0,
      }),
      log: () => {},
      host: '127.0.0.1',
      onAppExit: (code) => exits.push(code),
    });
    return `http://127.0.0.1:${running.port}`;
  };
  const command = (url: string, text: string) =>
    postSigned(
      `${url}/slack/events`,
      SECRET,
      slashCommandBody({
        teamId: TEAM,
        userId: MARIA,
        channelId: CHANNEL,
        text,
        responseUrl: `${fake.responseUrlBase}cmd`,
      }),
    );

  afterEach(async () => {
    await running?.stop();
    running = null;
    if (fakeUp) await fake.close();
    fakeUp = false;
    if (dir) rmSync(dir, { recursive: true, force: true });
    dir = '';
  });

  it('acks a command at once; the app thread stores the case and posts it', async () => {
    const url = await start();
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
    const r = await command(url, 'Acme Corp: shipped the wrong pallets');
    expect(r).toEqual({ status: 200, text: '' });
    const parent = await until(
      () => fake.callsTo('chat.postMessage').find((c) => !c.args.thread_ts),
      'parent message',
    );
    expect(String(parent.args.text)).toContain('Acme Corp');
    // Linux: the app thread runs below the front's priority; this (the front's) thread is untouched.
    if (existsSync('/proc/self/task')) {
      const nice = (task: string) => {
        const stat = readFileSync(`/proc/self/task/${task}/stat`, 'utf8');
        return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16]);
      };
      const tasks = readdirSync('/proc/self/task');
      expect(nice(String(process.pid))).toBe(0);
      expect(tasks.map(nice)).toContain(10);
    }
    await until(() => fake.callsTo('chat.postMessage').some((c) => c.args.thread_ts), 'reply');
    // A forged request is refused by the front and never reaches the app.
    const forged = await postSigned(`${url}/slack/events`, 'wrong-secret', 'command=%2Fincident');
    expect(forged.status).toBe(401);
    await running?.stop();
    running = null;
    expect(exits).toEqual([]);
    // Stopped cleanly: the database holds the case and its message.
    const db = openDatabase(join(dir, 'amends.db'));
    const rows = db.prepare('SELECT client, message_ts FROM cases').all();
    db.close();
    expect(rows).toEqual([{ client: 'Acme Corp', message_ts: expect.any(String) }]);
  });

  it('a modal submission waits for the app thread’s answer (validation errors)', async () => {
    const url = await start();
    await command(url, '');
    const view = await until(
      () => [...fake.views.values()].find((v) => v.callback_id === VIEW.open),
      'open-case modal',
    );
    const payload = submitPayload(view, {
      ...input.text('client', ''),
      ...input.text('summary', 'Shipped the wrong pallets'),
      ...input.select('severity', 'major'),
      ...input.user('owner', MARIA),
    });
    const r = await postSigned(`${url}/slack/events`, SECRET, interactionBody(payload));
    expect(r.status).toBe(200);
    expect(JSON.parse(r.text)).toMatchObject({ response_action: 'errors' });
  });
});
