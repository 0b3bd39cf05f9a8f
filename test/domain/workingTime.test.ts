import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  addWorkingDays,
  addWorkingMinutes,
  clampToWorkingHours,
  DEFAULT_WORKING_HOURS,
  isValidTimeZone,
  isWithinWorkingHours,
  localToInstant,
  nextWeekMorning,
  nextWorkingMorning,
  parseHHMM,
  type WorkingHours,
} from '../../src/domain/workingTime.js';

/*
 * 2026 offsets used below (DST change days are Sundays):
 *   Europe/Rome       CET  +1 → CEST +2 on 2026-03-29 01:00Z, back on 2026-10-25 01:00Z
 *   Europe/Athens     EET  +2 → EEST +3 on the same instants
 *   America/New_York  EST  -5 → EDT  -4 on 2026-03-08 07:00Z, back on 2026-11-01 06:00Z
 */
const ROME = 'Europe/Rome';
const ATHENS = 'Europe/Athens';
const NY = 'America/New_York';

const WEEK: WorkingHours = DEFAULT_WORKING_HOURS; // 09:00–18:00 Mon–Fri
/** Every day a working day, so the DST Sundays themselves have a window. */
const ALL_WEEK: WorkingHours = { start: '09:00', end: '18:00', days: [1, 2, 3, 4, 5, 6, 7] };
/** A window that contains the 02:00/03:00 jump itself. */
const NIGHT: WorkingHours = { start: '00:00', end: '06:00', days: [1, 2, 3, 4, 5, 6, 7] };

const HOURS: Record<string, WorkingHours> = {
  'Mon–Fri': WEEK,
  'all week': ALL_WEEK,
  '00–06 daily': NIGHT,
  'Tue–Sat': { start: '09:00', end: '18:00', days: [2, 3, 4, 5, 6] },
};
const hours = (name: string): WorkingHours => {
  const wh = HOURS[name];
  if (!wh) throw new Error(`no hours named ${name}`);
  return wh;
};
const at = (iso: string) => new Date(iso);

describe('defaults, parsing', () => {
  it('defaults to 09:00–18:00 Monday to Friday', () => {
    expect(DEFAULT_WORKING_HOURS).toEqual({ start: '09:00', end: '18:00', days: [1, 2, 3, 4, 5] });
  });

  it.each([
    ['09:00', { h: 9, m: 0 }],
    ['00:00', { h: 0, m: 0 }],
    ['23:59', { h: 23, m: 59 }],
    ['24:00', null],
    ['9:00', null],
    ['12:60', null],
    ['12:5', null],
    ['noon', null],
    ['', null],
  ])('parseHHMM(%j) → %j', (s, expected) => {
    expect(parseHHMM(s)).toEqual(expected);
  });

  it.each([
    ['Europe/Rome', true],
    ['America/New_York', true],
    ['UTC', true],
    ['Mars/Olympus_Mons', false],
    ['', false],
  ])('isValidTimeZone(%j) → %s', (tz, ok) => {
    expect(isValidTimeZone(tz)).toBe(ok);
  });
});

