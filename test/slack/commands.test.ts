import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { el } from '../../src/i18n/el.js';
import { en } from '../../src/i18n/en.js';
import { t } from '../../src/i18n/index.js';
import { postSigned } from '../../src/sandbox/slackRequests.js';
import { ACTION } from '../../src/slack/ids.js';
import { openViaCommand } from '../helpers/cases.js';
import { CHANNEL, type Harness, MARIA, present, TEAM } from '../helpers/harness.js';
import {
  blockById,
  click,
  command,
  commandBody,
  countCases,
  elementIn,
  fresh,
  JOAN,
  NIKOS,
  OTHER_CHANNEL,
  OTHER_TEAM,
  openCase,
  parents,
  press,
  replies,
  stepOf,
  useHarness,
} from '../helpers/slack.js';

const FIXTURES = new URL('../fixtures/slack/', import.meta.url);
const dateToken = (d: Date) =>
  `<!date^${Math.floor(d.getTime() / 1000)}^{date_short_pretty} {time}|${d
    .toISOString()
    .slice(0, 16)
    .replace('T', ' ')} UTC>`;
const textOf = (b: Record<string, unknown> | undefined): string =>
  ((b?.text as { text?: string } | undefined)?.text ?? '') as string;

describe('/incident Client: what happened', () => {
  const ctx = useHarness();

  it('stores the case (client before the first colon, severity major, owner = caller)', async () => {
    const { h } = ctx;
    const { c, parent } = await openCase(h, 'Acme Corp: shipped the wrong pallets to Turin');
    expect(c).toMatchObject({
      teamId: TEAM,
      channelId: CHANNEL,
      messageTs: parent.ts,
      client: 'Acme Corp',
      summary: 'shipped the wrong pallets to Turin',
      severity: 'major',
      ownerId: MARIA,
      creatorId: MARIA,
      status: 'open',
      lang: 'en',
      tz: 'Europe/Rome',
    });
    // Stored at once in the default zone (UTC); once Slack said Maria is in Rome, the untouched
    // case took her zone, on record.
    expect(
      (await h.amends.caseRepo.events(TEAM, c.id)).map((e) => [e.type, e.actor, e.data]),
    ).toEqual([
      ['case_opened', MARIA, { severity: 'major', owner: MARIA }],
      ['profile_adopted', MARIA, { tz: 'Europe/Rome', lang: 'en' }],
    ]);
    // Monday 09:00 in Rome + 4 working hours (major)
    expect(stepOf(c, 'own_up').dueAt?.toISOString()).toBe('2026-11-23T12:00:00.000Z');
  });

  it('a first-time Greek user: the case takes el from Slack after the ack', async () => {
    const { h } = ctx;
    const { c, parent } = await openCase(h, 'Acme: wrong pallets', { user: NIKOS });
    expect(c).toMatchObject({ lang: 'el', tz: 'Europe/Athens' });
    expect(parent.text).toBe(el.case.fallback('Acme', el.severity.major));
  });

  it('a first-time Greek user’s case keeps el on every redraw', async () => {
    const { h } = ctx;
    const { parent } = await openCase(h, 'Acme: wrong pallets', { user: NIKOS });
    await press(h, parent, ACTION.done, { step: 'own_up', user: NIKOS });
    expect(h.fake.findMessage(CHANNEL, parent.ts)?.text).toBe(parent.text);
  });

  it('splits at the first colon only, trimming each part', async () => {
    const { c } = await openCase(ctx.h, '  Acme: Corp: late again: 3rd time  ');
    expect([c.client, c.summary]).toEqual(['Acme', 'Corp: late again: 3rd time']);
  });

  it('posts the parent in the command channel: header, what happened, owner, checklist with due tokens', async () => {
    const { h } = ctx;
    const { c, parent } = await openCase(h, 'Acme Corp: shipped the wrong pallets to Turin');
    expect(parent.channel).toBe(CHANNEL);
    expect(parents(h)).toHaveLength(1);
    expect(parent.text).toBe('Recovery case for Acme Corp (Major)');
    expect(blockById(parent, 'case_header')).toMatchObject({
      type: 'header',
      text: { type: 'plain_text', text: 'Acme Corp · Major' },
    });
    expect(blockById(parent, 'case_summary')).toMatchObject({
      text: { type: 'plain_text', text: 'shipped the wrong pallets to Turin' },
    });
    const facts = JSON.stringify(blockById(parent, 'case_facts'));
    expect(facts).toContain('Owner: <@U0MARIA01>');

    for (const s of c.steps) {
      const line = textOf(blockById(parent, `step_${s.key}`));
      expect(line, s.key).toContain(en.stepTitle[s.key]);
      expect(line, s.key).toContain(en.stepState[s.status]);
      if (s.dueAt) expect(line, s.key).toContain(`due ${dateToken(s.dueAt)}`);
    }
    expect(textOf(blockById(parent, 'step_own_up'))).toMatch(
      /<!date\^\d+\^\{date_short_pretty\} \{time\}\|2026-11-23 12:00 UTC>/,
    );
    expect(textOf(blockById(parent, 'step_client_answer'))).toContain('Not started');
    expect(textOf(blockById(parent, 'step_apologize'))).toContain('due with the meeting');

    // The open steps carry their buttons; the case carries its own.
    expect(elementIn(parent, 'actions_own_up', ACTION.done)?.value).toBe(`${c.id}|own_up|1`);
    expect(elementIn(parent, 'actions_meeting', ACTION.meeting)).toBeDefined();
    expect(elementIn(parent, 'actions_outline', ACTION.outline)).toBeDefined();
    expect(blockById(parent, 'actions_client_answer')).toBeUndefined();
    for (const id of [ACTION.accepted, ACTION.refused, ACTION.close])
      expect(elementIn(parent, 'case_actions', id), id).toBeDefined();
  });

  it('replies once in the thread telling the owner what to do first', async () => {
    const { h } = ctx;
    const { parent, first } = await openCase(h);
    expect(replies(h, parent.ts)).toEqual([first]);
    expect(first.thread_ts).toBe(parent.ts);
    expect(first.text).toContain('<@U0MARIA01>, you own this case. First: *Own up to the client*.');
    expect(h.fake.callsTo('chat.postMessage')).toHaveLength(2);
  });

  /** A case whose parent the channel refused (Amends not in it). */
  async function refusedByChannel(h: Harness) {
    h.fake.failNext('chat.postMessage', 'not_in_channel');
    expect((await command(h, 'Acme: wrong pallets')).status).toBe(200);
    return (await h.amends.caseRepo.listOpen(TEAM, CHANNEL, MARIA))[0];
  }

  it('keeps the case when the channel refuses the post', async () => {
    const { h } = ctx;
    const stored = await refusedByChannel(h);
    expect(await countCases(h)).toBe(1);
    expect(stored?.messageTs).toBeNull();
  });

  it('says privately that the channel refused the post', async () => {
    const { h } = ctx;
    await refusedByChannel(h);
    const note = present(() => h.fake.responses[0], 'private note');
    expect(note.body).toMatchObject({ response_type: 'ephemeral', text: en.errors.notInChannel });
  });

  it('posts a case the channel refused on /incident list', async () => {
    const { h } = ctx;
    const stored = await refusedByChannel(h);
    present(() => h.fake.responses[0], 'private note');
    await command(h, 'list');
    const list = present(() => h.fake.responses[1], 'list');
    const parent = parents(h)[0];
    expect(parent).toBeDefined();
    expect((await fresh(h, stored ?? { teamId: TEAM, id: 0 })).messageTs).toBe(parent?.ts);
    expect(JSON.stringify(list.body.blocks)).toContain(
      `https://sandbox.slack.com/archives/${CHANNEL}/p${parent?.ts.replace('.', '')}`,
    );
  });
});

