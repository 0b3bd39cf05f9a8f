import { afterEach, describe, expect, it, vi } from 'vitest';
import type { RecoveryCase } from '../../src/domain/recoveryCase.js';
import { en } from '../../src/i18n/en.js';
import type { StoredMessage } from '../../src/sandbox/fakeSlack.js';
import { ReportService } from '../../src/services/reports.js';
import { outcomeBlocks } from '../../src/slack/blocks/report.js';
import { ReminderRepo } from '../../src/store/reminderRepo.js';
import { openViaCommand, refresh, reminderPosts, step, threadReplies } from '../helpers/cases.js';
import { type Harness, MARIA, present, startHarness, TEAM } from '../helpers/harness.js';
import { click } from '../helpers/slack.js';

const JOAN = 'U0JOAN001';

let h: Harness;
afterEach(async () => {
  await h?.close();
});

/** Moves the injected clock in steps, ticking at each, as cron would (no sleeping). */
async function tickEvery(minutes: number, untilIso: string): Promise<void> {
  const end = new Date(untilIso).getTime();
  while (h.clock.now().getTime() < end) {
    h.clock.advance(minutes * 60_000);
    await h.amends.reminders.tick();
  }
}

/** An outline: writing it is an action on the case that leaves the own-up as it is. */
const OUTLINE = {
  happened: 'Wrong pallets.',
  why: 'Same reference.',
  prevention: 'Check twice.',
  summary: 'Sorry.',
};
const postedAt = (m: StoredMessage): Date => new Date(Number(m.ts.split('.')[0]) * 1000);
const localDay = (d: Date, tz: string) =>
  new Intl.DateTimeFormat('en-CA', { timeZone: tz }).format(d);
const localHour = (d: Date, tz: string) =>
  Number(
    new Intl.DateTimeFormat('en-US', { timeZone: tz, hour: 'numeric', hourCycle: 'h23' }).format(d),
  );
const kindOf = (m: StoredMessage) => String(m.metadata?.event_payload.kind);

/** Joan (New York) opens a case for Maria (Rome) to own: the owner and the creator differ. */
async function openForMaria(text: string): Promise<RecoveryCase> {
  const c = await openViaCommand(h, text, { user: JOAN });
  await h.amends.caseRepo.save({ ...c, ownerId: MARIA, tz: 'Europe/Rome' });
  return refresh(h, c);
}

