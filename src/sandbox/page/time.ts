/** Dates and times as the viewer reads them: in their zone and language, on the sandbox clock. */
import { me, nowMs } from './state.js';
import type { User } from './types.js';

export function fmt(date: Date, opts: Intl.DateTimeFormatOptions): string {
  const u = me();
  return new Intl.DateTimeFormat(u.locale, { timeZone: u.tz, ...opts }).format(date);
}
/** The viewer's calendar day, as YYYY-MM-DD. */
export function dayKey(date: Date): string {
  return new Intl.DateTimeFormat('en-CA', {
    timeZone: me().tz,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).format(date);
}
function dayNumber(date: Date): number {
  const [y = 0, m = 1, d = 1] = dayKey(date).split('-').map(Number);
  return Date.UTC(y, m - 1, d) / 86400000;
}
/** "today", "yesterday" or "tomorrow" in the viewer's language; null for other days. */
export function relativeDay(date: Date): string | null {
  const d = dayNumber(date) - dayNumber(new Date(nowMs()));
  if (Math.abs(d) > 1) return null;
  return new Intl.RelativeTimeFormat(me().locale, { numeric: 'auto' }).format(d, 'day');
}
const UNITS: [Intl.RelativeTimeFormatUnit, number][] = [
  ['year', 31536000],
  ['month', 2592000],
  ['week', 604800],
  ['day', 86400],
  ['hour', 3600],
  ['minute', 60],
  ['second', 1],
];
export function ago(date: Date): string {
  const s = Math.round((date.getTime() - nowMs()) / 1000);
  for (const [unit, secs] of UNITS) {
    if (Math.abs(s) >= secs || unit === 'second')
      return new Intl.RelativeTimeFormat(me().locale, { numeric: 'auto' }).format(
        Math.round(s / secs),
        unit,
      );
  }
  return '';
}
export function timeOf(date: Date): string {
  return fmt(date, { hour: 'numeric', minute: '2-digit' });
}
/** A Slack ts ("1700000000.000100") as a date. */
export function tsDate(ts: string): Date {
  return new Date(Math.floor(parseFloat(ts) * 1000));
}
function cityOf(tz: string): string {
  return (tz.split('/').pop() ?? tz).replace(/_/g, ' ');
}
export function cityOfUser(u: User): string {
  return u.city || cityOf(u.tz);
}
/** A zone's offset now, as "UTC+1". */
export function offsetOf(tz: string): string {
  const p = new Intl.DateTimeFormat('en-US', {
    timeZone: tz,
    timeZoneName: 'shortOffset',
  }).formatToParts(new Date(nowMs()));
  const z = p.find((x) => x.type === 'timeZoneName');
  return z ? z.value.replace('GMT', 'UTC') : '';
}
