import type { Clock } from '../domain/clock.js';
import { caseInvite } from '../domain/invite.js';
import type { RecoveryCase } from '../domain/recoveryCase.js';
import { t } from '../i18n/index.js';
import type { CaseService } from './cases.js';
import { LeaseLost, type Leases } from './leases.js';
import {
  type CaseView,
  DeliveryFailure,
  type InWorkspace,
  isStorageFailure,
  type Log,
  type PendingLine,
} from './ports.js';

export type Published =
  | { readonly ok: true; readonly case: RecoveryCase; readonly movedFrom?: string }
  | { readonly ok: false; readonly code: string | null };

/** Why a case is not shown in its channel: the channel is shared with people outside the company. */
export const CHANNEL_SHARED = 'channel_shared';

/**
 * Why a stored case is not shown: Amends' own storage failed after the case was saved (recording
 * the post, say). The sweep finishes it, looking in Slack first.
 */
export const STORAGE_FAILED = 'storage_failed';

/**
 * Why a case is not shown yet: Slack could not say whether its channel is shared outside the
 * company (an error, a timeout, a missing scope). Nothing of the case goes there until it can.
 */
export const SHARING_UNKNOWN = 'sharing_unknown';

/** True for the failure CaseView.isShared throws when Slack can't say. */
export function isSharingUnknown(e: unknown): boolean {
  return e instanceof DeliveryFailure && e.code === SHARING_UNKNOWN;
}

/** Who moves a case out of a shared channel when nobody asked (the configured recovery channel). */
export const SYSTEM_ACTOR = 'amends';

/** A channel lookup older than this is not trusted for a case whose lease was just taken. */
const FOUND_FRESH_MS = 20_000;

export interface PresenterDeps {
  readonly view: CaseView;
  readonly cases: CaseService;
  /**
   * A person's own language as Amends has it cached (chosen, or Slack's locale), null when it has
   * none: a note meant for the owner alone is written in it. Without it, the case's language.
   */
  readonly cachedLang?: (teamId: string, userId: string) => Promise<string | null>;
  readonly clock: Clock;
  readonly log: Log;
  /** Reads the stored case when a write is sent (so it shows the latest state). */
  readonly load: (teamId: string, id: number) => Promise<RecoveryCase | null>;
  /** Shared with other processes on the database: one writes a case into Slack at a time. */
  readonly leases?: Leases;
  /** Where a case asked for in a shared channel is opened instead (RECOVERY_CHANNEL), if set. */
  readonly recoveryChannel?: string | null;
  /** Stores why a case is not shown. */
  readonly flag: (c: RecoveryCase, problem: string | null) => Promise<void>;
  /**
   * What Amends posted in a case's thread (first reply, lines, reminders: their ts; invite files:
   * `file:<id>`), for a withdrawal.
   */
  readonly threadPosts?: (c: RecoveryCase) => Promise<string[]>;
  /** The first reply is in Slack (its ts): the sweep stops looking after it. Awaited. */
  readonly firstReplied?: (c: RecoveryCase, ts: string) => void | Promise<void>;
  /** The parent was drawn from the stored case (its version) at this time. Awaited. */
  readonly rendered?: (c: RecoveryCase, at: Date) => void | Promise<void>;
  /** After a change is shown: App Home of the people it concerns is redrawn. */
  readonly changed?: (c: RecoveryCase) => Promise<void>;
  /** Each case's Slack work runs as its own workspace's (many workspaces: its token). */
  readonly inWorkspace?: InWorkspace;
  /**
   * Slack could not say whether the case's channel is shared: nothing was written there, and the
   * case is to be brought up to date again after a back-off (compose's retry timer).
   */
  readonly retry?: (c: RecoveryCase) => void;
}

/** The Slack code of a failure from the view, if it has one (not a bare message). */
function codeOf(e: unknown): string | null {
  return e instanceof DeliveryFailure && /^[a-z0-9_]+$/.test(e.code) ? e.code : null;
}

/**
 * The one component that writes a case to Slack (parent and redraws, first reply, thread lines,
 * invite, withdrawal, private notes), each drawn from the store when sent and under the case's
 * lease. A post a crash left unrecorded is found by message metadata before posting again; a
 * failure leaves the store as it is for the minute sweep. Reminders redraw through `refresh`.
 */
