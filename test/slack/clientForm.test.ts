/**
 * The client as a record through Slack: the new-case form asks for the client's details and offers
 * the clients on record; bad details get a friendly error on their field and change nothing; the
 * meeting form takes a length and a place (the client's usual one offered) and the invite carries
 * them in the client's zone; the draft is addressed to the contact and its mailto to their address.
 */
import ICAL from 'ical.js';
import { afterEach, describe, expect, it } from 'vitest';
import { interactionBody, postSigned } from '../../src/sandbox/slackRequests.js';
import { ACTION, INPUT, VIEW } from '../../src/slack/ids.js';
import { CHANNEL, type Harness, MARIA, TEAM } from '../helpers/harness.js';
import {
  command,
  countCases,
  fresh,
  input,
  nextView,
  openCase,
  press,
  replies,
  submit,
  useHarness,
} from '../helpers/slack.js';

const DETAILS = {
  contact: 'José Núñez',
  email: 'ap&billing@cafe-example.com',
  tz: 'America/New_York',
  lang: 'en',
  place: 'Hudson St 10, New York',
};
const OUTLINE = {
  happened: 'We invoiced you twice for the November order.',
  why: 'A retry in our billing job.',
  prevention: 'Every invoice is checked for a duplicate.',
  summary: 'We charged you twice. It is refunded.',
};

async function openForm(h: Harness) {
  const n = h.fake.callsTo('views.open').length;
  await command(h, '', {});
  return nextView(h, VIEW.open, n);
}

const formValues = (o: {
  client?: string;
  summary?: string;
  pick?: string | null;
  details?: Partial<Record<keyof typeof DETAILS, string | null>>;
}) => {
  const d = { ...DETAILS, ...o.details };
  return {
    ...input.text(INPUT.client, o.client ?? ''),
    ...(o.pick !== undefined ? input.select(INPUT.clientPick, o.pick) : {}),
    ...input.text(INPUT.summary, o.summary ?? 'Invoiced twice'),
    ...input.select(INPUT.severity, 'major'),
    ...input.user(INPUT.owner, MARIA),
    ...input.text(INPUT.clientContact, d.contact),
    ...input.text(INPUT.clientEmail, d.email),
    ...input.text(INPUT.clientTz, d.tz),
    ...input.select(INPUT.clientLang, d.lang),
    ...input.text(INPUT.clientPlace, d.place),
  };
};

const errorsOf = (r: { text: string }) =>
  JSON.parse(r.text) as { response_action: string; errors: Record<string, string> };

const blockIds = (view: { blocks?: unknown[] }) =>
  (view.blocks as { block_id?: string }[]).map((b) => b.block_id);