describe('/incident with no text opens the modal', () => {
  const ctx = useHarness();

  it('answers views.open with the trigger_id: client, what happened, severity, owner (caller), optional due', async () => {
    const { h } = ctx;
    const r = await command(h, '', { triggerId: '123.456.abc' });
    expect(r).toEqual({ status: 200, text: '' });
    const call = present(() => h.fake.callsTo('views.open')[0], 'views.open');
    expect(call.args.trigger_id).toBe('123.456.abc');
    const view = call.args.view as { callback_id: string; blocks: Record<string, unknown>[] };
    expect(view.callback_id).toBe('amends_open_case');
    const byId = Object.fromEntries(view.blocks.map((b) => [b.block_id, b]));
    expect(byId.client).toMatchObject({ type: 'input', element: { type: 'plain_text_input' } });
    expect(byId.summary).toMatchObject({
      element: { type: 'plain_text_input', multiline: true },
    });
    const sev = byId.severity as {
      element: { options: { value: string }[]; initial_option: { value: string } };
    };
    expect(sev.element.options.map((o) => o.value)).toEqual(['minor', 'major', 'critical']);
    expect(sev.element.initial_option.value).toBe('major');
    expect(byId.owner).toMatchObject({
      element: { type: 'users_select', initial_user: MARIA },
    });
    expect(byId.due_date).toMatchObject({ optional: true, element: { type: 'datepicker' } });
    expect(byId.due_time).toMatchObject({ optional: true, element: { type: 'timepicker' } });
    expect(await countCases(h)).toBe(0);
    expect(h.fake.callsTo('chat.postMessage')).toHaveLength(0);
  });

  it('treats whitespace-only text like no text (the modal), storing nothing', async () => {
    const { h } = ctx;
    await command(h, '   \t ');
    present(() => h.fake.callsTo('views.open')[0], 'views.open');
    expect(await countCases(h)).toBe(0);
  });
});