describe('a case nobody touches for two weeks', () => {
  /** Joan opens a case for Maria on Monday 09:00 Rome; nobody touches it for two weeks. */
  const neglected = async () => {
    h = await startHarness({ now: '2026-11-23T08:00:00Z' });
    const c = await openForMaria('Acme: shipped the wrong pallets');
    await tickEvery(15, '2026-12-07T08:00:00Z');
    const pings = reminderPosts(h, c).filter((m) => ['escalation', 'stalled'].includes(kindOf(m)));
    return { c, pings };
  };

  it('posts at most 2 thread messages a day, 12 in two weeks', async () => {
    const { c } = await neglected();
    const posts = threadReplies(h, c); // the first reply included
    const perDay = new Map<string, number>();
    for (const m of posts) {
      const d = localDay(postedAt(m), 'Europe/Rome');
      perDay.set(d, (perDay.get(d) ?? 0) + 1);
    }
    expect(Math.max(...perDay.values())).toBeLessThanOrEqual(2);
    expect(posts.length).toBeLessThanOrEqual(12);
    // The README's figure: the first reply, four nudges, one escalation, one "gone quiet".
    expect(posts).toHaveLength(7);
    // It did speak: a neglected case is not silent either.
    expect(reminderPosts(h, c).length).toBeGreaterThanOrEqual(4);
  });

  it('escalates once for the whole stretch, pinging the creator inside her working hours', async () => {
    const { pings } = await neglected();
    // One escalation for the whole stretch without action (not one per overdue step), and one
    // when the case goes quiet.
    expect(pings.map(kindOf)).toEqual(['escalation', 'stalled']);
    // Escalations (and going quiet) ping Joan: each one inside her working hours in New York.
    for (const m of pings) {
      expect(m.text).toContain(`<@${JOAN}>`);
      const hour = localHour(postedAt(m), 'America/New_York');
      expect(hour).toBeGreaterThanOrEqual(9);
      expect(hour).toBeLessThan(17);
    }
  });

  it('goes quiet once', async () => {
    const { c, pings } = await neglected();
    expect(pings.filter((m) => kindOf(m) === 'stalled')).toHaveLength(1);
    expect((await refresh(h, c)).calm.stalledAt).not.toBeNull();
  });

  it('shows on its parent that it has gone quiet', async () => {
    const { c } = await neglected();
    const stalled = await refresh(h, c);
    expect(stalled.calm.stalledAt).not.toBeNull();
    const parent = h.fake.messages.find((m) => m.ts === c.messageTs);
    expect(JSON.stringify(parent?.blocks)).toContain('case_stalled');
  });

  it('one action lifts the quiet, back to daily nudges', async () => {
    h = await startHarness({ now: '2026-11-23T08:00:00Z' });
    const c = await openViaCommand(h, 'Acme: late delivery');
    await tickEvery(30, '2026-12-02T08:00:00Z');
    expect((await refresh(h, c)).calm.stalledAt).not.toBeNull();
    const own = step(await refresh(h, c), 'own_up');
    await click(h, { action_id: 'amends_step_done', value: `${c.id}|own_up|${own.version}` });
    expect((await refresh(h, c)).calm.stalledAt).toBeNull();
    const parent = h.fake.messages.find((m) => m.ts === c.messageTs);
    expect(JSON.stringify(parent?.blocks)).not.toContain('case_stalled');
    const before = reminderPosts(h, c).length;
    await tickEvery(30, '2026-12-04T08:00:00Z'); // Wed → Fri morning: two working days
    expect(reminderPosts(h, c).length - before).toBe(2);
  });
});

describe('a case that has gone quiet', () => {
  it('posts once a week at the same local hour, week after week, however late each tick runs', async () => {
    h = await startHarness({ now: '2026-11-23T08:00:00Z' });
    const c = await openViaCommand(h, 'Acme: shipped the wrong pallets');
    // Hourly ticks, each a few seconds late by a different amount (as a real tick runs late by
    // its work): a weekly date taken from the last post's exact instant falls a few seconds after
    // the tick a week on, and the post slips an hour, one more each week.
    const start = h.clock.now().getTime();
    for (let k = 1; k <= 24 * 7 * 9; k++) {
      h.clock.set(new Date(start + k * 3_600_000 + (k % 5) * 10_000).toISOString());
      await h.amends.reminders.tick();
    }
    const posts = reminderPosts(h, c);
    const stalledAt = posts.findIndex((m) => kindOf(m) === 'stalled');
    const weekly = posts.slice(stalledAt + 1);
    expect(weekly.length).toBeGreaterThanOrEqual(6);
    const hours = weekly.map((m) => localHour(postedAt(m), 'Europe/Rome'));
    expect(new Set(hours)).toEqual(new Set([9])); // the start of the owner's working day
    for (let i = 1; i < weekly.length; i++) {
      const days =
        (postedAt(weekly[i] as StoredMessage).getTime() -
          postedAt(weekly[i - 1] as StoredMessage).getTime()) /
        86_400_000;
      expect(days).toBeGreaterThan(6.9);
      expect(days).toBeLessThan(9); // a weekend or a holiday may push one on
    }
  });
});

describe('after downtime or a clock jump', () => {
  it('a case gets one catch-up post, however long the gap', async () => {
    h = await startHarness({ now: '2026-11-23T08:00:00Z' });
    const c = await openViaCommand(h, 'Acme: late delivery');
    h.clock.set('2026-12-01T09:00:00Z'); // eight days later, one tick
    await h.amends.reminders.tick();
    await tickEvery(5, '2026-12-01T16:00:00Z');
    const posts = reminderPosts(h, c).filter(
      (m) => localDay(postedAt(m), 'Europe/Rome') === '2026-12-01',
    );
    expect(posts).toHaveLength(1);
  });
});

