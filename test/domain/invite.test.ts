import ICAL from 'ical.js';
import { afterEach, describe, expect, it } from 'vitest';
import {
  buildInvite,
  caseInvite,
  GOOGLE_URL_MAX,
  type InviteInput,
  inviteUid,
  vtimezone,
} from '../../src/domain/invite.js';
import { DEFAULT_PLAYBOOK } from '../../src/domain/playbook.js';
import { openCase, recordMeeting, saveOutline } from '../../src/domain/recoveryCase.js';
import { domainError, openInput } from '../helpers/builders.js';

/*
 * 2026 offsets used below (DST change days are Sundays):
 *   Europe/Rome       CET  +1 → CEST +2 on 2026-03-29 01:00Z, back on 2026-10-25 01:00Z
 *   America/New_York  EST  -5 → EDT  -4 on 2026-03-08 07:00Z, back on 2026-11-01 06:00Z
 */
const ROME = 'Europe/Rome';
const NY = 'America/New_York';
const NOW = new Date('2026-03-01T09:00:00Z');

const TRICKY_TITLE = 'Ξανά μαζί: Acme, S.p.A.; «Perdó» per l·l 🎉🇮🇹';
const TRICKY_DESCRIPTION =
  'Vam enviar les caixes equivocades, ho sentim.\nΘα το διορθώσουμε; μέσα σε 2 μέρες, υπόσχεση 🙏\\ok';

function input(o: Partial<InviteInput> = {}): InviteInput {
  return {
    teamId: 'T0TEAM001',
    caseId: 42,
    start: new Date('2026-03-30T08:00:00Z'),
    tz: ROME,
    sequence: 0,
    title: 'Meeting with Acme',
    description: 'We sent the wrong pallets. We will fix it by Friday.',
    now: NOW,
    ...o,
  };
}

interface Parsed {
  readonly calendar: ICAL.Component;
  readonly vevent: ICAL.Component;
  readonly event: ICAL.Event;
}

/** The file through ical.js, with its VTIMEZONEs registered so zoned times resolve. */
function parse(ics: string): Parsed {
  const calendar = new ICAL.Component(ICAL.parse(ics));
  for (const vtz of calendar.getAllSubcomponents('vtimezone')) {
    ICAL.TimezoneService.register(vtz);
  }
  const vevent = calendar.getFirstSubcomponent('vevent');
  if (!vevent) throw new Error('no VEVENT');
  return { calendar, vevent, event: new ICAL.Event(vevent) };
}

afterEach(() => {
  ICAL.TimezoneService.reset();
});

