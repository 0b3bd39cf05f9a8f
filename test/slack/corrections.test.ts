import { describe, expect, it } from 'vitest';
import { UNDO_WITHIN_MS } from '../../src/domain/recoveryCase.js';
import { en } from '../../src/i18n/en.js';
import type { StoredMessage } from '../../src/sandbox/fakeSlack.js';
import { ACTION, INPUT, VIEW } from '../../src/slack/ids.js';
import { CHANNEL, type Harness, MARIA, present, TEAM } from '../helpers/harness.js';
import {
  blockById,
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
  return added[0] as StoredMessage;
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

  it('takes back Done on the own-up: the step and the clock go back, both events stay, the reminders are planned again', async () => {
    const { h } = ctx;
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
    expect(said?.text).toBe(
      ':leftwards_arrow_with_hook: <@U0MARIA01> undid *Own up to the client* marked done. The case is back as it was before.',
    );
    // The undo line itself carries no Undo.
    expect(blockById(said as StoredMessage, 'undo_line')).toBeUndefined();
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
    const events = await h.amends.caseRepo.events(TEAM, c.id);
    expect(events.slice(-2)).toMatchObject([
      { type: 'step_done', actor: MARIA, stepKey: 'own_up' },
      {
        type: 'undone',
        actor: MARIA,
        stepKey: 'own_up',
        data: { undid: 'step_done', by: MARIA, at: '2026-11-23T08:25:00.000Z' },
      },
    ]);

    // The own-up is nudged again once it is due, as if it had never been clicked.
    h.clock.set(new Date(dueAt.getTime() + 60_000));
    await h.amends.reminders.tick();
    const sent = (await h.amends.reminderRepo.forCase(TEAM, c.id)).filter(
      (r) => r.stepKey === 'own_up' && r.kind === 'nudge' && r.status === 'sent',
    );
    expect(sent).toHaveLength(1);
  });

  it('a second Undo, an Undo after 10 minutes, an Undo of a click the case moved on from, from another channel or by someone else change nothing and say why', async () => {
    const { h } = ctx;
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

    // The Done is no longer the last click.
    expect(await clickUndo(h, done)).toEqual({ status: 200, text: '' });
    expect(lastNote(h, MARIA)).toBe(en.corrections.refused.moved_on);
    expect(stepOf(await fresh(h, o.c), 'own_up').status).toBe('done');
    await nothingChanged();

    // The same line's click from a channel the case is not in (a forged or copied payload).
    expect(await clickUndo(h, snoozed, { channel: OTHER_CHANNEL })).toEqual({
      status: 200,
      text: '',
    });
    expect(lastNote(h, MARIA)).toBe(en.corrections.refused.elsewhere);
    await nothingChanged();

    // Someone who neither clicked nor owns the case.
    await clickUndo(h, snoozed, { user: JOAN });
    expect(lastNote(h, JOAN)).toBe(en.corrections.refused.not_yours);
    await nothingChanged();

    // The snooze is undone once; the second click says it already was.
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

  it('the owner may undo a colleague’s click; Client accepted goes back to no answer', async () => {
    const { h } = ctx;
    const o = await openCase(h);
    const line = await clickLine(h, o, ACTION.accepted, { user: NIKOS });
    const accepted = await fresh(h, o.c);
    expect(accepted.answer).toBe('accepted');
    expect(stepOf(accepted, 'check_in').status).toBe('pending');
    await clickUndo(h, line);
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

describe('confirmations, and a used "Mark as sent"', () => {
  const ctx = useHarness();

  it('asks before Client accepted and before Done on the own-up, as before Client refused', async () => {
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

  it('the draft shows that its "Mark as sent" was used, by whom and when, and the click can be undone', async () => {
    const { h } = ctx;
    const o = await openCase(h);
    await h.amends.cases.outline(TEAM, o.c.id, OUTLINE, MARIA);
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
    const draft = h.fake.findMessage(CHANNEL, post.ts) as StoredMessage;
    expect(JSON.stringify(draft.blocks)).not.toContain(ACTION.draftSent);
    expect(JSON.stringify(blockById(draft, 'draft_sent'))).toContain(
      `Marked as sent by <@U0MARIA01>, <!date^${Date.parse('2026-11-23T08:05:00Z') / 1000}^`,
    );
    // The draft itself is still there to read.
    expect(JSON.stringify(draft.blocks)).toContain('About the order');
    expect(stepOf(await fresh(h, o.c), 'own_up').status).toBe('done');
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
