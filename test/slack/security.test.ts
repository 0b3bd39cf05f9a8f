import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { el } from '../../src/i18n/el.js';
import { en } from '../../src/i18n/en.js';
import { postSigned, sign, signed } from '../../src/sandbox/slackRequests.js';
import { ACTION, VIEW } from '../../src/slack/ids.js';
import { mentionLeaks, mrkdwnTexts } from '../helpers/blockKit.js';
import { CHANNEL, type Harness, MARIA, present, TEAM } from '../helpers/harness.js';
import {
  blockById,
  click,
  command,
  commandBody,
  countCases,
  countEvents,
  elementIn,
  eventEnvelope,
  fresh,
  input,
  NIKOS,
  nextView,
  OTHER_TEAM,
  openCase,
  parents,
  postEvent,
  press,
  replies,
  slackEncode,
  stepOf,
  submit,
  updatesOf,
  useHarness,
} from '../helpers/slack.js';

const FIXTURES = new URL('../fixtures/slack/', import.meta.url);
const nowSec = () => Math.floor(Date.now() / 1000);
const FRIENDLY = [...Object.values(en.errors), ...Object.values(en.errors.field)].filter(
  (v): v is string => typeof v === 'string',
);

/** Nothing reached Slack and nothing was stored. */
async function expectNothingHappened(h: Harness) {
  expect(await countCases(h)).toBe(0);
  expect(h.fake.calls).toEqual([]);
  expect(h.fake.responses).toEqual([]);
}

describe('request signatures', () => {
  const ctx = useHarness();

  it('a slash command signed with another secret → 401, nothing stored', async () => {
    const { h } = ctx;
    const r = await postSigned(h.url, 'not-the-secret', commandBody(h, 'Acme: wrong pallets'));
    expect(r.status).toBe(401);
    await expectNothingHappened(h);
  });

  it('a body changed after signing → 401', async () => {
    const { h } = ctx;
    const req = signed(
      h.secret,
      commandBody(h, 'Acme: wrong pallets'),
      'application/x-www-form-urlencoded',
    );
    const res = await fetch(h.url, {
      method: 'POST',
      headers: req.headers,
      body: commandBody(h, 'Evil: tampered'),
    });
    expect(res.status).toBe(401);
    await expectNothingHappened(h);
  });

  it('no signature headers at all → 401', async () => {
    const { h } = ctx;
    const res = await fetch(h.url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: commandBody(h, 'Acme: wrong pallets'),
    });
    expect(res.status).toBe(401);
    await expectNothingHappened(h);
  });

  it('a correctly signed command 301 s old → 401, nothing stored', async () => {
    const { h } = ctx;
    const body = commandBody(h, 'Acme: wrong pallets');
    const r = await postSigned(h.url, h.secret, body, undefined, {}, nowSec() - 301);
    expect(r.status).toBe(401);
    await expectNothingHappened(h);
  });

  it('(control) the same command 4 minutes old is accepted', async () => {
    const { h } = ctx;
    const body = commandBody(h, 'Acme: wrong pallets');
    const r = await postSigned(h.url, h.secret, body, undefined, {}, nowSec() - 240);
    expect(r.status).toBe(200);
    present(() => parents(h)[0], 'parent');
    expect(await countCases(h)).toBe(1);
  });
});

