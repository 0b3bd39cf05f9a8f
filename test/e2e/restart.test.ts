/**
 * A bot killed with SIGKILL in the middle of a burst of commands, meeting bookings and clicks, then
 * started again: within 15 s of the restart everything stored is in Slack (each case's parent and
 * first reply, each thread line, each meeting's invite), exactly once, counted at the fake Slack by
 * the metadata of each post. The restart does not wait for the dead process's leases to run out.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_PLAYBOOK } from '../../src/domain/playbook.js';
import type { RecoveryCase } from '../../src/domain/recoveryCase.js';
import { type FakeSlack, startFakeSlack } from '../../src/sandbox/fakeSlack.js';
import {
  blockActionsPayload,
  interactionBody,
  postSigned,
  slashCommandBody,
  viewSubmissionPayload,
} from '../../src/sandbox/slackRequests.js';
import type { PendingLine } from '../../src/services/ports.js';
import { ACTION, INPUT, VIEW } from '../../src/slack/ids.js';
import { openStore, type Store } from '../../src/store/index.js';
import { type Bot, startBotProcess } from '../helpers/botProcess.js';
import { type Bundle, buildBundle } from '../helpers/bundle.js';
import { MARIA, TEAM, USERS } from '../helpers/harness.js';
import { everyCase } from '../helpers/stored.js';

const SECRET = 'restart-test-signing-secret';
const CHANNEL = 'C0RESTART';
const dir = mkdtempSync(join(tmpdir(), 'amends-restart-'));
const dbPath = join(dir, 'amends.db');
let fake: FakeSlack;
let bundle: Bundle;

beforeAll(async () => {
  bundle = buildBundle();
  // Slack answers in 150 ms, so the kill lands while posts are on their way.
  fake = await startFakeSlack({ users: USERS, teamId: TEAM, latencyMs: 150 });
});
afterAll(async () => {
  await reader?.close();
  await fake.close();
  bundle.remove();
  rmSync(dir, { recursive: true, force: true });
});

const startBot = (ready?: RegExp): Promise<Bot> =>
  startBotProcess({
    main: bundle.main,
    secret: SECRET,
    slackApiUrl: fake.url,
    dbPath,
    ...(ready ? { ready } : {}),
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

/** The value of the button `actionId` on a message, as Slack would send it back. */
function buttonValue(blocks: unknown[] | undefined, actionId: string, step?: string): string {
  for (const b of (blocks ?? []) as Obj[])
    for (const e of (Array.isArray(b.elements) ? b.elements : []) as Obj[])
      if (e.action_id === actionId && (!step || String(e.value).includes(`|${step}|`)))
        return String(e.value);
  throw new Error(`no ${actionId} button`);
}

const press = (bot: Bot, ts: string, actionId: string, value: string, triggerId?: string) =>
  send(
    bot,
    interactionBody(
      blockActionsPayload({
        teamId: TEAM,
        userId: MARIA,
        channelId: CHANNEL,
        messageTs: ts,
        action: { action_id: actionId, value },
        responseUrl: `${fake.responseUrlBase}click`,
        ...(triggerId ? { triggerId } : {}),
      }),
    ),
  );

/** What the fake Slack stores: a post, an update, a modal. */
const EVENTS = ['message', 'update', 'view'] as const;

/**
 * Resolves when `done()` holds, checked after everything Slack stores (one check at a time, and
 * once more when Slack stored something during it); rejects after `ms`.
 */
function until(done: () => boolean | Promise<boolean>, ms: number, what: string): Promise<number> {
  const t0 = performance.now();
  return new Promise((resolve, reject) => {
    let running = false;
    let again = false;
    let over = false;
    const check = () => {
      if (over) return;
      if (running) {
        again = true;
        return;
      }
      running = true;
      Promise.resolve()
        .then(done)
        .then(
          (ok) => {
            running = false;
            if (over) return;
            if (ok) {
              stop();
              resolve(performance.now() - t0);
            } else if (again) {
              again = false;
              check();
            }
          },
          (e: unknown) => {
            stop();
            reject(e);
          },
        );
    };
    const timer = setTimeout(() => {
      stop();
      reject(new Error(`${what}: not done within ${ms} ms`));
    }, ms);
    const stop = () => {
      over = true;
      clearTimeout(timer);
      for (const e of EVENTS) fake.off(e, check);
    };
    for (const e of EVENTS) fake.on(e, check);
    check();
  });
}

