/**
 * Restart recovery: the bot (dist/app/main.js, as `npm start` runs it) takes N `/incident` commands
 * while Slack hangs, so each is stored and acknowledged with its posts on their way; it is killed with
 * SIGKILL; Slack then takes the calls it had received (posts the dead process never heard back
 * about). A new process starts on the same database: the figure is the time from its start to every
 * case having its parent and first reply in Slack, and how many posts it took to get there (each
 * case exactly once is the target). On SQLite (a new file) or, given `databaseUrl` (an empty
 * database), on PostgreSQL: the same measurement, the bot's DATABASE_URL pointing there.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import pg from 'pg';
import { type FakeSlack, startFakeSlack } from '../src/sandbox/fakeSlack.js';
import { postSigned, slashCommandBody } from '../src/sandbox/slackRequests.js';
import { channelId, postsByCase, SECRET, TEAM, userId, users } from './lib/common.js';
import { freePort } from './lib/procs.js';

export interface RestartFigure {
  /** Commands acknowledged before the kill (stored). */
  readonly stored: number;
  /** Cases the dead process left without their parent or first reply in Slack. */
  readonly pending: number;
  /** From spawning the new process to its HTTP server listening. */
  readonly readyMs: number;
  /** From spawning the new process to every case shown (parent and first reply). */
  readonly recoveredMs: number;
  /** Cases posted more than once (parent or first reply): the target is none. */
  readonly twice: number;
}

const MAIN = fileURLToPath(new URL('../app/main.js', import.meta.url));

interface Proc {
  readonly kill: (s: NodeJS.Signals) => void;
  readonly exited: Promise<void>;
  readonly url: string;
}

/** Where the bot keeps its cases: a SQLite file, or a PostgreSQL database. */
type Where = { readonly path: string } | { readonly url: string };

async function startBot(where: Where, fake: FakeSlack): Promise<Proc> {
  const port = await freePort();
  const child = spawn(process.execPath, [MAIN], {
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '',
      SLACK_BOT_TOKEN: 'xoxb-bench-restart',
      SLACK_SIGNING_SECRET: SECRET,
      SLACK_API_URL: fake.url,
      PORT: String(port),
      ...('url' in where ? { DATABASE_URL: where.url } : { DATABASE_PATH: where.path }),
      LOG_LEVEL: 'warn',
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = `http://127.0.0.1:${port}`;
  // Ready once /healthz answers (checked every 10 ms: the bench, not the bot, is polling).
  for (;;) {
    const ok = await fetch(`${url}/healthz`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) break;
    await new Promise((r) => setTimeout(r, 10));
  }
  return { kill: (s) => child.kill(s), exited, url: `${url}/slack/events` };
}

/** The cases in the database (no new one is opened after the kill). */
async function caseIds(where: Where): Promise<number[]> {
  if ('url' in where) {
    const c = new pg.Client({ connectionString: where.url });
    await c.connect();
    try {
      return (await c.query<{ id: string }>('SELECT id FROM cases')).rows.map((r) => Number(r.id));
    } finally {
      await c.end();
    }
  }
  const db = new Database(where.path, { readonly: true });
  try {
    return (db.prepare('SELECT id FROM cases').pluck().all() as number[]).map(Number);
  } finally {
    db.close();
  }
}

/** Which of the cases `ids` Slack shows with their parent and first reply. */
function shown(ids: readonly number[], fake: FakeSlack) {
  const parents = postsByCase(fake, 'amends_case');
  const firsts = postsByCase(fake, 'amends_case_first_reply');
  return {
    ids,
    missing: ids.filter((id) => !parents.get(id) || !firsts.get(id)).length,
    twice: ids.filter((id) => (parents.get(id) ?? 0) > 1 || (firsts.get(id) ?? 0) > 1).length,
  };
}

export async function restartRecovery(o: {
  commands: number;
  /** An empty PostgreSQL database to run on instead of a new SQLite file. */
  databaseUrl?: string;
}): Promise<RestartFigure> {
  const dir = mkdtempSync(join(tmpdir(), 'amends-bench-restart-'));
  const where: Where = o.databaseUrl ? { url: o.databaseUrl } : { path: join(dir, 'amends.db') };
  const fake = await startFakeSlack({ users: users(20), teamId: TEAM, latencyMs: 50 });
  try {
    const a = await startBot(where, fake);
    const release = fake.hold();
    const answers = await Promise.all(
      Array.from({ length: o.commands }, (_, i) =>
        postSigned(
          a.url,
          SECRET,
          slashCommandBody({
            teamId: TEAM,
            userId: userId(i % 20),
            channelId: channelId(i % 10),
            text: `Client ${i}: shipped the wrong pallets`,
            responseUrl: `${fake.responseUrlBase}restart`,
          }),
        ).then(
          (r) => r.status === 200 && r.text === '',
          () => false,
        ),
      ),
    );
    a.kill('SIGKILL');
    await a.exited;
    release();
    await fake.idle();
    const ids = await caseIds(where);
    const before = shown(ids, fake);

    const t0 = performance.now();
    const b = await startBot(where, fake);
    const readyMs = performance.now() - t0;
    const recoveredMs = await new Promise<number>((resolve) => {
      const check = () => {
        if (shown(ids, fake).missing > 0) return;
        fake.off('message', check);
        resolve(performance.now() - t0);
      };
      fake.on('message', check);
      check();
    });
    b.kill('SIGTERM');
    await b.exited;
    await fake.idle();
    return {
      stored: answers.filter(Boolean).length,
      pending: before.missing,
      readyMs,
      recoveredMs,
      twice: shown(ids, fake).twice,
    };
  } finally {
    await fake.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
