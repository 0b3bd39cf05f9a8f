import { describe, expect, it } from 'vitest';
import {
  DEFAULT_PLAYBOOK,
  type Playbook,
  parsePlaybook,
  type StepKey,
} from '../../src/domain/playbook.js';
import {
  cadenceOf,
  closeCase,
  completeStep,
  findStep,
  heldByRefusal,
  type OpenCaseInput,
  openCase,
  type RecoveryCase,
  recordAnswer,
  recordFollowUp,
  recordMeeting,
  type Step,
  scheduleMoreFollowUps,
  snoozeStep,
  stepView,
} from '../../src/domain/recoveryCase.js';
import { nextCheckAt, type PlannedReminder, planStep } from '../../src/domain/reminders.js';
import { isWithinWorkingHours } from '../../src/domain/workingTime.js';
import { openInput } from '../helpers/builders.js';

const PB = DEFAULT_PLAYBOOK;
const ROME = 'Europe/Rome';
/** Wednesday 2026-01-14 11:00 Rome (CET). A major case opened now has own_up due at 14:00Z. */
const NOW = new Date('2026-01-14T10:00:00Z');
const OWNER = 'U0OWNER01';
const at = (iso: string) => new Date(iso);
const iso = (d: Date | null) => (d ? d.toISOString() : null);

function open(o: Partial<OpenCaseInput> = {}, pb: Playbook = PB, now = NOW): RecoveryCase {
  return openCase(openInput({ ownerId: OWNER, creatorId: OWNER, tz: ROME, ...o }), pb, now).case;
}

const withStep = (c: RecoveryCase, s: Step): RecoveryCase => ({
  ...c,
  steps: c.steps.map((x) => (x.key === s.key ? s : x)),
});

interface Sent extends PlannedReminder {
  readonly at: string;
}

/**
 * Plays the reminder engine for one step: every `tickMinutes` from `from` to `to`, a step whose
 * nextCheckAt has come is planned and the planned step stored back, as the service does.
 */
function simulate(
  c0: RecoveryCase,
  key: StepKey,
  from: string,
  to: string,
  o: { pb?: Playbook; tz?: string; tickMinutes?: number } = {},
): { sent: Sent[]; case: RecoveryCase } {
  const pb = o.pb ?? PB;
  const tz = o.tz ?? c0.tz;
  const tick = (o.tickMinutes ?? 15) * 60_000;
  let c = c0;
  const sent: Sent[] = [];
  for (let t = at(from).getTime(); t <= at(to).getTime(); t += tick) {
    const now = new Date(t);
    const s = findStep(c, key);
    const check = nextCheckAt(c, s, pb);
    if (!check || check > now) continue;
    const p = planStep(c, s, pb, tz, now);
    for (const r of p.reminders) sent.push({ at: now.toISOString(), ...r });
    c = withStep(c, p.step);
  }
  return { sent, case: c };
}

describe('nextCheckAt', () => {
  it('is the first nudge (at due) before the escalation', () => {
    const c = open();
    expect(iso(nextCheckAt(c, findStep(c, 'own_up'), PB))).toBe('2026-01-14T14:00:00.000Z');
  });

  it('is the escalation when no nudge is planned', () => {
    const c = open();
    const s = { ...findStep(c, 'own_up'), nextRemindAt: null };
    // due Wed 15:00 CET + 1 working day = Thu 15:00 CET
    expect(iso(nextCheckAt(c, s, PB))).toBe('2026-01-15T14:00:00.000Z');
  });

  it('is null for steps with nothing to remind: no due yet, waiting, done, closed case', () => {
    const c = open();
    expect(nextCheckAt(c, findStep(c, 'apologize'), PB)).toBeNull();
    expect(nextCheckAt(c, findStep(c, 'client_answer'), PB)).toBeNull();
    const done = completeStep(c, 'own_up', OWNER, 1, PB, NOW).case;
    expect(nextCheckAt(done, findStep(done, 'own_up'), PB)).toBeNull();
    const closed = closeCase(c, 'closed', null, OWNER, NOW).case;
    for (const s of closed.steps) expect(nextCheckAt(closed, s, PB), s.key).toBeNull();
    // even a closed case whose step still carries a time
    expect(nextCheckAt(closed, findStep(c, 'own_up'), PB)).toBeNull();
  });
});

