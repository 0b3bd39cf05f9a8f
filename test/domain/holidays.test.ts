import { describe, expect, it } from 'vitest';
import {
  DEFAULT_PLAYBOOK,
  type Playbook,
  PlaybookError,
  parsePlaybook,
  withHolidays,
} from '../../src/domain/playbook.js';
import {
  findStep,
  openCase,
  type RecoveryCase,
  recordAnswer,
} from '../../src/domain/recoveryCase.js';
import { nextCheckAt, planStep } from '../../src/domain/reminders.js';
import {
  addWorkingDays,
  addWorkingMinutes,
  clampToWorkingHours,
  DEFAULT_WORKING_HOURS,
  type HolidayCalendar,
  isWithinWorkingHours,
  latestWorkingTimeAtOrBefore,
  nextWeekMorning,
  nextWorkingMorning,
  type WorkingHours,
} from '../../src/domain/workingTime.js';
import { openInput } from '../helpers/builders.js';

/*
 * 25 December 2026 and 1 January 2027 are Fridays. Offsets: Rome CET +1, New York EST -5.
 * Working hours: the default 09:00–18:00 Monday to Friday.
 */
const ROME = 'Europe/Rome';
const NY = 'America/New_York';
const CHRISTMAS: HolidayCalendar = (d) => d === '2026-12-25' || d === '2027-01-01';
const WH: WorkingHours = { ...DEFAULT_WORKING_HOURS, holidays: CHRISTMAS };
const at = (iso: string) => new Date(iso);
const DAY = 86_400_000;
/** An instant as the tests write it: "2026-12-28T08:00:00Z". */
const iso = (d: Date | null) => (d ? d.toISOString().replace('.000Z', 'Z') : null);

describe('working time skips holidays, in the zone being counted', () => {
  // [zone, Thu 24 Dec 10:00 local, Fri 25 Dec 10:00 local, Mon 28 Dec 09:00 local, Mon 28 Dec 10:00 local]
  it.each([
    [
      ROME,
      '2026-12-24T09:00:00Z',
      '2026-12-25T09:00:00Z',
      '2026-12-28T08:00:00Z',
      '2026-12-28T09:00:00Z',
    ],
    [
      NY,
      '2026-12-24T15:00:00Z',
      '2026-12-25T15:00:00Z',
      '2026-12-28T14:00:00Z',
      '2026-12-28T15:00:00Z',
    ],
  ])('%s: 25 December is not working time', (tz, thu10, fri10, mon09, mon10) => {
    expect(isWithinWorkingHours(at(fri10), DEFAULT_WORKING_HOURS, tz)).toBe(true);
    expect(isWithinWorkingHours(at(fri10), WH, tz)).toBe(false);
    // Moved into working time: Monday morning, not Christmas morning.
    expect(iso(clampToWorkingHours(at(fri10), WH, tz))).toBe(mon09);
    // One working day after Thursday 10:00 is Monday 10:00.
    expect(iso(addWorkingDays(at(thu10), 1, DEFAULT_WORKING_HOURS, tz))).toBe(fri10);
    expect(iso(addWorkingDays(at(thu10), 1, WH, tz))).toBe(mon10);
    // Nine working hours (a whole day) after Thursday 10:00, likewise.
    expect(iso(addWorkingMinutes(at(thu10), 9 * 60, WH, tz))).toBe(mon10);
    // "Tomorrow morning" on Christmas Eve is Monday.
    expect(iso(nextWorkingMorning(at(thu10), WH, tz))).toBe(mon09);
    // "The working day before" a Christmas date is Christmas Eve (an hour before it ends).
    const thu17 = new Date(at(thu10).getTime() + 7 * 3_600_000);
    expect(iso(latestWorkingTimeAtOrBefore(at(fri10), WH, tz))).toBe(iso(thu17));
  });

  it.each([
    // New Year's Day: Thursday 31 December 10:00 + 1 working day = Monday 4 January 10:00.
    [ROME, '2026-12-31T09:00:00Z', '2027-01-04T09:00:00Z'],
    [NY, '2026-12-31T15:00:00Z', '2027-01-04T15:00:00Z'],
  ])('%s: 1 January is not working time either', (tz, thu, mon) => {
    expect(iso(addWorkingDays(at(thu), 1, WH, tz))).toBe(mon);
  });

  it('"next week" skips a holiday Monday', () => {
    const mondayOff: WorkingHours = {
      ...DEFAULT_WORKING_HOURS,
      holidays: (d) => d === '2026-12-28',
    };
    // From Wednesday 23 December in Rome: Tuesday 29 December 09:00.
    expect(iso(nextWeekMorning(at('2026-12-23T10:00:00Z'), mondayOff, ROME))).toBe(
      '2026-12-29T08:00:00Z',
    );
  });

  it('asks the calendar for the local date of the zone, not the UTC one', () => {
    const asked: string[] = [];
    const cal: HolidayCalendar = (d) => {
      asked.push(d);
      return false;
    };
    // 2026-12-24T23:30Z is already 25 December in Tokyo; still 24 December in New York.
    isWithinWorkingHours(
      at('2026-12-24T23:30:00Z'),
      { ...DEFAULT_WORKING_HOURS, holidays: cal },
      'Asia/Tokyo',
    );
    expect(asked).toContain('2026-12-25');
    asked.length = 0;
    isWithinWorkingHours(
      at('2026-12-24T23:30:01Z'),
      { ...DEFAULT_WORKING_HOURS, holidays: cal },
      NY,
    );
    expect(asked).toContain('2026-12-24');
  });

  it('remembers answers per calendar: the same hours without holidays still work on Christmas', () => {
    const fri = at('2026-12-25T09:00:00Z');
    expect(isWithinWorkingHours(fri, WH, ROME)).toBe(false);
    expect(isWithinWorkingHours(fri, { ...DEFAULT_WORKING_HOURS }, ROME)).toBe(true);
    expect(
      isWithinWorkingHours(fri, { ...DEFAULT_WORKING_HOURS, holidays: () => false }, ROME),
    ).toBe(true);
  });

  it('crosses a long closure', () => {
    // Closed all of August: from Friday 31 July 17:00 Rome, one working hour ends on 1 September.
    const august: WorkingHours = {
      ...DEFAULT_WORKING_HOURS,
      holidays: (d) => d.slice(5, 7) === '08',
    };
    expect(iso(addWorkingMinutes(at('2026-07-31T15:00:00Z'), 120, august, ROME))).toBe(
      '2026-09-01T08:00:00Z',
    );
  });

  it('refuses hours with no working day at all', () => {
    const never: WorkingHours = { ...DEFAULT_WORKING_HOURS, holidays: () => true };
    expect(() => clampToWorkingHours(at('2026-12-25T09:00:00Z'), never, ROME)).toThrow(
      /no working day/,
    );
  });
});

