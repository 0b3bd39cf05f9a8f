import { TZDate } from '@date-fns/tz';
import { addDays } from 'date-fns/addDays';
import type { MeetingDetails } from './client.js';
import { addDuration } from './duration.js';
import { DomainError } from './errors.js';
import { type Playbook, type Severity, type StepDef, type StepKey, stepDef } from './playbook.js';
import { clampToWorkingHours, latestWorkingTimeAtOrBefore } from './workingTime.js';

export const CASE_STATUSES = ['open', 'won_back', 'lost', 'closed'] as const;
export type CaseStatus = (typeof CASE_STATUSES)[number];
export type Outcome = Exclude<CaseStatus, 'open'>;

/** Which case statuses may follow which: a case ends once, as won back, lost or closed. */
export const CASE_TRANSITIONS: Record<CaseStatus, readonly CaseStatus[]> = {
  open: ['won_back', 'lost', 'closed'],
  won_back: [],
  lost: [],
  closed: [],
} as const;

export const STEP_STATUSES = ['waiting', 'pending', 'snoozed', 'done', 'skipped'] as const;
export type StepStatus = (typeof STEP_STATUSES)[number];

export const STEP_TRANSITIONS: Record<StepStatus, readonly StepStatus[]> = {
  waiting: ['pending', 'skipped'],
  pending: ['done', 'skipped', 'snoozed'],
  snoozed: ['pending', 'done', 'skipped', 'snoozed'],
  done: [],
  skipped: [],
} as const;

export type ClientAnswer = 'accepted' | 'refused';
/** The client's answer may be recorded once, and a refusal may later turn into an acceptance. */
export const ANSWER_TRANSITIONS: Record<ClientAnswer | 'none', readonly ClientAnswer[]> = {
  none: ['accepted', 'refused'],
  refused: ['accepted'],
  accepted: [],
} as const;

/**
 * A corrective change promised to the client: what changes, who does it, by when. The step "make
 * changes and report them" is done when every change is done or dropped with a reason.
 */
export interface CorrectiveChange {
  readonly id: number;
  readonly what: string;
  readonly who: string | null;
  readonly by: Date | null;
  readonly status: 'open' | 'done' | 'dropped';
  readonly reason: string | null;
  readonly doneAt: Date | null;
}

/** At most this many changes per case (a promise list, not a backlog; and the message stays small). */
export const MAX_CHANGES = 10;

export interface Outline {
  readonly happened: string;
  readonly why: string;
  readonly prevention: string;
  readonly summary: string;
}

export interface Step {
  readonly key: StepKey;
  readonly position: number;
  readonly optional: boolean;
  readonly status: StepStatus;
  readonly startedAt: Date | null;
  readonly dueAt: Date | null;
  readonly doneAt: Date | null;
  readonly doneBy: string | null;
  /** What was done (e.g. the compensation offered) or why the step was skipped. */
  readonly note: string | null;
  readonly snoozedUntil: Date | null;
  readonly nextRemindAt: Date | null;
  readonly remindCount: number;
  readonly escalatedAt: Date | null;
  /** Grows on every user action on the step: a button carrying an older version is stale. */
  readonly version: number;
  /** A follow-up cadence's record (keep trying, check-ins); absent: nothing recorded or missed. */
  readonly cadence?: CadenceLog;
}

/**
 * What a follow-up cadence (keep trying, check-ins) has on record, so a date nobody followed up
 * on stays visible instead of rolling silently on to the next one.
 */
export interface CadenceLog {
  /** Follow-ups recorded: the one asked for next is number `recorded + 1`. */
  readonly recorded: number;
  /** Dates that passed with no follow-up recorded, oldest first. */
  readonly missed: readonly Date[];
  /** Dates added once the plan ran out ("try again in 30 days"). */
  readonly extra: readonly Date[];
}

export const NO_CADENCE: CadenceLog = { recorded: 0, missed: [], extra: [] };
export const cadenceOf = (s: Step): CadenceLog => s.cadence ?? NO_CADENCE;

/**
 * How much the case has said lately, so a case that lasts weeks stays calm (see planCase in
 * reminders.ts): the reminder engine's budget per working day, and whether the case went quiet.
 */
export interface CaseCalm {
  /** The last time a person acted on the case (opening it counts). */
  readonly lastActionAt: Date;
  /** The owner-local day (yyyy-MM-dd) of the engine's last post, and how many it made that day. */
  readonly postedOn: string | null;
  readonly postsThatDay: number;
  readonly lastPostAt: Date | null;
  /** Nothing more from the engine before this: the day's budget is spent, or the case is quiet. */
  readonly quietUntil: Date | null;
  /** Set when the case went quiet for want of action; any action clears it. */
  readonly stalledAt: Date | null;
  /** How many times it went quiet (each time escalates once). */
  readonly stalls: number;
  /** The owner-local day whose morning digest lists this case: that day's nudges carry no mention. */
  readonly digestOn: string | null;
}

export const freshCalm = (now: Date): CaseCalm => ({
  lastActionAt: now,
  postedOn: null,
  postsThatDay: 0,
  lastPostAt: null,
  quietUntil: null,
  stalledAt: null,
  stalls: 0,
  digestOn: null,
});

/** A person acted on the case: it is not stalled any more, and a weekly hold is lifted. */
export function touched(c: RecoveryCase, now: Date): RecoveryCase {
  return {
    ...c,
    calm: {
      ...c.calm,
      lastActionAt: now,
      stalledAt: null,
      quietUntil: c.calm.stalledAt ? null : c.calm.quietUntil,
    },
  };
}

/** A recorded follow-up is never followed by a nudge sooner than this. */
const FOLLOW_UP_GAP_DAYS = 3;

/** Why a step closed without being done when the client accepted: it only mattered before the answer. */
export const NOT_NEEDED_AFTER_ANSWER = 'not_needed_after_answer';
/** Steps that only matter before the client's answer. */
const BEFORE_ANSWER: readonly StepKey[] = ['outline', 'meeting', 'apologize', 'compensation'];

export interface RecoveryCase {
  readonly id: number;
  readonly teamId: string;
  readonly channelId: string;
  readonly messageTs: string | null;
  readonly client: string;
  readonly summary: string;
  readonly severity: Severity;
  readonly ownerId: string;
  readonly creatorId: string;
  readonly status: CaseStatus;
  readonly answer: ClientAnswer | null;
  readonly answeredAt: Date | null;
  readonly outcomeReason: string | null;
  readonly meetingAt: Date | null;
  /** The optional second meeting, to show the client the fix working. */
  readonly fixMeetingAt: Date | null;
  readonly outline: Outline | null;
  readonly lang: string;
  /** The owner's IANA time zone: working hours are counted in it. */
  readonly tz: string;
  readonly createdAt: Date;
  readonly closedAt: Date | null;
  /** Why Slack refused our last delivery (shown on the parent message), or null. */
  readonly deliveryProblem: string | null;
  /**
   * A channel shared with the client (Slack Connect) where the case was asked for: the case is
   * never posted there; it is kept as the place the client is reached.
   */
  readonly clientChannelId: string | null;
  /** The permalink of the message the case was opened from (a message shortcut), or null. */
  readonly sourceLink: string | null;
  /** The corrective changes promised, in the order they were added. */
  readonly changes: readonly CorrectiveChange[];
  /** The client's record (contact, email, zone, language, place); absent on cases from before. */
  readonly clientId?: number | null;
  /** Each meeting's place and length, as chosen when it was booked; absent: none chosen. */
  readonly meetings?: Meetings;
  readonly version: number;
  readonly steps: readonly Step[];
  readonly calm: CaseCalm;
  /** The last click, kept for a few minutes so it can be undone (null: nothing to undo). */
  readonly undo?: UndoPoint | null;
}