describe('isWithinWorkingHours', () => {
  it.each([
    // tz, instant, local reading, expected
    [ROME, '2026-01-14T08:00:00Z', 'Wed 09:00 CET, start is inclusive', true],
    [ROME, '2026-01-14T07:59:00Z', 'Wed 08:59 CET', false],
    [ROME, '2026-01-14T16:59:00Z', 'Wed 17:59 CET', true],
    [ROME, '2026-01-14T17:00:00Z', 'Wed 18:00 CET, end is exclusive', false],
    [ROME, '2026-01-17T10:00:00Z', 'Saturday', false],
    [ROME, '2026-03-30T06:59:00Z', 'Mon 08:59 CEST, first day after spring change', false],
    [ROME, '2026-03-30T07:00:00Z', 'Mon 09:00 CEST', true],
    [ROME, '2026-03-30T15:59:00Z', 'Mon 17:59 CEST', true],
    [ROME, '2026-03-30T16:00:00Z', 'Mon 18:00 CEST', false],
    [ROME, '2026-10-26T07:30:00Z', 'Mon 08:30 CET, first day after autumn change', false],
    [ROME, '2026-10-26T08:00:00Z', 'Mon 09:00 CET', true],
    [ROME, '2026-10-26T16:59:00Z', 'Mon 17:59 CET', true],
    [ATHENS, '2026-03-30T05:59:00Z', 'Mon 08:59 EEST', false],
    [ATHENS, '2026-03-30T06:00:00Z', 'Mon 09:00 EEST', true],
    [ATHENS, '2026-10-26T07:00:00Z', 'Mon 09:00 EET', true],
    [NY, '2026-03-09T12:59:00Z', 'Mon 08:59 EDT', false],
    [NY, '2026-03-09T13:00:00Z', 'Mon 09:00 EDT', true],
    [NY, '2026-11-02T13:30:00Z', 'Mon 08:30 EST', false],
    [NY, '2026-11-02T14:00:00Z', 'Mon 09:00 EST', true],
    [NY, '2026-01-16T23:30:00Z', 'Fri 18:30 EST (already Saturday in UTC)', false],
    [NY, '2026-01-17T01:00:00Z', 'Fri 20:00 EST', false],
    [NY, '2026-01-12T03:00:00Z', 'Sun 22:00 EST (Monday in UTC)', false],
  ])('%s %s (%s) → %s', (tz, iso, _label, expected) => {
    expect(isWithinWorkingHours(at(iso), WEEK, tz)).toBe(expected);
  });

  it('is false on a day not listed, true on one that is', () => {
    const sunday = at('2026-03-29T08:00:00Z'); // 10:00 CEST on the change day
    expect(isWithinWorkingHours(sunday, WEEK, ROME)).toBe(false);
    expect(isWithinWorkingHours(sunday, ALL_WEEK, ROME)).toBe(true);
  });
});

describe('clampToWorkingHours', () => {
  it.each([
    // tz, hours, from, expected, why
    [ROME, 'Mon–Fri', '2026-01-14T10:00:00Z', '2026-01-14T10:00:00Z', 'inside: unchanged'],
    [
      ROME,
      'Mon–Fri',
      '2026-01-14T07:00:00Z',
      '2026-01-14T08:00:00Z',
      'before start: 09:00 same day',
    ],
    [ROME, 'Mon–Fri', '2026-01-14T17:00:00Z', '2026-01-15T08:00:00Z', 'at 18:00: next morning'],
    [ROME, 'Mon–Fri', '2026-01-16T20:00:00Z', '2026-01-19T08:00:00Z', 'Friday night: Monday'],
    [
      ROME,
      'Mon–Fri',
      '2026-03-28T12:00:00Z',
      '2026-03-30T07:00:00Z',
      'Sat before spring change: Mon 09:00 CEST',
    ],
    [
      ROME,
      'Mon–Fri',
      '2026-03-27T17:30:00Z',
      '2026-03-30T07:00:00Z',
      'Fri 18:30 CET: Mon 09:00 CEST',
    ],
    [
      ROME,
      'Mon–Fri',
      '2026-10-24T12:00:00Z',
      '2026-10-26T08:00:00Z',
      'Sat before autumn change: Mon 09:00 CET',
    ],
    [
      ROME,
      'all week',
      '2026-03-29T06:00:00Z',
      '2026-03-29T07:00:00Z',
      'spring change day: 09:00 CEST',
    ],
    [
      ROME,
      'all week',
      '2026-10-25T06:00:00Z',
      '2026-10-25T08:00:00Z',
      'autumn change day: 09:00 CET',
    ],
    [
      ROME,
      'all week',
      '2026-03-28T17:00:00Z',
      '2026-03-29T07:00:00Z',
      'evening before spring change',
    ],
    [
      ROME,
      'all week',
      '2026-10-24T16:00:00Z',
      '2026-10-25T08:00:00Z',
      'evening before autumn change',
    ],
    [ATHENS, 'Mon–Fri', '2026-03-28T12:00:00Z', '2026-03-30T06:00:00Z', 'Mon 09:00 EEST'],
    [
      ATHENS,
      'all week',
      '2026-03-29T05:00:00Z',
      '2026-03-29T06:00:00Z',
      'spring change day 09:00 EEST',
    ],
    [
      ATHENS,
      'all week',
      '2026-10-25T06:00:00Z',
      '2026-10-25T07:00:00Z',
      'autumn change day 09:00 EET',
    ],
    [
      NY,
      'Mon–Fri',
      '2026-03-07T12:00:00Z',
      '2026-03-09T13:00:00Z',
      'Sat before spring change: Mon 09:00 EDT',
    ],
    [NY, 'all week', '2026-03-08T12:00:00Z', '2026-03-08T13:00:00Z', 'spring change day 09:00 EDT'],
    [NY, 'all week', '2026-11-01T12:00:00Z', '2026-11-01T14:00:00Z', 'autumn change day 09:00 EST'],
    [
      NY,
      'Mon–Fri',
      '2026-10-31T12:00:00Z',
      '2026-11-02T14:00:00Z',
      'Sat before autumn change: Mon 09:00 EST',
    ],
    [
      NY,
      'Mon–Fri',
      '2026-01-16T23:30:00Z',
      '2026-01-19T14:00:00Z',
      'Fri 18:30 EST (Sat in UTC): Monday',
    ],
  ])('%s %s: %s → %s (%s)', (tz, wh, from, expected) => {
    expect(clampToWorkingHours(at(from), hours(wh), tz).toISOString()).toBe(
      at(expected).toISOString(),
    );
  });

  it('throws rather than loop forever when no day is a working day', () => {
    expect(() =>
      clampToWorkingHours(at('2026-01-14T10:00:00Z'), { ...WEEK, days: [] }, ROME),
    ).toThrow(/no working day/);
  });
});