describe('the method after the answer', () => {
  const PRE_ANSWER = ['outline', 'meeting', 'apologize', 'compensation'];
  /** A case opened Monday 08:00Z and accepted by the client at once. */
  const accepted = async () => {
    h = await startHarness({ now: '2026-11-23T08:00:00Z' });
    const c = await openViaCommand(h, 'Acme: late delivery');
    await click(h, { action_id: 'amends_case_accepted', value: `${c.id}|${c.version}` });
    return c;
  };

  it('after "Client accepted" the steps before the answer read "not needed now"', async () => {
    const c = await accepted();
    const after = await refresh(h, c);
    for (const key of PRE_ANSWER) {
      expect(step(after, key).status).toBe('skipped');
      expect(step(after, key).note).toBe('not_needed_after_answer');
    }
    // The corrective changes stay: a promise to keep.
    expect(step(after, 'corrective_changes').status).toBe('pending');
    const parent = h.fake.messages.find((m) => m.ts === c.messageTs);
    expect(JSON.stringify(parent?.blocks)).toContain('Not needed now');
  });

  it('after "Client accepted" nothing nudges about outline, meeting, apology or compensation', async () => {
    const c = await accepted();
    await tickEvery(60, '2026-12-07T08:00:00Z');
    const posts = reminderPosts(h, c);
    expect(posts.length).toBeGreaterThan(0);
    for (const m of posts) {
      const body = JSON.stringify(m.blocks);
      for (const key of PRE_ANSWER) expect(body).not.toContain(`"${c.id}|${key}|`);
    }
  });

  /** A case refused, then closed as lost, with its parent redrawn. */
  const closedLost = async () => {
    h = await startHarness({ now: '2026-11-23T08:00:00Z' });
    const c = await openViaCommand(h, 'Acme: late delivery');
    await click(h, { action_id: 'amends_case_refused', value: `${c.id}|${c.version}` });
    await h.amends.cases.close(
      { teamId: TEAM, caseId: c.id, actor: MARIA },
      'lost',
      'They went elsewhere',
    );
    await h.amends.presenter.refresh(await refresh(h, c));
    return c;
  };

  it('a closed case stops every nudge', async () => {
    const c = await closedLost();
    await tickEvery(240, '2027-01-30T08:00:00Z');
    expect(reminderPosts(h, c)).toHaveLength(0);
  });

  it('a closed case’s parent shows nothing as due', async () => {
    const c = await closedLost();
    const parent = h.fake.messages.find((m) => m.ts === c.messageTs);
    const text = JSON.stringify(parent?.blocks);
    expect(text).not.toMatch(/due |Overdue|To do/);
  });

  /**
   * Refused Mon 23 Nov 09:00 Rome: dates 30 Nov, 7 Dec, 23 Dec, then 22 Jan and 22 Feb. The first
   * follow-up is recorded; 7 Dec asks for follow-up 2 and nothing is recorded; 23 Dec asks again.
   */
  async function oneRecordedOneMissed() {
    h = await startHarness({ now: '2026-11-23T08:00:00Z' });
    const c = await openViaCommand(h, 'Acme: late delivery');
    await click(h, { action_id: 'amends_case_refused', value: `${c.id}|${c.version}` });
    await tickEvery(60, '2026-12-01T08:00:00Z'); // 30 Nov: follow-up 1
    const keep = step(await refresh(h, c), 'keep_trying');
    await h.amends.cases.followUp({
      teamId: TEAM,
      caseId: c.id,
      key: 'keep_trying',
      note: 'Called them',
      actor: MARIA,
      version: keep.version,
    });
    await tickEvery(60, '2026-12-24T12:00:00Z');
    return c;
  }

  const cadenceAsks = async () => {
    const c = await oneRecordedOneMissed();
    return reminderPosts(h, c).filter((m) => kindOf(m) === 'cadence');
  };

  it('follow-ups are numbered by those recorded', async () => {
    const asks = await cadenceAsks();
    const numbers = asks.map((m) => Number(/follow-up (\d+):/.exec(m.text ?? '')?.[1]));
    expect(numbers).toEqual([1, 2, 2]);
    // Each with its own idea: the second idea after the first.
    expect(asks[1]?.text).toContain(en.nudge.keepTryingIdeas[1]);
  });

  it('the ask after a missed date names it', async () => {
    const asks = await cadenceAsks();
    // The third names the date that went by with nothing recorded.
    expect(asks[1]?.text).not.toContain('Nothing is recorded');
    expect(asks[2]?.text).toContain('Nothing is recorded for this date: <!date^');
    expect(asks[2]?.text).toContain('|2026-12-07>');
  });

  it('a missed date is shown on the parent', async () => {
    const c = await oneRecordedOneMissed();
    // The parent: one follow-up recorded, 7 Dec missed, 23 Dec overdue (not "due 22 Jan").
    const kt = step(await refresh(h, c), 'keep_trying');
    expect(kt.dueAt?.toISOString()).toBe('2026-12-23T08:00:00.000Z');
    const parent = h.fake.messages.find((m) => m.ts === c.messageTs);
    const line = JSON.stringify(
      ((parent?.blocks ?? []) as { block_id?: string }[]).find(
        (b) => b.block_id === 'step_keep_trying',
      ),
    );
    expect(line).toContain('Overdue');
    expect(line).toContain(en.case.followUps(1));
    expect(line).toContain('Dates passed with nothing recorded: <!date^');
    expect(line).toContain('|2026-12-07>');
  });

  it('a missed date is counted in the outcomes', async () => {
    await oneRecordedOneMissed();
    const report = await new ReportService(h.amends.store.reports, h.clock).report(TEAM, null);
    expect(report.summary.followUps).toEqual({ n: 1, recorded: 1, missed: 1 });
    const shown = JSON.stringify(outcomeBlocks(report, en, 'all'));
    expect(shown).toContain(en.report.followUps(1, 1, 1));
  });

  /** A refused case whose keep-trying follow-up is recorded on day 4, before the +7 point. */
  const followedUp = async () => {
    h = await startHarness({ now: '2026-11-23T08:00:00Z' });
    const c = await openViaCommand(h, 'Acme: late delivery');
    await click(h, { action_id: 'amends_case_refused', value: `${c.id}|${c.version}` });
    h.clock.set('2026-11-27T10:00:00Z'); // day 4, before the +7 point
    const keep = step(await refresh(h, c), 'keep_trying');
    const ch = await h.amends.cases.followUp({
      teamId: TEAM,
      caseId: c.id,
      key: 'keep_trying',
      note: 'Offered a small trial order',
      actor: MARIA,
      version: keep.version,
    });
    return { c, keep, s: step(ch.case, 'keep_trying') };
  };

  it('a keep-trying follow-up is recorded with a note', async () => {
    const { s } = await followedUp();
    expect(s.note).toBe('Offered a small trial order');
  });

  it('a keep-trying follow-up moves the next nudge to the next point', async () => {
    const { s } = await followedUp();
    // +7 (30 Nov) is within three days: the next is +14, 7 Dec 09:00 Rome.
    expect(s.dueAt?.toISOString()).toBe('2026-12-07T08:00:00.000Z');
  });

  it('the same follow-up click again records nothing', async () => {
    const { c, keep } = await followedUp();
    // The same click again (an older version) changes nothing.
    await expect(
      h.amends.cases.followUp({
        teamId: TEAM,
        caseId: c.id,
        key: 'keep_trying',
        note: 'again',
        actor: MARIA,
        version: keep.version,
      }),
    ).rejects.toThrow();
    const events = (await h.amends.caseRepo.events(TEAM, c.id)).filter(
      (e) => e.type === 'follow_up_recorded',
    );
    expect(events).toHaveLength(1);
  });
});

