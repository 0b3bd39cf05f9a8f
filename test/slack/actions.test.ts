import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parsePlaybook, STEP_KEYS, type StepKey } from '../../src/domain/playbook.js';
import { el } from '../../src/i18n/el.js';
import { en } from '../../src/i18n/en.js';
import { interactionBody, postSigned } from '../../src/sandbox/slackRequests.js';
import type { SnoozeChoice } from '../../src/services/cases.js';
import { ACTION } from '../../src/slack/ids.js';
import { CHANNEL, type Harness, MARIA, present, TEAM } from '../helpers/harness.js';
import {
  actionOn,
  blockById,
  click,
  clickPayload,
  elementIn,
  fresh,
  JOAN,
  NIKOS,
  newReplies,
  type Opened,
  openCase,
  press,
  replies,
  stepOf,
  updatesOf,
  useHarness,
} from '../helpers/slack.js';

const tokenFor = (iso: string) => `<!date^${Date.parse(iso) / 1000}^`;
const stepText = (h: Harness, o: Opened, key: StepKey): string => {
  const msg = h.fake.findMessage(CHANNEL, o.parent.ts);
  return ((blockById(msg ?? o.parent, `step_${key}`)?.text as { text: string }) ?? { text: '' })
    .text;
};

/** Clicks, then checks the click's two visible effects: one chat.update on the parent, one thread line. */
async function clickAndSee(
  h: Harness,
  o: Opened,
  actionId: string,
  opts: Parameters<typeof press>[3] = {},
): Promise<string> {
  const msg = h.fake.findMessage(CHANNEL, o.parent.ts) ?? o.parent;
  const before = replies(h, o.parent.ts).length;
  const updates = updatesOf(h, o.parent.ts).length;
  expect(await press(h, msg, actionId, opts)).toEqual({ status: 200, text: '' });
  const added = await newReplies(h, o.parent.ts, before);
  expect(added, 'exactly one thread line').toHaveLength(1);
  expect(updatesOf(h, o.parent.ts).length - updates, 'exactly one chat.update').toBe(1);
  const call = updatesOf(h, o.parent.ts).at(-1);
  expect(call?.args).toMatchObject({ channel: CHANNEL, ts: o.parent.ts });
  return added[0]?.text ?? '';
}

describe('Done', () => {
  const ctx = useHarness();

  /** Nikos clicks Done on the own-up 25 minutes after the case opened. */
  async function doneByNikos(h: Harness) {
    const o = await openCase(h);
    h.clock.advance(25 * 60_000);
    const line = await clickAndSee(h, o, ACTION.done, { step: 'own_up', user: NIKOS });
    return { o, line };
  }

  it('says who marked the step done in the thread', async () => {
    const { h } = ctx;
    const { line } = await doneByNikos(h);
    expect(line).toBe(':white_check_mark: <@U0NIKOS01> marked *Own up to the client* done.');
  });

  it('stores the step done (who, when) with its event', async () => {
    const { h } = ctx;
    const { o } = await doneByNikos(h);
    const c = await fresh(h, o.c);
    expect(stepOf(c, 'own_up')).toMatchObject({
      status: 'done',
      doneBy: NIKOS,
      doneAt: new Date('2026-11-23T08:25:00Z'),
      version: 2,
    });
    expect((await h.amends.caseRepo.events(TEAM, c.id)).at(-1)).toMatchObject({
      type: 'step_done',
      actor: NIKOS,
      stepKey: 'own_up',
    });
  });

  it('updates the parent in place: the step done, its buttons gone, the time to own up', async () => {
    const { h } = ctx;
    const { o } = await doneByNikos(h);
    const parent = h.fake.findMessage(CHANNEL, o.parent.ts);
    expect(parent?.edited).toBeDefined();
    expect(stepText(h, o, 'own_up')).toContain('Done · by <@U0NIKOS01>');
    expect(blockById(parent ?? o.parent, 'actions_own_up')).toBeUndefined();
    expect(JSON.stringify(blockById(parent ?? o.parent, 'case_facts'))).toContain(
      'Client told after 25 minutes',
    );
  });
});