/** How long the last click can be undone. */
export const UNDO_WITHIN_MS = 10 * 60_000;

/** What an undoable click may change, as it was before it. */
export interface UndoState {
  /** The steps the click changed, as they were. */
  readonly steps: readonly Step[];
  readonly answer: ClientAnswer | null;
  readonly answeredAt: Date | null;
  readonly changes: readonly CorrectiveChange[];
}

/** The last click on a case, with the state it changed, so the thread line can undo it. */
export interface UndoPoint {
  /** The event the click recorded (step_done, client_accepted...). */
  readonly type: string;
  readonly stepKey: StepKey | null;
  readonly actor: string;
  readonly at: Date;
  /** The case's version right after the click: it can be undone only while the case is there. */
  readonly version: number;
  readonly before: UndoState;
  /** Set once undone (a second Undo says so). */
  readonly undoneBy: string | null;
  readonly undoneAt: Date | null;
}

/** The place and length chosen for the case's meeting and for its fix meeting. */
export interface Meetings {
  readonly meeting?: MeetingDetails;
  readonly fix?: MeetingDetails;
}

export interface CaseEvent {
  readonly type: string;
  readonly actor: string;
  readonly stepKey?: StepKey;
  readonly data?: Record<string, unknown>;
}

export interface Changed {
  readonly case: RecoveryCase;
  readonly event: CaseEvent;
}

/** Length as people count it: an emoji or an accented letter is one character. */
export const chars = (s: string): number => [...s].length;

export const LIMITS = {
  client: 150,
  summary: 4000,
  note: 2000,
  outlineField: 3000,
  /** The outline's two sentences: what the form takes (and can show again). */
  outlineSummary: 600,
  change: 300,
} as const;

/** How a step looks to a reader at `now`. */
export type StepView = StepStatus | 'overdue';
export function stepView(s: Step, now: Date): StepView {
  if (s.status === 'pending' && s.dueAt && s.dueAt <= now) return 'overdue';
  return s.status;
}

export function isOpen(s: Step): boolean {
  return s.status === 'pending' || s.status === 'snoozed';
}

/**
 * A step that waits for one of the client's answers is out of play once the other answer is
 * recorded (keep trying after an acceptance; check-ins after a refusal) or once the case has ended,
 * since nothing starts on an ended case: the case message leaves it out instead of "not started".
 * So is a step that starts after another one which was skipped (the second meeting, once the first
 * is "not needed now" because the client accepted without one): that step is never done.
 */
export function outOfPlay(c: RecoveryCase, s: Step, pb: Playbook): boolean {
  if (s.status !== 'waiting') return false;
  const starts = stepDef(pb, s.key)?.starts;
  if (typeof starts === 'object' && starts !== null) {
    if (c.status !== 'open') return true;
    return c.steps.find((x) => x.key === starts.afterStep)?.status === 'skipped';
  }
  if (starts !== 'accepted' && starts !== 'refused') return false;
  return c.status !== 'open' || (c.answer !== null && c.answer !== starts);
}

/**
 * The step that needs doing first, as a list names it: the earliest due of those to do, else the
 * first required one in order (an optional step with no date never hides a dated one), else a
 * snoozed one; null when nothing is open. With the playbook, after a refusal the steps held from
 * before the answer come only when nothing else is open (keep trying leads).
 */
export function nextStepToDo(c: RecoveryCase, pb?: Playbook): Step | null {
  const all = c.steps.filter(isOpen);
  const live = pb ? all.filter((s) => !heldByRefusal(c, s, pb)) : all;
  const open = live.length ? live : all;
  const toDo = open.filter((s) => s.status === 'pending');
  const dated = toDo.filter((s) => s.dueAt).sort((a, b) => Number(a.dueAt) - Number(b.dueAt));
  return dated[0] ?? toDo.find((s) => !s.optional) ?? toDo[0] ?? open[0] ?? null;
}

export function findStep(c: RecoveryCase, key: StepKey): Step {
  const s = c.steps.find((x) => x.key === key);
  if (!s) throw new DomainError('step_not_found', key);
  return s;
}

function requireOpen(c: RecoveryCase): void {
  if (c.status !== 'open') throw new DomainError('case_closed');
}

function moveStep(s: Step, to: StepStatus): Step {
  if (s.status === to && to !== 'snoozed')
    throw new DomainError('already_done', `${s.key} is already ${to}`);
  if (!STEP_TRANSITIONS[s.status].includes(to))
    throw new DomainError('invalid_transition', `${s.key}: ${s.status} → ${to}`);
  return { ...s, status: to, version: s.version + 1 };
}

/** Checks a clicked step against its current state: a repeated or stale click changes nothing. */
function checkStepAction(s: Step, expectedVersion: number | null): void {
  if (s.status === 'done' || s.status === 'skipped')
    throw new DomainError('already_done', `${s.key} is already ${s.status}`);
  if (expectedVersion !== null && expectedVersion !== s.version)
    throw new DomainError('stale_action', s.key);
}

/** The step a click is about, in an open case: a repeated or stale click changes nothing. */
function clickedStep(c: RecoveryCase, key: StepKey, expectedVersion: number | null): Step {
  requireOpen(c);
  const s = findStep(c, key);
  checkStepAction(s, expectedVersion);
  return s;
}

/** An open case as the click saw it (`expectedVersion`, when given): a stale click changes nothing. */
function requireCurrent(c: RecoveryCase, expectedVersion: number | null, detail?: string): void {
  requireOpen(c);
  if (expectedVersion !== null && expectedVersion !== c.version)
    throw new DomainError('stale_action', detail);
}

/** A reason or note someone wrote: trimmed, required, and at most LIMITS.note characters. */
function writtenNote(
  text: string,
  tooLong: 'reason_too_long' | 'note_too_long',
  emptyDetail?: string,
): string {
  const t = text.trim();
  if (!t) throw new DomainError('reason_required', emptyDetail);
  if (chars(t) > LIMITS.note) throw new DomainError('invalid_input', tooLong);
  return t;
}

/**
 * A step its owner closed (done or skipped, with its note), and the steps that start once it is;
 * reminders about it stop.
 */
