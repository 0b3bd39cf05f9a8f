/** conversations.*: a channel's history and threads, what a channel is, and opening DMs. */
import type { Args, StoredMessage } from '../types.js';
import { fail, str, truthy } from '../values.js';
import { apiMessage, channelOf, type Handler } from './common.js';

/** One page of messages, Slack's way: `cursor` is an offset, `limit` the page's size. */
function page(list: StoredMessage[], a: Args, defaultLimit: number): Args {
  const withMeta = truthy(a.include_all_metadata);
  const start = Number(str(a, 'cursor') ?? 0) || 0;
  const limit = Math.max(1, Number(str(a, 'limit') ?? defaultLimit) || defaultLimit);
  const end = start + limit;
  const hasMore = end < list.length;
  return {
    ok: true,
    messages: list.slice(start, end).map((m) => apiMessage(m, withMeta)),
    has_more: hasMore,
    response_metadata: { next_cursor: hasMore ? String(end) : '' },
  };
}

export const conversations: Record<string, Handler> = {
  'conversations.history': (w, a, call) => {
    const channel = channelOf(w, call, a);
    const oldest = str(a, 'oldest') ?? '0';
    const top = w.messages
      .filter(
        (m) =>
          m.channel === channel &&
          (!m.thread_ts || m.thread_ts === m.ts) &&
          Number(m.ts) >= Number(oldest),
      )
      .sort((x, y) => y.ts.localeCompare(x.ts));
    return page(top, a, 100);
  },
  'conversations.replies': (w, a, call) => {
    const channel = channelOf(w, call, a);
    const hit = w.findMessage(channel, str(a, 'ts') ?? fail('thread_not_found'));
    if (!hit) return fail('thread_not_found');
    const root = hit.thread_ts ?? hit.ts;
    const thread = w.messages
      .filter((m) => m.channel === channel && (m.ts === root || m.thread_ts === root))
      .sort((x, y) => x.ts.localeCompare(y.ts));
    return page(thread, a, 1000);
  },
  'conversations.info': (w, a, call) => {
    const id = channelOf(w, call, a);
    const im = id.startsWith('D');
    const how = w.sharing.get(id) ?? 'none';
    return {
      ok: true,
      channel: {
        id,
        name: im ? undefined : w.nameOf(id),
        is_channel: !im,
        is_im: im,
        is_member: !w.kicked.has(id),
        is_archived: w.archived.has(id),
        // Slack Connect: shared with another organisation, or invited to be; `org` is a channel
        // shared between workspaces of one Enterprise org.
        is_shared: how === 'ext' || how === 'org',
        is_ext_shared: how === 'ext',
        is_org_shared: how === 'org',
        is_pending_ext_shared: how === 'pending',
      },
    };
  },
  /**
   * Opens (or resumes) a direct message: `users` is one user id (an IM, the same `D…` id that
   * chat.postMessage to that user id posts in) or 2 to 8 (a group DM, a stable `G…` id), or
   * `channel` resumes one. Answers `{ ok, channel: { id } }`, with `no_op` and `already_open`
   * when it was open already, and the whole IM object with `return_im`, as Slack does.
   */
  'conversations.open': (w, a, call) => {
    const resume = str(a, 'channel');
    const listed = (str(a, 'users') ?? '')
      .split(',')
      .map((u) => u.trim())
      .filter((u) => u !== '');
    if (resume && listed.length > 0) fail('invalid_arguments');
    if (!resume && listed.length === 0) fail('users_list_not_supplied');
    if (listed.length > 8) fail('too_many_users');
    for (const u of listed) {
      if (!/^[UW][A-Z0-9]+$/.test(u) || (w.users.size > 0 && !w.users.has(u) && u !== w.botUserId))
        fail('user_not_found');
      if (w.foreign(u, call.team)) fail('user_not_found');
    }
    let id: string;
    if (resume) {
      if (!/^[DG]/.test(resume)) fail('channel_not_found');
      id = resume;
    } else if (listed.length === 1) {
      id = channelOf(w, call, { channel: listed[0] });
    } else {
      const key = [...new Set(listed)].sort().join(',');
      id = `G${key.replace(/[^A-Z0-9]/g, '').slice(0, 10)}`;
    }
    const already = w.openedIms.has(id);
    w.openedIms.add(id);
    const channel: Args = { id };
    if (truthy(a.return_im)) {
      Object.assign(channel, {
        created: Math.floor(w.now().getTime() / 1000),
        is_im: id.startsWith('D'),
        is_mpim: id.startsWith('G'),
        is_open: true,
        ...(id.startsWith('D') && listed[0] ? { user: listed[0] } : {}),
      });
    }
    return already ? { ok: true, no_op: true, already_open: true, channel } : { ok: true, channel };
  },
};
