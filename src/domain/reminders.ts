import { TZDate } from '@date-fns/tz';
import { addDays } from 'date-fns/addDays';
import { format } from 'date-fns/format';
import { startOfDay } from 'date-fns/startOfDay';
import { addDuration } from './duration.js';
import type { Playbook, StepDef, StepKey } from './playbook.js';
import { stepDef } from './playbook.js';
import {
  cadenceOf,
  cadencePoints,
  closeOfferAt,
  heldByRefusal,
  isOpen,
  type RecoveryCase,
  type Step,
  withMissed,
} from './recoveryCase.js';
import {
  clampToWorkingHours,
  isWithinWorkingHours,
  nextWorkingMorning,
  workingWindowOf,
} from './workingTime.js';

/** A nudge on a meeting-bound step this close to the meeting is the meeting prep (a weekend can stretch "the day before"). */
const PREP_WINDOW_MS = 4 * 24 * 60 * 60_000;

/**
 * nudge        the step is due (first) or still open (repeats)
 * meeting_prep the day before the meeting: outline + apology reminder
 * escalation   overdue by the escalation delay: once, to a wider audience
 * stalled      the case went quiet for want of action
 * cadence      keep-trying / check-in: a follow-up date (the last one included)
 * cadence_end  after the last date: close the case, or schedule more
 */
export type ReminderKind =
  | 'nudge'
  | 'meeting_prep'
  | 'escalation'
  | 'stalled'
  | 'cadence'
  | 'cadence_end'
  /** One direct message to a person, listing the cases due in their working morning. */
  | 'digest';

export interface PlannedReminder {
  readonly kind: ReminderKind;
  /** 1-based; with (case, step, kind) the reminder's unique key. */
  readonly occurrence: number;
  /** Not posted before this (default: when planned). */
  readonly notBefore?: Date;
  /**
   * The time zone of the person the post pings: it is only posted within their working hours,
   * a retry after a Slack failure included. Null: any hour (a critical own-up).
   */
  readonly hoursTz?: string | null;
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
  readonly hoursTz: string | null;
  readonly status: ReminderStatus;
  readonly attempts: number;
  readonly claimedAt: Date | null;
  /** The process holding the claim (null: claimed by a version that did not record it). */
  readonly claimedBy?: string | null;
  /** When it was planned: a nudge planned before someone acted on the case is not sent. */
  readonly createdAt: Date;
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
  if (c.status !== 'open' || !isOpen(s) || heldByRefusal(c, s, pb)) return null;
  const def = stepDef(pb, s.key);
  let at: number | null = null;
  const consider = (d: Date | null) => {
    if (d && (at === null || d.getTime() < at)) at = d.getTime();
  };
  consider(escalationAt(c, s, def, pb));
  consider(s.nextRemindAt);
  // An overdue step of a case nobody acts on needs a look when the case would go quiet.
  if (!def?.cadenceDays && s.status === 'pending' && s.dueAt) {
    const stall = stallAt(c, pb, c.tz);
    if (stall) consider(stall > s.dueAt ? stall : s.dueAt);
  }
  // So does a refused case whose follow-ups lapse while nobody acts.
  if (lapsed(c, s, pb)) consider(stallAt(c, pb, c.tz));
  if (at === null) return null;
  // While the case's budget is spent or it is quiet, nothing is looked at before the hold ends;
  // but the meeting's prep keeps its date, and so does a follow-up cadence in a quiet case.
  const exempt =
    (s.nextRemindAt && isPrepTime(c, s, s.nextRemindAt)) || (def?.cadenceDays && c.calm.stalledAt);
  const hold = exempt ? 0 : (c.calm.quietUntil?.getTime() ?? 0);
  return new Date(Math.max(at, hold));
}

/**
 * When a quiet case may speak again after a post at `since`: the start of the working day
 * `quietEveryDays` later. Not the post's instant plus a week: a tick a few seconds earlier than
 * last week's would hold it to the next tick, and it would slip later every week.
 */
function quietPostOpens(since: Date, pb: Playbook, tz: string): Date {
  const day = startOfDay(addDays(new TZDate(since.getTime(), tz), pb.calm.quietEveryDays));
  return clampToWorkingHours(new Date(day.getTime()), pb.workingHours, tz);
}

/** A nudge of the apology at `t` is the meeting's prep (the working day before the meeting). */
function isPrepTime(c: RecoveryCase, s: Step, t: Date): boolean {
  return (
    s.key === 'apologize' &&
    !!c.meetingAt &&
    t < c.meetingAt &&
    c.meetingAt.getTime() - t.getTime() <= PREP_WINDOW_MS
  );
}

