import { AsyncLocalStorage } from 'node:async_hooks';
import { createHash } from 'node:crypto';
import { addHours } from 'date-fns/addHours';
import {
  type Client,
  type ClientDetails,
  clientName,
  type MeetingDetails,
  NO_DETAILS,
} from '../domain/client.js';
import type { Clock } from '../domain/clock.js';
import { DomainError } from '../domain/errors.js';
import { clientKey } from '../domain/outcomes.js';
import type { Playbook, Severity, StepKey } from '../domain/playbook.js';
import {
  addChange,
  adoptProfile,
  type Changed,
  type ClientAnswer,
  cancelMeeting,
  changeOwner,
  changeSeverity,
  chars,
  closeCase,
  completeStep,
  LIMITS,
  moveCase,
  type Outcome,
  type Outline,
  openCase,
  type RecoveryCase,
  recordAnswer,
  recordClientMessage,
  recordDraft,
  recordFixMeeting,
  recordFollowUp,
  recordMeeting,
  rememberUndo,
  retimeOwner,
  type StepNote,
  saveOutline,
  scheduleMoreFollowUps,
  settleChange,
  skipStep,
  snoozeStep,
  touched,
  undoLast,
} from '../domain/recoveryCase.js';
import { nextWeekMorning, nextWorkingMorning } from '../domain/workingTime.js';
import type { Lang } from '../i18n/index.js';
import type {
  CaseStore,
  ClientStore,
  LineBody,
  LineStore,
  PendingLine,
  Tx,
  UnitOfWork,
} from './ports.js';
import type { ProfileService } from './profiles.js';

export const SNOOZE_CHOICES = ['hour', 'tomorrow', 'next_week'] as const;
export type SnoozeChoice = (typeof SNOOZE_CHOICES)[number];

/**
 * The meeting's invite as a thread-line outbox row: the presenter draws the .ics from it when it is
 * sent (services/presenter.ts), at this time and SEQUENCE.
 */
export function inviteLine(
  kind: 'meeting' | 'fix',
  at: Date,
  sequence: number,
  o: { cancelled?: boolean } = {},
): LineBody {
  return {
    text: '',
    blocks: [],
    invite: { kind, at: at.toISOString(), sequence, ...(o.cancelled ? { cancelled: true } : {}) },
  };
}

/** A booked meeting's place and length on the case, and in its event for the audit trail. */
function withMeetingDetails(
  ch: Changed,
  kind: 'meeting' | 'fix',
  details: MeetingDetails | undefined,
): Changed {
  if (!details) return ch;
  return {
    case: { ...ch.case, meetings: { ...ch.case.meetings, [kind]: details } },
    event: {
      ...ch.event,
      data: { ...ch.event.data, place: details.place, minutes: details.minutes },
    },
  };
}

/**
 * Someone acting on a workspace's case. `requestKey` makes the act stored once, however often it
 * arrives: a form's view, a draft's message.
 */
export interface CaseAct {
  readonly teamId: string;
  readonly caseId: number;
  readonly actor: string;
  readonly requestKey?: string;
}

/** A step's form with a note (a skip's reason, a follow-up's note), submitted on a case. */
export type StepNoteRequest = CaseAct & StepNote;

/** The same case asked for again within this time is a retry, not a second case. */
export const SAME_CASE_WITHIN_MS = 10 * 60_000;

export interface OpenRequest {
  readonly teamId: string;
  readonly channelId: string;
  readonly creatorId: string;
  readonly client: string;
  readonly summary: string;
  readonly severity?: Severity;
  readonly ownerId?: string;
  readonly dueOverride?: Date | null;
  /** The case's language, chosen in the form (default: the creator's). */
  readonly lang?: Lang;
  /** The permalink of the message the case is opened from (the message shortcut). */
  readonly sourceLink?: string | null;
  /**
   * The client's details from the form (checked: checkClientDetails). The case links to the client
   * record found by the name (clientKey), created if new; a detail given replaces the stored one,
   * one left empty keeps it.
   */
  readonly clientDetails?: ClientDetails;
  /** Idempotency key (trigger_id of the command, id of the modal view). */
  readonly requestKey: string;
}

