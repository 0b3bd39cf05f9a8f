/**
 * A real meeting invite for a case: an iCalendar file (RFC 5545) the owner can forward, and a
 * Google Calendar link. Pure: time is an argument (`now` becomes DTSTAMP) and nothing is sent;
 * the caller uploads `ics` (files.uploadV2) and posts `googleUrl`.
 *
 * Times are written in the owner's zone (DTSTART;TZID=…) with that zone's VTIMEZONE, which is
 * computed here from the runtime's IANA data (Intl, through @date-fns/tz): see `vtimezone`.
 */
import { createRequire } from 'node:module';
import { TZDate, tzOffset } from '@date-fns/tz';
import type * as IcalGenerator from 'ical-generator';
import { DomainError } from './errors.js';
import type { RecoveryCase } from './recoveryCase.js';
import { isValidTimeZone } from './workingTime.js';

/** The meeting the case books, or the optional later one where the team shows the fix. */
export type MeetingKind = 'meeting' | 'fix';

export interface InviteInput {
  readonly teamId: string;
  readonly caseId: number;
  /** Which of the case's meetings: each has its own stable UID. Default 'meeting'. */
  readonly kind?: MeetingKind;
  readonly start: Date;
  /** The zone the times are written in: the client's when known, else the owner's (case `tz`). */
  readonly tz: string;
  /** Where the meeting is (LOCATION), or none. */
  readonly location?: string | null;
  /** Default 60. */
  readonly durationMinutes?: number;
  /** 0 for the first invite; one more every time the meeting moves (same UID, higher SEQUENCE). */
  readonly sequence: number;
  /** The event's title, already in the case's language. */
  readonly title: string;
  /** The event's description (the outline's two-sentence summary), already in the case's language. */
  readonly description: string;
  /** When the invite is made: DTSTAMP. */
  readonly now: Date;
  /** Written as ORGANIZER when known (RFC 5546 wants one in a PUBLISH; clients accept none). */
  readonly organizer?: { readonly name: string; readonly email: string };
  /**
   * The meeting is off: the same event (same UID) with STATUS:CANCELLED at a higher SEQUENCE, which
   * a calendar that has the invite applies over it.
   */
  readonly cancelled?: boolean;
}

export interface Invite {
  readonly uid: string;
  /** ASCII file name for the upload, e.g. `amends-meeting-42-2.ics` (case 42, sequence 2). */
  readonly filename: string;
  /** The iCalendar object, CRLF line endings, folded at 75 octets. */
  readonly ics: string;
  readonly googleUrl: string;
}

export const DEFAULT_MEETING_MINUTES = 60;
/**
 * PUBLISH, not REQUEST: a REQUEST is an iTIP scheduling message that needs an ORGANIZER whose
 * mailbox receives the replies and the ATTENDEEs being asked, which Amends does not have. The
 * owner forwards the file; a PUBLISH is added to the recipient's calendar as it is, and a later
 * one with the same UID and a higher SEQUENCE replaces it.
 */
export const INVITE_METHOD = 'PUBLISH' as IcalGenerator.ICalCalendarMethod.PUBLISH;

/**
 * ical-generator, loaded by the first invite built (Node keeps it after that): most processes build
 * none for a long while, and loading it is a few milliseconds of every start-up.
 */
const icalGenerator = () =>
  createRequire(import.meta.url)('ical-generator') as typeof IcalGenerator;

/** Google's render links stop working somewhere past 2,000 characters in some browsers. */
export const GOOGLE_URL_MAX = 2000;
const PROD_ID = { company: 'Amends', product: 'Amends', language: 'EN' } as const;
const MAX_MEETING_MINUTES = 24 * 60;
const MINUTE = 60_000;
const TZID_SAFE = /^[A-Za-z0-9_/+-]+$/;
const DAY = 24 * 60 * MINUTE;

/** Stable per case and meeting: a moved meeting keeps it, so calendars update the event. */
export function inviteUid(teamId: string, caseId: number, kind: MeetingKind = 'meeting'): string {
  const team = teamId.replace(/[^A-Za-z0-9_-]/g, '_');
  return `amends-case-${team}-${caseId}${kind === 'fix' ? '-fix' : ''}@amends`;
}