function closeStep(
  c: RecoveryCase,
  s: Step,
  to: 'done' | 'skipped',
  note: string | null,
  actor: string,
  pb: Playbook,
  now: Date,
): RecoveryCase {
  const closed = {
    ...moveStep(s, to),
    doneAt: now,
    doneBy: actor,
    note,
    nextRemindAt: null,
    snoozedUntil: null,
  };
  return startTriggered(
    replaceStep(c, closed),
    pb,
    now,
    (st) => typeof st === 'object' && st.afterStep === s.key,
  );
}

/** A step finished as a side effect of another action (meeting booked, outline saved, answer recorded). */
function markDone(s: Step, actor: string, now: Date): Step {
  return {
    ...s,
    status: 'done',
    doneAt: now,
    doneBy: actor,
    nextRemindAt: null,
    snoozedUntil: null,
    version: s.version + 1,
  };
}

function replaceStep(c: RecoveryCase, s: Step): RecoveryCase {
  return { ...c, version: c.version + 1, steps: c.steps.map((x) => (x.key === s.key ? s : x)) };
}

/** One step changed: the case with `s` in its place, and the event about that step. */
function stepChanged(
  c: RecoveryCase,
  s: Step,
  type: string,
  actor: string,
  data: Record<string, unknown>,
): Changed {
  return { case: replaceStep(c, s), event: { type, actor, stepKey: s.key, data } };
}

/** When a step that has just started is due, given the case and the playbook. */
function dueFor(def: StepDef, c: RecoveryCase, pb: Playbook, start: Date): Date | null {
  if (def.cadenceDays) {
    const first = def.cadenceDays[0];
    return first === undefined ? null : cadencePoint(start, first, c, pb, def);
  }
  const spec = def.due[c.severity];
  if (spec === 'none') return null;
  if (spec === 'meeting') return c.meetingAt;
  return addDuration(start, spec, pb.workingHours, c.tz);
}

/** Calendar days in the owner's zone (same wall-clock time across DST), not the server's. */
function addLocalDays(t: Date, days: number, tz: string): Date {
  return new Date(addDays(new TZDate(t.getTime(), tz), days).getTime());
}

export function cadencePoint(
  start: Date,
  days: number,
  c: RecoveryCase,
  pb: Playbook,
  def: StepDef,
): Date {
  const t = addLocalDays(start, days, c.tz);
  return def.ignoreWorkingHours[c.severity] ? t : clampToWorkingHours(t, pb.workingHours, c.tz);
}

/** Days after a cadence's last date (or its last follow-up) before the owner is offered to close. */
export const CLOSE_OFFER_DAYS = 7;

/** The dates a cadence step asks for a follow-up: the plan's from its start, then any added. */
export function cadencePoints(c: RecoveryCase, s: Step, pb: Playbook): Date[] {
  const def = stepDef(pb, s.key);
  const startedAt = s.startedAt;
  if (!def?.cadenceDays || !startedAt) return [];
  return [
    ...def.cadenceDays.map((days) => cadencePoint(startedAt, days, c, pb, def)),
    ...cadenceOf(s).extra,
  ].sort((a, b) => a.getTime() - b.getTime());
}

/** When a cadence whose last date (or follow-up) was `t` offers the owner to close the case. */
export function closeOfferAt(t: Date, c: RecoveryCase, pb: Playbook, s: Step): Date {
  const def = stepDef(pb, s.key);
  return def
    ? cadencePoint(t, CLOSE_OFFER_DAYS, c, pb, def)
    : addLocalDays(t, CLOSE_OFFER_DAYS, c.tz);
}

/** The log with `dates` added to its missed ones (each once, in order). */
export function withMissed(log: CadenceLog, dates: readonly Date[]): CadenceLog {
  if (dates.length === 0) return log;
  const seen = new Set(log.missed.map((d) => d.getTime()));
  const added = dates.filter((d) => !seen.has(d.getTime()));
  if (added.length === 0) return log;
  return {
    ...log,
    missed: [...log.missed, ...added].sort((a, b) => a.getTime() - b.getTime()),
  };
}

/**
 * After a refusal only the keep-trying cadence speaks: a step still open from before the answer
 * (the apology, the compensation, the changes…) stays on the case as open, and is never nudged,
 * escalated or counted as overdue. Steps that start with the refusal itself are not held.
 */
export function heldByRefusal(c: RecoveryCase, s: Step, pb: Playbook): boolean {
  if (c.status !== 'open' || c.answer !== 'refused' || !isOpen(s)) return false;
  const def = stepDef(pb, s.key);
  return !def?.cadenceDays && def?.starts !== 'refused';
}

function start(c: RecoveryCase, s: Step, pb: Playbook, now: Date): Step {
  const def = stepDef(pb, s.key);
  if (!def) return s;
  const due = dueFor(def, c, pb, now);
  return {
    ...s,
    status: 'pending',
    startedAt: now,
    dueAt: due,
    nextRemindAt: due,
    remindCount: 0,
    escalatedAt: null,
  };
}

/** Starts every waiting step whose trigger just happened. */
function startTriggered(
  c: RecoveryCase,
  pb: Playbook,
  now: Date,
  trigger: (st: StepDef['starts']) => boolean,
): RecoveryCase {
  const steps = c.steps.map((s) => {
    const def = stepDef(pb, s.key);
    return s.status === 'waiting' && def && trigger(def.starts) ? start(c, s, pb, now) : s;
  });
  return { ...c, steps };
}

export interface OpenCaseInput {
  readonly teamId: string;
  readonly channelId: string;
  readonly client: string;
  readonly summary: string;
  readonly severity: Severity;
  readonly ownerId: string;
  readonly creatorId: string;
  readonly lang: string;
  readonly tz: string;
  /** Overrides when own_up is due (the first step). */
  readonly dueOverride?: Date | null;
  /** The permalink of the message the case is opened from. */
  readonly sourceLink?: string | null;
}

export function validateOpenInput(
  client: string,
  summary: string,
): { client: string; summary: string } {
  const cl = client.trim();
  const su = summary.trim();
  if (!cl) throw new DomainError('invalid_input', 'client');
  if (!su) throw new DomainError('invalid_input', 'summary');
  if (chars(cl) > LIMITS.client) throw new DomainError('invalid_input', 'client_too_long');
  if (chars(su) > LIMITS.summary) throw new DomainError('invalid_input', 'summary_too_long');
  return { client: cl, summary: su };
}

