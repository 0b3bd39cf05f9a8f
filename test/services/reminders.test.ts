import { afterEach, describe, expect, it } from 'vitest';
import { parsePlaybook } from '../../src/domain/playbook.js';
import { openViaCommand, refresh, reminderKeys, reminderPosts, step } from '../helpers/cases.js';
import { type Harness, MARIA, startHarness, TEAM } from '../helpers/harness.js';
import { click } from '../helpers/slack.js';

const HOUR = 3_600_000;

let h: Harness;
afterEach(async () => {
  await h?.close();
});

/** Advances the injected clock in steps, ticking at each, as cron would. */
async function tickEvery(minutes: number, untilIso: string): Promise<void> {
  const end = new Date(untilIso).getTime();
  while (h.clock.now().getTime() < end) {
    h.clock.advance(minutes * 60_000);
    await h.amends.reminders.tick();
  }
}

describe('nudges', () => {
  /** Opens a case Monday 09:00 Rome and ticks just before, then at, its own-up's due time. */
  async function firstNudge() {
    // Monday 09:00 Rome (08:00Z); Maria works in Europe/Rome. Major own_up is due in 4 working hours: 13:00 Rome.
    h = await startHarness({ now: '2026-11-23T08:00:00Z' });
    const c = await openViaCommand(h, 'Acme Corp: shipped the wrong pallets to Turin');
    expect(step(c, 'own_up').dueAt?.toISOString()).toBe('2026-11-23T12:00:00.000Z');

    h.clock.set('2026-11-23T11:59:00Z');
    await h.amends.reminders.tick();
    expect(reminderPosts(h)).toHaveLength(0);

    h.clock.set('2026-11-23T12:00:00Z');
    await h.amends.reminders.tick();
    const posts = reminderPosts(h, c);
    expect(posts).toHaveLength(1);
    return { c, p: posts[0] };
  }

  it('posts the first nudge when a step comes due, keyed in its metadata', async () => {
    const { c, p } = await firstNudge();
    expect(p?.metadata?.event_payload.key).toBe(`${c.id}:own_up:nudge:1`);
    const row = (await h.amends.reminderRepo.forCase(TEAM, c.id))[0];
    expect(row?.status).toBe('sent');
    expect(row?.messageTs).toBe(p?.ts);
  });

  it('the first nudge mentions the owner', async () => {
    const { p } = await firstNudge();
    expect(p?.text).toContain(`<@${MARIA}>`);
  });

  it('the first nudge carries Done, Snooze buttons', async () => {
    const { p } = await firstNudge();
    const actions = (
      (p?.blocks ?? []) as { type: string; elements?: { action_id?: string }[] }[]
    ).find((b) => b.type === 'actions');
    expect(actions?.elements?.map((e) => e.action_id)).toEqual([
      'amends_step_done',
      'amends_step_snooze',
    ]);
  });

  it('nudges a case at most once a working day, repeating an open step the next day', async () => {
    h = await startHarness({ now: '2026-11-23T08:00:00Z' });
    const c = await openViaCommand(h, 'Acme: late delivery');
    // 13:00 Rome first nudge; its 4-working-hour repeat (17:00) waits for the next working day.
    await tickEvery(15, '2026-11-23T22:59:00Z');
    expect(reminderKeys(h)).toEqual([`${c.id}:own_up:nudge:1`]);
    await tickEvery(15, '2026-11-24T16:59:00Z');
    expect(reminderKeys(h)).toEqual([`${c.id}:own_up:nudge:1`, `${c.id}:own_up:nudge:2`]);
  });

  it('Done stops the nudges of its step', async () => {
    h = await startHarness({ now: '2026-11-23T08:00:00Z' });
    const c = await openViaCommand(h, 'Acme: late delivery');
    await tickEvery(15, '2026-11-23T22:59:00Z');
    expect(reminderKeys(h)).toEqual([`${c.id}:own_up:nudge:1`]);
    const own = step(await refresh(h, c), 'own_up');
    await click(h, { action_id: 'amends_step_done', value: `${c.id}|own_up|${own.version}` });
    expect(step(await refresh(h, c), 'own_up').status).toBe('done');
    await tickEvery(30, '2026-11-26T18:00:00Z');
    expect(reminderKeys(h).filter((k) => k.includes(':own_up:'))).toHaveLength(1);
  });

  it('waits for the morning when a reminder comes due at night, in the owner’s time zone', async () => {
    // Friday 17:30 Rome: own_up (4 working hours) is due Monday 12:30 Rome; nothing over the weekend.
    h = await startHarness({ now: '2026-11-20T16:30:00Z' });
    const c = await openViaCommand(h, 'Acme: wrong invoice', { user: MARIA });
    expect(step(c, 'own_up').dueAt?.toISOString()).toBe('2026-11-23T11:30:00.000Z');
    await tickEvery(30, '2026-11-23T11:00:00Z');
    expect(reminderPosts(h)).toHaveLength(0);
    await tickEvery(30, '2026-11-23T12:00:00Z');
    expect(reminderPosts(h)).toHaveLength(1);
  });

  it('defers a nudge that falls outside working hours in the owner’s zone', async () => {
    // Joan works in New York; a step due at 17:59 New York whose repeat lands at night waits for 09:00 New York.
    h = await startHarness({ now: '2026-11-23T14:00:00Z' }); // 09:00 New York
    const c = await openViaCommand(h, 'Acme: wrong invoice', { user: 'U0JOAN001' });
    expect(step(c, 'own_up').dueAt?.toISOString()).toBe('2026-11-23T18:00:00.000Z'); // 13:00 NY
    await tickEvery(10, '2026-11-25T13:50:00Z');
    const times = reminderPosts(h).map((m) => Number(m.ts.split('.')[0]) * 1000);
    for (const t of times) {
      const hourNY = Number(
        new Intl.DateTimeFormat('en-US', {
          timeZone: 'America/New_York',
          hour: 'numeric',
          hourCycle: 'h23',
        }).format(t),
      );
      expect(hourNY).toBeGreaterThanOrEqual(9);
      expect(hourNY).toBeLessThan(18);
    }
    // Monday 13:00 NY, then Tuesday 09:00 (the repeat falls at 17:00, past the day's one post);
    // Wednesday's waits for 09:00 NY (14:00Z).
    expect(times).toEqual([Date.parse('2026-11-23T18:00:00Z'), Date.parse('2026-11-24T14:00:00Z')]);
  });

  it('critical own_up ignores working hours (playbook default)', async () => {
    h = await startHarness({ now: '2026-11-21T22:00:00Z' }); // Saturday 23:00 Rome
    await h.command('/incident');
    const c = await openViaCommand(h, 'Acme: data leak');
    // Planted as critical through the repository, to keep this test about reminders (no use-case
    // changes a case's severity): own_up due, and its nudge planned, at midnight.
    const midnight = new Date('2026-11-22T00:00:00Z');
    await h.amends.caseRepo.save({
      ...c,
      severity: 'critical',
      steps: c.steps.map((s) =>
        s.key === 'own_up' ? { ...s, dueAt: midnight, nextRemindAt: midnight } : s,
      ),
    });
    await tickEvery(15, '2026-11-22T00:15:00Z');
    expect(reminderKeys(h)).toContain(`${c.id}:own_up:nudge:1`);
  });
});