describe('planStep: nudges', () => {
  it('sends nothing before the due time', () => {
    const c = open();
    const s = findStep(c, 'own_up');
    const p = planStep(c, s, PB, ROME, at('2026-01-14T13:59:59Z'));
    expect(p.reminders).toEqual([]);
    expect(p.step).toEqual(s);
  });

  const atDue = () => {
    const c = open();
    return { c, p: planStep(c, findStep(c, 'own_up'), PB, ROME, at('2026-01-14T14:00:00Z')) };
  };

  it('sends the first nudge at due', () => {
    const { c, p } = atDue();
    expect(p.reminders).toEqual([{ kind: 'nudge', occurrence: 1 }]);
    expect(p.step.remindCount).toBe(1);
    expect(p.step.dueAt).toEqual(findStep(c, 'own_up').dueAt);
  });

  it('plans the repeat one interval after the first nudge', () => {
    // Wed 15:00 CET + 4 working hours = Thu 10:00 CET
    expect(iso(atDue().p.step.nextRemindAt)).toBe('2026-01-15T09:00:00.000Z');
  });

  it('repeats in working hours only, escalating exactly once', () => {
    const { sent } = simulate(open(), 'own_up', '2026-01-14T10:00:00Z', '2026-01-18T23:45:00Z');
    expect(sent).toEqual([
      { at: '2026-01-14T14:00:00.000Z', kind: 'nudge', occurrence: 1 }, // Wed 15:00
      { at: '2026-01-15T09:00:00.000Z', kind: 'nudge', occurrence: 2 }, // Thu 10:00
      { at: '2026-01-15T13:00:00.000Z', kind: 'nudge', occurrence: 3 }, // Thu 14:00
      { at: '2026-01-15T14:00:00.000Z', kind: 'escalation', occurrence: 1 }, // due + 1 wd
      // Thu 14:00 + 4 wh = 18:00, closing time: waits for Friday morning
      { at: '2026-01-16T08:00:00.000Z', kind: 'nudge', occurrence: 4 },
      { at: '2026-01-16T12:00:00.000Z', kind: 'nudge', occurrence: 5 },
      { at: '2026-01-16T16:00:00.000Z', kind: 'nudge', occurrence: 6 }, // Fri 17:00; then Monday
    ]);
    for (const r of sent) expect(isWithinWorkingHours(at(r.at), PB.workingHours, ROME)).toBe(true);
  });

  it('a nudge due at night waits for the next morning in the owner’s zone', () => {
    const c = open();
    const s = findStep(c, 'own_up'); // due 14:00Z
    const night = at('2026-01-14T20:00:00Z'); // 21:00 in Rome
    const p = planStep(c, s, PB, ROME, night);
    expect(p.reminders).toEqual([]);
    expect(iso(p.step.nextRemindAt)).toBe('2026-01-15T08:00:00.000Z'); // Thu 09:00 Rome
    expect(p.step.remindCount).toBe(0);
    // nothing is sent at any moment of the night either
    for (let h = 17; h < 32; h++) {
      const t = new Date(Date.UTC(2026, 0, 14, h, 30));
      expect(planStep(c, s, PB, ROME, t).reminders, t.toISOString()).toEqual([]);
    }
  });

  it('working hours follow the owner’s current zone (passed in), not the stored one', () => {
    const c = open(); // stored tz Rome; the owner has moved to New York
    const s = findStep(c, 'own_up');
    // 20:00Z = 15:00 in New York: inside working hours there
    expect(planStep(c, s, PB, 'America/New_York', at('2026-01-14T20:00:00Z')).reminders).toEqual([
      { kind: 'nudge', occurrence: 1 },
    ]);
    // 03:00Z = 22:00 in New York: wait for 09:00 New York
    const p = planStep(c, s, PB, 'America/New_York', at('2026-01-15T03:00:00Z'));
    expect(p.reminders).toEqual([]);
    expect(iso(p.step.nextRemindAt)).toBe('2026-01-15T14:00:00.000Z');
  });

  it('a deferred night nudge is sent at 09:00 CEST the morning after the spring change', () => {
    const opened = at('2026-03-27T15:00:00Z'); // Fri 16:00 CET; own_up due Mon 11:00 CEST
    const c = open({}, PB, opened);
    const s = { ...findStep(c, 'own_up'), nextRemindAt: at('2026-03-28T10:00:00Z') }; // Saturday
    const p = planStep(c, s, PB, ROME, at('2026-03-28T10:00:00Z'));
    expect(p.reminders).toEqual([]);
    expect(iso(p.step.nextRemindAt)).toBe('2026-03-30T07:00:00.000Z');
  });

  it('a critical own_up ignores working hours, nudging then escalating at night', () => {
    const c = open({ severity: 'critical' }, PB, at('2026-01-17T22:00:00Z')); // Sat 23:00 Rome
    expect(iso(findStep(c, 'own_up').dueAt)).toBe('2026-01-18T00:00:00.000Z');
    const { sent } = simulate(c, 'own_up', '2026-01-17T22:00:00Z', '2026-01-19T15:00:00Z');
    expect(sent).toEqual([
      { at: '2026-01-18T00:00:00.000Z', kind: 'nudge', occurrence: 1 }, // Sun 01:00
      { at: '2026-01-18T02:00:00.000Z', kind: 'escalation', occurrence: 1 }, // +2 h
      // the repeat is 4 working hours: Mon 09:00 + 4 h = Mon 13:00 CET
      { at: '2026-01-19T12:00:00.000Z', kind: 'nudge', occurrence: 2 },
    ]);
  });

  it('a critical own_up is urgent on its first day only: after 24 hours a night nudge waits for the morning', () => {
    const c = open({ severity: 'critical' }, PB, at('2026-01-19T20:00:00Z')); // Mon 21:00 Rome
    // Still open at 03:00 Rome on Wednesday, 31 hours on: the nudge due then waits for 09:00.
    const s = { ...findStep(c, 'own_up'), nextRemindAt: at('2026-01-21T02:00:00Z') };
    const p = planStep(c, s, PB, ROME, at('2026-01-21T02:00:00Z'));
    expect(p.reminders).toEqual([]);
    expect(iso(p.step.nextRemindAt)).toBe('2026-01-21T08:00:00.000Z');
    // On the first night it still comes at once.
    const first = { ...findStep(c, 'own_up'), nextRemindAt: at('2026-01-19T23:00:00Z') };
    expect(planStep(c, first, PB, ROME, at('2026-01-19T23:00:00Z')).reminders).toContainEqual({
      kind: 'nudge',
      occurrence: 1,
    });
  });

  it('a major own_up due at the same night hour waits for Monday', () => {
    const c = open({ severity: 'major' }, PB, at('2026-01-17T22:00:00Z'));
    const s = { ...findStep(c, 'own_up'), nextRemindAt: at('2026-01-18T00:00:00Z') };
    const p = planStep(c, s, PB, ROME, at('2026-01-18T00:00:00Z'));
    expect(p.reminders).toEqual([]);
    expect(iso(p.step.nextRemindAt)).toBe('2026-01-19T08:00:00.000Z');
  });

  it('after long downtime a step owes one catch-up nudge, not one per missed repeat', () => {
    const c = open();
    const p = planStep(c, findStep(c, 'own_up'), PB, ROME, at('2026-01-20T10:00:00Z'));
    expect(p.reminders).toEqual([
      { kind: 'escalation', occurrence: 1 },
      { kind: 'nudge', occurrence: 1 },
    ]);
    expect(iso(p.step.nextRemindAt)).toBe('2026-01-20T14:00:00.000Z'); // Tue 11:00 + 4 wh
    expect(p.step.escalatedAt).toEqual(at('2026-01-20T10:00:00Z'));
  });

  it('a step whose playbook says repeat: none is nudged once', () => {
    const pb = parsePlaybook({
      steps: [{ key: 'own_up', repeat: 'none', escalateAfter: 'none' }],
    });
    const c = open({}, pb);
    const { sent, case: after } = simulate(
      c,
      'own_up',
      '2026-01-14T10:00:00Z',
      '2026-01-30T10:00:00Z',
      { pb, tickMinutes: 60 },
    );
    expect(sent).toEqual([{ at: '2026-01-14T14:00:00.000Z', kind: 'nudge', occurrence: 1 }]);
    // Only the quiet-case check remains (5 working days without action); once quiet, nothing.
    expect(nextCheckAt(after, findStep(after, 'own_up'), pb)).toEqual(at('2026-01-21T10:00:00Z'));
    const quiet = { ...after, calm: { ...after.calm, stalledAt: at('2026-01-21T10:00:00Z') } };
    expect(nextCheckAt(quiet, findStep(quiet, 'own_up'), pb)).toBeNull();
  });
});

