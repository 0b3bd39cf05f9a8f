import { TZDate } from '@date-fns/tz';

/** Working hours in a person's own time zone. Days are ISO weekdays: 1 = Monday … 7 = Sunday. */
export interface WorkingHours {
  readonly start: string; // "09:00"
  readonly end: string; // "18:00"
  readonly days: readonly number[];
}

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

/** The working window [start, end) of the local calendar day `dayOffset` days after `t`, or null if not a working day. */
function windowOf(
  t: Date,
  dayOffset: number,
  wh: WorkingHours,
  tz: string,
): { start: Date; end: Date } | null {
  const local = new TZDate(t.getTime(), tz);
  const day = new TZDate(
    local.getFullYear(),
    local.getMonth(),
    local.getDate() + dayOffset,
    12,
    0,
    0,
    tz,
  );
  if (!wh.days.includes(isoWeekday(day))) return null;
  const s = minutesOf(wh.start);
  const e = minutesOf(wh.end);
  const start = new TZDate(
    day.getFullYear(),
    day.getMonth(),
    day.getDate(),
    Math.floor(s / 60),
    s % 60,
    0,
    tz,
  );
  const end = new TZDate(
    day.getFullYear(),
    day.getMonth(),
    day.getDate(),
    Math.floor(e / 60),
    e % 60,
    0,
    tz,
  );
  return { start: new Date(start.getTime()), end: new Date(end.getTime()) };
}

/** The working window containing `t`, or the next one after it. */
function currentOrNextWindow(t: Date, wh: WorkingHours, tz: string): { start: Date; end: Date } {
  for (let k = 0; k < 15; k++) {
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
  const from = clampToWorkingHours(t, wh, tz);
  const local = new TZDate(from.getTime(), tz);
  let found = 0;
  for (let k = 1; k < 10_000; k++) {
    const w = windowOf(from, k, wh, tz);
    if (!w) continue;
    found++;
    if (found === days) {
      const d = new TZDate(w.start.getTime(), tz);
      const at = new TZDate(
        d.getFullYear(),
        d.getMonth(),
        d.getDate(),
        local.getHours(),
        local.getMinutes(),
        0,
        tz,
      );
      const r = new Date(at.getTime());
      return r >= w.end ? new Date(w.end.getTime() - 60_000) : r;
    }
  }
  throw new Error('working-day arithmetic did not converge');
}

/** Start of the next working day's window strictly after the local day of `t` ("tomorrow morning"). */
export function nextWorkingMorning(t: Date, wh: WorkingHours, tz: string): Date {
  for (let k = 1; k < 15; k++) {
    const w = windowOf(t, k, wh, tz);
    if (w) return w.start;
  }
  throw new Error('working hours have no working day');
}

/** First working morning of the next ISO week ("next week"). */
export function nextWeekMorning(t: Date, wh: WorkingHours, tz: string): Date {
  const local = new TZDate(t.getTime(), tz);
  const toMonday = 8 - isoWeekday(local);
  for (let k = toMonday; k < toMonday + 14; k++) {
    const w = windowOf(t, k, wh, tz);
    if (w) return w.start;
  }
  throw new Error('working hours have no working day');
}

export function isValidTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
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
