import type { AllMiddlewareArgs, SlackShortcut, SlackShortcutMiddlewareArgs } from '@slack/bolt';
import { type Lang, t } from '../../../i18n/index.js';
import { openCaseModal } from '../../blocks/modals.js';
import { formFailed } from '../../errors.js';
import { knownClients, type ListenerDeps } from '../deps.js';
import { tellInDm } from '../tell.js';

export type ShortcutArgs = SlackShortcutMiddlewareArgs<SlackShortcut> & AllMiddlewareArgs;

/**
 * How long a shortcut waits for Slack (the person's language, a permalink, names) before it opens
 * the form anyway: the trigger lasts 3 s.
 */
export const LOOKUP_MS = 700;

/** A private word to the person, in their direct message with Amends (shortcuts have no channel). */
export const tellPerson = (a: ShortcutArgs, deps: ListenerDeps, text: string): Promise<void> =>
  tellInDm(a.client, a.shortcut.user.id, { text }, deps.log);

/**
 * Opens the new-case form with the shortcut's trigger (after the ack). When Slack won't open it the
 * person is told privately, in their language; otherwise their time zone is cached, in which the
 * form's date is read when it comes back.
 */
export async function showCaseForm(
  deps: ListenerDeps,
  a: ShortcutArgs,
  o: {
    readonly team: string;
    readonly lang: Lang;
    readonly channelId: string | null;
    readonly from?: { readonly summary?: string; readonly link?: string | null };
    readonly tell: (text: string) => Promise<void>;
  },
): Promise<void> {
  const user = a.shortcut.user.id;
  const known = await knownClients(deps, o.team);
  try {
    await a.client.views.open({
      trigger_id: a.shortcut.trigger_id,
      view: openCaseModal(t(o.lang), o.channelId, user, o.lang, o.from ?? {}, known),
    });
  } catch (e) {
    deps.log.error('views.open failed', { err: e });
    await o.tell(formFailed(e, t(o.lang)));
    return;
  }
  await deps.profiles.resolve(o.team, user, deps.cases.now());
}
