import { type Severity, STEP_KEYS, type StepKey } from './playbook.js';
import type { CaseStatus, StepStatus } from './recoveryCase.js';

/*
 * What the recovery cases of a team add up to: how many were won back, how fast the client was
 * told, whether an apology and compensation went with winning back, and what to learn across cases.
 * Pure: the caller hands in the cases (with their event log and a snapshot of their steps) and `now`.
 *
 * Definitions (docs/guide.md's "Outcomes and learning" should repeat them):
 * - A window is `now - days < t <= now`. A case counts as opened in it by its opening time, and as
 *   won back, lost or closed in it by the time it was decided (closedAt): a case opened 100 days ago
 *   and lost yesterday is lost in the 90-day window. Open cases are those open now, whenever opened.
 * - Figures about how the team answers a new case (time to own up, to the meeting, apology and
 *   compensation rates, repeat clients, overdue steps) rest on the cases opened in the window;
 *   win-back rates and promises not kept rest on the cases decided (or ended) in it.
 * - Durations are minutes (rounded to a thousandth), from the case's opening to the event, read
 *   from the event log.
 * - Percentiles use linear interpolation between closest ranks (Hyndman-Fan type 7: numpy's and
 *   Excel's PERCENTILE.INC default); the median is the 50th percentile, so with an even count it
 *   is the mean of the two middle values.
 * - Every figure carries `n`, the number of cases it rests on; with n = 0 its value is null.
 */

/** One entry of a case's audit trail, as the outcome figures need it. */
export interface HistoryEvent {
  readonly at: Date;
  readonly type: string;
  readonly stepKey: StepKey | null;
  readonly data: Readonly<Record<string, unknown>> | null;
}

/** A step as it stands now. */
export interface StepSnapshot {
  readonly key: StepKey;
  readonly status: StepStatus;
  readonly dueAt: Date | null;
  readonly doneAt: Date | null;
  /** A follow-up cadence's record (keep trying, check-ins), when it has one. */
  readonly followUps?: { readonly recorded: number; readonly missed: number };
}

/** The minimal input of the outcome figures: a case, its events in log order, its steps if known. */
export interface OutcomeCase {
  readonly id: number;
  readonly client: string;
  readonly channelId: string;
  /** Needed only for the lists of lost and refused cases. */
  readonly ownerId?: string;
  readonly createdAt: Date;
  readonly status: CaseStatus;
  readonly closedAt: Date | null;
  readonly events: readonly HistoryEvent[];
  /** Needed only for "most often overdue"; a case without it counts only for skips there. */
  readonly steps?: readonly StepSnapshot[];
}

/** A case with everything a report or an export shows (what the store loads). */
export interface CaseHistory extends OutcomeCase {
  readonly teamId: string;
  readonly severity: Severity;
  readonly ownerId: string;
  /** What happened, as written when the case was opened. */
  readonly summary?: string;
  readonly events: readonly (HistoryEvent & { readonly actor: string })[];
  readonly steps: readonly StepSnapshot[];
}

/** hits out of n; value = hits / n, null when n = 0. */
export interface Rate {
  readonly n: number;
  readonly hits: number;
  readonly value: number | null;
}

/** Minutes from opening, over the n cases where the event happened. */
export interface DurationFigure {
  readonly n: number;
  readonly medianMinutes: number | null;
  readonly p90Minutes: number | null;
}

export interface OutcomeCounts {
  /** Cases opened in the window. */
  readonly opened: number;
  /** Cases won back in the window (by the time of the decision, whenever opened). */
  readonly wonBack: number;
  /** Cases lost in the window (by the time of the decision, whenever opened). */
  readonly lost: number;
  /** Closed in the window without being won back or lost. */
  readonly closed: number;
  /** Cases open now, whenever opened. */
  readonly open: number;
  /** Of the open cases, those whose client refused (the team keeps trying). */
  readonly refused: number;
}

/** A case lost in the window, as App Home and the report list it. */
export interface LostCase {
  readonly id: number;
  readonly client: string;
  readonly channelId: string;
  readonly ownerId: string | null;
  readonly lostAt: Date;
  /** The reason given when it was closed as lost. */
  readonly reason: string | null;
}