describe('Slack’s documented signed request (2018 fixture) at real now', () => {
  const doc = JSON.parse(
    readFileSync(new URL('slash_command.slack-doc-signed.headers.json', FIXTURES), 'utf8'),
  ) as { signingSecret: string; headers: Record<string, string>; bodyFile: string };
  const body = readFileSync(new URL(doc.bodyFile, FIXTURES), 'utf8').trim();
  const ctx = useHarness({ signingSecret: doc.signingSecret });

  it('is a valid signature for its timestamp, yet rejected as stale: 401, nothing stored', async () => {
    const { h } = ctx;
    const ts = Number(doc.headers['x-slack-request-timestamp']);
    expect(sign(doc.signingSecret, ts, body)).toBe(doc.headers['x-slack-signature']);
    const res = await fetch(h.url, { method: 'POST', headers: doc.headers, body });
    expect(res.status).toBe(401);
    await expectNothingHappened(h);
  });

  it('(control) the receiver does verify with that secret: a fresh request signed with it works', async () => {
    const { h } = ctx;
    expect((await command(h, 'Acme: wrong pallets')).status).toBe(200);
    present(() => parents(h)[0], 'parent');
    expect(await countCases(h)).toBe(1);
  });
});

describe('the same slash command delivered more than once', () => {
  const ctx = useHarness();

  it('identical signed body twice, then a retry with x-slack-retry-num → one case, one parent', async () => {
    const { h } = ctx;
    const body = commandBody(h, 'Acme: wrong pallets', { triggerId: '1111.2222.dup' });
    const req = signed(h.secret, body, 'application/x-www-form-urlencoded');
    const send = (extra: Record<string, string> = {}) =>
      fetch(h.url, { method: 'POST', headers: { ...req.headers, ...extra }, body }).then(
        (r) => r.status,
      );
    expect(await send()).toBe(200);
    present(() => parents(h)[0], 'parent');
    expect(await send()).toBe(200);
    expect(await send({ 'x-slack-retry-num': '1', 'x-slack-retry-reason': 'http_timeout' })).toBe(
      200,
    );
    expect(await countCases(h)).toBe(1);
    expect(parents(h)).toHaveLength(1);
    expect(h.fake.callsTo('chat.postMessage')).toHaveLength(2); // parent + first reply
    expect(h.fake.responses).toEqual([]); // no "already received" noise for the retries
  });

  it('three identical deliveries at once → one case', async () => {
    const { h } = ctx;
    const body = commandBody(h, 'Acme: wrong pallets', { triggerId: '1111.2222.race' });
    const rs = await Promise.all([1, 2, 3].map(() => postSigned(h.url, h.secret, body)));
    expect(rs.map((r) => r.status)).toEqual([200, 200, 200]);
    present(() => parents(h)[0], 'parent');
    expect(await countCases(h)).toBe(1);
    expect(parents(h)).toHaveLength(1);
  });

  /** The same /incident delivered twice, the second marked as Slack's retry. */
  const twice = async (text: string) => {
    const { h } = ctx;
    const body = commandBody(h, text, { triggerId: `3333.4444.${text || 'modal'}` });
    await postSigned(h.url, h.secret, body);
    await postSigned(h.url, h.secret, body, undefined, { 'x-slack-retry-num': '1' });
    return h;
  };

  it('a repeated `/incident` (modal) opens one modal', async () => {
    const h = await twice('');
    expect(h.fake.callsTo('views.open')).toHaveLength(1);
    expect(h.fake.responses).toHaveLength(0);
  });

  it('a repeated `/incident list` answers once', async () => {
    const h = await twice('list');
    expect(h.fake.responses).toHaveLength(1);
    expect(h.fake.callsTo('views.open')).toHaveLength(0);
  });
});

