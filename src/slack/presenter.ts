import type { types, webApi } from '@slack/bolt';
import type { Clock } from '../domain/clock.js';
import { caseInvite } from '../domain/invite.js';
import type { Playbook } from '../domain/playbook.js';
import type { RecoveryCase } from '../domain/recoveryCase.js';
import { type Catalog, t } from '../i18n/index.js';
import type { Log } from '../log.js';
import type { CaseService } from '../services/cases.js';
import { renderCase } from './blocks/caseMessage.js';
import { firstReply } from './blocks/thread.js';
import { slackErrorCode } from './errors.js';
import { ACTION, encodeCase } from './ids.js';
import { numberField, postedWith } from './metadata.js';
import type { ChannelSharing } from './sharing.js';

type WebClient = webApi.WebClient;

export type { Log } from '../log.js';

/** Message metadata on a case's parent post: how the post is found again after a crash. */
export const CASE_EVENT_TYPE = 'amends_case';
/** Message metadata on a thread line about a change (its outbox id). */
export const LINE_EVENT_TYPE = 'amends_line';
/** Message metadata on a case's first thread reply. */
export const FIRST_REPLY_EVENT_TYPE = 'amends_case_first_reply';

export type Published =
  | { readonly ok: true; readonly case: RecoveryCase; readonly movedFrom?: string }
  | { readonly ok: false; readonly code: string | null };

/** Why a case is not shown in its channel: the channel is shared with people outside the company. */
export const CHANNEL_SHARED = 'channel_shared';

/** Who moves a case out of a shared channel when nobody asked (the configured recovery channel). */
export const SYSTEM_ACTOR = 'amends';

/**
 * The few Slack writes every listener shares. The database is the source of truth: a failed Slack
 * update is logged and the message can be re-rendered later from stored state.
 */
export class Presenter {
  /** Cases being posted by this process right now: the start-up sweep and a listener never both post one. */
  readonly #posting = new Set<number>();
  /** Parent redraws on their way, by case: at most one at a time, the next one coalesced. */
  readonly #redraws = new Map<number, { again: boolean; done: Promise<void> }>();
  /** The last delivery of thread lines queued, by case: lines of one case go out in order. */
  readonly #lines = new Map<number, Promise<void>>();

  constructor(
    readonly playbook: Playbook,
    readonly clock: Clock,
    readonly log: Log,
    /** Reads the stored case when a redraw is sent (so it shows the latest state). */
    readonly load?: (teamId: string, id: number) => RecoveryCase | null,
    readonly guard: {
      /** Checks that a channel is not shared with outsiders before anything of a case goes there. */
      readonly sharing?: ChannelSharing;
      /** Where a case asked for in a shared channel is opened instead (RECOVERY_CHANNEL), if set. */
      readonly recoveryChannel?: string | null;
      /** Stores why a case is not shown (the presenter's redraws have no CaseService at hand). */
      readonly flag?: (c: RecoveryCase, problem: string | null) => void;
      /** The ts of what Amends posted in a case's thread (lines, reminders), for a withdrawal. */
      readonly threadPosts?: (c: RecoveryCase) => string[];
      /** The first reply is in Slack (its ts): the sweep stops looking after it. */
      readonly firstReplied?: (c: RecoveryCase, ts: string) => void;
      /** The parent was drawn from the stored state at this time. */
      readonly rendered?: (c: RecoveryCase, at: Date) => void;
      /** After a change is shown: App Home of the people it concerns is redrawn. */
      readonly changed?: (client: WebClient, c: RecoveryCase) => Promise<void>;
    } = {},
  ) {}

  /** True when the case's channel is one the client can read: nothing of the case goes there. */
  async isShared(client: WebClient, c: RecoveryCase): Promise<boolean> {
    return !!this.guard.sharing && (await this.guard.sharing.isShared(client, c.channelId));
  }