export class Presenter {
  /** Cases being posted by this process right now: the start-up sweep and a listener never both post one. */
  readonly #posting = new Set<number>();
  /**
   * Parent redraws on their way, by case: at most one at a time, the next one coalesced. `done`
   * gives the case as last read for its draw (null: not drawn).
   */
  readonly #redraws = new Map<number, { again: boolean; done: Promise<RecoveryCase | null> }>();
  /** Cases whose first reply this process is posting right now. */
  readonly #replying = new Set<number>();
  /** The last delivery of thread lines queued, by case: lines of one case go out in order. */
  readonly #lines = new Map<number, Promise<void>>();
  /** Cases being withdrawn from a shared channel by this process right now (see #withdraw). */
  readonly #withdrawing = new Set<number>();

  constructor(private readonly deps: PresenterDeps) {
    // Every public method that shows a case runs as work for the case's workspace: with many
    // workspaces, each Slack call in it carries that workspace's token, however it was reached (a
    // request, a reminder, a sweep).
    const scope = deps.inWorkspace;
    if (scope) {
      const self = this as unknown as Record<
        string,
        (c: RecoveryCase, ...a: unknown[]) => Promise<unknown>
      >;
      for (const m of [
        'isShared',
        'publish',
        'ensureFirstReply',
        'refresh',
        'afterChange',
        'deliverLines',
        'updateLine',
      ] as const) {
        const f = (self[m] as (c: RecoveryCase, ...a: unknown[]) => Promise<unknown>).bind(this);
        self[m] = (c, ...a) => scope(c.teamId, () => f(c, ...a));
      }
    }
  }