/**
 * A refused case's follow-up cadence with a date missed since anyone last acted on the case: what
 * makes a refused case go quiet (its one escalation), as an overdue step does before the answer.
 */
function lapsed(c: RecoveryCase, s: Step, pb: Playbook): boolean {
  return (
    c.answer === 'refused' &&
    isOpen(s) &&
    !!stepDef(pb, s.key)?.cadenceDays &&
    cadenceOf(s).missed.some((d) => d > c.calm.lastActionAt)
  );
}

/**
 * What a follow-up cadence owes when its reminder time comes: a post asking for the follow-up of
 * the latest date passed (dates passed before it with nothing recorded are marked missed), or,
 * CLOSE_OFFER_DAYS after the last date (or the last follow-up), the offer to close the case (any
 * date still waiting is missed). The step stays due at the date asked for until a follow-up is
 * recorded, so the case shows it as overdue, never as due at the next date. Null `kind`: nothing to
 * post (a snooze ended before the next date of a cadence already followed up).
 */
function followUpDue(
  c: RecoveryCase,
  s: Step,
  pb: Playbook,
  now: Date,
): { kind: 'cadence' | 'cadence_end' | null; step: Step } {
  const due = s.dueAt;
  if (due && due > now) return { kind: null, step: { ...s, nextRemindAt: due } };
  const points = cadencePoints(c, s, pb);
  const passed = points.filter((p) => p <= now);
  const current = passed.at(-1) ?? null;
  const upcoming = points.find((p) => p > now) ?? null;
  // Asked for, or passed during downtime, and nothing recorded since.
  const waiting = due ? passed.filter((p) => p >= due) : [];
  const log = cadenceOf(s);
  if (!upcoming && (!due || !current || now >= closeOfferAt(current, c, pb, s))) {
    const cadence = withMissed(log, waiting);
    return { kind: 'cadence_end', step: { ...s, dueAt: null, nextRemindAt: null, cadence } };
  }
  const asked = current ?? due;
  const cadence = withMissed(
    log,
    waiting.filter((p) => !asked || p < asked),
  );
  return {
    kind: 'cadence',
    step: {
      ...s,
      dueAt: asked,
      nextRemindAt: upcoming ?? (asked ? closeOfferAt(asked, c, pb, s) : null),
      cadence,
    },
  };
}

/** When a case nobody acts on goes quiet, or null if it already has. */
function stallAt(c: RecoveryCase, pb: Playbook, tz: string): Date | null {
  if (c.calm.stalledAt) return null;
  return addDuration(c.calm.lastActionAt, pb.calm.quietAfter, pb.workingHours, tz);
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

const DAY_MS = 24 * 60 * 60_000;

/**
 * A step that ignores working hours (a critical own-up, by default) is urgent on the case's first
 * day only: its nudges come at any hour in the first 24 hours, then in working hours like any other.
 */
function anyHourNow(c: RecoveryCase, def: StepDef, now: Date): boolean {
  return def.ignoreWorkingHours[c.severity] && now.getTime() - c.createdAt.getTime() < DAY_MS;
}

/**
 * Decides, at `now`, which reminders a step owes and when it next needs attention. Pure: the
 * engine stores the returned step and the reminders in one transaction. `tz` is the owner's
 * current time zone. After downtime a step owes one catch-up nudge, not one per missed tick.
 */
export function planStep(c: RecoveryCase, s: Step, pb: Playbook, tz: string, now: Date): StepPlan {
  const def = stepDef(pb, s.key);
  if (!def || c.status !== 'open' || !isOpen(s) || heldByRefusal(c, s, pb))
    return { step: s, reminders: [] };
  const ignoreHours = anyHourNow(c, def, now);
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
    } else if (def.cadenceDays && step.startedAt) {
      const f = followUpDue(c, step, pb, now);
      const live = step.status === 'snoozed' ? 'pending' : step.status;
      if (f.kind) {
        const occurrence = step.remindCount + 1;
        reminders.push({ kind: f.kind, occurrence });
        step = { ...f.step, status: live, remindCount: occurrence };
      } else step = { ...f.step, status: live };
    } else {
      const occurrence = step.remindCount + 1;
      let next: Date | null;
      let kind: ReminderKind = 'nudge';
      if (c.meetingAt && isPrepTime(c, s, now)) {
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
      };
    }
  }
  return { step, reminders };
}

/** One post the reminder engine owes a case, with the step whose buttons it leads with. */
export interface PlannedPost extends PlannedReminder {
  readonly stepKey: StepKey;
}

export interface CasePlan {
  readonly case: RecoveryCase;
  readonly posts: readonly PlannedPost[];
}

