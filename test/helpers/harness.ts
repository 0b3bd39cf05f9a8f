import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Amends, composeAmends } from '../../src/compose.js';
import { ManualClock } from '../../src/domain/clock.js';
import type { Playbook } from '../../src/domain/playbook.js';
import { loggerFromLog } from '../../src/log.js';
import { type FakeSlack, type FakeUser, startFakeSlack } from '../../src/sandbox/fakeSlack.js';
import { postSigned, slashCommandBody } from '../../src/sandbox/slackRequests.js';
import type { Pacer } from '../../src/services/reminders.js';
import { testConfig } from './config.js';
import { freshPgDatabase } from './postgres.js';

/** The engine the harness runs on when a test does not say: AMENDS_TEST_ENGINE, else SQLite. */
export function testEngine(): 'sqlite' | 'postgres' {
  return process.env.AMENDS_TEST_ENGINE === 'postgres' ? 'postgres' : 'sqlite';
}

export const SECRET = 'test-signing-secret-0123456789abcdef';
export const TEAM = 'T0AMENDS1';
export const CHANNEL = 'C0GENERAL';
export const USERS: FakeUser[] = [
  {
    id: 'U0MARIA01',
    name: 'maria',
    realName: 'Maria Rossi',
    tz: 'Europe/Rome',
    locale: 'en-US',
    admin: true,
  },
  {
    id: 'U0NIKOS01',
    name: 'nikos',
    realName: 'Nikos Pappas',
    tz: 'Europe/Athens',
    locale: 'el-GR',
  },
  {
    id: 'U0JOAN001',
    name: 'joan',
    realName: 'Joan Smith',
    tz: 'America/New_York',
    locale: 'en-US',
    admin: true,
  },
];
/** First-time users whose Slack locale is Italian and Catalan (Slack offers no Catalan UI; some set it anyway). */
USERS.push(
  {
    id: 'U0GIULIA1',
    name: 'giulia',
    realName: 'Giulia Bianchi',
    tz: 'Europe/Rome',
    locale: 'it-IT',
  },
  { id: 'U0JORDI01', name: 'jordi', realName: 'Jordi Puig', tz: 'Europe/Madrid', locale: 'ca-ES' },
);
export const MARIA = 'U0MARIA01';

/** A pacer that never sleeps for real: it moves its own time forward and records every wait. */
/** The app's client id in OAuth mode (the harness's `oauth` option). */
export const OAUTH_CLIENT_ID = '1111.2222';

export class FakePacer implements Pacer {
  t = 0;
  sleeps: number[] = [];
  now(): number {
    return this.t;
  }
  async sleep(ms: number): Promise<void> {
    this.sleeps.push(ms);
    this.t += ms;
  }
}

/** A line the app logged: message, details (bound fields and `err` included) and level name. */
export interface LoggedLine {
  readonly msg: string;
  readonly extra?: Record<string, unknown>;
  readonly level?: string;
}

export interface Harness {
  readonly amends: Amends;
  readonly fake: FakeSlack;
  readonly clock: ManualClock;
  readonly pacer: FakePacer;
  readonly url: string;
  readonly dir: string;
  /** The signing secret the receiver verifies requests with. */
  readonly secret: string;
  /** Everything the app logged (message, details, level), oldest first. */
  readonly logs: LoggedLine[];
  command(
    text: string,
    o?: {
      user?: string;
      team?: string;
      channel?: string;
      triggerId?: string;
      headers?: Record<string, string>;
    },
  ): Promise<{ status: number; text: string }>;
  close(): Promise<void>;
}

/**
 * Reads what the bot did. The harness answers a request only once its work is finished (Slack calls
 * included), so this never waits for the bot: it returns the value, or fails naming what is missing.
 * A read of the store is async: given an async `fn`, it returns a Promise (await it); it still only
 * reads once, it does not poll.
 */
export function present<T>(
  fn: () => Promise<T | undefined | null | false>,
  what?: string,
): Promise<T>;
export function present<T>(fn: () => T | undefined | null | false, what?: string): T;
export function present<T>(
  fn: () => T | undefined | null | false | Promise<T | undefined | null | false>,
  what = 'condition',
): T | Promise<T> {
  const check = (v: T | undefined | null | false): T => {
    if (!v) throw new Error(`expected ${what}, but the bot's work was finished without it`);
    return v;
  };
  const v = fn();
  return v instanceof Promise ? v.then(check) : check(v);
}

