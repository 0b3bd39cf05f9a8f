/**
 * Text is well-formed from the door on: a lone surrogate (`\ud800`, valid in a JSON payload, no
 * character) in any text a person sends becomes one U+FFFD before anything reads it, so the draft,
 * the invite and the store keep working; text stored by an older version is repaired on read.
 */
import ICAL from 'ical.js';
import { describe, expect, it } from 'vitest';
import type { StoredView } from '../../src/sandbox/fakeSlack.js';
import { slashCommandBody } from '../../src/sandbox/slackRequests.js';
import { mailtoLink } from '../../src/slack/blocks/draft.js';
import { ACTION, INPUT, VIEW } from '../../src/slack/ids.js';
import { CHANNEL, type Harness, MARIA, present, TEAM, USERS } from '../helpers/harness.js';
import {
  blockById,
  book,
  click,
  command,
  fresh,
  input,
  nextView,
  type Opened,
  openCase,
  press,
  replies,
  stepOf,
  submit,
  useHarness,
} from '../helpers/slack.js';
import { storedSurrogates } from '../store/database.js';

/** An owner whose Slack name carries a lone surrogate (users.info answers it as `\ud800`). */
const ANA = 'U0ANARUIZ';
USERS.push({
  id: ANA,
  name: 'ana',
  realName: 'Ana\ud800 Ruiz',
  tz: 'Europe/Madrid',
  locale: 'en-US',
});

const VARIANTS = [
  ['a high surrogate alone', '\ud800'],
  ['a low surrogate alone', '\udfff'],
  ['a pair the wrong way round', '\udc00\ud800'],
] as const;

/** What a lone surrogate must become: one U+FFFD each (`s` is made of lone surrogates only). */
const repaired = (s: string) => '\ufffd'.repeat(s.length);

/** Strings anywhere in a value that are not well-formed (with where they are). */
function lone(v: unknown, at = ''): string[] {
  if (typeof v === 'string') return v.isWellFormed() ? [] : [at];
  if (Array.isArray(v)) return v.flatMap((x, i) => lone(x, `${at}[${i}]`));
  if (v && typeof v === 'object')
    return Object.entries(v).flatMap(([k, x]) => [
      ...(k.isWellFormed() ? [] : [`${at}{key}`]),
      ...lone(x, `${at}.${k}`),
    ]);
  return [];
}

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

/** A submission that must be taken: 200 and no errors in the form. */
async function accepted(
  h: Harness,
  view: StoredView,
  values: Record<string, Record<string, unknown>>,
) {
  expect(await submit(h, view, values)).toEqual({ status: 200, text: '' });
}

/**
 * `/incident <text>` as Socket Mode delivers it: the command as JSON (where `\ud800` can travel;
 * a url-encoded HTTP body can only carry well-formed text), handed to the app as its receiver does.
 */
async function socketCommand(h: Harness, text: string): Promise<unknown> {
  const body = Object.fromEntries(
    new URLSearchParams(
      slashCommandBody({
        teamId: TEAM,
        userId: MARIA,
        channelId: CHANNEL,
        text: 'placeholder',
        responseUrl: `${h.fake.responseUrlBase}cmd`,
      }),
    ),
  );
  let acked: unknown = 'not acked';
  await h.amends.app.processEvent({
    body: { ...body, text },
    ack: async (r?: unknown) => {
      acked = r;
    },
  });
  return acked;
}

describe('the mailto link', () => {
  it.each(VARIANTS)('%s: encodes each as one U+FFFD, never throwing', (_name, s) => {
    const long = mailtoLink({ subject: `About${s}`, body: `Dear${s} Acme,\n${'x'.repeat(3000)}` });
    expect(long.clipped).toBe(true);
    const body = decodeURIComponent(long.url.split('&body=')[1] ?? '');
    expect(body.startsWith(`Dear${repaired(s)} Acme,\r\n`)).toBe(true);
    const short = mailtoLink({ subject: `About${s}`, body: `Dear${s} Acme` });
    expect(short.url).toBe(
      `mailto:?subject=About${'%EF%BF%BD'.repeat(s.length)}&body=Dear${'%EF%BF%BD'.repeat(s.length)}%20Acme`,
    );
  });
});

