import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_PLAYBOOK,
  type Playbook,
  PlaybookError,
  parsePlaybook,
  SEVERITIES,
  STEP_KEYS,
  type StepDef,
  type StepKey,
  stepDef,
} from '../../src/domain/playbook.js';

const def = (pb: Playbook, key: StepKey): StepDef => {
  const s = stepDef(pb, key);
  if (!s) throw new Error(`playbook has no ${key}`);
  return s;
};
const dur = (amount: number, unit: 'm' | 'h' | 'd' | 'wh' | 'wd') => ({ amount, unit });
const allSev = <T>(v: T) => ({ minor: v, major: v, critical: v });

function playbookError(raw: unknown): PlaybookError {
  try {
    parsePlaybook(raw);
  } catch (e) {
    if (e instanceof PlaybookError) return e;
    throw new Error(`expected a PlaybookError, got ${String(e)}`);
  }
  throw new Error('expected parsePlaybook to throw');
}

describe('the default playbook (shared/recovery-method.md)', () => {
  const pb = DEFAULT_PLAYBOOK;

  it('lists every step once, in the method’s order (the guide’s playbook table)', () => {
    expect(pb.steps.map((s) => s.key)).toEqual([...STEP_KEYS]);
    // The guide documents the default playbook step by step: `| own_up | …`, `| compensation
    // (optional) | …`. The code and the page a team reads must list the same steps, in one order.
    const guide = readFileSync(
      fileURLToPath(new URL('../../docs/guide.md', import.meta.url)),
      'utf8',
    );
    const table = guide.slice(guide.indexOf('| step | default due |'));
    // The table's rows, below its header and separator, up to the blank line that ends it.
    const rows = table
      .slice(0, table.indexOf('\n\n'))
      .split('\n')
      .slice(2)
      .map((line) => /^\| ([a-z_]+)( \(optional\))? \|/.exec(line) ?? []);
    expect(rows.map((m) => m[1])).toEqual([...STEP_KEYS]);
    expect(rows.map((m) => m[2] !== undefined)).toEqual(pb.steps.map((s) => s.optional));
  });

  it.each<[StepKey, unknown]>([
    ['own_up', { critical: dur(2, 'h'), major: dur(4, 'wh'), minor: dur(1, 'wd') }],
    ['outline', allSev(dur(1, 'wd'))],
    ['apologize', allSev('meeting')],
    ['meeting', allSev(dur(2, 'wd'))],
    ['compensation', allSev('meeting')],
    ['corrective_changes', allSev(dur(5, 'wd'))],
    ['keep_trying', allSev('none')],
    ['check_in', allSev('none')],
  ])('%s is due %j', (key, due) => {
    expect(def(pb, key).due).toEqual(due);
  });

  it('client_answer starts after the corrective changes are reported', () => {
    expect(def(pb, 'client_answer').starts).toEqual({ afterStep: 'corrective_changes' });
  });

  it.each<[StepKey, unknown]>([
    ['own_up', 'opened'],
    ['outline', 'opened'],
    ['apologize', 'opened'],
    ['meeting', 'opened'],
    ['compensation', 'opened'],
    ['corrective_changes', 'opened'],
    ['keep_trying', 'refused'],
    ['check_in', 'accepted'],
  ])('%s starts when %j', (key, starts) => {
    expect(def(pb, key).starts).toEqual(starts);
  });

  it('only compensation, the second meeting (to show the fix), check-ins are optional', () => {
    expect(pb.steps.filter((s) => s.optional).map((s) => s.key)).toEqual([
      'compensation',
      'fix_meeting',
      'check_in',
    ]);
  });

  it('the meeting to show the fix starts after the first meeting, never due, never nagging', () => {
    // Booked when the fix is ready: it starts after the first meeting, is never due, never nags.
    expect(def(pb, 'fix_meeting')).toMatchObject({
      starts: { afterStep: 'meeting' },
      due: allSev('none'),
      repeat: null,
    });
  });

  it('keep_trying follows up at +7, +14, +30, +60, +90 days', () => {
    expect(def(pb, 'keep_trying').cadenceDays).toEqual([7, 14, 30, 60, 90]);
  });

  it('check_in follows up weekly for 4 weeks', () => {
    expect(def(pb, 'check_in').cadenceDays).toEqual([7, 14, 21, 28]);
  });

  it('no step but keep_trying, check_in follows a cadence', () => {
    const cadence = pb.steps.filter((s) => s.cadenceDays).map((s) => s.key);
    expect(cadence).toEqual(['keep_trying', 'check_in']);
  });

  it('only a critical own_up ignores working hours', () => {
    for (const s of pb.steps) {
      for (const sev of SEVERITIES) {
        expect(s.ignoreWorkingHours[sev], `${s.key}/${sev}`).toBe(
          s.key === 'own_up' && sev === 'critical',
        );
      }
    }
  });

  it('a critical own_up escalates after 2 hours', () => {
    expect(def(pb, 'own_up').escalateAfter.critical).toEqual(dur(2, 'h'));
  });

  it('works 09:00–18:00 Monday to Friday', () => {
    expect(pb.workingHours).toEqual({ start: '09:00', end: '18:00', days: [1, 2, 3, 4, 5] });
  });

  it('escalates to nobody extra', () => {
    expect(pb.escalationTarget).toBeNull();
  });

  it('an empty file means the default playbook', () => {
    expect(parsePlaybook({})).toEqual(DEFAULT_PLAYBOOK);
  });
});

