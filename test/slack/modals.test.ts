import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { en } from '../../src/i18n/en.js';
import type { StoredView } from '../../src/sandbox/fakeSlack.js';
import { interactionBody, postSigned } from '../../src/sandbox/slackRequests.js';
import { ACTION, VIEW } from '../../src/slack/ids.js';
import { CHANNEL, type Harness, MARIA, present, TEAM } from '../helpers/harness.js';
import {
  blockById,
  command,
  countCases,
  elementIn,
  fresh,
  input,
  JOAN,
  NIKOS,
  newReplies,
  nextView,
  type Opened,
  OTHER_TEAM,
  openCase,
  parents,
  press,
  replies,
  stepOf,
  submit,
  submitPayload,
  updatesOf,
  useHarness,
} from '../helpers/slack.js';

const FIXTURES = new URL('../fixtures/slack/', import.meta.url);
const fixture = (name: string) =>
  JSON.parse(readFileSync(new URL(name, FIXTURES), 'utf8')) as Record<string, unknown>;
type Json = Record<string, unknown>;

async function openModal(h: Harness, user = MARIA): Promise<StoredView> {
  const n = h.fake.callsTo('views.open').length;
  await command(h, '', { user });
  return nextView(h, VIEW.open, n);
}

const openValues = (o: {
  client?: string | null;
  summary?: string | null;
  severity?: string | null;
  owner?: string | null;
  date?: string | null;
  time?: string | null;
}) => ({
  ...input.text('client', o.client === undefined ? 'Acme Corp' : o.client),
  ...input.text('summary', o.summary === undefined ? 'Shipped the wrong pallets' : o.summary),
  ...input.select('severity', o.severity === undefined ? 'major' : o.severity),
  ...input.user('owner', o.owner === undefined ? MARIA : o.owner),
  ...input.date('due_date', o.date ?? null),
  ...input.time('due_time', o.time ?? null),
});

const errorsOf = (r: { text: string }) =>
  JSON.parse(r.text) as { response_action: string; errors: Record<string, string> };

