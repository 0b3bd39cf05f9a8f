/**
 * The Slack Connect guard fails closed: when Slack can't say whether a channel is shared outside
 * the company, nothing of a case goes there; the person is told privately that it waits and why,
 * and the case is posted once Slack answers that the channel is internal.
 */
import { describe, expect, it } from 'vitest';
import { en } from '../../src/i18n/en.js';
import type { FailureSpec } from '../../src/sandbox/fakeSlack.js';
import { ACTION } from '../../src/slack/ids.js';
import { CHANNEL, type Harness, MARIA, TEAM } from '../helpers/harness.js';
import {
  command,
  countCases,
  fresh,
  openCase,
  press,
  replies,
  stepOf,
  updatesOf,
  useHarness,
} from '../helpers/slack.js';

/** Web API methods that make something appear in a channel. */
const WRITES = ['chat.postMessage', 'chat.update', 'files.completeUploadExternal'];

/** Calls since the `from`-th recorded call that write into the case's channel. */
const writesToChannel = (h: Harness, from = 0) =>
  h.fake.calls
    .slice(from)
    .filter(
      (c) =>
        WRITES.includes(c.method) && (c.args.channel === CHANNEL || c.args.channel_id === CHANNEL),
    );

const parentPosts = (h: Harness) =>
  h.fake.messages.filter((m) => m.metadata?.event_type === 'amends_case');

/** Past the sharing check's back-off and the sweep's minute: the sweep runs as it does every minute. */
async function sweepLater(h: Harness) {
  h.clock.advance(61_000);
  return h.amends.catchUp({ olderThanMs: 60_000, skipChannelProblems: true });
}

describe('the sharing check failing while a case is opened', () => {
  const ctx = useHarness({ slackTimeoutMs: 300 });

  const UNKNOWN: [string, FailureSpec][] = [
    ['a 500', { status: 500 }],
    ['an HTML 502', { status: 502, html: true }],
    ['a 429', { status: 429, retryAfter: 30 }],
    ['missing_scope', 'missing_scope'],
    ['a hang past the client timeout', { delayMs: 600 }],
  ];

  /** A case opened while Slack cannot say whether the channel is shared; returns it as stored. */
  async function openedUnknown(h: Harness, failure: FailureSpec) {
    h.fake.failNext('conversations.info', failure);
    const r = await command(h, 'Acme: wrong pallets');
    expect(r.status).toBe(200);
    expect(await countCases(h)).toBe(1);
    const [stored] = await h.amends.caseRepo.listOpen(TEAM, CHANNEL, MARIA);
    return stored;
  }

  it.each(UNKNOWN)('%s: nothing is posted', async (_n, failure) => {
    const { h } = ctx;
    const stored = await openedUnknown(h, failure);
    expect(writesToChannel(h)).toEqual([]);
    expect(stored?.messageTs).toBeNull();
    expect(stored?.deliveryProblem).toBe('sharing_unknown');
  });

  it.each(UNKNOWN)('%s: the person is told the case waits', async (_n, failure) => {
    const { h } = ctx;
    await openedUnknown(h, failure);
    expect(h.fake.responses.map((x) => x.body.text)).toEqual([en.shared.unknown]);
  });

  it.each(UNKNOWN)(
    '%s: the case is posted once Slack says the channel is internal',
    async (_n, failure) => {
      const { h } = ctx;
      const stored = await openedUnknown(h, failure);
      await sweepLater(h);
      expect(parentPosts(h)).toHaveLength(1);
      const parent = parentPosts(h)[0];
      expect(replies(h, parent?.ts ?? '')).toHaveLength(1);
      const c = await fresh(h, { teamId: TEAM, id: stored?.id ?? 0 });
      expect(c.messageTs).toBe(parent?.ts);
      expect(c.deliveryProblem).toBeNull();
      // A second sweep finds nothing to do: posted exactly once.
      await sweepLater(h);
      expect(parentPosts(h)).toHaveLength(1);
    },
  );

  it('missing_scope is logged once as a setup error, however many cases wait', async () => {
    const { h } = ctx;
    h.fake.failNext('conversations.info', 'missing_scope', 3);
    await command(h, 'Acme: wrong pallets');
    h.clock.advance(5_000); // past the back-off: Slack is asked again, and refuses again
    await command(h, 'Beta: late invoice');
    expect(writesToChannel(h)).toEqual([]);
    expect(h.logs.filter((l) => l.msg.startsWith('setup error'))).toHaveLength(1);
  });

  it('during the back-off Slack is not asked again: a burst in one channel costs one check', async () => {
    const { h } = ctx;
    h.fake.failNext('conversations.info', { status: 500 });
    await command(h, 'Acme: wrong pallets');
    await command(h, 'Beta: late invoice');
    await command(h, 'Gamma: lost parcel');
    expect(h.fake.callsTo('conversations.info')).toHaveLength(1);
    expect(writesToChannel(h)).toEqual([]);
    expect(h.fake.responses.map((x) => x.body.text)).toEqual(Array(3).fill(en.shared.unknown));
  });

  /** A case asked for in a private channel Amends is not in (channel_not_found). */
  const notInChannel = async () => {
    const { h } = ctx;
    h.fake.failNext('conversations.info', 'channel_not_found');
    await command(h, 'Acme: wrong pallets');
    return h;
  };

  it('channel_not_found (a private channel Amends is not in): nothing posted, told to invite Amends', async () => {
    const h = await notInChannel();
    expect(writesToChannel(h)).toEqual([]);
    expect(h.fake.responses.map((x) => x.body.text)).toEqual([en.errors.notInChannel]);
  });

  it('channel_not_found, then Amends invited: the waiting case goes out', async () => {
    const h = await notInChannel();
    expect(parentPosts(h)).toHaveLength(0);
    h.clock.advance(2_000);
    await h.amends.publishPending();
    expect(parentPosts(h)).toHaveLength(1);
  });

  it('an expired "internal" answer is not reused when Slack then fails', async () => {
    const { h } = ctx;
    await openCase(h);
    h.clock.advance(6 * 60_000); // past the five minutes an answer is trusted
    h.fake.failNext('conversations.info', { status: 500 });
    const from = h.fake.calls.length;
    await command(h, 'Beta: late invoice');
    expect(writesToChannel(h, from)).toEqual([]);
    expect(parentPosts(h)).toHaveLength(1);
  });
});

