import { TZDate } from '@date-fns/tz';

/**
 * Whether a local calendar date ("2026-12-25") is a holiday. It is data to the domain: built at
 * composition (the workspace's public holidays and the playbook's own dates), asked in the zone
 * whose working hours are being counted, and it must answer the same for the same date every time.
 */
export type HolidayCalendar = (localDate: string) => boolean;

/** Working hours in a person's own time zone. Days are ISO weekdays: 1 = Monday … 7 = Sunday. */
export interface WorkingHours {
  readonly start: string; // "09:00"
  readonly end: string; // "18:00"
  readonly days: readonly number[];
  /** Dates with no working time at all, whatever their weekday; none when absent. */
  readonly holidays?: HolidayCalendar;
}

/**
 * How far the working-time functions look for a working day: a year, so that a long closure
 * (a holiday calendar plus a playbook's extra dates, on a team working one day a week) is crossed,
 * while hours that leave no working day at all still end in an error instead of a hang.
 */
const SCAN_DAYS = 366;

export const DEFAULT_WORKING_HOURS: WorkingHours = {
  start: '09:00',
  end: '18:00',
  days: [1, 2, 3, 4, 5],
};

const HHMM = /^([01]\d|2[0-3]):([0-5]\d)$/;

export function parseHHMM(s: string): { h: number; m: number } | null {
  const m = HHMM.exec(s);
  return m ? { h: Number(m[1]), m: Number(m[2]) } : null;
}

function minutesOf(s: string): number {
  const p = parseHHMM(s);
  if (!p) throw new Error(`bad time "${s}"`);
  return p.h * 60 + p.m;
}

function isoWeekday(d: TZDate): number {
  const w = d.getDay();
  return w === 0 ? 7 : w;
}

/**
 * Working-time arithmetic asks the same few questions over and over (which local day is this
 * instant, what is that day's window), and each answer costs several Intl calls through TZDate.
 * Both are pure functions of their inputs, so they are memoised (bounded; cleared when full).
 */
const MEMO_LIMIT = 50_000;
function remember<V>(memo: Map<string, V>, key: string, value: V): V {
  if (memo.size >= MEMO_LIMIT) memo.clear();
  memo.set(key, value);
  return value;
}

const DAY_MS = 86_400_000;
const localMemo = new Map<string, { day: number; minute: number }>();
/**
 * The local calendar day of `t` in `tz` (days since 1970-01-01) and the local minute of that day.
 * UTC offsets and their changes fall on whole minutes, so both are the same for every instant of
 * one UTC minute.
 */
function local(t: number, tz: string): { day: number; minute: number } {
  const key = `${tz}|${Math.floor(t / 60_000)}`;
  const hit = localMemo.get(key);
  if (hit !== undefined) return hit;
  const l = new TZDate(t, tz);
  return remember(localMemo, key, {
    day: Math.round(Date.UTC(l.getFullYear(), l.getMonth(), l.getDate()) / DAY_MS),
    minute: l.getHours() * 60 + l.getMinutes(),
  });
}

const instantMemo = new Map<string, number>();
/** The instant of local wall-clock `minute` on local day `day` in `tz` (TZDate's reading of DST gaps). */
function instantOf(day: number, minute: number, tz: string): number {
  const key = `${tz}|${day}|${minute}`;
  const hit = instantMemo.get(key);
  if (hit !== undefined) return hit;
  const u = new Date(day * DAY_MS);
  const at = new TZDate(
    u.getUTCFullYear(),
    u.getUTCMonth(),
    u.getUTCDate(),
    Math.floor(minute / 60),
    minute % 60,
    0,
    tz,
  );
  return remember(instantMemo, key, at.getTime());
}

const calendarIds = new WeakMap<HolidayCalendar, number>();
let calendarIdNext = 1;
/** Two calendars are told apart by identity: the memo below must not mix their answers. */
function calendarId(cal: HolidayCalendar | undefined): number {
  if (!cal) return 0;
  let id = calendarIds.get(cal);
  if (id === undefined) {
    id = calendarIdNext++;
    calendarIds.set(cal, id);
  }
  return id;
}

const hoursKeys = new WeakMap<WorkingHours, string>();
function hoursKey(wh: WorkingHours): string {
  let k = hoursKeys.get(wh);
  if (k === undefined) {
    k = `${wh.start}-${wh.end}-${wh.days.join(',')}-${calendarId(wh.holidays)}`;
    hoursKeys.set(wh, k);
  }
  return k;
}

