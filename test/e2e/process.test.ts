/**
 * The real entry point (the bundle `npm start` runs, HTTP mode) as a process of its own, against a slow fake Slack:
 * killed with SIGKILL in the middle of bursts, and stopped with SIGTERM. Every command or click that
 * got its 200 must be stored; with SIGTERM it must also be shown in Slack, or left as a row the
 * next start sends.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postsByCase } from '../../bench/lib/common.js';
import { DEFAULT_PLAYBOOK } from '../../src/domain/playbook.js';
import { type FakeSlack, startFakeSlack } from '../../src/sandbox/fakeSlack.js';
import {
  blockActionsPayload,
  interactionBody,
  postSigned,
  slashCommandBody,
} from '../../src/sandbox/slackRequests.js';
import { ACTION } from '../../src/slack/ids.js';
import { openStore, type Store } from '../../src/store/index.js';
import { type Bot, startBotProcess } from '../helpers/botProcess.js';
import { type Bundle, buildBundle } from '../helpers/bundle.js';
import { nextMessageOr } from '../helpers/fakeWait.js';
import { MARIA, TEAM, USERS } from '../helpers/harness.js';
import { seedNote, useSeededRandom } from '../helpers/random.js';
import { everyCase } from '../helpers/stored.js';

const SECRET = 'process-test-signing-secret';
const CHANNEL = 'C0BURST01';
const dir = mkdtempSync(join(tmpdir(), 'amends-process-'));
const dbPath = join(dir, 'amends.db');
let fake: FakeSlack;
let bundle: Bundle;

beforeAll(async () => {
  bundle = buildBundle();
  // Slack answers in 150 ms, so a kill lands while posts are on their way.
  fake = await startFakeSlack({ users: USERS, teamId: TEAM, latencyMs: 150 });
});
afterAll(async () => {
  await reader?.close();
  await fake.close();
  bundle.remove();
  rmSync(dir, { recursive: true, force: true });
});

/** Starts the bundled main.js in HTTP mode on this test's database and fake Slack. */
function startBot(ready?: RegExp): Promise<Bot> {
  return startBotProcess({
    main: bundle.main,
    secret: SECRET,
    slackApiUrl: fake.url,
    dbPath,
    ...(ready ? { ready } : {}),
  });
}

type Sent = { kind: 'command'; client: string } | { kind: 'click'; caseId: number };
type Outcome = { sent: Sent; status: number | 'failed'; body: string };

function command(bot: Bot, client: string): Promise<Outcome> {
  const sent: Sent = { kind: 'command', client };
  const body = slashCommandBody({
    teamId: TEAM,
    userId: MARIA,
    channelId: CHANNEL,
    text: `${client}: shipped the wrong pallets`,
    responseUrl: `${fake.responseUrlBase}cmd`,
  });
  return postSigned(bot.url, SECRET, body).then(
    (r) => ({ sent, status: r.status, body: r.text }),
    () => ({ sent, status: 'failed' as const, body: '' }),
  );
}

function click(bot: Bot, caseId: number, messageTs: string): Promise<Outcome> {
  const sent: Sent = { kind: 'click', caseId };
  const body = interactionBody(
    blockActionsPayload({
      teamId: TEAM,
      userId: MARIA,
      channelId: CHANNEL,
      messageTs,
      action: { action_id: ACTION.done, value: `${caseId}|own_up|1` },
      responseUrl: `${fake.responseUrlBase}click`,
    }),
  );
  return postSigned(bot.url, SECRET, body).then(
    (r) => ({ sent, status: r.status, body: r.text }),
    () => ({ sent, status: 'failed' as const, body: '' }),
  );
}

/** The store on the bot's database, opened by the test (a connection of its own) once there is one. */
let reader: Store | undefined;