describe('a button clicked twice, or stale', () => {
  const ctx = useHarness();

  /** Done on the own-up clicked twice from the same message; the second click answered. */
  const doneTwice = async () => {
    const { h } = ctx;
    const o = await openCase(h);
    const snapshot = structuredClone(o.parent);
    await press(h, snapshot, ACTION.done, { step: 'own_up' });
    present(() => replies(h, o.parent.ts).length === 2, 'thread line');
    await press(h, snapshot, ACTION.done, { step: 'own_up' });
    present(() => h.fake.ephemerals[0], 'the second click answered');
    return { h, o };
  };

  it('Done clicked twice → one state change, one chat.update, one thread line', async () => {
    const { h, o } = await doneTwice();
    expect(updatesOf(h, o.parent.ts)).toHaveLength(1);
    expect(replies(h, o.parent.ts)).toHaveLength(2);
    expect(
      (await h.amends.caseRepo.events(TEAM, o.c.id)).filter((e) => e.type === 'step_done'),
    ).toHaveLength(1);
  });

  it('Done clicked twice: the second click gets a private note', async () => {
    const { h } = await doneTwice();
    const eph = present(() => h.fake.ephemerals[0], 'ephemeral');
    expect(eph).toMatchObject({ channel: CHANNEL, user: MARIA, text: en.errors.already_done });
  });

  it('two simultaneous clicks of the same button → exactly one change', async () => {
    const { h } = ctx;
    const o = await openCase(h);
    const snapshot = structuredClone(o.parent);
    const rs = await Promise.all([
      press(h, snapshot, ACTION.done, { step: 'own_up' }),
      press(h, snapshot, ACTION.done, { step: 'own_up', user: NIKOS }),
    ]);
    expect(rs.map((r) => r.status)).toEqual([200, 200]);
    present(
      () => h.fake.ephemerals.length === 1 && replies(h, o.parent.ts).length === 2,
      'both handled',
    );
    expect(updatesOf(h, o.parent.ts)).toHaveLength(1);
    expect(replies(h, o.parent.ts)).toHaveLength(2);
    // Whoever lost is told, in their own language (Nikos reads Greek).
    const note = h.fake.ephemerals[0];
    expect(note?.text).toBe((note?.user === NIKOS ? el : en).errors.already_done);
  });

  it('a button from an older version of the message → nothing changes, a friendly note', async () => {
    const { h } = ctx;
    const o = await openCase(h);
    const old = structuredClone(o.parent);
    await press(h, o.parent, ACTION.snooze, { step: 'own_up', choice: 'hour' });
    present(() => updatesOf(h, o.parent.ts).length === 1, 'update');
    const before = await fresh(h, o.c);
    await press(h, old, ACTION.done, { step: 'own_up' });
    await press(h, old, ACTION.snooze, { step: 'own_up', choice: 'next_week' });
    present(() => h.fake.ephemerals.length === 2, 'ephemerals');
    expect(h.fake.ephemerals.map((e) => e.text)).toEqual([
      en.errors.stale_action,
      en.errors.stale_action,
    ]);
    expect(await fresh(h, o.c)).toEqual(before);
    expect(updatesOf(h, o.parent.ts)).toHaveLength(1);
  });
});

describe('workspaces are isolated', () => {
  const ctx = useHarness();

  it('a click from another workspace on this workspace’s case → no change, "does not exist"', async () => {
    const { h } = ctx;
    const o = await openCase(h);
    const events = await countEvents(h);
    await press(h, o.parent, ACTION.done, { step: 'own_up', team: OTHER_TEAM });
    const eph = present(() => h.fake.ephemerals[0], 'ephemeral');
    expect(eph.text).toBe(en.errors.case_not_found);
    expect(eph.text).toContain('does not exist');
    expect(stepOf(await fresh(h, o.c), 'own_up').status).toBe('pending');
    expect(await countEvents(h)).toBe(events);
    expect(updatesOf(h, o.parent.ts)).toHaveLength(0);
  });

  it('nor can this workspace reach another workspace’s case by its id', async () => {
    const { h } = ctx;
    const theirs = await openCase(h, 'Their Client: their problem', { team: OTHER_TEAM });
    await press(h, theirs.parent, ACTION.accepted, { team: TEAM });
    const eph = present(() => h.fake.ephemerals[0], 'ephemeral');
    expect(eph.text).toBe(en.errors.case_not_found);
    expect((await fresh(h, theirs.c)).answer).toBeNull();
  });

  it('a malformed team id (T_OTHER) changes nothing either', async () => {
    const { h } = ctx;
    const o = await openCase(h);
    await press(h, o.parent, ACTION.done, { step: 'own_up', team: 'T_OTHER' });
    expect(stepOf(await fresh(h, o.c), 'own_up').status).toBe('pending');
    expect(updatesOf(h, o.parent.ts)).toHaveLength(0);
  });
});