/** An open case whose client refused: the team is still trying to win it back. */
export interface RefusedCase {
  readonly id: number;
  readonly client: string;
  readonly channelId: string;
  readonly ownerId: string | null;
  readonly refusedAt: Date;
}

export interface OutcomeSummary {
  readonly from: Date;
  readonly to: Date;
  readonly counts: OutcomeCounts;
  /** Opening → the own_up step done (first `step_done` own_up event); n = cases owned up. */
  readonly timeToOwnUp: DurationFigure;
  /**
   * Opening → the meeting itself: the meeting time (`data.at`) recorded by the case's first
   * `meeting_booked` event, not when it was booked; n = cases with a meeting booked.
   */
  readonly timeToMeeting: DurationFigure;
  /** Cases whose apologize step was done (`step_done`), out of the cases opened. */
  readonly apology: Rate;
  /** Cases whose compensation step was done (`step_done`; a skip is no compensation), out of the cases opened. */
  readonly compensation: Rate;
  /**
   * Win-back rate among the cases decided in the window (won_back or lost, by the decision's time),
   * split by apology × compensation.
   */
  readonly winBackBy: {
    readonly apologyAndCompensation: Rate;
    readonly apologyOnly: Rate;
    readonly compensationOnly: Rate;
    readonly neither: Rate;
  };
  /** Keep-trying follow-ups and check-ins (step snapshots): recorded, and dates missed. */
  readonly followUps: FollowUpFigure;
  /** The cases lost in the window, the latest decision first. */
  readonly lostCases: readonly LostCase[];
  /** The open cases whose client refused, the latest refusal first (see OpenNow: maybe not all). */
  readonly refusedCases: readonly RefusedCase[];
  /** Whether anything happened: a case opened or decided in the window, or one open now. */
  readonly empty: boolean;
}

/**
 * The follow-ups after the client's answer, summed over the n cases with any on record: those
 * recorded, and the dates that passed with none recorded (a missed date is counted once it is
 * behind the next date, or behind the offer to close after the last one).
 */
export interface FollowUpFigure {
  readonly n: number;
  readonly recorded: number;
  readonly missed: number;
}

export interface RepeatClient {
  /** The normalised name the cases were grouped by. */
  readonly key: string;
  /** The name as written on the most recent of its cases. */
  readonly client: string;
  readonly caseIds: readonly number[];
}

export interface StepTrouble {
  readonly key: StepKey;
  /** Cases where the step had a due time (snapshot known): the base of `overdue`. */
  readonly n: number;
  /** Done after its due time, or still not done past it (at `now`, or when the case ended). */
  readonly overdue: number;
  /** Cases where a person skipped it (a `step_skipped` event; automatic drops don't count). */
  readonly skipped: number;
}

export interface Learning {
  readonly from: Date;
  readonly to: Date;
  /** Clients with more than one case in the window, most cases first. */
  readonly repeatClients: readonly RepeatClient[];
  /** Steps ever overdue or skipped, worst first (overdue + skipped, then playbook order). */
  readonly troubleSteps: readonly StepTrouble[];
  /**
   * Cases ended in the window (won back, lost or closed, whenever opened) with a corrective change
   * promised and never done: a `change_added` with no `change_done` or `change_dropped` for it; for
   * a case that listed no changes, the corrective_changes step never done. n = ended cases, hits =
   * those cases.
   */
  readonly changesNotDone: Rate & { readonly caseIds: readonly number[] };
  /** Win-back rate among the cases decided in the window by how soon the client was told. */
  readonly winBackByOwnUp: {
    /** Owned up at most 24 h after opening. */
    readonly within24h: Rate;
    /** Owned up more than 24 h after opening. */
    readonly later: Rate;
    /** Decided without the own_up step ever done. */
    readonly never: Rate;
  };
}

export interface WindowOptions {
  readonly now: Date;
  /** Days back from `now` (24 h each); 90 for the outcomes, 365 for learning by default. */
  readonly days?: number;
  /**
   * The cases open now as the store counts them, whenever opened (the cases handed in need not hold
   * them all); without it, the open cases among those handed in.
   */
  readonly openNow?: OpenNow;
}

/** The cases open now: how many, how many the client refused, and the latest refusals. */
export interface OpenNow {
  readonly open: number;
  readonly refused: number;
  /** The latest refusals first (possibly not all of them: `refused` says how many). */
  readonly refusedCases: readonly RefusedCase[];
}

