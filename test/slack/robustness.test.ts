/**
 * Repeated, malformed and unsavable requests: each gets a clear answer and changes nothing.
 */
import { describe, expect, it } from 'vitest';
import { en } from '../../src/i18n/en.js';
import { interactionBody, postSigned } from '../../src/sandbox/slackRequests.js';
import { ACTION, VIEW } from '../../src/slack/ids.js';
import { CHANNEL, MARIA, TEAM, testEngine } from '../helpers/harness.js';
import {
  click,
  command,
  countCases,
  countEvents,
  fresh,
  input,
  nextView,
  openCase,
  press,
  replies,
  stepOf,
  submit,
  updatesOf,
  useHarness,
} from '../helpers/slack.js';
import { readOnly } from '../store/database.js';

describe('bodies Slack would never send', () => {
  const ctx = useHarness();

  it.each([
    ['payload=null', interactionBody(null as never), 'application/x-www-form-urlencoded'],
    ['payload=[]', 'payload=%5B%5D', 'application/x-www-form-urlencoded'],
    ['an empty form', '', 'application/x-www-form-urlencoded'],
    ['JSON null', 'null', 'application/json'],
    ['a JSON object without a type', '{"team_id":"T0AMENDS1"}', 'application/json'],
  ])('%s, properly signed → 400, nothing stored, no Slack call', async (_name, body, type) => {
    const { h } = ctx;
    const r = await postSigned(h.url, h.secret, body, type);
    expect(r.status).toBe(400);
    expect(await countCases(h)).toBe(0);
    expect(h.fake.calls).toEqual([]);
  });
});

describe('the same thing twice', () => {
  const ctx = useHarness();

  it('"Client refused" clicked twice from the same message: one change, the second is told it is stale', async () => {
    const { h } = ctx;
    const o = await openCase(h);
    const events = await countEvents(h);
    const old = structuredClone(o.parent); // the message as it was before the first click
    const first = await press(h, old, ACTION.refused);
    const second = await press(h, old, ACTION.refused);
    expect([first.status, second.status]).toEqual([200, 200]);
    expect(await countEvents(h)).toBe(events + 1);
    expect(h.fake.ephemerals.map((e) => e.text)).toEqual([en.errors.stale_action]);
  });

  it('"More follow-ups" clicked 5 times from one message: one change, one thread line', async () => {
    const { h } = ctx;
    const o = await openCase(h);
    await press(h, o.parent, ACTION.refused);
    const c = await fresh(h, o.c); // refused: "More follow-ups" is offered with the case's version

    const value = `${c.id}|${c.version}`;
    const before = replies(h, o.parent.ts).length;
    const events = await countEvents(h);
    const rs = await Promise.all(
      [1, 2, 3, 4, 5].map(() => click(h, { action_id: ACTION.moreFollowUps, value })),
    );
    expect(rs.every((r) => r.status === 200)).toBe(true);
    expect(await countEvents(h)).toBe(events + 1);
    expect(replies(h, o.parent.ts)).toHaveLength(before + 1);
  });

  it('the outline form submitted twice with the same view id is taken once: one event, one thread line', async () => {
    const { h } = ctx;
    const o = await openCase(h);
    const n = h.fake.callsTo('views.open').length;
    await press(h, o.parent, ACTION.outline, { step: 'outline' });
    const view = await nextView(h, VIEW.outline, n);
    const values = {
      ...input.text('happened', 'Wrong pallets loaded.'),
      ...input.text('why', 'Same reference on two orders.'),
      ...input.text('prevention', 'Two people check labels.'),
      ...input.text('two_sentences', 'We sent the wrong pallets. Two people now check labels.'),
    };
    const before = replies(h, o.parent.ts).length;
    const events = await countEvents(h);
    const [a, b] = [await submit(h, view, values), await submit(h, view, values)];
    expect([a.status, b.status]).toEqual([200, 200]);
    expect(await countEvents(h)).toBe(events + 1);
    expect(replies(h, o.parent.ts)).toHaveLength(before + 1);
  });
});

describe('Slack failing while a click is answered', () => {
  const ctx = useHarness();

  it('a refused click whose private note Slack won’t take is answered through its response_url', async () => {
    const { h } = ctx;
    const o = await openCase(h);
    const old = structuredClone(o.parent);
    await press(h, old, ACTION.done, { step: 'own_up' });
    h.fake.failNext('chat.postEphemeral', { status: 500 });
    expect((await press(h, old, ACTION.done, { step: 'own_up' })).status).toBe(200);
    expect(h.fake.responses.map((r) => [r.path, r.body.text])).toEqual([
      ['action', en.errors.already_done],
    ]);
  });
});