/** What the database holds, read through the store's ports on a connection of the test's own. */
async function stored() {
  reader ??= await openStore({ path: dbPath, playbook: DEFAULT_PLAYBOOK });
  const all = await everyCase(reader, TEAM);
  const cases = all.map((c) => ({ id: c.id, client: c.client, message_ts: c.messageTs }));
  const done = new Set(
    all
      .filter((c) => c.steps.some((s) => s.key === 'own_up' && s.status === 'done'))
      .map((c) => c.id),
  );
  return { cases, done };
}

/**
 * Resolves once every stored case `which` selects has its parent and its first reply in the fake
 * Slack (looked at as Slack stores messages, and every 200 ms for the database); names the cases
 * still missing when `ms` runs out.
 */
async function shownInSlack(which: (c: { client: string }) => boolean, ms: number): Promise<void> {
  const t0 = performance.now();
  for (;;) {
    const firsts = new Set(
      fake.messages
        .filter((m) => m.metadata?.event_type === 'amends_case_first_reply')
        .map((m) => Number(m.metadata?.event_payload.case_id)),
    );
    const missing = (await stored()).cases
      .filter(which)
      .filter((c) => !c.message_ts || !firsts.has(c.id))
      .map((c) => c.client);
    if (missing.length === 0) return;
    if (performance.now() - t0 > ms)
      throw new Error(`not shown in Slack within ${ms} ms: ${missing.join(', ')}`);
    await nextMessageOr(fake, 200);
  }
}

/** An acknowledged request: 200 with an empty body (a busy or error answer carries a text). */
const acked = (o: Outcome) => o.status === 200 && o.body === '';

type Stored = Awaited<ReturnType<typeof stored>>;

/** Every request that got its 200 is in the database. */
async function expectStored(outcomes: Outcome[]) {
  expectStoredIn(await stored(), outcomes);
}

/** Every request that got its 200 is in `what` the database held. */
function expectStoredIn({ cases, done }: Stored, outcomes: Outcome[]) {
  const clients = new Set(cases.map((c) => c.client));
  for (const o of outcomes.filter(acked)) {
    if (o.sent.kind === 'command') expect(clients, o.sent.client).toContain(o.sent.client);
    else expect(done, `click on case ${o.sent.caseId}`).toContain(o.sent.caseId);
  }
}

