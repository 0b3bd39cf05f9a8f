import ICAL from 'ical.js';
import { describe, expect, it } from 'vitest';
import { UNDO_WITHIN_MS } from '../../src/domain/recoveryCase.js';
import { en } from '../../src/i18n/en.js';
import type { StoredMessage } from '../../src/sandbox/fakeSlack.js';
import { ACTION, INPUT, VIEW } from '../../src/slack/ids.js';
import { CHANNEL, type Harness, MARIA, present, TEAM } from '../helpers/harness.js';
import {
  blockById,
  book,
  click,
  countEvents,
  elementIn,
  fresh,
  input,
  JOAN,
  NIKOS,
  newReplies,
  nextView,
  type Opened,
  OTHER_CHANNEL,
  openCase,
  press,
  replies,
  stepOf,
  submit,
  useHarness,
} from '../helpers/slack.js';

const OUTLINE = {
  happened: 'We shipped the wrong goods',
  why: 'The picking list was stale',
  prevention: 'A second check before shipping',
  summary: 'we sent you the wrong goods. It will not happen again.',
};

const parentOf = (h: Harness, o: Opened): StoredMessage =>
  h.fake.findMessage(CHANNEL, o.parent.ts) ?? o.parent;

/** Clicks `actionId` on the parent and returns the thread line it added. */
async function clickLine(
  h: Harness,
  o: Opened,
  actionId: string,
  opts: Parameters<typeof press>[3] = {},
): Promise<StoredMessage> {
  const before = replies(h, o.parent.ts).length;
  expect(await press(h, parentOf(h, o), actionId, opts)).toEqual({ status: 200, text: '' });
  const added = await newReplies(h, o.parent.ts, before);
  expect(added).toHaveLength(1);
  // As the clicker's Slack shows it now (a later click comes from this copy, button and all).
  return structuredClone(added[0]) as StoredMessage;
}

/** The Undo button on a thread line, as Slack sends its click. */
function undoOf(msg: StoredMessage): { value: string } {
  const b = blockById(msg, 'undo_line') as { accessory?: { action_id?: string; value?: string } };
  expect(b?.accessory?.action_id).toBe(ACTION.undo);
  return { value: b?.accessory?.value as string };
}

function clickUndo(
  h: Harness,
  line: StoredMessage,
  o: { user?: string; channel?: string } = {},
): ReturnType<typeof click> {
  return click(
    h,
    { action_id: ACTION.undo, block_id: 'undo_line', type: 'button', value: undoOf(line).value },
    {
      message: line,
      threadTs: line.thread_ts,
      ...(o.user ? { user: o.user } : {}),
      ...(o.channel ? { channel: o.channel } : {}),
    },
  );
}

/** The last private note `user` got. */
const lastNote = (h: Harness, user: string) =>
  present(() => h.fake.ephemerals.filter((e) => e.user === user).at(-1), 'ephemeral').text;