const DAY_MS = 24 * 60 * 60_000;

/** A promise left open when the case ended (see Learning.changesNotDone). */
function promiseBroken(c: OutcomeCase): boolean {
  const open = new Set<unknown>();
  let listed = false;
  for (const e of c.events) {
    const id = e.data?.id;
    if (e.type === 'change_added') {
      listed = true;
      open.add(id);
    } else if (e.type === 'change_done' || e.type === 'change_dropped') open.delete(id);
  }
  if (listed) return open.size > 0;
  return !stepDone(c, 'corrective_changes');
}
const MINUTE_MS = 60_000;

/** The method's order (the default playbook's). */
const STEP_ORDER: readonly StepKey[] = STEP_KEYS;

/** Linear interpolation between closest ranks (type 7) of ascending-sorted values; null if empty. */
export function percentile(sorted: readonly number[], p: number): number | null {
  if (sorted.length === 0) return null;
  if (!(p >= 0 && p <= 1)) throw new RangeError(`percentile ${p} is outside [0, 1]`);
  const h = (sorted.length - 1) * p;
  const lo = Math.floor(h);
  const hi = Math.ceil(h);
  const a = sorted[lo] as number;
  const b = sorted[hi] as number;
  return a + (h - lo) * (b - a);
}

export function rate(hits: number, n: number): Rate {
  return { n, hits, value: n === 0 ? null : hits / n };
}

/** Rounded to a thousandth of a minute: interpolation leaves float noise (996.0000000000001). */
const tidy = (x: number | null): number | null => (x === null ? null : Math.round(x * 1000) / 1000);

function durationFigure(minutes: number[]): DurationFigure {
  const s = [...minutes].sort((x, y) => x - y);
  return {
    n: s.length,
    medianMinutes: tidy(percentile(s, 0.5)),
    p90Minutes: tidy(percentile(s, 0.9)),
  };
}

/**
 * A client's name as cases are grouped by it and a client record is found again: trimmed, inner
 * spaces collapsed, lower case, without accents ("Café" and "CAFE", "Σοφία" and "ΣΟΦΙΑ" are one).
 */
export function clientKey(client: string): string {
  return client
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .normalize('NFC')
    .trim()
    .replace(/\s+/g, ' ')
    .toLowerCase();
}

function windowOf(o: WindowOptions, defaultDays: number): { from: Date; to: Date } {
  const days = o.days ?? defaultDays;
  if (!(days > 0)) throw new RangeError(`window of ${days} days`);
  return { from: new Date(o.now.getTime() - days * DAY_MS), to: o.now };
}

const within = (t: Date | null, from: Date, to: Date): boolean =>
  !!t && t.getTime() > from.getTime() && t.getTime() <= to.getTime();

/** The cases opened in the window. */
function inWindow<C extends OutcomeCase>(cases: readonly C[], from: Date, to: Date): C[] {
  return cases.filter((c) => within(c.createdAt, from, to));
}

/** The cases that ended (won back, lost or closed) in the window, whenever they were opened. */
function endedInWindow<C extends OutcomeCase>(cases: readonly C[], from: Date, to: Date): C[] {
  return cases.filter((c) => c.status !== 'open' && within(c.closedAt, from, to));
}

/**
 * When the client's refusal stands: the last answer on record is a refusal (an acceptance after
 * it, or an answer undone, ends it). Null when the client did not refuse, or accepted since.
 */
export function refusedAt(c: OutcomeCase): Date | null {
  let at: Date | null = null;
  for (const e of c.events) {
    if (e.type === 'client_refused') at = e.at;
    else if (e.type === 'client_accepted') at = null;
  }
  return at;
}

/** The reason a case was closed with (its last case_closed event), or null. */
function closeReason(c: OutcomeCase): string | null {
  const e = c.events.findLast((x) => x.type === 'case_closed');
  const r = e?.data?.reason;
  return typeof r === 'string' && r.trim() ? r : null;
}

/**
 * When a step was first done: by its own click, or by sending the client message, which can stamp
 * the own-up, put the apology on record and report the changes (see recordClientMessage).
 */
