/**
 * Three real bot processes (the bundle `npm start` runs) on one PostgreSQL database, started
 * together, behind no load balancer but a test that spreads requests across them. A burst of
 * commands and clicks goes to all three while reminders fall due and Slack hangs; one replica is
 * SIGKILLed with work in its hands. Then: every acknowledged request is stored; every case has
 * exactly one parent and one first reply; every reminder is posted at most once (exactly once when
 * it is recorded as sent), in order per case, counted at the fake Slack by its metadata key; and the
 * dead replica's claims are settled by the others within one claim lease plus one tick.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { DEFAULT_PLAYBOOK } from '../../src/domain/playbook.js';
import type { RecoveryCase } from '../../src/domain/recoveryCase.js';
import { type FakeSlack, startFakeSlack } from '../../src/sandbox/fakeSlack.js';
import { eventEnvelope } from '../../src/sandbox/server.js';
import {
  blockActionsPayload,
  interactionBody,
  postSigned,
  slashCommandBody,
} from '../../src/sandbox/slackRequests.js';
import { ACTION } from '../../src/slack/ids.js';
import { openStore, type Store } from '../../src/store/index.js';
import type { ReminderRepo } from '../../src/store/reminderRepo.js';
import { type Bot, startBotProcess } from '../helpers/botProcess.js';
import { type Bundle, buildBundle } from '../helpers/bundle.js';
import { nextMessageOr } from '../helpers/fakeWait.js';
import { MARIA, TEAM, USERS } from '../helpers/harness.js';
import { describePostgres, freshPgDatabase, type PgDatabase } from '../helpers/postgres.js';

const SECRET = 'replicas-test-signing-secret';
const CHANNEL = 'C0REPLICAS';
/** A claim's lease (ReminderService) and the tick of REMINDER_CRON below. */
const CLAIM_LEASE_MS = 90_000;
const TICK_MS = 1000;

let fake: FakeSlack;
let bundle: Bundle;
let pgDb: PgDatabase;
let store: Store;
const bots: Bot[] = [];

