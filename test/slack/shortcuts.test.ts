/**
 * Opening a case from a message (the message shortcut) or from anywhere (the global shortcut),
 * through the real app: Slack's payload shapes (test/fixtures/slack/message_action.json and
 * shortcut.json, with our ids), signed requests, the fake Web API.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { en } from '../../src/i18n/en.js';
import type { StoredMessage, StoredView } from '../../src/sandbox/fakeSlack.js';
import { interactionBody, postSigned, triggerId } from '../../src/sandbox/slackRequests.js';
import { INPUT, SHORTCUT, VIEW } from '../../src/slack/ids.js';
import { CHANNEL, type Harness, MARIA, present, TEAM } from '../helpers/harness.js';
import {
  blockById,
  fresh,
  input,
  isParent,
  NIKOS,
  OTHER_CHANNEL,
  parents,
  type Reply,
  submit,
  useHarness,
} from '../helpers/slack.js';

type Json = Record<string, unknown>;
const FIXTURES = new URL('../fixtures/slack/', import.meta.url);
const fixture = (name: string) => JSON.parse(readFileSync(new URL(name, FIXTURES), 'utf8')) as Json;

/** A person's message in a channel, as the fake Slack keeps it (chat.getPermalink finds it). */
function personSays(
  h: Harness,
  text: string,
  o: { channel?: string; user?: string; files?: boolean } = {},
): StoredMessage {
  const sec = Math.floor(h.clock.now().getTime() / 1000) - 600;
  const msg: StoredMessage = {
    type: 'message',
    channel: o.channel ?? CHANNEL,
    ts: `${sec}.${String(100 + h.fake.messages.length).padStart(6, '0')}`,
    text,
    user: o.user ?? NIKOS,
    bot_id: '',
  };
  h.fake.messages.push(msg);
  return msg;
}

/** Slack's message_action payload (the fixture) for `msg`, with our ids. */
function messageShortcut(
  h: Harness,
  msg: StoredMessage,
  o: { channelName?: string; files?: Json[]; callbackId?: string } = {},
): Json {
  const p = fixture('message_action.json');
  const message = {
    ...(p.message as Json),
    ts: msg.ts,
    text: msg.text,
    user: msg.user,
    team: TEAM,
  };
  if (o.files) Object.assign(message, { files: o.files, upload: true, blocks: [] });
  return {
    ...p,
    team: { ...(p.team as Json), id: TEAM },
    user: { ...(p.user as Json), id: MARIA, team_id: TEAM },
    channel: { id: msg.channel, name: o.channelName ?? 'general' },
    callback_id: o.callbackId ?? SHORTCUT.fromMessage,
    trigger_id: triggerId(),
    message_ts: msg.ts,
    message,
    response_url: `${h.fake.responseUrlBase}shortcut`,
  };
}

/** Slack's global shortcut payload (the fixture), with our ids. */
function globalShortcut(o: { user?: string } = {}): Json {
  const p = fixture('shortcut.json');
  return {
    ...p,
    team: { ...(p.team as Json), id: TEAM },
    user: { ...(p.user as Json), id: o.user ?? MARIA, team_id: TEAM },
    callback_id: SHORTCUT.open,
    trigger_id: triggerId(),
  };
}

const send = (h: Harness, payload: Json): Promise<Reply> =>
  postSigned(h.url, h.secret, interactionBody(payload));

/** The form the shortcut opened (views.open answered), and what the bot asked Slack for. */
function openedForm(h: Harness, before: number): StoredView {
  const call = present(() => h.fake.callsTo('views.open')[before], 'views.open');
  expect((call.args.view as Json).callback_id).toBe(VIEW.open);
  return present(
    () => [...h.fake.views.values()].filter((v) => v.callback_id === VIEW.open).at(-1),
    'the open form',
  );
}

const summaryField = (v: StoredView) =>
  (blockById(v, INPUT.summary)?.element ?? {}) as { initial_value?: string; max_length?: number };

const formValues = (summary: string) => ({
  ...input.text(INPUT.client, 'Acme Corp'),
  ...input.text(INPUT.summary, summary),
  ...input.select(INPUT.severity, 'major'),
  ...input.user(INPUT.owner, MARIA),
  ...input.date(INPUT.dueDate, null),
  ...input.time(INPUT.dueTime, null),
  ...input.select(INPUT.language, 'en'),
});

const permalinkOf = (msg: StoredMessage) =>
  `https://fake.slack.test/archives/${msg.channel}/p${msg.ts.replace('.', '')}`;