export interface CaseServiceDeps {
  /** The cases, for reads and writes that stand alone (each its own transaction). */
  readonly cases: CaseStore;
  /** The thread-line outbox, outside a unit of work (in one, the unit's own: see `announce`). */
  readonly lines: LineStore;
  /** Atomic work: a change and its thread lines (`announce`), a move and its invites. */
  readonly uow: UnitOfWork;
  readonly playbook: Playbook;
  readonly profiles: ProfileService;
  readonly clock: Clock;
  /** The client records (outside a unit of work; in one, the unit's own). */
  readonly clients: ClientStore;
}

/** How many known clients the form offers (a static_select holds 100 options at most). */
export const KNOWN_CLIENTS_MAX = 100;

/** "Acme Corp: shipped the wrong pallets" → client before the first colon, what happened after it. */
export function parseQuickText(text: string): { client: string; summary: string } {
  const i = text.indexOf(':');
  if (i < 0) throw new DomainError('invalid_input', text.trim() ? 'summary' : 'client');
  const client = text.slice(0, i).trim();
  const summary = text.slice(i + 1).trim();
  if (!client) throw new DomainError('invalid_input', 'client');
  if (!summary) throw new DomainError('invalid_input', 'summary');
  return { client, summary };
}

/** A unit of work this service runs (see CaseService.#unit), while its work runs. */
interface Scope {
  readonly tx: Tx;
  active: boolean;
}

/** The recovery-case use-cases. Each one is a single stored state change with its audit event. */
export class CaseService {
  /**
   * The unit of work `announce` and `move` run their work in: a use-case called from inside it
   * (the `change` a listener hands to `announce`, which calls `complete`, `skip`...) reads and
   * writes through that unit's repositories, so it is part of the same transaction.
   */
  readonly #scope = new AsyncLocalStorage<Scope>();

  constructor(private readonly deps: CaseServiceDeps) {}

