import { type ListenerDeps, teamOf } from '../deps.js';
import { LOOKUP_MS, type ShortcutArgs, showCaseForm, tellPerson } from './form.js';

/**
 * The global shortcut (from the shortcuts menu or search, anywhere in Slack): the empty new-case
 * form. It comes with no channel, so the form asks for one, offering only internal channels.
 */
export function newCaseShortcut(deps: ListenerDeps) {
  return async (a: ShortcutArgs): Promise<void> => {
    await a.ack();
    const team = teamOf(a.body);
    if (!team) return;
    const user = a.shortcut.user.id;
    const { lang } = await deps.profiles.resolve(team, user, deps.cases.now(), LOOKUP_MS);
    await showCaseForm(deps, a, {
      team,
      lang,
      channelId: null,
      tell: (text) => tellPerson(a, deps, text),
    });
  };
}