describe('Undo on the thread line of the last click', () => {
  const ctx = useHarness();

  /** Done on the own-up 25 minutes in, then undone 9 minutes later. */
  async function ownUpUndone(h: Harness) {
    const o = await openCase(h);
    const dueAt = stepOf(o.c, 'own_up').dueAt as Date;
    h.clock.advance(25 * 60_000);
    const line = await clickLine(h, o, ACTION.done, { step: 'own_up' });
    expect(line.text).toBe(':white_check_mark: <@U0MARIA01> marked *Own up to the client* done.');
    expect(JSON.stringify(blockById(parentOf(h, o), 'case_facts'))).toContain(
      'Client told after 25 minutes',
    );

    h.clock.advance(9 * 60_000);
    const before = replies(h, o.parent.ts).length;
    expect(await clickUndo(h, line)).toEqual({ status: 200, text: '' });
    const [said] = await newReplies(h, o.parent.ts, before);
    return { o, line, said, dueAt };
  }

  it('says in the thread what it took back, the line undone losing its button', async () => {
    const { h } = ctx;
    const { line, said } = await ownUpUndone(h);
    expect(said?.text).toBe(
      ':leftwards_arrow_with_hook: <@U0MARIA01> undid *Own up to the client* marked done. The case is back as it was before.',
    );
    // The undo line itself carries no Undo; the line undone loses its button and says so.
    expect(blockById(said as StoredMessage, 'undo_line')).toBeUndefined();
    const undone = h.fake.findMessage(CHANNEL, line.ts) as StoredMessage;
    expect(JSON.stringify(undone.blocks)).not.toContain(ACTION.undo);
    expect(JSON.stringify(blockById(undone, 'undo_used'))).toContain('Undone by <@U0MARIA01>');
    expect(undone.text).toBe(line.text);
  });

  it('takes back Done on the own-up: the step, the clock go back', async () => {
    const { h } = ctx;
    const { o, dueAt } = await ownUpUndone(h);
    const c = await fresh(h, o.c);
    expect(stepOf(c, 'own_up')).toMatchObject({
      status: 'pending',
      doneAt: null,
      doneBy: null,
      dueAt,
      nextRemindAt: dueAt,
    });
    // The version keeps growing: the buttons drawn before the undo are stale.
    expect(stepOf(c, 'own_up').version).toBe(3);
    const facts = JSON.stringify(blockById(parentOf(h, o), 'case_facts'));
    expect(facts).toContain(en.case.notToldYet);
    expect(blockById(parentOf(h, o), 'actions_own_up')).toBeDefined();
  });

  it('keeps both events: the click, its undoing', async () => {
    const { h } = ctx;
    const { o } = await ownUpUndone(h);
    const events = await h.amends.caseRepo.events(TEAM, o.c.id);
    expect(events.slice(-2)).toMatchObject([
      { type: 'step_done', actor: MARIA, stepKey: 'own_up' },
      {
        type: 'undone',
        actor: MARIA,
        stepKey: 'own_up',
        data: { undid: 'step_done', by: MARIA, at: '2026-11-23T08:25:00.000Z' },
      },
    ]);
  });

  it('plans the own-up’s reminders again', async () => {
    const { h } = ctx;
    const { o, dueAt } = await ownUpUndone(h);
    const c = await fresh(h, o.c);
    // The own-up is nudged again once it is due, as if it had never been clicked.
    h.clock.set(new Date(dueAt.getTime() + 60_000));
    await h.amends.reminders.tick();
    const sent = (await h.amends.reminderRepo.forCase(TEAM, c.id)).filter(
      (r) => r.stepKey === 'own_up' && r.kind === 'nudge' && r.status === 'sent',
    );
    expect(sent).toHaveLength(1);
  });

  /**
   * A case with Done on the own-up, then a snooze of the outline (the last click); `nothingChanged`
   * checks that the case, its events and its thread are as they were then.
   */
  async function doneThenSnoozed(h: Harness) {
    const o = await openCase(h);
    const done = await clickLine(h, o, ACTION.done, { step: 'own_up' });
    const snoozed = await clickLine(h, o, ACTION.snooze, { step: 'outline', choice: 'hour' });
    const events = await countEvents(h);
    const version = (await fresh(h, o.c)).version;
    const lines = replies(h, o.parent.ts).length;
    const nothingChanged = async () => {
      expect(await countEvents(h)).toBe(events);
      expect((await fresh(h, o.c)).version).toBe(version);
      expect(replies(h, o.parent.ts)).toHaveLength(lines);
    };
    return { o, done, snoozed, events, nothingChanged };
  }

  it('an Undo of a click the case moved on from is refused, saying why', async () => {
    const { h } = ctx;
    const { o, done, nothingChanged } = await doneThenSnoozed(h);
    // The Done is no longer the last click.
    expect(await clickUndo(h, done)).toEqual({ status: 200, text: '' });
    expect(lastNote(h, MARIA)).toBe(en.corrections.refused.moved_on);
    expect(stepOf(await fresh(h, o.c), 'own_up').status).toBe('done');
    await nothingChanged();
  });

  it('an Undo from a channel the case is not in is refused, saying why', async () => {
    const { h } = ctx;
    const { snoozed, nothingChanged } = await doneThenSnoozed(h);
    // The last line's click from another channel (a forged or copied payload).
    expect(await clickUndo(h, snoozed, { channel: OTHER_CHANNEL })).toEqual({
      status: 200,
      text: '',
    });
    expect(lastNote(h, MARIA)).toBe(en.corrections.refused.elsewhere);
    await nothingChanged();
  });

  it('an Undo by someone who neither clicked nor owns the case is refused, saying why', async () => {
    const { h } = ctx;
    const { snoozed, nothingChanged } = await doneThenSnoozed(h);
    await clickUndo(h, snoozed, { user: JOAN });
    expect(lastNote(h, JOAN)).toBe(en.corrections.refused.not_yours);
    await nothingChanged();
  });

  it('a second Undo of the same click is refused: it already was', async () => {
    const { h } = ctx;
    const { o, snoozed, events } = await doneThenSnoozed(h);
    await clickUndo(h, snoozed);
    const after = await fresh(h, o.c);
    expect(stepOf(after, 'outline')).toMatchObject({ status: 'pending', snoozedUntil: null });
    await clickUndo(h, snoozed);
    expect(lastNote(h, MARIA)).toBe(en.corrections.refused.already);
    expect((await fresh(h, o.c)).version).toBe(after.version);
    expect(await countEvents(h)).toBe(events + 1);
  });

  it('refuses an Undo once 10 minutes have passed (injected clock)', async () => {
    const { h } = ctx;
    const o = await openCase(h);
    const line = await clickLine(h, o, ACTION.done, { step: 'own_up' });
    h.clock.advance(UNDO_WITHIN_MS + 1000);
    const events = await countEvents(h);
    await clickUndo(h, line);
    expect(lastNote(h, MARIA)).toBe(en.corrections.refused.expired);
    expect(stepOf(await fresh(h, o.c), 'own_up').status).toBe('done');
    expect(await countEvents(h)).toBe(events);
  });

  /** Nikos records "Client accepted"; the owner (Maria) undoes it. */
  async function acceptedThenUndone(h: Harness) {
    const o = await openCase(h);
    const line = await clickLine(h, o, ACTION.accepted, { user: NIKOS });
    const accepted = await fresh(h, o.c);
    expect(accepted.answer).toBe('accepted');
    expect(stepOf(accepted, 'check_in').status).toBe('pending');
    await clickUndo(h, line);
    return o;
  }

  it('the owner may undo a colleague’s click', async () => {
    const { h } = ctx;
    const o = await acceptedThenUndone(h);
    expect((await fresh(h, o.c)).answer).toBeNull();
    expect(replies(h, o.parent.ts).at(-1)?.text).toContain('undid the client’s acceptance');
  });

  it('undoing Client accepted goes back to no answer, its check-ins unplanned', async () => {
    const { h } = ctx;
    const o = await acceptedThenUndone(h);
    const c = await fresh(h, o.c);
    expect(c.answer).toBeNull();
    expect(c.answeredAt).toBeNull();
    expect(stepOf(c, 'check_in').status).toBe('waiting');
    expect(stepOf(c, 'outline').status).toBe('pending');
    expect(replies(h, o.parent.ts).at(-1)?.text).toContain('undid the client’s acceptance');
    // The check-ins' reminders are not left behind.
    const pending = (await h.amends.reminderRepo.forCase(TEAM, c.id)).filter(
      (r) => r.stepKey === 'check_in' && r.status === 'pending',
    );
    expect(pending).toEqual([]);
  });
});

