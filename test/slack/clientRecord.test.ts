/**
 * The client as a record, in what is written for the client: the draft is addressed to the contact
 * in the client's language, every time in the client's zone with the zone named (a Rome owner, a
 * New York client); the mailto carries the recipient (RFC 6068); the invite has the place and the
 * length chosen at booking, in the client's zone (parsed with ical.js); and the follow-up after the
 * client accepted neither apologises nor offers compensation again, nor calls a past meeting planned.
 */
import ICAL from 'ical.js';
import { afterEach, describe, expect, it } from 'vitest';
import { type Client, checkClientDetails, isEmail } from '../../src/domain/client.js';
import { DomainError } from '../../src/domain/errors.js';
import { caseInvite } from '../../src/domain/invite.js';
import { DEFAULT_PLAYBOOK } from '../../src/domain/playbook.js';
import {
  addChange,
  completeStep,
  openCase,
  type RecoveryCase,
  recordAnswer,
  recordMeeting,
  saveOutline,
  settleChange,
} from '../../src/domain/recoveryCase.js';
import { t as catalogFor, LANGUAGES, type Lang } from '../../src/i18n/index.js';
import { buildDraft, mailtoLink, recipientOf, zoneName } from '../../src/slack/blocks/draft.js';
import { meetingModal } from '../../src/slack/blocks/modals.js';
import { INPUT } from '../../src/slack/ids.js';
import { openInput } from '../helpers/builders.js';

const PB = DEFAULT_PLAYBOOK;
const NOW = new Date('2026-12-07T09:00:00Z');
/** 16:00 in Rome, 10:00 in New York. */
const MEETING = new Date('2026-12-10T15:00:00Z');
const OUTLINE = {
  happened: 'we invoiced you twice for the November order',
  why: 'A retry in our billing job sent the invoice again.',
  prevention: 'Every invoice is now checked for a duplicate before it leaves.',
  summary: 'We charged you twice. The second charge is refunded and cannot happen again.',
};
const CLIENT = {
  contact: 'José Núñez',
  email: 'ap&billing%eu?x@café-example.com',
  tz: 'America/New_York',
  lang: 'en',
  place: 'Hudson St 10, New York',
};

/** A case owned in Rome, written in Italian in the thread, about a New York client. */
function romeCase(): RecoveryCase {
  let c = openCase(
    openInput({ client: 'Café & Co? 100%', tz: 'Europe/Rome', lang: 'it' }),
    PB,
    NOW,
  ).case;
  c = saveOutline(c, OUTLINE, 'U1', NOW).case;
  c = completeStep(c, 'compensation', 'U1', null, PB, NOW, 'a 20% credit on the next order').case;
  c = addChange(
    c,
    { what: 'Duplicate check', who: null, by: new Date('2026-12-12T04:00:00Z') },
    'U1',
    PB,
    NOW,
  ).case;
  c = recordMeeting(c, MEETING, 'U1', PB, NOW).case;
  return { ...c, id: 7, clientId: 1, meetings: { meeting: { place: CLIENT.place, minutes: 45 } } };
}