export const doneEvent = (c: OutcomeCase, key: StepKey): HistoryEvent | undefined =>
  c.events.find((e) => {
    if (e.type === 'step_done') return e.stepKey === key;
    if (e.type !== 'client_message_sent') return false;
    return (
      e.stepKey === key ||
      (key === 'apologize' && e.data?.apologized === true) ||
      (key === 'corrective_changes' && e.data?.changes === true)
    );
  });

const stepDone = (c: OutcomeCase, key: StepKey): boolean => !!doneEvent(c, key);

/** Minutes from opening until the own-up was done (event log; a click or the sent message), or null. */
export function minutesToOwnUp(c: OutcomeCase): number | null {
  const e = doneEvent(c, 'own_up');
  return e ? (e.at.getTime() - c.createdAt.getTime()) / MINUTE_MS : null;
}

/**
 * Minutes from opening until the meeting first booked takes place, or null without a valid one. A
 * cancelled meeting never took place: the first booking after the last cancellation counts.
 */
export function minutesToMeeting(c: OutcomeCase): number | null {
  let e: HistoryEvent | undefined;
  for (const x of c.events) {
    if (x.type === 'meeting_cancelled') e = undefined;
    else if (x.type === 'meeting_booked' && !e) e = x;
  }
  const at = e?.data?.at;
  if (typeof at !== 'string') return null;
  const t = Date.parse(at);
  return Number.isNaN(t) ? null : (t - c.createdAt.getTime()) / MINUTE_MS;
}

const isDecided = (c: OutcomeCase): boolean => c.status === 'won_back' || c.status === 'lost';

function winBack(cases: readonly OutcomeCase[]): Rate {
  const decided = cases.filter(isDecided);
  return rate(decided.filter((c) => c.status === 'won_back').length, decided.length);
}

/**
 * The outcome figures of the last `days` (default 90) before `now`: cases opened in the window,
 * cases decided in it (whenever opened), and the cases open now.
 */
export function summarizeOutcomes(cases: readonly OutcomeCase[], o: WindowOptions): OutcomeSummary {
  const { from, to } = windowOf(o, 90);
  const w = inWindow(cases, from, to);
  const ended = endedInWindow(cases, from, to);
  const count = (s: CaseStatus) => ended.filter((c) => c.status === s).length;
  const openNow = cases.filter((c) => c.status === 'open' && c.createdAt.getTime() <= to.getTime());
  const ownUp: number[] = [];
  const meeting: number[] = [];
  for (const c of w) {
    const m = minutesToOwnUp(c);
    if (m !== null) ownUp.push(m);
    const mm = minutesToMeeting(c);
    if (mm !== null) meeting.push(mm);
  }
  // The apology step done, or the message to the client (which opens with the apology) sent.
  const apologized = (c: OutcomeCase) => stepDone(c, 'apologize');
  const compensated = (c: OutcomeCase) => stepDone(c, 'compensation');
  const decided = ended.filter(isDecided);
  const by = (a: boolean, k: boolean) =>
    winBack(decided.filter((c) => apologized(c) === a && compensated(c) === k));
  // Follow-ups come after the answer, often long after the opening: the cases opened or ended in
  // the window and those still open.
  const followUps = { n: 0, recorded: 0, missed: 0 };
  for (const c of new Set([...w, ...ended, ...openNow])) {
    const on = (c.steps ?? []).flatMap((s) => (s.followUps ? [s.followUps] : []));
    if (!on.some((f) => f.recorded + f.missed > 0)) continue;
    followUps.n++;
    for (const f of on) {
      followUps.recorded += f.recorded;
      followUps.missed += f.missed;
    }
  }
  const lostCases = ended
    .filter((c) => c.status === 'lost')
    .map(
      (c): LostCase => ({
        id: c.id,
        client: c.client,
        channelId: c.channelId,
        ownerId: c.ownerId ?? null,
        lostAt: c.closedAt as Date,
        reason: closeReason(c),
      }),
    )
    .sort((a, b) => b.lostAt.getTime() - a.lostAt.getTime() || b.id - a.id);
  const refusedLoaded = openNow
    .flatMap((c): RefusedCase[] => {
      const r = refusedAt(c);
      return r
        ? [
            {
              id: c.id,
              client: c.client,
              channelId: c.channelId,
              ownerId: c.ownerId ?? null,
              refusedAt: r,
            },
          ]
        : [];
    })
    .sort((a, b) => b.refusedAt.getTime() - a.refusedAt.getTime() || b.id - a.id);
  const open = o.openNow ?? {
    open: openNow.length,
    refused: refusedLoaded.length,
    refusedCases: refusedLoaded,
  };
  return {
    from,
    to,
    counts: {
      opened: w.length,
      wonBack: count('won_back'),
      lost: count('lost'),
      closed: count('closed'),
      open: open.open,
      refused: open.refused,
    },
    timeToOwnUp: durationFigure(ownUp),
    timeToMeeting: durationFigure(meeting),
    apology: rate(w.filter(apologized).length, w.length),
    compensation: rate(w.filter(compensated).length, w.length),
    winBackBy: {
      apologyAndCompensation: by(true, true),
      apologyOnly: by(true, false),
      compensationOnly: by(false, true),
      neither: by(false, false),
    },
    followUps,
    lostCases,
    refusedCases: open.refusedCases,
    empty: w.length === 0 && ended.length === 0 && open.open === 0,
  };
}