describe('/incident list, help, unknown words', () => {
  const ctx = useHarness();

  it('lists privately the open cases of this channel or of the caller, with thread links', async () => {
    const { h } = ctx;
    const here = await openCase(h, 'Here Ltd: mine, here');
    const joanHere = await openCase(h, 'Joan Here Ltd: joan, here', { user: JOAN });
    const mineElsewhere = await openCase(h, 'Mine Elsewhere: mine, other channel', {
      channel: OTHER_CHANNEL,
    });
    await openCase(h, 'Joan Elsewhere: joan, other channel', {
      user: JOAN,
      channel: OTHER_CHANNEL,
    });
    const closed = await openCase(h, 'Closed Ltd: closed already');
    await h.amends.cases.close({ teamId: TEAM, caseId: closed.c.id, actor: MARIA }, 'closed', null);
    await openCase(h, 'Other Team Ltd: another workspace', { team: OTHER_TEAM });

    const before = h.fake.callsTo('chat.postMessage').length;
    const r = await command(h, 'list');
    expect(r).toEqual({ status: 200, text: '' });
    const res = present(() => h.fake.responses.find((x) => x.body.text === en.list.title), 'list');
    expect(res.path).toBe('cmd');
    expect(res.body.response_type).toBe('ephemeral');
    const shown = JSON.stringify(res.body.blocks);
    for (const o of [here, joanHere, mineElsewhere]) {
      expect(shown).toContain(o.c.client);
      const link = `https://sandbox.slack.com/archives/${o.c.channelId}/p${o.parent.ts.replace('.', '')}`;
      expect(shown).toContain(`<${link}|case #${o.c.id}>`);
    }
    for (const hidden of ['Joan Elsewhere', 'Closed Ltd', 'Other Team Ltd'])
      expect(shown).not.toContain(hidden);
    expect(h.fake.callsTo('chat.postMessage')).toHaveLength(before);
  });

  it('marks a case whose next step is overdue, as the case message does', async () => {
    const { h } = ctx;
    const late = await openCase(h, 'Late Ltd: nobody told them');
    h.clock.advance(2 * 24 * 60 * 60_000); // own-up was due within hours
    const fresh = await openCase(h, 'Fresh Ltd: just happened');
    await command(h, 'list');
    const res = present(() => h.fake.responses.find((x) => x.body.text === en.list.title), 'list');
    const lines = JSON.stringify(res.body.blocks).split('\\n');
    const lineOf = (client: string) => present(() => lines.find((l) => l.includes(client)), client);
    expect(lineOf(late.c.client)).toContain(`:red_circle:`);
    expect(lineOf(late.c.client)).toContain(`*${en.stepState.overdue}*`);
    expect(lineOf(fresh.c.client)).not.toContain(en.stepState.overdue);
    expect(lineOf(fresh.c.client)).not.toContain(':red_circle:');
  });

  it('says so when there is nothing open', async () => {
    const { h } = ctx;
    await command(h, 'LIST');
    const res = present(() => h.fake.responses[0], 'list');
    expect(res.body).toMatchObject({ response_type: 'ephemeral', text: en.list.empty });
  });

  it.each(['help', 'foo', 'Help', 'fix-it'])(
    '`/incident %s` explains privately, without an error',
    async (word) => {
      const { h } = ctx;
      const r = await command(h, word);
      expect(r.status).toBe(200);
      // A first request: Slack is asked for the person's language, then the help follows through
      // the response URL. Nothing is stored, and nothing is posted in the channel.
      const help = present(() => h.fake.responses[0], 'help').body as {
        response_type: string;
        text: string;
      };
      expect(help.response_type).toBe('ephemeral');
      expect(help.text).toBe(en.help);
      expect(help.text).toContain('/incident list');
      expect(help.text).not.toMatch(/Quote E-|Error|stack/i);
      expect(h.fake.calls.map((c) => c.method)).toEqual(['users.info']);
      expect(await countCases(h)).toBe(0);
      // Known now: the next help travels in the ack itself, with no Slack call at all.
      const again = await command(h, word);
      expect((JSON.parse(again.text) as { text: string }).text).toBe(en.help);
      expect(h.fake.calls).toHaveLength(1);
    },
  );

  it('our slash-command body has every field of Slack’s (fixture)', () => {
    const { h } = ctx;
    const fields = (raw: string) => [...new URLSearchParams(raw).keys()];
    const theirs = fields(
      readFileSync(new URL('slash_command.slack-doc-signed.form.txt', FIXTURES), 'utf8').trim(),
    );
    expect(fields(commandBody(h, 'Acme: x'))).toEqual(expect.arrayContaining(theirs));
  });

  it('answers Slack’s own slash-command body (fixture, re-signed) the same way', async () => {
    const { h } = ctx;
    const raw = readFileSync(new URL('slash_command.with-text.form.txt', FIXTURES), 'utf8').trim();
    const body = new URLSearchParams(raw);
    body.set('command', '/incident');
    body.set('response_url', `${h.fake.responseUrlBase}fixture`);
    const r = await postSigned(h.url, h.secret, body.toString());
    expect(r.status).toBe(200);
    // Its user is new to Amends: the help follows the language lookup, through the response URL.
    const help = present(() => h.fake.responses[0], 'help');
    expect(help.body).toMatchObject({ response_type: 'ephemeral', text: en.help });
  });
});