describe('planStep: escalation', () => {
  it('fires exactly once, the escalation delay after due', () => {
    const c = open();
    // keep nudges out of the way to look at the escalation alone
    const s = { ...findStep(c, 'own_up'), nextRemindAt: at('2026-02-01T10:00:00Z') };
    const before = planStep(c, s, PB, ROME, at('2026-01-15T13:59:00Z'));
    expect(before.reminders).toEqual([]);
    const first = planStep(c, s, PB, ROME, at('2026-01-15T14:00:00Z'));
    expect(first.reminders).toEqual([{ kind: 'escalation', occurrence: 1 }]);
    expect(first.step.escalatedAt).toEqual(at('2026-01-15T14:00:00Z'));
    const again = planStep(c, first.step, PB, ROME, at('2026-01-15T16:00:00Z'));
    expect(again.reminders).toEqual([]);
    const quiet = { ...c, calm: { ...c.calm, stalledAt: at('2026-01-15T14:00:00Z') } };
    expect(iso(nextCheckAt(quiet, first.step, PB))).toBe('2026-02-01T10:00:00.000Z');
  });

  it('waits out of hours for working hours (non-critical)', () => {
    const c = open();
    const s = { ...findStep(c, 'own_up'), nextRemindAt: null };
    // downtime: the escalation time (Thu 15:00) has passed; it is now Thu 22:00
    const p = planStep(c, s, PB, ROME, at('2026-01-15T21:00:00Z'));
    expect(p.reminders).toEqual([]);
    expect(p.step.escalatedAt).toBeNull();
    expect(planStep(c, s, PB, ROME, at('2026-01-16T08:00:00Z')).reminders).toEqual([
      { kind: 'escalation', occurrence: 1 },
    ]);
  });

  it('never escalates a snoozed step', () => {
    const c = snoozeStep(open(), 'own_up', at('2026-01-22T08:00:00Z'), OWNER, 1, NOW).case;
    const s = findStep(c, 'own_up');
    expect(iso(nextCheckAt(c, s, PB))).toBe('2026-01-22T08:00:00.000Z');
    expect(planStep(c, s, PB, ROME, at('2026-01-16T10:00:00Z')).reminders).toEqual([]);
  });
});