describe('confirmations', () => {
  const ctx = useHarness();

  it('asks to confirm the clicks that tell the client (accepted, refused, own-up Done), no other Done', async () => {
    const { h } = ctx;
    const o = await openCase(h);
    const parent = parentOf(h, o);
    const accepted = elementIn(parent, 'case_actions', ACTION.accepted) as {
      confirm?: { title: { text: string }; confirm: { text: string } };
    };
    expect(accepted.confirm?.title.text).toBe(en.corrections.confirmAccepted.title);
    expect(elementIn(parent, 'case_actions', ACTION.refused)?.confirm).toBeDefined();
    const ownUp = elementIn(parent, 'actions_own_up', ACTION.done) as {
      confirm?: { title: { text: string }; text: { text: string } };
    };
    expect(ownUp.confirm?.title.text).toBe(en.corrections.confirmOwnUp.title);
    expect(ownUp.confirm?.text.text).toBe(en.corrections.confirmOwnUp.text);
    // Other steps' Done is one click.
    expect(elementIn(parent, 'actions_apologize', ACTION.done)?.confirm).toBeUndefined();
  });
});

describe('a used "Mark as sent"', () => {
  const ctx = useHarness();

  /** A draft posted for review, then marked as sent 5 minutes later. */
  async function markedSent(h: Harness) {
    const o = await openCase(h);
    await h.amends.cases.outline({ teamId: TEAM, caseId: o.c.id, actor: MARIA }, OUTLINE);
    await h.amends.presenter.refresh(await fresh(h, o.c));
    const n = h.fake.callsTo('views.open').length;
    await press(h, parentOf(h, o), ACTION.draft);
    const view = await nextView(h, VIEW.draft, n);
    await submit(h, view, {
      ...input.text(INPUT.draftSubject, 'About the order'),
      ...input.text(INPUT.draftBody, 'Dear Acme,\nwe are sorry.'),
    });
    const post = replies(h, o.parent.ts).at(-1) as StoredMessage;
    const sent = (
      post.blocks as { type: string; elements?: { action_id?: string; value?: string }[] }[]
    )
      .find((b) => b.type === 'actions')
      ?.elements?.find((e) => e.action_id === ACTION.draftSent);
    h.clock.advance(5 * 60_000);
    const before = replies(h, o.parent.ts).length;
    await click(h, { action_id: ACTION.draftSent, value: String(sent?.value) }, { message: post });
    const [line] = await newReplies(h, o.parent.ts, before);
    return { o, post, line };
  }

  it('the draft shows that its "Mark as sent" was used, by whom, when', async () => {
    const { h } = ctx;
    const { o, post } = await markedSent(h);
    const draft = h.fake.findMessage(CHANNEL, post.ts) as StoredMessage;
    expect(JSON.stringify(draft.blocks)).not.toContain(ACTION.draftSent);
    expect(JSON.stringify(blockById(draft, 'draft_sent'))).toContain(
      `Marked as sent by <@U0MARIA01>, <!date^${Date.parse('2026-11-23T08:05:00Z') / 1000}^`,
    );
    // The draft itself is still there to read.
    expect(JSON.stringify(draft.blocks)).toContain('About the order');
    expect(stepOf(await fresh(h, o.c), 'own_up').status).toBe('done');
  });

  it('a used "Mark as sent" can be undone', async () => {
    const { h } = ctx;
    const { o, line } = await markedSent(h);
    // Undone: the own-up is not told yet again, the apology not on record.
    await clickUndo(h, line as StoredMessage);
    const c = await fresh(h, o.c);
    expect(stepOf(c, 'own_up').status).toBe('pending');
    expect(stepOf(c, 'apologize').status).not.toBe('done');
    expect(replies(h, o.parent.ts).at(-1)?.text).toContain(
      'undid the message to the client marked as sent',
    );
  });
});