describe('the open-case modal', () => {
  const ctx = useHarness();

  it('creates the case on submission, with severity, owner, channel from the modal', async () => {
    const { h } = ctx;
    const view = await openModal(h);
    const r = await submit(h, view, openValues({ severity: 'critical', owner: NIKOS }));
    expect(r).toEqual({ status: 200, text: '' });
    const parent = present(() => parents(h)[0], 'parent');
    const first = present(() => replies(h, parent.ts)[0], 'first reply');
    const c = (await h.amends.caseRepo.listOpen(TEAM, CHANNEL, MARIA))[0];
    expect(c).toMatchObject({
      client: 'Acme Corp',
      summary: 'Shipped the wrong pallets',
      severity: 'critical',
      ownerId: NIKOS,
      creatorId: MARIA,
      channelId: CHANNEL,
      tz: 'Europe/Athens', // the owner's
      lang: 'en', // the creator's
    });
    expect(blockById(parent, 'case_header')).toMatchObject({
      text: { text: 'Acme Corp · Critical' },
    });
    expect(first.text).toContain('<@U0NIKOS01>, you own this case.');
    await present(
      async () => (await fresh(h, c ?? { teamId: TEAM, id: 0 })).messageTs === parent.ts,
      'ts stored',
    );
  });

  it('reads the optional due time (day, hour) in the submitter’s time zone', async () => {
    const { h } = ctx;
    const view = await openModal(h, JOAN);
    await submit(h, view, openValues({ owner: MARIA, date: '2026-11-24', time: '10:30' }), {
      user: JOAN,
    });
    present(() => parents(h)[0], 'parent');
    const c = (await h.amends.caseRepo.listOpen(TEAM, CHANNEL, JOAN))[0];
    // 10:30 in New York (EST) = 15:30 UTC, though the owner is in Rome
    expect(c && stepOf(c, 'own_up').dueAt?.toISOString()).toBe('2026-11-24T15:30:00.000Z');
  });

  it.each([
    ['empty client', { client: '' }, 'client'],
    ['missing client', { client: null }, 'client'],
    ['whitespace-only client', { client: '  \n ' }, 'client'],
    ['whitespace-only summary', { summary: ' \t ' }, 'summary'],
    ['151-character client', { client: 'A'.repeat(151) }, 'client'],
    ['unknown severity', { severity: 'apocalyptic' }, 'client'],
    ['due time in the past', { date: '2026-11-20', time: '09:00' }, 'due_date'],
    ['a due time without its day', { date: null, time: '10:00' }, 'due_date'],
    ['Amends itself as the owner', { owner: 'UFAKEBOT01' }, 'owner'],
  ])('%s → response_action errors on that input, nothing stored', async (_n, values, block) => {
    const { h } = ctx;
    const view = await openModal(h);
    const r = await submit(h, view, openValues(values));
    expect(r.status).toBe(200);
    const body = errorsOf(r);
    expect(body.response_action).toBe('errors');
    expect(Object.keys(body.errors)).toEqual([block]);
    expect(body.errors[block]).not.toMatch(/E-[0-9a-f]{8}/);
    expect(await countCases(h)).toBe(0);
    expect(h.fake.callsTo('chat.postMessage')).toHaveLength(0);
  });

  it('accepts a corrected resubmission of the same modal after an error, once', async () => {
    const { h } = ctx;
    const view = await openModal(h);
    expect(errorsOf(await submit(h, view, openValues({ client: ' ' }))).errors.client).toBe(
      en.errors.field.client,
    );
    expect((await submit(h, view, openValues({}))).text).toBe('');
    expect((await submit(h, view, openValues({}))).text).toBe('');
    present(() => parents(h)[0], 'parent');
    expect(await countCases(h)).toBe(1);
    expect(parents(h)).toHaveLength(1);
  });

  it('rejects forged private_metadata without storing anything', async () => {
    const { h } = ctx;
    const view = await openModal(h);
    for (const meta of ['not json', '{"channelId":"#general"}', '[]']) {
      const r = await submit(h, { ...view, private_metadata: meta }, openValues({}));
      expect(errorsOf(r).response_action).toBe('errors');
    }
    expect(await countCases(h)).toBe(0);
  });

  it('a Slack Connect submitter (fixture shape) opens the case in the installing workspace', async () => {
    const { h } = ctx;
    const view = await openModal(h);
    const p = fixture('view_submission.slack_connect.json');
    const v = p.view as Json;
    Object.assign(v, {
      id: view.id,
      callback_id: view.callback_id,
      private_metadata: view.private_metadata,
      blocks: view.blocks,
      state: { values: openValues({ owner: 'W111' }) },
      app_installed_team_id: TEAM,
    });
    const r = await postSigned(h.url, h.secret, interactionBody(p));
    expect(r).toEqual({ status: 200, text: '' });
    present(() => parents(h)[0], 'parent');
    // The one case stored, in the installing workspace.
    expect(await countCases(h)).toBe(1);
    const all = await h.amends.caseRepo.listOpenInTeam(TEAM, 10);
    expect(all.map((c) => ({ teamId: c.teamId, creatorId: c.creatorId }))).toEqual([
      { teamId: TEAM, creatorId: 'W111' },
    ]);
  });
});

describe('our payload builders match Slack’s shapes', () => {
  const ctx = useHarness();

  it('view_submission has every key of the fixture, in its view too', async () => {
    const { h } = ctx;
    const view = await openModal(h);
    const ours = submitPayload(view, openValues({}));
    const theirs = fixture('view_submission.json');
    expect(Object.keys(ours)).toEqual(expect.arrayContaining(Object.keys(theirs)));
    expect(Object.keys(ours.view as Json)).toEqual(
      expect.arrayContaining(Object.keys(theirs.view as Json)),
    );
  });
});

/** Opens a step's modal from its button and returns the stored view. */
async function modalFrom(
  h: Harness,
  o: Opened,
  actionId: string,
  callbackId: string,
  opts: Parameters<typeof press>[3] = {},
): Promise<StoredView> {
  const n = h.fake.callsTo('views.open').length;
  const msg = h.fake.findMessage(CHANNEL, o.parent.ts) ?? o.parent;
  expect(await press(h, msg, actionId, opts)).toEqual({ status: 200, text: '' });
  return nextView(h, callbackId, n);
}

/** Submits, and checks the submission's visible effects: one chat.update, one thread post. */
async function submitAndSee(
  h: Harness,
  o: Opened,
  view: StoredView,
  values: Record<string, Record<string, unknown>>,
  as: { user?: string } = {},
) {
  const before = replies(h, o.parent.ts).length;
  const updates = updatesOf(h, o.parent.ts).length;
  expect(await submit(h, view, values, as)).toEqual({ status: 200, text: '' });
  // The meeting's invite file (a file_share) is checked in invite.test.ts.
  const added = (await newReplies(h, o.parent.ts, before)).filter(
    (m) => m.subtype !== 'file_share',
  );
  expect(added, 'exactly one thread post').toHaveLength(1);
  expect(updatesOf(h, o.parent.ts).length - updates, 'exactly one chat.update').toBe(1);
  // biome-ignore lint/style/noNonNullAssertion: length checked above
  return added[0]!;
}

