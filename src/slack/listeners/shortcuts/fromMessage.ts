import { SUMMARY_FIELD_MAX } from '../../blocks/modals.js';
import { isChannelId, isPermalink } from '../../ids.js';
import { clipPlain, mentionedUsers, messageText, readableText } from '../../messageText.js';
import { type ListenerDeps, teamOf } from '../deps.js';
import { LOOKUP_MS, type ShortcutArgs, showCaseForm, tellPerson } from './form.js';
import { newCaseShortcut } from './newCase.js';

/** At most this many people mentioned in the message are looked up for their names. */
const MAX_NAMES = 20;

/**
 * "Open a recovery case" on a message (most complaints arrive as one): the new-case form, with the
 * message's words in *what happened* and its channel as the case's channel. Its permalink goes with
 * the form and stays on the case, shown on the case's message as a link back to it.
 */
export function fromMessageShortcut(deps: ListenerDeps) {
  const global = newCaseShortcut(deps);
  return async (a: ShortcutArgs): Promise<void> => {
    // Declared as a global shortcut by mistake: the empty form, as that one opens.
    if (a.shortcut.type !== 'message_action') return global(a);
    await a.ack();
    const s = a.shortcut;
    const team = teamOf(a.body);
    if (!team) return;
    const user = s.user.id;
    const now = deps.cases.now();
    const text = messageText(s.message ?? {});
    // A case lives in a channel, never in a direct message: from one, the form asks for a channel.
    const name = s.channel?.name ?? '';
    const inDm = name === 'directmessage' || name.startsWith('mpdm-');
    const channelId = isChannelId(s.channel?.id) && !inDm ? s.channel.id : null;
    const ts = s.message_ts || s.message?.ts;
    const mentioned = mentionedUsers(text);
    // Asked of Slack at once, each for a short while only (the trigger lasts 3 s).
    const [{ lang }, link] = await Promise.all([
      deps.profiles.resolve(team, user, now, LOOKUP_MS),
      s.channel?.id && ts ? permalinkOf(a, deps, s.channel.id, ts) : Promise.resolve(null),
      ...mentioned.slice(0, MAX_NAMES).map((id) => deps.profiles.resolve(team, id, now, LOOKUP_MS)),
    ]);
    // The names as cached now (those just asked for included), for every person mentioned.
    const names = new Map(
      await Promise.all(
        mentioned.map(async (id) => [id, await deps.profiles.nameOf(team, id)] as const),
      ),
    );
    const summary = clipPlain(
      readableText(text, (id) => names.get(id) ?? null),
      SUMMARY_FIELD_MAX,
    );
    await showCaseForm(deps, a, {
      team,
      lang,
      channelId,
      from: { summary, link },
      // Privately, where the person is (the response URL works where Amends is not a member);
      // their direct message with Amends when that fails.
      tell: (said) =>
        a
          .respond({ response_type: 'ephemeral', replace_original: false, text: said })
          .then(() => undefined)
          .catch((e) => {
            deps.log.error('response_url failed', { err: e });
            return tellPerson(a, deps, said);
          }),
    });
  };
}

/** The message's permalink, or null when Slack does not give it in time (the case keeps no link). */
async function permalinkOf(
  a: ShortcutArgs,
  deps: ListenerDeps,
  channel: string,
  ts: string,
): Promise<string | null> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<'late'>((resolve) => {
    timer = setTimeout(() => resolve('late'), LOOKUP_MS);
  });
  const asked = a.client.chat
    .getPermalink({ channel, message_ts: ts })
    .then((r) => (isPermalink(r.permalink) ? r.permalink : null))
    .catch((e) => {
      deps.log.error('chat.getPermalink failed; the case keeps no link', { err: e });
      return null;
    });
  const link = await Promise.race([asked, late]);
  clearTimeout(timer);
  if (link === 'late') {
    deps.log.warn('chat.getPermalink too slow; the case keeps no link', { channel });
    return null;
  }
  return link;
}
