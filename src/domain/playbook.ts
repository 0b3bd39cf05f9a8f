import { type Duration, parseDuration } from './duration.js';
import {
  DEFAULT_WORKING_HOURS,
  type HolidayCalendar,
  parseHHMM,
  type WorkingHours,
} from './workingTime.js';

export const SEVERITIES = ['minor', 'major', 'critical'] as const;
export type Severity = (typeof SEVERITIES)[number];

export const STEP_KEYS = [
  'own_up',
  'outline',
  'apologize',
  'meeting',
  'compensation',
  'corrective_changes',
  'fix_meeting',
  'client_answer',
  'keep_trying',
  'check_in',
] as const;
export type StepKey = (typeof STEP_KEYS)[number];

/** When a step becomes active: at opening, when another step is done, or on the client's answer. */
export type StepStart = 'opened' | 'refused' | 'accepted' | { readonly afterStep: StepKey };

/** When an active step is due: a span after it starts, at the recorded meeting, or never. */
export type DueSpec = Duration | 'meeting' | 'none';

export interface StepDef {
  readonly key: StepKey;
  /** Overrides the catalog title in every language when set. */
  readonly title: string | undefined;
  readonly optional: boolean;
  readonly starts: StepStart;
  readonly due: Readonly<Record<Severity, DueSpec>>;
  /** Nudge again every … until done, skipped or snoozed; null = only once. */
  readonly repeat: Duration | null;
  /** Overdue by this much → one escalation; null = never. */
  readonly escalateAfter: Readonly<Record<Severity, Duration | null>>;
  readonly ignoreWorkingHours: Readonly<Record<Severity, boolean>>;
  /** Cadence steps (keep_trying, check_in): nudges at these day offsets from the start instead of `due`/`repeat`. */
  readonly cadenceDays: readonly number[] | null;
}

/**
 * How often a case may speak, whatever its steps want: the calm default keeps a case that lasts
 * weeks from turning into noise (see docs/guide.md, "Reminders: the calm policy").
 */
export interface CalmPolicy {
  /** Owner posts (nudges, escalations) per case per working day. */
  readonly nudgesPerDay: number;
  /** A critical case's own-up may be nudged this often on the case's first day. */
  readonly criticalOwnUpPerDay: number;
  /** No action for this long: the case goes quiet (escalates once, then weekly). */
  readonly quietAfter: Duration;
  /** A quiet case's nudge interval, in calendar days. */
  readonly quietEveryDays: number;
  /** A person with this many cases due in one working morning gets one digest message instead of mentions. */
  readonly digestMin: number;
}

export interface Playbook {
  /** Carries the holidays (see withHolidays): no working time on them. */
  readonly workingHours: WorkingHours;
  /**
   * Days off beyond the workspace's public holidays (HOLIDAYS): "2026-12-24" is that day,
   * "12-24" that day every year.
   */
  readonly holidays: readonly string[];
  readonly calm: CalmPolicy;
  /** A user (U…/W…) or user group (S…) also mentioned on escalations. */
  readonly escalationTarget: string | null;
  readonly steps: readonly StepDef[];
}

const d = (s: string): Duration => {
  const r = parseDuration(s);
  if (!r) throw new Error(`bad built-in duration ${s}`);
  return r;
};
const all = <T>(v: T): Record<Severity, T> => ({ minor: v, major: v, critical: v });

const base = {
  title: undefined,
  optional: false,
  starts: 'opened' as StepStart,
  repeat: d('1wd'),
  escalateAfter: all<Duration | null>(d('1wd')),
  ignoreWorkingHours: all(false),
  cadenceDays: null,
};

/** The method in ../shared/recovery-method.md as data. */
export const DEFAULT_CALM: CalmPolicy = {
  nudgesPerDay: 1,
  criticalOwnUpPerDay: 3,
  quietAfter: d('5wd'),
  quietEveryDays: 7,
  digestMin: 3,
};

