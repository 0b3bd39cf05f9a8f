/**
 * A text past its limit, however it arrived (a modal's max_length is the browser's, a forged
 * payload passes it), is answered on its own field with the limit named, and nothing is stored.
 */
import { describe, expect, it } from 'vitest';
import { LIMITS } from '../../src/domain/recoveryCase.js';
import { en } from '../../src/i18n/en.js';
import { LANGUAGES, t } from '../../src/i18n/index.js';
import type { StoredView } from '../../src/sandbox/fakeSlack.js';
import { ACTION, INPUT, VIEW } from '../../src/slack/ids.js';
import { CHANNEL, type Harness, MARIA, TEAM } from '../helpers/harness.js';
import {
  click,
  command,
  countCases,
  fresh,
  input,
  nextView,
  type Opened,
  openCase,
  press,
  stepOf,
  submit,
  useHarness,
} from '../helpers/slack.js';

/** The modal the button `actionId` opens on the case's parent as it is now. */
async function formFrom(
  h: Harness,
  o: Opened,
  actionId: string,
  callbackId: string,
  opts: Parameters<typeof press>[3] = {},
): Promise<StoredView> {
  const n = h.fake.callsTo('views.open').length;
  const parent = h.fake.findMessage(CHANNEL, o.parent.ts) ?? o.parent;
  expect(await press(h, parent, actionId, opts)).toEqual({ status: 200, text: '' });
  return nextView(h, callbackId, n);
}