describe('addWorkingMinutes', () => {
  it('"4 working hours" from Friday 16:00 in Rome is Monday 11:00 in Rome', () => {
    // Fri 2026-01-09 16:00 CET = 15:00Z; Mon 2026-01-12 11:00 CET = 10:00Z
    expect(addWorkingMinutes(at('2026-01-09T15:00:00Z'), 4 * 60, WEEK, ROME).toISOString()).toBe(
      '2026-01-12T10:00:00.000Z',
    );
  });

  it.each([
    // tz, hours, from, minutes, expected, why
    [ROME, 'Mon–Fri', '2026-01-14T10:00:00Z', 60, '2026-01-14T11:00:00Z', 'inside one window'],
    [
      ROME,
      'Mon–Fri',
      '2026-01-13T22:00:00Z',
      60,
      '2026-01-14T09:00:00Z',
      'from night: counts from 09:00',
    ],
    [
      ROME,
      'Mon–Fri',
      '2026-01-12T08:00:00Z',
      18 * 60,
      '2026-01-13T17:00:00Z',
      'two full days end at 18:00',
    ],
    [
      ROME,
      'Mon–Fri',
      '2026-01-12T08:00:00Z',
      18 * 60 + 1,
      '2026-01-14T08:01:00Z',
      'one minute more: next morning',
    ],
    [ROME, 'Mon–Fri', '2026-01-14T10:00:00Z', 0, '2026-01-14T10:00:00Z', 'zero minutes'],
    [
      ROME,
      'Mon–Fri',
      '2026-03-27T15:00:00Z',
      240,
      '2026-03-30T09:00:00Z',
      'Fri 16:00 CET → Mon 11:00 CEST (spring)',
    ],
    [
      ROME,
      'Mon–Fri',
      '2026-10-23T14:00:00Z',
      240,
      '2026-10-26T10:00:00Z',
      'Fri 16:00 CEST → Mon 11:00 CET (autumn)',
    ],
    [
      ROME,
      'all week',
      '2026-03-28T16:00:00Z',
      120,
      '2026-03-29T08:00:00Z',
      'Sat 17:00 CET → Sun 10:00 CEST',
    ],
    [
      ROME,
      'all week',
      '2026-10-24T15:00:00Z',
      120,
      '2026-10-25T09:00:00Z',
      'Sat 17:00 CEST → Sun 10:00 CET',
    ],
    [
      ROME,
      'all week',
      '2026-03-29T07:00:00Z',
      9 * 60,
      '2026-03-29T16:00:00Z',
      'a whole change day is 9 h',
    ],
    [
      ROME,
      'all week',
      '2026-10-25T08:00:00Z',
      9 * 60,
      '2026-10-25T17:00:00Z',
      'a whole change day is 9 h',
    ],
    // the window 00:00–06:00 holds 5 real hours on the spring day and 7 on the autumn day
    [
      ROME,
      '00–06 daily',
      '2026-03-28T23:00:00Z',
      300,
      '2026-03-29T04:00:00Z',
      'spring night window ends at 06:00 CEST',
    ],
    [
      ROME,
      '00–06 daily',
      '2026-03-28T23:00:00Z',
      360,
      '2026-03-29T23:00:00Z',
      'no hour gained: 6th hour is next night',
    ],
    [
      ROME,
      '00–06 daily',
      '2026-10-24T22:00:00Z',
      360,
      '2026-10-25T04:00:00Z',
      'no hour lost: 6 h end at 05:00 CET',
    ],
    [
      ROME,
      '00–06 daily',
      '2026-10-24T22:00:00Z',
      420,
      '2026-10-25T05:00:00Z',
      'autumn night window is 7 real hours',
    ],
    [
      ATHENS,
      'Mon–Fri',
      '2026-03-27T14:00:00Z',
      240,
      '2026-03-30T08:00:00Z',
      'Fri 16:00 EET → Mon 11:00 EEST',
    ],
    [
      ATHENS,
      'Mon–Fri',
      '2026-10-23T13:00:00Z',
      240,
      '2026-10-26T09:00:00Z',
      'Fri 16:00 EEST → Mon 11:00 EET',
    ],
    [
      NY,
      'Mon–Fri',
      '2026-03-06T21:00:00Z',
      240,
      '2026-03-09T15:00:00Z',
      'Fri 16:00 EST → Mon 11:00 EDT',
    ],
    [
      NY,
      'Mon–Fri',
      '2026-10-30T20:00:00Z',
      240,
      '2026-11-02T16:00:00Z',
      'Fri 16:00 EDT → Mon 11:00 EST',
    ],
    [
      NY,
      'all week',
      '2026-03-07T22:00:00Z',
      120,
      '2026-03-08T14:00:00Z',
      'Sat 17:00 EST → Sun 10:00 EDT',
    ],
    [
      NY,
      'all week',
      '2026-10-31T21:00:00Z',
      120,
      '2026-11-01T15:00:00Z',
      'Sat 17:00 EDT → Sun 10:00 EST',
    ],
  ])('%s %s: %s + %i min → %s (%s)', (tz, wh, from, minutes, expected) => {
    expect(addWorkingMinutes(at(from), minutes, hours(wh), tz).toISOString()).toBe(
      at(expected).toISOString(),
    );
  });

  it('counts the same working time whatever the zone reads', () => {
    // 9 working hours from Monday 09:00 is Monday 18:00 (end of window) in all three zones
    for (const [tz, start, end] of [
      [ROME, '2026-03-30T07:00:00Z', '2026-03-30T16:00:00Z'],
      [ATHENS, '2026-03-30T06:00:00Z', '2026-03-30T15:00:00Z'],
      [NY, '2026-03-09T13:00:00Z', '2026-03-09T22:00:00Z'],
    ] as const) {
      expect(addWorkingMinutes(at(start), 9 * 60, WEEK, tz).toISOString(), tz).toBe(
        at(end).toISOString(),
      );
    }
  });
});