describe('stored before acknowledged, acknowledged before Slack is called (production mode)', () => {
  // Answers at the ack, as production does; Slack hangs until released.
  const ctx = useHarness({ ackFirst: true });

  it('a new case is in the database when the 200 arrives, while every Slack call still hangs', async () => {
    const { h } = ctx;
    const release = h.fake.hold();
    const r = await command(h, 'Acme: wrong pallets');
    expect(r).toEqual({ status: 200, text: '' });
    // The ack came after the commit: the case is stored, and Slack has answered nothing yet.
    expect(await countCases(h)).toBe(1);
    expect(parents(h)).toHaveLength(0);
    release();
    await h.amends.gate.idle();
    const parent = parents(h)[0];
    expect(parent?.text).toContain('Acme');
    expect((await h.amends.caseRepo.listOpen(TEAM, CHANNEL, MARIA))[0]?.messageTs).toBe(parent?.ts);
  });

  it('a click is stored when its 200 arrives, before the case message is redrawn', async () => {
    const { h } = ctx;
    await command(h, 'Acme: wrong pallets');
    await h.amends.gate.idle();
    const c = (await h.amends.caseRepo.listOpen(TEAM, CHANNEL, MARIA))[0];
    if (!c?.messageTs) throw new Error('case not posted');
    const release = h.fake.hold();
    const r = await click(
      h,
      { action_id: ACTION.done, value: `${c.id}|own_up|1` },
      { messageTs: c.messageTs },
    );
    expect(r.status).toBe(200);
    expect(stepOf(await fresh(h, c), 'own_up').status).toBe('done');
    release();
    await h.amends.gate.idle();
    expect(h.fake.callsTo('chat.update')).toHaveLength(1);
  });

  it('the form opens after the ack, with the trigger the command carried', async () => {
    const { h } = ctx;
    const release = h.fake.hold();
    const r = await command(h, '', { triggerId: '42.42.form' });
    expect(r).toEqual({ status: 200, text: '' });
    release();
    await h.amends.gate.idle();
    expect(h.fake.callsTo('views.open')[0]?.args.trigger_id).toBe('42.42.form');
  });
});