export function openCase(input: OpenCaseInput, pb: Playbook, now: Date): Changed {
  const { client, summary } = validateOpenInput(input.client, input.summary);
  if (input.dueOverride && input.dueOverride <= now)
    throw new DomainError('invalid_input', 'due_in_past');
  const blank: RecoveryCase = {
    id: 0,
    teamId: input.teamId,
    channelId: input.channelId,
    messageTs: null,
    client,
    summary,
    severity: input.severity,
    ownerId: input.ownerId,
    creatorId: input.creatorId,
    status: 'open',
    answer: null,
    answeredAt: null,
    outcomeReason: null,
    meetingAt: null,
    fixMeetingAt: null,
    outline: null,
    lang: input.lang,
    tz: input.tz,
    createdAt: now,
    closedAt: null,
    deliveryProblem: null,
    clientChannelId: null,
    sourceLink: input.sourceLink ?? null,
    changes: [],
    version: 1,
    calm: freshCalm(now),
    steps: pb.steps.map((def, position) => ({
      key: def.key,
      position,
      optional: def.optional,
      status: 'waiting',
      startedAt: null,
      dueAt: null,
      doneAt: null,
      doneBy: null,
      note: null,
      snoozedUntil: null,
      nextRemindAt: null,
      remindCount: 0,
      escalatedAt: null,
      version: 1,
    })),
  };
  let c = startTriggered(blank, pb, now, (st) => st === 'opened');
  if (input.dueOverride) {
    const o = input.dueOverride;
    c = {
      ...c,
      steps: c.steps.map((s) => (s.key === 'own_up' ? { ...s, dueAt: o, nextRemindAt: o } : s)),
    };
  }
  return {
    case: c,
    event: {
      type: 'case_opened',
      actor: input.creatorId,
      data: { severity: c.severity, owner: c.ownerId },
    },
  };
}

/**
 * The corrective-changes step is due at its earliest open promise, to the minute, as the change's
 * own line says (a promise made in the form is the end of that working day). Its first nudge comes
 * within working hours before it, so the owner hears of it while the promise can still be kept.
 */
function withChangesDue(c: RecoveryCase, pb: Playbook): RecoveryCase {
  const s = c.steps.find((x) => x.key === 'corrective_changes');
  if (!s || !isOpen(s)) return c;
  const dates = c.changes
    .filter((x) => x.status === 'open' && x.by)
    .map((x) => (x.by as Date).getTime());
  if (dates.length === 0) return c;
  const due = new Date(Math.min(...dates));
  if (s.dueAt?.getTime() === due.getTime()) return c;
  const def = stepDef(pb, 'corrective_changes');
  const remind = def?.ignoreWorkingHours[c.severity]
    ? due
    : latestWorkingTimeAtOrBefore(due, pb.workingHours, c.tz);
  // A promise moved the due time: the step is nudged (and may escalate) from there.
  const moved = { ...s, dueAt: due, nextRemindAt: remind, escalatedAt: null };
  return { ...c, steps: c.steps.map((x) => (x.key === s.key ? moved : x)) };
}

export function addChange(
  c: RecoveryCase,
  input: { what: string; who: string | null; by: Date | null },
  actor: string,
  pb: Playbook,
  now: Date,
): Changed {
  requireOpen(c);
  const s = findStep(c, 'corrective_changes');
  if (!isOpen(s) && s.status !== 'waiting')
    throw new DomainError('already_done', 'corrective_changes');
  const what = input.what.trim();
  if (!what) throw new DomainError('invalid_input', 'change_what');
  if (chars(what) > LIMITS.change) throw new DomainError('invalid_input', 'change_too_long');
  if (input.by && input.by <= now) throw new DomainError('invalid_input', 'change_by_past');
  if (c.changes.length >= MAX_CHANGES) throw new DomainError('invalid_input', 'too_many_changes');
  const id = c.changes.reduce((m, x) => Math.max(m, x.id), 0) + 1;
  const change: CorrectiveChange = {
    id,
    what,
    who: input.who,
    by: input.by,
    status: 'open',
    reason: null,
    doneAt: null,
  };
  const next = withChangesDue(
    { ...c, changes: [...c.changes, change], version: c.version + 1 },
    pb,
  );
  return {
    case: next,
    event: {
      type: 'change_added',
      actor,
      stepKey: 'corrective_changes',
      data: { id, what, who: input.who, by: input.by ? input.by.toISOString() : null },
    },
  };
}

/** A change done, or dropped with a reason; the version is the case's, as on its buttons. */
export function settleChange(
  c: RecoveryCase,
  id: number,
  outcome: { done: true } | { done: false; reason: string },
  actor: string,
  expectedVersion: number | null,
  pb: Playbook,
  now: Date,
): Changed {
  requireCurrent(c, expectedVersion, 'corrective_changes');
  const x = c.changes.find((y) => y.id === id);
  if (!x) throw new DomainError('invalid_input', 'change_not_found');
  if (x.status !== 'open') throw new DomainError('already_done', `change ${id}`);
  const reason = outcome.done ? null : writtenNote(outcome.reason, 'reason_too_long');
  const settled: CorrectiveChange = {
    ...x,
    status: outcome.done ? 'done' : 'dropped',
    reason,
    doneAt: now,
  };
  // The step's due time follows the open promises. It is not closed here when the last one is
  // settled: the step is "make the changes *and report them*", so it closes when the owner marks
  // it done or sends the client the message, and neither can happen while a promise is open.
  const next = withChangesDue(
    { ...c, changes: c.changes.map((y) => (y.id === id ? settled : y)), version: c.version + 1 },
    pb,
  );
  return {
    case: next,
    event: {
      type: outcome.done ? 'change_done' : 'change_dropped',
      actor,
      stepKey: 'corrective_changes',
      data: reason ? { id, what: x.what, reason } : { id, what: x.what },
    },
  };
}

export function completeStep(
  c: RecoveryCase,
  key: StepKey,
  actor: string,
  expectedVersion: number | null,
  pb: Playbook,
  now: Date,
  note: string | null = null,
): Changed {
  const s = clickedStep(c, key, expectedVersion);
  if (s.status === 'waiting') throw new DomainError('invalid_transition', `${key} has not started`);
  if (key === 'corrective_changes' && c.changes.some((x) => x.status === 'open'))
    throw new DomainError('changes_open', key);
  const next = closeStep(c, s, 'done', note ?? s.note, actor, pb, now);
  return {
    case: next,
    event: { type: 'step_done', actor, stepKey: key, data: note ? { note } : undefined },
  };
}

export function snoozeStep(
  c: RecoveryCase,
  key: StepKey,
  until: Date,
  actor: string,
  expectedVersion: number | null,
  now: Date,
): Changed {
  const s = clickedStep(c, key, expectedVersion);
  if (s.status === 'waiting') throw new DomainError('invalid_transition', `${key} has not started`);
  if (until <= now) throw new DomainError('invalid_input', 'snooze_in_past');
  // A snooze puts a reminder off; it never brings one forward (a step due later stays due later).
  const remindAt = s.nextRemindAt && s.nextRemindAt > until ? s.nextRemindAt : until;
  const snoozed = { ...moveStep(s, 'snoozed'), snoozedUntil: until, nextRemindAt: remindAt };
  return stepChanged(c, snoozed, 'step_snoozed', actor, { until: until.toISOString() });
}

/**
 * What a person wrote on a step in its form: a skip's reason, a follow-up's note. `version`: the
 * case version the form was drawn from (null: not checked).
 */
export interface StepNote {
  readonly key: StepKey;
  readonly note: string;
  readonly actor: string;
  readonly version: number | null;
}