describe('the bot as a process', () => {
  describe('SIGKILL at random moments in bursts of commands and clicks, then a final start', () => {
    // Kill moments are drawn from a seeded sequence; a failure names the seed to replay it.
    const { random, seed } = useSeededRandom();
    /** Each round's answers, and what the database held once its process was dead. */
    const rounds: { results: Outcome[]; held: Stored }[] = [];
    const outcomes: Outcome[] = [];
    let final: { exit: number | null; lines: string[] };
    /** After the final start: the stored cases, which have their own-up done, and posts per case. */
    let end: Stored;
    const posts = new Map<number, number>();

    beforeAll(async () => {
      try {
        for (let round = 0; round < 4; round++) {
          const bot = await startBot();
          // Clicks on cases earlier rounds posted and nobody has completed yet.
          const { cases, done } = await stored();
          const clickable = cases.filter((c) => c.message_ts && !done.has(c.id)).slice(0, 8);
          const burst: Promise<Outcome>[] = [];
          for (let i = 0; i < 12; i++) burst.push(command(bot, `Round${round}-Client${i}`));
          for (const c of clickable) burst.push(click(bot, c.id, c.message_ts ?? ''));
          // The kill lands somewhere in the burst: before, during or after the commits and posts.
          const killAfter = 20 + Math.floor(random() * 400);
          const killer = new Promise<void>((resolve) =>
            setTimeout(() => {
              bot.proc.kill('SIGKILL');
              resolve();
            }, killAfter),
          );
          const results = await Promise.all(burst);
          await killer;
          await bot.exited;
          await fake.idle();
          outcomes.push(...results);
          rounds.push({ results, held: await stored() });
        }
        // A final start posts every stored case that never reached Slack (it says so when done).
        const bot = await startBot(/cases stored but not shown by a previous run/);
        bot.proc.kill('SIGTERM');
        final = { exit: await bot.exited, lines: bot.lines };
        end = await stored();
        for (const m of fake.messages) {
          if (m.metadata?.event_type !== 'amends_case') continue;
          const id = Number(m.metadata.event_payload.case_id);
          posts.set(id, (posts.get(id) ?? 0) + 1);
        }
      } catch (e) {
        if (e instanceof Error) e.message = `${e.message}\n${seedNote(seed)}`;
        throw e;
      }
    }, 120_000);

    it('every request answered 200 is stored', () => {
      expect(rounds).toHaveLength(4);
      for (const { results, held } of rounds) expectStoredIn(held, results);
    });

    it('the rounds answer some requests before the kill (else they prove nothing)', () => {
      expect(outcomes.filter(acked).length).toBeGreaterThan(0);
    });

    it('the final start, stopped with SIGTERM, exits 0', () => {
      expect(final.exit, final.lines.join('\n')).toBe(0);
    });

    it('the final start posts every stored case that never reached Slack', () => {
      expect(end.cases.filter((c) => !c.message_ts).map((c) => c.client)).toEqual([]);
    });

    it('each stored case is posted exactly once, even one a run killed before it could link it', () => {
      expect([...posts].filter(([, n]) => n > 1)).toEqual([]);
      expect(posts.size).toBe(end.cases.length);
    });

    it('every acknowledged click shows in Slack: the parent drawn with its own-up done', () => {
      // A run killed between the commit and chat.update is redrawn.
      for (const o of outcomes.filter((x) => acked(x) && x.sent.kind === 'click')) {
        const id = o.sent.kind === 'click' ? o.sent.caseId : 0;
        const c = end.cases.find((x) => x.id === id);
        const parent = fake.messages.find((m) => m.ts === c?.message_ts);
        expect(end.done).toContain(id);
        expect(JSON.stringify(parent?.blocks), `case ${id}`).not.toContain(`"${id}|own_up|1"`);
      }
    });
  });

  describe('SIGTERM in the middle of a burst', () => {
    /** The burst's answers, those acked (taken), and the answer to a request during the drain. */
    let first: Outcome[];
    let taken: Outcome[];
    let late: Outcome;
    let exit: number | null;
    let lines: string[];

    beforeAll(async () => {
      const bot = await startBot();
      const release = fake.hold(); // Slack hangs: the burst is stuck after its commits
      const burst: Promise<Outcome>[] = [];
      for (let i = 0; i < 20; i++) burst.push(command(bot, `Term-Client${i}`));
      first = await Promise.all(burst); // all acked: stored, their posts hanging
      taken = first.filter(acked);
      bot.proc.kill('SIGTERM');
      // The drain has begun once it says so; a request now is refused.
      await new Promise<void>((resolve) => {
        const check = (chunk: Buffer) => {
          if (!chunk.toString('utf8').includes('shutting down')) return;
          bot.proc.stdout?.off('data', check);
          resolve();
        };
        bot.proc.stdout?.on('data', check);
        if (bot.lines.some((l) => l.includes('shutting down'))) resolve();
      });
      late = await command(bot, 'Too-Late');
      release();
      exit = await bot.exited;
      lines = bot.lines;
      await fake.idle();
    }, 60_000);

    it('takes the burst: each request acked, or refused as busy on a very busy machine', () => {
      expect(taken.length).toBeGreaterThan(0);
      expect(first.every((o) => acked(o) || (o.status === 200 && o.body.includes('busy')))).toBe(
        true,
      );
    });

    it('refuses a new request once the drain has begun', () => {
      expect(late.status === 503 || late.status === 'failed').toBe(true);
    });

    it('exits 0', () => {
      expect(exit).toBe(0);
    });

    it('reports its drain: the requests in progress, none abandoned', () => {
      const drained = lines.find((l) => l.includes('"drained"'));
      expect(drained, lines.join('\n')).toBeDefined();
      const report = JSON.parse(drained ?? '{}') as {
        requestsInProgress: number;
        abandoned: number;
      };
      // The commands taken, and the start-up's own background work if it was still waiting on Slack.
      expect(report.requestsInProgress).toBeGreaterThanOrEqual(taken.length);
      expect(report.abandoned).toBe(0);
    });

    it('every acknowledged command is stored', async () => {
      await expectStored(first);
    });

    it('every acknowledged command is shown in Slack, or left to the next start', async () => {
      const { cases } = await stored();
      const shown = new Set(fake.messages.map((m) => m.ts));
      for (const o of taken) {
        const c = cases.find((x) => o.sent.kind === 'command' && x.client === o.sent.client);
        expect(c).toBeDefined();
        if (c?.message_ts) expect(shown).toContain(c.message_ts);
      }
    });

    it('the refused request is not stored', async () => {
      expect((await stored()).cases.some((c) => c.client === 'Too-Late')).toBe(false);
    });
  });

  describe('two processes on one database, one killed mid-burst, then a restart', () => {
    let results: Outcome[];
    /** Why what A left was not all shown in Slack within 30 s, if it was not. */
    let notShown: unknown;
    const exits: { exit: number | null; lines: string[] }[] = [];
    /** The stored cases of this burst. */
    let mine: Stored['cases'];

    beforeAll(async () => {
      const a = await startBot();
      const outcomes: Promise<Outcome>[] = [];
      let n = 0;
      // Commands keep coming to A while B starts: B's start-up sweep meets cases A is posting.
      let sending = true;
      const toA = (async () => {
        while (sending) {
          outcomes.push(command(a, `Two-A${n++}`));
          await new Promise((r) => setTimeout(r, 15));
        }
      })();
      const b = await startBot();
      for (let i = 0; i < 10; i++) outcomes.push(command(b, `Two-B${i}`));
      a.proc.kill('SIGKILL'); // in the middle of A's burst
      sending = false;
      await toA;
      results = await Promise.all(outcomes);
      await a.exited;
      // A restart on the same database while B still runs: it takes over what A left at once.
      console.log('A killed; starting C');
      const c = await startBot(/cases stored but not shown by a previous run/);
      console.log('C ready');
      // B (seeing A stop beating) or C (its start-up) shows what A left; a SIGTERM before that
      // would leave it, rightly, to the next start.
      await shownInSlack((x) => x.client.startsWith('Two-'), 30_000).catch((e: unknown) => {
        notShown = e;
      });
      for (const bot of [b, c]) bot.proc.kill('SIGTERM');
      for (const bot of [b, c]) exits.push({ exit: await bot.exited, lines: bot.lines });
      await fake.idle();
      mine = (await stored()).cases.filter((x) => x.client.startsWith('Two-'));
    }, 60_000);

    it('what the killed process left is shown in Slack within 30 s', () => {
      if (notShown) throw notShown;
    });

    it('the other two processes exit 0 on SIGTERM', () => {
      for (const { exit, lines } of exits) expect(exit, lines.join('\n')).toBe(0);
    });

    it('every request answered 200 is stored', async () => {
      await expectStored(results);
    });

    it('the cases of both processes are stored (more than the ten sent to B)', () => {
      expect(mine.length).toBeGreaterThan(10);
    });

    /** [client, how many posts of `type` its case has] for each case of this burst. */
    const count = (type: string) => {
      const by = postsByCase(fake, type);
      return mine.map((x) => [x.client, by.get(x.id) ?? 0] as const);
    };

    it('every case has exactly one parent', () => {
      expect(count('amends_case').filter(([, k]) => k !== 1)).toEqual([]);
    });

    it('every case has exactly one first reply', () => {
      expect(count('amends_case_first_reply').filter(([, k]) => k !== 1)).toEqual([]);
    });

    it('every case is linked to its parent', () => {
      expect(mine.filter((x) => !x.message_ts)).toEqual([]);
    });
  });
});