describe('Snooze (overflow: 1 hour / tomorrow morning / next week)', () => {
  const ctx = useHarness();

  it('offers exactly the three choices on every open step', async () => {
    const o = await openCase(ctx.h);
    const menu = elementIn(o.parent, 'actions_own_up', ACTION.snooze) as {
      type: string;
      options: { value: string; text: { text: string } }[];
    };
    expect(menu.type).toBe('overflow');
    expect(menu.options.map((x) => x.value)).toEqual([
      `${o.c.id}|own_up|1|hour`,
      `${o.c.id}|own_up|1|tomorrow`,
      `${o.c.id}|own_up|1|next_week`,
    ]);
    expect(menu.options.map((x) => x.text.text)).toEqual([
      'Snooze: 1 hour',
      'Snooze: tomorrow morning (owner’s time)',
      'Snooze: next week (owner’s time)',
    ]);
  });

  it.each<[SnoozeChoice, string]>([
    ['hour', '2026-11-23T09:00:00.000Z'],
    // the owner's mornings (09:00 in Rome): Tuesday, and the next Monday
    ['tomorrow', '2026-11-24T08:00:00.000Z'],
    ['next_week', '2026-11-30T08:00:00.000Z'],
  ])('%s → snoozed until %s', async (choice, until) => {
    const { h } = ctx;
    const o = await openCase(h);
    const line = await clickAndSee(h, o, ACTION.snooze, { step: 'own_up', choice });
    expect(line).toContain('<@U0MARIA01> snoozed *Own up to the client* until');
    expect(line).toContain(tokenFor(until));
    // A morning is someone's: the line says whose (the owner's), beside the reader's own time.
    if (choice === 'hour') expect(line).not.toContain('’s morning');
    else expect(line).toMatch(/\|[^>]+> \(<@U0MARIA01>’s morning\)\.$/);
    const s = stepOf(await fresh(h, o.c), 'own_up');
    expect(s.status).toBe('snoozed');
    expect(s.snoozedUntil?.toISOString()).toBe(until);
    expect(stepText(h, o, 'own_up')).toContain(`snoozed until ${tokenFor(until)}`);
    // the re-rendered buttons carry the new version
    const msg = h.fake.findMessage(CHANNEL, o.parent.ts);
    expect(elementIn(msg ?? o.parent, 'actions_own_up', ACTION.done)?.value).toBe(
      `${o.c.id}|own_up|2`,
    );
  });
});

describe('Skip with a reason (optional steps only)', () => {
  const ctx = useHarness();

  it('shows Skip only on optional steps', async () => {
    const { h } = ctx;
    const o = await openCase(h);
    for (const s of o.c.steps) {
      if (!blockById(o.parent, `actions_${s.key}`)) continue;
      const skip = elementIn(o.parent, `actions_${s.key}`, ACTION.skip);
      expect(!!skip, s.key).toBe(s.optional);
    }
    expect(elementIn(o.parent, 'actions_compensation', ACTION.skip)).toBeDefined();
    // check_in becomes available (and skippable) once the client accepts
    await clickAndSee(h, o, ACTION.accepted);
    const msg = h.fake.findMessage(CHANNEL, o.parent.ts);
    expect(elementIn(msg ?? o.parent, 'actions_check_in', ACTION.skip)).toBeDefined();
  });

  it('asks why in a modal, changing nothing until it is sent', async () => {
    const { h } = ctx;
    const o = await openCase(h);
    const before = replies(h, o.parent.ts).length;
    await press(h, o.parent, ACTION.skip, { step: 'compensation' });
    const call = present(() => h.fake.callsTo('views.open')[0], 'skip modal');
    const view = call.args.view as { callback_id: string; blocks: { block_id: string }[] };
    expect(view.callback_id).toBe('amends_skip');
    expect(view.blocks.map((b) => b.block_id)).toEqual(['reason']);
    expect(updatesOf(h, o.parent.ts)).toHaveLength(0);
    expect(replies(h, o.parent.ts)).toHaveLength(before);
    expect(stepOf(await fresh(h, o.c), 'compensation').status).toBe('pending');
  });

  it('refuses to skip a required step, even with a forged click', async () => {
    const { h } = ctx;
    const o = await openCase(h);
    const value = elementIn(o.parent, 'actions_own_up', ACTION.done)?.value as string;
    await click(h, { action_id: ACTION.skip, value }, { message: o.parent });
    const eph = present(() => h.fake.ephemerals[0], 'ephemeral');
    expect(eph).toMatchObject({ channel: CHANNEL, user: MARIA, text: en.errors.not_optional });
    expect(h.fake.callsTo('views.open')).toHaveLength(0);
    expect(stepOf(await fresh(h, o.c), 'own_up').status).toBe('pending');
  });
});