/** Whether a started step ran past its due time: done late, or not done by now / the case's end. */
function wasOverdue(s: StepSnapshot, c: OutcomeCase, now: Date): boolean {
  if (!s.dueAt) return false;
  if (s.status === 'done') return !!s.doneAt && s.doneAt.getTime() > s.dueAt.getTime();
  if (s.status === 'pending' || s.status === 'snoozed') {
    const end = c.closedAt && c.closedAt.getTime() < now.getTime() ? c.closedAt : now;
    return s.dueAt.getTime() < end.getTime();
  }
  return false; // skipped or waiting: counted as skips, or never started
}

/** What to learn across the cases opened in the last `days` (default 365) before `now`. */
export function learnAcrossCases(cases: readonly OutcomeCase[], o: WindowOptions): Learning {
  const { from, to } = windowOf(o, 365);
  const w = inWindow(cases, from, to).sort(
    (a, b) => a.createdAt.getTime() - b.createdAt.getTime() || a.id - b.id,
  );

  const byClient = new Map<string, OutcomeCase[]>();
  for (const c of w) {
    const k = clientKey(c.client);
    byClient.set(k, [...(byClient.get(k) ?? []), c]);
  }
  const repeatClients = [...byClient.entries()]
    .filter(([, cs]) => cs.length > 1)
    .map(([key, cs]) => ({
      key,
      client: (cs[cs.length - 1] as OutcomeCase).client.trim(),
      caseIds: cs.map((c) => c.id),
    }))
    .sort((a, b) => b.caseIds.length - a.caseIds.length || a.key.localeCompare(b.key));

  const trouble = new Map<StepKey, { n: number; overdue: number; skipped: number }>();
  const tally = (k: StepKey) => {
    let t = trouble.get(k);
    if (!t) {
      t = { n: 0, overdue: 0, skipped: 0 };
      trouble.set(k, t);
    }
    return t;
  };
  for (const c of w) {
    for (const s of c.steps ?? []) {
      if (!s.dueAt) continue;
      const t = tally(s.key);
      t.n++;
      if (wasOverdue(s, c, o.now)) t.overdue++;
    }
    const skipped = new Set(
      c.events.filter((e) => e.type === 'step_skipped' && e.stepKey).map((e) => e.stepKey),
    );
    for (const k of skipped) if (k) tally(k).skipped++;
  }
  const rank = (k: StepKey) => {
    const i = STEP_ORDER.indexOf(k);
    return i < 0 ? STEP_ORDER.length : i;
  };
  const troubleSteps = [...trouble.entries()]
    .map(([key, t]) => ({ key, ...t }))
    .filter((t) => t.overdue + t.skipped > 0)
    .sort((a, b) => b.overdue + b.skipped - (a.overdue + a.skipped) || rank(a.key) - rank(b.key));

  // Promises and win-back rates: the cases that ended in the window, whenever opened.
  const ended = endedInWindow(cases, from, to).sort(
    (a, b) => a.createdAt.getTime() - b.createdAt.getTime() || a.id - b.id,
  );
  const notDone = ended.filter(promiseBroken).map((c) => c.id);

  const decided = ended.filter(isDecided);
  const ownUpOf = (c: OutcomeCase) => minutesToOwnUp(c);
  return {
    from,
    to,
    repeatClients,
    troubleSteps,
    changesNotDone: { ...rate(notDone.length, ended.length), caseIds: notDone },
    winBackByOwnUp: {
      within24h: winBack(
        decided.filter((c) => {
          const m = ownUpOf(c);
          return m !== null && m <= 24 * 60;
        }),
      ),
      later: winBack(
        decided.filter((c) => {
          const m = ownUpOf(c);
          return m !== null && m > 24 * 60;
        }),
      ),
      never: winBack(decided.filter((c) => ownUpOf(c) === null)),
    },
  };
}

