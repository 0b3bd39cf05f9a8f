import ICAL from 'ical.js';
import { describe, expect, it } from 'vitest';
import { ACTION, INPUT, VIEW } from '../../src/slack/ids.js';
import { dieAfterNextInviteUpload } from '../helpers/crash.js';
import { CHANNEL, type Harness } from '../helpers/harness.js';
import {
  book,
  fresh,
  input,
  nextView,
  openCase,
  press,
  replies,
  submit,
  useHarness,
} from '../helpers/slack.js';

function parse(ics: string) {
  const comp = new ICAL.Component(ICAL.parse(ics));
  for (const tz of comp.getAllSubcomponents('vtimezone')) ICAL.TimezoneService.register(tz);
  const ev = new ICAL.Event(comp.getFirstSubcomponent('vevent') ?? undefined);
  return {
    uid: ev.uid,
    sequence: ev.sequence,
    start: ev.startDate.toJSDate(),
    summary: ev.summary,
  };
}

describe('the meeting invite', () => {
  const ctx = useHarness();

  it('booking the meeting uploads an .ics into the case thread with a Google Calendar link', async () => {
    const { h } = ctx;
    const o = await openCase(h);
    await book(h, o, '2026-11-27', '15:00'); // Maria works in Rome: 14:00Z
    const file = h.fake.files.at(-1);
    expect(file?.channel).toBe(CHANNEL);
    expect(file?.thread_ts).toBe(o.parent.ts);
    expect(file?.filename).toMatch(/\.ics$/);
    expect(file?.initial_comment).toContain(
      'https://calendar.google.com/calendar/render?action=TEMPLATE',
    );
    const ev = parse(file?.content.toString('utf8') ?? '');
    expect(ev.start.toISOString()).toBe('2026-11-27T14:00:00.000Z');
    expect(ev.summary).toContain('Acme Corp');
  });

  it('moving the meeting sends an update: same UID, higher SEQUENCE, new time', async () => {
    const { h } = ctx;
    const o = await openCase(h);
    await book(h, o, '2026-11-27', '15:00');
    await book(h, o, '2026-11-30', '10:30');
    const [first, second] = h.fake.files.slice(-2).map((f) => parse(f.content.toString('utf8')));
    expect(second?.uid).toBe(first?.uid);
    expect(second?.sequence ?? 0).toBeGreaterThan(first?.sequence ?? 0);
    expect(second?.start.toISOString()).toBe('2026-11-30T09:30:00.000Z');
    // The thread says it was moved, not booked again.
    const said = replies(h, o.parent.ts).map((m) => m.text);
    expect(said.filter((t) => t.includes('booked the meeting for'))).toHaveLength(1);
    expect(said.filter((t) => t.includes('moved the meeting to'))).toHaveLength(1);
  });

  it('is never uploaded into a channel shared with the client', async () => {
    const { h } = ctx;
    const o = await openCase(h);
    h.fake.shareChannel(CHANNEL, 'ext');
    h.clock.advance(6 * 60_000); // past the sharing cache
    const before = h.fake.files.length;
    await book(h, o, '2026-11-27', '15:00');
    expect(h.fake.files.length).toBe(before);
  });
});

describe('the second meeting, to show the fix', () => {
  const ctx = useHarness();

  it('waits for the first meeting, then is open with no due date', async () => {
    const { h } = ctx;
    const o = await openCase(h);
    expect((await fresh(h, o.c)).steps.find((s) => s.key === 'fix_meeting')?.status).toBe(
      'waiting',
    );
    await book(h, o, '2026-11-27', '15:00');
    const c = await fresh(h, o.c);
    const fix = c.steps.find((s) => s.key === 'fix_meeting');
    expect(fix?.status).toBe('pending');
    // No nudges for it: it is booked when the fix is ready.
    expect(fix?.dueAt).toBeNull();
  });

  /** The first meeting booked, then the meeting to show the fix from its own button. */
  async function fixBooked(h: Harness) {
    const o = await openCase(h);
    await book(h, o, '2026-11-27', '15:00');
    const first = parse(h.fake.files.at(-1)?.content.toString('utf8') ?? '');
    const n = h.fake.callsTo('views.open').length;
    const parent = h.fake.findMessage(CHANNEL, o.parent.ts) ?? o.parent;
    await press(h, parent, ACTION.meeting, { step: 'fix_meeting' });
    const view = await nextView(h, VIEW.meeting, n);
    await submit(h, view, {
      ...input.date(INPUT.meetingDate, '2026-12-10'),
      ...input.time(INPUT.meetingTime, '11:00'),
    });
    return { o, first };
  }

  it('booking it sends its own invite (another UID)', async () => {
    const { h } = ctx;
    const { first } = await fixBooked(h);
    const second = parse(h.fake.files.at(-1)?.content.toString('utf8') ?? '');
    expect(second.uid).not.toBe(first.uid);
    expect(second.summary).toContain('to show the fix');
    expect(second.start.toISOString()).toBe('2026-12-10T10:00:00.000Z');
  });

  it('booking it closes the optional step', async () => {
    const { h } = ctx;
    const { o } = await fixBooked(h);
    const after = await fresh(h, o.c);
    expect(after.fixMeetingAt?.toISOString()).toBe('2026-12-10T10:00:00.000Z');
    expect(after.steps.find((s) => s.key === 'fix_meeting')?.status).toBe('done');
    expect(
      replies(h, o.parent.ts).filter((m) => m.text.includes('set the meeting to show the fix for')),
    ).toHaveLength(1);
    expect(JSON.stringify(h.fake.findMessage(CHANNEL, o.parent.ts)?.blocks)).toContain(
      'Meeting to show the fix',
    );
  });
});