export function skipStep(
  c: RecoveryCase,
  { key, note, actor, version }: StepNote,
  pb: Playbook,
  now: Date,
): Changed {
  const s = clickedStep(c, key, version);
  if (!s.optional) throw new DomainError('not_optional', key);
  const r = writtenNote(note, 'reason_too_long');
  const next = closeStep(c, s, 'skipped', r, actor, pb, now);
  return { case: next, event: { type: 'step_skipped', actor, stepKey: key, data: { reason: r } } };
}

/** Records the meeting's time: the meeting step is done, and steps due "with the meeting" get that time. */
export function recordMeeting(
  c: RecoveryCase,
  at: Date,
  actor: string,
  pb: Playbook,
  now: Date,
): Changed {
  requireOpen(c);
  if (at <= now) throw new DomainError('invalid_input', 'meeting_in_past');
  // Saved unchanged: nothing moved, so no "moved the meeting" and no new invite.
  if (c.meetingAt && c.meetingAt.getTime() === at.getTime())
    throw new DomainError('invalid_input', 'meeting_unchanged');
  let next: RecoveryCase = { ...c, meetingAt: at, version: c.version + 1 };
  next = {
    ...next,
    steps: next.steps.map((s) => {
      const def = stepDef(pb, s.key);
      if (s.key === 'meeting' && isOpen(s)) {
        return markDone(s, actor, now);
      }
      if (def?.due[c.severity] === 'meeting' && isOpen(s)) {
        // The working day before the meeting the owner gets the outline and the apology reminder.
        // (remindCount keeps rising across re-bookings, so every reminder keeps a fresh key.)
        const prep = latestWorkingTimeAtOrBefore(addLocalDays(at, -1, c.tz), pb.workingHours, c.tz);
        return { ...s, dueAt: at, nextRemindAt: prep > now ? prep : now };
      }
      return s;
    }),
  };
  // What starts once the meeting is booked (the optional second meeting, to show the fix).
  next = startTriggered(
    next,
    pb,
    now,
    (st) => typeof st === 'object' && st.afterStep === 'meeting',
  );
  // A meeting already booked is moved: the event says from when.
  const data = {
    at: at.toISOString(),
    ...(c.meetingAt ? { from: c.meetingAt.toISOString() } : {}),
  };
  return { case: next, event: { type: 'meeting_booked', actor, data } };
}

/**
 * The second meeting, "when the fix needs time, meet again to show it": booking it (or moving it)
 * records its time and closes the optional step.
 */
export function recordFixMeeting(c: RecoveryCase, at: Date, actor: string, now: Date): Changed {
  requireOpen(c);
  if (at <= now) throw new DomainError('invalid_input', 'meeting_in_past');
  const s = findStep(c, 'fix_meeting');
  if (s.status === 'waiting' || s.status === 'skipped')
    throw new DomainError('invalid_transition', 'fix_meeting');
  if (c.fixMeetingAt && c.fixMeetingAt.getTime() === at.getTime())
    throw new DomainError('invalid_input', 'meeting_unchanged');
  const next: RecoveryCase = {
    ...c,
    fixMeetingAt: at,
    version: c.version + 1,
    steps: c.steps.map((x) => (x.key === 'fix_meeting' && isOpen(x) ? markDone(x, actor, now) : x)),
  };
  return {
    case: next,
    // Booked again: moved, and the event says from when (as for the first meeting).
    event: {
      type: 'fix_meeting_booked',
      actor,
      data: {
        at: at.toISOString(),
        ...(c.fixMeetingAt ? { from: c.fixMeetingAt.toISOString() } : {}),
      },
    },
  };
}

export function validateOutline(o: Outline): Outline {
  const t = {
    happened: o.happened.trim(),
    why: o.why.trim(),
    prevention: o.prevention.trim(),
    summary: o.summary.trim(),
  };
  for (const [k, v] of Object.entries(t)) {
    if (!v) throw new DomainError('invalid_input', `outline_${k}`);
    if (chars(v) > (k === 'summary' ? LIMITS.outlineSummary : LIMITS.outlineField))
      throw new DomainError('invalid_input', `outline_${k}_too_long`);
  }
  return t;
}

/**
 * Saves the outline. Saved again over an earlier one, it is an edit (`outline_edited`, with what it
 * said before), refused when nothing changed.
 */
export function saveOutline(c: RecoveryCase, outline: Outline, actor: string, now: Date): Changed {
  requireOpen(c);
  const o = validateOutline(outline);
  const was = c.outline;
  if (was) {
    if (
      was.happened === o.happened &&
      was.why === o.why &&
      was.prevention === o.prevention &&
      was.summary === o.summary
    )
      throw new DomainError('invalid_input', 'outline_unchanged');
    return {
      case: { ...c, outline: o, version: c.version + 1 },
      event: { type: 'outline_edited', actor, data: { ...o, before: { ...was } } },
    };
  }
  let next: RecoveryCase = { ...c, outline: o, version: c.version + 1 };
  next = {
    ...next,
    steps: next.steps.map((s) => (s.key === 'outline' && isOpen(s) ? markDone(s, actor, now) : s)),
  };
  return { case: next, event: { type: 'outline_saved', actor, data: { ...o } } };
}

export function recordAnswer(
  c: RecoveryCase,
  answer: ClientAnswer,
  actor: string,
  pb: Playbook,
  now: Date,
): Changed {
  requireOpen(c);
  if (!ANSWER_TRANSITIONS[c.answer ?? 'none'].includes(answer)) {
    throw new DomainError(
      c.answer === answer ? 'already_done' : 'invalid_transition',
      `answer ${c.answer} → ${answer}`,
    );
  }
  const close = (s: Step): Step =>
    isOpen(s) || s.status === 'waiting' ? markDone(s, actor, now) : s;
  // Once the client has accepted, what only mattered before the answer closes as "not needed
  // now" (the reason is kept); the corrective changes stay open: they are a promise to keep.
  const notNeeded: StepKey[] = [];
  const drop = (s: Step): Step => {
    if (!(isOpen(s) || s.status === 'waiting')) return s;
    notNeeded.push(s.key);
    return {
      ...s,
      status: 'skipped',
      doneAt: now,
      doneBy: actor,
      note: NOT_NEEDED_AFTER_ANSWER,
      nextRemindAt: null,
      snoozedUntil: null,
      version: s.version + 1,
    };
  };
  let next: RecoveryCase = {
    ...c,
    answer,
    answeredAt: now,
    version: c.version + 1,
    steps: c.steps.map((s) =>
      s.key === 'client_answer' ||
      (answer === 'accepted' && s.key === 'keep_trying' && s.status !== 'waiting')
        ? close(s)
        : answer === 'accepted' && BEFORE_ANSWER.includes(s.key)
          ? drop(s)
          : s,
    ),
  };
  next = startTriggered(next, pb, now, (st) => st === answer);
  return {
    case: next,
    event: {
      type: answer === 'accepted' ? 'client_accepted' : 'client_refused',
      actor,
      ...(notNeeded.length ? { data: { notNeeded } } : {}),
    },
  };
}