describePostgres('three replicas on one PostgreSQL', () => {
  beforeAll(async () => {
    bundle = buildBundle();
    fake = await startFakeSlack({ users: USERS, teamId: TEAM, latencyMs: 40 });
    pgDb = await freshPgDatabase();
  });
  afterAll(async () => {
    for (const b of bots) if (b.proc.exitCode === null && !b.proc.killed) b.proc.kill('SIGKILL');
    await Promise.all(bots.map((b) => b.exited));
    await store?.close();
    await fake?.close();
    await pgDb?.drop();
    bundle?.remove();
  });

  const startBot = (): Promise<Bot> =>
    startBotProcess({
      main: bundle.main,
      secret: SECRET,
      slackApiUrl: fake.url,
      dbPath: '/nonexistent/unused.db',
      env: { DATABASE_URL: pgDb.url, REMINDER_CRON: '* * * * * *' },
    });

  const send = (bot: Bot, body: string) =>
    postSigned(bot.url, SECRET, body).then(
      (r) => r.status,
      () => 0,
    );

  const command = (bot: Bot, client: string) =>
    send(
      bot,
      slashCommandBody({
        teamId: TEAM,
        userId: MARIA,
        channelId: CHANNEL,
        text: `${client}: shipped the wrong pallets`,
        responseUrl: `${fake.responseUrlBase}cmd`,
      }),
    );

  type Obj = Record<string, unknown>;
  function buttonValue(blocks: unknown[] | undefined, actionId: string, step: string): string {
    for (const b of (blocks ?? []) as Obj[])
      for (const e of (Array.isArray(b.elements) ? b.elements : []) as Obj[])
        if (e.action_id === actionId && String(e.value).includes(`|${step}|`))
          return String(e.value);
    throw new Error(`no ${actionId} button for ${step}`);
  }

  const doneOwnUp = (bot: Bot, c: RecoveryCase) => {
    const parent = fake.messages.find((m) => m.ts === c.messageTs);
    return send(
      bot,
      interactionBody(
        blockActionsPayload({
          teamId: TEAM,
          userId: MARIA,
          channelId: CHANNEL,
          messageTs: c.messageTs ?? '',
          action: {
            action_id: ACTION.done,
            value: buttonValue(parent?.blocks, ACTION.done, 'own_up'),
          },
          responseUrl: `${fake.responseUrlBase}click`,
        }),
      ),
    );
  };

  /** Posts by metadata type and field value. */
  function postsBy(type: string, field: string): Map<string, number> {
    const by = new Map<string, number>();
    for (const m of fake.messages)
      if (m.metadata?.event_type === type) {
        const id = String(m.metadata.event_payload[field]);
        by.set(id, (by.get(id) ?? 0) + 1);
      }
    return by;
  }

  /** Resolves once `done()` holds (checked as Slack stores things, and every 100 ms for the database). */
  async function until(
    done: () => Promise<boolean>,
    ms: number,
    what: string | (() => Promise<string>),
  ): Promise<number> {
    const t0 = performance.now();
    for (;;) {
      if (await done()) return performance.now() - t0;
      if (performance.now() - t0 > ms)
        throw new Error(
          `${typeof what === 'string' ? what : await what()}: not done within ${ms} ms`,
        );
      await nextMessageOr(fake, 100);
    }
  }

  const allCases = () => store.repos.cases.listOpenInTeam(TEAM, 1000);
  const reminders = () => (store.repos.reminders as ReminderRepo).inFlight();
  const reminderStates = async () =>
    (await (store.repos.reminders as ReminderRepo).countsByStatus?.()) ?? {};

  it('a burst across three replicas, one SIGKILLed with claims in hand: nothing lost, nothing twice', async () => {
    // Three processes started together on a new database: it is migrated once, none crashes.
    bots.push(...(await Promise.all([startBot(), startBot(), startBot()])));
    store = await openStore({ url: pgDb.url, path: '', playbook: DEFAULT_PLAYBOOK });

    // Six cases shown, one replica each in turn.
    for (let i = 0; i < 6; i++) expect(await command(bots[i % 3] as Bot, `Warm-${i}`)).toBe(200);
    await until(
      async () => postsBy('amends_case_first_reply', 'case_id').size === 6,
      20_000,
      'six cases shown',
    );
    const shown = await allCases();
    expect(shown).toHaveLength(6);

    // Reminders fall due while Slack hangs: each replica's tick claims some and waits on Slack.
    const release = fake.hold();
    const now = new Date();
    for (const c0 of shown)
      await store.repos.reminders.enqueue(
        c0,
        'own_up',
        [1001, 1002, 1003].map((occurrence) => ({
          kind: 'nudge' as const,
          occurrence,
          notBefore: now,
          hoursTz: null,
        })),
        now,
      );
    // The replica holding claims is the one to die (whichever ticked first).
    let victim: Bot | undefined;
    await until(
      async () => {
        const held = await reminders();
        victim = bots.find((x) => held.some((r) => r.claimedBy?.includes(`:${x.proc.pid}:`)));
        return !!victim;
      },
      20_000,
      async () => `a replica holding claims (${JSON.stringify(await reminderStates())})`,
    );
    const a = victim as Bot;
    const aPid = `:${a.proc.pid}:`;

    // The burst: commands and clicks spread over the three, all acknowledged while Slack hangs.
    const burst: Promise<number>[] = [];
    const sentTo: { bot: Bot; client: string }[] = [];
    for (let i = 0; i < 24; i++) {
      const bot = bots[i % 3] as Bot;
      sentTo.push({ bot, client: `Burst-${i}` });
      burst.push(command(bot, `Burst-${i}`));
    }
    for (const [i, c0] of shown.entries()) burst.push(doneOwnUp(bots[i % 3] as Bot, c0));
    const statuses = await Promise.all(burst);
    expect(statuses).toEqual(burst.map(() => 200));

    // A dies with claims in hand; Slack then answers what it had received.
    const aClaims = (await reminders()).filter((r) => r.claimedBy?.includes(aPid)).map((r) => r.id);
    expect(aClaims.length).toBeGreaterThan(0);
    a.proc.kill('SIGKILL');
    await a.exited;
    const killedAt = performance.now();
    release();

    // Everything settles on B and C.
    const settled = async () => {
      const cases = await allCases();
      const parents = postsBy('amends_case', 'case_id');
      const firsts = postsBy('amends_case_first_reply', 'case_id');
      if (cases.some((x) => !parents.get(String(x.id)) || !firsts.get(String(x.id)))) return false;
      const left = await reminders();
      return !left.some((r) => aClaims.includes(r.id));
    };
    const unsettled = async () => {
      const cases = await allCases();
      const parents = postsBy('amends_case', 'case_id');
      const firsts = postsBy('amends_case_first_reply', 'case_id');
      const noParent = cases.filter((x) => !parents.get(String(x.id))).map((x) => x.id);
      const noFirst = cases.filter((x) => !firsts.get(String(x.id))).map((x) => x.id);
      const claims = (await reminders()).filter((r) => aClaims.includes(r.id)).map((r) => r.id);
      return `settled after the kill (cases without a parent: [${noParent}], without a first reply: [${noFirst}], A's claims still in flight: [${claims}])`;
    };
    await until(settled, CLAIM_LEASE_MS + TICK_MS + 15_000, unsettled);
    const takeoverMs = performance.now() - killedAt;
    console.log(
      `replicas: A's ${aClaims.length} claims settled ${Math.round(takeoverMs)} ms after SIGKILL`,
    );
    expect(takeoverMs).toBeLessThan(CLAIM_LEASE_MS + TICK_MS);
    // Let B and C finish the reminders left, then stop them cleanly.
    await until(
      async () => {
        const all = await Promise.all(
          (await allCases()).map((x) =>
            (store.repos.reminders as ReminderRepo).forCase(TEAM, x.id),
          ),
        );
        return all
          .flat()
          .every(
            (r) => r.status !== 'claimed' && !(r.status === 'pending' && r.notBefore <= new Date()),
          );
      },
      30_000,
      'reminders done',
    );
    for (const bot of bots.filter((x) => x !== a)) {
      bot.proc.kill('SIGTERM');
      expect(await bot.exited, bot.lines.join('\n')).toBe(0);
    }
    await fake.idle();

    // Every acknowledged command is stored, and every click.
    const cases = await allCases();
    const clients = new Set(cases.map((x) => x.client));
    expect(sentTo.filter((s) => !clients.has(s.client)).map((s) => s.client)).toEqual([]);
    for (const c0 of shown) {
      const back = await store.repos.cases.require(TEAM, c0.id);
      expect(back.steps.find((s) => s.key === 'own_up')?.status).toBe('done');
    }
    // Exactly one parent and one first reply per case.
    const parents = postsBy('amends_case', 'case_id');
    const firsts = postsBy('amends_case_first_reply', 'case_id');
    expect(cases.filter((x) => parents.get(String(x.id)) !== 1).map((x) => x.client)).toEqual([]);
    expect(cases.filter((x) => firsts.get(String(x.id)) !== 1).map((x) => x.client)).toEqual([]);
    // Reminders: never twice; a sent one is in Slack once, under its ts; in order per case.
    const posted = postsBy('amends_reminder', 'key');
    expect([...posted].filter(([, n]) => n > 1)).toEqual([]);
    for (const c0 of cases) {
      const rows = await (store.repos.reminders as ReminderRepo).forCase(TEAM, c0.id);
      const sent = rows.filter((r) => r.status === 'sent');
      for (const r of sent) expect(r.messageTs).toBeTruthy();
      const tss = sent.map((r) => Number(r.messageTs));
      expect(tss).toEqual([...tss].sort((x, y) => x - y));
    }
    expect([...posted.values()].reduce((n, k) => n + k, 0)).toBeGreaterThan(0);
  }, 180_000);
});