describe('a refused case nobody touches', () => {
  it('over 100 days only the keep-trying cadence speaks: one post a day at most, 6 in its 90 days', async () => {
    // Mon 7 Dec 09:00 Rome. Owned up, outline written, meeting on Wed 9 Dec 14:00 Rome; the client
    // refuses after it, with the apology, the compensation and the changes still open.
    h = await startHarness({ now: '2026-12-07T08:00:00Z' });
    const c = await openViaCommand(h, 'Acme: shipped the wrong pallets');
    await h.amends.cases.complete({ teamId: TEAM, caseId: c.id, actor: MARIA }, 'own_up', null);
    await h.amends.cases.outline({ teamId: TEAM, caseId: c.id, actor: MARIA }, OUTLINE);
    await h.amends.cases.meeting(
      { teamId: TEAM, caseId: c.id, actor: MARIA },
      new Date('2026-12-09T13:00:00Z'),
    );
    await tickEvery(30, '2026-12-09T15:00:00Z');
    const before = await refresh(h, c);
    for (const key of ['apologize', 'compensation', 'corrective_changes'])
      expect(step(before, key).status, key).toBe('pending');
    await click(h, { action_id: 'amends_case_refused', value: `${c.id}|${before.version}` });
    const refusedAt = h.clock.now();
    await h.amends.presenter.refresh(await refresh(h, c));
    const said = threadReplies(h, c).length; // up to the refusal's own line

    await tickEvery(30, '2027-03-19T16:00:00Z'); // 100 days on
    const posts = threadReplies(h, c).slice(said);
    // Everything said after the refusal is the engine's, about keep trying.
    expect(posts.every((m) => m.metadata?.event_type === 'amends_reminder')).toBe(true);
    for (const m of posts)
      expect(String(m.metadata?.event_payload.key)).toMatch(new RegExp(`^${c.id}:keep_trying:`));
    // When, and what kind.
    const days = posts.map((m) => localDay(postedAt(m), 'Europe/Rome'));
    expect(days).toEqual([
      '2026-12-16', // +7
      '2026-12-23', // +14: 16 Dec went by with nothing recorded
      '2026-12-24', // the case goes quiet: its one escalation
      '2027-01-08', // +30
      '2027-02-08', // +60 (Sunday 7 Feb → Monday)
      '2027-03-09', // +90: the last date asks for the follow-up too
      '2027-03-16', // a week on: the offer to close
    ]);
    expect(posts.map(kindOf)).toEqual([
      'cadence',
      'cadence',
      'stalled',
      'cadence',
      'cadence',
      'cadence',
      'cadence_end',
    ]);
    expect(new Set(days).size).toBe(days.length); // never two on a day
    const in90 = posts.filter(
      (m) => postedAt(m).getTime() <= refusedAt.getTime() + 90 * 86_400_000,
    );
    expect(in90.length).toBeLessThanOrEqual(6);
    expect(in90).toHaveLength(6);

    // Nothing about the steps from before the answer: no button of theirs, no nudge; their names
    // come only inside each follow-up's small ask.
    const held = ['apologize', 'compensation', 'corrective_changes'] as const;
    const stillOpen = en.nudge.stillOpen(held.map((k) => `*${en.stepTitle[k]}*`).join(', '));
    for (const m of posts) {
      const body = JSON.stringify(m.blocks);
      for (const key of ['own_up', 'outline', 'meeting', 'fix_meeting', ...held])
        expect(body, `${kindOf(m)} ${key}`).not.toContain(`"${c.id}|${key}|`);
      const text = (m.text ?? '').replace(stillOpen, '');
      for (const key of held) expect(text).not.toContain(en.stepTitle[key]);
    }
    // What each says.
    const asks = posts.filter((m) => kindOf(m) === 'cadence');
    for (const m of asks) {
      expect(m.text).toContain(`<@${MARIA}>, follow-up 1:`); // none recorded yet
      expect(m.text).toContain(stillOpen);
    }
    expect(asks[0]?.text).not.toContain('Nothing is recorded');
    expect(asks[1]?.text).toContain('Nothing is recorded for this date:');
    expect(asks[3]?.text).toContain('Nothing is recorded for these 3 dates:');
    expect(asks.map((m) => (m.text ?? '').includes(en.nudge.lastFollowUp))).toEqual([
      false,
      false,
      false,
      false,
      true,
    ]);
    const quiet = posts.find((m) => kindOf(m) === 'stalled');
    expect(quiet?.text).toContain('a follow-up date went by with nothing recorded');
    expect(quiet?.text).not.toContain('once a week');
    const end = posts.find((m) => kindOf(m) === 'cadence_end');
    expect(end?.text).toContain(en.nudge.keepTryingEnd(`<@${MARIA}>`));
    expect(end?.text).toContain(en.nudge.followUpTally(0, 5));
    const ids = ((end?.blocks ?? []) as { type: string; elements?: { action_id?: string }[] }[])
      .filter((b) => b.type === 'actions')
      .flatMap((b) => b.elements?.map((e) => e.action_id) ?? []);
    expect(ids).toEqual(['amends_case_more', 'amends_case_close']);

    // The parent: the steps from before the answer are open, not overdue, and not chased; the five
    // dates show as missed.
    const parent = h.fake.messages.find((m) => m.ts === c.messageTs);
    const blocks = (parent?.blocks ?? []) as { block_id?: string }[];
    const line = (key: string) =>
      JSON.stringify(blocks.find((b) => b.block_id === `step_${key}`) ?? null);
    for (const key of held) {
      expect(line(key), key).toContain(en.case.heldAfterRefusal);
      expect(line(key), key).not.toContain('Overdue');
    }
    expect(line('keep_trying')).toContain(en.case.followUps(0));
    expect(line('keep_trying').match(/<!date\^/g)).toHaveLength(5);
  }, 120_000);
});