describe('the message shortcut: a case from a message', () => {
  const ctx = useHarness();

  /** Someone's message, with mentions and a link, sent to the message shortcut. */
  async function fromMessage(h: Harness) {
    const msg = personSays(
      h,
      `<@${NIKOS}> the pallets for Turin arrived wrong &amp; late, see <#C0ORDERS|orders> and <https://example.com/order/42|order 42> &lt;again&gt;`,
    );
    const r = await send(h, messageShortcut(h, msg));
    expect(r).toEqual({ status: 200, text: '' });
    return { msg, view: openedForm(h, 0) };
  }

  it('fills the form from the message, keeping its permalink', async () => {
    const { h } = ctx;
    const { msg, view } = await fromMessage(h);
    // Slack was asked for the message's permalink, and the form came prefilled.
    expect(h.fake.callsTo('chat.getPermalink').map((c) => c.args)).toEqual([
      expect.objectContaining({ channel: CHANNEL, message_ts: msg.ts }),
    ]);
    expect(summaryField(view).initial_value).toBe(
      '@Nikos Pappas the pallets for Turin arrived wrong & late, see #orders and order 42 (https://example.com/order/42) <again>',
    );
    // The message's channel is the case's: no channel picker; its permalink travels with the form.
    expect(blockById(view, INPUT.channel)).toBeUndefined();
    expect(JSON.parse(view.private_metadata)).toEqual({
      channelId: CHANNEL,
      link: permalinkOf(msg),
    });
  });

  it('posts the case in the message’s channel with a link back', async () => {
    const { h } = ctx;
    const { msg, view } = await fromMessage(h);
    const said = summaryField(view).initial_value ?? '';
    expect(await submit(h, view, formValues(said))).toEqual({ status: 200, text: '' });
    const c = await present(
      async () => (await h.amends.caseRepo.listOpen(TEAM, CHANNEL, MARIA))[0],
      'case stored',
    );
    expect(c).toMatchObject({ channelId: CHANNEL, summary: said, sourceLink: permalinkOf(msg) });
    const { messageTs } = await fresh(h, c);
    const parent = present(
      () => parents(h).find((m) => m.bot_id && m.ts === messageTs),
      'case posted in the message’s channel',
    );
    const facts = JSON.stringify(blockById(parent, 'case_facts'));
    expect(facts).toContain(`<${permalinkOf(msg)}|${en.case.fromMessage}>`);
  });

  it('a message with no text (only files) still opens the form, empty, with the link', async () => {
    const { h } = ctx;
    const msg = personSays(h, '');
    const file = { id: 'F0PHOTO01', name: 'damaged-pallet.jpg', mimetype: 'image/jpeg' };
    expect(await send(h, messageShortcut(h, msg, { files: [file] }))).toEqual({
      status: 200,
      text: '',
    });
    const view = openedForm(h, 0);
    expect(summaryField(view).initial_value).toBeUndefined();
    expect(JSON.parse(view.private_metadata)).toEqual({
      channelId: CHANNEL,
      link: permalinkOf(msg),
    });
    expect(h.fake.responses).toEqual([]);
  });

  it('a long message is clipped to what the field takes', async () => {
    const { h } = ctx;
    const msg = personSays(h, `${'x'.repeat(2998)}😀 and more after that`);
    await send(h, messageShortcut(h, msg));
    const field = summaryField(openedForm(h, 0));
    expect(field.max_length).toBe(3000);
    expect(field.initial_value).toBe(`${'x'.repeat(2998)}…`);
  });

  /** The shortcut on a message in a direct message. */
  async function fromDm(h: Harness) {
    const msg = personSays(h, 'They are upset about the invoice', { channel: 'D0MARIANIK' });
    await send(h, messageShortcut(h, msg, { channelName: 'directmessage' }));
    return { msg, view: openedForm(h, 0) };
  }

  it('from a direct message the form asks for an internal channel', async () => {
    const { h } = ctx;
    const { msg, view } = await fromDm(h);
    const picker = blockById(view, INPUT.channel)?.element as Json;
    expect(picker).toMatchObject({
      type: 'conversations_select',
      filter: { exclude_external_shared_channels: true },
    });
    expect(JSON.parse(view.private_metadata)).toEqual({ link: permalinkOf(msg) });
  });

  it('from a direct message the case goes to the channel picked', async () => {
    const { h } = ctx;
    const { msg, view } = await fromDm(h);
    await submit(h, view, {
      ...formValues('They are upset about the invoice'),
      [INPUT.channel]: {
        [INPUT.channel]: { type: 'conversations_select', selected_conversation: OTHER_CHANNEL },
      },
    });
    const c = await present(
      async () => (await h.amends.caseRepo.listOpen(TEAM, OTHER_CHANNEL, MARIA))[0],
      'case',
    );
    expect(c.sourceLink).toBe(permalinkOf(msg));
    present(() => parents(h, OTHER_CHANNEL).find((m) => m.bot_id), 'posted in the picked channel');
  });

  it('a message in a channel shared with the client: the case is stored but never posted there', async () => {
    const { h } = ctx;
    h.fake.shareChannel(CHANNEL, 'ext');
    const msg = personSays(h, 'You sent us the wrong pallets again.');
    await send(h, messageShortcut(h, msg));
    const view = openedForm(h, 0);
    await submit(h, view, formValues('You sent us the wrong pallets again.'));
    const c = await present(
      async () => (await h.amends.caseRepo.listOpen(TEAM, CHANNEL, MARIA))[0],
      'case stored',
    );
    expect(c.messageTs).toBeNull();
    expect(h.fake.messages.filter((m) => m.channel === CHANNEL && m.bot_id && isParent(m))).toEqual(
      [],
    );
    // The owner is told in a direct message, with the move button.
    present(
      () => h.fake.messages.find((m) => m.channel.startsWith('D') && m.bot_id),
      'direct message to the owner',
    );
  });

  /** The shortcut while Slack will not give the message's permalink. */
  async function withoutPermalink(h: Harness) {
    const msg = personSays(h, 'Wrong pallets');
    h.fake.failNext('chat.getPermalink', 'channel_not_found');
    await send(h, messageShortcut(h, msg));
    return openedForm(h, 0);
  }

  it('when Slack does not give the permalink, the form opens anyway', async () => {
    const view = await withoutPermalink(ctx.h);
    expect(JSON.parse(view.private_metadata)).toEqual({ channelId: CHANNEL });
    expect(blockById(view, 'from_message')).toBeUndefined();
  });

  it('when Slack does not give the permalink, the case keeps no link', async () => {
    const { h } = ctx;
    const view = await withoutPermalink(h);
    await submit(h, view, formValues('Wrong pallets'));
    const c = await present(
      async () => (await h.amends.caseRepo.listOpen(TEAM, CHANNEL, MARIA))[0],
      'case',
    );
    expect(c.sourceLink).toBeNull();
    const parent = present(() => parents(h).find((m) => m.bot_id), 'parent');
    expect(JSON.stringify(parent.blocks)).not.toContain(en.case.fromMessage);
  });

  it('when the form does not open, the person is told privately where they are', async () => {
    const { h } = ctx;
    const msg = personSays(h, 'Wrong pallets');
    h.fake.failNext('views.open', { status: 500 });
    expect(await send(h, messageShortcut(h, msg))).toEqual({ status: 200, text: '' });
    const note = present(() => h.fake.responses[0], 'private note');
    expect(note.body).toMatchObject({ response_type: 'ephemeral', text: en.errors.form.silent });
    expect(await h.amends.caseRepo.listOpen(TEAM, CHANNEL, MARIA)).toEqual([]);
    expect(h.fake.messages.filter((m) => m.bot_id)).toEqual([]);
  });
});