describe('addWorkingDays', () => {
  it.each([
    // tz, from, days, expected, why
    [ROME, '2026-01-14T10:00:00Z', 1, '2026-01-15T10:00:00Z', 'Wed 11:00 → Thu 11:00'],
    [ROME, '2026-01-14T10:00:00Z', 5, '2026-01-21T10:00:00Z', 'five working days: a week'],
    [ROME, '2026-01-16T15:00:00Z', 1, '2026-01-19T15:00:00Z', 'Fri 16:00 → Mon 16:00'],
    [
      ROME,
      '2026-01-17T10:00:00Z',
      1,
      '2026-01-20T08:00:00Z',
      'from Saturday: Mon 09:00 + 1 → Tue 09:00',
    ],
    [
      ROME,
      '2026-01-14T19:00:00Z',
      1,
      '2026-01-16T08:00:00Z',
      'Wed 20:00: Thu 09:00 + 1 → Fri 09:00',
    ],
    [ROME, '2026-03-27T09:00:00Z', 1, '2026-03-30T08:00:00Z', 'Fri 10:00 CET → Mon 10:00 CEST'],
    [ROME, '2026-03-26T15:00:00Z', 2, '2026-03-30T14:00:00Z', 'Thu 16:00 CET → Mon 16:00 CEST'],
    [ROME, '2026-10-23T08:00:00Z', 1, '2026-10-26T09:00:00Z', 'Fri 10:00 CEST → Mon 10:00 CET'],
    [ROME, '2026-03-28T12:00:00Z', 1, '2026-03-31T07:00:00Z', 'Sat: Mon 09:00 CEST + 1 → Tue'],
    [ATHENS, '2026-03-27T08:00:00Z', 1, '2026-03-30T07:00:00Z', 'Fri 10:00 EET → Mon 10:00 EEST'],
    [ATHENS, '2026-10-23T07:00:00Z', 1, '2026-10-26T08:00:00Z', 'Fri 10:00 EEST → Mon 10:00 EET'],
    [NY, '2026-03-06T15:00:00Z', 1, '2026-03-09T14:00:00Z', 'Fri 10:00 EST → Mon 10:00 EDT'],
    [NY, '2026-10-30T14:00:00Z', 1, '2026-11-02T15:00:00Z', 'Fri 10:00 EDT → Mon 10:00 EST'],
    [NY, '2026-03-05T20:00:00Z', 2, '2026-03-09T19:00:00Z', 'Thu 15:00 EST → Mon 15:00 EDT'],
  ])('%s %s + %i wd → %s (%s)', (tz, from, days, expected) => {
    expect(addWorkingDays(at(from), days, WEEK, tz).toISOString()).toBe(at(expected).toISOString());
  });

  it('lands on the change day itself at the same wall-clock time', () => {
    // Sat 10:00 CET → Sun 10:00 CEST (23 h later); Sat 10:00 CEST → Sun 10:00 CET (25 h later)
    expect(addWorkingDays(at('2026-03-28T09:00:00Z'), 1, ALL_WEEK, ROME).toISOString()).toBe(
      '2026-03-29T08:00:00.000Z',
    );
    expect(addWorkingDays(at('2026-10-24T08:00:00Z'), 1, ALL_WEEK, ROME).toISOString()).toBe(
      '2026-10-25T09:00:00.000Z',
    );
    expect(addWorkingDays(at('2026-03-07T15:00:00Z'), 1, ALL_WEEK, NY).toISOString()).toBe(
      '2026-03-08T14:00:00.000Z',
    );
    expect(addWorkingDays(at('2026-10-31T14:00:00Z'), 1, ALL_WEEK, NY).toISOString()).toBe(
      '2026-11-01T15:00:00.000Z',
    );
  });
});