describe('forged or malformed button values', () => {
  const ctx = useHarness();
  const forged: [string, string, string][] = [
    ['Done', ACTION.done, 'abc'],
    ['Done', ACTION.done, ''],
    ['Done', ACTION.done, '1|nope|1'],
    ['Done', ACTION.done, '99999999999999999999|own_up|1'],
    ['Done', ACTION.done, '999999999999|own_up|1'],
    ['Done', ACTION.done, `${Number.MAX_SAFE_INTEGER}|own_up|1`],
    ['Done', ACTION.done, '{id}|own_up|99999999999999999999'],
    ['Done', ACTION.done, '{id}|own_up|999999999999'],
    ['Done', ACTION.done, '{id}|own_up|-1'],
    ['Done', ACTION.done, '{id}|own_up|1.0'],
    ['Done', ACTION.done, '{id}|own_up|0x1'],
    ['Done', ACTION.done, '{id}|own_up'],
    ['Done', ACTION.done, '{id}|own_up|1|x'],
    ['Done', ACTION.done, '{id}|own_up|1|x|y'],
    ['Done', ACTION.done, ' {id}|own_up|1'],
    ['Done', ACTION.done, '{id}|client_answer|1'],
    ['Done', ACTION.done, '{"caseId":{id},"step":"own_up"}'],
    ['Done', ACTION.done, `{id}|own_up|1${'|'.repeat(20)}`],
    ['Snooze', ACTION.snooze, 'abc'],
    ['Snooze', ACTION.snooze, '{id}|own_up|1'],
    ['Snooze', ACTION.snooze, '{id}|own_up|1|forever'],
    ['Snooze', ACTION.snooze, '{id}|own_up|1|hour|x'],
    ['Skip', ACTION.skip, '{id}|compensation|7'],
    ['Meeting', ACTION.meeting, '{id}|meeting'],
    ['Outline', ACTION.outline, 'abc'],
    ['Accepted', ACTION.accepted, 'abc'],
    ['Accepted', ACTION.accepted, '{id}'],
    ['Accepted', ACTION.accepted, '{id}|1|2'],
    ['Accepted', ACTION.accepted, '-1|1'],
    ['Refused', ACTION.refused, '999999999999|1'],
    ['Close', ACTION.close, 'abc'],
  ];

  it.each(forged)('%s (%s) with value %j', async (_name, actionId, value) => {
    const { h } = ctx;
    const o = await openCase(h);
    const before = await fresh(h, o.c);
    const events = await countEvents(h);
    const v = value.replaceAll('{id}', String(o.c.id));
    const action =
      actionId === ACTION.snooze
        ? { action_id: actionId, selected_value: v, type: 'overflow' as const }
        : { action_id: actionId, value: v };
    expect(await click(h, action, { message: o.parent })).toEqual({ status: 200, text: '' });
    const eph = present(() => h.fake.ephemerals[0], `ephemeral for ${v.slice(0, 40)}`);
    expect(FRIENDLY).toContain(eph.text);
    expect(eph).toMatchObject({ channel: CHANNEL, user: MARIA });
    expect(await fresh(h, o.c)).toEqual(before);
    expect(await countEvents(h)).toBe(events);
    expect(updatesOf(h, o.parent.ts)).toHaveLength(0);
    expect(h.fake.callsTo('views.open')).toHaveLength(0);
    expect(replies(h, o.parent.ts)).toHaveLength(1);
  });
});