/** One case in a few facts, as the per-case export sheet shows it (a manager's spreadsheet row). */
export interface CaseFacts {
  /** The client's answer on record (the last one), and when it was given. */
  readonly answer: 'accepted' | 'refused' | null;
  readonly answeredAt: Date | null;
  /** When the client was told (the own-up done), and how long after the opening. */
  readonly ownedUpAt: Date | null;
  readonly ownUpMinutes: number | null;
  /** The meeting's time as last booked. */
  readonly meetingAt: Date | null;
  readonly apologized: boolean;
  /** Compensation given (the step done), skipped (with its reason), or not decided. */
  readonly compensation: 'given' | 'skipped' | null;
  /** The note of the compensation step, or the reason it was skipped. */
  readonly compensationNote: string | null;
  readonly changes: {
    readonly promised: number;
    readonly done: number;
    readonly dropped: number;
    readonly open: number;
  };
  readonly followUps: { readonly recorded: number; readonly missed: number };
  /** The reason given when the case was closed. */
  readonly outcomeReason: string | null;
  readonly lastEventAt: Date | null;
}

const text = (v: unknown): string | null => (typeof v === 'string' && v.trim() ? v : null);

/** A case's facts from its event log and step snapshots (see CaseFacts). */
export function caseFacts(c: OutcomeCase): CaseFacts {
  let answer: CaseFacts['answer'] = null;
  let answeredAt: Date | null = null;
  let meetingAt: Date | null = null;
  let compensation: CaseFacts['compensation'] = null;
  let compensationNote: string | null = null;
  const changes = new Map<unknown, 'open' | 'done' | 'dropped'>();
  for (const e of c.events) {
    if (e.type === 'client_accepted' || e.type === 'client_refused') {
      answer = e.type === 'client_accepted' ? 'accepted' : 'refused';
      answeredAt = e.at;
    } else if (e.type === 'meeting_booked') {
      const t = typeof e.data?.at === 'string' ? Date.parse(e.data.at) : Number.NaN;
      if (!Number.isNaN(t)) meetingAt = new Date(t);
    } else if (e.type === 'meeting_cancelled') {
      meetingAt = null;
    } else if (e.type === 'step_skipped' && e.stepKey === 'compensation') {
      compensation = 'skipped';
      compensationNote = text(e.data?.reason);
    } else if (e.type === 'step_done' && e.stepKey === 'compensation') {
      compensation = 'given';
      compensationNote = text(e.data?.note);
    } else if (e.type === 'change_added') changes.set(e.data?.id, 'open');
    else if (e.type === 'change_done') changes.set(e.data?.id, 'done');
    else if (e.type === 'change_dropped') changes.set(e.data?.id, 'dropped');
  }
  const states = [...changes.values()];
  const own = doneEvent(c, 'own_up');
  const followUps = { recorded: 0, missed: 0 };
  for (const st of c.steps ?? [])
    if (st.followUps) {
      followUps.recorded += st.followUps.recorded;
      followUps.missed += st.followUps.missed;
    }
  return {
    answer,
    answeredAt,
    ownedUpAt: own?.at ?? null,
    ownUpMinutes: minutesToOwnUp(c),
    meetingAt,
    apologized: !!doneEvent(c, 'apologize'),
    compensation,
    compensationNote,
    changes: {
      promised: states.length,
      done: states.filter((x) => x === 'done').length,
      dropped: states.filter((x) => x === 'dropped').length,
      open: states.filter((x) => x === 'open').length,
    },
    followUps,
    outcomeReason: closeReason(c),
    lastEventAt: c.events.at(-1)?.at ?? null,
  };
}
