import { afterEach, describe, expect, it } from 'vitest';
import { parsePlaybook } from '../../src/domain/playbook.js';
import { en } from '../../src/i18n/en.js';
import type { Pacer } from '../../src/services/reminders.js';
import { ReminderService } from '../../src/services/reminders.js';
import { SlackReminderChannel } from '../../src/slack/adapters.js';
import { openViaCommand, refresh, reminderKeys, reminderPosts, step } from '../helpers/cases.js';
import { CHANNEL, FakePacer, type Harness, startHarness, TEAM } from '../helpers/harness.js';
import { startOtherProcess } from '../helpers/otherProcess.js';

/** A second reminder engine on the same database and Slack, as another process would run it. */
/** One process's view of a clock shared by several: its time is where its own last wait ended. */
class ProcessView implements Pacer {
  #woke: number | null = null;
  constructor(private readonly shared: FakePacer) {}
  now(): number {
    return this.#woke ?? this.shared.now();
  }
  async sleep(ms: number): Promise<void> {
    this.#woke = this.now() + ms;
    this.shared.t = Math.max(this.shared.t, this.#woke);
  }
}

function secondEngine(
  h: Harness,
  pacer: Pacer,
  batchSize?: number,
  onDeliver?: () => void,
): ReminderService {
  const channel = new SlackReminderChannel(h.amends.client, h.amends.cases.playbook, h.clock);
  if (onDeliver) {
    const deliver = channel.deliver.bind(channel);
    channel.deliver = (r, c, key) => {
      onDeliver();
      return deliver(r, c, key);
    };
  }
  return new ReminderService({
    ...(batchSize ? { batchSize } : {}),
    uow: h.amends.store.uow,
    cases: h.amends.caseRepo,
    reminders: h.amends.reminderRepo,
    workspaces: h.amends.workspaces,
    profiles: h.amends.profiles,
    playbook: h.amends.cases.playbook,
    channel,
    clock: h.clock,
    pacer,
  });
}

const harnesses: Harness[] = [];
async function harness(o: Parameters<typeof startHarness>[0] = {}): Promise<Harness> {
  const h = await startHarness(o);
  harnesses.push(h);
  return h;
}
afterEach(async () => {
  for (const h of harnesses.splice(0)) await h.close();
});

async function tickEvery(h: Harness, minutes: number, untilIso: string): Promise<void> {
  const end = new Date(untilIso).getTime();
  while (h.clock.now().getTime() < end) {
    h.clock.advance(minutes * 60_000);
    await h.amends.reminders.tick();
  }
}

const postCalls = (h: Harness) =>
  h.fake
    .callsTo('chat.postMessage')
    .filter((c) => JSON.stringify(c.args.metadata ?? '').includes('amends_reminder'));

describe('exactly once', () => {
  it('two overlapping ticks post each due reminder once', async () => {
    const h = await harness({ now: '2026-11-23T08:00:00Z' });
    const a = await openViaCommand(h, 'Acme: late delivery');
    const b = await openViaCommand(h, 'Beta: wrong invoice');
    h.clock.set('2026-11-23T12:30:00Z');
    const [r1, r2] = await Promise.all([h.amends.reminders.tick(), h.amends.reminders.tick()]);
    expect([r1.skipped, r2.skipped].sort()).toEqual([false, true]);
    expect(reminderKeys(h).sort()).toEqual(
      [`${a.id}:own_up:nudge:1`, `${b.id}:own_up:nudge:1`].sort(),
    );
  });

  it('two processes sharing one database never post the same reminder twice', async () => {
    const h1 = await harness({ now: '2026-11-23T08:00:00Z' });
    for (let i = 0; i < 5; i++) await openViaCommand(h1, `Client ${i}: late delivery`);
    // The second bot is a process of its own on the same database file and Slack.
    const other = await startOtherProcess(h1);
    try {
      h1.clock.set('2026-11-23T12:30:00Z');
      await Promise.all([h1.amends.reminders.tick(), other.tick()]);
    } finally {
      await other.stop();
    }
    const keys = reminderKeys(h1);
    expect(keys).toHaveLength(5);
    expect(new Set(keys).size).toBe(5);
  });

  it('a restart sends nothing twice', async () => {
    const h1 = await harness({ now: '2026-11-23T08:00:00Z' });
    const c = await openViaCommand(h1, 'Acme: late delivery');
    h1.clock.set('2026-11-23T12:30:00Z');
    await h1.amends.reminders.tick();
    expect(reminderKeys(h1)).toEqual([`${c.id}:own_up:nudge:1`]);
    await h1.amends.stop();
    const h2 = await harness({ now: '2026-11-23T12:31:00Z', dir: h1.dir });
    await h2.amends.reminders.reconcile();
    await h2.amends.reminders.tick();
    expect(postCalls(h2)).toHaveLength(0);
  });

  it('a claim left by a dead process is settled from the thread: found → recorded, not found → posted once', async () => {
    const h = await harness({ now: '2026-11-23T08:00:00Z' });
    const a = await openViaCommand(h, 'Acme: late delivery');
    const b = await openViaCommand(h, 'Beta: wrong invoice');
    h.clock.set('2026-11-23T12:30:00Z');
    await h.amends.reminders.plan(h.clock.now());
    // A "previous process" claimed both, posted a's nudge to Slack, and died before recording anything.
    const claimed = await h.amends.reminderRepo.claimReady(h.clock.now(), 10);
    expect(claimed).toHaveLength(2);
    const ra = claimed.find((r) => r.caseId === a.id);
    await h.amends.client.chat.postMessage({
      channel: CHANNEL,
      thread_ts: a.messageTs as string,
      text: 'nudge',
      metadata: { event_type: 'amends_reminder', event_payload: { key: `${a.id}:own_up:nudge:1` } },
    });
    expect(ra?.status).toBe('claimed');
    // While the claims' lease runs, they may be a live process's: nothing is touched.
    expect(await h.amends.reminders.reconcile()).toEqual({ found: 0, requeued: 0 });
    h.clock.advance(91_000); // the lease (90 s) ran out: that process is gone
    const found = await h.amends.reminders.reconcile();
    expect(found).toEqual({ found: 1, requeued: 1 });
    await h.amends.reminders.tick();
    expect(reminderKeys(h).sort()).toEqual(
      [`${a.id}:own_up:nudge:1`, `${b.id}:own_up:nudge:1`].sort(),
    );
    expect(
      h.fake
        .callsTo('conversations.replies')
        .some((c) => String(c.args.include_all_metadata) === 'true'),
    ).toBe(true);
  });

  /** A due nudge whose post Slack answers with a 500, after the first tick. */
  async function after500() {
    const h = await harness({ now: '2026-11-23T08:00:00Z' });
    const c = await openViaCommand(h, 'Acme: late delivery');
    h.fake.failNext('chat.postMessage', { status: 500 });
    h.clock.set('2026-11-23T12:30:00Z');
    const r = await h.amends.reminders.tick();
    return { h, c, r };
  }

  it('a 5xx is not retried by the HTTP client', async () => {
    const { h, r } = await after500();
    expect(r.retried).toBe(1);
    expect(postCalls(h)).toHaveLength(1); // one attempt, no automatic retries
    expect(reminderPosts(h)).toHaveLength(0);
  });

  it('after a 5xx the outbox backs off, then posts it once', async () => {
    const { h, c } = await after500();
    await h.amends.reminders.tick();
    expect(postCalls(h)).toHaveLength(1); // backing off
    h.clock.advance(60_000);
    await h.amends.reminders.tick();
    expect(reminderKeys(h)).toEqual([`${c.id}:own_up:nudge:1`]);
  });

  it('a second process ticking while the first is still posting leaves its claims alone', async () => {
    const h = await harness({ now: '2026-11-23T08:00:00Z' });
    await openViaCommand(h, 'Acme: late delivery');
    await openViaCommand(h, 'Beta: wrong invoice', { channel: 'C0OTHER01' });
    h.clock.set('2026-11-23T12:30:00Z');
    const second = secondEngine(h, new FakePacer());
    // Both channels known to be internal (asked just before): only the posts hang.
    for (const ch of [CHANNEL, 'C0OTHER01'])
      expect(await h.amends.sharing.isShared(h.amends.client, ch)).toBe(false);
    const release = h.fake.hold(); // the first process's posts are on their way
    const first = h.amends.reminders.tick();
    await new Promise<void>((resolve) => {
      const check = () => {
        if (postCalls(h).length < 2) return;
        h.fake.off('call', check);
        resolve();
      };
      h.fake.on('call', check);
      check();
    });
    // Previously every claim this process did not hold counted as a dead process's: requeued
    // here and posted a second time.
    expect(await second.reconcile()).toEqual({ found: 0, requeued: 0 });
    const report = await second.tick();
    expect(report.sent).toBe(0);
    release();
    expect((await first).sent).toBe(2);
    expect(reminderKeys(h)).toHaveLength(2);
    expect(new Set(reminderKeys(h)).size).toBe(2);
  });

  /** Two processes on one database, three claims each, tick at once into one channel. */
  async function twoProcessesTick() {
    const h = await harness({ now: '2026-11-23T08:00:00Z' });
    for (let i = 0; i < 6; i++) await openViaCommand(h, `Client ${i}: late delivery`);
    h.clock.set('2026-11-23T12:30:00Z');
    // One clock both processes share (wall time). A fake sleep moves it at once, so while one
    // process waits another may move it further: each process sees it from where its own last
    // wait ended (as a process woken by its timer would), and records that when it posts.
    const shared = new FakePacer();
    const sentAt: number[] = [];
    const posts = () => postCalls(h).length;
    const va = new ProcessView(shared);
    const vb = new ProcessView(shared);
    // Three claims each at most: both processes post into the channel.
    const a = secondEngine(h, va, 3, () => sentAt.push(va.now()));
    const b = secondEngine(h, vb, 3, () => sentAt.push(vb.now()));
    await Promise.all([a.tick(), b.tick()]);
    return { h, posts, sentAt };
  }

  it('two processes on one database post every key once', async () => {
    const { h, posts } = await twoProcessesTick();
    expect(posts()).toBe(6);
    expect(new Set(reminderKeys(h)).size).toBe(6);
  });

  it('two processes on one database keep one pace per channel together', async () => {
    const { posts, sentAt } = await twoProcessesTick();
    expect(posts()).toBe(6);
    // Consecutive posts in the channel are at least a second apart on the shared clock, although
    // two processes were posting into it.
    const sorted = [...sentAt].sort((x, y) => x - y);
    for (let i = 1; i < sorted.length; i++)
      expect((sorted[i] as number) - (sorted[i - 1] as number)).toBeGreaterThanOrEqual(1000);
  });

  it('Done while a tick is in flight: the step is not nudged', async () => {
    let release: () => void = () => {};
    const gate = new Promise<void>((r) => {
      release = r;
    });
    let sleeping: () => void = () => {};
    const asleep = new Promise<void>((r) => {
      sleeping = r;
    });
    const pacer: Pacer = {
      now: () => 0,
      sleep: async () => {
        sleeping();
        await gate;
      },
    };
    const h = await harness({ now: '2026-11-23T08:00:00Z' });
    const a = await openViaCommand(h, 'Acme: late delivery');
    const b = await openViaCommand(h, 'Beta: wrong invoice');
    // A second engine on the same store whose pacer holds the second post in the channel.
    const svc = secondEngine(h, pacer);
    h.clock.set('2026-11-23T12:30:00Z');
    const running = svc.tick();
    await asleep; // the second post waits for pacing
    const first = reminderPosts(h)[0];
    const waiting = first?.thread_ts === a.messageTs ? b : a;
    await h.amends.cases.complete(
      { teamId: TEAM, caseId: waiting.id, actor: 'U0MARIA01' },
      'own_up',
      step(await refresh(h, waiting), 'own_up').version,
    );
    release();
    const report = await running;
    expect(report.cancelled).toBe(1);
    expect(reminderPosts(h)).toHaveLength(1);
  });
});

describe('after downtime or a daylight-saving change', () => {
  it('after days of downtime a case gets one catch-up post listing every overdue step, not one per step or tick', async () => {
    const h = await harness({ now: '2026-11-23T08:00:00Z' });
    const c = await openViaCommand(h, 'Acme: late delivery');
    h.clock.set('2026-11-26T10:00:00Z'); // three days later, one tick
    await h.amends.reminders.tick();
    const posts = reminderPosts(h, c);
    expect(posts).toHaveLength(1);
    // own_up, outline and meeting are all overdue: the one post carries each one's buttons.
    const values = JSON.stringify(posts[0]?.blocks);
    for (const key of ['own_up', 'outline', 'meeting'])
      expect(values).toContain(`"${c.id}|${key}|`);
    h.clock.advance(10 * 60_000);
    await h.amends.reminders.tick();
    expect(reminderPosts(h, c)).toHaveLength(1);
  });

  const everyDay = parsePlaybook({
    workingHours: {
      start: '09:00',
      end: '18:00',
      days: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'],
    },
    steps: [{ key: 'own_up', due: '1wh', repeat: '1wh', escalateAfter: 'none' }],
    // This test is about the clock, not the calm policy: room for an hourly nudge.
    reminders: { nudgesPerDay: 10, quietAfter: '20wd' },
  });

  it.each([
    ['Europe/Rome', 'spring forward', '2026-03-29', 'U0MARIA01'],
    ['Europe/Rome', 'fall back', '2026-10-25', 'U0MARIA01'],
    ['America/New_York', 'spring forward', '2026-03-08', 'U0JOAN001'],
    ['America/New_York', 'fall back', '2026-11-01', 'U0JOAN001'],
  ])(
    '%s %s (%s): hourly working-hour nudges neither lost nor doubled',
    async (tz, _kind, day, user) => {
      // Open at 08:00 local the day before; tick every 10 minutes through the change day.
      const startUtc = new Date(`${day}T00:00:00Z`).getTime() - 30 * 3_600_000;
      const h = await harness({ now: new Date(startUtc).toISOString(), playbook: everyDay });
      const c = await openViaCommand(h, 'Acme: late delivery', { user });
      await tickEvery(
        h,
        10,
        new Date(new Date(`${day}T00:00:00Z`).getTime() + 36 * 3_600_000).toISOString(),
      );
      const fmt = new Intl.DateTimeFormat('en-CA', {
        timeZone: tz,
        year: 'numeric',
        month: '2-digit',
        day: '2-digit',
        hour: 'numeric',
        hourCycle: 'h23',
      });
      const onDay = reminderPosts(h, c)
        .filter((m) => String(m.metadata?.event_payload.key).includes(':nudge:'))
        .map((m) => fmt.formatToParts(Number(m.ts.split('.')[0]) * 1000))
        .map((p) => ({
          date: `${p.find((x) => x.type === 'year')?.value}-${p.find((x) => x.type === 'month')?.value}-${p.find((x) => x.type === 'day')?.value}`,
          hour: Number(p.find((x) => x.type === 'hour')?.value),
        }))
        .filter((x) => x.date === day)
        .map((x) => x.hour);
      // One nudge per working hour, 09:00 … 17:00 local: nine, each hour once.
      expect(onDay).toEqual([9, 10, 11, 12, 13, 14, 15, 16, 17]);
    },
  );
});

describe('Slack errors', () => {
  it('ratelimited holds that channel’s posts until Retry-After', async () => {
    const h = await harness({ now: '2026-11-23T08:00:00Z' });
    await openViaCommand(h, 'Acme: late delivery');
    await openViaCommand(h, 'Beta: wrong invoice');
    h.fake.failNext('chat.postMessage', { status: 429, retryAfter: 30 });
    h.clock.set('2026-11-23T12:30:00Z');
    await h.amends.reminders.tick();
    expect(postCalls(h)).toHaveLength(1);
    h.clock.advance(10_000);
    await h.amends.reminders.tick();
    expect(postCalls(h)).toHaveLength(1);
    h.clock.advance(25_000);
    await h.amends.reminders.tick();
    expect(reminderPosts(h)).toHaveLength(2);
  });

  const CHANNEL_GONE = ['channel_not_found', 'not_in_channel', 'is_archived', 'account_inactive'];

  /** A case whose first nudge Slack refuses with `code`. */
  async function refusedWith(code: string) {
    const h = await harness({ now: '2026-11-23T08:00:00Z' });
    const c = await openViaCommand(h, 'Acme: late delivery');
    h.fake.failNext('chat.postMessage', code, 1);
    h.clock.set('2026-11-23T12:30:00Z');
    const r = await h.amends.reminders.tick();
    return { h, c, r };
  }

  it.each(CHANNEL_GONE)('%s marks the reminder failed', async (code) => {
    const { h, c, r } = await refusedWith(code);
    expect(r.failed).toBe(1);
    const row = (await h.amends.reminderRepo.forCase(TEAM, c.id))[0];
    expect(row?.status).toBe('failed');
    expect(row?.error).toBe(code);
  });

  it.each(CHANNEL_GONE)('%s flags the case on its message', async (code) => {
    const { h, c } = await refusedWith(code);
    expect((await refresh(h, c)).deliveryProblem).toBe(code);
    const update = h.fake.callsTo('chat.update').at(-1);
    // Said in words on the case message (check the channel), never as Slack's code.
    const shown = JSON.stringify(update?.args.blocks);
    expect(shown).toContain(JSON.stringify(en.case.deliveryProblem).slice(1, -1));
    expect(shown).not.toContain(code);
  });

  it.each(CHANNEL_GONE)('%s is not retried', async (code) => {
    const { h } = await refusedWith(code);
    const before = postCalls(h).length;
    for (let i = 0; i < 5; i++) {
      h.clock.advance(60_000);
      await h.amends.reminders.tick();
    }
    expect(postCalls(h).length).toBe(before);
  });

  it.each(['invalid_auth', 'token_revoked'])(
    '%s pauses the workspace’s reminders',
    async (code) => {
      const h = await harness({ now: '2026-11-23T08:00:00Z' });
      await openViaCommand(h, 'Acme: late delivery');
      h.fake.failNext('chat.postMessage', code, 1);
      h.clock.set('2026-11-23T12:30:00Z');
      await h.amends.reminders.tick();
      expect(await h.amends.workspaces.pausedReason(TEAM)).toBe(code);
      const before = postCalls(h).length;
      h.clock.advance(3_600_000);
      await h.amends.reminders.tick();
      expect(postCalls(h).length).toBe(before);
      await h.amends.workspaces.resume(TEAM);
      await h.amends.reminders.tick();
      expect(reminderPosts(h)).toHaveLength(1);
    },
  );
});