describe('a post planned before the refusal', () => {
  it('is not sent once the client refused: an escalation about the own-up waiting for the creator’s hours is cancelled', async () => {
    h = await startHarness({ now: '2026-11-23T08:00:00Z' });
    const c = await openForMaria('Acme: shipped the wrong pallets');
    const pendingEscalation = async () =>
      (await h.amends.reminderRepo.forCase(TEAM, c.id)).find(
        (r) => r.kind === 'escalation' && r.status === 'pending',
      );
    const end = new Date('2026-12-07T00:00:00Z').getTime();
    while (!(await pendingEscalation()) && h.clock.now().getTime() < end) {
      h.clock.advance(15 * 60_000);
      await h.amends.reminders.plan(h.clock.now());
    }
    const esc = await present(() => pendingEscalation(), 'a planned escalation');
    h.clock.advance(60_000);
    await h.amends.cases.answer({ teamId: TEAM, caseId: c.id, actor: MARIA }, 'refused');
    await tickEvery(15, new Date(h.clock.now().getTime() + 24 * 3600_000).toISOString());
    const after = (await h.amends.reminderRepo.forCase(TEAM, c.id)).find((r) => r.id === esc.id);
    expect(after).toMatchObject({ status: 'cancelled', error: 'held_after_refusal' });
  });
});