describe('the client record in the new-case form', () => {
  const ctx = useHarness();
  afterEach(() => ICAL.TimezoneService.reset());

  it.each([
    ['an invalid email', { email: 'jose at cafe' }, INPUT.clientEmail, /email address/],
    ['an unknown time zone', { tz: 'Mars/Olympus' }, INPUT.clientTz, /Unknown time zone/],
    ['a language Amends does not write', { lang: 'fr' }, INPUT.clientLang, /languages offered/],
  ])('%s is refused with a friendly error on its field', async (_n, details, block, said) => {
    const { h } = ctx;
    const view = await openForm(h);
    const r = await submit(h, view, formValues({ client: 'Café & Co', details }));
    const body = errorsOf(r);
    expect(body.response_action).toBe('errors');
    expect(Object.keys(body.errors)).toEqual([block]);
    expect(body.errors[block]).toMatch(said);
    expect(body.errors[block]).not.toMatch(/E-[0-9a-f]{8}/);
    expect(await countCases(h)).toBe(0);
    expect(await h.amends.store.repos.clients.list(TEAM, 10)).toEqual([]);
    expect(h.fake.callsTo('chat.postMessage')).toHaveLength(0);
  });

  /** Opens a case for a new client, Café & Co, with every detail filled in; returns the client. */
  async function firstCase(h: Harness) {
    const first = await openForm(h);
    // No client on record yet: no picker, and the name is required as before.
    expect(blockIds(first)).not.toContain(INPUT.clientPick);
    expect(blockIds(first)).toContain(INPUT.clientEmail);
    expect(await submit(h, first, formValues({ client: 'Café & Co' }))).toEqual({
      status: 200,
      text: '',
    });
    const [client] = await h.amends.store.repos.clients.list(TEAM, 10);
    return client;
  }
  const EMPTY = { contact: '', email: '', tz: '', lang: null, place: '' };

  /** The second case, for the client picked from the list with every detail left empty. */
  async function pickedAgain(h: Harness, id: string) {
    const second = await openForm(h);
    expect(
      await submit(h, second, formValues({ pick: id, summary: 'Late delivery', details: EMPTY })),
    ).toEqual({ status: 200, text: '' });
  }

  it('stores the client with the case', async () => {
    const { h } = ctx;
    const client = await firstCase(h);
    expect(client).toMatchObject({ name: 'Café & Co', key: 'cafe & co', ...DETAILS });
    const c1 = (await h.amends.caseRepo.listOpen(TEAM, CHANNEL, MARIA))[0];
    expect(c1?.clientId).toBe(client?.id);
  });

  it('offers the stored client on the next form', async () => {
    const { h } = ctx;
    const client = await firstCase(h);
    const second = await openForm(h);
    const picker = (
      second.blocks as { block_id?: string; element?: { options?: unknown[] } }[]
    ).find((b) => b.block_id === INPUT.clientPick);
    expect(picker?.element?.options).toMatchObject([
      { text: { type: 'plain_text', text: 'Café & Co · José Núñez' }, value: String(client?.id) },
    ]);
  });

  it('a client picked with every detail left empty keeps what is on record', async () => {
    const { h } = ctx;
    const client = await firstCase(h);
    await pickedAgain(h, String(client?.id));
    const cases = await h.amends.caseRepo.listOpen(TEAM, CHANNEL, MARIA);
    expect(new Set(cases.map((c) => c.clientId))).toEqual(new Set([client?.id]));
    expect(await h.amends.store.repos.clients.list(TEAM, 10)).toEqual([client]);
  });

  it('a client typed again in other capitals, without accents, is the one on record, updated', async () => {
    const { h } = ctx;
    const client = await firstCase(h);
    await pickedAgain(h, String(client?.id));
    // Typed again with other capitals and no accents, a new detail replaces the stored one.
    const third = await openForm(h);
    await submit(
      h,
      third,
      formValues({
        client: 'CAFE & CO',
        summary: 'Wrong size',
        details: { ...EMPTY, contact: 'Ana Puig' },
      }),
    );
    const cases = await h.amends.caseRepo.listOpen(TEAM, CHANNEL, MARIA);
    expect(cases).toHaveLength(3);
    expect(new Set(cases.map((c) => c.clientId))).toEqual(new Set([client?.id]));
    const after = await h.amends.store.repos.clients.list(TEAM, 10);
    expect(after).toHaveLength(1);
    expect(after[0]).toMatchObject({ ...DETAILS, contact: 'Ana Puig', name: 'CAFE & CO' });
  });

  it('picking a known client draws the form again with its details filled in', async () => {
    const { h } = ctx;
    await submit(h, await openForm(h), formValues({ client: 'Café & Co' }));
    const [client] = await h.amends.store.repos.clients.list(TEAM, 10);
    const view = await openForm(h);
    const id = String(client?.id);
    // As Slack sends it: a block_actions from the modal (container: the view) with its state.
    const payload = {
      type: 'block_actions',
      user: { id: MARIA, username: 'maria', name: 'maria', team_id: TEAM },
      api_app_id: 'AAMENDS01',
      token: 'legacy',
      container: { type: 'view', view_id: view.id },
      trigger_id: '1.2.3',
      team: { id: TEAM, domain: 'sandbox' },
      enterprise: null,
      is_enterprise_install: false,
      view: { ...view, state: { values: input.select(INPUT.clientPick, id) } },
      actions: [
        {
          type: 'static_select',
          action_id: INPUT.clientPick,
          block_id: INPUT.clientPick,
          selected_option: { text: { type: 'plain_text', text: 'Café & Co' }, value: id },
          action_ts: '1.0',
        },
      ],
    };
    const r = await postSigned(h.url, h.secret, interactionBody(payload));
    expect(r.status).toBe(200);
    const update = h.fake.callsTo('views.update').at(-1)?.args as
      | { view_id?: string; hash?: string; view?: { blocks?: unknown[]; callback_id?: string } }
      | undefined;
    expect(update?.view_id).toBe(view.id);
    expect(update?.hash).toBe(view.hash);
    expect(update?.view?.callback_id).toBe(VIEW.open);
    const blocks = (update?.view?.blocks ?? []) as {
      block_id?: string;
      element?: { initial_value?: string; initial_option?: { value?: string } };
    }[];
    const filled = (base: string) => blocks.find((b) => b.block_id === `${base}:${id}`)?.element;
    expect(filled(INPUT.clientContact)?.initial_value).toBe(DETAILS.contact);
    expect(filled(INPUT.clientEmail)?.initial_value).toBe(DETAILS.email);
    expect(filled(INPUT.clientTz)?.initial_value).toBe(DETAILS.tz);
    expect(filled(INPUT.clientLang)?.initial_option?.value).toBe(DETAILS.lang);
    expect(filled(INPUT.clientPlace)?.initial_value).toBe(DETAILS.place);
    // Submitted from the filled form (block ids with the client's id), an error lands on its field.
    const stored = [...h.fake.views.values()].find((v) => v.id === view.id);
    if (!stored) throw new Error('no view');
    const values = Object.fromEntries(
      Object.entries(formValues({ pick: id, summary: 'Again', details: { email: 'bad' } })).map(
        ([k, v]) => [k.startsWith('client_') && k !== INPUT.clientPick ? `${k}:${id}` : k, v],
      ),
    );
    const bad = await submit(h, stored, values);
    expect(errorsOf(bad).errors).toEqual({
      [`${INPUT.clientEmail}:${id}`]: expect.stringMatching(/email address/),
    });
    expect(await countCases(h)).toBe(1);
  });

  it('a picked client no longer on record is a friendly error, nothing stored', async () => {
    const { h } = ctx;
    await openCase(h); // Acme Corp is on record now (the quick form stores it too)
    const view = await openForm(h);
    const before = await countCases(h);
    const r = await submit(h, view, formValues({ pick: '999999' }));
    expect(errorsOf(r).errors).toEqual({ [INPUT.clientPick]: expect.stringMatching(/no longer/) });
    expect(await countCases(h)).toBe(before);
  });

  /** A case for the client with details (Café & Co, New York), its parent and its meeting form. */
  const meetingForm = async () => {
    const { h } = ctx;
    await submit(h, await openForm(h), formValues({ client: 'Café & Co' }));
    const c = (await h.amends.caseRepo.listOpen(TEAM, CHANNEL, MARIA))[0];
    if (!c) throw new Error('no case');
    const parent = await (async () => {
      await h.amends.presenter.refresh(await fresh(h, c));
      const p = h.fake.messages.find((m) => m.channel === CHANNEL && m.ts === (c.messageTs ?? ''));
      if (!p) throw new Error('no parent');
      return p;
    })();
    const n = h.fake.callsTo('views.open').length;
    await press(h, parent, ACTION.meeting, { step: 'meeting' });
    const form = await nextView(h, VIEW.meeting, n);
    return { h, c, parent, form };
  };

  /** The meeting form submitted: Maria books 16:00 her time, 45 minutes, in a meeting room. */
  const booked = async () => {
    const { h, c, parent, form } = await meetingForm();
    // Maria books 16:00 her time (Rome): 10:00 in New York, for 45 minutes, in a meeting room.
    const r = await submit(h, form, {
      ...input.date(INPUT.meetingDate, '2026-11-27'),
      ...input.time(INPUT.meetingTime, '16:00'),
      ...input.select(INPUT.meetingLength, '45'),
      ...input.text(INPUT.meetingPlace, 'Room 4, Hudson St 10'),
    });
    expect(r).toEqual({ status: 200, text: '' });
    return { h, c, parent };
  };

  it('the meeting form is filled in for the client: their place, an hour, their zone named', async () => {
    const { form } = await meetingForm();
    const json = JSON.stringify(form.blocks);
    // The client's usual place offered, an hour by default, the client's zone named.
    expect(json).toContain(`"initial_value":"${DETAILS.place}"`);
    const length = (
      form.blocks as { block_id?: string; element?: { initial_option?: { value?: string } } }[]
    ).find((b) => b.block_id === INPUT.meetingLength);
    expect(length?.element?.initial_option?.value).toBe('60');
    expect(json).toContain('Eastern Time (America/New_York)');
  });

  it('the invite carries the meeting’s length, its place, in the client’s zone', async () => {
    const { h, c } = await booked();
    const ics = h.fake.files.at(-1)?.content.toString('utf8') ?? '';
    const comp = new ICAL.Component(ICAL.parse(ics));
    for (const tz of comp.getAllSubcomponents('vtimezone')) ICAL.TimezoneService.register(tz);
    const ev = new ICAL.Event(comp.getFirstSubcomponent('vevent') ?? undefined);
    expect(ev.location).toBe('Room 4, Hudson St 10');
    expect(ev.startDate.zone?.tzid).toBe('America/New_York');
    expect(ev.startDate.toString()).toBe('2026-11-27T10:00:00');
    expect(ev.startDate.toJSDate().toISOString()).toBe('2026-11-27T15:00:00.000Z');
    expect(ev.duration.toSeconds()).toBe(45 * 60);
    expect((await fresh(h, c)).meetings?.meeting).toEqual({
      place: 'Room 4, Hudson St 10',
      minutes: 45,
    });
  });

  /** The draft for the booked case, opened once its outline is written. */
  async function draftFor() {
    const { h, c, parent } = await booked();
    // The draft: to the contact, the meeting at 10:00 New York time, the zone named.
    await h.amends.cases.outline({ teamId: TEAM, caseId: c.id, actor: MARIA }, OUTLINE);
    await h.amends.presenter.refresh(await fresh(h, c));
    const n = h.fake.callsTo('views.open').length;
    await press(h, h.fake.findMessage(CHANNEL, parent.ts) ?? parent, ACTION.draft);
    return { h, parent, draft: await nextView(h, VIEW.draft, n) };
  }

  it('the draft goes to the client’s contact, the meeting in their zone', async () => {
    const { draft } = await draftFor();
    const body = JSON.stringify(draft.blocks);
    expect(body).toContain('Dear José Núñez,');
    expect(body).toContain('27 November 2026 at 10:00 (Eastern Time)');
  });

  it('the draft’s mailto goes to the client’s email', async () => {
    const { h, parent, draft } = await draftFor();
    await submit(h, draft, {
      ...input.text(INPUT.draftSubject, 'Our apology'),
      ...input.text(INPUT.draftBody, 'Dear José,\nsorry.'),
    });
    const post = JSON.stringify(replies(h, parent.ts).at(-1)?.blocks);
    expect(post).toContain('mailto:ap%26billing@cafe-example.com?subject=Our%20apology&body=');
  });
});