describe('Meeting', () => {
  const ctx = useHarness();

  /** A case and its meeting modal, opened by Joan (New York). */
  const meetingModal = async () => {
    const { h } = ctx;
    const o = await openCase(h);
    const view = await modalFrom(h, o, ACTION.meeting, VIEW.meeting, {
      step: 'meeting',
      user: JOAN,
    });
    return { h, o, view };
  };

  it('opens a modal for the date, time, length, place', async () => {
    const { view } = await meetingModal();
    const types = (view.blocks as { block_id: string; element: { type: string } }[]).map((b) => [
      b.block_id,
      b.element.type,
    ]);
    expect(types).toEqual([
      ['meeting_date', 'datepicker'],
      ['meeting_time', 'timepicker'],
      ['meeting_length', 'static_select'],
      ['meeting_place', 'plain_text_input'],
    ]);
  });

  it('the time submitted is read in the clicker’s zone (users.info), the step done', async () => {
    const { h, o, view } = await meetingModal();
    const post = await submitAndSee(
      h,
      o,
      view,
      { ...input.date('meeting_date', '2026-11-26'), ...input.time('meeting_time', '10:00') },
      { user: JOAN },
    );
    expect(h.fake.callsTo('users.info').some((c) => c.args.user === JOAN)).toBe(true);
    const at = '2026-11-26T15:00:00.000Z'; // 10:00 in New York
    const c = await fresh(h, o.c);
    expect(c.meetingAt?.toISOString()).toBe(at);
    expect(stepOf(c, 'meeting')).toMatchObject({ status: 'done', doneBy: JOAN });
    expect(stepOf(c, 'apologize').dueAt?.toISOString()).toBe(at);
    // A date and a time ("for Nov 26, 2026 at 10:00 AM"), never "for tomorrow".
    const unix = Date.parse(at) / 1000;
    expect(post.text).toBe(
      `:calendar: <@U0JOAN001> booked the meeting for <!date^${unix}^{date_short}|2026-11-26> at <!date^${unix}^{time}|15:00 UTC>.`,
    );
    const parent = h.fake.findMessage(CHANNEL, o.parent.ts) ?? o.parent;
    expect(JSON.stringify(blockById(parent, 'case_facts'))).toContain('Meeting: <!date^');
    expect(blockById(parent, 'actions_meeting')).toBeUndefined();
  });

  it.each([
    ['in the past', '2026-11-20', '10:00', 'meeting_date'],
    ['without a time', '2026-11-26', null, 'meeting_date'],
    ['on a day that does not exist', '2026-02-30', '10:00', 'meeting_date'],
  ])('a meeting %s → errors in the modal, nothing changes', async (_n, date, time, block) => {
    const { h } = ctx;
    const o = await openCase(h);
    const view = await modalFrom(h, o, ACTION.meeting, VIEW.meeting, { step: 'meeting' });
    const r = await submit(h, view, {
      ...input.date('meeting_date', date),
      ...input.time('meeting_time', time),
    });
    expect(Object.keys(errorsOf(r).errors)).toEqual([block]);
    expect((await fresh(h, o.c)).meetingAt).toBeNull();
    expect(updatesOf(h, o.parent.ts)).toHaveLength(0);
  });
});