describe('past capacity: refused at once, nothing stored', () => {
  // One request at a time, answered at the ack: the first command keeps the slot while Slack hangs.
  const ctx = useHarness({ ackFirst: true, maxInFlight: 1 });

  /** Acme's command holds the one slot while Slack hangs; `release` lets Slack answer. */
  async function slotTaken(h: Harness) {
    const release = h.fake.hold();
    expect(await command(h, 'Acme: wrong pallets')).toEqual({ status: 200, text: '' });
    const c = (await h.amends.caseRepo.listOpen(TEAM, CHANNEL, MARIA))[0];
    if (!c) throw new Error('first case not stored');
    const finish = async () => {
      release();
      await h.amends.gate.idle();
    };
    return { c, finish };
  }

  it('a slash command is turned away: Amends is busy', async () => {
    const { h } = ctx;
    const { finish } = await slotTaken(h);
    const busy = await command(h, 'Beta: wrong invoice');
    expect(busy.status).toBe(200);
    expect(JSON.parse(busy.text)).toEqual({ response_type: 'ephemeral', text: en.errors.busy });
    expect((await h.amends.caseRepo.listOpen(TEAM, CHANNEL, MARIA)).map((x) => x.client)).toEqual([
      'Acme',
    ]);
    expect(h.amends.gate.refused.busy).toBe(1);
    await finish();
    expect(parents(h).map((m) => m.text)).toEqual(['Recovery case for Acme (Major)']);
  });

  it('a click is turned away with a 503', async () => {
    const { h } = ctx;
    const { c, finish } = await slotTaken(h);
    const refused = await click(h, { action_id: ACTION.done, value: `${c.id}|own_up|1` });
    expect(refused.status).toBe(503);
    expect(stepOf(await fresh(h, c), 'own_up').status).toBe('pending');
    expect(h.amends.gate.refused.busy).toBe(1);
    await finish();
  });

  it('the request in progress finishes', async () => {
    const { h } = ctx;
    const { finish } = await slotTaken(h);
    await finish();
    expect(parents(h).map((m) => m.text)).toEqual(['Recovery case for Acme (Major)']);
  });

  it('the freed slot takes the next request', async () => {
    const { h } = ctx;
    const { c, finish } = await slotTaken(h);
    await finish();
    expect((await click(h, { action_id: ACTION.done, value: `${c.id}|own_up|1` })).status).toBe(
      200,
    );
    await h.amends.gate.idle();
    expect(stepOf(await fresh(h, c), 'own_up').status).toBe('done');
  });
});