describe('escalation', () => {
  /** Maria opens a case owned by Nikos; nobody acts on it for two and a half days. */
  async function escalated() {
    const playbook = parsePlaybook({ escalationTarget: 'S0LEADS01' });
    h = await startHarness({ now: '2026-11-23T08:00:00Z', playbook });
    const c = await openViaCommand(h, 'Acme: broken build', { user: MARIA });
    // Hand the case to Nikos so the creator (Maria) differs from the owner.
    await h.amends.caseRepo.save({ ...c, ownerId: 'U0NIKOS01' });
    await tickEvery(30, '2026-11-25T16:00:00Z');
    const esc = reminderPosts(h, c).filter((m) =>
      String(m.metadata?.event_payload.key).includes(':escalation:'),
    );
    expect(esc.map((m) => m.metadata?.event_payload.key)).toContain(`${c.id}:own_up:escalation:1`);
    const ownUpEsc = esc.filter((m) =>
      String(m.metadata?.event_payload.key).startsWith(`${c.id}:own_up:`),
    );
    return ownUpEsc;
  }

  it('escalates an overdue step once', async () => {
    expect(await escalated()).toHaveLength(1);
  });

  it('an escalation mentions the creator, the escalation target, the owner', async () => {
    const ownUpEsc = await escalated();
    expect(ownUpEsc[0]?.text).toContain('<@U0MARIA01>');
    expect(ownUpEsc[0]?.text).toContain('<!subteam^S0LEADS01>');
    expect(ownUpEsc[0]?.text).toContain('<@U0NIKOS01>');
  });
});