describe('what people type is stored exactly, never pinging the channel', () => {
  const ctx = useHarness();
  const long = `${'Wrong pallets to Turin, again & again <sigh>. '.repeat(100).slice(0, 3999)}!`;
  const samples: [string, string, string][] = [
    ['emoji', 'Pizzeria 🍕 Da Gino', 'the oven 🔥 order 🚚 arrived cold 🥶👎🏽, sorry 🙏'],
    ['Arabic', 'شركة الأمل', 'شحنّا المنصّات الخطأ إلى تورينو'],
    ['Hebrew', 'אקמה בע״מ', 'המשלוח הגיע לטורינו עם המשטחים הלא נכונים'],
    ['Greek', 'Ακμή Α.Ε.', 'στείλαμε λάθος παλέτες στο Τορίνο'],
    ['Catalan', 'Cal Pep i Fills', "l'encàrrec de l'Àngel va arribar tard; ens n'encarreguem"],
    [
      'markup',
      'R&D <Labs> *Bold* Ltd',
      '<!channel> <!here> <!everyone> *bold* _it_ ~gone~ `code` <@U0NIKOS01> <#C0GENERAL> <https://evil.example|click me> &amp; & < > >quote',
    ],
    ['4,000 characters', 'Long Ltd', long],
  ];

  it.each(samples)('%s, via /incident (as Slack encodes it)', async (_name, client, summary) => {
    const { h } = ctx;
    expect(summary.length).toBeLessThanOrEqual(4000);
    const o = await openCase(h, `${client}: ${summary}`);
    expect([o.c.client, o.c.summary]).toEqual([client, summary]);
    expect(blockById(o.parent, 'case_header')).toMatchObject({
      text: { type: 'plain_text', text: `${client} · Major` },
    });
    const shown = blockById(o.parent, 'case_summary')?.text as { type: string; text: string };
    expect(shown.type).toBe('plain_text');
    expect(summary.startsWith(shown.text.replace(/…$/, ''))).toBe(true);
    if (summary.length <= 3000) expect(shown.text).toBe(summary);
    // Clipped, it keeps all it can (the prefix check above holds for an empty text too).
    else expect([shown.text.length > 2900, shown.text.length <= 3000]).toEqual([true, true]);
    expect(o.parent.text).toBe(`Recovery case for ${slackEncode(client)} (Major)`);

    // Every other surface that shows the case: list, App Home, a click, a skip reason.
    await command(h, 'list');
    present(() => h.fake.responses[0], 'list');
    expect(JSON.stringify(h.fake.responses[0]?.body.blocks)).toContain(`case #${o.c.id}`);
    await postEvent(
      h,
      eventEnvelope({ type: 'app_home_opened', user: MARIA, channel: 'D0MARIA01', tab: 'home' }),
    );
    present(() => h.fake.homeViews.get(MARIA), 'home');
    await press(h, o.parent, ACTION.done, { step: 'own_up' });
    const n = h.fake.callsTo('views.open').length;
    await press(h, o.parent, ACTION.skip, { step: 'compensation' });
    const view = await nextView(h, VIEW.skip, n);
    await submit(h, view, input.text('reason', `${client}: ${summary.slice(0, 1900)}`));
    await present(
      async () => stepOf(await fresh(h, o.c), 'compensation').status === 'skipped',
      'skipped',
    );
    expect(stepOf(await fresh(h, o.c), 'compensation').note).toBe(
      `${client}: ${summary.slice(0, 1900)}`.trim(),
    );
    present(() => replies(h, o.parent.ts).length === 3, 'thread lines');
    expect(mentionLeaks(h.fake)).toEqual([]);
  });

  it.each(samples)(
    '%s, via the modal (Slack sends modal values raw)',
    async (_name, client, summary) => {
      const { h } = ctx;
      const n = h.fake.callsTo('views.open').length;
      await command(h, '');
      const view = await nextView(h, VIEW.open, n);
      const modalSummary = summary.slice(0, 3000);
      expect(
        await submit(h, view, {
          ...input.text('client', client),
          ...input.text('summary', modalSummary),
          ...input.select('severity', 'minor'),
          ...input.user('owner', MARIA),
          ...input.date('due_date', null),
          ...input.time('due_time', null),
        }),
      ).toEqual({ status: 200, text: '' });
      present(() => parents(h)[0], 'parent');
      const c = (await h.amends.caseRepo.listOpen(TEAM, CHANNEL, MARIA))[0];
      expect([c?.client, c?.summary]).toEqual([client, modalSummary.trim()]);
      expect(mentionLeaks(h.fake)).toEqual([]);
    },
  );

  it('the leak check itself finds a broadcast mention in mrkdwn', () => {
    const blocks = [{ type: 'section', text: { type: 'mrkdwn', text: 'hi <!channel>' } }];
    expect(mrkdwnTexts(blocks)).toEqual(['hi <!channel>']);
    expect(
      mrkdwnTexts([{ type: 'section', text: { type: 'plain_text', text: '<!here>' } }]),
    ).toEqual([]);
  });
});