describe('a private note to someone Amends has not looked up yet', () => {
  const ctx = useHarness();

  it('a Greek colleague’s first click is a repeat: the note is in Greek, asked of Slack after the ack', async () => {
    const { h } = ctx;
    const o = await openCase(h);
    const old = structuredClone(o.parent);
    await press(h, o.parent, ACTION.done, { step: 'own_up' });
    // Nikos has never used Amends: nothing cached about him; he clicks the same (old) button.
    await press(h, old, ACTION.done, { step: 'own_up', user: NIKOS });
    const eph = present(() => h.fake.ephemerals.find((e) => e.user === NIKOS), 'ephemeral');
    expect(eph.text).toBe(el.errors.already_done);
  });
});

describe('Client accepted / refused / Close case', () => {
  const ctx = useHarness();

  it('Client accepted: records the answer, starts check-ins, hides both answer buttons', async () => {
    const { h } = ctx;
    const o = await openCase(h);
    const line = await clickAndSee(h, o, ACTION.accepted, { user: JOAN });
    expect(line).toContain('<@U0JOAN001> recorded that the client accepted');
    const c = await fresh(h, o.c);
    expect(c.answer).toBe('accepted');
    expect(stepOf(c, 'client_answer').status).toBe('done');
    expect(stepOf(c, 'check_in').status).toBe('pending');
    const msg = h.fake.findMessage(CHANNEL, o.parent.ts) ?? o.parent;
    expect(elementIn(msg, 'case_actions', ACTION.accepted)).toBeUndefined();
    expect(elementIn(msg, 'case_actions', ACTION.refused)).toBeUndefined();
    expect(elementIn(msg, 'case_actions', ACTION.close)).toBeDefined();
    expect(JSON.stringify(blockById(msg, 'case_facts'))).toContain(en.case.answer.accepted);
  });

  it('Client refused: asks to confirm (Slack confirm object), then starts keep-trying', async () => {
    const { h } = ctx;
    const o = await openCase(h);
    expect(elementIn(o.parent, 'case_actions', ACTION.refused)?.confirm).toMatchObject({
      title: { type: 'plain_text', text: en.confirmRefused.title },
      confirm: { text: en.confirmRefused.confirm },
      deny: { text: en.confirmRefused.deny },
    });
    const line = await clickAndSee(h, o, ACTION.refused);
    expect(line).toContain('<@U0MARIA01> recorded that the client refused');
    const c = await fresh(h, o.c);
    expect(c.answer).toBe('refused');
    expect(stepOf(c, 'keep_trying').status).toBe('pending');
    const msg = h.fake.findMessage(CHANNEL, o.parent.ts) ?? o.parent;
    expect(elementIn(msg, 'case_actions', ACTION.refused)).toBeUndefined();
    expect(elementIn(msg, 'case_actions', ACTION.accepted)).toBeDefined();
  });

  it('Close case: its button carries a danger confirm', async () => {
    const { h } = ctx;
    const o = await openCase(h);
    expect(elementIn(o.parent, 'case_actions', ACTION.close)).toMatchObject({
      style: 'danger',
      confirm: {
        title: { text: en.confirmClose.title },
        text: { text: en.confirmClose.text },
        confirm: { text: en.confirmClose.confirm },
        deny: { text: en.confirmClose.deny },
        style: 'danger',
      },
    });
  });

  it('Close case opens the close modal, changing nothing yet', async () => {
    const { h } = ctx;
    const o = await openCase(h);
    await press(h, o.parent, ACTION.close);
    const call = present(() => h.fake.callsTo('views.open')[0], 'close modal');
    const view = call.args.view as {
      callback_id: string;
      blocks: {
        block_id: string;
        optional?: boolean;
        element: { options?: { value: string }[] };
      }[];
    };
    expect(view.callback_id).toBe('amends_close');
    expect(view.blocks[0]?.element.options?.map((x) => x.value)).toEqual([
      'won_back',
      'lost',
      'closed',
    ]);
    expect(view.blocks[1]).toMatchObject({ block_id: 'reason', optional: true });
    expect((await fresh(h, o.c)).status).toBe('open');
    expect(updatesOf(h, o.parent.ts)).toHaveLength(0);
  });
});