export const DEFAULT_PLAYBOOK: Playbook = {
  workingHours: DEFAULT_WORKING_HOURS,
  holidays: [],
  calm: DEFAULT_CALM,
  escalationTarget: null,
  steps: [
    {
      ...base,
      key: 'own_up',
      due: { minor: d('1wd'), major: d('4wh'), critical: d('2h') },
      repeat: d('4wh'),
      escalateAfter: { minor: d('1wd'), major: d('1wd'), critical: d('2h') },
      ignoreWorkingHours: { minor: false, major: false, critical: true },
    },
    { ...base, key: 'outline', due: all<DueSpec>(d('1wd')) },
    { ...base, key: 'apologize', due: all<DueSpec>('meeting') },
    { ...base, key: 'meeting', due: all<DueSpec>(d('2wd')) },
    { ...base, key: 'compensation', optional: true, due: all<DueSpec>('meeting') },
    { ...base, key: 'corrective_changes', due: all<DueSpec>(d('5wd')) },
    {
      // When the fix needs time: meet again to show it (no nudges; booked when it fits).
      ...base,
      key: 'fix_meeting',
      optional: true,
      starts: { afterStep: 'meeting' },
      due: all<DueSpec>('none'),
      repeat: null,
      escalateAfter: all<Duration | null>(null),
    },
    {
      ...base,
      key: 'client_answer',
      starts: { afterStep: 'corrective_changes' },
      due: all<DueSpec>(d('2wd')),
    },
    {
      ...base,
      key: 'keep_trying',
      starts: 'refused',
      due: all<DueSpec>('none'),
      repeat: null,
      escalateAfter: all<Duration | null>(null),
      cadenceDays: [7, 14, 30, 60, 90],
    },
    {
      ...base,
      key: 'check_in',
      optional: true,
      starts: 'accepted',
      due: all<DueSpec>('none'),
      repeat: null,
      escalateAfter: all<Duration | null>(null),
      cadenceDays: [7, 14, 21, 28],
    },
  ],
};

export function stepDef(pb: Playbook, key: StepKey): StepDef | undefined {
  return pb.steps.find((s) => s.key === key);
}

/** A playbook file that cannot be used; `path` names the field (e.g. `steps[2].due.major`). */
export class PlaybookError extends Error {
  constructor(
    readonly path: string,
    readonly problem: string,
  ) {
    super(`${path}: ${problem}`);
    this.name = 'PlaybookError';
  }
}

const DAY_NAMES: Record<string, number> = {
  mon: 1,
  tue: 2,
  wed: 3,
  thu: 4,
  fri: 5,
  sat: 6,
  sun: 7,
};
const isObj = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

function checkKeys(o: Record<string, unknown>, allowed: readonly string[], path: string): void {
  for (const k of Object.keys(o)) {
    if (!allowed.includes(k))
      throw new PlaybookError(
        path ? `${path}.${k}` : k,
        `unknown field (allowed: ${allowed.join(', ')})`,
      );
  }
}

function duration(v: unknown, path: string): Duration {
  const r = typeof v === 'string' ? parseDuration(v) : null;
  if (!r)
    throw new PlaybookError(
      path,
      `${JSON.stringify(v)} is not a duration (write e.g. 30m, 2h, 4wh, 1wd, 7d)`,
    );
  return r;
}

function perSeverity<T>(
  v: unknown,
  path: string,
  fallback: Record<Severity, T>,
  one: (x: unknown, p: string) => T,
): Record<Severity, T> {
  if (v === undefined) return fallback;
  if (!isObj(v)) {
    const x = one(v, path);
    return { minor: x, major: x, critical: x };
  }
  checkKeys(v, SEVERITIES, path);
  return {
    minor: v.minor === undefined ? fallback.minor : one(v.minor, `${path}.minor`),
    major: v.major === undefined ? fallback.major : one(v.major, `${path}.major`),
    critical: v.critical === undefined ? fallback.critical : one(v.critical, `${path}.critical`),
  };
}

function workingHours(v: unknown): WorkingHours {
  if (v === undefined) return DEFAULT_WORKING_HOURS;
  if (!isObj(v))
    throw new PlaybookError('workingHours', 'must be an object with start, end and days');
  checkKeys(v, ['start', 'end', 'days'], 'workingHours');
  const start = v.start ?? DEFAULT_WORKING_HOURS.start;
  const end = v.end ?? DEFAULT_WORKING_HOURS.end;
  for (const [k, t] of [
    ['start', start],
    ['end', end],
  ] as const) {
    if (typeof t !== 'string' || !parseHHMM(t))
      throw new PlaybookError(
        `workingHours.${k}`,
        `${JSON.stringify(t)} is not a time (write HH:MM, e.g. "09:00")`,
      );
  }
  if ((start as string) >= (end as string))
    throw new PlaybookError('workingHours.end', `must be later than start (${String(start)})`);
  let days: number[] = [...DEFAULT_WORKING_HOURS.days];
  if (v.days !== undefined) {
    if (!Array.isArray(v.days) || v.days.length === 0)
      throw new PlaybookError(
        'workingHours.days',
        'must be a non-empty list such as [mon, tue, wed, thu, fri]',
      );
    days = v.days.map((x, i) => {
      const n = typeof x === 'number' ? x : DAY_NAMES[String(x).toLowerCase().slice(0, 3)];
      if (!n || n < 1 || n > 7 || !Number.isInteger(n))
        throw new PlaybookError(
          `workingHours.days[${i}]`,
          `${JSON.stringify(x)} is not a weekday (mon…sun or 1…7)`,
        );
      return n;
    });
  }
  return { start: start as string, end: end as string, days: [...new Set(days)].sort() };
}

