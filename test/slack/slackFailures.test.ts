/**
 * Each way Slack fails while a case is opened or a click is shown: what is stored, what Slack
 * received, and what the user was told.
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

const parentPosts = (h: Parameters<typeof countCases>[0]) =>
  h.fake.messages.filter((m) => m.metadata?.event_type === 'amends_case');

describe('Slack failing while a case is opened', () => {
  const ctx = useHarness();

  const FAILURES: [string, FailureSpec, string, string][] = [
    [
      'an HTML 502 from a proxy',
      { status: 502, html: true },
      'http_502',
      en.errors.notShown.silent,
    ],
    ['a 500', { status: 500 }, 'http_500', en.errors.notShown.silent],
    [
      '429 with Retry-After',
      { status: 429, retryAfter: 30 },
      'ratelimited',
      en.errors.notShown.busy,
    ],
    ['msg_too_long', 'msg_too_long', 'msg_too_long', en.errors.notShown.later],
  ];

  /** A case opened while chat.postMessage fails with `failure`. */
  async function openedUnposted(h: Harness, failure: FailureSpec) {
    h.fake.failNext('chat.postMessage', failure);
    expect((await command(h, 'Acme: wrong pallets')).status).toBe(200);
  }

  it.each(FAILURES)('%s: the case is stored once, unposted', async (_n, failure, code) => {
    const { h } = ctx;
    await openedUnposted(h, failure);
    expect(await countCases(h)).toBe(1);
    expect(parentPosts(h)).toHaveLength(0);
    const [stored] = await h.amends.caseRepo.listOpen(TEAM, CHANNEL, MARIA);
    expect(stored?.deliveryProblem).toBe(code);
  });

  it.each(FAILURES)(
    '%s: the user reads that the case is saved',
    async (_n, failure, _code, told) => {
      const { h } = ctx;
      await openedUnposted(h, failure);
      // What happened, in plain words (no internal code), and that the case is saved.
      expect(h.fake.responses.map((r) => r.body.text)).toEqual([told]);
    },
  );

  it.each(FAILURES)('%s: the case is posted once Slack answers', async (_n, failure) => {
    const { h } = ctx;
    await openedUnposted(h, failure);
    // The minute sweep, once Slack answers again.
    h.clock.advance(61_000);
    expect(
      (await h.amends.publishPending({ olderThanMs: 60_000, skipChannelProblems: true })).posted,
    ).toBe(1);
    expect(parentPosts(h)).toHaveLength(1);
    expect(replies(h, parentPosts(h)[0]?.ts ?? '')).toHaveLength(1);
  });

  it('429 on every call: the case is stored, each sweep trying once (no storm)', async () => {
    const { h } = ctx;
    h.fake.failNext('chat.postMessage', { status: 429, retryAfter: 60 }, 100);
    await command(h, 'Acme: wrong pallets');
    const posts = () => h.fake.callsTo('chat.postMessage').length;
    expect(posts()).toBe(1);
    for (let minute = 1; minute <= 3; minute++) {
      h.clock.advance(61_000);
      await h.amends.publishPending({ olderThanMs: 60_000, skipChannelProblems: true });
      expect(posts()).toBe(1 + minute);
    }
    expect(await countCases(h)).toBe(1);
    expect(parentPosts(h)).toHaveLength(0);
  });
});

describe('Slack failing while a click is shown', () => {
  const ctx = useHarness();

  /** Done on the own-up while chat.update answers an HTML 502. */
  async function doneUnshown(h: Harness) {
    ctx.allowUnexpected = true;
    const o = await openCase(h);
    h.fake.failNext('chat.update', { status: 502, html: true });
    expect((await press(h, o.parent, ACTION.done, { step: 'own_up' })).status).toBe(200);
    expect(updatesOf(h, o.parent.ts)).toHaveLength(1); // tried once, refused
    return o;
  }

  it('an HTML 502 on chat.update: the click is stored', async () => {
    const { h } = ctx;
    const o = await doneUnshown(h);
    expect(stepOf(await fresh(h, o.c), 'own_up').status).toBe('done');
  });

  it('an HTML 502 on chat.update: the next change redraws the parent', async () => {
    const { h } = ctx;
    const o = await doneUnshown(h);
    const msg = h.fake.findMessage(CHANNEL, o.parent.ts) ?? o.parent;
    await press(h, msg, ACTION.snooze, { step: 'outline', choice: 'hour' });
    const shown = h.fake.findMessage(CHANNEL, o.parent.ts);
    expect(JSON.stringify(shown?.blocks)).not.toContain(`"${o.c.id}|own_up|1"`);
  });
});

describe('Slack hanging past the timeout after it posted', () => {
  const ctx = useHarness({ slackTimeoutMs: 300 });

  it('a parent Slack posted after the timeout is found by the retries instead of posted twice', async () => {
    const { h } = ctx;
    // The channel is known to be internal (asked just before): only the post hangs.
    expect(await h.amends.sharing.isShared(h.amends.client, CHANNEL)).toBe(false);
    const release = h.fake.hold(); // Slack takes the post, then answers too late
    expect((await command(h, 'Acme: wrong pallets')).status).toBe(200);
    expect(await countCases(h)).toBe(1);
    const stored = (await h.amends.caseRepo.listOpen(TEAM, CHANNEL, MARIA))[0];
    expect(stored?.messageTs).toBeNull(); // the bot never heard back
    release();
    await h.fake.idle();
    expect(parentPosts(h)).toHaveLength(1); // Slack has it all the same
    // /incident list and the minute sweep both try again: they look first, and find it.
    await command(h, 'list');
    h.clock.advance(2 * 60_000);
    await h.amends.publishPending({ olderThanMs: 60_000 });
    expect(parentPosts(h)).toHaveLength(1);
    const c = (await h.amends.caseRepo.listOpen(TEAM, CHANNEL, MARIA))[0];
    expect(c?.messageTs).toBe(parentPosts(h)[0]?.ts);
  });
});
