import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError, configWith, loadConfig } from '../src/config.js';
import { DEFAULT_PLAYBOOK } from '../src/domain/playbook.js';
import { isWithinWorkingHours } from '../src/domain/workingTime.js';
import { HolidaysError, publicHolidays } from '../src/holidays.js';

function problemsOf(env: NodeJS.ProcessEnv): string[] {
  try {
    loadConfig(env);
  } catch (e) {
    if (e instanceof ConfigError) return e.problems;
    throw e;
  }
  throw new Error('expected loadConfig to throw a ConfigError');
}

describe('publicHolidays (date-holidays)', () => {
  it('Italy: Christmas, Santo Stefano, New Year, Epiphany, Ferragosto are holidays', () => {
    const { setting, calendar } = publicHolidays('IT');
    expect(setting).toBe('IT');
    for (const d of ['2026-12-25', '2026-12-26', '2027-01-01', '2027-01-06', '2026-08-15'])
      expect(calendar(d), d).toBe(true);
  });

  it('Italy: an ordinary day around them is not a holiday', () => {
    const { calendar } = publicHolidays('IT');
    for (const d of ['2026-12-24', '2026-12-28', '2026-12-31']) expect(calendar(d), d).toBe(false);
  });

  it('New York: the state’s own (Lincoln’s Birthday) on top of the federal ones', () => {
    const { setting, calendar } = publicHolidays('us-ny');
    expect(setting).toBe('US-NY');
    expect(calendar('2026-12-25')).toBe(true);
    expect(calendar('2027-01-01')).toBe(true);
    expect(calendar('2026-11-26')).toBe(true); // Thanksgiving
    expect(calendar('2026-02-12')).toBe(true); // Lincoln's Birthday, New York only
    expect(publicHolidays('US').calendar('2026-02-12')).toBe(false);
  });

  it('public days only: not optional (US Christmas Eve), bank (German afternoons) or observances', () => {
    expect(publicHolidays('US-NY').calendar('2026-12-24')).toBe(false); // optional
    expect(publicHolidays('US-NY').calendar('2026-11-27')).toBe(false); // observance
    expect(publicHolidays('DE-BY').calendar('2026-12-24')).toBe(false); // bank, from 14:00
  });

  it('a substitute day is a day off: Christmas 2021 (a Saturday) was observed on Friday 24', () => {
    expect(publicHolidays('US').calendar('2021-12-24')).toBe(true);
  });

  it('a region of a state: Augsburg keeps the Peace Festival that the rest of Bavaria works', () => {
    expect(publicHolidays('DE-BY-A').setting).toBe('DE-BY-A');
    expect(publicHolidays('DE-BY-A').calendar('2026-08-08')).toBe(true);
    expect(publicHolidays('DE-BY').calendar('2026-08-08')).toBe(false);
  });

  it.each([
    ['XX', /^HOLIDAYS: "XX" is not a country date-holidays knows; write a code such as IT, US-NY/],
    ['US-ZZ', /^HOLIDAYS: "ZZ" is not a region of US date-holidays knows \(AL, AK, .*NY/],
    ['DE-BY-ZZ', /^HOLIDAYS: "ZZ" is not a region of DE-BY date-holidays knows \(A, /],
    ['Italy please', /^HOLIDAYS must be a country code with an optional region/],
    ['IT-RM-X-Y', /^HOLIDAYS must be a country code/],
  ])('%s is refused in one line naming what to write', (setting, message) => {
    expect(() => publicHolidays(setting)).toThrow(HolidaysError);
    try {
      publicHolidays(setting);
    } catch (e) {
      expect((e as Error).message).toMatch(message);
      expect((e as Error).message).not.toContain('\n');
    }
  });
});

describe('HOLIDAYS in the configuration', () => {
  const dir = mkdtempSync(join(tmpdir(), 'amends-holidays-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const ROME = 'Europe/Rome';
  const working = (c: { playbook: typeof DEFAULT_PLAYBOOK }, iso: string) =>
    isWithinWorkingHours(new Date(iso), c.playbook.workingHours, ROME);

  it('unset: no holidays, the default playbook as it is', () => {
    const c = loadConfig({});
    expect(c.holidays).toBeNull();
    expect(c.playbook).toBe(DEFAULT_PLAYBOOK);
    expect(working(c, '2026-12-25T09:00:00Z')).toBe(true);
  });

  it('HOLIDAYS=IT closes the working hours on Italy’s public holidays', () => {
    const c = loadConfig({ HOLIDAYS: ' it ' });
    expect(c.holidays).toBe('IT');
    expect(working(c, '2026-12-25T09:00:00Z')).toBe(false);
    expect(working(c, '2026-12-28T09:00:00Z')).toBe(true);
  });

  it('with a playbook’s own dates: both count', () => {
    const p = join(dir, 'pb.yml');
    writeFileSync(p, 'holidays: ["12-24", 2026-12-31]\n');
    const c = loadConfig({ HOLIDAYS: 'IT', PLAYBOOK: p });
    expect(c.playbook.holidays).toEqual(['12-24', '2026-12-31']);
    for (const d of ['2026-12-24', '2026-12-25', '2026-12-31', '2027-01-01'])
      expect(working(c, `${d}T09:00:00Z`), d).toBe(false);
    expect(working(c, '2026-12-30T09:00:00Z')).toBe(true);
  });

  it('an unknown country or region stops start-up with one line', () => {
    expect(problemsOf({ HOLIDAYS: 'ZZ' })).toEqual([
      'HOLIDAYS: "ZZ" is not a country date-holidays knows; write a code such as IT, US-NY or DE-BY (got "ZZ")',
    ]);
    const [line, ...rest] = problemsOf({ HOLIDAYS: 'IT-XX', PORT: 'x' }).filter((l) =>
      l.startsWith('HOLIDAYS'),
    );
    expect(rest).toEqual([]);
    expect(line).toMatch(/^HOLIDAYS: "XX" is not a region of IT date-holidays knows \(/);
  });

  it('a bad date in the playbook’s holidays names the field', () => {
    const p = join(dir, 'bad.yml');
    writeFileSync(p, 'holidays: ["2026-13-01"]\n');
    expect(problemsOf({ PLAYBOOK: p })).toEqual([
      `PLAYBOOK ${p}: holidays[0]: "2026-13-01" is not a date (write "2026-12-24" for that day, or "12-24" for every year)`,
    ]);
  });

  it('configWith (tests, sandbox, benchmark) takes the same setting', () => {
    const c = configWith({ mode: 'sandbox', databasePath: ':memory:', holidays: 'US-NY' });
    expect(c.holidays).toBe('US-NY');
    expect(
      isWithinWorkingHours(
        new Date('2026-12-25T15:00:00Z'),
        c.playbook.workingHours,
        'America/New_York',
      ),
    ).toBe(false);
  });
});