describe('the playbook’s holidays', () => {
  it('"2026-12-24" is that day, "08-14" that day every year', () => {
    const pb = parsePlaybook({ holidays: ['2026-12-24', '08-14'] });
    expect(pb.holidays).toEqual(['2026-12-24', '08-14']);
    const off = (iso: string) => !isWithinWorkingHours(at(iso), pb.workingHours, ROME);
    expect(off('2026-12-24T10:00:00Z')).toBe(true);
    expect(off('2027-12-24T10:00:00Z')).toBe(false); // a Friday, another year
    expect(off('2026-08-14T10:00:00Z')).toBe(true); // Friday
    expect(off('2028-08-14T10:00:00Z')).toBe(true); // Monday
    expect(off('2026-08-13T10:00:00Z')).toBe(false);
  });

  it('adds to the workspace’s public holidays', () => {
    const pb = withHolidays(parsePlaybook({ holidays: ['12-24'] }), CHRISTMAS);
    const off = (iso: string) => !isWithinWorkingHours(at(iso), pb.workingHours, ROME);
    expect(off('2026-12-24T10:00:00Z')).toBe(true);
    expect(off('2026-12-25T10:00:00Z')).toBe(true);
    expect(off('2026-12-28T10:00:00Z')).toBe(false);
    // Applied again (a second calendar), it starts from the playbook's own dates, not the old one.
    const again = withHolidays(pb, (d) => d === '2026-12-28');
    expect(isWithinWorkingHours(at('2026-12-25T10:00:00Z'), again.workingHours, ROME)).toBe(true);
    expect(isWithinWorkingHours(at('2026-12-24T10:00:00Z'), again.workingHours, ROME)).toBe(false);
    expect(isWithinWorkingHours(at('2026-12-28T10:00:00Z'), again.workingHours, ROME)).toBe(false);
  });

  it('none at all leaves the default playbook as it is', () => {
    expect(withHolidays(DEFAULT_PLAYBOOK)).toBe(DEFAULT_PLAYBOOK);
    expect(parsePlaybook({}).workingHours.holidays).toBeUndefined();
    expect(parsePlaybook({ holidays: [] }).holidays).toEqual([]);
  });

  it.each([
    [{ holidays: '2026-12-24' }, 'holidays', /list of dates/],
    [{ holidays: ['2026-12-24', 20261225] }, 'holidays[1]', /20261225 is not a date/],
    [{ holidays: ['2026-02-29'] }, 'holidays[0]', /not a date/],
    [{ holidays: ['13-01'] }, 'holidays[0]', /not a date/],
    [{ holidays: ['24/12'] }, 'holidays[0]', /"12-24" for every year/],
    [{ holidays: ['2026-12-00'] }, 'holidays[0]', /not a date/],
  ])('refuses %j at %s', (raw, path, problem) => {
    try {
      parsePlaybook(raw);
      expect.unreachable('accepted');
    } catch (e) {
      expect(e).toBeInstanceOf(PlaybookError);
      expect((e as PlaybookError).path).toBe(path);
      expect((e as PlaybookError).problem).toMatch(problem);
    }
  });

  it('takes 29 February every year (leap years only)', () => {
    const pb = parsePlaybook({ holidays: ['02-29', '2028-02-29'] });
    expect(isWithinWorkingHours(at('2028-02-29T10:00:00Z'), pb.workingHours, ROME)).toBe(false);
  });
});