export async function startHarness(
  o: {
    now?: string;
    playbook?: Playbook;
    dir?: string;
    signingSecret?: string;
    /** Answer at the ack, as production does (default: answer once the work is finished). */
    ackFirst?: boolean;
    /** Requests worked on at once before the next is refused (default: production's). */
    maxInFlight?: number;
    /** A request expected to be acknowledged later than this after it arrived is refused (ms). */
    boundMs?: number;
    /** The fake Web API's answer time per call (default: at once). */
    latencyMs?: number | (() => number);
    /** How long the bot waits for a Web API call (default: production's 10 s). */
    slackTimeoutMs?: number;
    /** RECOVERY_CHANNEL. */
    recoveryChannel?: string;
    /** HOLIDAYS: whose public holidays are not working time ("IT", "US-NY"). */
    holidays?: string;
    /** The engine (default: AMENDS_TEST_ENGINE, else SQLite). */
    engine?: 'sqlite' | 'postgres';
    /** Installs in many workspaces (OAuth): no bot token; each workspace installs first. */
    oauth?: boolean;
    /** LOG_LEVEL: the least severe level the app's logger writes (default info). */
    logLevel?: 'debug' | 'info' | 'warn' | 'error';
  } = {},
): Promise<Harness> {
  const secret = o.signingSecret ?? SECRET;
  const logs: LoggedLine[] = [];
  const clock = new ManualClock(o.now ?? '2026-11-23T08:00:00Z');
  const fake = await startFakeSlack({
    users: USERS,
    teamId: TEAM,
    now: () => clock.now(),
    ...(o.latencyMs !== undefined ? { latencyMs: o.latencyMs } : {}),
  });
  const dir = o.dir ?? mkdtempSync(join(tmpdir(), 'amends-test-'));
  // AMENDS_TEST_ENGINE=postgres (set by .ci/run for a second pass of the listener and service
  // suites): the harness's bot runs on a fresh PostgreSQL database of its own instead of SQLite.
  const pgDb =
    o.engine === 'postgres' || (!o.engine && testEngine() === 'postgres')
      ? await freshPgDatabase()
      : null;
  const config = testConfig({
    ...(pgDb ? { databaseUrl: pgDb.url } : {}),
    databasePath: join(dir, 'amends.db'),
    slackApiUrl: fake.url,
    signingSecret: secret,
    ...(o.playbook ? { playbook: o.playbook } : {}),
    ...(o.recoveryChannel ? { recoveryChannel: o.recoveryChannel } : {}),
    ...(o.holidays ? { holidays: o.holidays } : {}),
    ...(o.oauth
      ? {
          botToken: null,
          oauth: {
            clientId: OAUTH_CLIENT_ID,
            clientSecret: 'test-client-secret',
            stateSecret: 'test-state-secret-0123456789',
            keys: [randomBytes(32)],
          },
        }
      : {}),
  });
  const pacer = new FakePacer();
  const amends = await composeAmends({
    config,
    clock,
    logger: loggerFromLog(
      (msg, extra, level) => void logs.push({ msg, ...(extra ? { extra } : {}), level }),
      o.logLevel ?? 'info',
    ),
    // Slack is answered once the listener's work, Slack calls included, is finished: a test reads
    // the outcome right after the response, and an absence check means something.
    processBeforeResponse: !o.ackFirst,
    ...(o.maxInFlight !== undefined ? { maxInFlight: o.maxInFlight } : {}),
    ...(o.boundMs !== undefined ? { boundMs: o.boundMs } : {}),
    ...(o.slackTimeoutMs !== undefined ? { slackTimeoutMs: o.slackTimeoutMs } : {}),
    pacer,
    host: '127.0.0.1',
    botUserId: fake.botUserId,
    botId: fake.botId,
  });
  const port = await amends.start();
  const url = `http://127.0.0.1:${port}/slack/events`;
  const responseUrl = `${fake.responseUrlBase}cmd`;
  return {
    amends,
    fake,
    clock,
    pacer,
    url,
    dir,
    secret,
    logs,
    command: (text, c = {}) =>
      postSigned(
        url,
        secret,
        slashCommandBody({
          teamId: c.team ?? TEAM,
          userId: c.user ?? MARIA,
          channelId: c.channel ?? CHANNEL,
          text,
          responseUrl,
          ...(c.triggerId ? { triggerId: c.triggerId } : {}),
        }),
        'application/x-www-form-urlencoded',
        c.headers,
      ),
    async close() {
      await amends.stop();
      await fake.close();
      await pgDb?.drop();
      if (!o.dir) rmSync(dir, { recursive: true, force: true });
    },
  };
}
