import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DEFAULT_PLAYBOOK,
  type Playbook,
  parsePlaybook,
  type Severity,
  type StepKey,
} from '../../src/domain/playbook.js';
import {
  ANSWER_TRANSITIONS,
  CASE_STATUSES,
  CASE_TRANSITIONS,
  type ClientAnswer,
  closeCase,
  completeStep,
  findStep,
  LIMITS,
  type OpenCaseInput,
  type Outline,
  openCase,
  ownUpMinutes,
  type RecoveryCase,
  recordAnswer,
  recordMeeting,
  STEP_TRANSITIONS,
  saveOutline,
  scheduleMoreFollowUps,
  skipStep,
  snoozeStep,
  stepView,
} from '../../src/domain/recoveryCase.js';
import { domainError, openInput } from '../helpers/builders.js';

const PB = DEFAULT_PLAYBOOK;
/** Wednesday 2026-01-14 11:00 in Rome (CET, UTC+1): mid-morning of a working day. */
const NOW = new Date('2026-01-14T10:00:00Z');
const OWNER = 'U0OWNER01';
const MATE = 'U0MATE001';
const at = (iso: string) => new Date(iso);
const later = (minutes: number) => new Date(NOW.getTime() + minutes * 60_000);

function input(o: Partial<OpenCaseInput> = {}): OpenCaseInput {
  return openInput({
    client: 'Acme Logistics',
    summary: 'We shipped the wrong pallets to Bologna.',
    ownerId: OWNER,
    creatorId: MATE,
    ...o,
  });
}

function open(o: Partial<OpenCaseInput> = {}, pb: Playbook = PB, now = NOW): RecoveryCase {
  return openCase(input(o), pb, now).case;
}

const step = (c: RecoveryCase, key: StepKey) => findStep(c, key);
const iso = (d: Date | null) => (d ? d.toISOString() : null);
/** The owner skips compensation (an optional step) with `note`, clicked on case version `version`. */
const skipCompensation = (c: RecoveryCase, note: string, version = 1) =>
  skipStep(c, { key: 'compensation', note, actor: OWNER, version }, PB, NOW);