describe('a nudge planned before a click', () => {
  it('a nudge planned before someone acts on the case is not posted after the click', async () => {
    h = await startHarness({ now: '2026-11-23T08:00:00Z' }); // Monday 09:00 Rome
    const c = await openViaCommand(h, 'Acme: late delivery');
    h.clock.set('2026-11-24T08:30:00Z'); // the own-up is overdue: the tick's plan makes a nudge
    await h.amends.reminders.plan(h.clock.now());
    const planned = (await h.amends.reminderRepo.forCase(TEAM, c.id)).filter(
      (r) => r.status === 'pending',
    );
    expect(planned.map((r) => r.kind)).toContain('nudge');
    const before = reminderPosts(h, c).length;
    // Before it goes out, Maria writes the outline: she is on the case.
    h.clock.advance(60_000);
    await h.amends.cases.outline({ teamId: TEAM, caseId: c.id, actor: MARIA }, OUTLINE); // Maria acts on another step
    await h.amends.reminders.tick();
    expect(reminderPosts(h, c)).toHaveLength(before);
    const after = (await h.amends.reminderRepo.forCase(TEAM, c.id)).find(
      (r) => r.id === planned[0]?.id,
    );
    expect(after).toMatchObject({ status: 'cancelled', error: 'acted_since' });
    // The step is still overdue: it is nudged again on a later day, not dropped.
    await tickEvery(60, '2026-11-26T16:00:00Z');
    expect(reminderPosts(h, c).length).toBeGreaterThan(before);
  });
});