const HOLIDAY_DATE = /^(?:(\d{4})-)?(\d{2})-(\d{2})$/;

function holidayDates(v: unknown): string[] {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v))
    throw new PlaybookError('holidays', 'must be a list of dates such as ["2026-12-24", "08-14"]');
  return v.map((x, i) => {
    const m = typeof x === 'string' ? HOLIDAY_DATE.exec(x.trim()) : null;
    // A year's own date must exist that year; "02-29" exists in leap years.
    const [year, month, day] = m ? [Number(m[1] ?? 2024), Number(m[2]), Number(m[3])] : [0, 0, 0];
    const real = new Date(Date.UTC(year, month - 1, day));
    if (!m || month < 1 || day < 1 || real.getUTCMonth() !== month - 1)
      throw new PlaybookError(
        `holidays[${i}]`,
        `${JSON.stringify(x)} is not a date (write "2026-12-24" for that day, or "12-24" for every year)`,
      );
    return (x as string).trim();
  });
}

/**
 * The playbook with its working hours closed on its own `holidays` and on `calendar`'s dates (the
 * workspace's public holidays, built at composition from HOLIDAYS). Every working-time computation
 * reads the playbook's working hours, so due times, nudges, follow-up dates, escalations and going
 * quiet all step over them.
 */
export function withHolidays(pb: Playbook, calendar: HolidayCalendar | null = null): Playbook {
  const { holidays: before, ...hours } = pb.workingHours;
  const exact = new Set(pb.holidays.filter((d) => d.length === 10));
  const yearly = new Set(pb.holidays.filter((d) => d.length === 5));
  const own: HolidayCalendar | null = pb.holidays.length
    ? (date) => exact.has(date) || yearly.has(date.slice(5))
    : null;
  const holidays: HolidayCalendar | null =
    own && calendar ? (date) => own(date) || calendar(date) : (own ?? calendar);
  if (!holidays && !before) return pb;
  return { ...pb, workingHours: holidays ? { ...hours, holidays } : hours };
}

function wholeNumber(v: unknown, path: string, min: number, max: number): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max)
    throw new PlaybookError(
      path,
      `${JSON.stringify(v)} must be a whole number from ${min} to ${max}`,
    );
  return v;
}

/** `reminders:` in a playbook file: the calm policy's numbers. */
function calmPolicy(v: unknown): CalmPolicy {
  if (v === undefined) return DEFAULT_CALM;
  if (!isObj(v))
    throw new PlaybookError(
      'reminders',
      'must be an object with nudgesPerDay, criticalOwnUpPerDay, quietAfter, quietEveryDays and/or digestMin',
    );
  checkKeys(
    v,
    ['nudgesPerDay', 'criticalOwnUpPerDay', 'quietAfter', 'quietEveryDays', 'digestMin'],
    'reminders',
  );
  // A number left out keeps its default.
  const count = (
    k: 'nudgesPerDay' | 'criticalOwnUpPerDay' | 'quietEveryDays' | 'digestMin',
    min: number,
    max: number,
  ): number =>
    v[k] === undefined ? DEFAULT_CALM[k] : wholeNumber(v[k], `reminders.${k}`, min, max);
  return {
    nudgesPerDay: count('nudgesPerDay', 1, 10),
    criticalOwnUpPerDay: count('criticalOwnUpPerDay', 1, 10),
    quietAfter:
      v.quietAfter === undefined
        ? DEFAULT_CALM.quietAfter
        : duration(v.quietAfter, 'reminders.quietAfter'),
    quietEveryDays: count('quietEveryDays', 1, 90),
    digestMin: count('digestMin', 2, 100),
  };
}

function dueSpec(v: unknown, p: string): DueSpec {
  if (v === 'meeting' || v === 'none') return v;
  return duration(v, p);
}