/** The store on the bot's database, opened by the test (a connection of its own) once there is one. */
let reader: Store | undefined;

/**
 * What the database holds, read through the store's ports on a connection of the test's own: the
 * cases, and each case's thread lines still waiting (id and body) and those sent (their ts).
 */
async function stored() {
  reader ??= await openStore({ path: dbPath, playbook: DEFAULT_PLAYBOOK });
  const cases = await everyCase(reader, TEAM);
  const pending: PendingLine[] = [];
  const sent: { caseId: number; ts: string }[] = [];
  for (const c of cases) {
    pending.push(...(await reader.repos.lines.pendingFor(TEAM, c.id)));
    for (const ts of await reader.repos.lines.sentFor(TEAM, c.id))
      if (!ts.startsWith('file:')) sent.push({ caseId: c.id, ts });
  }
  return { cases, lines: { pending, sent } };
}

/** Posts by metadata type and id (case id, or line id for lines). */
function postsBy(type: string, field: string): Map<number, number> {
  const by = new Map<number, number>();
  for (const m of fake.messages)
    if (m.metadata?.event_type === type) {
      const id = Number(m.metadata.event_payload[field]);
      by.set(id, (by.get(id) ?? 0) + 1);
    }
  return by;
}

/** Invite files shared in each case's thread, by case id. */
function invitesBy(cases: readonly RecoveryCase[]): Map<number, number> {
  const by = new Map<number, number>();
  for (const c of cases) {
    const n = fake.files.filter((f) => c.messageTs && f.thread_ts === c.messageTs).length;
    if (n) by.set(c.id, n);
  }
  return by;
}

/**
 * Everything stored is shown: [what is missing]. A line still waiting is shown when Slack has a
 * post of it (a run died before recording it); a line recorded as sent, when Slack has its ts.
 */
async function missing(): Promise<string[]> {
  const { cases, lines } = await stored();
  const parents = postsBy('amends_case', 'case_id');
  const firsts = postsBy('amends_case_first_reply', 'case_id');
  const linePosts = postsBy('amends_line', 'line_id');
  const invites = invitesBy(cases);
  const out: string[] = [];
  for (const c of cases) {
    if (!parents.get(c.id)) out.push(`parent of ${c.client}`);
    if (!firsts.get(c.id)) out.push(`first reply of ${c.client}`);
    if (c.meetingAt && !invites.get(c.id)) out.push(`invite of ${c.client}`);
  }
  for (const l of lines.pending)
    if (!l.body.invite && !linePosts.get(l.id)) out.push(`line ${l.id} of case ${l.caseId}`);
  for (const l of lines.sent)
    if (!fake.messages.some((m) => m.ts === l.ts)) out.push(`line ${l.ts} of case ${l.caseId}`);
  return out;
}

/** The next weekday at least two days ahead, as YYYY-MM-DD. */
function meetingDay(): string {
  const d = new Date(Date.now() + 2 * 86_400_000);
  while (d.getUTCDay() === 0 || d.getUTCDay() === 6) d.setUTCDate(d.getUTCDate() + 1);
  return d.toISOString().slice(0, 10);
}