describe('nextWorkingMorning ("tomorrow")', () => {
  it.each([
    [ROME, '2026-01-14T10:00:00Z', '2026-01-15T08:00:00Z', 'Wed → Thu 09:00'],
    [
      ROME,
      '2026-01-13T06:00:00Z',
      '2026-01-14T08:00:00Z',
      'Tue 07:00 (before start) → Wed, not today',
    ],
    [
      ROME,
      '2026-01-12T23:30:00Z',
      '2026-01-14T08:00:00Z',
      'Mon 23:30Z is already Tue locally → Wed',
    ],
    [ROME, '2026-03-27T10:00:00Z', '2026-03-30T07:00:00Z', 'Fri → Mon 09:00 CEST'],
    [ROME, '2026-03-28T23:30:00Z', '2026-03-30T07:00:00Z', 'Sun 00:30 CET → Mon 09:00 CEST'],
    [ROME, '2026-10-23T10:00:00Z', '2026-10-26T08:00:00Z', 'Fri → Mon 09:00 CET'],
    [ROME, '2026-10-22T10:00:00Z', '2026-10-23T07:00:00Z', 'Thu → Fri 09:00 CEST'],
    [ATHENS, '2026-03-29T10:00:00Z', '2026-03-30T06:00:00Z', 'Sun → Mon 09:00 EEST'],
    [ATHENS, '2026-10-25T10:00:00Z', '2026-10-26T07:00:00Z', 'Sun → Mon 09:00 EET'],
    [NY, '2026-03-06T20:00:00Z', '2026-03-09T13:00:00Z', 'Fri → Mon 09:00 EDT'],
    [NY, '2026-03-09T03:00:00Z', '2026-03-09T13:00:00Z', 'Sun 23:00 EDT (Mon in UTC) → Mon'],
    [NY, '2026-10-31T12:00:00Z', '2026-11-02T14:00:00Z', 'Sat → Mon 09:00 EST'],
  ])('%s %s → %s (%s)', (tz, from, expected) => {
    expect(nextWorkingMorning(at(from), WEEK, tz).toISOString()).toBe(at(expected).toISOString());
  });
});