describe('planStep: snoozed steps', () => {
  const until = at('2026-01-15T12:00:00Z'); // Thu 13:00 Rome, after the step's due time
  const snoozed = () => {
    const c = snoozeStep(open(), 'outline', until, OWNER, 1, NOW).case;
    return { c, s: findStep(c, 'outline') };
  };

  it('become pending again when the snooze ends', () => {
    const { c, s } = snoozed();
    expect(planStep(c, s, PB, ROME, until).step.status).toBe('pending');
  });

  it('are nudged when the snooze ends', () => {
    const { c, s } = snoozed();
    expect(nextCheckAt(c, s, PB)).toEqual(until);
    expect(planStep(c, s, PB, ROME, at('2026-01-15T11:59:00Z')).reminders).toEqual([]);
    const p = planStep(c, s, PB, ROME, until);
    expect(p.reminders).toEqual([{ kind: 'nudge', occurrence: 1 }]);
    // repeat 1 working day later
    expect(iso(p.step.nextRemindAt)).toBe('2026-01-16T12:00:00.000Z');
  });

  it('a snooze that ends before the step is due never brings its nudge forward', () => {
    // outline is due Thu 11:00 Rome (10:00Z); "until Thu 09:00" must not nudge at 09:00.
    const c = snoozeStep(open(), 'outline', at('2026-01-15T08:00:00Z'), OWNER, 1, NOW).case;
    const { sent } = simulate(c, 'outline', '2026-01-14T10:00:00Z', '2026-01-15T12:00:00Z');
    expect(sent).toEqual([{ at: '2026-01-15T10:00:00.000Z', kind: 'nudge', occurrence: 1 }]);
  });

  it('a snooze pushes the escalation: it counts from the snooze end', () => {
    const c0 = open(); // outline due Thu 11:00 CET; escalation 1 wd later, Fri 11:00
    expect(iso(nextCheckAt(c0, { ...findStep(c0, 'outline'), nextRemindAt: null }, PB))).toBe(
      '2026-01-16T10:00:00.000Z',
    );
    const c = snoozeStep(c0, 'outline', at('2026-01-16T08:00:00Z'), OWNER, 1, NOW).case;
    const { sent } = simulate(c, 'outline', '2026-01-14T10:00:00Z', '2026-01-19T12:00:00Z');
    expect(sent).toEqual([
      { at: '2026-01-16T08:00:00.000Z', kind: 'nudge', occurrence: 1 }, // Fri 09:00, snooze end
      { at: '2026-01-19T08:00:00.000Z', kind: 'escalation', occurrence: 1 }, // + 1 wd: Mon 09:00
      { at: '2026-01-19T08:00:00.000Z', kind: 'nudge', occurrence: 2 },
    ]);
  });

  it('a snooze that ends at night is nudged the next morning', () => {
    // Thu 23:00 Rome, after the step's due time: nudged Friday at 09:00.
    const c = snoozeStep(open(), 'outline', at('2026-01-15T22:00:00Z'), OWNER, 1, NOW).case;
    const { sent } = simulate(c, 'outline', '2026-01-14T10:00:00Z', '2026-01-16T12:00:00Z');
    expect(sent).toEqual([{ at: '2026-01-16T08:00:00.000Z', kind: 'nudge', occurrence: 1 }]);
  });
});