describe('parsePlaybook overrides merge over the defaults', () => {
  it('working hours with day names, any case, duplicates removed, sorted', () => {
    const pb = parsePlaybook({
      workingHours: {
        start: '08:30',
        end: '17:30',
        days: ['fri', 'Mon', 'TUESDAY', 3, 'thu', 'mon'],
      },
    });
    expect(pb.workingHours).toEqual({ start: '08:30', end: '17:30', days: [1, 2, 3, 4, 5] });
    expect(pb.steps).toEqual(DEFAULT_PLAYBOOK.steps);
  });

  it('a partial workingHours keeps the other defaults', () => {
    expect(parsePlaybook({ workingHours: { start: '10:00' } }).workingHours).toEqual({
      start: '10:00',
      end: '18:00',
      days: [1, 2, 3, 4, 5],
    });
    expect(parsePlaybook({ workingHours: { days: ['sat', 'sun'] } }).workingHours.days).toEqual([
      6, 7,
    ]);
  });

  it('the steps are those listed, in that order, with their defaults', () => {
    const pb = parsePlaybook({
      steps: [{ key: 'outline' }, { key: 'own_up' }, { key: 'meeting' }],
    });
    expect(pb.steps.map((s) => s.key)).toEqual(['outline', 'own_up', 'meeting']);
    expect(def(pb, 'outline')).toEqual(def(DEFAULT_PLAYBOOK, 'outline'));
  });

  const overridden = () =>
    parsePlaybook({
      steps: [
        { key: 'own_up', title: '  Call the client  ', due: { critical: '1h' } },
        { key: 'compensation', optional: false },
        { key: 'corrective_changes', optional: true },
      ],
    });

  it('a step’s title is taken trimmed', () => {
    expect(def(overridden(), 'own_up').title).toBe('Call the client');
  });

  it('a step given no title leaves it unset', () => {
    const pb = overridden();
    expect(def(pb, 'compensation').title).toBeUndefined();
  });

  it('a step’s optional flag is taken either way', () => {
    const pb = overridden();
    expect(def(pb, 'compensation').optional).toBe(false);
    expect(def(pb, 'corrective_changes').optional).toBe(true);
  });

  it('one severity’s due changes that due alone', () => {
    const ownUp = def(overridden(), 'own_up');
    expect(ownUp.due).toEqual({ critical: dur(1, 'h'), major: dur(4, 'wh'), minor: dur(1, 'wd') });
    expect(ownUp.repeat).toEqual(def(DEFAULT_PLAYBOOK, 'own_up').repeat);
    expect(ownUp.ignoreWorkingHours).toEqual(def(DEFAULT_PLAYBOOK, 'own_up').ignoreWorkingHours);
  });

  it('one value for due, escalateAfter or ignoreWorkingHours applies to every severity', () => {
    const pb = parsePlaybook({
      steps: [
        { key: 'own_up', due: '3h', escalateAfter: '1d', ignoreWorkingHours: true },
        { key: 'meeting', due: 'meeting' },
        { key: 'outline', due: 'none' },
      ],
    });
    expect(def(pb, 'own_up').due).toEqual(allSev(dur(3, 'h')));
    expect(def(pb, 'own_up').escalateAfter).toEqual(allSev(dur(1, 'd')));
    expect(def(pb, 'own_up').ignoreWorkingHours).toEqual(allSev(true));
    expect(def(pb, 'meeting').due).toEqual(allSev('meeting'));
    expect(def(pb, 'outline').due).toEqual(allSev('none'));
  });

  const never = (value: null | 'none') =>
    def(
      parsePlaybook({ steps: [{ key: 'own_up', repeat: value, escalateAfter: { major: value } }] }),
      'own_up',
    );

  it.each([null, 'none'] as const)('repeat accepts %j as "never"', (value) => {
    expect(never(value).repeat).toBeNull();
  });

  it.each([null, 'none'] as const)('escalateAfter accepts %j as "never"', (value) => {
    expect(never(value).escalateAfter).toEqual({
      minor: dur(1, 'wd'),
      major: null,
      critical: dur(2, 'h'),
    });
  });

  it('cadenceDays replace the default cadence', () => {
    const pb = parsePlaybook({
      steps: [{ key: 'own_up' }, { key: 'keep_trying', cadenceDays: [3, 10, 30] }],
    });
    expect(def(pb, 'keep_trying').cadenceDays).toEqual([3, 10, 30]);
  });

  it.each([
    ['S0123ABCD', 'S0123ABCD'],
    ['U0123ABCD', 'U0123ABCD'],
    ['W0123ABCD', 'W0123ABCD'],
    [null, null],
  ])('escalationTarget %j', (raw, expected) => {
    expect(parsePlaybook({ escalationTarget: raw }).escalationTarget).toBe(expected);
  });

  it('does not change the default playbook it merges over', () => {
    const before = JSON.stringify(DEFAULT_PLAYBOOK);
    parsePlaybook({
      workingHours: { start: '07:00', days: ['sat'] },
      steps: [
        { key: 'own_up', title: 'X', due: '1h' },
        { key: 'keep_trying', cadenceDays: [1] },
      ],
    });
    expect(JSON.stringify(DEFAULT_PLAYBOOK)).toBe(before);
  });
});