describe('an escalation planned before a click', () => {
  it('an escalation planned before the owner acts on another step is still sent (the step counts as escalated)', async () => {
    h = await startHarness({ now: '2026-11-23T08:00:00Z' });
    const c = await openForMaria('Acme: shipped the wrong pallets');
    const pendingEscalation = async () =>
      (await h.amends.reminderRepo.forCase(TEAM, c.id)).find(
        (r) => r.kind === 'escalation' && r.status === 'pending',
      );
    // Tick until the escalation is planned and waiting (for Joan's hours in New York).
    const end = new Date('2026-12-07T00:00:00Z').getTime();
    while (!(await pendingEscalation()) && h.clock.now().getTime() < end) {
      h.clock.advance(15 * 60_000);
      await h.amends.reminders.plan(h.clock.now());
    }
    const esc = await present(() => pendingEscalation(), 'a planned escalation');
    h.clock.advance(60_000);
    await h.amends.cases.outline({ teamId: TEAM, caseId: c.id, actor: MARIA }, OUTLINE); // Maria acts on another step
    await tickEvery(15, new Date(h.clock.now().getTime() + 24 * 3600_000).toISOString());
    const after = (await h.amends.reminderRepo.forCase(TEAM, c.id)).find((r) => r.id === esc.id);
    expect(after?.status).toBe('sent');
  });
});