describe('bad text is turned away with a friendly private answer', () => {
  const ctx = useHarness();

  it.each([
    ['no summary', 'Acme:', en.errors.field.summary],
    ['whitespace-only summary', 'Acme:  \t  ', en.errors.field.summary],
    ['no client', ': wrong pallets', en.errors.field.client],
    ['whitespace-only both', '   :   ', en.errors.field.client],
    ['several words, no colon', 'Acme wrong pallets again', en.errors.field.summary],
    [
      '151-character client',
      `${'A'.repeat(151)}: too long a name`,
      en.errors.field.client_too_long,
    ],
    ['4,001-character summary', `Acme: ${'x'.repeat(4001)}`, en.errors.field.summary_too_long],
  ])('%s', async (_name, text, expected) => {
    const { h } = ctx;
    const r = await command(h, text);
    expect(r.status).toBe(200);
    expect(JSON.parse(r.text)).toMatchObject({ response_type: 'ephemeral', text: expected });
    expect(await countCases(h)).toBe(0);
    expect(h.fake.callsTo('chat.postMessage')).toHaveLength(0);
    expect(h.fake.callsTo('views.open')).toHaveLength(0);
  });
});

describe('the language of a first request', () => {
  const ctx = useHarness();

  it.each([
    ['U0GIULIA1', 'it'],
    ['U0NIKOS01', 'el'],
    ['U0JORDI01', 'ca'],
    ['U0MARIA01', 'en'],
    ['U0NOBODY1', 'en'], // Slack does not know them: the workspace default
  ] as const)('%s gets the help in %s the first time', async (user, lang) => {
    const { h } = ctx;
    await command(h, 'help', { user });
    const help = present(() => h.fake.responses[0], 'help').body as { text: string };
    expect(help.text).toBe(t(lang).help);
  });

  it('the form opens in the person’s language the first time, with the case language preset', async () => {
    const { h } = ctx;
    await command(h, '', { user: 'U0GIULIA1' });
    const open = present(() => h.fake.callsTo('views.open')[0], 'views.open');
    const view = (open.args as { view: { title: { text: string }; blocks: unknown[] } }).view;
    expect(view.title.text).toBe(t('it').modal.open.title);
    expect(JSON.stringify(view.blocks)).toContain(
      '"initial_option":{"text":{"type":"plain_text","text":"Italiano","emoji":true},"value":"it"}',
    );
  });

  it('`/incident language` with a code Amends does not speak is refused, saying so', async () => {
    const { h } = ctx;
    const bad = await command(h, 'language xx', { user: MARIA });
    expect((JSON.parse(bad.text) as { text: string }).text).toContain(
      'Amends does not speak that language yet',
    );
    expect((await h.amends.store.repos.profiles.get(TEAM, MARIA))?.chosenLang ?? null).toBeNull();
  });

  it('`/incident language el` makes Amends speak Greek to her, over the Slack locale', async () => {
    const { h } = ctx;
    const r = await command(h, 'language el', { user: MARIA });
    expect((JSON.parse(r.text) as { text: string }).text).toBe(t('el').language.set('Ελληνικά'));
    await command(h, 'help', { user: MARIA });
    const help = present(() => h.fake.responses.at(-1), 'help').body as { text: string };
    expect(help.text).toBe(t('el').help);
    // A case she opens speaks Greek in its thread.
    const c = await openViaCommand(h, 'Acme: late delivery', { user: MARIA });
    expect(c.lang).toBe('el');
  });
});