function step(v: unknown, i: number, seen: Set<string>): StepDef {
  const p = `steps[${i}]`;
  if (!isObj(v)) throw new PlaybookError(p, 'must be an object with at least a key');
  checkKeys(
    v,
    [
      'key',
      'title',
      'optional',
      'due',
      'repeat',
      'escalateAfter',
      'ignoreWorkingHours',
      'cadenceDays',
    ],
    p,
  );
  const key = v.key;
  if (typeof key !== 'string' || !(STEP_KEYS as readonly string[]).includes(key)) {
    throw new PlaybookError(
      `${p}.key`,
      `${JSON.stringify(key)} is not a step (one of ${STEP_KEYS.join(', ')})`,
    );
  }
  if (seen.has(key)) throw new PlaybookError(`${p}.key`, `${key} is listed twice`);
  seen.add(key);
  const def = stepDef(DEFAULT_PLAYBOOK, key as StepKey) as StepDef;
  if (
    v.title !== undefined &&
    (typeof v.title !== 'string' || !v.title.trim() || v.title.length > 80)
  ) {
    throw new PlaybookError(`${p}.title`, 'must be text of 1 to 80 characters');
  }
  if (v.optional !== undefined && typeof v.optional !== 'boolean')
    throw new PlaybookError(`${p}.optional`, 'must be true or false');
  let cadenceDays = def.cadenceDays;
  if (v.cadenceDays !== undefined) {
    if (!def.cadenceDays)
      throw new PlaybookError(`${p}.cadenceDays`, 'only keep_trying and check_in follow a cadence');
    if (!Array.isArray(v.cadenceDays) || v.cadenceDays.length === 0 || v.cadenceDays.length > 50) {
      throw new PlaybookError(
        `${p}.cadenceDays`,
        'must be a list of 1 to 50 day offsets, e.g. [7, 14, 30]',
      );
    }
    let prev = 0;
    cadenceDays = v.cadenceDays.map((x, j) => {
      if (typeof x !== 'number' || !Number.isInteger(x) || x <= prev || x > 3650) {
        throw new PlaybookError(
          `${p}.cadenceDays[${j}]`,
          `${JSON.stringify(x)} must be a whole number of days, larger than the one before`,
        );
      }
      prev = x;
      return x;
    });
  }
  return {
    ...def,
    title: typeof v.title === 'string' ? v.title.trim() : undefined,
    optional: typeof v.optional === 'boolean' ? v.optional : def.optional,
    due: perSeverity(v.due, `${p}.due`, def.due, dueSpec),
    repeat:
      v.repeat === undefined
        ? def.repeat
        : v.repeat === null || v.repeat === 'none'
          ? null
          : duration(v.repeat, `${p}.repeat`),
    escalateAfter: perSeverity(v.escalateAfter, `${p}.escalateAfter`, def.escalateAfter, (x, q) =>
      x === null || x === 'none' ? null : duration(x, q),
    ),
    ignoreWorkingHours: perSeverity(
      v.ignoreWorkingHours,
      `${p}.ignoreWorkingHours`,
      def.ignoreWorkingHours,
      (x, q) => {
        if (typeof x !== 'boolean') throw new PlaybookError(q, 'must be true or false');
        return x;
      },
    ),
    cadenceDays,
  };
}

/** Validates a parsed PLAYBOOK file (YAML or JSON) and merges it over the default playbook. */
export function parsePlaybook(raw: unknown): Playbook {
  if (!isObj(raw))
    throw new PlaybookError(
      '(top level)',
      'must be a mapping with workingHours, escalationTarget and/or steps',
    );
  checkKeys(raw, ['workingHours', 'holidays', 'escalationTarget', 'reminders', 'steps'], '');
  const et = raw.escalationTarget;
  if (
    et !== undefined &&
    et !== null &&
    (typeof et !== 'string' || !/^[UWS][A-Z0-9]{2,}$/.test(et))
  ) {
    throw new PlaybookError(
      'escalationTarget',
      `${JSON.stringify(et)} is not a Slack user id (U…) or user group id (S…)`,
    );
  }
  let steps = DEFAULT_PLAYBOOK.steps;
  if (raw.steps !== undefined) {
    if (!Array.isArray(raw.steps) || raw.steps.length === 0)
      throw new PlaybookError('steps', 'must be a non-empty list of steps');
    const seen = new Set<string>();
    steps = raw.steps.map((s, i) => step(s, i, seen));
    if (!seen.has('own_up'))
      throw new PlaybookError(
        'steps',
        'must include own_up: telling the client is the heart of the method',
      );
    for (const [i, s] of steps.entries()) {
      if (typeof s.starts === 'object' && !seen.has(s.starts.afterStep)) {
        throw new PlaybookError(
          `steps[${i}]`,
          `${s.key} starts after ${s.starts.afterStep}, which the playbook leaves out`,
        );
      }
    }
  }
  return withHolidays({
    workingHours: workingHours(raw.workingHours),
    holidays: holidayDates(raw.holidays),
    calm: calmPolicy(raw.reminders),
    escalationTarget: (et as string | null | undefined) ?? null,
    steps,
  });
}
