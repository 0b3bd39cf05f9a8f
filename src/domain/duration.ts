import { TZDate } from '@date-fns/tz';
import { addDays } from 'date-fns/addDays';
import { addHours } from 'date-fns/addHours';
import { addMinutes } from 'date-fns/addMinutes';
import { addWorkingDays, addWorkingMinutes, type WorkingHours } from './workingTime.js';

/**
 * A span of time as written in a playbook:
 *   "30m" / "2h"  wall-clock minutes / hours       "7d"  calendar days
 *   "4wh"         working hours                     "1wd" working days
 */
export type Duration = { readonly amount: number; readonly unit: 'm' | 'h' | 'd' | 'wh' | 'wd' };

const DURATION = /^(\d+(?:\.\d+)?)\s*(m|h|d|wh|wd)$/;

export function parseDuration(s: string): Duration | null {
  const m = DURATION.exec(s.trim());
  if (!m) return null;
  const amount = Number(m[1]);
  if (!Number.isFinite(amount) || amount <= 0 || amount > 10_000) return null;
  const unit = m[2] as Duration['unit'];
  // Day counts must be whole: addWorkingDays cannot reach 1.5 days and addDays truncates.
  if ((unit === 'd' || unit === 'wd') && !Number.isInteger(amount)) return null;
  return { amount, unit };
}

export function formatDuration(d: Duration): string {
  return `${d.amount}${d.unit}`;
}

export function addDuration(t: Date, d: Duration, wh: WorkingHours, tz: string): Date {
  switch (d.unit) {
    case 'm':
      return addMinutes(t, d.amount);
    case 'h':
      return addHours(t, d.amount);
    case 'd':
      // calendar days in the person's own zone: same wall-clock time, across DST changes
      return new Date(addDays(new TZDate(t.getTime(), tz), d.amount).getTime());
    case 'wh':
      return addWorkingMinutes(t, d.amount * 60, wh, tz);
    case 'wd':
      return addWorkingDays(t, d.amount, wh, tz);
  }
}