describe('nextWeekMorning ("next week")', () => {
  it.each([
    [
      ROME,
      'Mon–Fri',
      '2026-03-23T12:00:00Z',
      '2026-03-30T07:00:00Z',
      'Monday → next Monday (CEST)',
    ],
    [ROME, 'Mon–Fri', '2026-03-25T12:00:00Z', '2026-03-30T07:00:00Z', 'Wednesday → Monday (CEST)'],
    [ROME, 'Mon–Fri', '2026-03-29T12:00:00Z', '2026-03-30T07:00:00Z', 'change Sunday → next day'],
    [ROME, 'Mon–Fri', '2026-10-21T12:00:00Z', '2026-10-26T08:00:00Z', 'Wednesday → Monday (CET)'],
    [ATHENS, 'Mon–Fri', '2026-03-26T12:00:00Z', '2026-03-30T06:00:00Z', 'Thursday → Monday (EEST)'],
    [NY, 'Mon–Fri', '2026-03-04T15:00:00Z', '2026-03-09T13:00:00Z', 'Wednesday → Monday (EDT)'],
    [NY, 'Mon–Fri', '2026-10-28T15:00:00Z', '2026-11-02T14:00:00Z', 'Wednesday → Monday (EST)'],
    [
      NY,
      'Mon–Fri',
      '2026-11-01T03:00:00Z',
      '2026-11-02T14:00:00Z',
      'Sat 23:00 EDT (Sun in UTC) → Monday',
    ],
    [ROME, 'Tue–Sat', '2026-03-25T12:00:00Z', '2026-03-31T07:00:00Z', 'Tue–Sat hours → Tuesday'],
  ])('%s %s: %s → %s (%s)', (tz, wh, from, expected) => {
    expect(nextWeekMorning(at(from), hours(wh), tz).toISOString()).toBe(at(expected).toISOString());
  });
});

