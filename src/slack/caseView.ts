import type { types, webApi } from '@slack/bolt';
import type { Playbook } from '../domain/playbook.js';
import type { RecoveryCase } from '../domain/recoveryCase.js';
import { type Catalog, t } from '../i18n/index.js';
import type { CaseView, PendingLine, ThreadFile } from '../services/ports.js';
import { renderCase } from './blocks/caseMessage.js';
import { clip, literal } from './blocks/format.js';
import { caseButton, firstReply } from './blocks/thread.js';
import { toDeliveryFailure } from './errors.js';
import { ACTION } from './ids.js';
import { numberField, postedWith } from './metadata.js';
import type { ChannelSharing } from './sharing.js';

type WebClient = webApi.WebClient;

/** Message metadata on a case's parent post: how the post is found again after a crash. */
export const CASE_EVENT_TYPE = 'amends_case';
/** Message metadata on a thread line about a change (its outbox id). */
export const LINE_EVENT_TYPE = 'amends_line';
/** Message metadata on a case's first thread reply. */
export const FIRST_REPLY_EVENT_TYPE = 'amends_case_first_reply';

/** Every Web API failure leaves as a DeliveryFailure, its Slack code kept. */
async function slack<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (e) {
    throw toDeliveryFailure(e);
  }
}

/**
 * How a case is drawn and sent to Slack: Block Kit, message metadata and the Web API. The
 * Presenter (services/presenter.ts) decides what is written when; this only renders and sends.
 */
export class SlackCaseView implements CaseView {
  constructor(
    readonly client: WebClient,
    readonly playbook: Playbook,
    /** Asked before anything of a case goes to a channel (it fails closed). */
    readonly sharing: ChannelSharing,
    /** The bot's own user: files in a thread count as Amends' only when it shared them. */
    readonly botUserId?: string,
  ) {}

  async isShared(channelId: string): Promise<boolean> {
    return this.sharing.isShared(this.client, channelId);
  }

  knownShared(channelId: string): boolean | null {
    return this.sharing.known(channelId);
  }

  forgetSharing(channelId: string, shared: boolean | null = null): Promise<void> {
    return this.sharing.forget(channelId, shared);
  }