describe('a button on a closed case', () => {
  const ctx = useHarness();

  it('is refused, saying the case is closed, changing nothing', async () => {
    const { h } = ctx;
    const o = await openCase(h);
    await h.amends.cases.close({ teamId: TEAM, caseId: o.c.id, actor: MARIA }, 'closed', null);
    await press(h, o.parent, ACTION.done, { step: 'own_up' });
    const eph = present(() => h.fake.ephemerals[0], 'ephemeral');
    expect(eph.text).toBe(en.errors.case_closed);
    expect(stepOf(await fresh(h, o.c), 'own_up').status).toBe('pending');
    expect(updatesOf(h, o.parent.ts)).toHaveLength(0);
  });
});

describe('a button inside the thread', () => {
  const ctx = useHarness();

  it('answers a refused click privately in that thread', async () => {
    const { h } = ctx;
    const o = await openCase(h);
    await h.amends.cases.close({ teamId: TEAM, caseId: o.c.id, actor: MARIA }, 'closed', null);
    await press(h, o.parent, ACTION.done, {
      step: 'corrective_changes',
      threadTs: o.parent.ts,
      user: JOAN,
    });
    const eph = present(() => h.fake.ephemerals[0], 'ephemeral');
    expect(eph).toMatchObject({
      channel: CHANNEL,
      user: JOAN,
      thread_ts: o.parent.ts,
      text: en.errors.case_closed,
    });
  });
});

describe('a playbook step title with Slack markup', () => {
  const ctx = useHarness({
    playbook: parsePlaybook({
      steps: STEP_KEYS.map((key) =>
        key === 'own_up' ? { key, title: 'Call them <!here> & *now*' } : { key },
      ),
    }),
  });

  it('is shown escaped wherever it appears: checklist, thread lines', async () => {
    const { h } = ctx;
    const o = await openCase(h);
    expect(stepText(h, o, 'own_up')).toContain('Call them &lt;!here&gt; &amp;');
    expect(o.first.text).toContain('Call them &lt;!here&gt; &amp;');
    const snoozed = await clickAndSee(h, o, ACTION.snooze, { step: 'own_up', choice: 'hour' });
    expect(snoozed).toContain('Call them &lt;!here&gt; &amp;');
    const done = await clickAndSee(h, o, ACTION.done, { step: 'own_up' });
    expect(done).toContain('Call them &lt;!here&gt; &amp;');
    // (the shared afterEach also walks every posted block for <!here>)
  });
});

describe('our block_actions payload has Slack’s shape', () => {
  const ctx = useHarness();
  const fixture = JSON.parse(
    readFileSync(new URL('../fixtures/slack/block_actions.json', import.meta.url), 'utf8'),
  ) as Record<string, Record<string, unknown>> & { actions: Record<string, unknown>[] };

  it('has every key of the fixture, at every level', async () => {
    const { h } = ctx;
    const o = await openCase(h);
    const msg = h.fake.findMessage(CHANNEL, o.parent.ts) ?? o.parent;
    const ours = clickPayload(h, actionOn(msg, ACTION.done, { step: 'own_up' }), { message: msg });
    const keys = (x: unknown) => Object.keys(x as object);
    expect(keys(ours)).toEqual(expect.arrayContaining(keys(fixture)));
    for (const part of ['container', 'team', 'user', 'channel', 'message', 'state'])
      expect(keys(ours[part]), part).toEqual(expect.arrayContaining(keys(fixture[part])));
    const action = (ours.actions as unknown[])[0];
    expect(keys(action)).toEqual(expect.arrayContaining(keys(fixture.actions[0])));
  });

  it('Slack’s own payload (the fixture carrying our button, ids) is handled like ours', async () => {
    const { h } = ctx;
    const o = await openCase(h);
    const p = structuredClone(fixture) as Record<string, unknown>;
    Object.assign(p, {
      team: { id: TEAM },
      user: { id: MARIA },
      channel: { id: CHANNEL },
      container: { ...(fixture.container as object), channel_id: CHANNEL, message_ts: o.parent.ts },
      message: { ...(fixture.message as object), ts: o.parent.ts, blocks: o.parent.blocks },
      actions: [{ ...fixture.actions[0], ...actionOn(o.parent, ACTION.done, { step: 'own_up' }) }],
    });
    const r = await postSigned(h.url, h.secret, interactionBody(p));
    expect(r).toEqual({ status: 200, text: '' });
    present(() => updatesOf(h, o.parent.ts).length === 1, 'update');
    expect(stepOf(await fresh(h, o.c), 'own_up').status).toBe('done');
  });
});