describe('moving a meeting', () => {
  const ctx = useHarness();

  it('the form says "Move", showing the booked time in the clicker’s zone', async () => {
    const { h } = ctx;
    const o = await openCase(h);
    await book(h, o, '2026-11-27', '15:00'); // Maria works in Rome: 14:00Z
    const n = h.fake.callsTo('views.open').length;
    const parent = h.fake.findMessage(CHANNEL, o.parent.ts) ?? o.parent;
    await press(h, parent, ACTION.moveMeeting);
    const moving = JSON.stringify(await nextView(h, VIEW.meeting, n));
    expect(moving).toContain('"Move the meeting"');
    expect(moving).toContain('"initial_date":"2026-11-27"');
    expect(moving).toContain('"initial_time":"15:00"');
  });

  it('the fix meeting moves too, keeping its UID', async () => {
    const { h } = ctx;
    const o = await openCase(h);
    await book(h, o, '2026-11-27', '15:00');
    let parent = h.fake.findMessage(CHANNEL, o.parent.ts) ?? o.parent;
    // The second meeting, to show the fix: booked, then moved from the case's message.
    let n = h.fake.callsTo('views.open').length;
    await press(h, parent, ACTION.meeting, { step: 'fix_meeting' });
    const booking = await nextView(h, VIEW.meeting, n);
    expect(JSON.stringify(booking)).toContain('"Book the meeting"');
    await submit(h, booking, {
      ...input.date(INPUT.meetingDate, '2026-12-10'),
      ...input.time(INPUT.meetingTime, '11:00'),
    });
    const first = parse(h.fake.files.at(-1)?.content.toString('utf8') ?? '');
    parent = h.fake.findMessage(CHANNEL, o.parent.ts) ?? o.parent;
    n = h.fake.callsTo('views.open').length;
    await press(h, parent, ACTION.moveFixMeeting);
    const view = await nextView(h, VIEW.meeting, n);
    expect(JSON.stringify(view)).toContain('"initial_date":"2026-12-10"');
    await submit(h, view, {
      ...input.date(INPUT.meetingDate, '2026-12-11'),
      ...input.time(INPUT.meetingTime, '16:30'),
    });
    expect((await fresh(h, o.c)).fixMeetingAt?.toISOString()).toBe('2026-12-11T15:30:00.000Z');
    const second = parse(h.fake.files.at(-1)?.content.toString('utf8') ?? '');
    expect(second.uid).toBe(first.uid);
    expect(second.sequence).toBeGreaterThan(first.sequence);
    const said = replies(h, o.parent.ts).map((m) => m.text);
    expect(said.filter((t) => t.includes('moved the meeting to show the fix to'))).toHaveLength(1);
    expect(said.filter((t) => t.includes('set the meeting to show the fix for'))).toHaveLength(1);
  });
});

describe('the invite is an outbox row, stored with the meeting', () => {
  const ctx = useHarness();
  /** The case's invites as the outbox holds them: how many wait, and the files of those sent. */
  const invites = async (h: Harness, c: { teamId: string; id: number }) => ({
    pending: (await h.amends.store.repos.lines.pendingFor(c.teamId, c.id)).filter(
      (l) => l.body.invite,
    ).length,
    sent: (await h.amends.store.repos.lines.sentFor(c.teamId, c.id)).filter((ts) =>
      ts.startsWith('file:'),
    ),
  });

  it('an upload Slack refused goes out with the next sweep, once', async () => {
    const { h } = ctx;
    const o = await openCase(h);
    h.fake.failNext('files.getUploadURLExternal', { status: 500 });
    const before = h.fake.files.length;
    await book(h, o, '2026-11-27', '15:00');
    expect(h.fake.files.length).toBe(before);
    expect(await invites(h, o.c)).toEqual({ pending: 1, sent: [] });
    h.clock.advance(2 * 60_000);
    await h.amends.deliverPendingLines();
    await h.amends.deliverPendingLines();
    expect(h.fake.files.length).toBe(before + 1);
    expect(await invites(h, o.c)).toEqual({
      pending: 0,
      sent: [`file:${h.fake.files.at(-1)?.id}`],
    });
  });

  it('a run that died after the upload, before recording it: the sweep finds the file by name instead of uploading again', async () => {
    const { h } = ctx;
    const o = await openCase(h);
    const before = h.fake.files.length;
    // What a crash right after Slack's answer leaves: the file uploaded, the row still pending.
    const restore = dieAfterNextInviteUpload();
    await book(h, o, '2026-11-27', '15:00');
    restore();
    const uploaded = h.fake.files.length;
    expect(uploaded).toBe(before + 1);
    expect(await invites(h, o.c)).toEqual({ pending: 1, sent: [] });
    h.clock.advance(2 * 60_000);
    await h.amends.deliverPendingLines();
    expect(h.fake.files.length).toBe(uploaded);
    expect(await invites(h, o.c)).toEqual({
      pending: 0,
      sent: [`file:${h.fake.files.at(-1)?.id}`],
    });
  });
});