describePostgres('a channel shared with the client, as two replicas hear of it', () => {
  let pgDb2: PgDatabase;
  const two: Bot[] = [];
  let fake2: FakeSlack;
  let bundle2: Bundle;
  beforeAll(async () => {
    bundle2 = buildBundle();
    fake2 = await startFakeSlack({ users: USERS, teamId: TEAM });
    pgDb2 = await freshPgDatabase();
  });
  afterAll(async () => {
    for (const b of two) if (b.proc.exitCode === null) b.proc.kill('SIGKILL');
    await Promise.all(two.map((b) => b.exited));
    await fake2?.close();
    await pgDb2?.drop();
    bundle2?.remove();
  });

  it('channel_shared reaches replica A while B has just seen the channel internal: B posts nothing there', async () => {
    const start = () =>
      startBotProcess({
        main: bundle2.main,
        secret: SECRET,
        slackApiUrl: fake2.url,
        dbPath: '/nonexistent/unused.db',
        env: { DATABASE_URL: pgDb2.url },
      });
    two.push(...(await Promise.all([start(), start()])));
    const [a, b] = two as [Bot, Bot];
    const cmd = (bot: Bot, client: string) =>
      postSigned(
        bot.url,
        SECRET,
        slashCommandBody({
          teamId: TEAM,
          userId: MARIA,
          channelId: CHANNEL,
          text: `${client}: shipped the wrong pallets`,
          responseUrl: `${fake2.responseUrlBase}cmd`,
        }),
      );
    const parentsIn = () =>
      fake2.messages.filter(
        (m) => m.channel === CHANNEL && m.metadata?.event_type === 'amends_case',
      ).length;
    /** Resolves once the fake Slack stored a message making `done()` true (15 s at most). */
    const stored = (done: () => boolean) =>
      new Promise<void>((resolve, reject) => {
        const check = () => {
          if (!done()) return;
          clearTimeout(t);
          fake2.off('message', check);
          resolve();
        };
        const t = setTimeout(() => {
          fake2.off('message', check);
          reject(new Error('not posted within 15 s'));
        }, 15_000);
        fake2.on('message', check);
        check();
      });
    // B sees the channel internal (Slack says so) and posts a case there: its answer is fresh.
    expect((await cmd(b, 'Before')).status).toBe(200);
    await stored(() => parentsIn() === 1);

    // The channel is shared with the client; Slack tells replica A only.
    fake2.shareChannel(CHANNEL, 'ext');
    const event = { type: 'channel_shared', connected_team_id: 'T0CLIENT01', channel: CHANNEL };
    const r = await postSigned(
      a.url,
      SECRET,
      JSON.stringify(eventEnvelope(TEAM, event, new Date())),
      'application/json',
    );
    expect(r.status).toBe(200);
    // A withdraws the case shown there (its parent redrawn as a neutral line): the event is handled.
    await new Promise<void>((resolve) => {
      const t = setTimeout(resolve, 15_000);
      fake2.once('update', () => {
        clearTimeout(t);
        resolve();
      });
    });
    await fake2.idle();

    // B, with its own answer still fresh in memory, is asked for a case there: nothing of it shows.
    const shown = parentsIn();
    const calls = fake2.calls.length;
    expect((await cmd(b, 'After')).status).toBe(200);
    // B's work after the ack ends with a direct message to the owner: saved, not posted there.
    const told = () =>
      fake2.messages.some(
        (m) => (m.channel === MARIA || m.channel.startsWith('D')) && /\bAfter\b/.test(m.text ?? ''),
      );
    await stored(told);
    await fake2.idle();
    expect(fake2.calls.length).toBeGreaterThan(calls);
    expect(parentsIn()).toBe(shown);
    const after = fake2.messages.filter(
      (m) => m.channel === CHANNEL && JSON.stringify(m).includes('After'),
    );
    expect(after).toEqual([]);
    for (const bot of two) bot.proc.kill('SIGTERM');
    for (const bot of two) expect(await bot.exited, bot.lines.join('\n')).toBe(0);
  }, 120_000);
});