/**
 * The walk: check-ins fell on 25 December and 1 January, an escalation and "gone quiet" on
 * 25 December. Each moves to the next working day, in Rome and in New York.
 */
describe('a case over Christmas', () => {
  const PB: Playbook = withHolidays(DEFAULT_PLAYBOOK, CHRISTMAS);
  const OWNER = 'U0OWNER01';
  const open = (tz: string, now: Date, severity: 'minor' | 'major' = 'major'): RecoveryCase =>
    openCase(openInput({ tz, severity, ownerId: OWNER, creatorId: OWNER }), PB, now).case;

  // [zone, Fri 18 Dec 10:00, Wed 23 Dec 10:00, Fri 25 Dec 10:00 → Mon 28 Dec 09:00 / 10:00, Fri 1 Jan 10:00 → Mon 4 Jan 09:00]
  const ZONES = [
    [
      ROME,
      '2026-12-18T09:00:00Z',
      '2026-12-23T09:00:00Z',
      '2026-12-28T08:00:00Z',
      '2026-12-28T09:00:00Z',
      '2027-01-04T08:00:00Z',
    ],
    [
      NY,
      '2026-12-18T15:00:00Z',
      '2026-12-23T15:00:00Z',
      '2026-12-28T14:00:00Z',
      '2026-12-28T15:00:00Z',
      '2027-01-04T14:00:00Z',
    ],
  ] as const;

  it.each(ZONES)(
    '%s: check-ins that fall on public holidays move to the Mondays after',
    (tz, fri18, _w, mon09, _m, jan4) => {
      // Accepted on Friday 18 December at 10:00: check-ins at +7 and +14 days fall on the Fridays
      // 25 December and 1 January.
      const c = recordAnswer(open(tz, at(fri18)), 'accepted', OWNER, PB, at(fri18)).case;
      const ci = findStep(c, 'check_in');
      expect(ci.status).toBe('pending');
      expect(iso(ci.dueAt)).toBe(mon09);
      expect(iso(nextCheckAt(c, ci, PB))).toBe(mon09);
      // The engine at Monday 09:00: the first check-in, and the next one on Monday 4 January.
      const p = planStep(c, ci, PB, tz, at(mon09));
      expect(p.reminders).toEqual([{ kind: 'cadence', occurrence: 1 }]);
      expect(iso(p.step.nextRemindAt)).toBe(jan4);
      // Without holidays they fall on the Fridays.
      const plain = recordAnswer(
        open(tz, at(fri18)),
        'accepted',
        OWNER,
        DEFAULT_PLAYBOOK,
        at(fri18),
      ).case;
      expect(iso(findStep(plain, 'check_in').dueAt)).toBe(
        iso(new Date(at(fri18).getTime() + 7 * DAY)),
      );
    },
  );

  it.each(ZONES)(
    '%s: an escalation due on 25 December comes on Monday',
    (tz, _f, wed23, _m9, mon10) => {
      // Minor: the own-up is due one working day after opening (Thursday 24, 10:00) and escalates
      // one working day after that.
      const c = open(tz, at(wed23), 'minor');
      const own = { ...findStep(c, 'own_up'), nextRemindAt: null };
      expect(iso(own.dueAt)).toBe(iso(new Date(at(wed23).getTime() + DAY)));
      expect(iso(nextCheckAt(c, own, PB))).toBe(mon10);
      expect(iso(nextCheckAt(c, own, DEFAULT_PLAYBOOK))).toBe(
        iso(new Date(at(wed23).getTime() + 2 * DAY)),
      );
    },
  );

  it.each(ZONES)(
    '%s: a case left alone from Friday 18 goes quiet on Monday 28, not on Christmas',
    (tz, fri18, _w, _m9, mon10) => {
      const c = open(tz, at(fri18));
      // Escalated already, nothing else planned: what is left to look at is going quiet (5 working days).
      const own = { ...findStep(c, 'own_up'), nextRemindAt: null, escalatedAt: at(fri18) };
      expect(iso(nextCheckAt(c, own, PB))).toBe(mon10);
      expect(iso(nextCheckAt(c, own, DEFAULT_PLAYBOOK))).toBe(
        iso(new Date(at(fri18).getTime() + 7 * DAY)),
      );
    },
  );
});