/**
 * A keep-trying follow-up or a check-in the owner made, with a short note ("offered a small trial
 * order"): it answers the cadence's current date, so the next nudge is the next date; dates that
 * passed before it with nothing recorded stay missed. After the last date, the owner is offered to
 * close the case CLOSE_OFFER_DAYS later.
 */
export function recordFollowUp(
  c: RecoveryCase,
  { key, note, actor, version }: StepNote,
  pb: Playbook,
  now: Date,
): Changed {
  const s = clickedStep(c, key, version);
  const def = stepDef(pb, key);
  if (!def?.cadenceDays || !isOpen(s) || !s.startedAt)
    throw new DomainError('invalid_transition', `${key} is not following up`);
  const n = writtenNote(note, 'note_too_long', 'note_empty');
  const points = cadencePoints(c, s, pb);
  // The follow-up stands for every date up to a few days from now: the next nudge is the first
  // date after that, never two days after a follow-up.
  const gapEnd = now.getTime() + FOLLOW_UP_GAP_DAYS * 24 * 60 * 60_000;
  const nextAt = points.find((p) => p.getTime() >= gapEnd) ?? null;
  // It answers the latest date passed; earlier ones still waiting (downtime) were missed.
  const due = s.dueAt;
  const waiting = due && due <= now ? points.filter((p) => p >= due && p <= now) : [];
  const log = withMissed(cadenceOf(s), waiting.slice(0, -1));
  const next: Step = {
    ...s,
    status: 'pending',
    snoozedUntil: null,
    note: n,
    // A follow-up is not a nudge: the reminders' keys keep counting the posts.
    remindCount: s.remindCount,
    dueAt: nextAt,
    nextRemindAt: nextAt ?? closeOfferAt(now, c, pb, s),
    cadence: { ...log, recorded: log.recorded + 1 },
    version: s.version + 1,
  };
  return stepChanged(c, next, 'follow_up_recorded', actor, {
    note: n,
    next: nextAt ? nextAt.toISOString() : null,
  });
}

/** After the last keep-trying follow-up the owner may schedule one more instead of giving up. */
export function scheduleMoreFollowUps(
  c: RecoveryCase,
  actor: string,
  pb: Playbook,
  now: Date,
  days = 30,
): Changed {
  requireOpen(c);
  const s = findStep(c, 'keep_trying');
  if (!isOpen(s)) throw new DomainError('invalid_transition', 'keep_trying is not running');
  const def = stepDef(pb, 'keep_trying');
  const at = def ? cadencePoint(now, days, c, pb, def) : addDays(now, days);
  // A date added to the plan: asked for like the others, then the offer to close again.
  const log = cadenceOf(s);
  const next: Step = {
    ...s,
    dueAt: at,
    nextRemindAt: at,
    cadence: { ...log, extra: [...log.extra, at] },
    version: s.version + 1,
  };
  return stepChanged(c, next, 'follow_up_scheduled', actor, { at: at.toISOString() });
}

/**
 * Moves the case to another channel (out of one the client can read): it is posted there afresh,
 * and a channel shared with the client is kept as the place the client is reached.
 */
export function moveCase(
  c: RecoveryCase,
  to: string,
  actor: string,
  o: { fromShared: boolean },
): Changed {
  requireOpen(c);
  if (!to || to === c.channelId) throw new DomainError('invalid_input', 'channel');
  const from = c.channelId;
  return {
    case: {
      ...c,
      channelId: to,
      messageTs: null,
      deliveryProblem: null,
      clientChannelId: o.fromShared ? from : c.clientChannelId,
      version: c.version + 1,
    },
    event: { type: 'case_moved', actor, data: { from, to, shared: o.fromShared } },
  };
}

/** A message to the client, drafted and edited in Amends, kept on record for colleagues to review. */
export function recordDraft(
  c: RecoveryCase,
  subject: string,
  body: string,
  actor: string,
): Changed {
  requireOpen(c);
  const s = subject.trim();
  const b = body.trim();
  if (!s) throw new DomainError('invalid_input', 'draft_subject');
  if (!b) throw new DomainError('invalid_input', 'draft_body');
  if (chars(s) > 200) throw new DomainError('invalid_input', 'draft_subject');
  if (chars(b) > LIMITS.outlineField) throw new DomainError('invalid_input', 'draft_body');
  return {
    case: { ...c, version: c.version + 1 },
    event: { type: 'client_draft', actor, data: { subject: s, body: b } },
  };
}

/**
 * The owner sent the client the message (drafted in Amends or not): the first time it is the
 * own-up (its clock is stamped now); later it reports the changes, which closes that step when no
 * promise is still open.
 */
export function recordClientMessage(
  c: RecoveryCase,
  actor: string,
  expectedVersion: number | null,
  pb: Playbook,
  now: Date,
): Changed {
  requireCurrent(c, expectedVersion);
  const own = findStep(c, 'own_up');
  const changes = c.steps.find((s) => s.key === 'corrective_changes');
  let next: RecoveryCase = { ...c, version: c.version + 1 };
  // The message drafted in Amends opens with the apology: sending it is the apology on record.
  const apology = c.steps.find((s) => s.key === 'apologize');
  const apologized = !!apology && isOpen(apology);
  if (apology && apologized) next = replaceStep(next, markDone(apology, actor, now));
  const ownedUp = isOpen(own);
  if (ownedUp) next = replaceStep(next, markDone(own, actor, now));
  // It reports the changes when there is something to report: at least one change done, none
  // still promised (the first message may do both, when the changes came first).
  const reported =
    !!changes &&
    isOpen(changes) &&
    c.changes.some((x) => x.status === 'done') &&
    !c.changes.some((x) => x.status === 'open');
  if (changes && reported)
    next = startTriggered(
      {
        ...next,
        steps: next.steps.map((s) => (s.key === changes.key ? markDone(s, actor, now) : s)),
      },
      pb,
      now,
      (st) => typeof st === 'object' && st.afterStep === 'corrective_changes',
    );
  const marked: StepKey | null = ownedUp ? 'own_up' : reported ? 'corrective_changes' : null;
  const data = {
    ...(apologized ? { apologized: true } : {}),
    ...(reported ? { changes: true } : {}),
  };
  return {
    case: next,
    event: {
      type: 'client_message_sent',
      actor,
      ...(marked ? { stepKey: marked } : {}),
      ...(Object.keys(data).length ? { data } : {}),
    },
  };
}

/** The steps a sent client message marked done (see recordClientMessage), in the method's order. */
export function stepsDoneBySend(ch: Changed): StepKey[] {
  const e = ch.event;
  if (e.type !== 'client_message_sent') return [];
  const keys: StepKey[] = [];
  if (e.stepKey === 'own_up') keys.push('own_up');
  if ((e.data as { apologized?: boolean } | undefined)?.apologized) keys.push('apologize');
  if (e.stepKey === 'corrective_changes' || (e.data as { changes?: boolean } | undefined)?.changes)
    keys.push('corrective_changes');
  return keys;
}