describe('the sharing check failing for a case already shown', () => {
  const ctx = useHarness();

  it('channel_not_found on a click (Amends removed from a private channel): the click is stored, its line waits, nothing is left unhandled', async () => {
    const { h } = ctx;
    const o = await openCase(h);
    h.clock.advance(6 * 60_000);
    h.fake.failNext('conversations.info', 'channel_not_found', 2); // the redraw's check, the lines'
    const from = h.fake.calls.length;
    expect((await press(h, o.parent, ACTION.done, { step: 'own_up' })).status).toBe(200);
    expect(stepOf(await fresh(h, o.c), 'own_up').status).toBe('done');
    expect(writesToChannel(h, from)).toEqual([]);
    // Invited back: the minute sweep posts what waited, once.
    const before = replies(h, o.parent.ts).length;
    await sweepLater(h);
    expect(replies(h, o.parent.ts).length).toBe(before + 1);
  });

  /** Done clicked while Slack cannot say whether the channel is shared. */
  async function clickedUnknown(h: Harness) {
    const o = await openCase(h);
    h.clock.advance(6 * 60_000);
    h.fake.failNext('conversations.info', { status: 500 });
    const from = h.fake.calls.length;
    expect((await press(h, o.parent, ACTION.done, { step: 'own_up' })).status).toBe(200);
    return { o, from };
  }

  it('a click is stored at once', async () => {
    const { h } = ctx;
    const { o } = await clickedUnknown(h);
    expect(stepOf(await fresh(h, o.c), 'own_up').status).toBe('done');
  });

  it('a click is shown (redraw, thread line) only once Slack says the channel is internal', async () => {
    const { h } = ctx;
    const { o, from } = await clickedUnknown(h);
    expect(writesToChannel(h, from)).toEqual([]);
    const before = replies(h, o.parent.ts).length;

    await sweepLater(h);
    expect(updatesOf(h, o.parent.ts).length).toBeGreaterThan(0);
    const shown = h.fake.findMessage(CHANNEL, o.parent.ts);
    expect(JSON.stringify(shown?.blocks)).not.toContain(`"${o.c.id}|own_up|1"`);
    expect(replies(h, o.parent.ts).length).toBeGreaterThan(before);
  });
});
