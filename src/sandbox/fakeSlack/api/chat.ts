/** chat.*: posting, editing, deleting and linking to messages, and ephemeral messages. */
import type { Args, MessageMetadata, StoredEphemeral, StoredMessage } from '../types.js';
import { fail, isObject, PERMALINK_HOST, str, truthy } from '../values.js';
import { apiMessage, blocksOf, channelOf, type Handler, writableChannel } from './common.js';

/** A message's text and blocks (up to 50): one of them is required. */
function contentOf(a: Args): { text: string | undefined; blocks: unknown[] | undefined } {
  const text = str(a, 'text');
  const blocks = blocksOf(a, 50);
  if (text === undefined && blocks === undefined) fail('no_text');
  return { text, blocks };
}

export const chat: Record<string, Handler> = {
  'chat.postMessage': (w, a, call) => {
    const channel = writableChannel(w, call, a);
    const { text, blocks } = contentOf(a);
    if ((text?.length ?? 0) > 40_000) fail('msg_too_long');
    const threadTs = str(a, 'thread_ts');
    const metadata = isObject(a.metadata) ? (a.metadata as unknown as MessageMetadata) : undefined;
    const ts = w.nextTs();
    const msg: StoredMessage = {
      type: 'message',
      channel,
      ts,
      text: text ?? '',
      user: w.botUserId,
      bot_id: w.botId,
    };
    if (blocks) msg.blocks = blocks;
    if (metadata) msg.metadata = metadata;
    w.store(msg, threadTs, truthy(a.reply_broadcast));
    return { ok: true, channel, ts: msg.ts, message: apiMessage(msg) };
  },
  'chat.update': (w, a, call) => {
    const channel = channelOf(w, call, a);
    if (w.archived.has(channel)) fail('is_archived');
    const msg = w.findMessage(channel, str(a, 'ts') ?? fail('message_not_found'));
    if (!msg) return fail('message_not_found');
    const { text, blocks } = contentOf(a);
    msg.text = text ?? '';
    if (blocks) msg.blocks = blocks;
    if (isObject(a.metadata)) msg.metadata = a.metadata as unknown as MessageMetadata;
    msg.edited = { user: w.botUserId, ts: w.nextTs() };
    w.emitter.emit('update', msg);
    return { ok: true, channel, ts: msg.ts, text: msg.text, message: apiMessage(msg) };
  },
  // Like Slack: a bot deletes only its own messages; a thread parent's reply_count drops.
  'chat.delete': (w, a, call) => {
    const channel = channelOf(w, call, a);
    if (w.archived.has(channel)) fail('is_archived');
    const ts = str(a, 'ts') ?? fail('message_not_found');
    const msg = w.findMessage(channel, ts);
    if (!msg) return fail('message_not_found');
    if (msg.bot_id !== w.botId) return fail('cant_delete_message');
    w.remove(msg);
    return { ok: true, channel, ts };
  },
  'chat.postEphemeral': (w, a, call) => {
    const channel = writableChannel(w, call, a);
    const user = str(a, 'user') ?? fail('user_not_in_channel');
    if (w.foreign(user, call.team)) fail('user_not_in_channel');
    const { text, blocks } = contentOf(a);
    const eph: StoredEphemeral = { channel, user, text: text ?? '', message_ts: w.nextTs() };
    if (blocks) eph.blocks = blocks;
    const threadTs = str(a, 'thread_ts');
    if (threadTs) eph.thread_ts = threadTs;
    w.ephemerals.push(eph);
    w.emitter.emit('ephemeral', eph);
    return { ok: true, message_ts: eph.message_ts };
  },
  'chat.getPermalink': (w, a, call) => {
    const channel = channelOf(w, call, a);
    const msg = w.findMessage(channel, str(a, 'message_ts') ?? fail('message_not_found'));
    if (!msg) return fail('message_not_found');
    let permalink = `${PERMALINK_HOST}/archives/${channel}/p${msg.ts.replace('.', '')}`;
    if (msg.thread_ts && msg.thread_ts !== msg.ts) {
      permalink += `?thread_ts=${msg.thread_ts}&cid=${channel}`;
    }
    return { ok: true, channel, permalink };
  },
};