export function buildInvite(input: InviteInput): Invite {
  const kind = input.kind ?? 'meeting';
  const minutes = input.durationMinutes ?? DEFAULT_MEETING_MINUTES;
  check(Number.isSafeInteger(input.caseId) && input.caseId > 0, 'invite_case');
  check(isValidTimeZone(input.tz), 'invite_tz');
  check(!Number.isNaN(input.start.getTime()), 'invite_start');
  check(!Number.isNaN(input.now.getTime()), 'invite_now');
  check(Number.isSafeInteger(input.sequence) && input.sequence >= 0, 'invite_sequence');
  check(
    Number.isInteger(minutes) && minutes > 0 && minutes <= MAX_MEETING_MINUTES,
    'invite_duration',
  );
  const title = cleanText(input.title).trim();
  const description = cleanText(input.description).trim();
  const location = cleanText(input.location ?? '')
    .replace(/\s+/g, ' ')
    .trim();
  check(title.length > 0, 'invite_title');

  const tz = canonicalZone(input.tz);
  const start = input.start;
  const end = new Date(start.getTime() + minutes * MINUTE);
  const uid = inviteUid(input.teamId, input.caseId, kind);
  // A wall-clock time the fall-back repeats is read as its first pass by RFC 5545 (3.3.5) and
  // as its second by some parsers (ical.js): a meeting touching that hour is written in UTC, as
  // is one in a zone whose name a TZID parameter cannot carry bare (an offset like "+02:00").
  const zoned =
    tz !== 'UTC' &&
    TZID_SAFE.test(tz) &&
    !isAmbiguousWallTime(start, tz) &&
    !isAmbiguousWallTime(end, tz);

  const { ICalCalendar, ICalEventStatus } = icalGenerator();
  const cal = new ICalCalendar({ prodId: PROD_ID, method: INVITE_METHOD });
  if (zoned) {
    // No calendar-wide name: with one ical-generator would write DTSTAMP as local time.
    const block = vtimezone(tz, start.getUTCFullYear() - 1, end.getUTCFullYear() + 2);
    cal.timezone({ name: null, generator: (name) => (name === tz ? block : null) });
  }
  const organizer = input.organizer ? cleanOrganizer(input.organizer) : null;
  cal.createEvent({
    id: uid,
    sequence: input.sequence,
    stamp: input.now,
    // ical-generator writes a TZDate's wall-clock time in the event's zone.
    start: zoned ? new TZDate(start.getTime(), tz) : start,
    end: zoned ? new TZDate(end.getTime(), tz) : end,
    timezone: zoned ? tz : null,
    summary: title,
    description: description ? { plain: description } : null,
    ...(location ? { location } : {}),
    status: input.cancelled ? ICalEventStatus.CANCELLED : ICalEventStatus.CONFIRMED,
    ...(organizer ? { organizer } : {}),
  });
  return {
    uid,
    // The SEQUENCE in the name: each version of the invite has its own file, found again by name.
    filename: `amends-${kind === 'fix' ? 'fix-meeting' : 'meeting'}-${input.caseId}-${input.sequence}${input.cancelled ? '-cancelled' : ''}.ics`,
    ics: cal.toString(),
    googleUrl: googleCalendarUrl({ title, description, start, end, tz, location }),
  };
}

/**
 * The invite for one of a case's meetings: the first meeting at the case's `meetingAt` (or
 * `at`), the fix meeting at `at`; null when there is no time yet. The description defaults to
 * the outline's summary (never the case's own summary: that is the team's internal account).
 */