describe('the global shortcut: the form from anywhere', () => {
  const ctx = useHarness();

  it('opens the empty form, which asks for an internal channel', async () => {
    const { h } = ctx;
    expect(await send(h, globalShortcut())).toEqual({ status: 200, text: '' });
    const view = openedForm(h, 0);
    expect(summaryField(view).initial_value).toBeUndefined();
    expect(JSON.parse(view.private_metadata)).toEqual({});
    expect(blockById(view, INPUT.channel)?.element).toMatchObject({
      type: 'conversations_select',
      filter: { include: ['public', 'private'], exclude_external_shared_channels: true },
    });
    expect(h.fake.callsTo('chat.getPermalink')).toEqual([]);

    await submit(h, view, {
      ...formValues('Shipped the wrong pallets'),
      [INPUT.channel]: {
        [INPUT.channel]: { type: 'conversations_select', selected_conversation: OTHER_CHANNEL },
      },
    });
    const c = await present(
      async () => (await h.amends.caseRepo.listOpen(TEAM, OTHER_CHANNEL, MARIA))[0],
      'case',
    );
    expect(c.sourceLink).toBeNull();
    present(() => parents(h, OTHER_CHANNEL).find((m) => m.bot_id), 'posted in the picked channel');
  });

  it('when the form does not open, the person reads why in their direct message with Amends', async () => {
    const { h } = ctx;
    h.fake.failNext('views.open', 'expired_trigger_id');
    expect(await send(h, globalShortcut())).toEqual({ status: 200, text: '' });
    const dm = present(
      () => h.fake.messages.find((m) => m.channel === `D${MARIA.slice(1)}` && m.bot_id),
      'direct message',
    );
    expect(dm.text).toBe(en.errors.form.failed);
  });

  it('a shortcut this version does not know is acknowledged at once, opening nothing', async () => {
    const { h } = ctx;
    const r = await send(h, { ...globalShortcut(), callback_id: 'amends_retired_shortcut' });
    expect(r).toEqual({ status: 200, text: '' });
    expect(h.fake.callsTo('views.open')).toEqual([]);
  });
});