describe('planStep: cadence steps (keep_trying, check_in)', () => {
  // refused Wed 2026-01-14 11:00 CET; +7, +14, +30, +60, +90 days at 11:00 local, in working hours
  const POINTS = [
    '2026-01-21T10:00:00.000Z', // Wed
    '2026-01-28T10:00:00.000Z', // Wed
    '2026-02-13T10:00:00.000Z', // Fri
    '2026-03-16T08:00:00.000Z', // +60 is Sunday 15 March → Monday 09:00
    '2026-04-14T09:00:00.000Z', // Tue 11:00 CEST: same wall-clock time after the change
  ];
  /** A week after the last date: the offer to close. */
  const CLOSE_OFFER = '2026-04-21T09:00:00.000Z';
  const refused = () => recordAnswer(open(), 'refused', OWNER, PB, NOW).case;

  it('asks at each point, the last one too, then offers to close a week after it', () => {
    const c = refused();
    expect(iso(findStep(c, 'keep_trying').dueAt)).toBe(POINTS[0]);
    const { sent, case: after } = simulate(
      c,
      'keep_trying',
      '2026-01-14T10:00:00Z',
      '2026-06-01T10:00:00Z',
      { tickMinutes: 60 },
    );
    expect(sent).toEqual([
      { at: POINTS[0], kind: 'cadence', occurrence: 1 },
      { at: POINTS[1], kind: 'cadence', occurrence: 2 },
      { at: POINTS[2], kind: 'cadence', occurrence: 3 },
      { at: POINTS[3], kind: 'cadence', occurrence: 4 },
      { at: POINTS[4], kind: 'cadence', occurrence: 5 },
      { at: CLOSE_OFFER, kind: 'cadence_end', occurrence: 6 },
    ]);
    const kt = findStep(after, 'keep_trying');
    expect(kt.nextRemindAt).toBeNull();
    // What is left is the case going quiet (its one escalation, planned by planCase); once it has,
    // nothing more.
    const quiet = { ...after, calm: { ...after.calm, stalledAt: at(CLOSE_OFFER) } };
    expect(nextCheckAt(quiet, kt, PB)).toBeNull();
    // Nobody recorded anything: every date is on record as missed.
    expect(cadenceOf(kt)).toEqual({ recorded: 0, missed: POINTS.map(at), extra: [] });
  });

  /** The refused case planned at the first cadence point. */
  const atFirstPoint = () => {
    const c = refused();
    const p1 = planStep(c, findStep(c, 'keep_trying'), PB, ROME, at(POINTS[0] as string));
    return { c1: withStep(c, p1.step), p1 };
  };

  it('the step stays due at the date asked until the next one comes', () => {
    const { p1 } = atFirstPoint();
    expect(iso(p1.step.dueAt)).toBe(POINTS[0]);
    expect(iso(p1.step.nextRemindAt)).toBe(POINTS[1]);
    expect(cadenceOf(p1.step).missed).toEqual([]);
    expect(stepView(p1.step, at('2026-01-22T10:00:00Z'))).toBe('overdue');
  });

  it('once the next date comes, the one asked before is on record as missed', () => {
    const { c1, p1 } = atFirstPoint();
    const p2 = planStep(c1, p1.step, PB, ROME, at(POINTS[1] as string));
    expect(iso(p2.step.dueAt)).toBe(POINTS[1]);
    expect(cadenceOf(p2.step).missed).toEqual([at(POINTS[0] as string)]);
  });

  it('after long downtime: one catch-up follow-up, then the next future point', () => {
    const c = refused();
    const p = planStep(c, findStep(c, 'keep_trying'), PB, ROME, at('2026-03-20T10:00:00Z'));
    expect(p.reminders).toEqual([{ kind: 'cadence', occurrence: 1 }]);
    expect(iso(p.step.nextRemindAt)).toBe(POINTS[4]);
  });

  it('after downtime past every point: one cadence_end', () => {
    const c = refused();
    const p = planStep(c, findStep(c, 'keep_trying'), PB, ROME, at('2026-06-01T10:00:00Z'));
    expect(p.reminders).toEqual([{ kind: 'cadence_end', occurrence: 1 }]);
    expect(p.step.nextRemindAt).toBeNull();
    expect(cadenceOf(p.step).missed).toHaveLength(5);
  });

  it('after long downtime: the dates passed before the one asked for are missed', () => {
    const c = refused();
    const p = planStep(c, findStep(c, 'keep_trying'), PB, ROME, at('2026-03-20T10:00:00Z'));
    expect(iso(p.step.dueAt)).toBe(POINTS[3]);
    expect(cadenceOf(p.step).missed).toEqual(POINTS.slice(0, 3).map(at));
  });

  it('a catch-up that falls at night waits for the morning', () => {
    const c = refused();
    const p = planStep(c, findStep(c, 'keep_trying'), PB, ROME, at('2026-03-21T10:00:00Z')); // Sat
    expect(p.reminders).toEqual([]);
    expect(iso(p.step.nextRemindAt)).toBe('2026-03-23T08:00:00.000Z');
  });

  it('check-ins run weekly four times after an acceptance', () => {
    const c = recordAnswer(open(), 'accepted', OWNER, PB, NOW).case;
    const { sent } = simulate(c, 'check_in', '2026-01-14T10:00:00Z', '2026-03-01T10:00:00Z', {
      tickMinutes: 60,
    });
    expect(sent).toEqual([
      { at: '2026-01-21T10:00:00.000Z', kind: 'cadence', occurrence: 1 },
      { at: '2026-01-28T10:00:00.000Z', kind: 'cadence', occurrence: 2 },
      { at: '2026-02-04T10:00:00.000Z', kind: 'cadence', occurrence: 3 },
      { at: '2026-02-11T10:00:00.000Z', kind: 'cadence', occurrence: 4 },
      { at: '2026-02-18T10:00:00.000Z', kind: 'cadence_end', occurrence: 5 },
    ]);
  });

  it('cadence points keep the owner’s wall-clock time across the New York change', () => {
    const when = at('2026-03-02T15:00:00Z'); // Mon 10:00 EST
    const c = recordAnswer(
      open({ tz: 'America/New_York' }, PB, when),
      'refused',
      OWNER,
      PB,
      when,
    ).case;
    const p = planStep(
      c,
      findStep(c, 'keep_trying'),
      PB,
      'America/New_York',
      at('2026-03-09T14:00:00Z'),
    );
    expect(p.reminders).toEqual([{ kind: 'cadence', occurrence: 1 }]);
    expect(iso(p.step.nextRemindAt)).toBe('2026-03-16T14:00:00.000Z'); // Mon 10:00 EDT
  });
});