describe('openCase', () => {
  it('a new case starts the steps triggered at opening, the others waiting', () => {
    const { case: c, event } = openCase(input(), PB, NOW);
    expect(c.status).toBe('open');
    expect(c.version).toBe(1);
    expect(c.createdAt).toEqual(NOW);
    expect(c.steps.map((s) => [s.key, s.status])).toEqual([
      ['own_up', 'pending'],
      ['outline', 'pending'],
      ['apologize', 'pending'],
      ['meeting', 'pending'],
      ['compensation', 'pending'],
      ['corrective_changes', 'pending'],
      ['fix_meeting', 'waiting'],
      ['client_answer', 'waiting'],
      ['keep_trying', 'waiting'],
      ['check_in', 'waiting'],
    ]);
    expect(c.steps.map((s) => s.position)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    for (const s of c.steps) {
      expect(s.version).toBe(1);
      expect(s.startedAt).toEqual(s.status === 'pending' ? NOW : null);
      expect(s.nextRemindAt).toEqual(s.dueAt);
      expect(s.doneAt).toBeNull();
    }
    expect(step(c, 'compensation').optional).toBe(true);
    expect(step(c, 'own_up').optional).toBe(false);
    expect(event).toEqual({
      type: 'case_opened',
      actor: MATE,
      data: { severity: 'major', owner: OWNER },
    });
  });

  // NOW = Wed 11:00 CET
  it.each<[Severity, string]>([
    ['critical', '2026-01-14T12:00:00Z'], // 2 h, clock time
    ['major', '2026-01-14T14:00:00Z'], // 4 working hours: Wed 15:00
    ['minor', '2026-01-15T10:00:00Z'], // 1 working day: Thu 11:00
  ])('own_up of a %s case is due %s', (severity, due) => {
    expect(iso(step(open({ severity }), 'own_up').dueAt)).toBe(at(due).toISOString());
  });

  it.each<[StepKey, string | null]>([
    ['outline', '2026-01-15T10:00:00Z'], // 1 wd
    ['meeting', '2026-01-16T10:00:00Z'], // 2 wd
    ['corrective_changes', '2026-01-21T10:00:00Z'], // 5 wd
    ['apologize', null], // with the meeting, not booked yet
    ['compensation', null], // by the meeting
    ['client_answer', null],
  ])('%s is due %s whatever the severity', (key, due) => {
    for (const severity of ['minor', 'major', 'critical'] as const) {
      expect(iso(step(open({ severity }), key).dueAt), severity).toBe(due && at(due).toISOString());
    }
  });

  it.each<[Severity, string, string, string]>([
    // opened Friday 16:00 CET in Rome
    ['major', 'Europe/Rome', '2026-01-16T15:00:00Z', '2026-01-19T10:00:00Z'], // Mon 11:00
    ['minor', 'Europe/Rome', '2026-01-16T15:00:00Z', '2026-01-19T15:00:00Z'], // Mon 16:00
    // a critical case opened Saturday night is due 2 h later, at night
    ['critical', 'Europe/Rome', '2026-01-17T22:00:00Z', '2026-01-18T00:00:00Z'],
    // owner in New York: Fri 16:00 EST + 4 wh across the spring change = Mon 11:00 EDT
    ['major', 'America/New_York', '2026-03-06T21:00:00Z', '2026-03-09T15:00:00Z'],
    // owner in Athens: Fri 16:00 EEST + 4 wh across the autumn change = Mon 11:00 EET
    ['major', 'Europe/Athens', '2026-10-23T13:00:00Z', '2026-10-26T09:00:00Z'],
  ])('own_up (%s, %s) opened %s is due %s', (severity, tz, now, due) => {
    const c = open({ severity, tz }, PB, at(now));
    expect(iso(step(c, 'own_up').dueAt)).toBe(at(due).toISOString());
  });

  it('dueOverride sets when own_up is due (and its first reminder)', () => {
    const o = at('2026-01-14T11:30:00Z');
    const c = open({ dueOverride: o });
    expect(step(c, 'own_up').dueAt).toEqual(o);
    expect(step(c, 'own_up').nextRemindAt).toEqual(o);
    expect(iso(step(c, 'outline').dueAt)).toBe('2026-01-15T10:00:00.000Z');
  });

  it.each([NOW, later(-1)])('a dueOverride not in the future (%s) is refused', (o) => {
    const e = domainError(() => open({ dueOverride: o }));
    expect(e.code).toBe('invalid_input');
    expect(e.detail).toBe('due_in_past');
  });

  it.each([
    ['', 'x', 'client'],
    ['   ', 'x', 'client'],
    ['\n\t ', 'x', 'client'],
    ['Acme', '', 'summary'],
    ['Acme', '  \n ', 'summary'],
    ['x'.repeat(LIMITS.client + 1), 'x', 'client_too_long'],
    ['Acme', 'x'.repeat(LIMITS.summary + 1), 'summary_too_long'],
  ])('client %j / summary %j → invalid_input %s', (client, summary, detail) => {
    const e = domainError(() => open({ client, summary }));
    expect(e.code).toBe('invalid_input');
    expect(e.detail).toBe(detail);
  });

  it('accepts exactly 150 / 4000 characters, counted after trimming', () => {
    expect(LIMITS.client).toBe(150);
    expect(LIMITS.summary).toBe(4000);
    const client = 'c'.repeat(150);
    const summary = 's'.repeat(4000);
    const c = open({ client: `  ${client}  `, summary: `\n${summary}\n` });
    expect(c.client).toBe(client);
    expect(c.summary).toBe(summary);
  });

  it.each([
    ['Ψαροταβέρνα «Ο Νίκος»', 'Στείλαμε λάθος παραγγελία — ζητάμε συγγνώμη.'],
    ['Cal Pep · Barcelona', 'L’entrega d’ahir va arribar tard: és culpa nostra.'],
    ['مطعم الأرز', 'أرسلنا الطلب الخطأ 🙏 نعتذر'],
    ['🍕 Pizzeria Da Mario', 'Ordine sbagliato 😞 <!channel> & “virgolette”'],
    ['Cafe\u0301 Zoe\u0308', 'decomposed accents are kept as typed'],
  ])('keeps %j exactly as typed', (client, summary) => {
    const c = open({ client, summary });
    expect(c.client).toBe(client);
    expect(c.summary).toBe(summary);
  });
});

describe('completeStep', () => {
  const completed = () => {
    const c = open();
    return { before: c, ...completeStep(c, 'own_up', OWNER, 1, PB, later(30)) };
  };

  it('bumps the step’s version with the case’s', () => {
    const { case: next } = completed();
    expect(step(next, 'own_up').version).toBe(2);
    expect(next.version).toBe(2);
  });

  it('clears the done step’s reminder', () => {
    expect(step(completed().case, 'own_up').nextRemindAt).toBeNull();
  });

  it('marks the step done', () => {
    const { before: c, case: next, event } = completed();
    const s = step(next, 'own_up');
    expect(s.status).toBe('done');
    expect(s.doneAt).toEqual(later(30));
    expect(s.doneBy).toBe(OWNER);
    expect(event).toEqual({ type: 'step_done', actor: OWNER, stepKey: 'own_up', data: undefined });
    // nothing else moved
    expect(step(next, 'outline')).toEqual(step(c, 'outline'));
  });

  it('keeps a note (e.g. the compensation offered)', () => {
    const r = completeStep(open(), 'compensation', OWNER, 1, PB, NOW, '20% credit on May');
    expect(step(r.case, 'compensation').note).toBe('20% credit on May');
    expect(r.event.data).toEqual({ note: '20% credit on May' });
  });

  it('finishing corrective_changes starts client_answer (due 2 working days later)', () => {
    const c = open();
    expect(step(c, 'client_answer').status).toBe('waiting');
    const done = completeStep(c, 'corrective_changes', OWNER, 1, PB, NOW).case;
    const answer = step(done, 'client_answer');
    expect(answer.status).toBe('pending');
    expect(answer.startedAt).toEqual(NOW);
    expect(iso(answer.dueAt)).toBe('2026-01-16T10:00:00.000Z');
    expect(answer.nextRemindAt).toEqual(answer.dueAt);
  });

  it.each([1, 2, null])('a repeated click (version %j) → already_done', (version) => {
    const once = completeStep(open(), 'own_up', OWNER, 1, PB, NOW).case;
    const e = domainError(() => completeStep(once, 'own_up', MATE, version, PB, later(1)));
    expect(e.code).toBe('already_done');
  });

  it('a button from before a change → stale_action, nothing changes', () => {
    const snoozed = snoozeStep(open(), 'outline', later(60), OWNER, 1, NOW).case;
    expect(step(snoozed, 'outline').version).toBe(2);
    const e = domainError(() => completeStep(snoozed, 'outline', OWNER, 1, PB, later(5)));
    expect(e.code).toBe('stale_action');
    // the current version goes through; null means "no version check" (e.g. a slash command)
    expect(step(completeStep(snoozed, 'outline', OWNER, 2, PB, NOW).case, 'outline').status).toBe(
      'done',
    );
    expect(
      step(completeStep(snoozed, 'outline', OWNER, null, PB, NOW).case, 'outline').status,
    ).toBe('done');
  });

  it('a step that has not started → invalid_transition', () => {
    const e = domainError(() => completeStep(open(), 'client_answer', OWNER, 1, PB, NOW));
    expect(e.code).toBe('invalid_transition');
  });

  it('a step the playbook leaves out → step_not_found', () => {
    const pb = parsePlaybook({ steps: [{ key: 'own_up' }, { key: 'outline' }] });
    const c = open({}, pb);
    expect(c.steps.map((s) => s.key)).toEqual(['own_up', 'outline']);
    expect(domainError(() => completeStep(c, 'compensation', OWNER, 1, pb, NOW)).code).toBe(
      'step_not_found',
    );
  });

  it('does not change the case it was given', () => {
    const c = open();
    const before = JSON.stringify(c);
    completeStep(c, 'own_up', OWNER, 1, PB, NOW);
    expect(JSON.stringify(c)).toBe(before);
  });
});

describe('snoozeStep', () => {
  it('snoozes until the given time, which becomes the next reminder', () => {
    const until = at('2026-01-15T08:00:00Z');
    const { case: c, event } = snoozeStep(open(), 'own_up', until, OWNER, 1, NOW);
    const s = step(c, 'own_up');
    expect(s.status).toBe('snoozed');
    expect(s.snoozedUntil).toEqual(until);
    expect(s.nextRemindAt).toEqual(until);
    expect(s.version).toBe(2);
    expect(event).toEqual({
      type: 'step_snoozed',
      actor: OWNER,
      stepKey: 'own_up',
      data: { until: '2026-01-15T08:00:00.000Z' },
    });
  });

  const snoozedTwice = () => {
    const once = snoozeStep(open(), 'own_up', later(60), OWNER, 1, NOW).case;
    return snoozeStep(once, 'own_up', later(120), OWNER, 2, NOW).case;
  };

  it('a snoozed step can be snoozed again', () => {
    const twice = snoozedTwice();
    expect(step(twice, 'own_up').snoozedUntil).toEqual(later(120));
    expect(step(twice, 'own_up').version).toBe(3);
  });

  it('a snoozed step can be completed, its snooze cleared', () => {
    const done = completeStep(snoozedTwice(), 'own_up', OWNER, 3, PB, NOW).case;
    expect(step(done, 'own_up').status).toBe('done');
    expect(step(done, 'own_up').snoozedUntil).toBeNull();
  });

  it.each([NOW, later(-10)])('until not in the future (%s) → invalid_input', (until) => {
    expect(domainError(() => snoozeStep(open(), 'own_up', until, OWNER, 1, NOW)).code).toBe(
      'invalid_input',
    );
  });

  it('a waiting step → invalid_transition', () => {
    const c = open();
    expect(domainError(() => snoozeStep(c, 'client_answer', later(60), OWNER, 1, NOW)).code).toBe(
      'invalid_transition',
    );
  });

  it('a done step → already_done', () => {
    const c = open();
    const done = completeStep(c, 'own_up', OWNER, 1, PB, NOW).case;
    expect(domainError(() => snoozeStep(done, 'own_up', later(60), OWNER, 2, NOW)).code).toBe(
      'already_done',
    );
  });
});

describe('skipStep', () => {
  it('skips an optional step with a trimmed reason', () => {
    const { case: c, event } = skipCompensation(open(), '  They asked for nothing  ');
    const s = step(c, 'compensation');
    expect(s.status).toBe('skipped');
    expect(s.note).toBe('They asked for nothing');
    expect(s.doneAt).toEqual(NOW);
    expect(s.nextRemindAt).toBeNull();
    expect(event).toEqual({
      type: 'step_skipped',
      actor: OWNER,
      stepKey: 'compensation',
      data: { reason: 'They asked for nothing' },
    });
  });

  it.each<StepKey>(['own_up', 'outline', 'meeting', 'corrective_changes'])(
    '%s is not optional → not_optional',
    (key) => {
      expect(
        domainError(() =>
          skipStep(open(), { key, note: 'busy', actor: OWNER, version: 1 }, PB, NOW),
        ).code,
      ).toBe('not_optional');
    },
  );

  it.each(['', '   ', '\n'])('reason %j → reason_required', (reason) => {
    expect(domainError(() => skipCompensation(open(), reason)).code).toBe('reason_required');
  });

  it('a reason over 2000 characters → invalid_input', () => {
    const e = domainError(() => skipCompensation(open(), 'r'.repeat(LIMITS.note + 1)));
    expect(e.code).toBe('invalid_input');
  });

  it('skipped twice → already_done', () => {
    const once = skipCompensation(open(), 'no').case;
    expect(domainError(() => skipCompensation(once, 'no', 2)).code).toBe('already_done');
  });

  it('skipping an optional corrective_changes starts client_answer', () => {
    const pb = parsePlaybook({
      steps: [
        { key: 'own_up' },
        { key: 'corrective_changes', optional: true },
        { key: 'client_answer' },
      ],
    });
    const c = skipStep(
      open({}, pb),
      { key: 'corrective_changes', note: 'nothing to fix', actor: OWNER, version: 1 },
      pb,
      NOW,
    );
    expect(step(c.case, 'client_answer').status).toBe('pending');
  });
});

describe('recordMeeting', () => {
  const meetingAt = at('2026-01-16T14:00:00Z'); // Fri 15:00 Rome

  it('recording the meeting marks the meeting step done', () => {
    const { case: c, event } = recordMeeting(open(), meetingAt, OWNER, PB, NOW);
    expect(c.meetingAt).toEqual(meetingAt);
    expect(c.version).toBe(2);
    expect(step(c, 'meeting').status).toBe('done');
    expect(step(c, 'meeting').doneBy).toBe(OWNER);
    expect(event).toEqual({
      type: 'meeting_booked',
      actor: OWNER,
      data: { at: '2026-01-16T14:00:00.000Z' },
    });
  });

  it.each(['apologize', 'compensation'] as const)(
    'recording the meeting makes %s due at it, nudged the day before',
    (key) => {
      const c = recordMeeting(open(), meetingAt, OWNER, PB, NOW).case;
      expect(step(c, key).status, key).toBe('pending');
      expect(step(c, key).dueAt, key).toEqual(meetingAt);
      // the day before, in working hours: Thu 15:00 Rome
      expect(iso(step(c, key).nextRemindAt), key).toBe('2026-01-15T14:00:00.000Z');
    },
  );

  it('saving the meeting unchanged is refused: nothing moved, so no move is announced', () => {
    const c = recordMeeting(open(), later(3000), OWNER, PB, NOW).case;
    const e = domainError(() => recordMeeting(c, later(3000), OWNER, PB, NOW));
    expect([e.code, e.detail]).toEqual(['invalid_input', 'meeting_unchanged']);
    // Another time moves it.
    expect(recordMeeting(c, later(3060), OWNER, PB, NOW).case.meetingAt).toEqual(later(3060));
  });

  it('a meeting sooner than a day away reminds right away', () => {
    const soon = later(120);
    const c = recordMeeting(open(), soon, OWNER, PB, NOW).case;
    expect(step(c, 'apologize').nextRemindAt).toEqual(NOW);
  });

  it('the day before is a calendar day in the owner’s zone, across the spring change', () => {
    // all-week hours so the Saturday before the change is a working day
    const pb = parsePlaybook({ workingHours: { days: [1, 2, 3, 4, 5, 6, 7] } });
    const c = open({}, pb, at('2026-03-25T10:00:00Z'));
    const m = recordMeeting(c, at('2026-03-29T08:00:00Z'), OWNER, pb, at('2026-03-25T10:00:00Z'));
    // Sun 10:00 CEST → Sat 10:00 CET (09:00Z), not 24 h earlier (08:00Z)
    expect(iso(step(m.case, 'apologize').nextRemindAt)).toBe('2026-03-28T09:00:00.000Z');
  });

  it.each([NOW, later(-60)])('a meeting at or before now (%s) → invalid_input', (when) => {
    const e = domainError(() => recordMeeting(open(), when, OWNER, PB, NOW));
    expect(e.code).toBe('invalid_input');
    expect(e.detail).toBe('meeting_in_past');
  });

  it('does not reopen apologize or compensation once they are done', () => {
    const c = skipCompensation(open(), 'none wanted').case;
    const m = recordMeeting(c, meetingAt, OWNER, PB, NOW).case;
    expect(step(m, 'compensation').status).toBe('skipped');
    expect(step(m, 'compensation').dueAt).toBeNull();
  });
});

describe('saveOutline', () => {
  const outline: Outline = {
    happened: ' The pallets for Bologna went to Bari. ',
    why: 'Two orders shared one label template.',
    prevention: 'A second check on labels before loading.',
    summary: 'We mixed up two labels; a second check now stops it.',
  };

  it('stores the trimmed outline', () => {
    const { case: c, event } = saveOutline(open(), outline, OWNER, NOW);
    expect(c.outline).toEqual({ ...outline, happened: 'The pallets for Bologna went to Bari.' });
    expect(event.type).toBe('outline_saved');
  });

  it('saving the outline marks its step done', () => {
    const c = saveOutline(open(), outline, OWNER, NOW).case;
    expect(step(c, 'outline').status).toBe('done');
    expect(step(c, 'outline').doneAt).toEqual(NOW);
  });

  it.each(['happened', 'why', 'prevention', 'summary'] as const)(
    'an empty %s → invalid_input',
    (field) => {
      const e = domainError(() => saveOutline(open(), { ...outline, [field]: '  ' }, OWNER, NOW));
      expect(e.code).toBe('invalid_input');
      expect(e.detail).toBe(`outline_${field}`);
    },
  );

  it('a field over 3000 characters → invalid_input', () => {
    const e = domainError(() =>
      saveOutline(open(), { ...outline, why: 'w'.repeat(LIMITS.outlineField + 1) }, OWNER, NOW),
    );
    expect(e.detail).toBe('outline_why_too_long');
  });

  it('can be edited after the step is done', () => {
    const c = saveOutline(open(), outline, OWNER, NOW).case;
    const edited = saveOutline(c, { ...outline, summary: 'Shorter.' }, MATE, later(5)).case;
    expect(edited.outline?.summary).toBe('Shorter.');
    expect(step(edited, 'outline').doneBy).toBe(OWNER);
  });
});

describe('recordAnswer', () => {
  /** A case whose client has answered `history` in order. */
  function answered(history: readonly ClientAnswer[]): RecoveryCase {
    let c = open();
    for (const a of history) c = recordAnswer(c, a, OWNER, PB, NOW).case;
    return c;
  }
  const historyFor: Record<ClientAnswer | 'none', readonly ClientAnswer[]> = {
    none: [],
    refused: ['refused'],
    accepted: ['accepted'],
  };

  const pairs = (['none', 'refused', 'accepted'] as const).flatMap((from) =>
    (['accepted', 'refused'] as const).map((to) => [from, to] as const),
  );

  it.each(pairs)('%s → %s follows ANSWER_TRANSITIONS', (from, to) => {
    const c = answered(historyFor[from]);
    expect(c.answer).toBe(from === 'none' ? null : from);
    if (ANSWER_TRANSITIONS[from].includes(to)) {
      const { case: next, event } = recordAnswer(c, to, OWNER, PB, later(10));
      expect(next.answer).toBe(to);
      expect(next.answeredAt).toEqual(later(10));
      expect(event.type).toBe(to === 'accepted' ? 'client_accepted' : 'client_refused');
    } else {
      const e = domainError(() => recordAnswer(c, to, OWNER, PB, later(10)));
      expect(e.code).toBe(from === to ? 'already_done' : 'invalid_transition');
    }
  });

  it('the table: a refusal may turn into an acceptance, never the reverse', () => {
    expect(ANSWER_TRANSITIONS).toEqual({
      none: ['accepted', 'refused'],
      refused: ['accepted'],
      accepted: [],
    });
  });

  it('refused: client_answer done, keep_trying starts, first follow-up +7 days', () => {
    const c = answered(['refused']);
    expect(step(c, 'client_answer').status).toBe('done');
    const kt = step(c, 'keep_trying');
    expect(kt.status).toBe('pending');
    expect(kt.startedAt).toEqual(NOW);
    expect(iso(kt.dueAt)).toBe('2026-01-21T10:00:00.000Z'); // Wed 11:00 a week later
    expect(kt.nextRemindAt).toEqual(kt.dueAt);
    expect(step(c, 'check_in').status).toBe('waiting');
  });

  it.each([
    // refused at, tz, first follow-up, why
    [
      '2026-03-23T09:00:00Z',
      'Europe/Rome',
      '2026-03-30T08:00:00Z',
      'Mon 10:00 CET → Mon 10:00 CEST',
    ],
    [
      '2026-10-19T08:00:00Z',
      'Europe/Rome',
      '2026-10-26T09:00:00Z',
      'Mon 10:00 CEST → Mon 10:00 CET',
    ],
    [
      '2026-03-20T19:00:00Z',
      'Europe/Rome',
      '2026-03-30T07:00:00Z',
      'Fri 20:00 → next Fri 20:00 → Mon 09:00 CEST',
    ],
    [
      '2026-03-21T10:00:00Z',
      'Europe/Rome',
      '2026-03-30T07:00:00Z',
      'Saturday → Saturday → Mon 09:00',
    ],
    [
      '2026-03-02T15:00:00Z',
      'America/New_York',
      '2026-03-09T14:00:00Z',
      'Mon 10:00 EST → Mon 10:00 EDT',
    ],
    [
      '2026-10-26T14:00:00Z',
      'America/New_York',
      '2026-11-02T15:00:00Z',
      'Mon 10:00 EDT → Mon 10:00 EST',
    ],
    [
      '2026-03-23T08:00:00Z',
      'Europe/Athens',
      '2026-03-30T07:00:00Z',
      'Mon 10:00 EET → Mon 10:00 EEST',
    ],
  ])('refused %s (%s) → first follow-up %s (%s)', (when, tz, first) => {
    const c = recordAnswer(open({ tz }, PB, at(when)), 'refused', OWNER, PB, at(when)).case;
    expect(iso(step(c, 'keep_trying').dueAt)).toBe(at(first).toISOString());
  });

  it('accepted: client_answer done, check-ins start weekly', () => {
    const c = answered(['accepted']);
    expect(step(c, 'client_answer').status).toBe('done');
    expect(step(c, 'check_in').status).toBe('pending');
    expect(iso(step(c, 'check_in').dueAt)).toBe('2026-01-21T10:00:00.000Z');
    expect(step(c, 'keep_trying').status).toBe('waiting');
  });

  it('refused then accepted: keep_trying ends, check-ins start', () => {
    const c = answered(['refused', 'accepted']);
    expect(c.answer).toBe('accepted');
    expect(step(c, 'keep_trying').status).toBe('done');
    expect(step(c, 'keep_trying').nextRemindAt).toBeNull();
    expect(step(c, 'check_in').status).toBe('pending');
  });
});

describe('scheduleMoreFollowUps', () => {
  it('moves the next keep-trying follow-up, in working hours', () => {
    const c = recordAnswer(open(), 'refused', OWNER, PB, NOW).case;
    // Wed + 10 days = Sat → Mon 09:00
    const { case: next } = scheduleMoreFollowUps(c, OWNER, PB, NOW, 10);
    expect(iso(step(next, 'keep_trying').nextRemindAt)).toBe('2026-01-26T08:00:00.000Z');
    expect(step(next, 'keep_trying').dueAt).toEqual(step(next, 'keep_trying').nextRemindAt);
  });

  it('needs keep_trying to be running', () => {
    expect(domainError(() => scheduleMoreFollowUps(open(), OWNER, PB, NOW)).code).toBe(
      'invalid_transition',
    );
  });
});

describe('closeCase', () => {
  it.each([null, '', '   '])('lost without a reason (%j) → reason_required', (reason) => {
    expect(domainError(() => closeCase(open(), 'lost', reason, OWNER, NOW)).code).toBe(
      'reason_required',
    );
  });

  const lost = () => closeCase(open(), 'lost', ' Went to a competitor ', OWNER, NOW);

  it('ending a case as lost clears every reminder', () => {
    expect(open().steps.some((s) => s.nextRemindAt !== null)).toBe(true);
    expect(lost().case.steps.every((s) => s.nextRemindAt === null)).toBe(true);
  });

  it('lost with a reason ends the case', () => {
    const { case: c, event } = lost();
    expect(c.status).toBe('lost');
    expect(c.outcomeReason).toBe('Went to a competitor');
    expect(c.closedAt).toEqual(NOW);
    expect(event).toEqual({
      type: 'case_closed',
      actor: OWNER,
      data: { outcome: 'lost', reason: 'Went to a competitor' },
    });
  });

  it.each(['won_back', 'closed'] as const)('%s needs no reason', (outcome) => {
    const c = closeCase(open(), outcome, null, OWNER, NOW).case;
    expect(c.status).toBe(outcome);
    expect(c.outcomeReason).toBeNull();
  });

  it('CASE_TRANSITIONS: an open case ends as won back, lost or closed', () => {
    expect(CASE_TRANSITIONS.open).toEqual(['won_back', 'lost', 'closed']);
  });

  it.each(CASE_STATUSES.filter((x) => x !== 'open'))(
    'CASE_TRANSITIONS: %s is terminal',
    (status) => {
      expect(CASE_TRANSITIONS[status]).toEqual([]);
    },
  );

  const ended = (['won_back', 'lost', 'closed'] as const).flatMap((from) =>
    (['won_back', 'lost', 'closed'] as const).map((to) => [from, to] as const),
  );
  it.each(ended)('a %s case cannot become %s → case_closed', (from, to) => {
    const c = closeCase(open(), from, 'reason', OWNER, NOW).case;
    expect(domainError(() => closeCase(c, to, 'again', OWNER, later(1))).code).toBe('case_closed');
  });

  const actions: [string, (c: RecoveryCase) => unknown][] = [
    ['completeStep', (c) => completeStep(c, 'own_up', OWNER, 1, PB, NOW)],
    ['snoozeStep', (c) => snoozeStep(c, 'own_up', later(60), OWNER, 1, NOW)],
    ['skipStep', (c) => skipCompensation(c, 'no')],
    ['recordMeeting', (c) => recordMeeting(c, later(600), OWNER, PB, NOW)],
    [
      'saveOutline',
      (c) => saveOutline(c, { happened: 'a', why: 'b', prevention: 'c', summary: 'd' }, OWNER, NOW),
    ],
    ['recordAnswer', (c) => recordAnswer(c, 'accepted', OWNER, PB, NOW)],
    ['scheduleMoreFollowUps', (c) => scheduleMoreFollowUps(c, OWNER, PB, NOW)],
  ];
  it.each(actions)('%s on a closed case → case_closed', (_name, act) => {
    const c = closeCase(open(), 'closed', null, OWNER, NOW).case;
    expect(domainError(() => act(c)).code).toBe('case_closed');
  });
});

describe('the step status table, with its views', () => {
  it.each<[string, readonly string[]]>([
    ['waiting', ['pending', 'skipped']],
    ['pending', ['done', 'skipped', 'snoozed']],
    ['snoozed', ['pending', 'done', 'skipped', 'snoozed']],
    ['done', []],
    ['skipped', []],
  ])('%s → %j', (from, to) => {
    expect(STEP_TRANSITIONS[from as keyof typeof STEP_TRANSITIONS]).toEqual(to);
  });

  it('a pending step past its due time reads as overdue', () => {
    const s = step(open(), 'own_up'); // due 14:00Z
    expect(stepView(s, at('2026-01-14T13:59:00Z'))).toBe('pending');
    expect(stepView(s, at('2026-01-14T14:00:00Z'))).toBe('overdue');
    const snoozed = step(snoozeStep(open(), 'own_up', later(600), OWNER, 1, NOW).case, 'own_up');
    expect(stepView(snoozed, at('2026-01-14T15:00:00Z'))).toBe('snoozed');
  });
});

describe('ownUpMinutes', () => {
  it('is null until the client has been told', () => {
    expect(ownUpMinutes(open())).toBeNull();
  });

  it.each([0, 1, 95, 60 * 24 * 3])(
    'is %i when own_up is done that many minutes after opening',
    (m) => {
      const c = completeStep(open(), 'own_up', OWNER, 1, PB, later(m)).case;
      expect(ownUpMinutes(c)).toBe(m);
    },
  );
});

describe('independent of the server time zone', () => {
  const saved = process.env.TZ;
  beforeAll(() => {
    process.env.TZ = 'Asia/Tokyo';
  });
  afterAll(() => {
    if (saved === undefined) delete process.env.TZ;
    else process.env.TZ = saved;
  });

  it('keep-trying follow-ups keep the owner’s wall-clock time across DST', () => {
    const when = at('2026-03-23T09:00:00Z'); // Mon 10:00 CET
    const c = recordAnswer(open({}, PB, when), 'refused', OWNER, PB, when).case;
    expect(iso(step(c, 'keep_trying').dueAt)).toBe('2026-03-30T08:00:00.000Z'); // Mon 10:00 CEST
  });

  it('own_up due times do not move', () => {
    const c = open({ severity: 'major', tz: 'America/New_York' }, PB, at('2026-03-06T21:00:00Z'));
    expect(iso(step(c, 'own_up').dueAt)).toBe('2026-03-09T15:00:00.000Z');
  });
});