  /** The owner's own language for a note meant for them alone; the case's if Amends doesn't know it. */
  async #ownerLang(c: RecoveryCase): Promise<string> {
    return (await this.deps.cachedLang?.(c.teamId, c.ownerId)) ?? c.lang;
  }

  get view(): CaseView {
    return this.deps.view;
  }

  /** True when the case's channel is one the client can read: nothing of the case goes there. */
  isShared(c: RecoveryCase): Promise<boolean> {
    return this.deps.view.isShared(c.channelId);
  }

  /**
   * isShared, and when Slack can't say, the case is brought up to date again later (the failure
   * is rethrown: nothing is written meanwhile).
   */
  async #sharedOrWait(c: RecoveryCase): Promise<boolean> {
    try {
      return await this.isShared(c);
    } catch (e) {
      if (isSharingUnknown(e)) this.deps.retry?.(c);
      throw e;
    }
  }

  /**
   * Runs `fn` holding the case's lease. Null (and `fn` not run) while another process holds it:
   * that process is writing the case, and what it leaves undone the minute sweep picks up.
   */
  async #held<T>(
    c: RecoveryCase,
    fn: (check: () => Promise<void>) => Promise<T>,
  ): Promise<T | null> {
    const leases = this.deps.leases;
    if (!leases) return fn(async () => {});
    const key = `case:${c.id}`;
    let mine: boolean;
    try {
      mine = await leases.acquire(key);
    } catch (e) {
      // The database is closing (a shutdown): what is left stays stored for the next start.
      this.deps.log.error('could not take the case’s lease; left to the next sweep', {
        team: c.teamId,
        case: c.id,
        err: e,
      });
      return null;
    }
    if (!mine) {
      this.deps.log.info('another process is writing this case; left to it', {
        team: c.teamId,
        case: c.id,
      });
      return null;
    }
    try {
      return await fn(async () => {
        if (!(await leases.renew(key))) throw new LeaseLost(key);
      });
    } finally {
      await leases.release(key);
    }
  }

  /**
   * The case's channel turned out to be shared with the client: its parent (if posted) is redrawn
   * as a neutral line without the case's details, the case is flagged, Amends' own thread posts are
   * deleted, and the owner is told privately, with a button to move it. Done once.
   */
  async #withdraw(stale: RecoveryCase, check: () => Promise<void>): Promise<void> {
    // Once: while this process withdraws the case (its lease held: no other process does), a
    // redraw or a line delivery that finds the channel shared too leaves it to this one.
    if (this.#withdrawing.has(stale.id)) return;
    this.#withdrawing.add(stale.id);
    try {
      await this.#withdrawOnce(stale, check);
    } finally {
      this.#withdrawing.delete(stale.id);
    }
  }

  async #withdrawOnce(stale: RecoveryCase, check: () => Promise<void>): Promise<void> {
    const c = (await this.deps.load(stale.teamId, stale.id)) ?? stale;
    // Once: the flag is set here, and nothing else sets it (a failed reminder leaves it to this).
    if (c.deliveryProblem === CHANNEL_SHARED) return;
    const { view, log } = this.deps;
    try {
      await this.deps.flag(c, CHANNEL_SHARED);
      await check();
      if (c.messageTs) await view.neutralParent(c);
      // What Amends already wrote in the thread (the outline, offers, nudges) is deleted: bots
      // may delete their own messages. The stored case keeps all of it.
      for (const ts of (await this.deps.threadPosts?.(c)) ?? []) {
        const gone = ts.startsWith('file:')
          ? view.deleteFile(ts.slice('file:'.length))
          : view.deletePost(c.channelId, ts);
        await gone.catch((e: unknown) =>
          log.error('could not delete a thread post in a shared channel', {
            team: c.teamId,
            case: c.id,
            err: e,
          }),
        );
      }
      await view.tellOwner(c, 'withdrawn', await this.#ownerLang(c));
    } catch (e) {
      log.error('could not withdraw the case from a shared channel', {
        team: c.teamId,
        case: c.id,
        err: e,
      });
    }
  }

  /**
   * Shows a stored case in Slack: first the owner's time zone and the creator's language are asked
   * of Slack (and adopted while nobody has acted on the case), then the parent message is posted,
   * its ts stored at once, then the first thread reply. A failure leaves the case stored and
   * unposted, so the minute sweep (or the next start, or `/incident list`) posts it.
   */
  async publish(
    stored: RecoveryCase,
    o: {
      /** Look in the channel first: another run may have posted it before it died. */
      recover?: boolean;
      /** What a scan of the channel already found (case id → parent ts), and when it looked. */
      found?: { readonly map: ReadonlyMap<number, string>; readonly at: Date };
      /** The case's language was chosen in the form: the creator's does not replace it. */
      keepLang?: boolean;
    } = {},
  ): Promise<Published> {
    if (stored.messageTs) return { ok: true, case: stored };
    if (this.#posting.has(stored.id)) return { ok: false, code: 'in_progress' };
    this.#posting.add(stored.id);
    try {
      const r = await this.#held(stored, (check) => this.#publish(stored, o, check));
      return r ?? { ok: false, code: 'in_progress' };
    } finally {
      this.#posting.delete(stored.id);
    }
  }

  async #publish(
    before: RecoveryCase,
    o: Parameters<Presenter['publish']>[1] & {},
    check: () => Promise<void>,
  ): Promise<Published> {
    const { view, cases, log, clock } = this.deps;
    // Read again under the lease: another process may have posted it meanwhile.
    const stored = (await this.deps.load(before.teamId, before.id)) ?? before;
    if (stored.messageTs) return { ok: true, case: stored };
    try {
      if (o.recover || o.found) {
        // A case another run stored may have been posted just before that run died: find it first.
        const fresh = o.found && clock.now().getTime() - o.found.at.getTime() <= FOUND_FRESH_MS;
        const parentTs = fresh
          ? (o.found?.map.get(stored.id) ?? null)
          : ((await view.parentsIn(stored.channelId, stored.createdAt)).get(stored.id) ?? null);
        if (parentTs) {
          const posted = await cases.attachMessage(stored, parentTs);
          // Posted by a run that died, in a channel shared since: withdrawn, nothing added.
          if (await this.isShared(posted)) {
            await this.#withdraw(posted, check);
            return { ok: false, code: CHANNEL_SHARED };
          }
          await this.#ensureFirstReply(posted, check);
          return { ok: true, case: posted };
        }
      }
      // Never into a channel the client can read: the configured recovery channel instead, else
      // the case waits (saved) for someone to pick an internal channel.
      // The owner's zone and language first: a case that waits for a channel is counted in them too.
      let c = await cases.adoptProfiles(stored, { keepLang: o.keepLang }).catch((e: unknown) => {
        log.error('could not adopt the owner’s profile; the case keeps the defaults', {
          team: stored.teamId,
          case: stored.id,
          err: e,
        });
        return stored;
      });
      let movedFrom: string | undefined;
      if (await this.isShared(c)) {
        const to = this.deps.recoveryChannel ?? null;
        const toShared = to ? await view.isShared(to) : true;
        if (!to || to === c.channelId || toShared) {
          if (c.deliveryProblem !== CHANNEL_SHARED) {
            await cases.flagDelivery(c, CHANNEL_SHARED);
            // A private note fades; the owner keeps a direct message with the move button.
            await view
              .tellOwner(c, 'waiting', await this.#ownerLang(c))
              .catch((e: unknown) => log.error('could not tell the owner', { err: e }));
          }
          return { ok: false, code: CHANNEL_SHARED };
        }
        movedFrom = c.channelId;
        c = (await cases.move(c.teamId, c.id, to, SYSTEM_ACTOR, { fromShared: true, system: true }))
          .case;
      }
      await check();
      const drawnAt = clock.now();
      const ts = await view.postParent(c, drawnAt);
      const posted = await cases.attachMessage(c, ts);
      await this.deps.rendered?.(posted, drawnAt);
      if (c.deliveryProblem) await cases.flagDelivery(posted, null);
      await this.#firstReply(posted, check);
      return movedFrom ? { ok: true, case: posted, movedFrom } : { ok: true, case: posted };
    } catch (e) {
      const code = codeOf(e);
      log.error('could not post the case; it is stored and will be posted again', {
        team: stored.teamId,
        case: stored.id,
        err: e,
      });
      if (isSharingUnknown(e)) this.deps.retry?.(stored);
      // Remembered, so the periodic sweep leaves a channel Amends is not in to the invitation.
      try {
        if (!(e instanceof LeaseLost)) await cases.flagDelivery(stored, code ?? 'unavailable');
      } catch {
        // the database is closing: the case stays unposted, and the next start posts it
      }
      return { ok: false, code: code ?? (isStorageFailure(e) ? STORAGE_FAILED : null) };
    }
  }

  async #firstReply(c: RecoveryCase, check: () => Promise<void>): Promise<void> {
    if (!c.messageTs || this.#replying.has(c.id)) return;
    this.#replying.add(c.id);
    try {
      await check();
      await this.deps.firstReplied?.(c, await this.deps.view.postFirstReply(c));
    } catch (e) {
      this.deps.log.error(
        'the first thread reply failed; the case is posted (the sweep posts it later)',
        {
          team: c.teamId,
          case: c.id,
          err: e,
        },
      );
    } finally {
      this.#replying.delete(c.id);
    }
  }

  /** Case parents posted in a workspace's channel since `since` (less a minute), by case id. */
  postedIn(teamId: string, channel: string, since: Date): Promise<Map<number, string>> {
    const look = () => this.deps.view.parentsIn(channel, since);
    return this.deps.inWorkspace ? this.deps.inWorkspace(teamId, look) : look();
  }

  /**
   * A posted case whose first reply may be missing (a run died between the parent and the reply,
   * or Slack failed it): looked for in the thread by its metadata, posted only if absent.
   */
  async ensureFirstReply(c: RecoveryCase): Promise<void> {
    await this.#held(c, (check) => this.#ensureFirstReply(c, check));
  }

  async #ensureFirstReply(c: RecoveryCase, check: () => Promise<void>): Promise<void> {
    // Being posted by this process right now (its lease is re-entrant here): not looked for again.
    if (!c.messageTs || this.#replying.has(c.id)) return;
    if (await this.#sharedOrWait(c)) return;
    const ts = await this.deps.view.firstReplyIn(c);
    if (ts) await this.deps.firstReplied?.(c, ts);
    else await this.#firstReply(c, check);
  }

  /**
   * Redraws the case's parent from the latest stored state, read when the update is sent. One
   * update per case at a time: asked again while one is on its way, it draws once more when that
   * one is done, with whatever is stored by then (pending redraws coalesce). So the last update
   * Slack receives always shows the last stored state, however the clicks and Slack's answers
   * interleave. While another process holds the case, it is left alone: the parent is then behind
   * the stored version, and the minute sweep draws it.
   */
  async refresh(c: RecoveryCase): Promise<void> {
    await this.#refresh(c);
  }

  /** refresh; the case as read for the last draw (null when none was drawn). */
  #refresh(c: RecoveryCase): Promise<RecoveryCase | null> {
    const running = this.#redraws.get(c.id);
    if (running) {
      running.again = true;
      return running.done;
    }
    const state: { again: boolean; done: Promise<RecoveryCase | null> } = {
      again: false,
      done: Promise.resolve(null),
    };
    state.done = (async () => {
      try {
        return await this.#held(c, async (check) => {
          let latest: RecoveryCase | null = c;
          do {
            state.again = false;
            latest = await this.deps.load(c.teamId, c.id);
            if (!latest?.messageTs) return null;
            if (await this.#sharedOrWait(latest)) {
              await this.#withdraw(latest, check);
              return null;
            }
            await check();
            const drawnAt = this.deps.clock.now();
            try {
              await this.deps.view.updateParent(latest, drawnAt);
            } catch (e) {
              // The parent is gone or out of reach (deleted, archived channel): trying again every
              // minute can't help, so it counts as drawn as far as it can be.
              if (e instanceof DeliveryFailure && e.kind === 'channel')
                await this.deps.rendered?.(latest, drawnAt);
              throw e;
            }
            await this.deps.rendered?.(latest, drawnAt);
          } while (state.again);
          return latest;
        });
      } finally {
        this.#redraws.delete(c.id);
      }
    })();
    this.#redraws.set(c.id, state);
    return state.done;
  }

  /**
   * After a stored change: update the parent in place, then post the case's pending thread lines
   * (the change's own, stored with it by CaseService.announce).
   */
  async afterChange(c: RecoveryCase): Promise<void> {
    // One hold of the case's lease for both (the two inside join it), and one read of the case:
    // the lines go out with the case as the redraw read it under that hold.
    await this.#held(c, async () => {
      let drawn: RecoveryCase | null = null;
      try {
        drawn = await this.#refresh(c);
      } catch (e) {
        this.deps.log.error('chat.update failed; the change is stored', {
          team: c.teamId,
          case: c.id,
          err: e,
        });
      }
      await this.#queueLines(c, {}, drawn);
    });
    await this.deps
      .changed?.(c)
      .catch((e: unknown) =>
        this.deps.log.error('App Home not redrawn', { team: c.teamId, case: c.id, err: e }),
      );
  }

  /**
   * The meeting's invite (an outbox row stored with the meeting): an .ics file and a Google Calendar
   * link, for the owner to forward. Its SEQUENCE is the case's version when the meeting was saved,
   * which only grows, so a moved meeting's invite replaces the earlier one (same UID), and its file
   * name carries that SEQUENCE, which is how a run after a crash finds it in the thread. Null when
   * there is nothing to send (the row is then done).
   */
  async #invite(c: RecoveryCase, spec: NonNullable<PendingLine['body']['invite']>) {
    const cat = t(c.lang);
    // Written for the client: its title in the client's language, its times in the client's zone,
    // at the place and for the length chosen when it was booked.
    const client = await this.deps.cases.clientOf(c);
    const theirs = t(client?.lang ?? c.lang);
    const title =
      spec.kind === 'fix' ? theirs.invite.fixTitle(c.client) : theirs.invite.title(c.client);
    const details = c.meetings?.[spec.kind === 'fix' ? 'fix' : 'meeting'];
    const invite = caseInvite(c, {
      title,
      sequence: spec.sequence,
      now: this.deps.clock.now(),
      kind: spec.kind,
      at: new Date(spec.at),
      ...(client?.tz ? { tz: client.tz } : {}),
      ...(details ? { durationMinutes: details.minutes, location: details.place } : {}),
      ...(spec.cancelled ? { cancelled: true } : {}),
    });
    if (!invite) return null;
    return {
      content: invite.ics,
      filename: invite.filename,
      title,
      // A cancellation has no calendar link to offer: it only withdraws the event.
      comment: spec.cancelled
        ? cat.corrections.cancel.comment
        : cat.invite.comment(invite.googleUrl),
    };
  }

  /**
   * Posts a case's pending thread lines, oldest first, each with its outbox id in its metadata, and
   * records each one's ts. With `recover`, the thread is read first (one conversations.replies) and
   * lines a run that died had already posted are only recorded. One delivery per case at a time
   * in this process, and in every process (the case's lease); lines stored while it runs go out
   * with it.
   */
  deliverLines(c: RecoveryCase, o: { recover?: boolean } = {}): Promise<void> {
    return this.#queueLines(c, o, null);
  }

  /**
   * deliverLines; `read`: the case as read a moment ago under the lease this process holds (its
   * lines go out with it, without reading it again), if no delivery is queued before this one.
   */
  #queueLines(c: RecoveryCase, o: { recover?: boolean }, read: RecoveryCase | null): Promise<void> {
    const previous = this.#lines.get(c.id);
    const fresh = previous ? null : read;
    const mine = (previous ?? Promise.resolve())
      .catch(() => {}) // the earlier delivery's failure is its caller's; this one goes ahead
      .then(() => this.#held(c, (check) => this.#deliverLines(c, o, check, fresh)))
      .then(() => {});
    // The queue's tail never rejects (the caller gets `mine`'s failure): an unhandled rejection
    // would end the process.
    const tail = mine
      .catch(() => {})
      .finally(() => {
        if (this.#lines.get(c.id) === tail) this.#lines.delete(c.id);
      });
    this.#lines.set(c.id, tail);
    return mine;
  }

  async #deliverLines(
    c: RecoveryCase,
    o: { recover?: boolean },
    check: () => Promise<void>,
    read: RecoveryCase | null,
  ) {
    const { view, cases, log } = this.deps;
    let already: Awaited<ReturnType<CaseView['threadOf']>> | null = null;
    // Lines a change stores while these are posted go out in the same hold (a few rounds at most).
    for (let round = 0; round < 5; round++) {
      const pending = await cases.pendingLines(c.teamId, c.id);
      if (pending.length === 0) return;
      const latest = (round === 0 ? read : null) ?? (await this.deps.load(c.teamId, c.id)) ?? c;
      if (!latest.messageTs) return;
      // Lines wait (stored) while the channel is shared with the client; a move posts them.
      // While Slack can't say, they wait too, and are tried again after a back-off.
      let shared: boolean;
      try {
        shared = await this.#sharedOrWait(latest);
      } catch (e) {
        if (!(e instanceof DeliveryFailure)) throw e;
        // Unknown sharing (tried again after a back-off) or a channel Amends can't see: the lines
        // wait, stored, as they do for a failed post.
        log.warn('thread lines wait: Slack could not say whether the channel is shared', {
          team: c.teamId,
          case: c.id,
          slack: e.code,
        });
        return;
      }
      if (shared) {
        await this.#withdraw(latest, check);
        return;
      }
      if (o.recover && !already) already = await view.threadOf(latest);
      for (const l of pending) {
        const file = l.body.invite ? await this.#invite(latest, l.body.invite) : null;
        const found = file
          ? already?.files.get(file.filename)
          : l.body.invite
            ? 'none' // no meeting time any more: nothing to send
            : already?.lines.get(l.id);
        if (found) {
          await cases.lineSent(l.id, file ? `file:${found}` : found);
          continue;
        }
        try {
          await check();
          if (file) await cases.lineSent(l.id, `file:${await view.postFile(latest, file)}`);
          else await cases.lineSent(l.id, await view.postLine(latest, l));
        } catch (e) {
          log.error('thread line not posted yet; it is stored and goes out later', {
            team: c.teamId,
            case: c.id,
            err: e,
          });
          return; // the rest wait behind it: lines keep their order
        }
      }
    }
  }

  /**
   * Redraws one of the case's thread lines (a draft whose "Mark as sent" was used). Best effort:
   * what it records is stored already, and a failure only leaves the line as it was.
   */
  async updateLine(
    c: RecoveryCase,
    ts: string,
    body: { text: string; blocks: unknown[] },
  ): Promise<void> {
    try {
      await this.deps.view.updateLine(c, ts, body);
    } catch (e) {
      this.deps.log.error('thread line not redrawn; the change is stored', {
        team: c.teamId,
        case: c.id,
        err: e,
      });
    }
  }

  /**
   * A private note to one user. When Slack refuses it (an outage, a channel Amends is not in) and
   * the request came with a response_url, the note goes there instead: that works where the bot
   * can't post.
   */
  async ephemeral(
    channel: string | undefined,
    user: string,
    text: string,
    threadTs?: string,
    respond?: (m: {
      response_type: 'ephemeral';
      replace_original: false;
      text: string;
    }) => Promise<unknown>,
  ): Promise<void> {
    try {
      if (!channel) throw new Error('no channel');
      await this.deps.view.note(channel, user, text, threadTs);
    } catch (e) {
      this.deps.log.error('ephemeral failed', { channel, err: e });
      if (!respond) return;
      await respond({ response_type: 'ephemeral', replace_original: false, text }).catch(
        (e2: unknown) => this.deps.log.error('response_url failed too', { err: e2 }),
      );
    }
  }
}