describe('follow-ups recorded or missed', () => {
  // Refused Wed 2026-01-14 11:00 Rome: dates 21 Jan, 28 Jan, 13 Feb, 16 Mar, 14 Apr.
  const refused = () => recordAnswer(open(), 'refused', OWNER, PB, NOW).case;
  const kt = (c: RecoveryCase) => findStep(c, 'keep_trying');
  const plan = (c: RecoveryCase, when: string) => {
    const p = planStep(c, kt(c), PB, ROME, at(when));
    return { c: withStep(c, p.step), reminders: p.reminders };
  };
  const follow = (c: RecoveryCase, when: string) =>
    recordFollowUp(
      c,
      { key: 'keep_trying', note: 'Called them', actor: OWNER, version: null },
      PB,
      at(when),
    ).case;

  it('counts follow-ups: one answers the date asked, a date passed with none is missed', () => {
    let c = refused();
    c = plan(c, '2026-01-21T10:00:00Z').c; // asks for 21 Jan
    c = follow(c, '2026-01-22T10:00:00Z'); // answers it
    expect(cadenceOf(kt(c))).toEqual({ recorded: 1, missed: [], extra: [] });
    expect(iso(kt(c).dueAt)).toBe('2026-01-28T10:00:00.000Z');
    c = plan(c, '2026-01-28T10:00:00Z').c; // asks for 28 Jan: nothing comes
    c = plan(c, '2026-02-13T10:00:00Z').c; // asks for 13 Feb: 28 Jan is missed
    expect(cadenceOf(kt(c))).toEqual({
      recorded: 1,
      missed: [at('2026-01-28T10:00:00Z')],
      extra: [],
    });
    // Late, but recorded: 13 Feb is answered, not missed.
    c = follow(c, '2026-02-20T10:00:00Z');
    expect(cadenceOf(kt(c)).recorded).toBe(2);
    c = plan(c, '2026-03-16T08:00:00Z').c;
    c = plan(c, '2026-04-14T09:00:00Z').c; // the last date asks too; 16 Mar missed
    expect(cadenceOf(kt(c)).missed).toHaveLength(2);
  });

  it('a follow-up recorded on the last date: the offer to close comes a week later, nothing missed', () => {
    let c = refused();
    c = follow(c, '2026-01-20T10:00:00Z'); // answers 21 Jan
    c = follow(c, '2026-01-28T11:00:00Z');
    c = follow(c, '2026-02-13T11:00:00Z');
    c = follow(c, '2026-03-16T09:00:00Z');
    c = follow(c, '2026-04-14T10:00:00Z');
    const s = kt(c);
    expect(s.dueAt).toBeNull();
    expect(iso(s.nextRemindAt)).toBe('2026-04-21T10:00:00.000Z');
    const end = plan(c, '2026-04-21T10:00:00Z');
    expect(end.reminders).toEqual([{ kind: 'cadence_end', occurrence: 1 }]);
    expect(cadenceOf(kt(end.c))).toEqual({ recorded: 5, missed: [], extra: [] });
  });

  it('"Try again in 30 days" adds a date: asked for like the others, then the offer to close again', () => {
    let c = refused();
    for (const when of [
      '2026-01-21T10:00:00Z',
      '2026-01-28T10:00:00Z',
      '2026-02-13T10:00:00Z',
      '2026-03-16T08:00:00Z',
      '2026-04-14T09:00:00Z',
      '2026-04-21T09:00:00Z',
    ])
      c = plan(c, when).c;
    c = scheduleMoreFollowUps(c, OWNER, PB, at('2026-04-22T09:00:00Z')).case;
    const extra = '2026-05-22T09:00:00.000Z';
    expect(iso(kt(c).dueAt)).toBe(extra);
    const ask = plan(c, extra);
    expect(ask.reminders.map((r) => r.kind)).toEqual(['cadence']);
    expect(iso(kt(ask.c).nextRemindAt)).toBe('2026-05-29T09:00:00.000Z');
    const end = plan(ask.c, '2026-05-29T09:00:00Z');
    expect(end.reminders.map((r) => r.kind)).toEqual(['cadence_end']);
    expect(cadenceOf(kt(end.c)).missed).toHaveLength(6);
  });

  it('check-ins alike: a check-in nobody recorded stays overdue at its date, then shows as missed', () => {
    // Accepted Wed 2026-12-16 10:00 Rome: check-ins on 23 Dec, 30 Dec, 6 Jan, 13 Jan.
    const when = at('2026-12-16T09:00:00Z');
    let c = recordAnswer(open({}, PB, when), 'accepted', OWNER, PB, when).case;
    const ci = (x: RecoveryCase) => findStep(x, 'check_in');
    const p = planStep(c, ci(c), PB, ROME, at('2026-12-23T09:00:00Z'));
    c = withStep(c, p.step);
    // Christmas: still due on the 23rd, overdue, not "due 30 Dec".
    expect(iso(ci(c).dueAt)).toBe('2026-12-23T09:00:00.000Z');
    expect(stepView(ci(c), at('2026-12-25T09:00:00Z'))).toBe('overdue');
    c = withStep(c, planStep(c, ci(c), PB, ROME, at('2026-12-30T09:00:00Z')).step);
    expect(cadenceOf(ci(c)).missed).toEqual([at('2026-12-23T09:00:00Z')]);
  });
});