export function caseInvite(
  c: RecoveryCase,
  opts: {
    readonly title: string;
    readonly description?: string;
    readonly sequence: number;
    readonly now: Date;
    readonly kind?: MeetingKind;
    readonly at?: Date;
    readonly durationMinutes?: number;
    readonly organizer?: InviteInput['organizer'];
    /** The zone to write the times in (the client's); default the case's. */
    readonly tz?: string;
    readonly location?: string | null;
    readonly cancelled?: boolean;
  },
): Invite | null {
  const kind = opts.kind ?? 'meeting';
  const start = opts.at ?? (kind === 'meeting' ? c.meetingAt : null);
  if (!start) return null;
  return buildInvite({
    teamId: c.teamId,
    caseId: c.id,
    kind,
    start,
    tz: opts.tz ?? c.tz,
    ...(opts.location ? { location: opts.location } : {}),
    sequence: opts.sequence,
    title: opts.title,
    description: opts.description ?? c.outline?.summary ?? '',
    now: opts.now,
    ...(opts.durationMinutes !== undefined ? { durationMinutes: opts.durationMinutes } : {}),
    ...(opts.organizer ? { organizer: opts.organizer } : {}),
    ...(opts.cancelled ? { cancelled: true } : {}),
  });
}

// ---------------------------------------------------------------------------------------------
// Google Calendar link

export function googleCalendarUrl(e: {
  readonly title: string;
  readonly description: string;
  readonly start: Date;
  readonly end: Date;
  readonly tz: string;
  readonly location?: string;
}): string {
  const head = 'https://calendar.google.com/calendar/render?action=TEMPLATE&text=';
  const dates = `&dates=${utcStamp(e.start)}/${utcStamp(e.end)}`;
  const where = e.location ? `&location=${clipEncoded(e.location, 400)}` : '';
  const ctz = `${where}&ctz=${encodeURIComponent(e.tz)}`;
  const detailsKey = '&details=';
  const room = GOOGLE_URL_MAX - head.length - dates.length - ctz.length;
  // The title keeps what it needs, within reason; the details get the rest.
  const text = clipEncoded(e.title, Math.min(encodedLength(e.title), room - 300));
  const left = room - text.length - detailsKey.length;
  const details = e.description ? clipEncoded(e.description, left) : '';
  return `${head}${text}${dates}${details ? `${detailsKey}${details}` : ''}${ctz}`;
}

const ELLIPSIS = '…';

const graphemes = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

/**
 * `s` URL-encoded, clipped a whole grapheme at a time to `max` characters: never half an emoji,
 * a flag (two code points) or a letter with its accent.
 */
export function clipEncoded(s: string, max: number): string {
  const whole = encodeURIComponent(s);
  if (whole.length <= max) return whole;
  const mark = encodeURIComponent(ELLIPSIS);
  let out = '';
  for (const { segment: ch } of graphemes.segment(s)) {
    const piece = encodeURIComponent(ch);
    if (out.length + piece.length + mark.length > max) break;
    out += piece;
  }
  return out.length ? out + mark : '';
}

const encodedLength = (s: string): number => encodeURIComponent(s).length;

function utcStamp(d: Date): string {
  return d
    .toISOString()
    .replace(/\.\d{3}Z$/, 'Z')
    .replace(/[-:]/g, '');
}

// ---------------------------------------------------------------------------------------------
// VTIMEZONE

interface Transition {
  /** The instant of the change. */
  readonly at: number;
  /** UTC offsets before and after, in minutes. */
  readonly from: number;
  readonly to: number;
}

const vtimezoneMemo = new Map<string, string>();

/**
 * The VTIMEZONE for `tz` that is exact for every instant from the start of `fromYear` to the
 * end of `toYear` (UTC years), from the offsets the runtime's IANA data gives.
 *
 * When the zone changes twice a year by a rule iCalendar can say (the nth or last weekday of a
 * month, at one local time) through the whole span, it is written the way calendar programs
 * write it themselves: one STANDARD and one DAYLIGHT with a yearly RRULE (Outlook relies on
 * that shape). Otherwise each change in the span is its own dated observance, preceded by the
 * offset in force at the start; a zone without changes gets a single STANDARD.
 */