describe('a case Slack would not take', () => {
  const ctx = useHarness();

  it('is saved, telling the user so', async () => {
    const { h } = ctx;
    h.fake.failNext('chat.postMessage', { status: 500 });
    expect((await command(h, 'Acme: wrong pallets')).status).toBe(200);
    expect(h.fake.responses.map((r) => r.body.text)).toEqual([en.errors.notShown.silent]);
    expect(en.errors.notShown.silent).toMatch(/saved/);
    expect(await countCases(h)).toBe(1);
  });

  it('is posted by the minute sweep once a minute old', async () => {
    const { h } = ctx;
    h.fake.failNext('chat.postMessage', { status: 500 });
    await command(h, 'Acme: wrong pallets');
    // Opened less than a minute ago: left to the process posting it.
    expect(
      await h.amends.publishPending({ olderThanMs: 60_000, skipChannelProblems: true }),
    ).toEqual({ posted: 0, failed: 0, left: 0 });
    h.clock.advance(61_000);
    expect(
      await h.amends.publishPending({ olderThanMs: 60_000, skipChannelProblems: true }),
    ).toEqual({ posted: 1, failed: 0, left: 0 });
    const parents = h.fake.messages.filter((m) => m.metadata?.event_type === 'amends_case');
    expect(parents.map((m) => m.channel)).toEqual([CHANNEL]);
    const [acme] = await h.amends.caseRepo.listOpen(TEAM, CHANNEL, MARIA);
    expect(acme?.deliveryProblem).toBeNull();
  });

  it('in a channel Amends is not in, waits (the sweep leaves it)', async () => {
    const { h } = ctx;
    h.fake.kickFromChannel('C0ELSEWHERE');
    await command(h, 'Beta: wrong invoice', { channel: 'C0ELSEWHERE' });
    expect(await countCases(h)).toBe(1);
    h.clock.advance(61_000);
    expect(
      await h.amends.publishPending({ olderThanMs: 60_000, skipChannelProblems: true }),
    ).toEqual({ posted: 0, failed: 0, left: 0 });
    expect(h.fake.messages.filter((m) => m.metadata?.event_type === 'amends_case')).toEqual([]);
  });
});

describe('the longest outline', () => {
  const ctx = useHarness();

  it('four full parts (3,000 characters each, 600 for the summary) are posted within Slack’s 12,000 characters a message (checked after each test)', async () => {
    const { h } = ctx;
    const o = await openCase(h);
    const n = h.fake.callsTo('views.open').length;
    await press(h, o.parent, ACTION.outline, { step: 'outline' });
    const view = await nextView(h, VIEW.outline, n);
    const full = (ch: string) => ch.repeat(3000);
    const r = await submit(h, view, {
      ...input.text('happened', full('h')),
      ...input.text('why', full('w')),
      ...input.text('prevention', full('p')),
      ...input.text('two_sentences', 's'.repeat(600)),
    });
    expect(r.status).toBe(200);
    expect((await fresh(h, o.c)).outline?.why).toBe(full('w'));
    const post = replies(h, o.parent.ts).at(-1);
    expect(JSON.stringify(post?.blocks)).toContain('wwww');
  });
});

// SQLite only: makes SQLite's own storage fail (pragmas).
describe.skipIf(testEngine() === 'postgres')('a change that cannot be saved', () => {
  const ctx = useHarness();

  it('the database refusing writes: the user reads that nothing was saved', async () => {
    const { h } = ctx;
    const o = await openCase(h);
    ctx.allowUnexpected = true;
    // Every write now fails, as with a full disk (SQLite's own switch: the harness runs on SQLite).
    const writable = readOnly(h.amends.store);
    const r = await press(h, o.parent, ACTION.done, { step: 'own_up' });
    expect(r.status).toBe(200);
    expect(h.fake.ephemerals.map((e) => e.text)).toEqual([en.errors.notSaved]);
    const c = await command(h, 'Beta: wrong invoice');
    expect(JSON.parse(c.text)).toEqual({ response_type: 'ephemeral', text: en.errors.notSaved });
    writable();
    expect(stepOf(await fresh(h, o.c), 'own_up').status).toBe('pending');
    expect(await countCases(h)).toBe(1);
    expect(updatesOf(h, o.parent.ts)).toHaveLength(0);
    expect(await h.amends.caseRepo.listOpen(TEAM, CHANNEL, MARIA)).toHaveLength(1);
  });
});

describe('a thread line whose post never happened (the process died after the commit)', () => {
  const ctx = useHarness();

  it('is posted once by the sweep, which records one already in the thread without posting it', async () => {
    const { h } = ctx;
    const o = await openCase(h);
    // Two changes stored with their lines, as a listener does before its ack; the process "dies"
    // before posting either.
    const line = (text: string) => ({
      text,
      blocks: [{ type: 'section', text: { type: 'mrkdwn', text } }],
    });
    await h.amends.cases.announce(
      () => h.amends.cases.complete({ teamId: TEAM, caseId: o.c.id, actor: MARIA }, 'own_up', 1),
      () => line('first line'),
    );
    await h.amends.cases.announce(
      () => h.amends.cases.answer({ teamId: TEAM, caseId: o.c.id, actor: MARIA }, 'refused'),
      () => line('second line'),
    );
    const [first] = await h.amends.cases.pendingLines(TEAM, o.c.id);
    // The dead process had posted the first one: Slack has it, the database doesn't know.
    await h.amends.client.chat.postMessage({
      channel: CHANNEL,
      thread_ts: o.parent.ts,
      text: 'first line',
      metadata: { event_type: 'amends_line', event_payload: { line_id: first?.id ?? 0 } },
    });
    // Younger than a minute: another process may be posting them; left alone.
    expect(await h.amends.deliverPendingLines()).toBe(0);
    h.clock.advance(61_000);
    expect(await h.amends.deliverPendingLines()).toBe(1);
    const texts = replies(h, o.parent.ts).map((m) => m.text);
    expect(texts.filter((t) => t === 'first line')).toHaveLength(1);
    expect(texts.filter((t) => t === 'second line')).toHaveLength(1);
    expect(texts.indexOf('first line')).toBeLessThan(texts.indexOf('second line'));
    expect(await h.amends.cases.pendingLines(TEAM, o.c.id)).toEqual([]);
    expect(await h.amends.deliverPendingLines()).toBe(0);
  });
});