describe('a text over its limit', () => {
  const ctx = useHarness();

  /** Submits `values` and returns the form's errors (the submission must be refused). */
  async function refused(
    h: Harness,
    view: StoredView,
    values: Record<string, Record<string, unknown>>,
  ): Promise<Record<string, string>> {
    const r = await submit(h, view, values);
    const body = JSON.parse(r.text) as { response_action: string; errors: Record<string, string> };
    expect(body.response_action).toBe('errors');
    return body.errors;
  }

  const outlineValues = (o: Partial<Record<string, string>>) => ({
    ...input.text(INPUT.happened, o.happened ?? 'We shipped the wrong pallets'),
    ...input.text(INPUT.why, o.why ?? 'Two orders looked alike'),
    ...input.text(INPUT.prevention, o.prevention ?? 'A second check'),
    ...input.text(INPUT.twoSentences, o.summary ?? 'We sent the wrong goods.'),
  });

  /** A case and its outline form. */
  const outlineForm = async () => {
    const { h } = ctx;
    const o = await openCase(h);
    const form = await formFrom(h, o, ACTION.outline, VIEW.outline, { step: 'outline' });
    return { h, o, form };
  };

  it('an outline part past its limit is refused on that part, naming the limit, storing nothing', async () => {
    const { h, o, form } = await outlineForm();
    const long = 'x'.repeat(3100);
    for (const [part, block] of [
      ['happened', INPUT.happened],
      ['why', INPUT.why],
      ['prevention', INPUT.prevention],
    ] as const) {
      expect(await refused(h, form, outlineValues({ [part]: long }))).toEqual({
        [block]: en.errors.field.outline_too_long,
      });
    }
    expect(en.errors.field.outline_too_long).toContain('3,000');
    // The two sentences: the form takes 600 characters, and so does the case.
    expect(await refused(h, form, outlineValues({ summary: 'y'.repeat(601) }))).toEqual({
      [INPUT.twoSentences]: en.errors.field.outline_summary_too_long,
    });
    expect(en.errors.field.outline_summary_too_long).toContain('600');
    expect((await fresh(h, o.c)).outline).toBeNull();
  });

  it('an outline just within every limit is taken', async () => {
    const { h, o, form } = await outlineForm();
    // Just within every limit, it is taken.
    expect(
      await submit(
        h,
        form,
        outlineValues({ happened: 'x'.repeat(LIMITS.outlineField), summary: 'y'.repeat(600) }),
      ),
    ).toEqual({ status: 200, text: '' });
    expect((await fresh(h, o.c)).outline?.summary).toHaveLength(600);
  });

  it('every language names the outline’s limits', () => {
    for (const l of LANGUAGES) {
      expect(t(l).errors.field.outline_too_long, l).toMatch(/3[.,]000/);
      expect(t(l).errors.field.outline_summary_too_long, l).toContain('600');
      expect(t(l).errors.field.outline_too_long).not.toBe(t(l).errors.field.outline);
    }
  });

  it('the other text fields, sent past what their form allows, are answered on the field with its limit', async () => {
    const { h } = ctx;
    const o = await openCase(h);
    const field = en.errors.field;
    const over = (n: number) => 'z'.repeat(n + 1);

    const n = h.fake.callsTo('views.open').length;
    await command(h, '');
    const open = await nextView(h, VIEW.open, n);
    const openWith = (client: string, summary: string) => ({
      ...input.text(INPUT.client, client),
      ...input.text(INPUT.summary, summary),
      ...input.select(INPUT.severity, 'major'),
      ...input.user(INPUT.owner, MARIA),
    });
    expect(await refused(h, open, openWith(over(LIMITS.client), 'Late'))).toEqual({
      [INPUT.client]: field.client_too_long,
    });
    expect(await refused(h, open, openWith('Acme', over(LIMITS.summary)))).toEqual({
      [INPUT.summary]: field.summary_too_long,
    });

    const change = await formFrom(h, o, ACTION.addChange, VIEW.addChange, {
      step: 'corrective_changes',
    });
    expect(await refused(h, change, input.text(INPUT.changeWhat, over(LIMITS.change)))).toEqual({
      [INPUT.changeWhat]: field.change_too_long,
    });
    const offer = await formFrom(h, o, ACTION.compensation, VIEW.compensation, {
      step: 'compensation',
    });
    expect(await refused(h, offer, input.text(INPUT.offer, over(LIMITS.note)))).toEqual({
      [INPUT.offer]: field.note_too_long,
    });
    const skip = await formFrom(h, o, ACTION.skip, VIEW.skip, { step: 'compensation' });
    expect(await refused(h, skip, input.text(INPUT.reason, over(LIMITS.note)))).toEqual({
      [INPUT.reason]: field.reason_too_long,
    });
    const close = await formFrom(h, o, ACTION.close, VIEW.close);
    expect(
      await refused(h, close, {
        ...input.radio(INPUT.outcome, 'lost'),
        ...input.text(INPUT.reason, over(LIMITS.note)),
      }),
    ).toEqual({ [INPUT.reason]: field.reason_too_long });

    await h.amends.cases.outline(
      { teamId: TEAM, caseId: o.c.id, actor: MARIA },
      { happened: 'We erred', why: 'Haste', prevention: 'Checks', summary: 'Sorry.' },
    );
    await h.amends.presenter.refresh(await fresh(h, o.c));
    const draft = await formFrom(h, o, ACTION.draft, VIEW.draft);
    expect(
      await refused(h, draft, {
        ...input.text(INPUT.draftSubject, over(200)),
        ...input.text(INPUT.draftBody, 'Dear Acme'),
      }),
    ).toEqual({ [INPUT.draftSubject]: field.draft_subject });
    expect(
      await refused(h, draft, {
        ...input.text(INPUT.draftSubject, 'About the order'),
        ...input.text(INPUT.draftBody, over(LIMITS.outlineField)),
      }),
    ).toEqual({ [INPUT.draftBody]: field.draft_body });

    await click(h, {
      action_id: ACTION.refused,
      value: `${o.c.id}|${(await fresh(h, o.c)).version}`,
    });
    const followUp = await formFrom(h, o, ACTION.followUp, VIEW.followUp, {
      step: 'keep_trying',
    });
    expect(await refused(h, followUp, input.text(INPUT.followUpNote, over(LIMITS.note)))).toEqual({
      [INPUT.followUpNote]: field.note_too_long,
    });

    // Each of those sentences names its limit.
    for (const [msg, limit] of [
      [field.client_too_long, LIMITS.client],
      [field.summary_too_long, LIMITS.summary],
      [field.change_too_long, LIMITS.change],
      [field.note_too_long, LIMITS.note],
      [field.reason_too_long, LIMITS.note],
      [field.draft_subject, 200],
      [field.draft_body, LIMITS.outlineField],
    ] as const)
      expect(msg).toContain(limit.toLocaleString('en-US'));
    // None of it was stored.
    expect(await countCases(h)).toBe(1);
    const after = await fresh(h, o.c);
    expect(after.changes).toEqual([]);
    expect(stepOf(after, 'compensation').status).toBe('pending');
    expect(stepOf(after, 'keep_trying').note).toBeNull();
    expect((await h.amends.caseRepo.events(TEAM, o.c.id)).map((e) => e.type)).not.toContain(
      'client_draft',
    );
  });
});