  /** One message of the case, in its channel or thread, with metadata to find it again by. */
  async #post(
    c: RecoveryCase,
    body: { text: string; blocks: unknown[] },
    thread: boolean,
    meta: { event_type: string; event_payload: Record<string, number> },
  ): Promise<string> {
    const res = await slack(() =>
      this.client.chat.postMessage({
        channel: c.channelId,
        ...(thread ? { thread_ts: c.messageTs as string } : {}),
        text: body.text,
        blocks: body.blocks as types.KnownBlock[],
        unfurl_links: false,
        metadata: meta,
      }),
    );
    return res.ts as string;
  }

  postParent(c: RecoveryCase, now: Date): Promise<string> {
    return this.#post(c, renderCase(c, this.playbook, now), false, {
      event_type: CASE_EVENT_TYPE,
      event_payload: { case_id: c.id },
    });
  }

  async updateParent(c: RecoveryCase, now: Date): Promise<void> {
    if (!c.messageTs) return;
    const r = renderCase(c, this.playbook, now);
    await slack(() =>
      this.client.chat.update({
        channel: c.channelId,
        ts: c.messageTs as string,
        text: r.text,
        blocks: r.blocks,
      }),
    );
  }

  async neutralParent(c: RecoveryCase): Promise<void> {
    if (!c.messageTs) return;
    const text = t(c.lang).shared.withdrawn;
    await slack(() =>
      this.client.chat.update({
        channel: c.channelId,
        ts: c.messageTs as string,
        text,
        blocks: [{ type: 'section', text: { type: 'mrkdwn', text } }],
      }),
    );
  }

  postFirstReply(c: RecoveryCase): Promise<string> {
    return this.#post(c, firstReply(c, this.playbook), true, {
      event_type: FIRST_REPLY_EVENT_TYPE,
      event_payload: { case_id: c.id },
    });
  }

  postLine(c: RecoveryCase, l: PendingLine): Promise<string> {
    return this.#post(c, { text: l.body.text, blocks: [...l.body.blocks] }, true, {
      event_type: LINE_EVENT_TYPE,
      event_payload: { line_id: l.id },
    });
  }

  async updateLine(
    c: RecoveryCase,
    ts: string,
    body: { text: string; blocks: unknown[] },
  ): Promise<void> {
    await slack(() =>
      this.client.chat.update({
        channel: c.channelId,
        ts,
        text: body.text,
        blocks: body.blocks as types.KnownBlock[],
      }),
    );
  }

  async postFile(c: RecoveryCase, f: ThreadFile): Promise<string> {
    const res = await slack(() =>
      this.client.files.uploadV2({
        channel_id: c.channelId,
        thread_ts: c.messageTs as string,
        file: Buffer.from(f.content, 'utf8'),
        filename: f.filename,
        title: f.title,
        initial_comment: f.comment,
      }),
    );
    // uploadV2 answers one completion per upload, each listing its files.
    const done = (res as { files?: { files?: { id?: string }[] }[] }).files ?? [];
    return done[0]?.files?.[0]?.id ?? 'unknown';
  }

  async deletePost(channelId: string, ts: string): Promise<void> {
    await slack(() => this.client.chat.delete({ channel: channelId, ts }));
  }

  async deleteFile(fileId: string): Promise<void> {
    await slack(() => this.client.files.delete({ file: fileId }));
  }

  parentsIn(channelId: string, since: Date): Promise<Map<number, string>> {
    const oldest = String(Math.floor(since.getTime() / 1000) - 60);
    return this.posted({ channel: channelId, oldest }, CASE_EVENT_TYPE, 'case_id');
  }

  async firstReplyIn(c: RecoveryCase): Promise<string | null> {
    if (!c.messageTs) return null;
    const ts = c.messageTs;
    const found = await this.posted(
      { channel: c.channelId, ts },
      FIRST_REPLY_EVENT_TYPE,
      'case_id',
    );
    return found.get(c.id) ?? null;
  }

  async threadOf(
    c: RecoveryCase,
  ): Promise<{ lines: Map<number, string>; files: Map<string, string> }> {
    const files = new Map<string, string>();
    const ts = c.messageTs as string;
    const lines = await this.posted(
      { channel: c.channelId, ts },
      LINE_EVENT_TYPE,
      'line_id',
      (m) => {
        if (m.user !== undefined && this.botUserId && m.user !== this.botUserId) return;
        for (const f of (m as { files?: { id?: string; name?: string }[] }).files ?? [])
          if (f.name && f.id) files.set(f.name, f.id);
      },
    );
    return { lines, files };
  }

  /** The posts in `where` whose metadata is `eventType`, by the number in their `key` field. */
  private posted(
    where: Parameters<typeof postedWith>[1],
    eventType: string,
    key: string,
    each?: Parameters<typeof postedWith>[4],
  ): Promise<Map<number, string>> {
    return slack(() => postedWith(this.client, where, eventType, numberField(key), each));
  }

  async tellOwner(c: RecoveryCase, why: 'waiting' | 'withdrawn', lang: string): Promise<void> {
    const cat = t(lang);
    const where = `<#${c.channelId}>`;
    // The client's name as typed, shown as text: a "<!channel>" in it must not ping anyone.
    const client = clip(literal(c.client), 80);
    const text =
      why === 'waiting'
        ? cat.shared.ownerWaiting(where, client)
        : cat.shared.ownerNote(where, client);
    await slack(() =>
      this.client.chat.postMessage({ channel: c.ownerId, text, blocks: moveBlocks(c, text, cat) }),
    );
  }

  async note(channelId: string, userId: string, text: string, threadTs?: string): Promise<void> {
    await slack(() =>
      this.client.chat.postEphemeral({
        channel: channelId,
        user: userId,
        text,
        ...(threadTs ? { thread_ts: threadTs } : {}),
      }),
    );
  }
}

/** A private note with a button that opens the "move the case" form. */
export function moveBlocks(c: RecoveryCase, text: string, cat: Catalog): types.KnownBlock[] {
  return [
    { type: 'section', text: { type: 'mrkdwn', text } },
    {
      type: 'actions',
      elements: [caseButton(c, cat.shared.moveButton, ACTION.moveCase)],
    },
  ];
}