describe('the draft to a client on record', () => {
  it('is addressed to the contact, in the client’s language, every time in the client’s zone with the zone named', () => {
    const c = romeCase();
    const d = buildDraft(c, 'Maria Rossi', NOW, recipientOf(c, CLIENT));
    expect(d?.body.startsWith('Dear José Núñez,')).toBe(true);
    // Written in English for the client although the case speaks Italian.
    expect(d?.body).toContain('I want to apologise');
    expect(d?.subject).toBe('Our apology to Café & Co? 100%');
    // 10:00 in New York, named; never Rome's 16:00.
    expect(d?.body).toContain('10 December 2026 at 10:00 (Eastern Time)');
    expect(d?.body).not.toContain('16:00');
    // A date only: 04:00Z on the 12th is still the 11th in New York (the 12th in Rome).
    expect(d?.body).toContain('(by 11 December 2026)');
  });

  it('in the client’s own language when it is not the case’s', () => {
    const c = romeCase();
    const ca = buildDraft(c, 'Maria', NOW, recipientOf(c, { ...CLIENT, lang: 'ca' }))?.body ?? '';
    expect(ca.startsWith('Benvolgut/da José Núñez,')).toBe(true);
    expect(ca).toMatch(/10:00 \(hora oriental d’Amèrica del Nord\)/);
    // A case with no client record: the case's client, language and zone, as before.
    const it = buildDraft(c, 'Maria', NOW, recipientOf(c, null))?.body ?? '';
    expect(it.startsWith('Spett.le Café & Co? 100%,')).toBe(true);
    expect(it).toMatch(/16:00 \(ora dell’Europa centrale\)/);
  });

  it('after the client accepted: no second apology, no compensation again, no past meeting called planned', () => {
    const after = new Date('2026-12-14T09:00:00Z');
    for (const lang of LANGUAGES) {
      let c = romeCase();
      c = settleChange(c, 1, { done: true }, 'U1', c.version, PB, after).case;
      c = recordAnswer(c, 'accepted', 'U1', PB, after).case;
      const d = buildDraft(c, 'Maria', after, recipientOf(c, { ...CLIENT, lang }));
      const text = `${d?.subject}\n${d?.body}`;
      // No apology in any of the four languages, and not the compensation again.
      expect(text, lang).not.toMatch(/apolog|scus|συγγνώμη|disculp/i);
      expect(text, lang).not.toContain('20% credit');
      // The meeting on 10 December is past: not "as planned" (nor its date).
      expect(text, lang).not.toMatch(/planned|previsto|κανονίσαμε|acordar/i);
      expect(text, lang).not.toMatch(/10(\.| de)? (December|dicembre|Δεκεμβρίου|desembre)/);
      expect(d?.body, lang).toContain('Duplicate check');
    }
    const en = buildDraft(
      recordAnswer(romeCase(), 'accepted', 'U1', PB, after).case,
      'Maria',
      after,
      recipientOf(romeCase(), CLIENT),
    );
    expect(en?.subject).toBe('Café & Co? 100%: an update on what we promised');
    expect(en?.body).toContain('Thank you for giving us the chance to put things right.');
  });

  it('before the answer, a meeting already past is not called planned either', () => {
    const later = new Date('2026-12-11T09:00:00Z');
    const c = romeCase();
    const body = buildDraft(c, 'Maria', later, recipientOf(c, CLIENT))?.body ?? '';
    expect(body).not.toContain('planned');
    expect(body).toContain('I am glad to call or meet');
  });
});

describe('the mailto link (RFC 6068)', () => {
  const c = romeCase();
  const d = buildDraft(c, 'Maria', NOW, recipientOf(c, CLIENT));

  it('carries the recipient, escaped', () => {
    if (!d) throw new Error('no draft');
    const { url } = mailtoLink(d, undefined, CLIENT.email);
    const [head] = url.split('?');
    // Exactly one `?` delimits the address: the address's own `?`, `&` and `%` are escaped.
    expect(url.split('?')).toHaveLength(2);
    expect(head).toBe('mailto:ap%26billing%25eu%3Fx@caf%C3%A9-example.com');
    expect(decodeURIComponent((head ?? '').slice('mailto:'.length))).toBe(CLIENT.email);
  });

  it('every field survives spaces, accents, &, ?, %', () => {
    if (!d) throw new Error('no draft');
    const { url, clipped } = mailtoLink(d, undefined, CLIENT.email);
    expect(clipped).toBe(false);
    const query = url.split('?')[1] ?? '';
    // Exactly two hfields: the `&` in the name and subject are escaped.
    const fields = query.split('&');
    expect(fields.map((f) => f.split('=')[0])).toEqual(['subject', 'body']);
    const value = (k: string) =>
      decodeURIComponent(fields.find((f) => f.startsWith(`${k}=`))?.slice(k.length + 1) ?? '');
    expect(value('subject')).toBe('Our apology to Café & Co? 100%');
    expect(value('body')).toBe(d.body.replace(/\n/g, '\r\n'));
    expect(value('body').startsWith('Dear José Núñez,\r\n')).toBe(true);
    // Spaces as %20 (never "+"), line breaks as %0D%0A.
    expect(query).not.toMatch(/[ +]/);
    expect(query).toContain('%0D%0A');
  });

  it('without a recipient, as before', () => {
    if (!d) throw new Error('no draft');
    expect(mailtoLink(d).url.startsWith('mailto:?subject=')).toBe(true);
  });
});