/** The owner-local calendar day of `t`. */
export function localDay(t: Date, tz: string): string {
  return format(new TZDate(t.getTime(), tz), 'yyyy-MM-dd');
}

/** Which post leads when several steps want attention at once. */
const LEAD: Record<ReminderKind, number> = {
  digest: 6,
  stalled: 0,
  escalation: 1,
  meeting_prep: 2,
  cadence_end: 3,
  cadence: 4,
  nudge: 5,
};

/**
 * Decides, at `now`, what a whole case owes, within the calm policy (playbook `calm`):
 *  - at most `nudgesPerDay` posts per working day (a critical case's own-up: `criticalOwnUpPerDay`
 *    on its first day); a post lists every step that needs attention, so steps never queue up
 *    separate messages, and a catch-up after downtime is one post;
 *  - a case nobody acted on for `quietAfter` with an overdue step goes quiet: one escalation,
 *    then one nudge every `quietEveryDays` until someone acts;
 *  - a post that pings someone other than the owner (an escalation) waits for that person's
 *    working hours (`zones.others`).
 * Pure: the engine stores the case and the posts in one transaction.
 */
export function planCase(
  c: RecoveryCase,
  pb: Playbook,
  zones: { readonly owner: string; readonly others: string },
  now: Date,
): CasePlan {
  const tz = zones.owner;
  if (c.status !== 'open') return { case: c, posts: [] };
  const plans = c.steps.map((s) => ({ before: s, plan: planStep(c, s, pb, tz, now) }));
  const wanted = plans.filter((p) => p.plan.reminders.length > 0);
  const overdue = c.steps.filter(
    (s) =>
      s.status === 'pending' &&
      s.dueAt &&
      s.dueAt <= now &&
      !stepDef(pb, s.key)?.cadenceDays &&
      !heldByRefusal(c, s, pb),
  );
  const settled = { ...c, tz, steps: plans.map((p) => p.plan.step) };
  // After a refusal, follow-ups missed while nobody acts are what makes the case go quiet.
  const lapsing = settled.steps.filter((s) => lapsed(settled, s, pb));
  const stall = stallAt(c, pb, tz);
  // A dated post (a follow-up, the meeting's prep) goes first; going quiet can wait a day.
  const dated = wanted.some((p) =>
    p.plan.reminders.some((r) => r.kind !== 'nudge' && r.kind !== 'escalation'),
  );
  const stallDue = !!stall && stall <= now && overdue.length + lapsing.length > 0 && !dated;
  if (wanted.length === 0 && !stallDue) {
    const hold = c.calm.quietUntil && c.calm.quietUntil <= now ? null : c.calm.quietUntil;
    return { case: { ...settled, calm: { ...c.calm, quietUntil: hold } }, posts: [] };
  }

  // The budget: what the case already said today, and whether it is quiet.
  const day = localDay(now, tz);
  const used = c.calm.postedOn === day ? c.calm.postsThatDay : 0;
  const firstDay = localDay(c.createdAt, tz) === day;
  const criticalOwnUp =
    c.severity === 'critical' && firstDay && wanted.some((p) => p.before.key === 'own_up');
  const cap = criticalOwnUp
    ? Math.max(pb.calm.criticalOwnUpPerDay, pb.calm.nudgesPerDay)
    : pb.calm.nudgesPerDay;
  // The meeting's prep the day before is a date, not a nag: it goes out even when the day's
  // nudge already did (the one case of two posts on a working day).
  const prep = wanted.find((p) => p.plan.reminders.some((r) => r.kind === 'meeting_prep'));
  if (prep && used >= cap && !stallDue) {
    const r = prep.plan.reminders.find((x) => x.kind === 'meeting_prep') as PlannedReminder;
    const steps = c.steps.map((s) => (s.key === prep.before.key ? prep.plan.step : s));
    return {
      case: { ...c, tz, steps, calm: { ...c.calm, lastPostAt: now } },
      posts: [
        { stepKey: prep.before.key, kind: 'meeting_prep', occurrence: r.occurrence, hoursTz: tz },
      ],
    };
  }
  let opensAt: Date | null = null;
  if (used >= cap) opensAt = nextWorkingMorning(now, pb.workingHours, tz);
  else if (
    c.calm.stalledAt &&
    !stallDue &&
    // A follow-up cadence keeps its own calm dates, quiet case or not.
    !wanted.some((p) =>
      p.plan.reminders.some((r) => r.kind === 'cadence' || r.kind === 'cadence_end'),
    )
  ) {
    const weekly = quietPostOpens(c.calm.lastPostAt ?? c.calm.stalledAt, pb, tz);
    if (weekly > now) opensAt = weekly;
  }
  if (opensAt) {
    // Held: the steps keep what they want (nothing is counted as sent) until the hold ends.
    return { case: { ...c, tz, calm: { ...c.calm, quietUntil: opensAt } }, posts: [] };
  }

  // A step whose own post says something of its own (a follow-up, the meeting's prep) and does
  // not lead keeps it for a later post; plain nudges and escalations fold into the one post,
  // which lists every step needing attention.
  const folds = (p: (typeof plans)[number]) =>
    p.plan.reminders.every((r) => r.kind === 'nudge' || r.kind === 'escalation');
  let steps = settled.steps;
  let post: PlannedPost;
  const inOthersHours = (t: Date) => clampToWorkingHours(t, pb.workingHours, zones.others);
  let calm = c.calm;
  if (stallDue) {
    const lead = (overdue[0] ?? lapsing[0]) as Step;
    const occurrence = c.calm.stalls + 1;
    post = {
      stepKey: lead.key,
      kind: 'stalled',
      occurrence,
      notBefore: inOthersHours(now),
      hoursTz: zones.others,
    };
    // The quiet case's one escalation stands for every step's own.
    steps = plans.map((p) => (folds(p) ? p.plan.step : p.before));
    steps = steps.map((s) =>
      isOpen(s) && !s.escalatedAt && !heldByRefusal(c, s, pb) ? { ...s, escalatedAt: now } : s,
    );
    calm = { ...calm, stalledAt: now, stalls: occurrence };
  } else {
    // A case pings someone else once per stretch without action: a further overdue step after an
    // escalation is listed in the day's nudge, not escalated again.
    const pinged = c.steps.some((x) => x.escalatedAt && x.escalatedAt >= c.calm.lastActionAt);
    const leading = wanted
      .flatMap((p) =>
        p.plan.reminders.map((r) => ({
          step: p.before,
          r:
            pinged && r.kind === 'escalation'
              ? { kind: 'nudge' as const, occurrence: p.plan.step.remindCount + 1 }
              : r,
        })),
      )
      .sort(
        (a, b) =>
          LEAD[a.r.kind] - LEAD[b.r.kind] ||
          (a.step.dueAt?.getTime() ?? 0) - (b.step.dueAt?.getTime() ?? 0) ||
          a.step.position - b.step.position,
      )[0] as { step: Step; r: PlannedReminder };
    const pingsOthers = leading.r.kind === 'escalation';
    const leadDef = stepDef(pb, leading.step.key);
    const anyHour = leadDef ? anyHourNow(c, leadDef, now) : false;
    steps = plans.map((p) => {
      if (p.before.key !== leading.step.key) return folds(p) ? p.plan.step : p.before;
      // An escalation turned into a nudge counts as one (its key's occurrence).
      return leading.r.occurrence > p.plan.step.remindCount && leading.r.kind === 'nudge'
        ? { ...p.plan.step, remindCount: leading.r.occurrence }
        : p.plan.step;
    });
    post = {
      stepKey: leading.step.key,
      kind: leading.r.kind,
      occurrence: leading.r.occurrence,
      notBefore: pingsOthers ? inOthersHours(now) : now,
      hoursTz: pingsOthers ? zones.others : anyHour ? null : tz,
    };
  }
  const postsToday = used + 1;
  let quietUntil: Date | null = null;
  if (calm.stalledAt) {
    quietUntil = quietPostOpens(now, pb, tz);
  } else if (postsToday >= cap) quietUntil = nextWorkingMorning(now, pb.workingHours, tz);
  return {
    case: {
      ...settled,
      steps,
      calm: { ...calm, postedOn: day, postsThatDay: postsToday, lastPostAt: now, quietUntil },
    },
    posts: [post],
  };
}

/** How long "the start of the working day" lasts for the morning digest. */
const DIGEST_WINDOW_MS = 60 * 60_000;
/** What counts as "this working morning": cases due before this long after its start. */
export const MORNING_MS = 4 * 60 * 60_000;

/**
 * Whether `now` is the start of a person's working day (its first hour), when their morning
 * digest goes out: the owner-local day, or null.
 */
export function digestDay(now: Date, pb: Playbook, tz: string): string | null {
  const w = workingWindowOf(now, pb.workingHours, tz);
  if (!w || now < w.start || now.getTime() >= w.start.getTime() + DIGEST_WINDOW_MS) return null;
  return localDay(now, tz);
}

/** The digest's occurrence number (its outbox key): the day as yyyymmdd. */
export const digestOccurrence = (day: string): number => Number(day.replaceAll('-', ''));