/** Picks `choice` in the parent's overflow menu, then waits for the form it opens. */
async function menu(h: Harness, o: Opened, choice: string, callbackId: string, user = MARIA) {
  const parent = parentOf(h, o);
  const el = elementIn(parent, 'case_actions', ACTION.caseMenu) as {
    options: { value: string }[];
  };
  const opt = el.options.find((x) => x.value.endsWith(`|${choice}`));
  if (!opt) throw new Error(`no menu option ${choice}`);
  const n = h.fake.callsTo('views.open').length;
  expect(
    await click(
      h,
      {
        action_id: ACTION.caseMenu,
        block_id: 'case_actions',
        type: 'overflow',
        selected_value: opt.value,
      },
      { message: structuredClone(parent), user },
    ),
  ).toEqual({ status: 200, text: '' });
  return nextView(h, callbackId, n);
}

const menuChoices = (h: Harness, o: Opened): string[] =>
  (
    elementIn(parentOf(h, o), 'case_actions', ACTION.caseMenu) as { options: { value: string }[] }
  ).options.map((x) => x.value.split('|')[2] as string);

const token = (iso: string) => `<!date^${Date.parse(iso) / 1000}^`;

describe('the parent’s menu: hand-over, severity, outline, meeting', () => {
  const ctx = useHarness();

  it('offers the less frequent actions in one overflow menu, outline, meeting once there is one', async () => {
    const { h } = ctx;
    const o = await openCase(h);
    expect(menuChoices(h, o)).toEqual(['owner', 'severity']);
    await h.amends.cases.outline({ teamId: TEAM, caseId: o.c.id, actor: MARIA }, OUTLINE);
    await h.amends.cases.meeting(
      { teamId: TEAM, caseId: o.c.id, actor: MARIA },
      new Date('2026-11-27T14:00:00Z'),
    );
    await h.amends.presenter.refresh(await fresh(h, o.c));
    expect(menuChoices(h, o)).toEqual(['owner', 'severity', 'outline', 'cancel_meeting']);
  });

  it('change owner: the new owner is told once in the thread, due times move to their hours, reminders follow', async () => {
    const { h } = ctx;
    const o = await openCase(h); // Monday 08:00Z: 09:00 in Rome, 03:00 in New York
    expect(stepOf(o.c, 'own_up').dueAt?.toISOString()).toBe('2026-11-23T12:00:00.000Z');
    const before = replies(h, o.parent.ts).length;
    const view = await menu(h, o, 'owner', VIEW.owner);
    expect(await submit(h, view, input.user(INPUT.owner, JOAN))).toEqual({
      status: 200,
      text: '',
    });
    const c = await fresh(h, o.c);
    expect(c.ownerId).toBe(JOAN);
    expect(c.tz).toBe('America/New_York');
    // Four working hours from 09:00 in New York (the case opened before Joan's day began).
    expect(stepOf(c, 'own_up')).toMatchObject({
      dueAt: new Date('2026-11-23T18:00:00Z'),
      nextRemindAt: new Date('2026-11-23T18:00:00Z'),
    });
    const added = await newReplies(h, o.parent.ts, before);
    const said = added.map((m) => m.text).join('\n');
    expect(added[0]?.text).toContain(
      ':busts_in_silhouette: <@U0MARIA01> handed the case over from <@U0MARIA01> to <@U0JOAN001>. <@U0JOAN001>, it is yours now',
    );
    expect(said).toContain(`*Own up to the client* · due ${token('2026-11-23T18:00:00Z')}`);
    // Told once: one mention of the new owner's line, not one per line.
    expect(added.filter((m) => m.text.includes(`<@${JOAN}>`))).toHaveLength(1);
    expect(JSON.stringify(blockById(parentOf(h, o), 'case_facts'))).toContain(`<@${JOAN}>`);
    const events = (await h.amends.caseRepo.events(TEAM, c.id)).map((e) => e.type);
    expect(events.slice(-2)).toEqual(['owner_changed', 'owner_zone']);

    // The own-up is not nudged at its old due time, and is at its new one.
    const nudges = async () =>
      (await h.amends.reminderRepo.forCase(TEAM, c.id)).filter(
        (r) => r.stepKey === 'own_up' && r.status === 'sent',
      );
    h.clock.set(new Date('2026-11-23T12:30:00Z'));
    await h.amends.reminders.tick();
    expect(await nudges()).toEqual([]);
    h.clock.set(new Date('2026-11-23T18:01:00Z'));
    await h.amends.reminders.tick();
    expect(await nudges()).toHaveLength(1);

    // The same owner again changes nothing, and the form says so.
    const again = await menu(h, o, 'owner', VIEW.owner);
    const r = await submit(h, again, input.user(INPUT.owner, JOAN));
    expect(r.status).toBe(200);
    expect(JSON.parse(r.text)).toEqual({
      response_action: 'errors',
      errors: { [INPUT.owner]: en.corrections.field.owner_unchanged },
    });
    expect((await fresh(h, o.c)).version).toBe((await fresh(h, c)).version);
  });

  it('change severity: due times planned again, the thread says so, reminders follow', async () => {
    const { h } = ctx;
    const o = await openCase(h);
    h.clock.advance(30 * 60_000);
    const before = replies(h, o.parent.ts).length;
    const view = await menu(h, o, 'severity', VIEW.severity);
    expect(await submit(h, view, input.select(INPUT.severity, 'critical'))).toEqual({
      status: 200,
      text: '',
    });
    const c = await fresh(h, o.c);
    expect(c.severity).toBe('critical');
    // Critical: the client is told within 2 hours of opening.
    expect(stepOf(c, 'own_up').dueAt?.toISOString()).toBe('2026-11-23T10:00:00.000Z');
    const [said] = await newReplies(h, o.parent.ts, before);
    expect(said?.text).toContain(
      ':triangular_flag_on_post: <@U0MARIA01> changed the severity from Major to Critical. Due times were planned again.',
    );
    expect(said?.text).toContain(`*Own up to the client* · due ${token('2026-11-23T10:00:00Z')}`);
    expect(JSON.stringify(blockById(parentOf(h, o), 'case_header'))).toContain('Critical');
    expect((await h.amends.caseRepo.events(TEAM, c.id)).at(-1)).toMatchObject({
      type: 'severity_changed',
      actor: MARIA,
      data: { from: 'major', to: 'critical' },
    });
    h.clock.set(new Date('2026-11-23T10:01:00Z'));
    await h.amends.reminders.tick();
    const sent = (await h.amends.reminderRepo.forCase(TEAM, c.id)).filter(
      (r) => r.stepKey === 'own_up' && r.status === 'sent',
    );
    expect(sent).toHaveLength(1);

    const again = await menu(h, o, 'severity', VIEW.severity);
    const r = await submit(h, again, input.select(INPUT.severity, 'critical'));
    expect(JSON.parse(r.text)).toEqual({
      response_action: 'errors',
      errors: { [INPUT.severity]: en.corrections.field.severity_unchanged },
    });
  });

  /** An outline written by Maria, then its "why" edited by Nikos from the menu. */
  async function outlineEdited(h: Harness) {
    const o = await openCase(h);
    await h.amends.cases.outline({ teamId: TEAM, caseId: o.c.id, actor: MARIA }, OUTLINE);
    await h.amends.presenter.refresh(await fresh(h, o.c));
    const view = await menu(h, o, 'outline', VIEW.outline, NIKOS);
    const before = replies(h, o.parent.ts).length;
    const values = {
      ...input.text(INPUT.happened, OUTLINE.happened),
      ...input.text(INPUT.why, 'Two orders shared one picking list'),
      ...input.text(INPUT.prevention, OUTLINE.prevention),
      ...input.text(INPUT.twoSentences, OUTLINE.summary),
    };
    expect(await submit(h, view, values, { user: NIKOS })).toEqual({ status: 200, text: '' });
    const [said] = await newReplies(h, o.parent.ts, before);
    return { o, view, values, said };
  }

  it('edit the outline: the form is filled in', async () => {
    const { view } = await outlineEdited(ctx.h);
    expect(JSON.stringify(view.blocks)).toContain(OUTLINE.why);
  });

  it('edit the outline: the thread says it changed, how it reads now', async () => {
    const { said } = await outlineEdited(ctx.h);
    expect(said?.text).toBe(':memo: <@U0NIKOS01> edited the outline. It now reads:');
    expect(JSON.stringify(said?.blocks)).toContain('Two orders shared one picking list');
  });

  it('edit the outline: the audit keeps the old text', async () => {
    const { h } = ctx;
    const { o } = await outlineEdited(h);
    const c = await fresh(h, o.c);
    expect(c.outline?.why).toBe('Two orders shared one picking list');
    expect((await h.amends.caseRepo.events(TEAM, c.id)).at(-1)).toMatchObject({
      type: 'outline_edited',
      actor: NIKOS,
      data: { why: 'Two orders shared one picking list', before: { why: OUTLINE.why } },
    });
  });

  it('edit the outline: the same text again is refused as unchanged', async () => {
    const { h } = ctx;
    const { o, values } = await outlineEdited(h);
    // The same text again changes nothing.
    const again = await menu(h, o, 'outline', VIEW.outline);
    const r = await submit(h, again, values);
    expect(JSON.parse(r.text)).toEqual({
      response_action: 'errors',
      errors: { [INPUT.happened]: en.corrections.field.outline_unchanged },
    });
  });

  /**
   * A meeting booked for 27 November 15:00 (14:00Z), then cancelled from one form while a second
   * cancel form is open.
   */
  const bookedThenCancelled = async () => {
    const { h } = ctx;
    const o = await openCase(h);
    await book(h, o, '2026-11-27', '15:00'); // 14:00Z
    const booked = parse(h.fake.files.at(-1)?.content.toString('utf8') ?? '');
    expect(stepOf(await fresh(h, o.c), 'meeting').status).toBe('done');
    const before = replies(h, o.parent.ts).length;
    const files = h.fake.files.length;
    const view = await menu(h, o, 'cancel_meeting', VIEW.cancelMeeting);
    const other = await menu(h, o, 'cancel_meeting', VIEW.cancelMeeting);
    expect(JSON.stringify(view.blocks)).toContain(token('2026-11-27T14:00:00Z'));
    expect(await submit(h, view, {})).toEqual({ status: 200, text: '' });
    const cancelled = parse(h.fake.files.at(-1)?.content.toString('utf8') ?? '');
    return { h, o, booked, cancelled, before, files, view, other };
  };

  it('cancel the meeting: the thread says so', async () => {
    const { h, o, before } = await bookedThenCancelled();
    const [said] = await newReplies(h, o.parent.ts, before);
    expect(said?.text).toContain(
      `:x: <@U0MARIA01> cancelled the meeting of ${token('2026-11-27T14:00:00Z')}`,
    );
  });

  it('cancel the meeting: an .ics cancels the booked one (STATUS:CANCELLED, same UID, higher SEQUENCE)', async () => {
    const { h, o, booked, cancelled, files } = await bookedThenCancelled();
    expect(h.fake.files).toHaveLength(files + 1);
    const file = h.fake.files.at(-1);
    expect(file?.thread_ts).toBe(o.parent.ts);
    expect(file?.filename).toMatch(/-cancelled\.ics$/);
    expect(file?.initial_comment).toBe(en.corrections.cancel.comment);
    expect(cancelled.uid).toBe(booked.uid);
    expect(cancelled.sequence).toBeGreaterThan(booked.sequence);
    expect(cancelled.status).toBe('CANCELLED');
    expect(cancelled.start.toISOString()).toBe('2026-11-27T14:00:00.000Z');
  });

  it('cancel the meeting: the meeting is to book again', async () => {
    const { h, o } = await bookedThenCancelled();
    const c = await fresh(h, o.c);
    expect(c.meetingAt).toBeNull();
    expect(stepOf(c, 'meeting')).toMatchObject({ status: 'pending', doneAt: null });
    expect(stepOf(c, 'meeting').dueAt).not.toBeNull();
    expect(stepOf(c, 'meeting').nextRemindAt).toEqual(stepOf(c, 'meeting').dueAt);
    // The steps due with the meeting wait for the next one.
    expect(stepOf(c, 'apologize')).toMatchObject({ dueAt: null, nextRemindAt: null });
    expect((await h.amends.caseRepo.events(TEAM, c.id)).at(-1)).toMatchObject({
      type: 'meeting_cancelled',
      actor: MARIA,
      data: { at: '2026-11-27T14:00:00.000Z' },
    });
    expect(menuChoices(h, o)).not.toContain('cancel_meeting');
    expect(blockById(parentOf(h, o), 'actions_meeting')).toBeDefined();
  });

  it('a cancel form submitted once the meeting is cancelled changes nothing, a direct message says why', async () => {
    const { h, o, files, view, other } = await bookedThenCancelled();
    // The same form submitted again is one cancellation; a second form opened before it changes
    // nothing either, and a direct message says why.
    const shown = replies(h, o.parent.ts).length;
    expect(await submit(h, view, {})).toEqual({ status: 200, text: '' });
    expect(await submit(h, other, {})).toEqual({ status: 200, text: '' });
    expect(h.fake.files).toHaveLength(files + 1);
    expect(replies(h, o.parent.ts)).toHaveLength(shown);
    expect(
      h.fake
        .callsTo('chat.postMessage')
        .filter((x) => x.args.channel === MARIA)
        .at(-1)?.args.text,
    ).toBe(en.corrections.field.no_meeting);
  });

  it('booking again after a cancel: a new invite for the same event, at a higher SEQUENCE still', async () => {
    const { h, o, booked, cancelled } = await bookedThenCancelled();
    await book(h, o, '2026-11-30', '10:30');
    const rebooked = parse(h.fake.files.at(-1)?.content.toString('utf8') ?? '');
    expect(rebooked.uid).toBe(booked.uid);
    expect(rebooked.sequence).toBeGreaterThan(cancelled.sequence);
    expect(rebooked.status).toBe('CONFIRMED');
  });

  it('cancel the meeting to show the fix: its own event (UID) withdrawn, the first meeting kept', async () => {
    const { h } = ctx;
    const o = await openCase(h);
    const first = new Date('2026-11-27T14:00:00Z');
    await h.amends.cases.meeting({ teamId: TEAM, caseId: o.c.id, actor: MARIA }, first);
    await h.amends.cases.fixMeeting(
      { teamId: TEAM, caseId: o.c.id, actor: MARIA },
      new Date('2026-12-04T10:00:00Z'),
    );
    await h.amends.presenter.refresh(await fresh(h, o.c));
    expect(menuChoices(h, o)).toContain('cancel_fix_meeting');
    const before = replies(h, o.parent.ts).length;
    const view = await menu(h, o, 'cancel_fix_meeting', VIEW.cancelMeeting);
    expect(await submit(h, view, {})).toEqual({ status: 200, text: '' });
    const [said] = await newReplies(h, o.parent.ts, before);
    expect(said?.text).toContain(
      `:x: <@U0MARIA01> cancelled the meeting to show the fix, ${token('2026-12-04T10:00:00Z')}`,
    );
    const ev = parse(h.fake.files.at(-1)?.content.toString('utf8') ?? '');
    expect(ev.uid).toMatch(/-fix@amends$/);
    expect(ev.status).toBe('CANCELLED');
    const c = await fresh(h, o.c);
    expect(c.fixMeetingAt).toBeNull();
    expect(c.meetingAt).toEqual(first);
    expect(stepOf(c, 'fix_meeting').status).toBe('pending');
    expect(stepOf(c, 'meeting').status).toBe('done');
    expect((await h.amends.caseRepo.events(TEAM, c.id)).at(-1)?.type).toBe('fix_meeting_cancelled');
  });
});

function parse(ics: string) {
  const comp = new ICAL.Component(ICAL.parse(ics));
  for (const tz of comp.getAllSubcomponents('vtimezone')) ICAL.TimezoneService.register(tz);
  const vevent = comp.getFirstSubcomponent('vevent');
  const ev = new ICAL.Event(vevent ?? undefined);
  return {
    uid: ev.uid,
    sequence: ev.sequence,
    start: ev.startDate.toJSDate(),
    status: String(vevent?.getFirstPropertyValue('status') ?? ''),
  };
}