describe('after a refusal only the keep-trying cadence speaks', () => {
  const meetingAt = at('2026-01-16T14:00:00Z');

  const booked = () => recordMeeting(open(), meetingAt, OWNER, PB, NOW).case;
  const refusedAfterMeeting = () =>
    recordAnswer(booked(), 'refused', OWNER, PB, at('2026-01-16T16:00:00Z')).case;
  const later = at('2026-02-02T10:00:00Z'); // long past every pre-answer due time

  it('steps open from before the answer are held: no look planned, no reminder', () => {
    const c = refusedAfterMeeting();
    for (const key of [
      'own_up',
      'outline',
      'apologize',
      'compensation',
      'corrective_changes',
    ] as const) {
      const s = findStep(c, key);
      expect(s.status, key).toBe('pending');
      expect(heldByRefusal(c, s, PB), key).toBe(true);
      expect(nextCheckAt(c, s, PB), key).toBeNull();
      expect(planStep(c, s, PB, ROME, later).reminders, key).toEqual([]);
    }
    // The same steps before the answer are nudged as usual.
    const b = booked();
    expect(planStep(b, findStep(b, 'outline'), PB, ROME, later).reminders).not.toEqual([]);
  });

  it('keep trying is not held by the refusal: it has a look planned', () => {
    const c = refusedAfterMeeting();
    expect(heldByRefusal(c, findStep(c, 'keep_trying'), PB)).toBe(false);
    expect(nextCheckAt(c, findStep(c, 'keep_trying'), PB)).not.toBeNull();
  });
});