describe('Outline', () => {
  const ctx = useHarness();
  const outline = {
    happened: 'We loaded the pallets of another order.',
    why: 'Two orders had the same reference & nobody checked <the label>.',
    prevention: 'A second person checks labels before loading.',
    summary: 'We sent you someone else’s pallets. From now on two people check every label.',
  };
  const values = (o: Partial<typeof outline> = {}) => {
    const v = { ...outline, ...o };
    return {
      ...input.text('happened', v.happened),
      ...input.text('why', v.why),
      ...input.text('prevention', v.prevention),
      ...input.text('two_sentences', v.summary),
    };
  };

  const outlineModal = async (h: Harness) => {
    const o = await openCase(h);
    return { o, view: await modalFrom(h, o, ACTION.outline, VIEW.outline, { step: 'outline' }) };
  };

  it('opens a four-part modal, filled in from the case', async () => {
    const { h } = ctx;
    const { o, view } = await outlineModal(h);
    const blocks = view.blocks as { block_id: string; element: { initial_value?: string } }[];
    expect(blocks.map((b) => b.block_id)).toEqual([
      'happened',
      'why',
      'prevention',
      'two_sentences',
    ]);
    expect(blocks[0]?.element.initial_value).toBe(o.c.summary);
  });

  it('stores the outline sent', async () => {
    const { h } = ctx;
    const { o, view } = await outlineModal(h);
    await submitAndSee(h, o, view, values());
    const c = await fresh(h, o.c);
    expect(c.outline).toEqual(outline);
    expect(stepOf(c, 'outline')).toMatchObject({ status: 'done', doneBy: MARIA });
    expect((await h.amends.caseRepo.events(TEAM, c.id)).at(-1)?.type).toBe('outline_saved');
  });

  it('posts the outline to the thread as typed', async () => {
    const { h } = ctx;
    const { o, view } = await outlineModal(h);
    const post = await submitAndSee(h, o, view, values());
    expect(post.text).toBe(':memo: <@U0MARIA01> wrote the outline for the meeting:');
    const plain = (post.blocks as { type: string; text?: { type: string; text: string } }[])
      .filter((b) => b.type === 'section' && b.text?.type === 'plain_text')
      .map((b) => b.text?.text);
    expect(plain).toEqual([outline.summary, outline.happened, outline.why, outline.prevention]);
  });

  it('an empty part → errors on that input, nothing stored', async () => {
    const { h } = ctx;
    const o = await openCase(h);
    const view = await modalFrom(h, o, ACTION.outline, VIEW.outline, { step: 'outline' });
    const r = await submit(h, view, values({ why: '   ' }));
    expect(errorsOf(r).errors).toEqual({ why: en.errors.field.outline });
    expect((await fresh(h, o.c)).outline).toBeNull();
    expect(updatesOf(h, o.parent.ts)).toHaveLength(0);
  });
});

describe('Skip submission', () => {
  const ctx = useHarness();

  it('a blank reason is refused in the modal, leaving the step open', async () => {
    const { h } = ctx;
    const o = await openCase(h);
    const view = await modalFrom(h, o, ACTION.skip, VIEW.skip, { step: 'compensation' });
    const empty = await submit(h, view, input.text('reason', '  '));
    expect(errorsOf(empty).errors).toEqual({ reason: en.errors.reason_required });
    expect(stepOf(await fresh(h, o.c), 'compensation').status).toBe('pending');
  });

  const reason = 'The client asked for <!here> nothing *extra*';
  /** Nikos skips compensation with `reason`; returns the thread post. */
  const skipped = async (h: Harness) => {
    const o = await openCase(h);
    const view = await modalFrom(h, o, ACTION.skip, VIEW.skip, { step: 'compensation' });
    return {
      o,
      post: await submitAndSee(h, o, view, input.text('reason', reason), { user: NIKOS }),
    };
  };

  it('the thread names who skipped what, with the reason', async () => {
    const { post } = await skipped(ctx.h);
    expect(post.text).toBe(':fast_forward: <@U0NIKOS01> skipped *Decide on compensation*.');
    expect(JSON.stringify(post.blocks)).toContain(JSON.stringify(reason));
  });

  it('skips the optional step with its reason', async () => {
    const { h } = ctx;
    const { o } = await skipped(h);
    const s = stepOf(await fresh(h, o.c), 'compensation');
    expect(s).toMatchObject({ status: 'skipped', doneBy: NIKOS, note: reason });
    const parent = h.fake.findMessage(CHANNEL, o.parent.ts) ?? o.parent;
    expect(blockById(parent, 'actions_compensation')).toBeUndefined();
  });

  it('a second delivery of the same skip modal (same view id) is acknowledged, changing nothing', async () => {
    const { h } = ctx;
    const o = await openCase(h);
    const view = await modalFrom(h, o, ACTION.skip, VIEW.skip, { step: 'compensation' });
    await submitAndSee(h, o, view, input.text('reason', 'Not needed'));
    const r = await submit(h, view, input.text('reason', 'Again'));
    expect(r).toEqual({ status: 200, text: '' });
    expect(stepOf(await fresh(h, o.c), 'compensation').note).toBe('Not needed');
    expect(updatesOf(h, o.parent.ts)).toHaveLength(1);
  });
});