describe('a lone surrogate in what a person types', () => {
  const ctx = useHarness();

  it.each(VARIANTS)(
    '%s: every form, the draft, the invite take it, each repairing it to one U+FFFD',
    async (_name, s) => {
      const { h } = ctx;
      const r = repaired(s);

      // The slash command (Socket Mode's JSON).
      expect(await socketCommand(h, `Beta${s} Srl: late${s} delivery`)).toBeUndefined();
      const viaCommand = (await h.amends.caseRepo.listOpenInTeam(TEAM, 10))[0];
      expect(viaCommand?.client).toBe(`Beta${r} Srl`);
      expect(viaCommand?.summary).toBe(`late${r} delivery`);

      // The case form, owned by a person whose Slack name has one too.
      let n = h.fake.callsTo('views.open').length;
      await command(h, '');
      const form = await nextView(h, VIEW.open, n);
      await accepted(h, form, {
        ...input.text(INPUT.client, `Acme${s} Corp`),
        ...input.text(INPUT.summary, `Shipped${s} the wrong pallets`),
        ...input.select(INPUT.severity, 'major'),
        ...input.user(INPUT.owner, ANA),
      });
      const c0 = await present(
        async () =>
          (await h.amends.caseRepo.listOpenInTeam(TEAM, 10)).find((c) => c.ownerId === ANA),
        'the case from the form',
      );
      const parent = present(
        () => h.fake.findMessage(CHANNEL, String(c0.messageTs)),
        'the case message',
      );
      const o: Opened = { c: c0, parent, first: parent };
      expect(c0.client).toBe(`Acme${r} Corp`);
      expect(c0.summary).toBe(`Shipped${r} the wrong pallets`);

      // The outline: all four parts.
      await accepted(h, await formFrom(h, o, ACTION.outline, VIEW.outline, { step: 'outline' }), {
        ...input.text(INPUT.happened, `We shipped${s} the wrong pallets`),
        ...input.text(INPUT.why, `Two orders${s} looked alike`),
        ...input.text(INPUT.prevention, `A second${s} check`),
        ...input.text(INPUT.twoSentences, `We sent the wrong goods.${s} We check twice now.`),
      });
      expect((await fresh(h, o.c)).outline).toEqual({
        happened: `We shipped${r} the wrong pallets`,
        why: `Two orders${r} looked alike`,
        prevention: `A second${r} check`,
        summary: `We sent the wrong goods.${r} We check twice now.`,
      });

      // A corrective change, and the compensation.
      const change = await formFrom(h, o, ACTION.addChange, VIEW.addChange, {
        step: 'corrective_changes',
      });
      await accepted(h, change, input.text(INPUT.changeWhat, `Label${s} check`));
      expect((await fresh(h, o.c)).changes[0]?.what).toBe(`Label${r} check`);
      const offer = await formFrom(h, o, ACTION.compensation, VIEW.compensation, {
        step: 'compensation',
      });
      await accepted(h, offer, input.text(INPUT.offer, `A 10%${s} credit`));
      expect(stepOf(await fresh(h, o.c), 'compensation').note).toBe(`A 10%${r} credit`);

      // The draft: built from all of that (and the owner's name), edited, posted with a mailto link.
      const draft = await formFrom(h, o, ACTION.draft, VIEW.draft);
      const prefilled = JSON.stringify(draft.blocks);
      expect(lone(draft.blocks)).toEqual([]);
      expect(prefilled).toContain(`We shipped${r} the wrong pallets`);
      expect(prefilled).toContain(`Ana\ufffd Ruiz`);
      const before = replies(h, o.parent.ts).length;
      await accepted(h, draft, {
        ...input.text(INPUT.draftSubject, `About${s} the order`),
        ...input.text(INPUT.draftBody, `Dear Acme${s},\nwe are sorry.`),
      });
      const posted = replies(h, o.parent.ts).slice(before);
      const mailto = /mailto:\?subject=([^&]*)&body=([^|>]*)/.exec(JSON.stringify(posted));
      expect(decodeURIComponent(mailto?.[1] ?? '')).toBe(`About${r} the order`);
      const draftEvent = (await h.amends.caseRepo.events(TEAM, o.c.id)).find(
        (e) => e.type === 'client_draft',
      );
      expect(draftEvent?.data).toEqual({
        subject: `About${r} the order`,
        body: `Dear Acme${r},\nwe are sorry.`,
      });

      // The meeting and its invite.
      await book(h, o, '2026-11-27', '15:00');
      const ics = h.fake.files.at(-1)?.content.toString('utf8') ?? '';
      const ev = new ICAL.Event(
        new ICAL.Component(ICAL.parse(ics)).getFirstSubcomponent('vevent') ?? undefined,
      );
      expect(ev.summary).toContain(`Acme${r} Corp`);
      expect(ev.description).toBe(`We sent the wrong goods.${r} We check twice now.`);

      // The change dropped, with its reason.
      const parentNow = h.fake.findMessage(CHANNEL, o.parent.ts) ?? o.parent;
      const menu = blockById(parentNow, 'change_1')?.accessory as { options: { value: string }[] };
      n = h.fake.callsTo('views.open').length;
      await click(
        h,
        {
          action_id: ACTION.changeDrop,
          block_id: 'change_1',
          type: 'overflow',
          selected_value: String(menu.options[0]?.value),
        },
        { message: parentNow },
      );
      await accepted(h, await nextView(h, VIEW.dropChange, n), {
        ...input.text(INPUT.reason, `Not${s} needed`),
      });
      expect((await fresh(h, o.c)).changes[0]?.reason).toBe(`Not${r} needed`);

      // On the command's case: a step skipped, the client's refusal, a follow-up note.
      const b = viaCommand as NonNullable<typeof viaCommand>;
      const ob: Opened = {
        c: b,
        parent: present(() => h.fake.findMessage(CHANNEL, String(b.messageTs)), 'its message'),
        first: o.first,
      };
      await accepted(h, await formFrom(h, ob, ACTION.skip, VIEW.skip, { step: 'compensation' }), {
        ...input.text(INPUT.reason, `They${s} declined`),
      });
      expect(stepOf(await fresh(h, b), 'compensation').note).toBe(`They${r} declined`);
      await click(h, {
        action_id: ACTION.refused,
        value: `${b.id}|${(await fresh(h, b)).version}`,
      });
      await accepted(
        h,
        await formFrom(h, ob, ACTION.followUp, VIEW.followUp, { step: 'keep_trying' }),
        {
          ...input.text(INPUT.followUpNote, `Called${s} them`),
        },
      );
      expect(stepOf(await fresh(h, b), 'keep_trying').note).toBe(`Called${r} them`);

      // The form case closed, with a reason.
      await accepted(h, await formFrom(h, o, ACTION.close, VIEW.close), {
        ...input.radio(INPUT.outcome, 'closed'),
        ...input.text(INPUT.reason, `Client${s} moved on`),
      });
      expect((await fresh(h, o.c)).outcomeReason).toBe(`Client${r} moved on`);

      // Nothing stored holds a surrogate, nothing sent to Slack does, and nothing failed.
      expect(await storedSurrogates(h.amends.store)).toEqual([]);
      expect(h.fake.calls.flatMap((call) => lone(call.args, call.method))).toEqual([]);
      expect(h.fake.responses.flatMap((x, i) => lone(x, `response ${i}`))).toEqual([]);
    },
  );

  /** A case whose outline and pending line an older version stored with lone surrogates. */
  async function plantedOld(h: Harness) {
    const o = await openCase(h);
    // As a version without the door wrote it: JSON keeps the lone surrogate as an escape.
    const outline = {
      happened: 'We shipped\ud800 the wrong pallets',
      why: 'Two orders looked alike',
      prevention: 'A second check',
      summary: 'We sent the wrong goods.\udfff We check twice now.',
    };
    // A state no use-case writes any more (they take well-formed text), planted through the
    // repositories, which store what they are given: JSON keeps the lone surrogate as an escape.
    await h.amends.caseRepo.save({ ...(await fresh(h, o.c)), outline });
    expect(JSON.stringify(outline)).toContain('\\ud800');
    await h.amends.store.repos.lines.add(
      TEAM,
      o.c.id,
      { text: 'An old line\udc00', blocks: [] },
      h.clock.now(),
    );
    return { o, c: await fresh(h, o.c) };
  }

  it('text an older version stored with a lone surrogate is read well-formed', async () => {
    const { h } = ctx;
    const { o, c } = await plantedOld(h);
    expect(lone(c)).toEqual([]);
    expect(c.outline?.happened).toBe('We shipped\ufffd the wrong pallets');
    expect(c.outline?.summary).toBe('We sent the wrong goods.\ufffd We check twice now.');
    expect(lone(await h.amends.caseRepo.events(TEAM, o.c.id))).toEqual([]);
  });

  it('a line an older version stored with a lone surrogate goes out repaired', async () => {
    const { h } = ctx;
    const { o, c } = await plantedOld(h);
    // The pending line goes out as text.
    await h.amends.presenter.deliverLines(c);
    expect(replies(h, o.parent.ts).at(-1)?.text).toBe('An old line\ufffd');
  });

  it('an outline an older version stored with a lone surrogate makes a working draft', async () => {
    const { h } = ctx;
    const { o, c } = await plantedOld(h);
    await h.amends.presenter.deliverLines(c);
    // The draft is offered, opens prefilled with the repaired outline, and is taken as it is.
    await h.amends.presenter.refresh(c);
    const draft = await formFrom(h, o, ACTION.draft, VIEW.draft);
    expect(lone(h.fake.callsTo('views.open').at(-1)?.args)).toEqual([]);
    const initial = (id: string) =>
      (draft.blocks as { block_id?: string; element?: { initial_value?: string } }[]).find(
        (x) => x.block_id === id,
      )?.element?.initial_value ?? '';
    expect(initial(INPUT.draftBody)).toContain('We shipped\ufffd the wrong pallets');
    await accepted(h, draft, {
      ...input.text(INPUT.draftSubject, initial(INPUT.draftSubject)),
      ...input.text(INPUT.draftBody, initial(INPUT.draftBody)),
    });
    expect(JSON.stringify(replies(h, o.parent.ts).at(-1)?.blocks)).toContain(
      'We%20shipped%EF%BF%BD%20the%20wrong%20pallets',
    );
  });

  it('an outline an older version stored with a lone surrogate makes a working invite', async () => {
    const { h } = ctx;
    const { o } = await plantedOld(h);
    // The meeting's invite too.
    await book(h, o, '2026-11-27', '15:00');
    expect(h.fake.files.at(-1)?.content.toString('utf8')).toContain(
      'We sent the wrong goods.\ufffd We check twice now.',
    );
  });
});
