import { describe, expect, it } from 'vitest';
import { DomainError } from '../../src/domain/errors.js';
import { DEFAULT_PLAYBOOK } from '../../src/domain/playbook.js';
import {
  addChange,
  completeStep,
  MAX_CHANGES,
  openCase as openDomainCase,
  settleChange,
} from '../../src/domain/recoveryCase.js';
import type { StoredView } from '../../src/sandbox/fakeSlack.js';
import { ACTION, INPUT, VIEW } from '../../src/slack/ids.js';
import { mrkdwnTexts } from '../helpers/blockKit.js';
import { openInput } from '../helpers/builders.js';
import { CHANNEL, type Harness, MARIA, TEAM } from '../helpers/harness.js';
import {
  blockById,
  click,
  elementIn,
  fresh,
  input,
  NIKOS,
  nextView,
  type Opened,
  openCase,
  press,
  replies,
  stepOf,
  submit,
  useHarness,
} from '../helpers/slack.js';

const NOW = new Date('2026-11-23T09:00:00Z');
const later = (days: number) => new Date(NOW.getTime() + days * 86_400_000);
const base = () =>
  openDomainCase(
    openInput({ teamId: TEAM, channelId: CHANNEL, ownerId: MARIA, creatorId: MARIA }),
    DEFAULT_PLAYBOOK,
    NOW,
  ).case;
const code = (f: () => unknown) => {
  try {
    f();
  } catch (e) {
    return e instanceof DomainError ? `${e.code}${e.detail ? `:${e.detail}` : ''}` : String(e);
  }
  return 'no error';
};

describe('corrective changes (domain)', () => {
  /** A case with two open changes: one with who and by when, one with neither. */
  function twoChanges() {
    let c = base();
    c = addChange(
      c,
      { what: 'Second quality check', who: NIKOS, by: later(5) },
      MARIA,
      DEFAULT_PLAYBOOK,
      NOW,
    ).case;
    c = addChange(
      c,
      { what: 'More stock', who: null, by: null },
      MARIA,
      DEFAULT_PLAYBOOK,
      NOW,
    ).case;
    return c;
  }

  it('each change is kept open, with what is promised, by whom', () => {
    expect(twoChanges().changes.map((x) => [x.id, x.what, x.who, x.status])).toEqual([
      [1, 'Second quality check', NIKOS, 'open'],
      [2, 'More stock', null, 'open'],
    ]);
  });

  it('the step can be done only when every change is done or dropped', () => {
    let c = twoChanges();
    // The Done button can't skip the promises.
    expect(
      code(() => completeStep(c, 'corrective_changes', MARIA, null, DEFAULT_PLAYBOOK, NOW)),
    ).toBe('changes_open:corrective_changes');
    c = settleChange(c, 1, { done: true }, MARIA, c.version, DEFAULT_PLAYBOOK, NOW).case;
    expect(c.steps.find((s) => s.key === 'corrective_changes')?.status).toBe('pending');
    expect(
      code(() =>
        settleChange(c, 2, { done: false, reason: ' ' }, MARIA, c.version, DEFAULT_PLAYBOOK, NOW),
      ),
    ).toBe('reason_required');
    c = settleChange(
      c,
      2,
      { done: false, reason: 'Supplier cannot' },
      MARIA,
      c.version,
      DEFAULT_PLAYBOOK,
      NOW,
    ).case;
    // Settled, not yet reported: the step stays open until it is marked done (or the message sent).
    expect(c.steps.find((s) => s.key === 'corrective_changes')?.status).toBe('pending');
    c = completeStep(c, 'corrective_changes', MARIA, null, DEFAULT_PLAYBOOK, NOW).case;
    expect(c.steps.find((s) => s.key === 'corrective_changes')?.status).toBe('done');
    // …and the client's answer is asked for next.
    expect(c.steps.find((s) => s.key === 'client_answer')?.status).toBe('pending');
  });

  const add = (what: string, by: Date | null = null, on = base()) =>
    code(() => addChange(on, { what, who: null, by }, MARIA, DEFAULT_PLAYBOOK, NOW));
  /** A case with one open change (id 1), "Check". */
  const withOne = () =>
    addChange(base(), { what: 'Check', who: null, by: null }, MARIA, DEFAULT_PLAYBOOK, NOW).case;

  it('refuses an empty change', () => {
    expect(add('  ')).toBe('invalid_input:change_what');
  });

  it('refuses a change too long', () => {
    expect(add('x'.repeat(301))).toBe('invalid_input:change_too_long');
  });

  it('refuses a change promised for the past', () => {
    expect(add('Check', new Date(NOW.getTime() - 1))).toBe('invalid_input:change_by_past');
  });

  it('refuses a change past the most a case holds', () => {
    let full = base();
    for (let i = 0; i < MAX_CHANGES; i++)
      full = addChange(
        full,
        { what: `c${i}`, who: null, by: null },
        MARIA,
        DEFAULT_PLAYBOOK,
        NOW,
      ).case;
    expect(add('one more', null, full)).toBe('invalid_input:too_many_changes');
  });

  it('refuses to settle a change the case does not have', () => {
    const one = withOne();
    expect(
      code(() => settleChange(one, 9, { done: true }, MARIA, one.version, DEFAULT_PLAYBOOK, NOW)),
    ).toBe('invalid_input:change_not_found');
  });

  it('refuses to settle a change from a stale version', () => {
    const one = withOne();
    expect(
      code(() =>
        settleChange(one, 1, { done: true }, MARIA, one.version - 1, DEFAULT_PLAYBOOK, NOW),
      ),
    ).toBe('stale_action:corrective_changes');
  });

  it('refuses to settle a change twice', () => {
    const one = withOne();
    const done = settleChange(
      one,
      1,
      { done: true },
      MARIA,
      one.version,
      DEFAULT_PLAYBOOK,
      NOW,
    ).case;
    expect(
      code(() => settleChange(done, 1, { done: true }, MARIA, null, DEFAULT_PLAYBOOK, NOW)),
    ).toBe('already_done:change 1');
  });

  it('the step falls due with its earliest open promise (so it is nudged like a step)', () => {
    let c = base();
    const by = new Date('2026-11-25T16:00:00Z'); // Wed 17:00 Rome
    c = addChange(c, { what: 'Check', who: null, by }, MARIA, DEFAULT_PLAYBOOK, NOW).case;
    const s = c.steps.find((x) => x.key === 'corrective_changes');
    expect(s?.dueAt?.toISOString()).toBe('2026-11-25T16:00:00.000Z');
    expect(s?.nextRemindAt?.toISOString()).toBe('2026-11-25T16:00:00.000Z');
    // A promise for late that evening: due at the promise itself, as the change's line says; its
    // first nudge within working hours before it, never the next morning.
    const late = addChange(
      base(),
      { what: 'Check', who: null, by: new Date('2026-11-25T22:00:00Z') },
      MARIA,
      DEFAULT_PLAYBOOK,
      NOW,
    ).case;
    const step = late.steps.find((x) => x.key === 'corrective_changes');
    expect(step?.dueAt?.toISOString()).toBe('2026-11-25T22:00:00.000Z');
    expect(step?.nextRemindAt?.toISOString()).toBe('2026-11-25T16:00:00.000Z');
  });
});