describe('Close submission', () => {
  const ctx = useHarness();

  it('the form says when the reason is required', async () => {
    const { h } = ctx;
    const view = await modalFrom(h, await openCase(h), ACTION.close, VIEW.close);
    // The form says when the reason is required, before anyone is refused for leaving it empty.
    const reasonInput = (view.blocks as { block_id?: string }[]).find(
      (b) => b.block_id === 'reason',
    ) as {
      label: { text: string };
      hint?: { text: string };
    };
    expect(reasonInput.label.text).toBe('Reason');
    expect(reasonInput.hint?.text).toBe(en.modal.close.reasonHint);
  });

  it('outcome lost without a reason is refused in the form, changing nothing', async () => {
    const { h } = ctx;
    const o = await openCase(h);
    const view = await modalFrom(h, o, ACTION.close, VIEW.close);
    const noReason = await submit(h, view, {
      ...input.radio('outcome', 'lost'),
      ...input.text('reason', null),
    });
    // The error says what the form's hint says: a reason is required when the outcome is Lost.
    expect(errorsOf(noReason).errors).toEqual({ reason: en.errors.field.lost_reason });
    expect((await fresh(h, o.c)).status).toBe('open');
    expect(updatesOf(h, o.parent.ts)).toHaveLength(0);
  });

  /** The case closed as lost, with a reason, from the form. */
  const closedLost = async (h: Harness) => {
    const o = await openCase(h);
    const view = await modalFrom(h, o, ACTION.close, VIEW.close);
    const post = await submitAndSee(h, o, view, {
      ...input.radio('outcome', 'lost'),
      ...input.text('reason', 'They moved to a competitor'),
    });
    return { o, post };
  };

  it('outcome lost with a reason ends the case', async () => {
    const { h } = ctx;
    const { o, post } = await closedLost(h);
    expect(post.text).toBe(':lock: <@U0MARIA01> closed the case: Lost.');
    const c = await fresh(h, o.c);
    expect(c).toMatchObject({ status: 'lost', outcomeReason: 'They moved to a competitor' });
  });

  it('a case closed as lost loses its buttons', async () => {
    const { h } = ctx;
    const { o } = await closedLost(h);
    const parent = h.fake.findMessage(CHANNEL, o.parent.ts) ?? o.parent;
    expect(blockById(parent, 'case_actions')).toBeUndefined();
    expect(JSON.stringify(blockById(parent, 'case_outcome'))).toContain(
      'They moved to a competitor',
    );
    expect((parent.blocks as { type: string }[]).filter((b) => b.type === 'actions')).toHaveLength(
      0,
    );
  });

  it('won back needs no reason', async () => {
    const { h } = ctx;
    const o = await openCase(h);
    const view = await modalFrom(h, o, ACTION.close, VIEW.close);
    await submitAndSee(h, o, view, {
      ...input.radio('outcome', 'won_back'),
      ...input.text('reason', null),
    });
    expect((await fresh(h, o.c)).status).toBe('won_back');
  });

  it('a forged outcome → errors, nothing changes', async () => {
    const { h } = ctx;
    const o = await openCase(h);
    const view = await modalFrom(h, o, ACTION.close, VIEW.close);
    const r = await submit(h, view, {
      ...input.radio('outcome', 'open'),
      ...input.text('reason', 'x'),
    });
    expect(errorsOf(r).response_action).toBe('errors');
    expect((await fresh(h, o.c)).status).toBe('open');
  });
});

describe('modal submissions across workspaces', () => {
  const ctx = useHarness();

  it('a submission carrying another workspace cannot touch this workspace’s case', async () => {
    const { h } = ctx;
    const o = await openCase(h);
    const view = await modalFrom(h, o, ACTION.outline, VIEW.outline, { step: 'outline' });
    const r = await submit(
      h,
      view,
      {
        ...input.text('happened', 'a'),
        ...input.text('why', 'b'),
        ...input.text('prevention', 'c'),
        ...input.text('two_sentences', 'd'),
      },
      { team: OTHER_TEAM },
    );
    expect(errorsOf(r).errors).toEqual({ happened: en.errors.case_not_found });
    expect((await fresh(h, o.c)).outline).toBeNull();
    expect(updatesOf(h, o.parent.ts)).toHaveLength(0);
    expect(elementIn(o.parent, 'actions_outline', ACTION.outline)).toBeDefined();
  });
});

describe('the same case again through the form', () => {
  const ctx = useHarness();

  it('the duplicate is refused in the modal, under the client', async () => {
    const { h } = ctx;
    await openCase(h, 'Acme Corp: Shipped the wrong pallets');
    const view = await openModal(h);
    const r = await submit(h, view, openValues({}));
    expect(JSON.parse(r.text)).toEqual({
      response_action: 'errors',
      errors: { client: en.errors.same_case },
    });
    expect(await countCases(h)).toBe(1);
  });
});