  /**
   * The case's channel turned out to be shared with the client: its parent (if posted) is redrawn
   * as a neutral line without the case's details, the case is flagged, and the owner is told
   * privately, with a button to move it. Done once: a case already flagged is left as it is.
   */
  async #withdraw(client: WebClient, c: RecoveryCase): Promise<void> {
    // Once: the flag is set here, and nothing else sets it (a failed reminder leaves it to this).
    if (c.deliveryProblem === CHANNEL_SHARED) return;
    const cat = t(c.lang);
    try {
      this.guard.flag?.(c, CHANNEL_SHARED);
      if (c.messageTs)
        await client.chat.update({
          channel: c.channelId,
          ts: c.messageTs,
          text: cat.shared.withdrawn,
          blocks: [{ type: 'section', text: { type: 'mrkdwn', text: cat.shared.withdrawn } }],
        });
      // What Amends already wrote in the thread (the outline, offers, nudges) is deleted: bots
      // may delete their own messages. The stored case keeps all of it.
      for (const ts of this.guard.threadPosts?.(c) ?? []) {
        await client.chat.delete({ channel: c.channelId, ts }).catch((e: unknown) =>
          this.log('could not delete a thread post in a shared channel', {
            caseId: c.id,
            error: String(e),
          }),
        );
      }
      await client.chat.postMessage({
        channel: c.ownerId,
        text: cat.shared.ownerNote(`<#${c.channelId}>`, c.client),
        blocks: moveBlocks(c, cat.shared.ownerNote(`<#${c.channelId}>`, c.client), cat),
      });
    } catch (e) {
      this.log('could not withdraw the case from a shared channel', {
        caseId: c.id,
        error: String(e),
      });
    }
  }

  /**
   * Shows a stored case in Slack: first the owner's time zone and the creator's language are asked
   * of Slack (and adopted while nobody has acted on the case), then the parent message is posted,
   * its ts stored at once, then the first thread reply. A failure leaves the case stored and
   * unposted, so the next start (or `/incident list`) posts it.
   */
  async publish(
    client: WebClient,
    cases: CaseService,
    stored: RecoveryCase,
    o: {
      /** Look in the channel first: another run may have posted it before it died. */
      recover?: boolean;
      /** What a scan of the channel already found (case id → parent ts): no lookup of its own. */
      found?: ReadonlyMap<number, string>;
      /** The case's language was chosen in the form: the creator's does not replace it. */
      keepLang?: boolean;
    } = {},
  ): Promise<Published> {
    if (stored.messageTs) return { ok: true, case: stored };
    if (this.#posting.has(stored.id)) return { ok: false, code: 'in_progress' };
    this.#posting.add(stored.id);
    try {
      if (o.recover || o.found) {
        // A case another run stored may have been posted just before that run died: find it first.
        const parentTs = o.found
          ? (o.found.get(stored.id) ?? null)
          : ((await this.postedIn(client, stored.channelId, stored.createdAt)).get(stored.id) ??
            null);
        if (parentTs) {
          const posted = cases.attachMessage(stored, parentTs);
          // Posted by a run that died, in a channel shared since: withdrawn, nothing added.
          if (await this.isShared(client, posted)) {
            await this.#withdraw(client, posted);
            return { ok: false, code: CHANNEL_SHARED };
          }
          await this.ensureFirstReply(client, posted);
          return { ok: true, case: posted };
        }
      }
      // Never into a channel the client can read: the configured recovery channel instead, else
      // the case waits (saved) for someone to pick an internal channel.
      // The owner's zone and language first: a case that waits for a channel is counted in them too.
      let c = await cases.adoptProfiles(stored, { keepLang: o.keepLang }).catch((e: unknown) => {
        this.log('could not adopt the owner’s profile; the case keeps the defaults', {
          caseId: stored.id,
          error: String(e),
        });
        return stored;
      });
      let movedFrom: string | undefined;
      if (await this.isShared(client, c)) {
        const to = this.guard.recoveryChannel ?? null;
        const toShared = to ? await this.guard.sharing?.isShared(client, to) : true;
        if (!to || to === c.channelId || toShared) {
          if (c.deliveryProblem !== CHANNEL_SHARED) {
            cases.flagDelivery(c, CHANNEL_SHARED);
            // A private note fades; the owner keeps a direct message with the move button.
            const cat = t(c.lang);
            const text = cat.shared.ownerWaiting(`<#${c.channelId}>`, c.client);
            await client.chat
              .postMessage({ channel: c.ownerId, text, blocks: moveBlocks(c, text, cat) })
              .catch((e: unknown) => this.log('could not tell the owner', { error: String(e) }));
          }
          return { ok: false, code: CHANNEL_SHARED };
        }
        movedFrom = c.channelId;
        c = cases.move(c.teamId, c.id, to, SYSTEM_ACTOR, { fromShared: true, system: true }).case;
      }
      const r = renderCase(c, this.playbook, this.clock.now());
      const res = await client.chat.postMessage({
        channel: c.channelId,
        text: r.text,
        blocks: r.blocks,
        unfurl_links: false,
        metadata: { event_type: CASE_EVENT_TYPE, event_payload: { case_id: c.id } },
      });
      const posted = cases.attachMessage(c, res.ts as string);
      this.guard.rendered?.(posted, this.clock.now());
      if (c.deliveryProblem) cases.flagDelivery(posted, null);
      await this.#firstReply(client, posted);
      return movedFrom ? { ok: true, case: posted, movedFrom } : { ok: true, case: posted };
    } catch (e) {
      const code = slackErrorCode(e);
      this.log('could not post the case; it is stored and will be posted again', {
        caseId: stored.id,
        error: String(e),
      });
      // Remembered, so the periodic sweep leaves a channel Amends is not in to the invitation.
      try {
        cases.flagDelivery(stored, code ?? 'unavailable');
      } catch {
        // the database is closing: the case stays unposted, and the next start posts it
      }
      return { ok: false, code };
    } finally {
      this.#posting.delete(stored.id);
    }
  }

  async #firstReply(client: WebClient, c: RecoveryCase): Promise<void> {
    if (!c.messageTs) return;
    const r = firstReply(c, this.playbook);
    try {
      const res = await client.chat.postMessage({
        channel: c.channelId,
        thread_ts: c.messageTs,
        text: r.text,
        blocks: r.blocks,
        unfurl_links: false,
        metadata: { event_type: FIRST_REPLY_EVENT_TYPE, event_payload: { case_id: c.id } },
      });
      this.guard.firstReplied?.(c, res.ts as string);
    } catch (e) {
      this.log('the first thread reply failed; the case is posted (the sweep posts it later)', {
        caseId: c.id,
        error: String(e),
      });
    }
  }

  /**
   * The case parents posted in a channel since `since` (less a minute), by case id, from their
   * message metadata: one paged conversations.history for every case of the channel.
   */
  postedIn(client: WebClient, channel: string, since: Date): Promise<Map<number, string>> {
    const oldest = String(Math.floor(since.getTime() / 1000) - 60);
    return postedWith(client, { channel, oldest }, CASE_EVENT_TYPE, numberField('case_id'));
  }

  /**
   * A posted case whose first reply may be missing (a run died between the parent and the reply,
   * or Slack failed it): looked for in the thread by its metadata, posted only if absent.
   */
  async ensureFirstReply(client: WebClient, c: RecoveryCase): Promise<void> {
    if (!c.messageTs) return;
    if (await this.isShared(client, c)) return;
    const found = await postedWith(
      client,
      { channel: c.channelId, ts: c.messageTs },
      FIRST_REPLY_EVENT_TYPE,
      numberField('case_id'),
    );
    const ts = found.get(c.id);
    if (ts) this.guard.firstReplied?.(c, ts);
    else await this.#firstReply(client, c);
  }

  /**
   * Redraws the case's parent from the latest stored state, read when the update is sent. One
   * update per case at a time: asked again while one is on its way, it draws once more when that
   * one is done, with whatever is stored by then (pending redraws coalesce). So the last update
   * Slack receives always shows the last stored state, however the clicks and Slack's answers
   * interleave.
   */
  refresh(client: WebClient, c: RecoveryCase): Promise<void> {
    const running = this.#redraws.get(c.id);
    if (running) {
      running.again = true;
      return running.done;
    }
    const state: { again: boolean; done: Promise<void> } = {
      again: false,
      done: Promise.resolve(),
    };
    state.done = (async () => {
      try {
        let latest: RecoveryCase | null = c;
        do {
          state.again = false;
          latest = this.load ? this.load(c.teamId, c.id) : latest;
          if (!latest?.messageTs) return;
          if (await this.isShared(client, latest)) {
            await this.#withdraw(client, latest);
            return;
          }
          const drawnAt = this.clock.now();
          const r = renderCase(latest, this.playbook, drawnAt);
          await client.chat.update({
            channel: latest.channelId,
            ts: latest.messageTs,
            text: r.text,
            blocks: r.blocks,
          });
          this.guard.rendered?.(latest, drawnAt);
        } while (state.again);
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
  async afterChange(client: WebClient, cases: CaseService, c: RecoveryCase): Promise<void> {
    try {
      await this.refresh(client, c);
    } catch (e) {
      this.log('chat.update failed; the change is stored', { caseId: c.id, error: String(e) });
    }
    await this.deliverLines(client, cases, c);
    await this.guard
      .changed?.(client, c)
      .catch((e: unknown) => this.log('App Home not redrawn', { caseId: c.id, error: String(e) }));
  }

  /**
   * The meeting's invite in the thread, for the owner to forward: an .ics file (files.uploadV2)
   * and a Google Calendar link. Its SEQUENCE is the case's version, which only grows, so a moved
   * meeting's invite replaces the earlier one (same UID). Never in a channel the client can read.
   */
  async sendInvite(
    client: WebClient,
    c: RecoveryCase,
    kind: 'meeting' | 'fix' = 'meeting',
  ): Promise<void> {
    const at = kind === 'fix' ? c.fixMeetingAt : c.meetingAt;
    if (!c.messageTs || !at) return;
    if (await this.isShared(client, c)) return;
    const cat = t(c.lang);
    try {
      // The second meeting has its own UID (its own calendar entry), the same way of updating.
      const title = kind === 'fix' ? cat.invite.fixTitle(c.client) : cat.invite.title(c.client);
      const invite = caseInvite(c, { title, sequence: c.version, now: this.clock.now(), kind, at });
      if (!invite) return;
      await client.files.uploadV2({
        channel_id: c.channelId,
        thread_ts: c.messageTs,
        file: Buffer.from(invite.ics, 'utf8'),
        filename: invite.filename,
        title,
        initial_comment: cat.invite.comment(invite.googleUrl),
      });
    } catch (e) {
      this.log('the meeting invite was not posted; the meeting is saved', {
        caseId: c.id,
        error: String(e),
      });
    }
  }

  /**
   * Posts a case's pending thread lines, oldest first, each with its outbox id in its metadata, and
   * records each one's ts. With `recover`, the thread is read first (one conversations.replies) and
   * lines a run that died had already posted are only recorded. One delivery per case at a time.
   */
  deliverLines(
    client: WebClient,
    cases: CaseService,
    c: RecoveryCase,
    o: { recover?: boolean } = {},
  ): Promise<void> {
    const previous = this.#lines.get(c.id) ?? Promise.resolve();
    const mine = previous
      .catch(() => {})
      .then(async () => {
        const latest = this.load ? (this.load(c.teamId, c.id) ?? c) : c;
        const ts = latest.messageTs;
        if (!ts) return;
        const pending = cases.pendingLines(c.teamId, c.id);
        if (pending.length === 0) return;
        // Lines wait (stored) while the channel is shared with the client; a move posts them.
        if (await this.isShared(client, latest)) {
          await this.#withdraw(client, latest);
          return;
        }
        const already = o.recover ? await this.#postedLines(client, latest.channelId, ts) : null;
        for (const l of pending) {
          const found = already?.get(l.id);
          if (found) {
            cases.lineSent(l.id, found);
            continue;
          }
          try {
            const res = await client.chat.postMessage({
              channel: latest.channelId,
              thread_ts: ts,
              text: l.body.text,
              blocks: l.body.blocks as never,
              unfurl_links: false,
              metadata: { event_type: LINE_EVENT_TYPE, event_payload: { line_id: l.id } },
            });
            cases.lineSent(l.id, res.ts as string);
          } catch (e) {
            this.log('thread line not posted yet; it is stored and goes out later', {
              caseId: c.id,
              error: String(e),
            });
            return; // the rest wait behind it: lines keep their order
          }
        }
      });
    const tail = mine.finally(() => {
      if (this.#lines.get(c.id) === tail) this.#lines.delete(c.id);
    });
    this.#lines.set(c.id, tail);
    return mine;
  }

  #postedLines(client: WebClient, channel: string, ts: string): Promise<Map<number, string>> {
    return postedWith(client, { channel, ts }, LINE_EVENT_TYPE, numberField('line_id'));
  }

  /**
   * A private note to one user. When Slack refuses it (an outage, a channel Amends is not in) and
   * the request came with a response_url, the note goes there instead: that works where the bot
   * can't post.
   */
  async ephemeral(
    client: WebClient,
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
      await client.chat.postEphemeral({
        channel,
        user,
        text,
        ...(threadTs ? { thread_ts: threadTs } : {}),
      });
    } catch (e) {
      this.log('ephemeral failed', { channel, error: String(e) });
      if (!respond) return;
      await respond({ response_type: 'ephemeral', replace_original: false, text }).catch(
        (e2: unknown) => this.log('response_url failed too', { error: String(e2) }),
      );
    }
  }
}

/** A private note with a button that opens the "move the case" form. */
export function moveBlocks(c: RecoveryCase, text: string, cat: Catalog): types.KnownBlock[] {
  return [
    { type: 'section', text: { type: 'mrkdwn', text } },
    {
      type: 'actions',
      elements: [
        {
          type: 'button',
          style: 'primary',
          text: { type: 'plain_text', text: cat.shared.moveButton },
          action_id: ACTION.moveCase,
          value: encodeCase({ caseId: c.id, version: c.version }),
        },
      ],
    },
  ];
}