describe('the invite for a client on record', () => {
  afterEach(() => ICAL.TimezoneService.reset());

  it('has the place, the length chosen at booking, in the client’s zone', () => {
    const c = romeCase();
    const inv = caseInvite(c, {
      title: 'Meeting with Café & Co? 100%',
      sequence: 3,
      now: NOW,
      tz: CLIENT.tz,
      location: CLIENT.place,
      durationMinutes: 45,
    });
    if (!inv) throw new Error('no invite');
    const cal = new ICAL.Component(ICAL.parse(inv.ics));
    for (const vtz of cal.getAllSubcomponents('vtimezone')) ICAL.TimezoneService.register(vtz);
    const vevent = cal.getFirstSubcomponent('vevent');
    if (!vevent) throw new Error('no VEVENT');
    const ev = new ICAL.Event(vevent);
    expect(ev.location).toBe('Hudson St 10, New York');
    expect(vevent.getFirstProperty('dtstart')?.getParameter('tzid')).toBe('America/New_York');
    expect(ev.startDate.zone?.tzid).toBe('America/New_York');
    expect(ev.startDate.toString()).toBe('2026-12-10T10:00:00');
    expect(ev.startDate.toJSDate()).toEqual(MEETING);
    expect(ev.endDate.toJSDate().getTime() - MEETING.getTime()).toBe(45 * 60_000);
    expect(ev.duration.toSeconds()).toBe(45 * 60);
    expect(inv.googleUrl).toContain('&location=Hudson%20St%2010%2C%20New%20York');
    expect(inv.googleUrl).toContain('&ctz=America%2FNew_York');
  });
});

describe('the client details a form gives', () => {
  const langs: readonly Lang[] = LANGUAGES;
  it.each([
    ['not an email', { email: 'anna at example.com' }, 'client_email'],
    ['two @', { email: 'a@b@example.com' }, 'client_email'],
    ['no domain dot', { email: 'anna@localhost' }, 'client_email'],
    ['an unknown zone', { tz: 'Mars/Olympus_Mons' }, 'client_tz'],
    ['an offset, not a zone', { tz: '+02:00' }, 'client_tz'],
    ['an unknown language', { lang: 'fr' }, 'client_lang'],
    ['a huge place', { place: 'x'.repeat(301) }, 'client_place_too_long'],
  ])('%s is refused (%j)', (_what, raw, detail) => {
    let err: unknown;
    try {
      checkClientDetails(raw, langs);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(DomainError);
    expect((err as DomainError).detail).toBe(detail);
  });

  it('normalises what was typed: trimmed, empty as null, the zone spelled as the runtime does', () => {
    expect(
      checkClientDetails(
        {
          contact: '  José   Núñez ',
          email: ' ap&billing%eu?x@café-example.com ',
          tz: 'america/new_york',
        },
        langs,
      ),
    ).toEqual({
      contact: 'José Núñez',
      email: 'ap&billing%eu?x@café-example.com',
      tz: 'America/New_York',
      lang: null,
      place: null,
    });
  });

  it("takes an address like o'brien+orders@…", () => {
    expect(isEmail("o'brien+orders@example.co.uk")).toBe(true);
  });
});

describe('the booking form for a client in another zone', () => {
  it.each(LANGUAGES)(
    'says once, in %s, that the time is the owner’s, then names the client’s zone',
    (lang) => {
      const cat = catalogFor(lang);
      const client: Client = {
        id: 1,
        teamId: 'T1',
        name: 'Café & Co',
        key: 'cafe & co',
        updatedAt: NOW,
        ...CLIENT,
      };
      const view = meetingModal(cat, romeCase(), 3, 'meeting', undefined, {
        client,
        lang,
        now: NOW,
      });
      const hint = JSON.stringify(
        (view.blocks as { block_id?: string; hint?: { text: string } }[]).find(
          (b) => b.block_id === INPUT.meetingDate,
        )?.hint?.text,
      );
      const own = cat.modal.meeting.hint.split('. ').at(-1) as string;
      expect(hint.split(own)).toHaveLength(2);
      expect(hint).toContain('(America/New_York)');
    },
  );
});

describe('the zone named inside a sentence', () => {
  const DEC = new Date('2026-12-09T10:00:00Z');
  it.each([
    ['en', 'America/New_York', 'Eastern Time'],
    ['it', 'Europe/Rome', 'ora dell’Europa centrale'],
    ['el', 'Europe/Rome', 'ώρα Κεντρικής Ευρώπης'],
    ['ca', 'Europe/Madrid', 'hora d’Europa central'],
    // No generic name: the runtime's country fallback ("Hora de: Regne Unit") is not written.
    ['ca', 'Europe/London', 'hora del meridià de Greenwich'],
    ['el', 'Europe/London', 'μέση ώρα Γκρίνουιτς'],
    ['en', 'UTC', 'UTC'],
  ] as const)('in %s, %s reads "%s"', (lang, tz, name) => {
    expect(zoneName(DEC, lang, tz)).toBe(name);
  });
});