describe('the morning digest', () => {
  /** Digests the owner received (a post to a user id lands in their DM with the app). */
  const dms = (h: Harness, _user: string) =>
    h.fake.messages.filter((m) => m.metadata?.event_payload.kind === 'digest');

  /**
   * Monday 09:00 Rome: three cases opened on Friday are all overdue by Monday morning. Ticks
   * through Monday 10:30 Rome; `before` is the count of thread nudges before the weekend.
   */
  const threeDueMonday = async () => {
    h = await startHarness({ now: '2026-11-20T08:00:00Z' });
    const cs = [
      await openViaCommand(h, 'Acme: late delivery'),
      await openViaCommand(h, 'Beta: wrong invoice'),
      await openViaCommand(h, 'Gamma: broken build'),
    ];
    h.clock.set('2026-11-20T16:55:00Z'); // Friday evening: nothing yet (outside the morning window)
    await h.amends.reminders.tick();
    expect(dms(h, MARIA)).toHaveLength(0);
    const before = reminderPosts(h).length;
    await tickEvery(10, '2026-11-23T09:30:00Z'); // through Monday 10:30 Rome
    return { cs, before };
  };

  it('3 cases due the same morning: one DM at the start of the day, listing each with a Done button', async () => {
    await threeDueMonday();
    const digest = dms(h, MARIA);
    expect(digest).toHaveLength(1);
    expect(digest[0]?.channel).toMatch(/^D/); // her direct message with the app
    const body = JSON.stringify(digest[0]?.blocks);
    for (const client of ['Acme', 'Beta', 'Gamma']) expect(body).toContain(client);
    expect(body.match(/"action_id":"amends_step_done"/g)?.length).toBe(3);
    // Sent at the start of her day, in her zone.
    expect(localHour(postedAt(digest[0] as StoredMessage), 'Europe/Rome')).toBe(9);
  });

  it('the morning a digest went out, that morning’s thread nudges name the owner without a ping', async () => {
    const { before } = await threeDueMonday();
    expect(dms(h, MARIA)).toHaveLength(1);
    const monday = reminderPosts(h)
      .slice(before)
      .filter((m) => localDay(postedAt(m), 'Europe/Rome') === '2026-11-23');
    expect(monday.length).toBeGreaterThan(0);
    for (const m of monday) expect(m.text).not.toContain(`<@${MARIA}>`);
  });

  it('the morning digest is sent once: the rest of the day adds none', async () => {
    const { cs } = await threeDueMonday();
    await tickEvery(30, '2026-11-23T16:00:00Z');
    expect(dms(h, MARIA)).toHaveLength(1);
    for (const c of cs) expect((await refresh(h, c)).calm.digestOn).toBe('2026-11-23');
  });

  it('reads who owns what a page at a time, letting the event loop through between pages', async () => {
    // With 10^5 open cases the read was one query holding the loop for ~70 ms: the gate turned
    // commands away as busy meanwhile. Pages of one due step here: the digest must come out the
    // same, and an immediate queued at the first page must run before the last page is read.
    h = await startHarness({ now: '2026-11-20T08:00:00Z' });
    for (const text of ['Acme: late delivery', 'Beta: wrong invoice', 'Gamma: broken build'])
      await openViaCommand(h, text);
    const page = ReminderRepo.prototype.casesDuePage;
    let pages = 0;
    let yielded: boolean | null = null;
    const spy = vi.spyOn(ReminderRepo.prototype, 'casesDuePage').mockImplementation(async function (
      this: ReminderRepo,
      before,
      after,
      _limit,
    ) {
      if (after === null) {
        yielded = false;
        setImmediate(() => {
          yielded = true;
        });
      }
      pages++;
      const p = await page.call(this, before, after, 1);
      if (!p.next) expect(yielded, 'an immediate ran between the pages').toBe(true);
      return p;
    });
    try {
      h.clock.set('2026-11-23T08:05:00Z'); // Monday 09:05 Rome
      await h.amends.reminders.tick();
    } finally {
      spy.mockRestore();
    }
    expect(pages).toBeGreaterThan(3); // one per due step: several steps per case
    expect(dms(h, MARIA)).toHaveLength(1);
    const body = JSON.stringify(dms(h, MARIA)[0]?.blocks);
    for (const client of ['Acme', 'Beta', 'Gamma']) expect(body).toContain(client);
  });

  it('the digest goes out when the first case listed already has its own-up done (it sits on that row)', async () => {
    h = await startHarness({ now: '2026-11-20T08:00:00Z' });
    const cs = [
      await openViaCommand(h, 'Acme: late delivery'),
      await openViaCommand(h, 'Beta: wrong invoice'),
      await openViaCommand(h, 'Gamma: broken build'),
    ];
    const first = cs[0] as RecoveryCase;
    await h.amends.cases.complete({ teamId: TEAM, caseId: first.id, actor: MARIA }, 'own_up', null);
    await tickEvery(10, '2026-11-23T09:30:00Z'); // through Monday 10:30 Rome
    expect(dms(h, MARIA)).toHaveLength(1);
    const row = (await h.amends.reminderRepo.forCase(TEAM, first.id)).find(
      (r) => r.kind === 'digest',
    );
    expect(row?.status).toBe('sent');
  });

  it('two cases due get their usual nudges, mentioning the owner, no digest', async () => {
    h = await startHarness({ now: '2026-11-20T08:00:00Z' });
    await openViaCommand(h, 'Acme: late delivery');
    await openViaCommand(h, 'Beta: wrong invoice');
    await tickEvery(10, '2026-11-23T09:30:00Z');
    expect(dms(h, MARIA)).toHaveLength(0);
    const monday = reminderPosts(h).filter(
      (m) => localDay(postedAt(m), 'Europe/Rome') === '2026-11-23',
    );
    expect(monday.length).toBeGreaterThan(0);
    for (const m of monday) expect(m.text).toContain(`<@${MARIA}>`);
  });
});
