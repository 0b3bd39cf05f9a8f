import { createRequire } from 'node:module';
import type Holidays from 'date-holidays';
import type { HolidayCalendar } from './domain/workingTime.js';

/** A HOLIDAYS setting date-holidays does not know; the message is one line naming what to write. */
export class HolidaysError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'HolidaysError';
  }
}

const DAY_MS = 86_400_000;

/** date-holidays is slow to load with its data, so it is loaded only when HOLIDAYS is set. */
function load(): typeof Holidays {
  return createRequire(import.meta.url)('date-holidays') as typeof Holidays;
}

/** `want` as spelled among `known`'s codes, whatever its case; null if none. */
function findCode(known: Record<string, string> | undefined, want: string): string | null {
  if (!known) return null;
  return Object.keys(known).find((k) => k.toUpperCase() === want.toUpperCase()) ?? null;
}

function codes(known: Record<string, string> | undefined): string {
  return Object.keys(known ?? {}).join(', ');
}

/**
 * The public holidays of a country, state or region ("IT", "US-NY", "DE-BY-A": country[-state
 * [-region]] as date-holidays spells them), as the set of local dates working time skips. The
 * normalised setting comes back with it; an unknown code throws HolidaysError.
 *
 * Only holidays of type 'public' count: the days off by law, when a team is not at work. 'bank'
 * days (Germany's 24 and 31 December afternoons, banks and some offices shut) and 'optional' ones
 * (Christmas Eve in the US) are kept by some teams and not others: a team that takes them lists them
 * under `holidays:` in its playbook. A public holiday that starts mid-day (China's half days for
 * some groups) is not a day off for the team either; a substitute day (Christmas observed on Friday
 * 24 December 2021 in the US) is.
 */
export function publicHolidays(setting: string): { setting: string; calendar: HolidayCalendar } {
  const parts = setting.trim().split(/[-.]/);
  const example = 'write a code such as IT, US-NY or DE-BY';
  if (parts.length > 3 || parts.some((p) => !/^[A-Za-z0-9]+$/.test(p)))
    throw new HolidaysError(
      `HOLIDAYS must be a country code with an optional region, as date-holidays spells them: ${example} (got "${setting}")`,
    );
  const Hd = load();
  const names = new Hd();
  const country = findCode(names.getCountries('en'), parts[0] as string);
  if (!country)
    throw new HolidaysError(
      `HOLIDAYS: "${parts[0]}" is not a country date-holidays knows; ${example} (got "${setting}")`,
    );
  let state: string | undefined;
  let region: string | undefined;
  if (parts[1] !== undefined) {
    const states = names.getStates(country, 'en');
    state = findCode(states, parts[1]) ?? undefined;
    if (!state)
      throw new HolidaysError(
        `HOLIDAYS: "${parts[1]}" is not a region of ${country} date-holidays knows (${codes(states) || 'it has none'}; got "${setting}")`,
      );
  }
  if (parts[2] !== undefined && state) {
    const regions = names.getRegions(country, state, 'en');
    region = findCode(regions, parts[2]) ?? undefined;
    if (!region)
      throw new HolidaysError(
        `HOLIDAYS: "${parts[2]}" is not a region of ${country}-${state} date-holidays knows (${codes(regions) || 'it has none'}; got "${setting}")`,
      );
  }
  const hd = new Hd({ country, state, region });

  // Built a year at a time, on first use, and kept: the answers are fixed, and working time asks
  // about the same few years.
  const dates = new Set<string>();
  const years = new Set<number>();
  const loadYear = (year: number) => {
    years.add(year);
    for (const h of hd.getHolidays(year)) {
      if (h.type !== 'public' || h.date.slice(11, 19) !== '00:00:00') continue;
      const [y, m, d] = [h.date.slice(0, 4), h.date.slice(5, 7), h.date.slice(8, 10)].map(Number);
      const first = Date.UTC(y as number, (m as number) - 1, d as number);
      const days = Math.max(1, Math.round((h.end.getTime() - h.start.getTime()) / DAY_MS));
      for (let k = 0; k < days; k++)
        dates.add(new Date(first + k * DAY_MS).toISOString().slice(0, 10));
    }
  };
  const calendar: HolidayCalendar = (date) => {
    const year = Number(date.slice(0, 4));
    // A holiday of several days may start in the year before.
    if (!years.has(year - 1)) loadYear(year - 1);
    if (!years.has(year)) loadYear(year);
    return dates.has(date);
  };
  return { setting: [country, state, region].filter(Boolean).join('-'), calendar };
}