describe('parsePlaybook rejects bad input with the exact path', () => {
  const ownUp = { key: 'own_up' };
  const outline = { key: 'outline' };
  it.each<[string, unknown, string, RegExp]>([
    ['not a mapping', null, '(top level)', /mapping/],
    ['a list', [], '(top level)', /mapping/],
    ['a string', 'own_up', '(top level)', /mapping/],
    ['unknown top-level field', { colour: 'red' }, 'colour', /unknown field/],
    ['workingHours not an object', { workingHours: '9-18' }, 'workingHours', /object/],
    [
      'unknown workingHours field',
      { workingHours: { lunch: '13:00' } },
      'workingHours.lunch',
      /unknown field/,
    ],
    ['start not HH:MM', { workingHours: { start: '9am' } }, 'workingHours.start', /not a time/],
    ['start a number', { workingHours: { start: 9 } }, 'workingHours.start', /not a time/],
    ['end out of range', { workingHours: { end: '25:00' } }, 'workingHours.end', /not a time/],
    [
      'end before start',
      { workingHours: { start: '18:00', end: '09:00' } },
      'workingHours.end',
      /later than start/,
    ],
    [
      'end equal to start',
      { workingHours: { start: '09:00', end: '09:00' } },
      'workingHours.end',
      /later than start/,
    ],
    ['no days', { workingHours: { days: [] } }, 'workingHours.days', /non-empty list/],
    ['days not a list', { workingHours: { days: 'mon' } }, 'workingHours.days', /non-empty list/],
    [
      'unknown day name',
      { workingHours: { days: ['mon', 'funday'] } },
      'workingHours.days[1]',
      /not a weekday/,
    ],
    ['day 0', { workingHours: { days: [0] } }, 'workingHours.days[0]', /not a weekday/],
    ['day 8', { workingHours: { days: [1, 8] } }, 'workingHours.days[1]', /not a weekday/],
    ['day 1.5', { workingHours: { days: [1.5] } }, 'workingHours.days[0]', /not a weekday/],
    [
      'escalationTarget a channel',
      { escalationTarget: 'C0123ABCD' },
      'escalationTarget',
      /user group/,
    ],
    ['escalationTarget a name', { escalationTarget: '@support' }, 'escalationTarget', /user id/],
    ['escalationTarget a number', { escalationTarget: 42 }, 'escalationTarget', /user id/],
    ['steps empty', { steps: [] }, 'steps', /non-empty/],
    ['steps not a list', { steps: 'own_up' }, 'steps', /non-empty/],
    ['own_up left out', { steps: [outline] }, 'steps', /own_up/],
    ['step not an object', { steps: ['own_up'] }, 'steps[0]', /object/],
    ['step without key', { steps: [{}] }, 'steps[0].key', /not a step/],
    ['unknown step key', { steps: [ownUp, { key: 'apology' }] }, 'steps[1].key', /not a step/],
    ['step listed twice', { steps: [ownUp, outline, ownUp] }, 'steps[2].key', /twice/],
    [
      'unknown step field',
      { steps: [{ key: 'own_up', colour: 'red' }] },
      'steps[0].colour',
      /unknown field/,
    ],
    [
      'bad due for one severity',
      { steps: [ownUp, outline, { key: 'meeting', due: { major: 'soon' } }] },
      'steps[2].due.major',
      /not a duration/,
    ],
    [
      'unknown severity',
      { steps: [{ key: 'own_up', due: { urgent: '1h' } }] },
      'steps[0].due.urgent',
      /unknown field/,
    ],
    ['zero due', { steps: [{ key: 'own_up', due: '0h' }] }, 'steps[0].due', /not a duration/],
    [
      'fractional working days',
      { steps: [{ key: 'own_up', due: '1.5wd' }] },
      'steps[0].due',
      /not a duration/,
    ],
    ['due a number', { steps: [{ key: 'own_up', due: 2 }] }, 'steps[0].due', /not a duration/],
    ['empty title', { steps: [{ key: 'own_up', title: '   ' }] }, 'steps[0].title', /1 to 80/],
    [
      'long title',
      { steps: [{ key: 'own_up', title: 'x'.repeat(81) }] },
      'steps[0].title',
      /1 to 80/,
    ],
    ['title a number', { steps: [{ key: 'own_up', title: 7 }] }, 'steps[0].title', /1 to 80/],
    [
      'optional not boolean',
      { steps: [{ key: 'own_up', optional: 'yes' }] },
      'steps[0].optional',
      /true or false/,
    ],
    [
      'bad repeat',
      { steps: [{ key: 'own_up', repeat: 'often' }] },
      'steps[0].repeat',
      /not a duration/,
    ],
    [
      'bad escalateAfter',
      { steps: [{ key: 'own_up', escalateAfter: { critical: 'fast' } }] },
      'steps[0].escalateAfter.critical',
      /not a duration/,
    ],
    [
      'ignoreWorkingHours not boolean',
      { steps: [{ key: 'own_up', ignoreWorkingHours: { critical: 'yes' } }] },
      'steps[0].ignoreWorkingHours.critical',
      /true or false/,
    ],
    [
      'ignoreWorkingHours one non-boolean',
      { steps: [{ key: 'own_up', ignoreWorkingHours: 1 }] },
      'steps[0].ignoreWorkingHours',
      /true or false/,
    ],
    [
      'cadence on a non-cadence step',
      { steps: [ownUp, { key: 'outline', cadenceDays: [1] }] },
      'steps[1].cadenceDays',
      /only keep_trying and check_in/,
    ],
    [
      'empty cadence',
      { steps: [ownUp, { key: 'keep_trying', cadenceDays: [] }] },
      'steps[1].cadenceDays',
      /1 to 50/,
    ],
    [
      'cadence not a list',
      { steps: [ownUp, { key: 'keep_trying', cadenceDays: 'weekly' }] },
      'steps[1].cadenceDays',
      /1 to 50/,
    ],
    [
      'cadence too long',
      {
        steps: [
          ownUp,
          { key: 'check_in', cadenceDays: Array.from({ length: 51 }, (_, i) => i + 1) },
        ],
      },
      'steps[1].cadenceDays',
      /1 to 50/,
    ],
    [
      'cadence not increasing',
      { steps: [ownUp, { key: 'keep_trying', cadenceDays: [7, 7] }] },
      'steps[1].cadenceDays[1]',
      /larger than the one before/,
    ],
    [
      'cadence day 0',
      { steps: [ownUp, { key: 'keep_trying', cadenceDays: [0, 7] }] },
      'steps[1].cadenceDays[0]',
      /whole number/,
    ],
    [
      'cadence fractional',
      { steps: [ownUp, { key: 'keep_trying', cadenceDays: [3, 7.5] }] },
      'steps[1].cadenceDays[1]',
      /whole number/,
    ],
    [
      'cadence over 10 years',
      { steps: [ownUp, { key: 'keep_trying', cadenceDays: [3651] }] },
      'steps[1].cadenceDays[0]',
      /whole number/,
    ],
    [
      'cadence as text',
      { steps: [ownUp, { key: 'keep_trying', cadenceDays: ['7'] }] },
      'steps[1].cadenceDays[0]',
      /whole number/,
    ],
    [
      'starts after a step left out',
      { steps: [ownUp, { key: 'client_answer' }] },
      'steps[1]',
      /corrective_changes/,
    ],
  ])('%s → %s', (_label, raw, path, problem) => {
    const e = playbookError(raw);
    expect(e.path).toBe(path);
    expect(e.problem).toMatch(problem);
    expect(e.message).toBe(`${path}: ${e.problem}`);
    expect(e.name).toBe('PlaybookError');
  });
});