const wallFormats = new Map<string, Intl.DateTimeFormat>();
/** The wall-clock time of `t` in `tz`, as yyyy-MM-ddTHH:mm:ss, straight from Intl. */
function wall(t: Date, tz: string): string {
  let f = wallFormats.get(tz);
  if (!f) {
    f = new Intl.DateTimeFormat('en-CA', {
      timeZone: tz,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    wallFormats.set(tz, f);
  }
  const p = Object.fromEntries(f.formatToParts(t).map((x) => [x.type, x.value]));
  return `${p.year}-${p.month}-${p.day}T${p.hour}:${p.minute}:${p.second}`;
}

/** The UTC offset of `tz` at `t`, in minutes, from its wall-clock time. */
const offsetOf = (t: number, tz: string): number =>
  (Date.parse(`${wall(new Date(t), tz)}Z`) - t) / 60_000;

describe('the .ics file', () => {
  it('is an iCalendar PUBLISH whose one event carries UID, SEQUENCE, DTSTAMP, SUMMARY, DESCRIPTION', () => {
    const inv = buildInvite(input());
    const { calendar, vevent, event } = parse(inv.ics);
    expect(calendar.name).toBe('vcalendar');
    expect(calendar.getFirstPropertyValue('version')).toBe('2.0');
    expect(calendar.getFirstPropertyValue('prodid')).toBe('-//Amends//Amends//EN');
    expect(calendar.getFirstPropertyValue('method')).toBe('PUBLISH');
    expect(calendar.getAllSubcomponents('vevent')).toHaveLength(1);
    expect(event.uid).toBe('amends-case-T0TEAM001-42@amends');
    expect(inv.uid).toBe(event.uid);
    expect(event.sequence).toBe(0);
    expect(event.summary).toBe('Meeting with Acme');
    expect(event.description).toBe('We sent the wrong pallets. We will fix it by Friday.');
    const stamp = vevent.getFirstProperty('dtstamp');
    expect(stamp?.toICALString()).toBe('DTSTAMP:20260301T090000Z');
    expect(inv.filename).toBe('amends-meeting-42-0.ics');
  });

  /** An invite whose lines must be folded, in several scripts. */
  const longLines = () =>
    buildInvite(
      input({ title: '🎉'.repeat(60), description: `${'Ελληνικά, català; '.repeat(40)}😀` }),
    ).ics;

  it('uses CRLF line endings', () => {
    const ics = longLines();
    expect(ics.endsWith('\r\n') || ics.endsWith('END:VCALENDAR')).toBe(true);
    expect(ics.replace(/\r\n/g, '')).not.toMatch(/[\r\n]/);
  });

  it('folds every line at 75 octets without splitting a character', () => {
    const ics = longLines();
    for (const line of ics.split('\r\n')) {
      expect(Buffer.byteLength(line, 'utf8')).toBeLessThanOrEqual(75);
      expect(line).not.toContain('\ufffd');
    }
    const { event } = parse(ics);
    expect(event.summary).toBe('🎉'.repeat(60));
  });

  it('writes the meeting’s times in the owner’s zone (TZID)', () => {
    const { ics } = buildInvite(input());
    expect(ics).toContain('\r\nDTSTART;TZID=Europe/Rome:20260330T100000\r\n');
    expect(ics).toContain('\r\nDTEND;TZID=Europe/Rome:20260330T110000\r\n');
  });

  it('defines the owner’s zone in a VTIMEZONE', () => {
    const { calendar, vevent } = parse(buildInvite(input()).ics);
    const zones = calendar.getAllSubcomponents('vtimezone');
    expect(zones.map((z) => z.getFirstPropertyValue('tzid'))).toEqual([ROME]);
    expect(vevent.getFirstProperty('dtstart')?.getParameter('tzid')).toBe(ROME);
    expect(vevent.getFirstProperty('dtend')?.getParameter('tzid')).toBe(ROME);
  });

  // Local wall time in the file, and the instant ical.js resolves it to with our VTIMEZONE.
  const acrossDst = [
    // Rome: the Friday before the 2026-03-29 switch is CET (+1), the Monday after is CEST (+2).
    [ROME, '2026-03-27T09:00:00Z', '20260327T100000', '2026-03-27T10:00:00Z'],
    [ROME, '2026-03-30T08:00:00Z', '20260330T100000', '2026-03-30T09:00:00Z'],
    [ROME, '2026-10-23T08:00:00Z', '20261023T100000', '2026-10-23T09:00:00Z'],
    [ROME, '2026-10-26T09:00:00Z', '20261026T100000', '2026-10-26T10:00:00Z'],
    // The switch day itself, on both sides of 03:00 local.
    [ROME, '2026-03-29T00:30:00Z', '20260329T013000', '2026-03-29T01:30:00Z'],
    [ROME, '2026-03-29T01:30:00Z', '20260329T033000', '2026-03-29T02:30:00Z'],
    // New York: EST (-5) before 2026-03-08, EDT (-4) after.
    [NY, '2026-03-06T15:00:00Z', '20260306T100000', '2026-03-06T16:00:00Z'],
    [NY, '2026-03-09T14:00:00Z', '20260309T100000', '2026-03-09T15:00:00Z'],
    [NY, '2026-10-30T14:00:00Z', '20261030T100000', '2026-10-30T15:00:00Z'],
    [NY, '2026-11-02T15:00:00Z', '20261102T100000', '2026-11-02T16:00:00Z'],
  ];

  it.each(acrossDst)('%s: a meeting at %s is written as %s local', (tz, at, local) => {
    const { ics } = buildInvite(input({ tz, start: new Date(at) }));
    expect(ics).toContain(`\r\nDTSTART;TZID=${tz}:${local}\r\n`);
  });

  it.each(acrossDst)(
    '%s: a meeting at %s (%s local) parses back to that instant',
    (tz, at, _local, endAt) => {
      const { event } = parse(buildInvite(input({ tz, start: new Date(at) })).ics);
      expect(event.startDate.zone?.tzid).toBe(tz);
      expect(event.endDate.zone?.tzid).toBe(tz);
      expect(event.startDate.toJSDate().toISOString()).toBe(new Date(at).toISOString());
      expect(event.endDate.toJSDate().toISOString()).toBe(new Date(endAt).toISOString());
    },
  );

  it('the meeting ends after durationMinutes (default 60), across a DST jump too', () => {
    const ninety = parse(buildInvite(input({ durationMinutes: 90 })).ics).event;
    expect(ninety.endDate.toJSDate().toISOString()).toBe('2026-03-30T09:30:00.000Z');
    // 01:30 CET + 60 min on the switch day is 03:30 CEST.
    const { ics } = buildInvite(input({ start: new Date('2026-03-29T00:30:00Z') }));
    expect(ics).toContain('DTEND;TZID=Europe/Rome:20260329T033000');
  });

  it('the parser really reads the offsets from our VTIMEZONE: a wrong offset moves the meeting', () => {
    const { ics } = buildInvite(input());
    const wrong = ics.replace(/TZOFFSETTO:\+0200/g, 'TZOFFSETTO:+0300');
    expect(wrong).not.toBe(ics);
    const { event } = parse(wrong);
    expect(event.startDate.toJSDate().toISOString()).toBe('2026-03-30T07:00:00.000Z');
  });

  // 2026-10-25 02:00–02:59 Rome happens twice: 00:xxZ (CEST) and 01:xxZ (CET). RFC 5545 reads
  // such a time as the first pass, ical.js as the second: either way the file would be unsafe.
  it.each([
    ['starts in the first pass', '2026-10-25T00:30:00Z', 30],
    ['starts in the second pass', '2026-10-25T01:30:00Z', 30],
    ['ends in the repeated hour', '2026-10-24T23:30:00Z', 60],
  ])('a meeting that %s of a fall-back is written in UTC', (_name, at, minutes) => {
    const { ics } = buildInvite(input({ start: new Date(at), durationMinutes: minutes }));
    expect(ics).toContain(`DTSTART:${at.replace(/[-:]/g, '')}`);
    expect(ics).not.toContain('TZID');
    const { event } = parse(ics);
    expect(event.startDate.toJSDate().toISOString()).toBe(new Date(at).toISOString());
    expect(event.endDate.toJSDate().getTime()).toBe(new Date(at).getTime() + minutes * 60_000);
  });

  it('a meeting just outside the repeated hour keeps its zone', () => {
    // 01:00–01:30 CEST ends before the repeated hour; 03:00–04:00 CET starts after it.
    for (const [at, local] of [
      ['2026-10-24T23:00:00Z', '20261025T010000'],
      ['2026-10-25T02:00:00Z', '20261025T030000'],
    ] as const) {
      const { ics } = buildInvite(input({ start: new Date(at), durationMinutes: 30 }));
      expect(ics).toContain(`DTSTART;TZID=Europe/Rome:${local}`);
      ICAL.TimezoneService.reset();
      expect(parse(ics).event.startDate.toJSDate().toISOString()).toBe(new Date(at).toISOString());
    }
  });

  it('a UTC owner gets UTC times, without a VTIMEZONE', () => {
    const { ics } = buildInvite(input({ tz: 'Etc/UTC' }));
    expect(ics).toContain('DTSTART:20260330T080000Z');
    expect(ics).not.toContain('VTIMEZONE');
  });

  it('uses the runtime spelling of the zone', () => {
    const { ics, googleUrl } = buildInvite(input({ tz: 'europe/rome' }));
    expect(ics).toContain('DTSTART;TZID=Europe/Rome:20260330T100000');
    expect(new URL(googleUrl).searchParams.get('ctz')).toBe(ROME);
  });

  const tricky = () =>
    buildInvite(input({ title: TRICKY_TITLE, description: TRICKY_DESCRIPTION })).ics;

  it('escapes semicolons, commas, newlines in text', () => {
    const ics = tricky();
    expect(ics).toContain('\\;');
    expect(ics).toContain('\\,');
    expect(ics).toContain('\\n');
  });

  it('text in any script, with every character iCalendar escapes, survives a round trip', () => {
    const { event } = parse(tricky());
    expect(event.summary).toBe(TRICKY_TITLE);
    expect(event.description).toBe(TRICKY_DESCRIPTION);
  });

  it('drops control characters', () => {
    const { ics, googleUrl } = buildInvite(
      input({ title: 'Acme\u0007 meeting', description: 'a\u0000b\tc' }),
    );
    const { event } = parse(ics);
    expect(event.summary).toBe('Acme meeting');
    expect(event.description).toBe('ab\tc');
    expect(new URL(googleUrl).searchParams.get('text')).toBe('Acme meeting');
  });

  it('repairs a lone surrogate', () => {
    const { ics, googleUrl } = buildInvite(input({ title: 'Acme \ud83d meeting' }));
    expect(parse(ics).event.summary).toBe('Acme \ufffd meeting');
    expect(new URL(googleUrl).searchParams.get('text')).toBe('Acme \ufffd meeting');
  });

  it('writes a blank description neither in the file nor in the link', () => {
    const inv = buildInvite(input({ description: '  ' }));
    expect(inv.ics).not.toContain('DESCRIPTION');
    expect(new URL(inv.googleUrl).searchParams.has('details')).toBe(false);
  });

  it('writes an ORGANIZER when one is given, with a name safe for a quoted parameter', () => {
    const { ics } = buildInvite(
      input({ organizer: { name: 'Anna "Nanà" Rossi', email: 'anna@example.com' } }),
    );
    const org = parse(ics).vevent.getFirstProperty('organizer');
    expect(org?.getFirstValue()).toBe('mailto:anna@example.com');
    expect(org?.getParameter('cn')).toBe('Anna Nanà Rossi');
  });
});

describe('moving the meeting', () => {
  /** The first invite, then the one for the meeting moved to another day. */
  function firstAndMoved() {
    const first = parse(buildInvite(input({ sequence: 0 })).ics).event;
    ICAL.TimezoneService.reset();
    const moved = parse(
      buildInvite(input({ sequence: 1, start: new Date('2026-04-02T13:00:00Z') })).ics,
    ).event;
    return { first, moved };
  }

  it('keeps the UID', () => {
    const { first, moved } = firstAndMoved();
    expect(moved.uid).toBe(first.uid);
  });

  it('raises SEQUENCE', () => {
    const { first, moved } = firstAndMoved();
    expect(moved.sequence).toBeGreaterThan(first.sequence);
    expect(moved.sequence).toBe(1);
    expect(moved.startDate.toJSDate().toISOString()).toBe('2026-04-02T13:00:00.000Z');
  });

  it('the meeting to show the fix has its own stable UID', () => {
    const fix = buildInvite(input({ kind: 'fix' }));
    expect(fix.uid).toBe('amends-case-T0TEAM001-42-fix@amends');
    expect(fix.uid).not.toBe(buildInvite(input()).uid);
    expect(buildInvite(input({ kind: 'fix', sequence: 3 })).uid).toBe(fix.uid);
    expect(parse(fix.ics).event.uid).toBe(fix.uid);
  });

  it('the meeting to show the fix has a file name per SEQUENCE', () => {
    const fix = buildInvite(input({ kind: 'fix' }));
    expect(fix.filename).toBe('amends-fix-meeting-42-0.ics');
    expect(buildInvite(input({ kind: 'fix', sequence: 3 })).filename).toBe(
      'amends-fix-meeting-42-3.ics',
    );
  });

  it.each([
    ['T0TEAM001', 7, 'meeting', 'amends-case-T0TEAM001-7@amends'],
    ['T0TEAM001', 7, 'fix', 'amends-case-T0TEAM001-7-fix@amends'],
    ['E0 ORG/1', 7, 'meeting', 'amends-case-E0_ORG_1-7@amends'],
  ] as const)('inviteUid(%j, %j, %j) → %s', (team, id, kind, uid) => {
    expect(inviteUid(team, id, kind)).toBe(uid);
  });
});

describe('the Google Calendar link', () => {
  it('carries each of the meeting’s fields, encoded to decode back exactly', () => {
    const { googleUrl } = buildInvite(
      input({ title: TRICKY_TITLE, description: TRICKY_DESCRIPTION }),
    );
    expect(
      googleUrl.startsWith('https://calendar.google.com/calendar/render?action=TEMPLATE&'),
    ).toBe(true);
    expect(googleUrl).toContain('&dates=20260330T080000Z/20260330T090000Z&');
    // Nothing that needs encoding is left raw.
    expect(googleUrl).not.toMatch(/[\s,;🎉]/u);
    const q = new URL(googleUrl).searchParams;
    expect(q.get('action')).toBe('TEMPLATE');
    expect(q.get('text')).toBe(TRICKY_TITLE);
    expect(q.get('details')).toBe(TRICKY_DESCRIPTION);
    expect(q.get('dates')).toBe('20260330T080000Z/20260330T090000Z');
    expect(q.get('ctz')).toBe(ROME);
  });

  it.each([
    [ROME, '2026-03-27T09:00:00Z', '20260327T090000Z/20260327T100000Z'],
    [ROME, '2026-03-30T08:00:00Z', '20260330T080000Z/20260330T090000Z'],
    [NY, '2026-03-06T15:00:00Z', '20260306T150000Z/20260306T160000Z'],
    [NY, '2026-03-09T14:00:00Z', '20260309T140000Z/20260309T150000Z'],
  ])('%s %s → dates %s', (tz, at, dates) => {
    const q = new URL(buildInvite(input({ tz, start: new Date(at) })).googleUrl).searchParams;
    expect(q.get('dates')).toBe(dates);
    expect(q.get('ctz')).toBe(tz);
  });

  it.each([
    ['emoji', '😀🙏🇬🇷'.repeat(400)],
    ['Greek', 'Ζητούμε συγγνώμη. '.repeat(200)],
    ['Catalan', 'Ho sentim molt, l·l à è ç. '.repeat(200)],
    ['ASCII', 'sorry, again; '.repeat(400)],
  ])('clips long %s details under the limit without splitting a character', (_name, long) => {
    const { googleUrl } = buildInvite(input({ description: long }));
    expect(googleUrl.length).toBeLessThanOrEqual(GOOGLE_URL_MAX);
    expect(googleUrl.length).toBeGreaterThan(GOOGLE_URL_MAX - 20);
    const details = new URL(googleUrl).searchParams.get('details') ?? '';
    // The link holds whole characters: its encoded details decode strictly (a %-sequence cut in
    // half throws here, where URLSearchParams would quietly turn it into U+FFFD).
    const encoded = /[?&]details=([^&]*)/.exec(googleUrl)?.[1] ?? '';
    expect(decodeURIComponent(encoded)).toBe(details);
    expect(details.endsWith('…')).toBe(true);
    const kept = details.slice(0, -1);
    expect(kept.length).toBeGreaterThan(0);
    expect(long.startsWith(kept)).toBe(true);
    // The .ics keeps the whole text.
    expect(parse(buildInvite(input({ description: long })).ics).event.description).toBe(
      long.trim(),
    );
  });

  const longTitle = () =>
    buildInvite(input({ title: '🎉'.repeat(500), description: 'Short.' })).googleUrl;

  it('clips a very long title too', () => {
    const googleUrl = longTitle();
    expect(googleUrl.length).toBeLessThanOrEqual(GOOGLE_URL_MAX);
    expect(new URL(googleUrl).searchParams.get('text')?.endsWith('…')).toBe(true);
  });

  it('a clipped title still leaves room for the details', () => {
    const q = new URL(longTitle()).searchParams;
    expect(q.get('details')).toBe('Short.');
    expect(q.get('dates')).toBe('20260330T080000Z/20260330T090000Z');
  });
});

describe('VTIMEZONE', () => {
  const ZONES = [
    ROME,
    NY,
    'Australia/Sydney',
    'Australia/Lord_Howe',
    'America/St_Johns',
    'America/Santiago',
    'Asia/Kolkata',
    'Asia/Jerusalem',
    'Africa/Casablanca',
    'Pacific/Chatham',
  ];

  /** Our VTIMEZONE for `tz`, as an ical.js zone. */
  function icalZone(tz: string): ICAL.Timezone {
    const calendar = new ICAL.Component(
      ICAL.parse(`BEGIN:VCALENDAR\r\nVERSION:2.0\r\n${vtimezone(tz, 2025, 2028)}END:VCALENDAR\r\n`),
    );
    const vtz = calendar.getFirstSubcomponent('vtimezone');
    if (!vtz) throw new Error('no VTIMEZONE');
    return new ICAL.Timezone(vtz);
  }

  it.each([
    [ROME, ['FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU', 'FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU']],
    [NY, ['FREQ=YEARLY;BYMONTH=3;BYDAY=2SU', 'FREQ=YEARLY;BYMONTH=11;BYDAY=1SU']],
    ['Australia/Sydney', ['FREQ=YEARLY;BYMONTH=4;BYDAY=1SU', 'FREQ=YEARLY;BYMONTH=10;BYDAY=1SU']],
  ])('%s follows yearly rules, written as RRULEs', (tz, rules) => {
    const block = vtimezone(tz, 2025, 2028);
    expect(block.match(/RRULE:[^\r]+/g)?.map((r) => r.slice(6))).toEqual(rules);
    expect(block.match(/BEGIN:STANDARD/g)).toHaveLength(1);
    expect(block.match(/BEGIN:DAYLIGHT/g)).toHaveLength(1);
  });

  it('Rome: CEST (+0200) begins at 02:00 local', () => {
    expect(vtimezone(ROME, 2025, 2028)).toContain(
      'BEGIN:DAYLIGHT\r\nDTSTART:20250330T020000\r\nTZOFFSETFROM:+0100\r\nTZOFFSETTO:+0200\r\n',
    );
  });

  it('Rome: CET (+0100) returns at 03:00 local', () => {
    expect(vtimezone(ROME, 2025, 2028)).toContain(
      'BEGIN:STANDARD\r\nDTSTART:20251026T030000\r\nTZOFFSETFROM:+0200\r\nTZOFFSETTO:+0100\r\n',
    );
  });

  it('a zone without changes has one STANDARD', () => {
    const block = vtimezone('Asia/Tokyo', 2025, 2028);
    expect(block.match(/BEGIN:(STANDARD|DAYLIGHT)/g)).toEqual(['BEGIN:STANDARD']);
    expect(block).toContain('TZOFFSETFROM:+0900\r\nTZOFFSETTO:+0900');
  });

  it('a zone whose changes follow no weekday rule (Morocco, Ramadan) gets dated observances', () => {
    const block = vtimezone('Africa/Casablanca', 2025, 2028);
    expect(block).not.toContain('RRULE');
    expect(block.match(/BEGIN:(STANDARD|DAYLIGHT)/g)?.length).toBeGreaterThan(2);
  });

  // The instants where the runtime's IANA data changes offset in 2026, found from Intl alone.
  function intlChanges(tz: string): number[] {
    const out: number[] = [];
    const to = Date.UTC(2027, 0, 1);
    for (let t = Date.UTC(2026, 0, 1); t < to; t += 3_600_000) {
      const before = offsetOf(t, tz);
      if (offsetOf(t + 3_600_000, tz) === before) continue;
      let [a, b] = [t, t + 3_600_000];
      while (b - a > 60_000) {
        const mid = a + Math.floor((b - a) / 120_000) * 60_000;
        if (offsetOf(mid, tz) === before) a = mid;
        else b = mid;
      }
      out.push(b);
    }
    return out;
  }

  // What ical.js makes of our VTIMEZONE must be the IANA data: the same changes at the same
  // instants (this sees an onset written an hour late, which reading wall-clock times cannot).
  it.each(ZONES)('%s: ical.js expands it to exactly the changes of 2026', (tz) => {
    const zone = icalZone(tz);
    zone.utcOffset(ICAL.Time.fromData({ year: 2027, month: 6, day: 1 }));
    const changes = zone.changes
      .filter((c: { utcOffset: number; prevUtcOffset: number }) => c.utcOffset !== c.prevUtcOffset)
      .map((c: Record<string, number>) =>
        Date.UTC(c.year ?? 0, (c.month ?? 1) - 1, c.day, c.hour, c.minute, c.second),
      )
      .filter((t: number) => t >= Date.UTC(2026, 0, 1) && t < Date.UTC(2027, 0, 1));
    const want = intlChanges(tz);
    if (tz !== 'Asia/Kolkata') expect(want.length).toBeGreaterThanOrEqual(2);
    expect(changes.map((t: number) => new Date(t).toISOString())).toEqual(
      want.map((t) => new Date(t).toISOString()),
    );
  });

  // Reading a wall-clock time in the zone (what a calendar does with DTSTART;TZID=…) must give
  // the instant the runtime's IANA data gives: every 5 hours through 2026, and each minute
  // around every change. (A time a fall-back repeats may be read as either pass: invites never
  // use one, see above.)
  it.each(ZONES)('%s: ical.js reads every wall-clock time of 2026 as the right instant', (tz) => {
    const zone = icalZone(tz);
    const instants: number[] = [];
    const from = Date.UTC(2026, 0, 1);
    const to = Date.UTC(2027, 0, 1);
    for (let t = from; t < to; t += 5 * 3_600_000) instants.push(t);
    let changes = 0;
    let prev = offsetOf(from, tz);
    for (let t = from; t < to; t += 3_600_000) {
      const off = offsetOf(t, tz);
      if (off !== prev) {
        changes++;
        for (let d = -150; d <= 90; d += 1) instants.push(t + d * 60_000);
      }
      prev = off;
    }
    if (tz !== 'Asia/Kolkata') expect(changes).toBeGreaterThanOrEqual(2);
    const passes = new Map<string, number[]>();
    for (const t of instants) {
      const w = wall(new Date(t), tz);
      passes.set(w, [...(passes.get(w) ?? []), t]);
    }
    const misses: string[] = [];
    for (const [w, ts] of passes) {
      const local = ICAL.Time.fromDateTimeString(w);
      local.zone = zone;
      const got = local.toJSDate().getTime();
      if (!ts.includes(got)) misses.push(`${w}: ${new Date(got).toISOString()} ∉ ${ts.join()}`);
    }
    expect(misses.slice(0, 5)).toEqual([]);
  });

  it('each invite in these zones round-trips its instant through ical.js, whatever the month', () => {
    const zones = [ROME, NY, 'Australia/Sydney', 'America/St_Johns', 'Asia/Jerusalem'];
    for (const tz of zones) {
      for (let month = 0; month < 12; month++) {
        const start = new Date(Date.UTC(2026, month, 14, 13, 45));
        ICAL.TimezoneService.reset();
        const { event } = parse(buildInvite(input({ tz, start, durationMinutes: 45 })).ics);
        expect(event.startDate.zone?.tzid).toBe(tz);
        expect(event.startDate.toJSDate().getTime(), `${tz} ${start.toISOString()}`).toBe(
          start.getTime(),
        );
        expect(event.endDate.toJSDate().getTime()).toBe(start.getTime() + 45 * 60_000);
      }
    }
  });
});

describe('input checks', () => {
  it.each([
    ['an unknown zone', { tz: 'Mars/Olympus' }, 'invite_tz'],
    ['a negative sequence', { sequence: -1 }, 'invite_sequence'],
    ['a fractional sequence', { sequence: 1.5 }, 'invite_sequence'],
    ['no duration', { durationMinutes: 0 }, 'invite_duration'],
    ['a day-long duration and more', { durationMinutes: 24 * 60 + 1 }, 'invite_duration'],
    ['an invalid start', { start: new Date('nope') }, 'invite_start'],
    ['an empty title', { title: ' \n ' }, 'invite_title'],
    ['no case id', { caseId: 0 }, 'invite_case'],
    [
      'a bad organizer email',
      { organizer: { name: 'A', email: 'not an email' } },
      'invite_organizer',
    ],
  ] as const)('rejects %s', (_name, o, detail) => {
    const e = domainError(() => buildInvite(input(o as Partial<InviteInput>)));
    expect(e.code).toBe('invalid_input');
    expect(e.detail).toBe(detail);
  });
});

describe('caseInvite', () => {
  const PB = DEFAULT_PLAYBOOK;
  const opened = openCase(openInput({ tz: NY }), PB, NOW).case;
  const withId = { ...opened, id: 9 };

  it('is null until the meeting has a time', () => {
    expect(caseInvite(withId, { title: 'Meeting', sequence: 0, now: NOW })).toBeNull();
  });

  /** The case with its meeting time set and its outline written. */
  function outlined() {
    const meetingAt = new Date('2026-03-09T14:00:00Z');
    let c = recordMeeting(withId, meetingAt, 'U0OWNER01', PB, NOW).case;
    c = saveOutline(
      c,
      {
        happened: 'Wrong pallets went out.',
        why: 'A label swap.',
        prevention: 'Two-person check.',
        summary: 'We shipped the wrong pallets. It will not happen again.',
      },
      'U0OWNER01',
      NOW,
    ).case;
    const inv = caseInvite(c, { title: 'Meeting with Acme', sequence: 2, now: NOW });
    if (!inv) throw new Error('no invite');
    return inv;
  }

  it('takes the case’s ids, zone, meeting time, with the outline summary as description', () => {
    const { event } = parse(outlined().ics);
    expect(event.uid).toBe('amends-case-T0TEAM001-9@amends');
    expect(event.sequence).toBe(2);
    expect(event.description).toBe('We shipped the wrong pallets. It will not happen again.');
    expect(event.startDate.zone?.tzid).toBe(NY);
    expect(event.startDate.toJSDate().toISOString()).toBe('2026-03-09T14:00:00.000Z');
  });

  it('leaves out the team’s internal account of what happened', () => {
    // The case's own summary is the team's internal account: it never goes to the client.
    expect(outlined().ics).not.toContain('Wrong pallets');
  });

  it('the fix meeting needs its own time', () => {
    const c = recordMeeting(withId, new Date('2026-03-09T14:00:00Z'), 'U0OWNER01', PB, NOW).case;
    expect(caseInvite(c, { title: 'Fix', sequence: 0, now: NOW, kind: 'fix' })).toBeNull();
    const fix = caseInvite(c, {
      title: 'Fix',
      description: 'Here is the fix.',
      sequence: 0,
      now: NOW,
      kind: 'fix',
      at: new Date('2026-04-01T14:00:00Z'),
    });
    expect(fix?.uid).toBe('amends-case-T0TEAM001-9-fix@amends');
  });
});