describe('corrective changes in Slack', () => {
  const ctx = useHarness();

  async function addVia(h: Harness, o: Opened, what: string): Promise<() => Promise<unknown>> {
    const n = h.fake.callsTo('views.open').length;
    const msg = h.fake.findMessage(CHANNEL, o.parent.ts) ?? o.parent;
    await press(h, msg, ACTION.addChange, { step: 'corrective_changes' });
    const view: StoredView = await nextView(h, VIEW.addChange, n);
    expect(JSON.stringify(view.blocks)).toContain('a quality check before shipping');
    const values = {
      ...input.text(INPUT.changeWhat, what),
      ...input.user(INPUT.changeWho, NIKOS),
      ...input.date(INPUT.changeBy, '2099-11-27'),
    };
    const r = await submit(h, view, values);
    expect(r).toEqual({ status: 200, text: '' });
    return () => submit(h, view, values);
  }

  /** A case with one change added from the form: Nikos, by 27 November 2099. */
  const withChange = async () => {
    const { h } = ctx;
    const o = await openCase(h);
    const again = await addVia(h, o, 'Second quality check before shipping');
    const parent = h.fake.findMessage(CHANNEL, o.parent.ts) ?? o.parent;
    const line = mrkdwnTexts(blockById(parent, 'change_1')).join('\n');
    return { h, o, again, parent, line };
  };

  it('added from a form, is shown in the parent with who does it, by when', async () => {
    const { h, o, line } = await withChange();
    expect((await fresh(h, o.c)).changes).toHaveLength(1);
    expect(line).toContain('Second quality check before shipping');
    expect(line).toContain(`<@${NIKOS}>`);
    expect(line).toMatch(/due <!date\^/);
  });

  it('added from a form, is announced in the thread with who does it, by when', async () => {
    const { h, o } = await withChange();
    const said = replies(h, o.parent.ts).at(-1)?.text ?? '';
    expect(said).toContain('promised a change: *Second quality check before shipping*');
    // Who does it and by when, as the parent lists them.
    expect(said).toContain(`<@${NIKOS}>`);
    expect(said).toMatch(/due <!date\^\d+\^/);
  });

  it('added from a form, makes the step due at that promise', async () => {
    const { h, o } = await withChange();
    const c = await fresh(h, o.c);
    // The step is due at that promise, to the minute: the end of that working day.
    expect(stepOf(c, 'corrective_changes').dueAt?.toISOString()).toBe(
      c.changes[0]?.by?.toISOString(),
    );
  });

  it('the same add-change submission again (a retry of the same view) adds nothing', async () => {
    const { h, o, again } = await withChange();
    await again();
    expect((await fresh(h, o.c)).changes).toHaveLength(1);
  });

  it('a change is done with one click, no longer shown as due', async () => {
    const { h, o, parent } = await withChange();
    const before = await fresh(h, o.c);
    const done = elementIn(parent, 'change_actions_1', ACTION.changeDone);
    expect(
      await click(
        h,
        { action_id: ACTION.changeDone, value: String(done?.value) },
        { message: parent },
      ),
    ).toEqual({ status: 200, text: '' });
    // The same click again (its version is old now) changes nothing.
    await click(
      h,
      { action_id: ACTION.changeDone, value: String(done?.value) },
      { message: parent },
    );
    const after = await fresh(h, o.c);
    expect(after.changes[0]?.status).toBe('done');
    expect(stepOf(after, 'corrective_changes').status).toBe('pending');
    expect(after.version).toBeGreaterThan(before.version);
    expect(replies(h, o.parent.ts).at(-1)?.text).toContain('made the change');
    // Done, the change is no longer shown as due (it was, with its date, while open).
    const redrawn = h.fake.findMessage(CHANNEL, o.parent.ts) ?? parent;
    const doneLine = mrkdwnTexts(blockById(redrawn, 'change_1')).join('\n');
    expect(doneLine).toContain('Second quality check before shipping');
    expect(doneLine).not.toMatch(/due <!date/);
  });
});