/** Local calendar day `day` (days since 1970-01-01) as "yyyy-mm-dd". */
function isoDate(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

const windowMemo = new Map<string, { start: number; end: number } | null>();
/** The working window of local calendar day `day` (days since 1970-01-01), or null if not a working day (a weekend, a holiday). */
function windowOfDay(
  day: number,
  wh: WorkingHours,
  tz: string,
): { start: number; end: number } | null {
  const key = `${tz}|${hoursKey(wh)}|${day}`;
  const hit = windowMemo.get(key);
  if (hit !== undefined) return hit;
  // A calendar date's weekday does not depend on the zone.
  const weekday = new Date(day * DAY_MS).getUTCDay() || 7;
  if (!wh.days.includes(weekday)) return remember(windowMemo, key, null);
  // A holiday is the local date in the zone being counted: 25 December in Rome and in New York.
  if (wh.holidays?.(isoDate(day))) return remember(windowMemo, key, null);
  return remember(windowMemo, key, {
    start: instantOf(day, minutesOf(wh.start), tz),
    end: instantOf(day, minutesOf(wh.end), tz),
  });
}

/** The working window [start, end) of the local calendar day `dayOffset` days after `t`, or null if not a working day. */
function windowOf(
  t: Date,
  dayOffset: number,
  wh: WorkingHours,
  tz: string,
): { start: Date; end: Date } | null {
  const w = windowOfDay(local(t.getTime(), tz).day + dayOffset, wh, tz);
  return w && { start: new Date(w.start), end: new Date(w.end) };
}

/** The working window of `t`'s local calendar day, or null if that is not a working day. */
export function workingWindowOf(
  t: Date,
  wh: WorkingHours,
  tz: string,
): { start: Date; end: Date } | null {
  return windowOf(t, 0, wh, tz);
}

/** The working window containing `t`, or the next one after it. */
function currentOrNextWindow(t: Date, wh: WorkingHours, tz: string): { start: Date; end: Date } {
  for (let k = 0; k <= SCAN_DAYS; k++) {
    const w = windowOf(t, k, wh, tz);
    if (w && t.getTime() < w.end.getTime()) return w;
  }
  throw new Error('working hours have no working day');
}

export function isWithinWorkingHours(t: Date, wh: WorkingHours, tz: string): boolean {
  const w = windowOf(t, 0, wh, tz);
  return !!w && t >= w.start && t < w.end;
}

/** `t` itself if inside working hours, else the start of the next working window. */
export function clampToWorkingHours(t: Date, wh: WorkingHours, tz: string): Date {
  const w = currentOrNextWindow(t, wh, tz);
  return t < w.start ? w.start : t;
}

export function addWorkingMinutes(t: Date, minutes: number, wh: WorkingHours, tz: string): Date {
  let cursor = clampToWorkingHours(t, wh, tz);
  let remaining = minutes * 60_000;
  for (let guard = 0; guard < 10_000; guard++) {
    const w = currentOrNextWindow(cursor, wh, tz);
    if (cursor < w.start) cursor = w.start;
    const available = w.end.getTime() - cursor.getTime();
    if (remaining <= available) return new Date(cursor.getTime() + remaining);
    remaining -= available;
    cursor = w.end;
  }
  throw new Error('working-time arithmetic did not converge');
}

/** Same local time-of-day `days` working days later (start moved into working hours first). */
export function addWorkingDays(t: Date, days: number, wh: WorkingHours, tz: string): Date {
  const from = local(clampToWorkingHours(t, wh, tz).getTime(), tz);
  let found = 0;
  for (let k = 1; k < 10_000; k++) {
    const w = windowOfDay(from.day + k, wh, tz);
    if (!w) continue;
    found++;
    if (found === days) {
      const r = instantOf(from.day + k, from.minute, tz);
      return r >= w.end ? new Date(w.end - 60_000) : new Date(r);
    }
  }
  throw new Error('working-day arithmetic did not converge');
}

/** Start of the next working day's window strictly after the local day of `t` ("tomorrow morning"). */
export function nextWorkingMorning(t: Date, wh: WorkingHours, tz: string): Date {
  for (let k = 1; k <= SCAN_DAYS; k++) {
    const w = windowOf(t, k, wh, tz);
    if (w) return w.start;
  }
  throw new Error('working hours have no working day');
}

/** First working morning of the next ISO week ("next week"). */
export function nextWeekMorning(t: Date, wh: WorkingHours, tz: string): Date {
  const toMonday = 8 - isoWeekday(new TZDate(t.getTime(), tz));
  for (let k = toMonday; k < toMonday + SCAN_DAYS; k++) {
    const w = windowOf(t, k, wh, tz);
    if (w) return w.start;
  }
  throw new Error('working hours have no working day');
}

const zoneMemo = new Map<string, boolean>();
export function isValidTimeZone(tz: string): boolean {
  const hit = zoneMemo.get(tz);
  if (hit !== undefined) return hit;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return remember(zoneMemo, tz, true);
  } catch {
    return remember(zoneMemo, tz, false);
  }
}

/** "2026-11-24" + "15:30" read as wall-clock time in `tz`; null if either part is malformed. */
export function localToInstant(date: string, time: string, tz: string): Date | null {
  const d = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  const t = parseHHMM(time);
  if (!d || !t) return null;
  const [y, m, day] = [Number(d[1]), Number(d[2]), Number(d[3])];
  if (m < 1 || m > 12 || day < 1 || day > 31) return null;
  const r = new TZDate(y, m - 1, day, t.h, t.m, 0, tz);
  return Number.isNaN(r.getTime()) || r.getDate() !== day ? null : new Date(r.getTime());
}

/** `t` if inside working hours, else the last working minute before it ("the working day before"). */
export function latestWorkingTimeAtOrBefore(t: Date, wh: WorkingHours, tz: string): Date {
  for (let k = 0; k <= SCAN_DAYS; k++) {
    const w = windowOf(t, -k, wh, tz);
    if (!w || w.start > t) continue;
    return t < w.end ? t : new Date(w.end.getTime() - 60 * 60_000);
  }
  throw new Error('working hours have no working day');
}