export function vtimezone(tz: string, fromYear: number, toYear: number): string {
  const key = `${tz}|${fromYear}|${toYear}`;
  const hit = vtimezoneMemo.get(key);
  if (hit !== undefined) return hit;
  const from = Date.UTC(fromYear, 0, 1);
  const to = Date.UTC(toYear + 1, 0, 1);
  const changes = transitions(tz, from, to);
  const body =
    yearlyRules(changes, fromYear, toYear) ??
    datedObservances(changes, from, offsetAt(tz, from)).join('');
  const block = `BEGIN:VTIMEZONE\r\nTZID:${tz}\r\nX-LIC-LOCATION:${tz}\r\n${body}END:VTIMEZONE\r\n`;
  vtimezoneMemo.set(key, block);
  return block;
}

function offsetAt(tz: string, t: number): number {
  return tzOffset(tz, new Date(t));
}

/** Every change of UTC offset in [from, to), to the minute. */
function transitions(tz: string, from: number, to: number): Transition[] {
  const out: Transition[] = [];
  let lo = from;
  let before = offsetAt(tz, lo);
  for (let hi = from + DAY; lo < to; hi += DAY) {
    const after = offsetAt(tz, hi);
    if (after !== before) {
      // The change lies in (lo, hi]: halve to the first minute with a different offset.
      let a = lo;
      let b = hi;
      while (b - a > MINUTE) {
        const mid = a + Math.floor((b - a) / 2 / MINUTE) * MINUTE;
        if (offsetAt(tz, mid) === before) a = mid;
        else b = mid;
      }
      const next = offsetAt(tz, b);
      if (b < to) out.push({ at: b, from: before, to: next });
      before = next;
      // A second change within the same day is found from here.
      lo = b;
      hi = b;
      continue;
    }
    lo = hi;
  }
  return out;
}

/** The local time an observance starts, read in the offset in force before it (RFC 5545). */
function wallBefore(t: Transition): Date {
  return new Date(t.at + t.from * MINUTE);
}

function observance(
  kind: 'STANDARD' | 'DAYLIGHT',
  start: Date,
  from: number,
  to: number,
  rrule?: string,
): string {
  return (
    `BEGIN:${kind}\r\nDTSTART:${localStamp(start)}\r\n` +
    `TZOFFSETFROM:${formatOffset(from)}\r\nTZOFFSETTO:${formatOffset(to)}\r\n` +
    (rrule ? `RRULE:${rrule}\r\n` : '') +
    `END:${kind}\r\n`
  );
}

const WEEKDAYS = ['SU', 'MO', 'TU', 'WE', 'TH', 'FR', 'SA'] as const;

/** Both yearly changes as RRULE observances, or null when the span does not follow such rules. */
function yearlyRules(
  changes: readonly Transition[],
  fromYear: number,
  toYear: number,
): string | null {
  if (changes.length === 0) return null;
  const groups = new Map<string, Transition[]>();
  for (const t of changes) {
    const k = `${t.from}>${t.to}`;
    groups.set(k, [...(groups.get(k) ?? []), t]);
  }
  if (groups.size !== 2) return null;
  const years = toYear - fromYear + 1;
  const parts: string[] = [];
  for (const group of groups.values()) {
    const first = group[0];
    if (!first || group.length !== years) return null;
    const walls = group.map(wallBefore);
    if (new Set(walls.map((w) => w.getUTCFullYear())).size !== years) return null;
    const rule = commonRule(walls);
    if (!rule) return null;
    const kind = first.to > first.from ? 'DAYLIGHT' : 'STANDARD';
    parts.push(observance(kind, wallBefore(first), first.from, first.to, rule));
  }
  const [a, b] = [...groups.values()];
  if (a?.[0]?.from !== b?.[0]?.to || a?.[0]?.to !== b?.[0]?.from) return null;
  return parts.join('');
}

/** A yearly RRULE that yields exactly these local times (one a year), or null. */
function commonRule(walls: readonly Date[]): string | null {
  const sig = (w: Date) =>
    `${w.getUTCMonth()}|${w.getUTCDay()}|${w.getUTCHours()}:${w.getUTCMinutes()}:${w.getUTCSeconds()}`;
  const first = walls[0];
  if (!first || !walls.every((w) => sig(w) === sig(first))) return null;
  const month = first.getUTCMonth() + 1;
  const day = WEEKDAYS[first.getUTCDay()];
  const isLast = (w: Date) => w.getUTCDate() + 7 > daysInMonth(w);
  const nth = (w: Date) => Math.ceil(w.getUTCDate() / 7);
  // "Last" first: it is the common rule, and the 4th weekday can also be the last one.
  if (walls.every(isLast)) return `FREQ=YEARLY;BYMONTH=${month};BYDAY=-1${day}`;
  const n = nth(first);
  if (n <= 4 && walls.every((w) => nth(w) === n))
    return `FREQ=YEARLY;BYMONTH=${month};BYDAY=${n}${day}`;
  return null;
}