describe('client answer cadences', () => {
  it('refused → keep-trying follow-ups at +7/+14/+30/+60/+90 days, then (a week on) asks to mark lost or schedule more', async () => {
    h = await startHarness({ now: '2026-11-23T08:00:00Z' });
    const c = await openViaCommand(h, 'Acme: late delivery');
    await click(h, { action_id: 'amends_case_refused', value: `${c.id}|${c.version}` });
    expect((await refresh(h, c)).answer).toBe('refused');
    await tickEvery(60 * 6, '2027-03-01T12:00:00Z');
    const keep = reminderKeys(h).filter((k) => k.includes(':keep_trying:'));
    // Nobody records a follow-up: once a date has gone by with none, the case goes quiet once.
    expect(keep).toEqual([
      `${c.id}:keep_trying:cadence:1`,
      `${c.id}:keep_trying:cadence:2`,
      `${c.id}:keep_trying:stalled:1`,
      `${c.id}:keep_trying:cadence:3`,
      `${c.id}:keep_trying:cadence:4`,
      `${c.id}:keep_trying:cadence:5`,
      `${c.id}:keep_trying:cadence_end:6`,
    ]);
    const first = reminderPosts(h, c).find(
      (m) => m.metadata?.event_payload.key === `${c.id}:keep_trying:cadence:1`,
    );
    // +7 days from Monday 09:00 Rome → Monday 30 Nov 09:00 Rome
    expect(Number(first?.ts.split('.')[0]) * 1000).toBeGreaterThanOrEqual(
      Date.parse('2026-11-30T08:00:00Z'),
    );
    expect(Number(first?.ts.split('.')[0]) * 1000).toBeLessThan(Date.parse('2026-11-30T14:00:00Z'));
    const last = reminderPosts(h, c).find((m) =>
      String(m.metadata?.event_payload.key).includes('cadence_end'),
    );
    // Its own buttons come first; the steps still overdue follow, each with its own.
    const ids = ((last?.blocks ?? []) as { type: string; elements?: { action_id?: string }[] }[])
      .find((b) => b.type === 'actions')
      ?.elements?.map((e) => e.action_id);
    expect(ids).toEqual(['amends_case_more', 'amends_case_close']);
  });

  it('accepted → weekly check-ins for 4 weeks, then (a week on) the offer to close', async () => {
    h = await startHarness({ now: '2026-11-23T08:00:00Z' });
    const c = await openViaCommand(h, 'Acme: late delivery');
    await click(h, { action_id: 'amends_case_accepted', value: `${c.id}|${c.version}` });
    expect((await refresh(h, c)).answer).toBe('accepted');
    await tickEvery(60 * 6, '2027-01-10T12:00:00Z');
    expect(reminderKeys(h).filter((k) => k.includes(':check_in:'))).toEqual([
      `${c.id}:check_in:cadence:1`,
      `${c.id}:check_in:cadence:2`,
      `${c.id}:check_in:cadence:3`,
      `${c.id}:check_in:cadence:4`,
      `${c.id}:check_in:cadence_end:5`,
    ]);
  });

  it('the day before the meeting the owner gets one reminder to prepare, with the outline summary', async () => {
    h = await startHarness({ now: '2026-11-23T08:00:00Z' });
    const c = await openViaCommand(h, 'Acme: late delivery');
    const outline = {
      happened: 'Late',
      why: 'Stock',
      prevention: 'Buffer',
      summary: 'We were late. We added a buffer.',
    };
    await h.amends.cases.outline({ teamId: TEAM, caseId: c.id, actor: MARIA }, outline);
    await h.amends.cases.meeting(
      { teamId: TEAM, caseId: c.id, actor: MARIA },
      new Date('2026-11-27T14:00:00Z'),
    );
    await tickEvery(30, '2026-11-26T15:00:00Z');
    const prep = reminderPosts(h, c).filter((m) =>
      String(m.metadata?.event_payload.key).includes('meeting_prep'),
    );
    expect(prep).toHaveLength(1);
    expect(JSON.stringify(prep[0]?.blocks)).toContain('We were late. We added a buffer.');
    expect(Number(prep[0]?.ts.split('.')[0]) * 1000).toBeGreaterThanOrEqual(
      Date.parse('2026-11-26T14:00:00Z') - HOUR,
    );
  });
});

describe('snooze', () => {
  it('moves the next nudge to the snooze end', async () => {
    h = await startHarness({ now: '2026-11-23T08:00:00Z' });
    const c = await openViaCommand(h, 'Acme: late delivery');
    const own = step(c, 'own_up');
    await click(h, {
      type: 'overflow',
      action_id: 'amends_step_snooze',
      selected_value: `${c.id}|own_up|${own.version}|next_week`,
    });
    expect(step(await refresh(h, c), 'own_up').status).toBe('snoozed');
    await tickEvery(60, '2026-11-30T07:00:00Z');
    expect(reminderKeys(h).filter((k) => k.includes(':own_up:'))).toHaveLength(0);
    const before = reminderPosts(h, c).length;
    expect(JSON.stringify(reminderPosts(h, c).map((m) => m.blocks))).not.toContain(
      `"${c.id}|own_up|`,
    );
    await tickEvery(15, '2026-11-30T08:30:00Z'); // Monday 09:00 Rome
    // The snooze ended: Monday's one post lists own_up again, with its buttons.
    const monday = reminderPosts(h, c).slice(before);
    expect(monday).toHaveLength(1);
    expect(JSON.stringify(monday[0]?.blocks)).toContain(`"${c.id}|own_up|`);
  });
});