export function closeCase(
  c: RecoveryCase,
  outcome: Outcome,
  reason: string | null,
  actor: string,
  now: Date,
): Changed {
  if (!CASE_TRANSITIONS[c.status].includes(outcome)) throw new DomainError('case_closed');
  const r = reason?.trim() || null;
  if (outcome === 'lost' && !r) throw new DomainError('reason_required', 'lost_reason');
  if (r && chars(r) > LIMITS.note) throw new DomainError('invalid_input', 'reason_too_long');
  const next: RecoveryCase = {
    ...c,
    status: outcome,
    outcomeReason: r,
    closedAt: now,
    version: c.version + 1,
    steps: c.steps.map((s) => {
      // A follow-up date asked for and still waiting when the case ends was missed: it stays on
      // the record (the parent, the outcomes) instead of vanishing with the case.
      const follows = s.key === 'keep_trying' || s.key === 'check_in';
      const waiting = follows && isOpen(s) && s.dueAt && s.dueAt <= now ? s.dueAt : null;
      const cadence = waiting ? withMissed(cadenceOf(s), [waiting]) : s.cadence;
      if (!s.nextRemindAt && cadence === s.cadence) return s;
      return { ...s, nextRemindAt: null, ...(cadence ? { cadence } : {}) };
    }),
  };
  return {
    case: next,
    event: { type: 'case_closed', actor, data: { outcome, ...(r ? { reason: r } : {}) } },
  };
}

/** Minutes from opening until the client was told (own_up done), or null while still untold. */
export function ownUpMinutes(c: RecoveryCase): number | null {
  const s = c.steps.find((x) => x.key === 'own_up');
  if (!s?.doneAt) return null;
  return Math.round((s.doneAt.getTime() - c.createdAt.getTime()) / 60_000);
}

/**
 * A new case is stored before anyone waits on Slack, so it is opened with the owner's cached time
 * zone and the creator's cached language, or the defaults. Once Slack has said what they really
 * are, an untouched case takes them: its due times are counted again in the owner's zone from the
 * moment it was opened, and an explicit "tell the client by" stays as it was. Null when nothing
 * changes, or when someone already acted on the case (their view of it is not rewritten).
 */
export function adoptProfile(
  c: RecoveryCase,
  tz: string,
  lang: string,
  pb: Playbook,
): Changed | null {
  if (c.tz === tz && c.lang === lang) return null;
  if (c.version !== 1 || c.status !== 'open' || c.steps.some((s) => s.version !== 1)) return null;
  const input: OpenCaseInput = {
    teamId: c.teamId,
    channelId: c.channelId,
    client: c.client,
    summary: c.summary,
    severity: c.severity,
    ownerId: c.ownerId,
    creatorId: c.creatorId,
    lang,
    tz,
    dueOverride: null,
  };
  const planned = openCase({ ...input, tz: c.tz, lang: c.lang }, pb, c.createdAt).case;
  const stored = c.steps.find((s) => s.key === 'own_up')?.dueAt ?? null;
  const defaultDue = planned.steps.find((s) => s.key === 'own_up')?.dueAt ?? null;
  const override = stored && stored.getTime() !== defaultDue?.getTime() ? stored : null;
  const replanned = openCase(input, pb, c.createdAt).case;
  const steps = replanned.steps.map((s) =>
    s.key === 'own_up' && override ? { ...s, dueAt: override, nextRemindAt: override } : s,
  );
  return {
    case: {
      ...c,
      tz,
      lang,
      version: c.version + 1,
      steps,
    },
    event: { type: 'profile_adopted', actor: c.creatorId, data: { tz, lang } },
  };
}

/** The click that made `ch` from `before`, remembered on the case so its thread line can undo it. */
export function rememberUndo(before: RecoveryCase, ch: Changed, now: Date): Changed {
  // Only the steps the click changed: an undo leaves the others as they are by then (a nudge the
  // reminder engine posted meanwhile about another step stays posted, and is not owed again).
  const after = new Map(ch.case.steps.map((s) => [s.key, s]));
  const t = (d: Date | null) => d?.getTime() ?? null;
  const changed = before.steps.filter((b) => {
    const a = after.get(b.key);
    return (
      !a ||
      a.status !== b.status ||
      a.version !== b.version ||
      t(a.startedAt) !== t(b.startedAt) ||
      t(a.dueAt) !== t(b.dueAt) ||
      t(a.doneAt) !== t(b.doneAt) ||
      t(a.snoozedUntil) !== t(b.snoozedUntil) ||
      t(a.nextRemindAt) !== t(b.nextRemindAt) ||
      a.note !== b.note
    );
  });
  const point: UndoPoint = {
    type: ch.event.type,
    stepKey: ch.event.stepKey ?? null,
    actor: ch.event.actor,
    at: now,
    version: ch.case.version,
    before: {
      steps: changed,
      answer: before.answer,
      answeredAt: before.answeredAt,
      changes: before.changes,
    },
    undoneBy: null,
    undoneAt: null,
  };
  return { ...ch, case: { ...ch.case, undo: point } };
}

/** Why an Undo changes nothing (DomainError `cannot_undo`'s detail). */
export type UndoRefusal = 'already' | 'expired' | 'moved_on' | 'elsewhere' | 'not_yours';

/**
 * Undoes the case's last click, from its thread line (`version`: the case's version the line was
 * drawn after; `where`: the channel the click came from). Only the last click, only within
 * UNDO_WITHIN_MS, only in the case's own channel, by the person who clicked or the owner. The steps,
 * the client's answer and the changes go back to what they were (the own-up clock too); the audit
 * trail keeps both events. Reminder counts never go back (each post keeps a fresh key), and step
 * versions keep growing (a button drawn before the undo stays stale).
 */
export function undoLast(
  c: RecoveryCase,
  version: number,
  actor: string,
  where: string | null,
  now: Date,
): Changed {
  const refuse = (why: UndoRefusal): never => {
    throw new DomainError('cannot_undo', why);
  };
  if (version > c.version) throw new DomainError('invalid_input', 'value');
  if (where !== null && where !== c.channelId) refuse('elsewhere');
  const u = c.undo;
  if (!u || u.version !== version) return refuse('moved_on');
  if (u.undoneAt) refuse('already');
  if (c.version !== u.version || c.status !== 'open') refuse('moved_on');
  if (now.getTime() - u.at.getTime() > UNDO_WITHIN_MS) refuse('expired');
  if (actor !== u.actor && actor !== c.ownerId) refuse('not_yours');
  const was = new Map(u.before.steps.map((s) => [s.key, s]));
  const steps = c.steps.map((s) => {
    const b = was.get(s.key);
    if (!b) return s;
    return {
      ...b,
      remindCount: Math.max(s.remindCount, b.remindCount),
      escalatedAt: s.escalatedAt ?? b.escalatedAt,
      version: Math.max(s.version, b.version) + 1,
    };
  });
  const next: RecoveryCase = {
    ...c,
    steps,
    answer: u.before.answer,
    answeredAt: u.before.answeredAt,
    changes: u.before.changes,
    version: c.version + 1,
    undo: { ...u, undoneBy: actor, undoneAt: now },
  };
  return {
    case: next,
    event: {
      type: 'undone',
      actor,
      ...(u.stepKey ? { stepKey: u.stepKey } : {}),
      data: { undid: u.type, by: u.actor, at: u.at.toISOString() },
    },
  };
}