describe('planStep: meeting preparation', () => {
  const meetingAt = at('2026-01-16T14:00:00Z'); // Fri 15:00 Rome

  it('the day before the meeting: meeting_prep for the apology, a nudge for compensation', () => {
    const c = recordMeeting(open(), meetingAt, OWNER, PB, NOW).case;
    const prepAt = at('2026-01-15T14:00:00Z'); // Thu 15:00
    for (const key of ['apologize', 'compensation'] as const) {
      const s = findStep(c, key);
      expect(nextCheckAt(c, s, PB), key).toEqual(prepAt);
      expect(planStep(c, s, PB, ROME, at('2026-01-15T13:59:00Z')).reminders, key).toEqual([]);
    }
    const apology = planStep(c, findStep(c, 'apologize'), PB, ROME, prepAt);
    expect(apology.reminders).toEqual([{ kind: 'meeting_prep', occurrence: 1 }]);
    // next: one working day after the meeting if the apology is still not recorded
    expect(iso(apology.step.nextRemindAt)).toBe('2026-01-19T14:00:00.000Z');
    const comp = planStep(c, findStep(c, 'compensation'), PB, ROME, prepAt);
    expect(comp.reminders).toEqual([{ kind: 'nudge', occurrence: 1 }]);
  });

  it.each(['apologize', 'compensation'] as const)(
    'without a meeting, %s is never nudged',
    (key) => {
      const { sent } = simulate(open(), key, '2026-01-14T10:00:00Z', '2026-02-14T10:00:00Z', {
        tickMinutes: 60,
      });
      expect(sent).toEqual([]);
    },
  );
});

describe('planStep: nothing for finished steps or cases', () => {
  it('a done step plans nothing', () => {
    const c = completeStep(open(), 'own_up', OWNER, 1, PB, NOW).case;
    const s = findStep(c, 'own_up');
    const p = planStep(c, s, PB, ROME, at('2026-01-20T10:00:00Z'));
    expect(p).toEqual({ step: s, reminders: [] });
  });

  it('a skipped or waiting step plans nothing', () => {
    const c = open();
    const waiting = findStep(c, 'client_answer');
    expect(planStep(c, waiting, PB, ROME, at('2026-03-01T10:00:00Z')).reminders).toEqual([]);
  });

  it.each(['won_back', 'lost', 'closed'] as const)('a %s case plans nothing', (outcome) => {
    const open0 = open();
    const c = closeCase(open0, outcome, 'because', OWNER, NOW).case;
    // even with the step as it was before closing (a stale read)
    for (const s of [...c.steps, ...open0.steps]) {
      const p = planStep(c, s, PB, ROME, at('2026-01-20T10:00:00Z'));
      expect(p.reminders, s.key).toEqual([]);
      expect(p.step).toBe(s);
    }
  });
});
