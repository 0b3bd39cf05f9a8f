import { describe, expect, it } from 'vitest';
import { renderCase } from '../../src/slack/blocks/caseMessage.js';
import { loseFirstReplyHints } from '../helpers/crash.js';
import { CHANNEL, TEAM } from '../helpers/harness.js';
import { fresh, openCase, replies, useHarness } from '../helpers/slack.js';

const firstReplies = (msgs: { ts: string; metadata?: { event_type: string } }[]) =>
  msgs.filter((m) => m.metadata?.event_type === 'amends_case_first_reply');

describe('Slack brought up to date with the stored cases (the minute sweep)', () => {
  const ctx = useHarness();

  it('a first reply lost after the parent (a run died) is posted once, after looking in the thread', async () => {
    const { h } = ctx;
    // As if the run died after the parent: the reply is not recorded (its hint is lost)...
    const restore = loseFirstReplyHints();
    const o = await openCase(h);
    await h.amends.settleShown(); // what Slack shows is recorded (hints are written a second later)
    restore();
    expect(await h.amends.caseRepo.firstReplyOf(TEAM, o.c.id)).toEqual([]);
    // ...and not in Slack.
    const reply = firstReplies(replies(h, o.parent.ts))[0];
    h.fake.messages.splice(h.fake.messages.indexOf(reply as never), 1);
    // Left to the process posting it for a minute.
    expect(await h.amends.settleShown()).toMatchObject({ firstReplies: 0 });
    h.clock.advance(2 * 60_000);
    await h.amends.settleShown();
    expect(firstReplies(replies(h, o.parent.ts))).toHaveLength(1);
    await h.amends.settleShown();
    expect(firstReplies(replies(h, o.parent.ts))).toHaveLength(1);
  });

  it('a first reply that is in the thread but was never recorded is only recorded', async () => {
    const { h } = ctx;
    const restore = loseFirstReplyHints(); // the run died before its hints were written
    const o = await openCase(h);
    await h.amends.settleShown();
    restore();
    expect(await h.amends.caseRepo.firstReplyOf(TEAM, o.c.id)).toEqual([]);
    h.clock.advance(2 * 60_000);
    await h.amends.settleShown();
    expect(firstReplies(replies(h, o.parent.ts))).toHaveLength(1);
    expect(await h.amends.caseRepo.firstReplyOf(TEAM, o.c.id)).toEqual([
      firstReplies(replies(h, o.parent.ts))[0]?.ts,
    ]);
  });

  it('a step that comes due with no nudge (the day’s budget is spent) is redrawn as overdue, once', async () => {
    const { h } = ctx;
    const o = await openCase(h); // Monday 08:00Z; own_up due 12:00Z
    const parentText = () => JSON.stringify(h.fake.findMessage(CHANNEL, o.parent.ts)?.blocks);
    expect(parentText()).not.toContain('Overdue');
    h.clock.set('2026-11-23T12:05:00Z');
    const r = await h.amends.settleShown();
    expect(r.redrawn).toBe(1);
    expect(parentText()).toContain('Overdue');
    const updates = h.fake.callsTo('chat.update').length;
    expect((await h.amends.settleShown()).redrawn).toBe(0);
    expect(h.fake.callsTo('chat.update')).toHaveLength(updates);
    // What the sweep drew is the stored case as it renders at that moment.
    const expected = renderCase(await fresh(h, o.c), h.amends.cases.playbook, h.clock.now());
    expect(h.fake.findMessage(CHANNEL, o.parent.ts)?.blocks).toEqual(expected.blocks);
  });
});