/**
 * Due times planned again after the owner (their zone) or the severity changed: every open step
 * whose due time is still the one the playbook gave it (`before`'s plan, from when it started) gets
 * the one `after`'s plan gives. A due time set by hand (the form's "tell the client by"), by a
 * promise or by the meeting is kept, and so are the follow-up cadences' dates. A step not yet
 * nudged is nudged at its new due time; one already nudged keeps its next nudge while it stays
 * overdue, and waits for its new due time when that is later than now.
 */
function replanDue(
  before: RecoveryCase,
  after: RecoveryCase,
  pb: Playbook,
  now: Date,
): RecoveryCase {
  const steps = after.steps.map((s) => {
    const def = stepDef(pb, s.key);
    if (!def || def.cadenceDays || !isOpen(s) || !s.startedAt) return s;
    const planned = dueFor(def, before, pb, s.startedAt);
    if ((s.dueAt?.getTime() ?? null) !== (planned?.getTime() ?? null)) return s;
    const due = dueFor(def, after, pb, s.startedAt);
    if ((due?.getTime() ?? null) === (s.dueAt?.getTime() ?? null)) return s;
    if (s.status === 'snoozed') return { ...s, dueAt: due, escalatedAt: null };
    const nextRemindAt = !due || due > now || s.remindCount === 0 ? due : (s.nextRemindAt ?? due);
    return { ...s, dueAt: due, nextRemindAt, escalatedAt: due && due > now ? null : s.escalatedAt };
  });
  return { ...after, steps };
}

/** The steps whose due time a re-plan moved, with their new due time (for the thread line). */
export function movedDue(
  before: RecoveryCase,
  after: RecoveryCase,
): { key: StepKey; dueAt: Date | null }[] {
  const was = new Map(before.steps.map((s) => [s.key, s.dueAt?.getTime() ?? null]));
  return after.steps
    .filter((s) => was.has(s.key) && was.get(s.key) !== (s.dueAt?.getTime() ?? null))
    .map((s) => ({ key: s.key, dueAt: s.dueAt }));
}

/** movedDue as an event's data: step and new due time (ISO, or null). */
function movedList(
  before: RecoveryCase,
  after: RecoveryCase,
): { step: StepKey; due: string | null }[] {
  return movedDue(before, after).map((m) => ({
    step: m.key,
    due: m.dueAt ? m.dueAt.toISOString() : null,
  }));
}

/**
 * Hands the case over: `ownerId` owns it from now, and due times move to their working hours
 * (`tz`: their zone as known now; see retimeOwner for when Slack says otherwise).
 */
export function changeOwner(
  c: RecoveryCase,
  ownerId: string,
  tz: string,
  actor: string,
  pb: Playbook,
  now: Date,
): Changed {
  requireOpen(c);
  if (!ownerId) throw new DomainError('invalid_input', 'owner');
  if (ownerId === c.ownerId) throw new DomainError('invalid_input', 'owner_unchanged');
  const next = replanDue(c, { ...c, ownerId, tz, version: c.version + 1 }, pb, now);
  return {
    case: next,
    event: {
      type: 'owner_changed',
      actor,
      data: {
        from: c.ownerId,
        to: ownerId,
        tz,
        ...(tz !== c.tz ? { fromTz: c.tz } : {}),
        moved: movedList(c, next),
      },
    },
  };
}

/**
 * The new owner's time zone as Slack gives it, once asked (after the hand-over was acknowledged):
 * due times move to it. Nothing to do (stale_action) when the case has another owner by now or is
 * already in that zone.
 */
export function retimeOwner(
  c: RecoveryCase,
  ownerId: string,
  tz: string,
  pb: Playbook,
  now: Date,
): Changed {
  if (c.status !== 'open' || c.ownerId !== ownerId || c.tz === tz)
    throw new DomainError('stale_action');
  const next = replanDue(c, { ...c, tz, version: c.version + 1 }, pb, now);
  return {
    case: next,
    event: {
      type: 'owner_zone',
      actor: ownerId,
      data: { tz, from: c.tz, moved: movedList(c, next) },
    },
  };
}

/** A new severity: due times are planned again for it (see replanDue). */
export function changeSeverity(
  c: RecoveryCase,
  severity: Severity,
  actor: string,
  pb: Playbook,
  now: Date,
): Changed {
  requireOpen(c);
  if (severity === c.severity) throw new DomainError('invalid_input', 'severity_unchanged');
  const next = replanDue(c, { ...c, severity, version: c.version + 1 }, pb, now);
  return {
    case: next,
    event: {
      type: 'severity_changed',
      actor,
      data: { from: c.severity, to: severity, moved: movedList(c, next) },
    },
  };
}

/**
 * The meeting (or, `fix`, the one to show the fix) is off: its time is cleared, its step is to do
 * again (due as when it first started, counted from now), and the steps due with the meeting wait
 * for the next one. The event keeps the cancelled time (the cancellation's .ics is drawn from it).
 */
export function cancelMeeting(
  c: RecoveryCase,
  actor: string,
  pb: Playbook,
  now: Date,
  kind: 'meeting' | 'fix' = 'meeting',
): Changed {
  requireOpen(c);
  const fix = kind === 'fix';
  const at = fix ? c.fixMeetingAt : c.meetingAt;
  if (!at || at <= now) throw new DomainError('invalid_input', 'no_meeting');
  const key: StepKey = fix ? 'fix_meeting' : 'meeting';
  const base: RecoveryCase = fix
    ? { ...c, fixMeetingAt: null, version: c.version + 1 }
    : { ...c, meetingAt: null, version: c.version + 1 };
  const steps = base.steps.map((s) => {
    const def = stepDef(pb, s.key);
    if (!def) return s;
    if (s.key === key && s.status === 'done') {
      const due = dueFor(def, base, pb, now);
      return {
        ...s,
        status: 'pending' as const,
        doneAt: null,
        doneBy: null,
        startedAt: now,
        dueAt: due,
        nextRemindAt: due,
        escalatedAt: null,
        version: s.version + 1,
      };
    }
    if (!fix && def.due[c.severity] === 'meeting' && isOpen(s))
      return { ...s, dueAt: null, nextRemindAt: null, escalatedAt: null };
    return s;
  });
  return {
    case: { ...base, steps },
    event: {
      type: fix ? 'fix_meeting_cancelled' : 'meeting_cancelled',
      actor,
      stepKey: key,
      data: { at: at.toISOString() },
    },
  };
}