describe('localToInstant', () => {
  it.each([
    // 09:00 working-window starts around each change
    ['2026-03-28', '09:00', ROME, '2026-03-28T08:00:00Z'],
    ['2026-03-29', '09:00', ROME, '2026-03-29T07:00:00Z'],
    ['2026-03-30', '09:00', ROME, '2026-03-30T07:00:00Z'],
    ['2026-10-24', '09:00', ROME, '2026-10-24T07:00:00Z'],
    ['2026-10-25', '09:00', ROME, '2026-10-25T08:00:00Z'],
    ['2026-10-26', '09:00', ROME, '2026-10-26T08:00:00Z'],
    ['2026-03-29', '01:59', ROME, '2026-03-29T00:59:00Z'],
    ['2026-03-29', '03:00', ROME, '2026-03-29T01:00:00Z'],
    ['2026-10-25', '03:00', ROME, '2026-10-25T02:00:00Z'],
    ['2026-03-29', '09:00', ATHENS, '2026-03-29T06:00:00Z'],
    ['2026-10-25', '09:00', ATHENS, '2026-10-25T07:00:00Z'],
    ['2026-03-07', '09:00', NY, '2026-03-07T14:00:00Z'],
    ['2026-03-08', '09:00', NY, '2026-03-08T13:00:00Z'],
    ['2026-03-09', '09:00', NY, '2026-03-09T13:00:00Z'],
    ['2026-10-31', '09:00', NY, '2026-10-31T13:00:00Z'],
    ['2026-11-01', '09:00', NY, '2026-11-01T14:00:00Z'],
    ['2026-11-02', '09:00', NY, '2026-11-02T14:00:00Z'],
    ['2026-03-08', '03:00', NY, '2026-03-08T07:00:00Z'],
    ['2026-11-01', '00:30', NY, '2026-11-01T04:30:00Z'],
    ['2026-11-01', '02:00', NY, '2026-11-01T07:00:00Z'],
    ['2028-02-29', '10:00', ROME, '2028-02-29T09:00:00Z'],
    ['2026-12-31', '23:59', ROME, '2026-12-31T22:59:00Z'],
    ['2026-01-01', '00:00', NY, '2026-01-01T05:00:00Z'],
  ])('%s %s in %s → %s', (date, time, tz, expected) => {
    expect(localToInstant(date, time, tz)?.toISOString()).toBe(at(expected).toISOString());
  });

  it.each([
    ['2026-03-29', '02:30', ROME, '2026-03-29T01:30:00Z'], // 03:30 CEST
    ['2026-03-08', '02:30', NY, '2026-03-08T07:30:00Z'], // 03:30 EDT
  ])(
    'a time skipped by the spring change (%s %s %s) moves forward by the missing hour',
    (date, time, tz, expected) => {
      expect(localToInstant(date, time, tz)?.toISOString()).toBe(at(expected).toISOString());
    },
  );

  it.each([
    ['2026-10-25', '02:30', ROME, ['2026-10-25T00:30:00Z', '2026-10-25T01:30:00Z']],
    ['2026-11-01', '01:30', NY, ['2026-11-01T05:30:00Z', '2026-11-01T06:30:00Z']],
  ])(
    'a time repeated by the autumn change (%s %s %s) is one of its two readings',
    (date, time, tz, readings) => {
      const r = localToInstant(date, time, tz);
      expect(readings.map((x) => at(x).toISOString())).toContain(r?.toISOString());
    },
  );

  it.each([
    ['2026-02-30', '10:00', 'no 30 February'],
    ['2026-02-29', '10:00', '2026 is not a leap year'],
    ['2026-04-31', '10:00', 'April has 30 days'],
    ['2026-06-31', '10:00', 'June has 30 days'],
    ['2026-13-01', '10:00', 'month 13'],
    ['2026-00-10', '10:00', 'month 0'],
    ['2026-01-00', '10:00', 'day 0'],
    ['2026-01-32', '10:00', 'day 32'],
    ['2026-1-05', '10:00', 'unpadded month'],
    ['26-01-05', '10:00', 'two-digit year'],
    ['05/01/2026', '10:00', 'not ISO'],
    ['', '10:00', 'empty date'],
    ['2026-01-05', '24:00', 'hour 24'],
    ['2026-01-05', '9:00', 'unpadded hour'],
    ['2026-01-05', '10:60', 'minute 60'],
    ['2026-01-05', '', 'empty time'],
  ])('%s %s → null (%s)', (date, time) => {
    for (const tz of [ROME, ATHENS, NY]) expect(localToInstant(date, time, tz)).toBeNull();
  });
});

describe('independent of the server time zone', () => {
  const saved = process.env.TZ;
  beforeAll(() => {
    process.env.TZ = 'Pacific/Kiritimati'; // UTC+14: any local-time slip shows
  });
  afterAll(() => {
    if (saved === undefined) delete process.env.TZ;
    else process.env.TZ = saved;
  });

  it('gives the same instants when the process runs in another zone', () => {
    expect(new Date('2026-01-01T00:00:00Z').getHours()).toBe(14); // the zone really changed
    expect(addWorkingMinutes(at('2026-03-27T15:00:00Z'), 240, WEEK, ROME).toISOString()).toBe(
      '2026-03-30T09:00:00.000Z',
    );
    expect(addWorkingDays(at('2026-10-30T14:00:00Z'), 1, WEEK, NY).toISOString()).toBe(
      '2026-11-02T15:00:00.000Z',
    );
    expect(clampToWorkingHours(at('2026-10-24T12:00:00Z'), WEEK, ATHENS).toISOString()).toBe(
      '2026-10-26T07:00:00.000Z',
    );
    expect(nextWeekMorning(at('2026-03-04T15:00:00Z'), WEEK, NY).toISOString()).toBe(
      '2026-03-09T13:00:00.000Z',
    );
    expect(localToInstant('2026-03-29', '09:00', ROME)?.toISOString()).toBe(
      '2026-03-29T07:00:00.000Z',
    );
    expect(isWithinWorkingHours(at('2026-11-02T14:00:00Z'), WEEK, NY)).toBe(true);
  });
});
