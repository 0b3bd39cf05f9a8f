import { addDuration } from './duration.js';
import type { Playbook, StepDef, StepKey } from './playbook.js';
import { stepDef } from './playbook.js';
import { cadencePoint, isOpen, type RecoveryCase, type Step } from './recoveryCase.js';
import { clampToWorkingHours, isWithinWorkingHours } from './workingTime.js';

/**
 * nudge        the step is due (first) or still open (repeats)
 * meeting_prep the day before the meeting: outline + apology reminder
 * escalation   overdue by the escalation delay: once, to a wider audience
 * cadence      keep-trying / check-in follow-up n
 * cadence_end  the last follow-up: mark the case lost, or schedule more
 */
/** A nudge on a meeting-bound step this close to the meeting is the meeting prep (a weekend can stretch "the day before"). */
const PREP_WINDOW_MS = 4 * 24 * 60 * 60_000;

export type ReminderKind = 'nudge' | 'meeting_prep' | 'escalation' | 'cadence' | 'cadence_end';

export interface PlannedReminder {
  readonly kind: ReminderKind;
  /** 1-based; with (case, step, kind) the reminder's unique key. */
  readonly occurrence: number;
}

export type ReminderStatus = 'pending' | 'claimed' | 'sent' | 'failed' | 'cancelled';

/** A reminder in the outbox: one per (case, step, kind, occurrence), so nothing is ever planned twice. */
export interface Reminder {
  readonly id: number;
  readonly teamId: string;
  readonly caseId: number;
  readonly stepKey: StepKey;
  readonly kind: ReminderKind;
  readonly occurrence: number;
  readonly notBefore: Date;
  readonly status: ReminderStatus;
  readonly attempts: number;
  readonly claimedAt: Date | null;
  readonly messageTs: string | null;
  readonly error: string | null;
}

/** The unique key a posted reminder carries in its Slack message metadata. */
export function reminderKey(
  r: Pick<Reminder, 'caseId' | 'stepKey' | 'kind' | 'occurrence'>,
): string {
  return `${r.caseId}:${r.stepKey}:${r.kind}:${r.occurrence}`;
}

export interface StepPlan {
  readonly step: Step;
  readonly reminders: readonly PlannedReminder[];
}

/** Earliest instant this step needs the reminder engine's attention (indexed in the store), or null. */
export function nextCheckAt(c: RecoveryCase, s: Step, pb: Playbook): Date | null {
  if (c.status !== 'open' || !isOpen(s)) return null;
  const esc = escalationAt(c, s, stepDef(pb, s.key), pb);
  const r = s.nextRemindAt;
  if (!r) return esc;
  if (!esc) return r;
  return new Date(Math.min(r.getTime(), esc.getTime()));
}

function escalationAt(
  c: RecoveryCase,
  s: Step,
  def: StepDef | undefined,
  pb: Playbook,
): Date | null {
  const after = def?.escalateAfter[c.severity];
  if (!after || !s.dueAt || s.escalatedAt || s.status !== 'pending') return null;
  // A snooze pushes the escalation too: it counts from the later of the due time and the snooze end.
  const base = s.snoozedUntil && s.snoozedUntil > s.dueAt ? s.snoozedUntil : s.dueAt;
  const at = addDuration(base, after, pb.workingHours, c.tz);
  return def.ignoreWorkingHours[c.severity] ? at : clampToWorkingHours(at, pb.workingHours, c.tz);
}

/**
 * Decides, at `now`, which reminders a step owes and when it next needs attention. Pure: the
 * engine stores the returned step and the reminders in one transaction. `tz` is the owner's
 * current time zone. After downtime a step owes one catch-up nudge, not one per missed tick.
 */
export function planStep(c: RecoveryCase, s: Step, pb: Playbook, tz: string, now: Date): StepPlan {
  const def = stepDef(pb, s.key);
  if (!def || c.status !== 'open' || !isOpen(s)) return { step: s, reminders: [] };
  const ignoreHours = def.ignoreWorkingHours[c.severity];
  const inHours = ignoreHours || isWithinWorkingHours(now, pb.workingHours, tz);
  const later = (t: Date) => (ignoreHours ? t : clampToWorkingHours(t, pb.workingHours, tz));
  const reminders: PlannedReminder[] = [];
  let step = s;

  const escAt = escalationAt(c, s, def, pb);
  if (escAt && escAt <= now && inHours) {
    reminders.push({ kind: 'escalation', occurrence: 1 });
    step = { ...step, escalatedAt: now };
  }

  if (step.nextRemindAt && step.nextRemindAt <= now) {
    if (!inHours) {
      // A reminder due at night waits for the morning.
      step = { ...step, nextRemindAt: later(now) };
    } else {
      const occurrence = step.remindCount + 1;
      let next: Date | null;
      let kind: ReminderKind = 'nudge';
      if (def.cadenceDays && step.startedAt) {
        const startedAt = step.startedAt;
        const points = def.cadenceDays.map((days) => cadencePoint(startedAt, days, c, pb, def));
        const upcoming = points.find((p) => p > now) ?? null;
        kind = upcoming ? 'cadence' : 'cadence_end';
        next = upcoming;
      } else if (
        s.key === 'apologize' &&
        c.meetingAt &&
        now < c.meetingAt &&
        c.meetingAt.getTime() - now.getTime() <= PREP_WINDOW_MS
      ) {
        kind = 'meeting_prep';
        next = def.repeat ? later(addDuration(c.meetingAt, def.repeat, pb.workingHours, tz)) : null;
      } else {
        next = def.repeat ? later(addDuration(now, def.repeat, pb.workingHours, tz)) : null;
      }
      reminders.push({ kind, occurrence });
      step = {
        ...step,
        status: step.status === 'snoozed' ? 'pending' : step.status,
        remindCount: occurrence,
        nextRemindAt: next,
        dueAt: def.cadenceDays ? next : step.dueAt,
      };
    }
  }
  return { step, reminders };
}
