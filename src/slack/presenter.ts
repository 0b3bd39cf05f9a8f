import type { webApi } from '@slack/bolt';
import type { Clock } from '../domain/clock.js';
import type { Playbook } from '../domain/playbook.js';
import type { RecoveryCase } from '../domain/recoveryCase.js';
import type { Rendered } from './blocks/caseMessage.js';
import { renderCase } from './blocks/caseMessage.js';
import { firstReply, line } from './blocks/thread.js';

type WebClient = webApi.WebClient;
export type Log = (msg: string, extra?: Record<string, unknown>) => void;

/**
 * The few Slack writes every listener shares. The database is the source of truth: a failed Slack
 * update is logged and the message can be re-rendered later from stored state.
 */
export class Presenter {
  constructor(
    readonly playbook: Playbook,
    readonly clock: Clock,
    readonly log: Log,
  ) {}

  /** Posts a new case's parent message and its first thread reply; returns the parent's ts. */
  async postCase(client: WebClient, c: RecoveryCase): Promise<string> {
    const r = renderCase(c, this.playbook, this.clock.now());
    const res = await client.chat.postMessage({
      channel: c.channelId,
      text: r.text,
      blocks: r.blocks,
      unfurl_links: false,
    });
    const ts = res.ts as string;
    const first = firstReply(c, this.playbook);
    await this.reply(client, { ...c, messageTs: ts }, first);
    return ts;
  }

  async refresh(client: WebClient, c: RecoveryCase): Promise<void> {
    if (!c.messageTs) return;
    const r = renderCase(c, this.playbook, this.clock.now());
    await client.chat.update({
      channel: c.channelId,
      ts: c.messageTs,
      text: r.text,
      blocks: r.blocks,
    });
  }

  async reply(client: WebClient, c: RecoveryCase, r: Rendered): Promise<void> {
    if (!c.messageTs) return;
    await client.chat.postMessage({
      channel: c.channelId,
      thread_ts: c.messageTs,
      text: r.text,
      blocks: r.blocks,
      unfurl_links: false,
    });
  }

  /** After a stored change: update the parent in place, then one short line in the thread. */
  async afterChange(
    client: WebClient,
    c: RecoveryCase,
    text: string,
    extra?: Rendered,
  ): Promise<void> {
    try {
      await this.refresh(client, c);
    } catch (e) {
      this.log('chat.update failed; the change is stored', { caseId: c.id, error: String(e) });
    }
    try {
      await this.reply(client, c, extra ?? line(text));
    } catch (e) {
      this.log('thread reply failed; the change is stored', { caseId: c.id, error: String(e) });
    }
  }

  async ephemeral(
    client: WebClient,
    channel: string | undefined,
    user: string,
    text: string,
    threadTs?: string,
  ): Promise<void> {
    if (!channel) return;
    try {
      await client.chat.postEphemeral({
        channel,
        user,
        text,
        ...(threadTs ? { thread_ts: threadTs } : {}),
      });
    } catch (e) {
      this.log('ephemeral failed', { channel, error: String(e) });
    }
  }
}