describe('a restart after SIGKILL', () => {
  /** What the dead process left undone, as the restart found it. */
  let left: string[];
  /** How long the restart took to show it all, or why it did not within 15 s. */
  let shown: { ms: number } | { error: unknown };
  let restarted: { exit: number | null; lines: string[] };
  /** After the restart: what is stored, and the posts of each kind, by case or line id. */
  let end: Awaited<ReturnType<typeof stored>>;
  let parents: Map<number, number>;
  let firsts: Map<number, number>;
  let linePosts: Map<number, number>;
  let invites: Map<number, number>;

  beforeAll(async () => {
    const a = await startBot();
    // Six cases shown, each with its meeting form open.
    for (let i = 0; i < 6; i++) expect(await command(a, `Open-${i}`)).toBe(200);
    await until(() => postsBy('amends_case_first_reply', 'case_id').size === 6, 15_000, 'setup');
    const open = (await stored()).cases;
    const forms = new Map<number, { id: string; private_metadata?: string }>();
    for (const [i, c] of open.entries()) {
      const parent = fake.messages.find((m) => m.ts === c.messageTs);
      const trigger = `restart-meeting-${i}`;
      expect(
        await press(
          a,
          c.messageTs ?? '',
          ACTION.meeting,
          buttonValue(parent?.blocks, ACTION.meeting),
          trigger,
        ),
      ).toBe(200);
    }
    // views.open is answered after the click's ack: the forms are there once the fake has them.
    await until(
      () => [...fake.views.values()].filter((v) => v.callback_id === VIEW.meeting).length === 6,
      15_000,
      'forms',
    );
    for (const v of fake.views.values()) {
      const meta = JSON.parse(v.private_metadata ?? '{}') as { caseId?: number };
      if (v.callback_id === VIEW.meeting && meta.caseId) forms.set(meta.caseId, v);
    }
    expect(forms.size).toBe(6);

    // The burst: new cases, bookings and clicks at once, while Slack hangs: every request is
    // stored and acknowledged, and its Slack calls are on their way when the process is killed.
    // Slack then takes the calls it had received (a post the dead process never heard back about).
    const release = fake.hold();
    const day = meetingDay();
    const burst: Promise<number>[] = [];
    for (let i = 0; i < 12; i++) burst.push(command(a, `Burst-${i}`));
    for (const c of open) {
      const view = forms.get(c.id);
      if (!view) continue;
      burst.push(
        send(
          a,
          interactionBody(
            viewSubmissionPayload({
              teamId: TEAM,
              userId: MARIA,
              view: { ...view, callback_id: VIEW.meeting },
              values: {
                [INPUT.meetingDate]: {
                  [INPUT.meetingDate]: { type: 'datepicker', selected_date: day },
                },
                [INPUT.meetingTime]: {
                  [INPUT.meetingTime]: { type: 'timepicker', selected_time: '11:00' },
                },
              },
            }),
          ),
        ),
      );
      const parent = fake.messages.find((m) => m.ts === c.messageTs);
      burst.push(
        press(
          a,
          c.messageTs ?? '',
          ACTION.done,
          buttonValue(parent?.blocks, ACTION.done, 'own_up'),
        ),
      );
    }
    expect(await Promise.all(burst)).toEqual(burst.map(() => 200));
    a.proc.kill('SIGKILL');
    await a.exited;
    release();
    await fake.idle();
    left = await missing();

    const b = await startBot();
    shown = await until(
      async () => (await missing()).length === 0,
      15_000,
      `after the restart (${left.length} left: ${left.slice(0, 5).join(', ')})`,
    ).then(
      (ms) => ({ ms }),
      (error: unknown) => ({ error }),
    );
    b.proc.kill('SIGTERM');
    restarted = { exit: await b.exited, lines: b.lines };
    await fake.idle();

    end = await stored();
    parents = postsBy('amends_case', 'case_id');
    firsts = postsBy('amends_case_first_reply', 'case_id');
    linePosts = postsBy('amends_line', 'line_id');
    invites = invitesBy(end.cases);
  }, 120_000);

  it('follows a kill that left work undone (else it proves nothing)', () => {
    expect(left.length).toBeGreaterThan(0);
  });

  it('brings everything the dead process left into Slack within 15 s', () => {
    if ('error' in shown) throw shown.error;
    expect(shown.ms).toBeLessThan(15_000);
  });

  it('the restarted process exits 0 on SIGTERM', () => {
    expect(restarted.exit, restarted.lines.join('\n')).toBe(0);
  });

  it("posts each case's parent exactly once", () => {
    expect(end.cases.filter((c) => parents.get(c.id) !== 1).map((c) => c.client)).toEqual([]);
  });

  it("posts each case's first reply exactly once", () => {
    expect(end.cases.filter((c) => firsts.get(c.id) !== 1).map((c) => c.client)).toEqual([]);
  });

  it('posts each thread line exactly once', () => {
    expect([...linePosts].filter(([, n]) => n !== 1)).toEqual([]);
    expect(end.lines.pending.filter((l) => (linePosts.get(l.id) ?? 0) > 1)).toEqual([]);
  });

  it("shares each meeting's invite exactly once", () => {
    expect([...invites].filter(([, n]) => n !== 1)).toEqual([]);
    // Some meetings were booked (else there is no invite to count).
    expect(end.cases.filter((c) => c.meetingAt).length).toBeGreaterThan(0);
  });
});
