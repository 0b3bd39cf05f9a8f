/** The sandbox's time: where its clock starts, and where a walk through time stops. */
import {
  clampToWorkingHours,
  isWithinWorkingHours,
  nextWorkingMorning,
  type WorkingHours,
} from '../domain/workingTime.js';

/** How far the page's buttons move the clock. */
export const STEPS = { hour: 3_600_000, day: 86_400_000, week: 7 * 86_400_000 } as const;
export type Advance = keyof typeof STEPS;

/**
 * Where the sandbox clock starts: real time during a working day, else the next working morning
 * (09:30 in the default user's zone), so advancing the clock shows nudges instead of night-time waits.
 */
export function sandboxStart(now: Date, wh: WorkingHours, tz: string): Date {
  const later = new Date(now.getTime() + 3 * 3_600_000);
  if (isWithinWorkingHours(now, wh, tz) && isWithinWorkingHours(later, wh, tz)) return now;
  const clamped = clampToWorkingHours(now, wh, tz);
  const morning = clamped.getTime() === now.getTime() ? nextWorkingMorning(now, wh, tz) : clamped;
  return new Date(morning.getTime() + 30 * 60_000);
}

/** The UTC offset of a zone at an instant, in ms (Intl's `longOffset`, e.g. "GMT+05:30"). */
function offsetMs(tz: string, at: number): number {
  const name =
    new Intl.DateTimeFormat('en-US', { timeZone: tz, timeZoneName: 'longOffset' })
      .formatToParts(new Date(at))
      .find((p) => p.type === 'timeZoneName')?.value ?? '';
  const m = /GMT([+-])(\d{2}):(\d{2})/.exec(name);
  return m ? (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 3_600_000 + Number(m[3]) * 60_000) : 0;
}

/**
 * The next stop of a walk through time after `t`: the first instant that is on the hour, or at
 * one of `minutes` past it, in any of the zones. With the sandbox's whole-hour zones and 09:00–18:00
 * working hours, every hour on the hour: each working hour of every user gets its tick.
 */
export function nextWalkStop(
  t: number,
  zones: readonly string[],
  minutes: readonly number[] = [0],
) {
  const H = 3_600_000;
  let best = Number.POSITIVE_INFINITY;
  for (const tz of zones.length ? zones : ['UTC']) {
    const off = offsetMs(tz, t);
    for (const m of minutes.length ? minutes : [0]) {
      const shift = off - m * 60_000;
      best = Math.min(best, (Math.floor((t + shift) / H) + 1) * H - shift);
    }
  }
  return best;
}