describe('the database is the source of truth', () => {
  const ctx = useHarness();

  const UPDATE_FAILURES = [
    ['msg_too_long', 'msg_too_long' as const],
    ['HTTP 500', { status: 500 as const }],
    ['rate limited', { status: 429 as const, retryAfter: 30 }],
  ] as const;

  /** Done on the own-up while chat.update fails with `failure`: the thread line is posted. */
  async function doneWhileUpdateFails(h: Harness, failure: (typeof UPDATE_FAILURES)[number][1]) {
    const o = await openCase(h);
    h.fake.failNext('chat.update', failure);
    await press(h, o.parent, ACTION.done, { step: 'own_up' });
    present(() => replies(h, o.parent.ts).length === 2, 'thread line');
    expect(updatesOf(h, o.parent.ts)).toHaveLength(1); // tried once, failed
    return o;
  }

  it.each(UPDATE_FAILURES)(
    'chat.update fails (%s) on Done → the step is done, audited',
    async (_n, failure) => {
      const { h } = ctx;
      const o = await doneWhileUpdateFails(h, failure);
      const c = await fresh(h, o.c);
      expect(stepOf(c, 'own_up')).toMatchObject({ status: 'done', doneBy: MARIA });
      expect((await h.amends.caseRepo.events(TEAM, c.id)).map((e) => e.type)).toContain(
        'step_done',
      );
      expect(h.logs.map((l) => l.msg)).toContain('chat.update failed; the change is stored');
    },
  );

  it.each(UPDATE_FAILURES)(
    'chat.update failed (%s) on Done → a later click re-renders from stored state',
    async (_n, failure) => {
      const { h } = ctx;
      const o = await doneWhileUpdateFails(h, failure);
      // Slack still shows the old message: its own_up button is now stale
      const shown = h.fake.findMessage(CHANNEL, o.parent.ts) ?? o.parent;
      expect(shown.edited).toBeUndefined();
      expect(elementIn(shown, 'actions_own_up', ACTION.done)).toBeDefined();

      await press(h, shown, ACTION.done, { step: 'own_up' });
      present(() => h.fake.ephemerals[0], 'ephemeral');
      expect(h.fake.ephemerals[0]?.text).toBe(en.errors.already_done);

      await press(h, shown, ACTION.done, { step: 'corrective_changes' });
      present(() => updatesOf(h, o.parent.ts).length === 2, 'second update');
      const now = h.fake.findMessage(CHANNEL, o.parent.ts) ?? o.parent;
      const text = (k: string) => JSON.stringify(blockById(now, `step_${k}`));
      expect(text('own_up')).toContain('Done · by <@U0MARIA01>');
      expect(text('corrective_changes')).toContain('Done · by <@U0MARIA01>');
      expect(blockById(now, 'actions_own_up')).toBeUndefined();
      expect(blockById(now, 'actions_corrective_changes')).toBeUndefined();
    },
  );
});