describe('/incident report, /incident export', () => {
  const ctx = useHarness();

  /** A case won back in CHANNEL and one open in OTHER_CHANNEL. */
  async function oneWonOneOpen(h: Harness) {
    const a = await openViaCommand(h, 'Acme: late delivery');
    await openViaCommand(h, 'Beta: wrong invoice', { channel: OTHER_CHANNEL });
    const own = a.steps.find((s) => s.key === 'own_up');
    await h.amends.cases.complete(
      { teamId: TEAM, caseId: a.id, actor: MARIA },
      'own_up',
      own?.version ?? null,
    );
    await h.amends.cases.close({ teamId: TEAM, caseId: a.id, actor: MARIA }, 'won_back', null);
  }

  /** Nothing was posted anywhere for a report. */
  const nothingPosted = (h: Harness) =>
    expect(h.fake.messages.filter((m) => m.text?.includes('Outcomes'))).toHaveLength(0);

  it('`/incident report` answers privately with the channel’s figures', async () => {
    const { h } = ctx;
    await oneWonOneOpen(h);
    const r = await command(h, 'report');
    const body = JSON.parse(r.text) as { response_type: string; blocks: unknown[] };
    expect(body.response_type).toBe('ephemeral');
    const text = JSON.stringify(body.blocks);
    expect(text).toContain(
      '*1* case opened. Decided in these 90 days: 1 won back, 0 lost, 0 closed otherwise. Open now: 0.',
    );
    expect(text).toContain('(from 1 case)');
    // The header is plain text with no raw channel id; the channel is a mention in mrkdwn, where
    // Slack draws it as its name.
    const blocks = body.blocks as {
      type: string;
      text?: { type: string; text: string };
      elements?: { type: string; text: string }[];
    }[];
    expect(blocks[0]).toEqual({
      type: 'header',
      text: { type: 'plain_text', text: 'Outcomes of the last 90 days' },
    });
    expect(blocks[1]).toEqual({
      type: 'context',
      elements: [
        {
          type: 'mrkdwn',
          text: `For the cases of <#${CHANNEL}>: cases opened in these 90 days, cases decided in them (whenever opened), and cases open now.`,
        },
      ],
    });
    for (const b of blocks)
      if (b.text?.type === 'plain_text') expect(b.text.text).not.toMatch(/<[#@]|C0/);
    nothingPosted(h);
  });

  it('`/incident report all` answers privately with the workspace’s figures', async () => {
    const { h } = ctx;
    await oneWonOneOpen(h);
    const answer = JSON.parse((await command(h, 'report all')).text) as {
      response_type: string;
      blocks: unknown[];
    };
    expect(answer.response_type).toBe('ephemeral');
    const all = JSON.stringify(answer.blocks);
    expect(all).toContain(
      '*2* cases opened. Decided in these 90 days: 1 won back, 0 lost, 0 closed otherwise. Open now: 1.',
    );
    expect(all).toContain('For the whole workspace:');
    nothingPosted(h);
  });
});

describe('the same command again (Slack showed an error, but the first was stored)', () => {
  const ctx = useHarness();

  it('turns the retry away with a private reason: one case, one parent', async () => {
    const { h } = ctx;
    const { c } = await openCase(h, 'Acme: wrong pallets');
    h.clock.advance(4 * 60_000); // the person retries a few minutes later
    const again = await command(h, 'Acme: wrong pallets');
    expect(again.status).toBe(200);
    expect(JSON.parse(again.text)).toMatchObject({
      response_type: 'ephemeral',
      text: en.errors.same_case,
    });
    expect(await countCases(h)).toBe(1);
    expect(parents(h).filter((m) => m.metadata?.event_type === 'amends_case')).toHaveLength(1);
    expect((await fresh(h, c)).status).toBe('open');
  });

  it('other words, another person or another channel open a case', async () => {
    const { h } = ctx;
    await openCase(h, 'Acme: wrong pallets');
    await openCase(h, 'Acme: wrong pallets, again');
    await openCase(h, 'Acme: wrong pallets', { user: NIKOS });
    await openCase(h, 'Acme: wrong pallets', { channel: OTHER_CHANNEL });
    expect(await countCases(h)).toBe(4);
  });

  it('the same words 11 minutes later open a case', async () => {
    const { h } = ctx;
    await openCase(h, 'Acme: wrong pallets');
    h.clock.advance(11 * 60_000);
    await openCase(h, 'Acme: wrong pallets');
    expect(await countCases(h)).toBe(2);
  });
});