  /** The unit of work running around this call, if any. */
  #tx(): Tx | null {
    const s = this.#scope.getStore();
    return s?.active ? s.tx : null;
  }

  /** The cases: the running unit's, or the store's (each call its own transaction). */
  #cases(): CaseStore {
    return this.#tx()?.cases ?? this.deps.cases;
  }

  #clients(): ClientStore {
    return this.#tx()?.clients ?? this.deps.clients;
  }

  #lines(): LineStore {
    return this.#tx()?.lines ?? this.deps.lines;
  }

  /**
   * Runs `fn` atomically: in a unit of work of its own, or, inside one already running, in a
   * savepoint of it (a throw rolls back only `fn`'s writes). The use-cases `fn` calls join it.
   */
  #unit<T>(fn: (tx: Tx) => Promise<T>): Promise<T> {
    const run = async (tx: Tx): Promise<T> => {
      const scope: Scope = { tx, active: true };
      try {
        return await this.#scope.run(scope, () => fn(tx));
      } finally {
        // Work left running after the unit (none should be) goes to the store, not a closed unit.
        scope.active = false;
      }
    };
    const outer = this.#tx();
    return outer ? outer.run(run) : this.deps.uow.run(run);
  }

  get playbook(): Playbook {
    return this.deps.playbook;
  }

  now(): Date {
    return this.deps.clock.now();
  }

  /**
   * Stores a new case before Slack is answered: no Slack call happens here. The owner's time zone
   * and the creator's language come from the profile cache (or the defaults); `adoptProfiles`
   * corrects them once Slack has been asked, after the ack.
   */
  async open(req: OpenRequest): Promise<RecoveryCase> {
    const { playbook, profiles, clock } = this.deps;
    const ownerId = req.ownerId ?? req.creatorId;
    const owner = await profiles.cachedOrDefault(req.teamId, ownerId);
    const creator =
      ownerId === req.creatorId ? owner : await profiles.cachedOrDefault(req.teamId, req.creatorId);
    const now = clock.now();
    const changed = openCase(
      {
        teamId: req.teamId,
        channelId: req.channelId,
        client: req.client,
        summary: req.summary,
        severity: req.severity ?? 'major',
        ownerId,
        creatorId: req.creatorId,
        lang: req.lang ?? creator.lang,
        tz: owner.tz,
        dueOverride: req.dueOverride ?? null,
        sourceLink: req.sourceLink ?? null,
      },
      playbook,
      now,
    );
    // A person who sends the same words again in the same channel within minutes is retrying
    // (Slack showed them an error although the first one was stored): no second case.
    const same = createHash('sha256')
      .update(JSON.stringify([req.channelId, req.creatorId, req.client, req.summary]))
      .digest('base64url');
    // The client's record and the case that links to it, in one write (a detail left empty keeps
    // what is on record, as ClientStore.save does).
    const name = clientName(req.client);
    return this.#cases().insert(
      changed,
      now,
      req.requestKey,
      { key: `same:${same}`, withinMs: SAME_CASE_WITHIN_MS },
      { key: clientKey(name), name, details: req.clientDetails ?? NO_DETAILS },
    );
  }

  /** The clients the form offers, the most recently used first. */
  knownClients(teamId: string): Promise<Client[]> {
    return this.#clients().list(teamId, KNOWN_CLIENTS_MAX);
  }

  /** The client's record a case links to; null for a case from before client records. */
  async clientOf(c: RecoveryCase): Promise<Client | null> {
    return c.clientId ? this.#clients().get(c.teamId, c.clientId) : null;
  }

  /** One client record of the workspace, or null. */
  client(teamId: string, id: number): Promise<Client | null> {
    return this.#clients().get(teamId, id);
  }

  /**
   * After the ack: asks Slack (through the profile cache) for the owner's time zone and the
   * creator's language, and lets a case nobody has touched yet take them. Returns the case as stored.
   */
  async adoptProfiles(c: RecoveryCase, o: { keepLang?: boolean } = {}): Promise<RecoveryCase> {
    const { profiles, clock, playbook } = this.deps;
    const now = clock.now();
    const owner = await profiles.resolve(c.teamId, c.ownerId, now);
    const resolved =
      c.ownerId === c.creatorId ? owner : await profiles.resolve(c.teamId, c.creatorId, now);
    // A language chosen in the form stands; otherwise the case takes its creator's.
    const creator = o.keepLang ? { ...resolved, lang: c.lang } : resolved;
    if (owner.tz === c.tz && creator.lang === c.lang) return c;
    try {
      // Read, decide and write in one transaction (`c` may be stale by now): nothing is written
      // when the case can't take them any more.
      const ch = await this.#cases().update(c.teamId, c.id, clock.now(), (latest) => {
        const adopted = adoptProfile(latest, owner.tz, creator.lang, playbook);
        if (!adopted) throw new DomainError('stale_action');
        return adopted;
      });
      return ch.case;
    } catch (e) {
      // Someone acted on it meanwhile (another request or process): their case stands as it is.
      if (e instanceof DomainError && e.code === 'stale_action')
        return this.#cases().require(c.teamId, c.id);
      throw e;
    }
  }

  /** A channel's cases whose first post Slack refused: they wait for Amends to be able to post. */
  async waitingIn(teamId: string, channelId: string): Promise<RecoveryCase[]> {
    return this.#cases().listWaitingIn(teamId, channelId);
  }

  /** Open cases whose parent message never reached Slack, oldest first (at most `limit`). */
  async unposted(limit = 200): Promise<RecoveryCase[]> {
    return this.#cases().listUnposted(limit);
  }

  /**
   * A change and the thread line telling of it, in one unit of work: if the change is stored, so
   * is its line, which is then posted exactly once (Presenter.deliverLines), even across a crash.
   * `change` calls one of this service's use-cases (`complete`, `skip`...): it runs inside the
   * unit and joins it. Nothing in `change` or `line` may call Slack (the unit is still open).
   */
  async announce(
    change: () => Promise<Changed>,
    line: (ch: Changed) => LineBody | readonly LineBody[],
  ): Promise<Changed> {
    return this.#unit(async (tx) => {
      const ch = await change();
      const body = line(ch);
      for (const l of Array.isArray(body) ? body : [body])
        await tx.lines.add(ch.case.teamId, ch.case.id, l, this.deps.clock.now());
      return ch;
    });
  }

  /** Lines of the case not posted yet, in order. */
  async pendingLines(teamId: string, caseId: number): Promise<PendingLine[]> {
    return this.#lines().pendingFor(teamId, caseId);
  }

  /** Cases with lines a run that died left unposted (pending for over a minute). */
  async casesWithPendingLines(
    limit = 200,
    olderThanMs = 60_000,
  ): Promise<{ teamId: string; caseId: number }[]> {
    return this.#lines().casesWithPending(
      new Date(this.deps.clock.now().getTime() - olderThanMs),
      limit,
    );
  }

  async lineSent(id: number, ts: string): Promise<void> {
    return this.#lines().markSent(id, ts);
  }

  /** True the first time a request key is seen: guards modal-opening commands against replays. */
  async firstDelivery(teamId: string, key: string): Promise<boolean> {
    return this.#cases().remember(teamId, key, this.deps.clock.now());
  }

  /**
   * Slack retries and replays arrive within minutes; a day of idempotency keys is plenty. Run from the
   * scheduler so the table stays small.
   */
  async forgetOldRequests(): Promise<void> {
    return this.#cases().forgetRequestsBefore(
      new Date(this.deps.clock.now().getTime() - 24 * 60 * 60_000),
    );
  }

  async get(teamId: string, caseId: number): Promise<RecoveryCase> {
    return this.#cases().require(teamId, caseId);
  }

  async attachMessage(c: RecoveryCase, ts: string): Promise<RecoveryCase> {
    await this.#cases().setMessageTs(c.teamId, c.id, ts);
    return { ...c, messageTs: ts };
  }

  async flagDelivery(c: RecoveryCase, problem: string | null): Promise<void> {
    return this.#cases().setDeliveryProblem(c.teamId, c.id, problem);
  }

  async complete(a: CaseAct, key: StepKey, version: number | null): Promise<Changed> {
    return this.#act(
      a,
      (c, now) => completeStep(c, key, a.actor, version, this.deps.playbook, now),
      { undo: 'remember' },
    );
  }

  /**
   * Undoes the case's last click from its thread line: `version` is the case's version the line
   * was drawn after, `where` the channel the click came from (see undoLast).
   */
  async undo(a: CaseAct, version: number, where: string | null): Promise<Changed> {
    return this.#act(a, (c, now) => undoLast(c, version, a.actor, where, now), { undo: 'keep' });
  }

  async recordCompensation(a: CaseAct, offer: string, version: number | null): Promise<Changed> {
    const o = offer.trim();
    if (!o) throw new DomainError('reason_required', 'offer_empty');
    if (chars(o) > LIMITS.note) throw new DomainError('invalid_input', 'note_too_long');
    return this.#act(a, (c, now) =>
      completeStep(c, 'compensation', a.actor, version, this.deps.playbook, now, o),
    );
  }

  async snooze(
    a: CaseAct,
    key: StepKey,
    choice: SnoozeChoice,
    version: number | null,
  ): Promise<Changed> {
    const wh = this.deps.playbook.workingHours;
    return this.#act(
      a,
      (c, now) => {
        const until =
          choice === 'hour'
            ? addHours(now, 1)
            : choice === 'tomorrow'
              ? nextWorkingMorning(now, wh, c.tz)
              : nextWeekMorning(now, wh, c.tz);
        return snoozeStep(c, key, until, a.actor, version, now);
      },
      { undo: 'remember' },
    );
  }

  /** An optional step skipped, with the reason (`note`) given in its form. */
  skip(r: StepNoteRequest): Promise<Changed> {
    return this.#stepNote(r, skipStep);
  }

  async meeting(
    a: CaseAct,
    at: Date,
    /** Its place and length, chosen in the booking form. */
    details?: MeetingDetails,
  ): Promise<Changed> {
    return this.#act(a, (c, now) =>
      withMeetingDetails(
        recordMeeting(c, at, a.actor, this.deps.playbook, now),
        'meeting',
        details,
      ),
    );
  }

  async fixMeeting(a: CaseAct, at: Date, details?: MeetingDetails): Promise<Changed> {
    return this.#act(a, (c, now) =>
      withMeetingDetails(recordFixMeeting(c, at, a.actor, now), 'fix', details),
    );
  }

  async outline(a: CaseAct, outline: Outline): Promise<Changed> {
    return this.#act(a, (c, now) => saveOutline(c, outline, a.actor, now));
  }

  async answer(a: CaseAct, answer: ClientAnswer, version: number | null = null): Promise<Changed> {
    return this.#act(a, (c, now) => recordAnswer(c, answer, a.actor, this.deps.playbook, now), {
      version,
      undo: 'remember',
    });
  }

  async moreFollowUps(a: CaseAct, version: number | null = null): Promise<Changed> {
    return this.#act(a, (c, now) => scheduleMoreFollowUps(c, a.actor, this.deps.playbook, now), {
      version,
    });
  }

  /** A corrective change promised to the client (a modal's submission, applied once per view). */
  async addChange(
    a: CaseAct,
    input: { what: string; who: string | null; by: Date | null },
  ): Promise<Changed> {
    return this.#act(a, (c, now) => addChange(c, input, a.actor, this.deps.playbook, now));
  }

  /** A change done (reason null) or dropped with a reason; `version` is the clicked case version. */
  async settleChange(
    a: CaseAct,
    id: number,
    reason: string | null,
    version: number | null,
  ): Promise<Changed> {
    return this.#act(
      a,
      (c, now) =>
        settleChange(
          c,
          id,
          reason === null ? { done: true } : { done: false, reason },
          a.actor,
          version,
          this.deps.playbook,
          now,
        ),
      // A click (Done) can be undone; a drop is a form with a reason.
      reason === null ? { undo: 'remember' } : {},
    );
  }

  async draft(a: CaseAct, subject: string, body: string): Promise<Changed> {
    return this.#act(a, (c) => recordDraft(c, subject, body, a.actor));
  }

  /**
   * The message to the client was sent (a click on the reviewed draft). With a `requestKey` (the
   * draft's message) the click counts once whatever happened to the case since the draft was
   * posted; a second click on the same draft is a duplicate. Without one, `version` must match.
   */
  async clientMessageSent(a: CaseAct, version: number | null): Promise<Changed> {
    return this.#act(
      a,
      (c, now) =>
        recordClientMessage(c, a.actor, a.requestKey ? null : version, this.deps.playbook, now),
      { undo: 'remember' },
    );
  }

  /**
   * Hands the case over to `ownerId`, in `tz`: their time zone as cached (Slack is not asked before
   * the ack); `retimeOwner` corrects it once Slack has said. A form's
   * submission, applied once.
   */
  async changeOwner(a: CaseAct, ownerId: string, tz: string): Promise<Changed> {
    return this.#act(a, (c, now) => changeOwner(c, ownerId, tz, a.actor, this.deps.playbook, now));
  }

  /**
   * After a hand-over is acknowledged and Slack has said the new owner's zone (`tz`): the due times
   * move to it. Throws stale_action when there is nothing to do (another owner by now, same zone).
   */
  async retimeOwner(teamId: string, caseId: number, ownerId: string, tz: string): Promise<Changed> {
    return this.#change(
      teamId,
      caseId,
      (c, now) => retimeOwner(c, ownerId, tz, this.deps.playbook, now),
      { system: true },
    );
  }

  async changeSeverity(a: CaseAct, severity: Severity): Promise<Changed> {
    return this.#act(a, (c, now) => changeSeverity(c, severity, a.actor, this.deps.playbook, now));
  }

  /** Cancels the meeting (or, `fix`, the one to show the fix). A form's submission, applied once. */
  async cancelMeeting(a: CaseAct, kind: 'meeting' | 'fix' = 'meeting'): Promise<Changed> {
    return this.#act(a, (c, now) => cancelMeeting(c, a.actor, this.deps.playbook, now, kind));
  }

  /** Moves a case to another channel; `fromShared`: it was in one shared with the client. */
  async move(
    teamId: string,
    caseId: number,
    to: string,
    actor: string,
    o: { fromShared: boolean; requestKey?: string; system?: boolean },
  ): Promise<Changed> {
    // The meetings still to come get their invite again in the new thread (the old one's is
    // withdrawn or left behind): outbox rows in the move's own unit of work.
    return this.#unit(async (tx) => {
      const ch = await this.#change(teamId, caseId, (c) => moveCase(c, to, actor, o), {
        requestKey: o.requestKey,
        system: o.system,
      });
      const now = this.deps.clock.now();
      const waiting = await tx.lines.pendingFor(teamId, caseId);
      for (const [kind, at] of [
        ['meeting', ch.case.meetingAt],
        ['fix', ch.case.fixMeetingAt],
      ] as const)
        if (at && at > now && !waiting.some((l) => l.body.invite?.kind === kind))
          await tx.lines.add(teamId, caseId, inviteLine(kind, at, ch.case.version), now);
      return ch;
    });
  }

  /** A keep-trying follow-up or a check-in recorded, with its note. */
  followUp(r: StepNoteRequest): Promise<Changed> {
    return this.#stepNote(r, recordFollowUp);
  }

  async close(a: CaseAct, outcome: Outcome, reason: string | null): Promise<Changed> {
    return this.#act(a, (c, now) => closeCase(c, outcome, reason, a.actor, now));
  }

  async list(teamId: string, channelId: string, userId: string): Promise<RecoveryCase[]> {
    return this.#cases().listOpen(teamId, channelId, userId);
  }

  async listOwned(teamId: string, userId: string): Promise<RecoveryCase[]> {
    return this.#cases().listOwned(teamId, userId);
  }

  async listOpenInTeam(teamId: string, limit = 26): Promise<RecoveryCase[]> {
    return this.#cases().listOpenInTeam(teamId, limit);
  }

  /** A step's form with a note, submitted: the note recorded on the step by `decide`. */
  #stepNote(
    r: StepNoteRequest,
    decide: (c: RecoveryCase, n: StepNote, pb: Playbook, now: Date) => Changed,
  ): Promise<Changed> {
    return this.#act(r, (c, now) => decide(c, r, this.deps.playbook, now));
  }

  /** A person's act on a case (see CaseAct), stored once per request key; `o` as in #change. */
  #act(
    a: CaseAct,
    decide: (c: RecoveryCase, now: Date) => Changed,
    o: { version?: number | null; undo?: 'remember' | 'keep' } = {},
  ): Promise<Changed> {
    return this.#change(a.teamId, a.caseId, decide, { ...o, requestKey: a.requestKey });
  }

  /**
   * One state change. `version`: the case version the clicked button carried (a repeated or stale
   * click changes nothing); `requestKey`: a modal's view id (a repeated submission changes nothing).
   * Read, decide and write are one transaction (CaseStore.update), or part of the running unit.
   */
  #change(
    teamId: string,
    caseId: number,
    decide: (c: RecoveryCase, now: Date) => Changed,
    o: {
      version?: number | null;
      requestKey?: string;
      system?: boolean;
      /** `remember`: the click can be undone from its thread line; `keep`: the undo itself. */
      undo?: 'remember' | 'keep';
    } = {},
  ): Promise<Changed> {
    const now = this.deps.clock.now();
    return this.#cases().update(
      teamId,
      caseId,
      now,
      (c) => {
        if (o.version != null && o.version !== c.version && c.status === 'open')
          throw new DomainError('stale_action');
        const ch = decide(c, now);
        if (o.system) return ch;
        // A person acting on the case: it is not stalled any more. Their action is now the last
        // one: undoable, or nothing is left to undo.
        const acted = { ...ch, case: touched(ch.case, now) };
        if (o.undo === 'remember') return rememberUndo(c, acted, now);
        return o.undo === 'keep' ? acted : { ...acted, case: { ...acted.case, undo: null } };
      },
      o.requestKey,
    );
  }
}