function daysInMonth(w: Date): number {
  return new Date(Date.UTC(w.getUTCFullYear(), w.getUTCMonth() + 1, 0)).getUTCDate();
}

function datedObservances(changes: readonly Transition[], from: number, initial: number): string[] {
  const next = changes[0];
  const initialKind = next && next.to < next.from ? 'DAYLIGHT' : 'STANDARD';
  return [
    observance(initialKind, new Date(from + initial * MINUTE), initial, initial),
    ...changes.map((t) =>
      observance(t.to > t.from ? 'DAYLIGHT' : 'STANDARD', wallBefore(t), t.from, t.to),
    ),
  ];
}

/** A Date whose UTC fields are a wall-clock time, as iCalendar's floating form. */
function localStamp(wall: Date): string {
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  return (
    `${p(wall.getUTCFullYear(), 4)}${p(wall.getUTCMonth() + 1)}${p(wall.getUTCDate())}` +
    `T${p(wall.getUTCHours())}${p(wall.getUTCMinutes())}${p(wall.getUTCSeconds())}`
  );
}

/** ±HHMM (±HHMMSS when the offset has seconds), as TZOFFSETFROM/TO want it. */
function formatOffset(minutes: number): string {
  const total = Math.round(Math.abs(minutes) * 60);
  const sign = minutes < 0 ? '-' : '+';
  const p = (n: number) => String(n).padStart(2, '0');
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  return `${sign}${p(h)}${p(m)}${s ? p(s) : ''}`;
}

/** True when the wall-clock time of `t` in `tz` happens twice (the hour a fall-back repeats). */
function isAmbiguousWallTime(t: Date, tz: string): boolean {
  const at = t.getTime();
  const own = offsetAt(tz, at);
  for (const other of [offsetAt(tz, at - DAY), offsetAt(tz, at + DAY)]) {
    if (other === own) continue;
    // The instant that shows the same wall-clock time under the other offset.
    const twin = at + (own - other) * MINUTE;
    if (offsetAt(tz, twin) === other) return true;
  }
  return false;
}

/** The runtime's own spelling of the zone ("europe/rome" → "Europe/Rome"). */
function canonicalZone(tz: string): string {
  const name = new Intl.DateTimeFormat('en-US', { timeZone: tz }).resolvedOptions().timeZone;
  return name === 'Etc/UTC' || name === 'Etc/GMT' ? 'UTC' : name;
}

// ---------------------------------------------------------------------------------------------
// Text

/**
 * What iCalendar TEXT and a URL can carry: control characters (other than tab and line breaks)
 * are dropped, and a lone surrogate becomes U+FFFD (encodeURIComponent throws on one).
 */
function cleanText(s: string): string {
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        out += String.fromCharCode(c, d);
        i++;
      } else out += '\ufffd';
    } else if (c >= 0xdc00 && c <= 0xdfff) out += '\ufffd';
    else if ((c < 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d) || c === 0x7f) continue;
    else out += String.fromCharCode(c);
  }
  return out;
}

/** CN is a quoted parameter: it cannot hold a double quote or a line break. */
function cleanOrganizer(o: { readonly name: string; readonly email: string }): {
  name: string;
  email: string;
} {
  const email = o.email.trim();
  check(/^[^\s@<>"();:,]+@[^\s@<>"();:,]+$/.test(email), 'invite_organizer');
  const name = cleanText(o.name).replace(/["\\]/g, '').replace(/\s+/g, ' ').trim();
  return { name: name || email, email };
}

function check(ok: boolean, detail: string): void {
  if (!ok) throw new DomainError('invalid_input', detail);
}
